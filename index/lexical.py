"""Exact words: BM25 over the cards' text (bm25s) and how rare each word is.

Dense vectors blur rare names, numbers and quoted phrases ("gpt-oss", "5G", "$1 fries"); the
ranking weighs them through these scores. Built in memory when an index is opened.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import bm25s
import numpy as np
import regex
from bm25s.stopwords import STOPWORDS_EN

# bm25s sets its own logger to DEBUG when imported, so every index opened would log "Building
# index from tokens" through whatever handlers the front end installed.
logging.getLogger("bm25s").setLevel(logging.WARNING)

SATURATION = 5.0
"""BM25 scores are unbounded; `1 - exp(-s / SATURATION)` maps them to [0, 1)."""

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}\p{M}'’]*")
# Question words and fillers: they say nothing about which claim a question is about.
_STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(
    (
        "is", "are", "was", "were", "be", "been", "do", "does", "did", "can", "could", "would",
        "should", "will", "shall", "may", "might", "must", "i", "me", "my", "we", "our", "you",
        "your", "he", "she", "him", "her", "his", "they", "them", "their", "what", "which", "who",
        "whom", "whose", "how", "why", "when", "where", "there", "here", "than", "then", "so",
        "too", "very", "just", "also", "about", "really", "true", "actually", "anyone", "someone",
        "something", "thing", "things", "say", "said", "says", "claim", "claims",
    )
)


def words(text: str) -> list[str]:
    """Every word of `text`, case-folded, apostrophes kept inside ("don't")."""
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def terms(text: str) -> list[str]:
    """The words that carry meaning: not stop words, not single letters."""
    return [w for w in words(text) if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


@dataclass(frozen=True)
class CardWords:
    """What one card says, as the lexical index reads it."""

    card_id: str
    claim: str  # headline, quote and speaker
    analysis: str


@dataclass(frozen=True)
class CardText:
    """One card's words as the ranking weighs them: terms as ids of the index's vocabulary,
    each claim term with its rarity (idf)."""

    card_id: str
    claim_words: tuple[str, ...]  # headline, quote and speaker, in order
    claim_pairs: frozenset[tuple[str, str]]  # those words two by two
    claim_terms: dict[int, float]  # term id → rarity
    claim_weight: float  # the rarities summed
    card_terms: frozenset[int]  # the claim's and the analysis's
    has_analysis: bool


class LexicalIndex:
    """The cards' words: BM25 over each card's text, every term's rarity, and each card's
    terms (claim, and claim with analysis) as rows of vocabulary ids, compact enough to keep
    for every card of a large index (about 0.6 kB a card)."""

    def __init__(self, rowids: Sequence[int], cards: Sequence[CardWords]) -> None:
        self.rowids = np.asarray(rowids, dtype=np.int64)
        self._position = {int(rowid): n for n, rowid in enumerate(rowids)}
        self._card_ids = [card.card_id for card in cards]
        self._claims = [card.claim for card in cards]
        self._has_analysis = [bool(card.analysis.strip()) for card in cards]
        self._vocabulary: dict[str, int] = {}
        claim_rows: list[list[int]] = []
        card_rows: list[list[int]] = []
        texts: list[list[str]] = []
        for card in cards:
            claim, analysis = terms(card.claim), terms(card.analysis)
            claim_ids = self._ids(claim)
            claim_rows.append(claim_ids)
            card_rows.append(sorted(set(claim_ids) | set(self._ids(analysis))))
            texts.append(claim + analysis)
        self._claim_rows = _Rows(claim_rows)
        self._card_rows = _Rows(card_rows)
        self.documents = len(cards)
        frequency = np.bincount(self._card_rows.indices, minlength=len(self._vocabulary))
        self._idf: list[float] = np.log1p((self.documents + 1) / (frequency + 0.5)).tolist()
        self._unknown_idf = math.log1p((self.documents + 1) / 0.5)
        self._bm25: bm25s.BM25 | None = None
        if any(texts):
            self._bm25 = bm25s.BM25()
            self._bm25.index([t or [""] for t in texts], show_progress=False)

    def _ids(self, tokens: list[str]) -> list[int]:
        vocabulary = self._vocabulary
        return sorted({vocabulary.setdefault(t, len(vocabulary)) for t in tokens})

    def idf(self, term: str) -> float:
        """Inverse document frequency, smoothed: a word no card has weighs the most."""
        known = self._vocabulary.get(term)
        return self._unknown_idf if known is None else self._idf[known]

    def weigh(self, question_terms: Sequence[str]) -> dict[int, float]:
        """Term id → rarity for a question's terms; a term no card has gets an id of its own
        below zero, so it weighs and never matches."""
        weights: dict[int, float] = {}
        for n, term in enumerate(dict.fromkeys(question_terms)):
            known = self._vocabulary.get(term)
            if known is None:
                weights[-1 - n] = self._unknown_idf
            else:
                weights[known] = self._idf[known]
        return weights

    def card_text(self, rowid: int) -> CardText | None:
        position = self._position.get(rowid)
        if position is None:
            return None
        idf = self._idf
        claim_terms = {i: idf[i] for i in self._claim_rows.row(position)}
        claim_words = tuple(words(self._claims[position]))
        return CardText(
            self._card_ids[position],
            claim_words,
            frozenset(pairwise(claim_words)),
            claim_terms,
            sum(claim_terms.values()),
            frozenset(self._card_rows.row(position)),
            self._has_analysis[position],
        )

    def scores(self, question_terms: Sequence[str], top: int) -> dict[int, float]:
        """Card rowid → saturated BM25 score for the `top` cards sharing a term with the
        question."""
        if self._bm25 is None or not question_terms:
            return {}
        known = [t for t in question_terms if t in self._bm25.vocab_dict]
        if not known:
            return {}
        raw = self._bm25.get_scores(known)
        scored = np.flatnonzero(raw)
        if top < len(scored):
            # The `top` best and any that tie with the last: the same cards whatever their
            # row order.
            values = raw[scored]
            bar = np.partition(values, len(values) - top)[len(values) - top]
            scored = scored[values >= bar]
        best = scored
        return {int(self.rowids[i]): 1.0 - math.exp(-float(raw[i]) / SATURATION) for i in best}


class _Rows:
    """Rows of ints in two flat arrays (compressed sparse rows): a list of lists of Python
    ints costs about eight times the memory."""

    def __init__(self, rows: list[list[int]]) -> None:
        self.indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum([len(r) for r in rows])
        self.indices = np.fromiter(
            (i for r in rows for i in r), dtype=np.int32, count=int(self.indptr[-1])
        )

    def row(self, n: int) -> list[int]:
        return self.indices[self.indptr[n] : self.indptr[n + 1]].tolist()  # type: ignore[no-any-return]
