"""A tiny deterministic embedder for tests where the model's quality is not what is tested."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import regex

from index.embed import Vectors

_WORD = regex.compile(r"\p{L}[\p{L}\p{N}'-]*|\p{N}+")


class HashingEmbedder:
    """Bag of words hashed into `dimension` buckets, L2-normalized. Texts sharing words are
    close, so search behaves sensibly; every call is recorded so tests can count embeddings."""

    def __init__(self, dimension: int = 512, name: str = "test/hashing-embedder") -> None:
        self._dimension = dimension
        self._name = name
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def texts_embedded(self) -> int:
        return sum(len(c) for c in self.calls)

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.casefold()):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest())
                out[row, bucket % self._dimension] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out
