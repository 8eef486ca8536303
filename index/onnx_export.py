"""The ONNX exports of a model in a cache folder: exported once with sentence-transformers,
optimized or quantized beside the export, and loaded from there afterwards.

Every file is made under a temporary name and renamed into place, so processes that start
together (bot shards) never load a half-written one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import ModelLoadError
from index.model_source import load_sentence_transformer

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

ONNX_FILE = "onnx/model.onnx"
OPTIMIZED_ONNX_FILE = "onnx/model_O2.onnx"


def default_cache_dir() -> Path:
    """Where exported ONNX models go when no folder is given: the user's cache folder (the
    packaged model's own folder may be read-only)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimbot" / "models"


def int8_target() -> str:
    """The sentence-transformers quantization preset for this machine.

    On x86 the AVX2 preset, not the AVX-512 VNNI one even where the CPU has it: it kept more
    right answers on the labelled questions (see docs/decisions/), and its file runs on any
    x86-64 machine sharing the cache folder.
    """
    return "arm64" if platform.machine().lower() in ("arm64", "aarch64") else "avx2"


@dataclass(frozen=True)
class OnnxExportCache:
    """The exports of one model (`name` in messages, `source` to load) under `cache_dir`."""

    name: str
    source: str
    cache_dir: Path

    def folder(self) -> Path:
        """The cached ONNX export of the model, made on first use.

        Its name carries a fingerprint of the source model files, so a changed model gets a
        fresh export.
        """
        folder = self.cache_dir / f"{_slug(self.name)}-{_fingerprint(self.source)}"
        if (folder / ONNX_FILE).is_file():
            return folder
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / f"tmp-{uuid.uuid4().hex}"
        try:
            # Loading a folder without an ONNX file with backend="onnx" exports it.
            load_sentence_transformer(self.source, backend="onnx").save(str(tmp))
            if not (tmp / ONNX_FILE).is_file():
                raise ModelLoadError(f"exporting {self.name!r} to ONNX produced no {ONNX_FILE}")
            _publish(tmp, folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def quantized_file(self, folder: Path) -> str:
        """The int8 model beside the ONNX export (relative path), quantized on first use."""
        target = int8_target()

        def quantize(model: SentenceTransformer, out: Path) -> None:
            from sentence_transformers import export_dynamic_quantized_onnx_model

            export_dynamic_quantized_onnx_model(
                model, target, str(out), file_suffix=f"int8_{target}"
            )

        return self._derived_file(folder, f"onnx/model_int8_{target}.onnx", quantize)

    def optimized_file(self, folder: Path) -> str:
        """The export with ONNX Runtime's transformer fusions (attention, layer norm, GELU) at
        level O2, which keeps float32 and exact GELU: the same vectors, sooner. The plain
        export when the optimizer does not know the model's architecture."""

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
            log.warning("using the plain ONNX export of %s: %s", self.name, exc)
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
            make(load_sentence_transformer(str(folder), backend="onnx", file_name=ONNX_FILE), tmp)
            if not (tmp / relative).is_file():
                raise ModelLoadError(f"preparing {self.name!r} produced no {relative}")
            _publish(tmp / relative, folder / relative)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return relative


class _NotOptimizable(Exception):
    """ONNX Runtime's transformer optimizer refused the model's graph."""


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
    times (hashing the weights on every start would cost more than it protects)."""
    path = Path(source)
    digest = hashlib.sha256(source.encode())
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]
