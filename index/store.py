"""The on-disk index folder: a manifest naming the current generation, the reindex lock, and
the clean-up of what crashed reindexes left. Each generation is a folder with a FAISS file
(vectors), a SQLite file (episodes, cards, review-file hashes: index/database.py) and the
cards' words (index/lexical.py); index/generation.py opens and builds one.

A reindex writes a whole new generation folder beside the current one and then replaces
`manifest.json` with one `os.replace`, which is atomic: a reader sees the old index or the new
one, never a mix, and a crash at any point leaves the old one loadable.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError, field_validator

from index.atomic_write import write_atomically
from index.errors import (
    IndexCorruptError,
    IndexFolderError,
    IndexMismatchError,
    IndexMissingError,
    ReindexBusyError,
)
from index.passages import DEFAULT_LAYOUT, LAYOUTS

FORMAT_VERSION = 3
"""What a generation holds. 2: vectors flat float16 or two-stage IVF (index/vector_index.py)
and the cards' words always saved; 3: cards and reviews carry their provenance. An index of
another format is refused by readers and rebuilt in full by the next reindex."""
MANIFEST = "manifest.json"
VECTORS_FILE = "vectors.faiss"
DATABASE_FILE = "claims.sqlite"
LEXICON_FILE = "lexicon.npz"
LOCK_FILE = ".reindex.lock"
TMP_PREFIX = "tmp-"
GEN_PREFIX = "gen-"


class Manifest(BaseModel):
    """What an index is and where its current files are."""

    format: int = FORMAT_VERSION
    model: str
    dimension: int
    layout: str
    generation: str
    version: int
    created: datetime
    episodes: int
    cards: int
    vectors: int

    @field_validator("generation")
    @classmethod
    def _a_folder_of_this_index(cls, name: str) -> str:
        # Readers open files under index_dir / generation: a damaged or hand-edited manifest
        # must not point them (or remove_stale) anywhere else.
        if not name.startswith(GEN_PREFIX) or Path(name).name != name or name in (".", ".."):
            raise ValueError(f"{name!r} is not a generation folder name")
        return name

    def check_compatible(self, model: str, layout: str | None = None) -> None:
        """Raise `IndexMismatchError` unless this index was built for `model` (and `layout`,
        when given; readers accept any known layout)."""
        if self.format != FORMAT_VERSION:
            age = "an older" if self.format < FORMAT_VERSION else "a newer"
            raise IndexMismatchError(
                f"the index is format {self.format} (written by {age} claimbot), this claimbot "
                f"reads format {FORMAT_VERSION}"
            )
        if self.model != model:
            raise IndexMismatchError(
                f"the index was built with model {self.model!r}, but the configured model is "
                f"{model!r}"
            )
        if self.layout not in LAYOUTS or (layout is not None and self.layout != layout):
            raise IndexMismatchError(
                f"the index uses passage layout {self.layout!r}, this claimbot uses "
                f"{layout or DEFAULT_LAYOUT!r}"
            )


def read_manifest(index_dir: Path) -> Manifest:
    path = index_dir / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {index_dir} yet") from None
    except OSError as exc:
        raise IndexCorruptError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        # json.loads decodes the bytes itself, so non-UTF-8 garbage is a ValueError here too.
        return Manifest.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise IndexCorruptError(f"{path} is damaged ({type(exc).__name__})") from exc


def write_manifest(
    index_dir: Path, manifest: Manifest, checkpoint: Callable[[str], None] | None = None
) -> None:
    """Atomically make `manifest` the current one (write a temporary file, fsync, rename).

    `checkpoint` is called with "manifest-written" (the temporary file is complete) and
    "manifest-replaced" (the rename is done, the directory not yet synced); crash tests use it.
    """
    write_atomically(
        index_dir / MANIFEST,
        manifest.model_dump_json(indent=2).encode(),
        temp_prefix=f"{TMP_PREFIX}{MANIFEST}.",  # swept by `remove_stale` if a crash leaves it
        checkpoint=None if checkpoint is None else lambda stage: checkpoint(f"manifest-{stage}"),
    )


def new_generation_name(version: int) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return f"{GEN_PREFIX}{version:06d}-{stamp}-{os.getpid()}"


def remove_stale(index_dir: Path, keep: set[str]) -> list[str]:
    """Delete temporary leftovers of crashed reindexes and generations not in `keep`.

    Call only while holding the reindex lock. Readers hold no lock, so they never clean (they
    could delete the folder a live reindex is writing); every reindex, even one with nothing
    to do, starts by cleaning instead. Returns the names removed.
    """
    removed: list[str] = []
    if not index_dir.is_dir():
        return removed
    for entry in index_dir.iterdir():
        name = entry.name
        if name.startswith(TMP_PREFIX) or (name.startswith(GEN_PREFIX) and name not in keep):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(name)
    return removed


def busy_message(index_dir: Path, holder: str) -> str:
    """What a reindex refused by another one's lock says, whichever lock it is."""
    return f"a reindex of {index_dir} is already running ({holder}); try again when it ends"


@contextmanager
def reindex_lock(index_dir: Path) -> Iterator[None]:
    """Hold the directory's reindex lock, or raise `ReindexBusyError` at once.

    An OS file lock (flock), so it is released when the holder dies, even by SIGKILL.
    """
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fh = open(index_dir / LOCK_FILE, "a+")  # noqa: SIM115 (closed by the `with` below)
    except OSError as exc:
        raise IndexFolderError(
            f"cannot use {index_dir} as the index folder: {exc.strerror or exc}"
        ) from exc
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise ReindexBusyError(
                busy_message(index_dir, fh.read().strip() or "another process")
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
