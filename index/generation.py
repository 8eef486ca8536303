"""One generation of the index: the published one opened and checked, or the next one built
beside it and then published.

A generation is a folder holding its vectors (index/vector_index.py), its database
(index/database.py) and its cards' words (index/lexical.py); the manifest (index/store.py)
names the published one and says what it holds. The next generation is written in a temporary
folder, renamed into place, and made current by the atomic manifest swap, so a reader sees the
old index or the new one, never a mix.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import faiss
import numpy as np
from pydantic import ValidationError

from index.atomic_write import fsync_dir
from index.database import ClaimsDatabase, Passage
from index.errors import IndexCorruptError, IndexFolderError, IndexUnusableError, IndexWriteError
from index.lexical import LexicalIndex
from index.models import ParsedReview
from index.store import (
    DATABASE_FILE,
    LEXICON_FILE,
    TMP_PREFIX,
    VECTORS_FILE,
    Manifest,
    new_generation_name,
    read_manifest,
    write_manifest,
)
from index.vector_index import (
    IdArray,
    VectorArray,
    add_vectors,
    fit_to_size,
    kind_of,
    new_vector_index,
    refresh_probes,
    remove_ids,
)

Checkpoint = Callable[[str], None]
"""Called at each stage of publishing; tests use it to crash the process at a chosen point."""

OPEN_ATTEMPTS = 3
"""Manifests a reader follows when the generation it read is removed before it opens it."""


@dataclass(frozen=True)
class Generation:
    """The published generation, every file read and found consistent with the manifest and
    with each other. Its vectors search by the current probe rule; nothing may change them."""

    manifest: Manifest
    folder: Path
    vectors: faiss.Index
    lexicon: LexicalIndex
    database: ClaimsDatabase
    has_commentary: bool

    @classmethod
    def open(cls, index_dir: Path, model: str, layout: str | None = None) -> Generation:
        """The current generation of `index_dir`; an `IndexUnusableError` subclass if it cannot
        serve (missing, built with another model, format or `layout`, damaged).

        Readers take no lock, and a reindex deletes the generation before last when it starts:
        a reader that read the manifest just before two quick reindexes can find its generation
        gone. It then reads the manifest again and opens the newer one (a few times at most).
        """
        manifest = read_manifest(index_dir)
        for attempt in range(1, OPEN_ATTEMPTS + 1):
            manifest.check_compatible(model, layout)
            opened = _checked(index_dir / manifest.generation, manifest)
            if isinstance(opened, Generation):
                return opened
            problem = opened
            latest = read_manifest(index_dir)
            if latest.generation == manifest.generation or attempt == OPEN_ATTEMPTS:
                break
            manifest = latest
        raise IndexCorruptError(f"the index in {index_dir} is {problem}")

    def close(self) -> None:
        self.database.close()


def _checked(folder: Path, manifest: Manifest) -> Generation | str:
    """The generation in `folder`, or what is wrong with it, in words."""
    database: ClaimsDatabase | None = None
    part = VECTORS_FILE
    try:
        vectors = faiss.read_index(str(folder / VECTORS_FILE))
        kind_of(vectors)  # a kind no index of this format holds is damage
        refresh_probes(vectors)
        part = DATABASE_FILE
        database = ClaimsDatabase.open_readonly(folder / DATABASE_FILE)
        rowids = database.card_rowids()
        has_commentary = database.has_commentary()
        part = LEXICON_FILE
        lexicon = LexicalIndex.load(folder / LEXICON_FILE)
        found = (vectors.d, vectors.ntotal, len(rowids))
        if not lexicon.covers(rowids):
            problem = f"inconsistent ({LEXICON_FILE} holds other cards than the database)"
        elif found == (manifest.dimension, manifest.vectors, manifest.cards):
            return Generation(manifest, folder, vectors, lexicon, database, has_commentary)
        else:
            problem = (
                f"inconsistent (dimension {vectors.d} vs {manifest.dimension}, "
                f"{vectors.ntotal} vectors vs {manifest.vectors}, "
                f"{len(rowids)} cards vs {manifest.cards})"
            )
    except (RuntimeError, MemoryError, sqlite3.Error, ValidationError, ValueError) as exc:
        # faiss's RuntimeError is a C++ trace, of no use to an operator: name the file.
        detail = str(exc) if isinstance(exc, sqlite3.Error) else "unreadable"
        problem = f"damaged ({folder.name}/{part}: {detail})"
    if database is not None:
        database.close()
    return problem


SQLITE_ENVIRONMENT = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN")
"""SQLite's errors (and their extended forms) that say the disk failed it, not the program."""

_FAISS_CAUSE = re.compile(r"\(([^()]+)\)\s*$")
"""faiss ends a failed write's message with the system's reason in parentheses."""


