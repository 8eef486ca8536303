"""Exact words: BM25 over the cards' text, how rare each word is, each card's terms.

Dense vectors blur rare names, numbers and quoted phrases ("gpt-oss", "5G", "$1 fries"); the
ranking weighs them through these. A reindex builds the lexicon of a generation once and
saves it beside the vectors (`lexicon.npz`), so opening an index only loads arrays.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
import regex
from bm25s.stopwords import STOPWORDS_EN

SATURATION = 5.0
"""BM25 scores are unbounded; `1 - exp(-s / SATURATION)` maps them to [0, 1)."""
K1, B = 1.5, 0.75
"""BM25's term-frequency saturation and length normalisation (Lucene's and bm25s's)."""
SEPARATOR = "\x1e"
"""Joins the strings of a saved lexicon (card ids, claims, vocabulary): no term or id has it."""

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
    found: list[str] = _WORD.findall(text.casefold().replace("’", "'"))
    return found


def terms(text: str) -> list[str]:
    """The words that carry meaning: not stop words, not single letters."""
    return [w for w in words(text) if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]


@dataclass(frozen=True)
class CardWords:
    """What one card says, as the lexical index reads it."""

    card_id: str
    claim: str  # headline, quote and speaker
    analysis: str


def card_words(data: str) -> CardWords:
    """The words of a card stored as JSON (read as plain JSON: a reindex reads every card)."""
    card = json.loads(data)
    claim = (card.get("headline"), card.get("quote"), card.get("speaker"))
    return CardWords(
        card.get("id", ""),
        " ".join(p for p in claim if p),
        " ".join(block.get("text", "") for block in card.get("analysis", ())),
    )


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


Ints = npt.NDArray[np.int64]


class LexicalIndex:
    """The cards' words, as arrays: each card's claim terms and all its terms as rows of
    vocabulary ids, every term's rarity, and a BM25 weight per (term, card) by term."""

    def __init__(self, arrays: dict[str, npt.NDArray[np.generic]]) -> None:
        self._arrays = arrays
        self.rowids: Ints = arrays["rowids"].astype(np.int64)
        self._position = {int(rowid): n for n, rowid in enumerate(self.rowids.tolist())}
        self._card_ids = _strings(arrays["card_ids"])
        self._claims = _strings(arrays["claims"])
        terms_known = _strings(arrays["vocabulary"])
        self._vocabulary = {term: n for n, term in enumerate(terms_known)}
        self._has_analysis = arrays["has_analysis"].astype(bool).tolist()
        self._claim_rows = _Rows(arrays["claim_indptr"], arrays["claim_indices"])
        self._card_rows = _Rows(arrays["card_indptr"], arrays["card_indices"])
        self._bm25 = _Rows(arrays["bm25_indptr"], arrays["bm25_cards"])
        self._bm25_weights = arrays["bm25_weights"].astype(np.float32)
        self.documents = len(self.rowids)
        self._idf: list[float] = arrays["idf"].astype(np.float64).tolist()
        self._unknown_idf = math.log1p((self.documents + 1) / 0.5)
        self._check()

    def covers(self, rowids: Sequence[int]) -> bool:
        """Whether this lexicon holds the words of exactly these cards."""
        return bool(np.array_equal(np.sort(self.rowids), np.sort(np.asarray(rowids, np.int64))))

    def _check(self) -> None:
        """Every array fits the others (a lexicon damaged past what the decoder sees would
        otherwise fail on the first question, or silently answer nothing)."""
        cards, terms_known = self.documents, len(self._vocabulary)
        sizes = (len(self._card_ids), len(self._claims), len(self._has_analysis), len(self._idf))
        if sizes != (cards, cards, cards, terms_known):
            raise ValueError("its per-card and per-term arrays differ in length")
        for rows, count, bound in (
            (self._claim_rows, cards, terms_known),
            (self._card_rows, cards, terms_known),
            (self._bm25, terms_known, cards),
        ):
            rows.check(count, bound)
        if len(self._bm25_weights) != len(self._bm25.indices):
            raise ValueError("its BM25 weights do not fit their cards")

    @classmethod
    def build(cls, rowids: Sequence[int], cards: Sequence[CardWords]) -> LexicalIndex:
        """Read every card's words (a reindex does this once per generation)."""
        vocabulary: dict[str, int] = {}
        claim_rows: list[list[int]] = []
        card_rows: list[list[int]] = []
        counts: list[dict[int, int]] = []
        for card in cards:
            claim, analysis = terms(card.claim), terms(card.analysis)
            claim_ids = sorted({vocabulary.setdefault(t, len(vocabulary)) for t in set(claim)})
            tf: dict[int, int] = {}
            for t in (*claim, *analysis):
                n = vocabulary.setdefault(t, len(vocabulary))
                tf[n] = tf.get(n, 0) + 1
            claim_rows.append(claim_ids)
            card_rows.append(sorted(tf))
            counts.append(tf)
        documents = len(cards)
        claim_indptr, claim_indices = _flat(claim_rows)
        card_indptr, card_indices = _flat(card_rows)
        frequency = np.bincount(card_indices, minlength=len(vocabulary))
        idf = np.log1p((documents + 1) / (frequency + 0.5))
        indptr, bm25_cards, weights = _bm25(counts, frequency, len(vocabulary))
        return cls(
            {
                "rowids": np.asarray(rowids, dtype=np.int64),
                "card_ids": _joined([c.card_id for c in cards]),
                "claims": _joined([c.claim for c in cards]),
                "vocabulary": _joined(list(vocabulary)),
                "has_analysis": np.asarray([bool(c.analysis.strip()) for c in cards]),
                "claim_indptr": claim_indptr,
                "claim_indices": claim_indices,
                "card_indptr": card_indptr,
                "card_indices": card_indices,
                "idf": idf,
                "bm25_indptr": indptr,
                "bm25_cards": bm25_cards,
                "bm25_weights": weights,
            }
        )

    def save(self, path: Path) -> None:
        with path.open("wb") as out:
            np.savez(out, **self._arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """A saved lexicon; `ValueError` when it is damaged or incomplete."""
        try:
            # Opened here, not by np.load, which leaves its own handle open when parsing fails.
            with path.open("rb") as handle, np.load(handle, allow_pickle=False) as saved:
                arrays = {name: saved[name] for name in saved.files}
            return cls(arrays)
        except (KeyError, IndexError, TypeError, EOFError, OSError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path.name} is damaged ({type(exc).__name__})") from exc

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
            math.fsum(claim_terms.values()),  # exact: the same whatever the ids' order
            frozenset(self._card_rows.row(position)),
            self._has_analysis[position],
        )

    def scores(self, question: dict[int, float], top: int) -> dict[int, float]:
        """Card rowid → saturated BM25 score for the `top` cards sharing a term with the
        question (and any tying with the last of them: the same cards whatever their order)."""
        known = [n for n in question if n >= 0]
        if not known or not self.documents or top <= 0:
            return {}
        raw = np.zeros(self.documents, dtype=np.float32)
        for n in known:
            start, end = self._bm25.bounds(n)
            raw[self._bm25.indices[start:end]] += self._bm25_weights[start:end]
        scored = np.flatnonzero(raw)
        if top < len(scored):
            values = raw[scored]
            bar = np.partition(values, len(values) - top)[len(values) - top]
            scored = scored[values >= bar]
        return {
            int(self.rowids[i]): 1.0 - math.exp(-float(raw[i]) / SATURATION)
            for i in scored.tolist()
        }


