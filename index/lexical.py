"""BM25 over the cards' text (bm25s), for blending exact-term matches into dense scores.

Dense vectors blur rare names ("gpt-oss", "TPU", "Kimi"); BM25 scores them exactly. The blend
is measured against dense-only retrieval in docs/retrieval.md; it is built in memory when an
index is opened with a policy that uses it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bm25s
import numpy as np

SATURATION = 5.0
"""BM25 scores are unbounded; `1 - exp(-s / SATURATION)` maps them to [0, 1)."""


class LexicalIndex:
    """BM25 over one text per card; `scores` returns saturated scores for every card row."""

    def __init__(self, rowids: Sequence[int], texts: Sequence[str]) -> None:
        self.rowids = np.asarray(rowids, dtype=np.int64)
        self._bm25 = bm25s.BM25()
        tokens = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
        self._bm25.index(tokens, show_progress=False)

    def scores(self, question: str) -> dict[int, float]:
        """Card rowid → saturated BM25 score, for cards sharing a term with the question."""
        words = bm25s.tokenize([question], stopwords="en", show_progress=False, return_ids=False)
        if not words or not words[0]:
            return {}
        raw = self._bm25.get_scores(list(words[0]))
        hits = np.nonzero(raw > 0)[0]
        return {int(self.rowids[i]): 1.0 - math.exp(-float(raw[i]) / SATURATION) for i in hits}
