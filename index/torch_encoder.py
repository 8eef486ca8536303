"""Encoding with a loaded sentence-transformers model (PyTorch, or an ONNX export it runs).

Texts are grouped by token count before batching, so short texts are not padded to long ones,
and each batch runs through the model's own modules rather than `encode`, which redoes work
at every call.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from index.errors import ModelLoadError
from index.onnx_encoder import batches

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]

TOKENS_PER_BATCH = 8192
"""Padded tokens per PyTorch batch, at most (ONNX has its own, `onnx_encoder`): large enough
for bfloat16, whose matrix units want large products (see docs/decisions/)."""


class TorchEncoder:
    """Encodes texts with a sentence-transformers model, batch by batch, sorted by length,
    each batch at most `batch_size` texts and `TOKENS_PER_BATCH` padded tokens; safe to call
    from several threads. `bfloat16` runs the matrix products in bfloat16."""

    def __init__(self, model: SentenceTransformer, name: str, bfloat16: bool = False) -> None:
        self.model = model
        self.name = name
        self.bfloat16 = bfloat16
        self._counter: Any = None  # a private tokenizer to count tokens with, or False
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        dim = getter()
        if dim is None:  # pragma: no cover - every sentence-transformers pooling model has one
            raise ModelLoadError(f"model {self.name} does not report an embedding dimension")
        return int(dim)

    def encode(self, texts: list[str], batch_size: int = 64) -> Vectors:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with self._precision():
            for chosen in batches(self._token_lengths(texts), batch_size, TOKENS_PER_BATCH):
                out[chosen] = _encode_batch(self.model, [texts[i] for i in chosen])
        return out

    def _precision(self) -> AbstractContextManager[object]:
        """bfloat16 autocast when asked: matrix products in bfloat16, normalization and
        pooling in float32, so the vectors stay those of float32 within rounding."""
        if not self.bfloat16:
            return nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def _token_lengths(self, texts: list[str]) -> list[int]:
        """Each text's token count, for batching. Counted with a private copy of the model's
        tokenizer: the model's own is used by questions from other threads meanwhile, and a
        call with other settings mutates it under them ("Already borrowed"). Without a fast
        tokenizer, estimated from the characters (about four to a token in English)."""
        most = int(getattr(self.model, "max_seq_length", None) or 512)
        if len(texts) > 1 and self._counter is None:
            with self._lock:
                if self._counter is None:
                    self._counter = _token_counter(self.model, most)
        if len(texts) <= 1 or self._counter is False:
            return [min(len(text) // 4 + 2, most) for text in texts]
        return [len(e.ids) for e in self._counter.encode_batch(texts)]


def _encode_batch(model: SentenceTransformer, texts: list[str]) -> Vectors:
    """One batch through the model's own modules (tokenizer, transformer, pooling), normalized:
    what `model.encode` computes, without moving the model to its device and setting evaluation
    mode again at every call. A model with a default prompt or a truncated dimension goes
    through `encode`, which applies them."""
    import torch

    if model.default_prompt_name is not None or model.truncate_dim is not None:
        vectors: Vectors = model.encode(
            texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )  # fmt: skip
        return vectors
    prepare = getattr(model, "preprocess", None) or model.tokenize  # sentence-transformers < 5
    with torch.inference_mode():
        features = {
            name: value.to(model.device) if isinstance(value, torch.Tensor) else value
            for name, value in prepare(texts).items()
        }
        pooled = model(features)["sentence_embedding"]
        return torch.nn.functional.normalize(pooled.float(), p=2, dim=1).numpy()


def _token_counter(model: SentenceTransformer, most: int) -> Any:
    """A copy of the model's fast tokenizer that truncates like the model and never pads, or
    False when the model has none."""
    from tokenizers import Tokenizer

    backend = getattr(getattr(model, "tokenizer", None), "backend_tokenizer", None)
    if backend is None:
        return False
    counter = Tokenizer.from_str(backend.to_str())
    counter.no_padding()
    counter.enable_truncation(max_length=most)
    return counter