def _bm25(
    counts: list[dict[int, int]], frequency: Ints, terms_known: int
) -> tuple[Ints, npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """Lucene's BM25 weight of every (term, card) pair (as bm25s computes it: no (k1 + 1)
    factor), grouped by term."""
    documents = len(counts)
    lengths = np.asarray([sum(tf.values()) for tf in counts], dtype=np.float64)
    average = float(lengths.mean()) if documents and lengths.sum() else 1.0
    idf = np.log1p((documents - frequency + 0.5) / (frequency + 0.5))
    term_of = np.fromiter((n for tf in counts for n in tf), dtype=np.int64)
    card_of = np.repeat(np.arange(documents), [len(tf) for tf in counts])
    tf_of = np.fromiter((c for tf in counts for c in tf.values()), dtype=np.float64)
    norm = K1 * (1 - B + B * lengths[card_of] / average)
    weights = idf[term_of] * tf_of / (tf_of + norm)
    order = np.argsort(term_of, kind="stable")
    indptr = np.zeros(terms_known + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(term_of, minlength=terms_known))
    return indptr, card_of[order].astype(np.int32), weights[order].astype(np.float32)


def _flat(rows: list[list[int]]) -> tuple[Ints, npt.NDArray[np.int32]]:
    """Rows of ints as two flat arrays (compressed sparse rows): a list of lists of Python
    ints costs about eight times the memory."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    return indptr, indices


class _Rows:
    def __init__(self, indptr: npt.NDArray[np.generic], indices: npt.NDArray[np.generic]) -> None:
        self.indptr = indptr.astype(np.int64)
        self.indices = indices

    def check(self, count: int, bound: int) -> None:
        """`count` rows of values below `bound`, or ValueError."""
        indptr, indices = self.indptr, self.indices
        if (
            len(indptr) != count + 1
            or indptr[0] != 0
            or indptr[-1] != len(indices)
            or bool(np.any(np.diff(indptr) < 0))
            or (len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= bound))
        ):
            raise ValueError("its rows do not fit their arrays")

    def bounds(self, n: int) -> tuple[int, int]:
        return int(self.indptr[n]), int(self.indptr[n + 1])

    def row(self, n: int) -> list[int]:
        start, end = self.bounds(n)
        return self.indices[start:end].tolist()  # type: ignore[no-any-return]


def _joined(strings: list[str]) -> npt.NDArray[np.uint8]:
    text = "".join(SEPARATOR + s.replace(SEPARATOR, " ") for s in strings)
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _strings(array: npt.NDArray[np.generic]) -> list[str]:
    return array.astype(np.uint8).tobytes().decode("utf-8").split(SEPARATOR)[1:]