@contextmanager
def writing(index_dir: Path) -> Iterator[None]:
    """Word a generation that could not be written, for want of room or of a working disk, as
    one `IndexWriteError` naming `index_dir` and the cause, whichever library hit it."""
    try:
        yield
    except OSError as exc:
        raise IndexWriteError(index_dir, exc.strerror or str(exc)) from exc
    except sqlite3.OperationalError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        if not name.startswith(SQLITE_ENVIRONMENT):
            raise
        cause = os.strerror(errno.ENOSPC) if name == "SQLITE_FULL" else str(exc)
        raise IndexWriteError(index_dir, cause) from exc


class GenerationBuilder:
    """The next generation, written in a temporary folder beside the published one. It starts
    from `base` (its database copied, its vectors taken over, never read again) or empty, and
    becomes visible only when `publish` renames it into place and swaps the manifest. If the
    build fails, leaving the `with` block removes what it wrote."""

    def __init__(
        self, index_dir: Path, version: int, base: Generation | None, dimension: int
    ) -> None:
        self._index_dir = index_dir
        self._version = version
        self._name = new_generation_name(version)
        self._folder = index_dir / f"{TMP_PREFIX}{self._name}"
        self._published = False
        self._folder.mkdir(parents=True)
        try:
            if base is not None:
                shutil.copyfile(base.folder / DATABASE_FILE, self._folder / DATABASE_FILE)
                self._vectors = base.vectors
            else:
                self._vectors = new_vector_index(dimension)
            self._database = ClaimsDatabase.open_writable(self._folder / DATABASE_FILE)
        except BaseException:
            self._discard()
            raise

    def __enter__(self) -> GenerationBuilder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._database.close()
        if error is not None and not self._published:
            # A crash that kills the process leaves it to the next reindex (store.remove_stale).
            self._discard()

    def _discard(self) -> None:
        """Remove this generation's folder, under either name, unless the manifest names it
        after all (a failure after the swap, while syncing it)."""
        try:
            current: str | None = read_manifest(self._index_dir).generation
        except (IndexUnusableError, IndexFolderError):
            current = None
        for folder in (self._folder, self._index_dir / self._name):
            if folder.name != current:
                shutil.rmtree(folder, ignore_errors=True)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Keep the database's changes only if the whole block succeeds."""
        with self._database.transaction():
            yield

    def drop_sources(self, names: Iterable[str]) -> None:
        """Remove these review files' episodes, cards and vectors."""
        dropped = [vid for name in sorted(names) for vid in self._database.drop_source(name)]
        if dropped:
            # Once for every dropped review: removing from a large index walks all its lists.
            remove_ids(self._vectors, np.asarray(dropped, dtype=np.int64))

    def add_review(
        self, name: str, digest: str, review: ParsedReview, layout: str
    ) -> list[Passage]:
        """Add a parsed review file; the passages to embed and add with `add_vectors`."""
        return self._database.add_review(name, digest, review, layout)

    def add_vectors(self, vectors: VectorArray, ids: IdArray) -> None:
        """File the embedded passages' vectors under their ids."""
        add_vectors(self._vectors, vectors, ids)

    def publish(self, model: str, layout: str, checkpoint: Checkpoint) -> Manifest:
        """Write the remaining files, sync them, rename the folder into place and make it the
        current generation. `checkpoint` is called at each stage (crash tests use it)."""
        episodes, cards = self._database.counts()
        self._database.compact()
        lexicon = self._database.lexicon()
        self._database.close()
        checkpoint("database-written")
        vectors = fit_to_size(self._vectors)  # flat or IVF by count
        _write_vectors(vectors, self._folder / VECTORS_FILE)
        lexicon.save(self._folder / LEXICON_FILE)
        checkpoint("written")
        for file in (VECTORS_FILE, DATABASE_FILE, LEXICON_FILE):
            with open(self._folder / file, "rb+") as fh:
                os.fsync(fh.fileno())
        self._folder.rename(self._index_dir / self._name)
        fsync_dir(self._index_dir)
        manifest = Manifest(
            model=model,
            dimension=vectors.d,
            layout=layout,
            generation=self._name,
            version=self._version,
            created=datetime.now(UTC),
            episodes=episodes,
            cards=cards,
            vectors=vectors.ntotal,
        )
        checkpoint("before-swap")
        write_manifest(self._index_dir, manifest, checkpoint)
        self._published = True
        checkpoint("after-swap")
        return manifest


def _write_vectors(vectors: faiss.Index, path: Path) -> None:
    """`faiss.write_index`, its failure an `OSError` with the system's reason: faiss raises a
    `RuntimeError` holding a C++ trace."""
    try:
        faiss.write_index(vectors, str(path))
    except RuntimeError as exc:
        found = _FAISS_CAUSE.search(str(exc))
        raise OSError(found.group(1) if found else "faiss could not write the vectors") from exc
