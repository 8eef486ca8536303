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
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError, field_validator

from index.atomic_write import write_atomically
from index.bounded_read import file_kind
from index.errors import (
    IndexCorruptError,
    IndexFolderError,
    IndexMismatchError,
    IndexMissingError,
    IndexUnusableError,
    ReindexBusyError,
)
from index.passages import DEFAULT_LAYOUT, LAYOUTS

FORMAT_VERSION = 4
"""What a generation holds. 2: vectors flat float16 or two-stage IVF (index/vector_index.py)
and the cards' words always saved; 3: cards and reviews carry their provenance; 4: each card's
language (index/language.py) beside it, so questions skip cards the model cannot read. An index of
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
    """The published manifest; `IndexFolderError` when something else than a file (a folder,
    a FIFO, which would block the reader) holds its name."""
    path = index_dir / MANIFEST
    try:
        # O_NONBLOCK: opening a FIFO to read would wait for a writer; a file ignores it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {index_dir} yet") from None
    except OSError as exc:
        raise IndexCorruptError(f"cannot read {path}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_a_file(path, mode)
        try:
            raw = fh.read()
        except OSError as exc:
            raise IndexCorruptError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        # json.loads decodes the bytes itself, so non-UTF-8 garbage is a ValueError here too.
        return Manifest.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        raise IndexCorruptError(f"{path} is damaged ({type(exc).__name__})") from exc


def check_manifest_place(index_dir: Path) -> None:
    """Raise `IndexFolderError` when the manifest's name is taken by something a reindex must
    not replace (a folder, a FIFO, a device, a link to one); checked before any work, so a
    refused reindex writes nothing. Nothing there, or a regular file, is fine."""
    path = index_dir / MANIFEST
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # the index folder's own problems: the lock
        return
    except OSError as exc:
        raise IndexFolderError(
            f"cannot use {path} as the index's manifest: {exc.strerror}"
        ) from exc
    if not stat.S_ISREG(mode):
        raise _not_a_file(path, mode)


def _not_a_file(path: Path, mode: int, role: str = "the index's manifest file") -> IndexFolderError:
    return IndexFolderError(
        f"{path} is {file_kind(mode)}, not {role}; claimbot will not replace it: move it away"
    )


def highest_version(index_dir: Path) -> int:
    """The highest index version `index_dir` shows, 0 for none: its manifest's when readable,
    and those in the names of the generation folders present, so a rebuild after a damaged
    or lost manifest still gets a version higher than any a reader may have seen."""
    versions = [0]
    with suppress(IndexUnusableError, IndexFolderError):
        versions.append(read_manifest(index_dir).version)
    if index_dir.is_dir():
        for entry in index_dir.iterdir():
            published = _GENERATION_NAME.fullmatch(entry.name)  # never tmp-: not published
            # A name no reindex wrote (by hand, or hostile: gen-99999999999999999999999-x)
            # must not throw the versions past what JSON readers compare exactly.
            if published is not None and int(published.group(1)) <= MAX_VERSION:
                versions.append(int(published.group(1)))
    return max(versions)


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


_GENERATION_NAME = re.compile(rf"{GEN_PREFIX}([0-9]+)-[0-9]{{8}}T[0-9]{{6}}-[0-9]+")
"""A generation folder's name, as `new_generation_name` writes it: its version is the number."""

MAX_VERSION = 2**53 - 1
"""The highest index version: the largest integer every JSON reader compares exactly."""


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
                try:
                    entry.unlink(missing_ok=True)
                except OSError:
                    continue  # a leftover we may not delete costs space, never the reindex
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
        # O_NONBLOCK: a FIFO in the lock's place must not make the open wait for a reader.
        fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o666)
    except OSError as exc:
        raise IndexFolderError(
            f"cannot use {index_dir} as the index folder: {exc.strerror or exc}"
        ) from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # a FIFO or a device: no lock, and no place for a pid
        os.close(fd)
        raise _not_a_file(index_dir / LOCK_FILE, mode, "the reindex lock file")
    with os.fdopen(fd, "r+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise ReindexBusyError(
                busy_message(index_dir, fh.read().strip() or "another process")
            ) from None
        _note_holder(fh.fileno(), f"pid {os.getpid()}")
        try:
            yield
        finally:
            _note_holder(fh.fileno(), "")
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _note_holder(fd: int, holder: str) -> None:
    """Write who holds the lock into its file, for the busy message of those refused. Only a
    courtesy: on a full disk the lock is held all the same, and a reindex with nothing to
    write can still run."""
    with suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode(), 0)
