"""Exact words: BM25 over the cards' text (bm25s) and how rare each word is.

Dense vectors blur rare names, numbers and quoted phrases ("gpt-oss", "5G", "$1 fries"); the
ranking weighs them through these scores. Built in memory when an index is opened.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

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


class LexicalIndex:
    """BM25 over one text per card, and each term's document frequency."""

    def __init__(self, rowids: Sequence[int], texts: Sequence[str]) -> None:
        self.rowids = np.asarray(rowids, dtype=np.int64)
        tokens = [terms(text) for text in texts]
        self.documents = len(tokens)
        self._frequency: Counter[str] = Counter()
        for document in tokens:
            self._frequency.update(set(document))
        self._bm25: bm25s.BM25 | None = None
        if any(tokens):
            self._bm25 = bm25s.BM25()
            self._bm25.index([t or [""] for t in tokens], show_progress=False)

    def idf(self, term: str) -> float:
        """Inverse document frequency, smoothed: a word no card has weighs the most."""
        return math.log(1 + (self.documents + 1) / (self._frequency.get(term, 0) + 0.5))

    def scores(self, question_terms: Sequence[str], top: int) -> dict[int, float]:
        """Card rowid → saturated BM25 score for the `top` cards sharing a term with the
        question."""
        if self._bm25 is None or not question_terms:
            return {}
        known = [t for t in question_terms if t in self._bm25.vocab_dict]
        if not known:
            return {}
        raw = self._bm25.get_scores(known)
        if top < len(raw):
            # The `top` best and any that tie with the last: the same cards whatever their
            # row order.
            bar = max(float(np.partition(raw, len(raw) - top)[len(raw) - top]), 1e-12)
        else:
            bar = 1e-12
        best = np.flatnonzero(raw >= bar)
        return {int(self.rowids[i]): 1.0 - math.exp(-float(raw[i]) / SATURATION) for i in best}
