"""Text → normalized vectors. The model is a setting; the default is the packaged MiniLM.

`Embedder` is the small protocol the rest of the engine depends on, so tests can hand in a
deterministic fake where the model's quality is not what they test.

Backends: `torch` runs the model as shipped; `torch-bf16` runs its matrix products in bfloat16
(for bulk embedding on CPUs with bfloat16 units, see `has_fast_bf16`); `onnx` and `onnx-int8`
run it with ONNX Runtime from an export cached by `index.onnx_export` (for int8, dynamically
quantized for this CPU). All compute the same model, so they share its name in the manifest
and an index built with one is searched with another (see docs/decisions/).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt

from index.cpu_features import has_fast_bf16
from index.errors import ModelLoadError
from index.model_source import DEFAULT_MODEL, load_sentence_transformer, resolve_model
from index.onnx_encoder import OnnxEncoder, session_options
from index.onnx_export import OnnxExportCache, default_cache_dir
from index.torch_encoder import TorchEncoder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "DEFAULT_MODEL",
    "Backend",
    "Embedder",
    "SentenceTransformerEmbedder",
    "Vectors",
    "has_fast_bf16",
    "resolve_model",
]

Vectors = npt.NDArray[np.float32]
Backend = Literal["torch", "torch-bf16", "onnx", "onnx-int8"]


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model on one of the backends, loaded on first use (so commands
    with nothing to embed never pay for it) and safe to call from several threads."""

    def __init__(
        self,
        model: str | None = None,
        backend: Backend = "torch",
        batch_size: int = 64,
        cache_dir: Path | None = None,
    ):
        self._name, self._source = resolve_model(model)
        self.backend: Backend = backend
        self.batch_size = batch_size
        self.cache_dir = cache_dir or default_cache_dir()
        self._encoder: TorchEncoder | OnnxEncoder | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._loaded().dimension

    @property
    def model(self) -> SentenceTransformer | OnnxEncoder:
        """The loaded model: sentence-transformers for torch, and for ONNX exports it cannot
        run itself; otherwise the lighter `OnnxEncoder` (no torch import at start-up)."""
        encoder = self._loaded()
        return encoder.model if isinstance(encoder, TorchEncoder) else encoder

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self._loaded().encode(list(texts), self.batch_size)

    def onnx_folder(self) -> Path:
        """The cached ONNX export of the model, made on first use."""
        return self._exports().folder()

    def _exports(self) -> OnnxExportCache:
        return OnnxExportCache(self._name, self._source, self.cache_dir)

    def _loaded(self) -> TorchEncoder | OnnxEncoder:
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = self._load()
        return self._encoder

    def _load(self) -> TorchEncoder | OnnxEncoder:
        # Only the packaged model is guaranteed offline; a named hub model may still download
        # if the user's machine has internet and they did not set HF_HUB_OFFLINE themselves.
        if self._source != self._name:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        folder: Path | None = None
        try:
            if self.backend in ("torch", "torch-bf16"):
                model = load_sentence_transformer(self._source)
                return TorchEncoder(model, self._name, bfloat16=self.backend == "torch-bf16")
            exports = self._exports()
            folder = exports.folder()
            if self.backend == "onnx-int8":
                file_name = exports.quantized_file(folder)
            else:
                file_name = exports.optimized_file(folder)
            if OnnxEncoder.supports(folder):
                return OnnxEncoder(folder, file_name, session_options())
            model = load_sentence_transformer(str(folder), backend="onnx", file_name=file_name)
            return TorchEncoder(model, self._name)
        except ModelLoadError:
            raise
        except Exception as exc:
            if folder is not None:  # the export exists: a damaged cached file is likelier
                hint = f"if a file in {folder} is damaged, delete that folder to export anew"
            else:
                hint = "without internet only the packaged default model is available"
            raise ModelLoadError(
                f"cannot load embedding model {self._name!r} with backend {self.backend!r} "
                f"({type(exc).__name__}: {exc}); {hint}"
            ) from exc
