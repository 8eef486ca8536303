"""A cheap stand-in for the model when building the large benchmark indexes.

Embedding 100k cards (about a million passages) with the real model takes hours on two cores,
yet what query latency and memory depend on is how many vectors there are, in what space, and
how they cluster. The stand-in places each passage at the normalized mean of the real model's
vectors for its words (each distinct word embedded once), so passages sit in the model's own
space and cluster by topic as real ones do, and the real model's questions land near the
passages about the same things. It reports the real model's name, so the index it builds is
opened and queried with the real model, exactly as a user's would be.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import regex

from index.embed import Embedder, Vectors

_WORD = regex.compile(r"\p{L}[\p{L}\p{N}'-]*|\p{N}+")


class WordMeanEmbedder:
    """Mean of the real model's word vectors, L2-normalized; words are embedded on first use."""

    def __init__(self, model: Embedder) -> None:
        self._model = model
        self._words: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return self._model.name

    @property
    def dimension(self) -> int:
        return self._model.dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        tokenized = [_WORD.findall(text.casefold()) for text in texts]
        new = sorted({w for words in tokenized for w in words} - self._words.keys())
        if new:
            self._words.update(zip(new, self._model.embed(new), strict=True))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, words in enumerate(tokenized):
            if words:
                out[row] = np.mean([self._words[w] for w in words], axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)
