"""The reviews folder: which files in it are reviews, and every change made to it.

Reindexes read the folder while moderators change it (`/review`, `claimbot import`), so every
change is made so that a reader sees a file whole or not at all: one file atomically, several
files all or none, and a swap that can be rolled back when the new file cannot be indexed.
Names from outside (an upload's file name) never leave the folder.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.atomic_write import fsync_dir, stage, write_atomically
from index.bounded_read import MAX_REVIEW_BYTES, not_regular, read_beneath
from index.errors import ReviewFolderError, ReviewFormatError
from index.models import Episode
from index.text import slugify

REVIEW_SUFFIXES = (".txt", ".md")

NAME_BYTES = 200
"""New file names are cut to this many UTF-8 bytes: file systems allow 255, and the hidden
staging name adds 11 (a slug of 80 four-byte letters would be 320)."""

STAGED_SUFFIX = ".importing"
"""Files written all or none are first staged as hidden `.NAME.importing` files, under fixed
names so that a crashed write's leftovers are overwritten by the next attempt."""


@dataclass(frozen=True)
class Placement:
    """Where an uploaded review goes, and what is there now.

    `replaces` is the indexed episode whose review file the upload overwrites (None: none),
    `occupied` whether any file is at `path` already.
    """

    path: Path
    replaces: Episode | None
    occupied: bool


@dataclass(frozen=True)
class FileSwap:
    """A file changed by `ReviewFolder.swap`, with what it held before (None: nothing)."""

    path: Path
    previous: bytes | None

    def roll_back(self) -> None:
        """Put the file back as it was before the swap."""
        _put(self.path, self.previous)


class ReviewFolder:
    """The folder of review files at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[Path]:
        """Every entry named like a review file, by name, whatever it is (a file, a link, a
        folder, a FIFO); hidden and temporary names are ignored. A reindex reads the readable
        ones (`read`) and reports the others by name."""
        return sorted(
            p
            for p in self.path.iterdir()
            if p.suffix.lower() in REVIEW_SUFFIXES and not p.name.startswith((".", "~"))
        )

    def files(self) -> list[Path]:
        """The review files `read` would read: regular files in the folder, or links to
        regular files inside it; by name."""
        return [p for p in self.entries() if self.refusal(p.name) is None]

    def refusal(self, name: str) -> str | None:
        """Why the entry `name` is not read as a review (None: it would be): a link resolving
        outside the folder, or not a regular file. `read` checks again as it reads."""
        try:
            relative = self._beneath(name)
            mode = (self.path / relative).lstat().st_mode
        except ReviewFormatError as exc:
            return exc.problem
        except OSError as exc:
            return exc.strerror or str(exc)
        return not_regular(mode)

    def read(self, name: str, limit: int = MAX_REVIEW_BYTES) -> bytes:
        """The bytes of the review file `name`, read only if it is a regular file inside the
        folder (directly, or a link's target) of at most `limit` bytes, checked before
        reading; else `ReviewFormatError` naming it, never quoting the file."""
        return read_beneath(self.path.resolve(), self._beneath(name), Path(name), limit)

    def _beneath(self, name: str) -> Path:
        """Where `name` leads, relative to the folder; `ReviewFormatError` when outside it, or
        when the name itself cannot be shown on one line of UTF-8 (it becomes a card's source)."""
        if (shown := shown_name(name)) != name:
            raise ReviewFormatError(
                shown, "a file name that is not UTF-8 or holds a control character; rename it"
            )
        folder = self.path.resolve()
        try:
            target = (folder / name).resolve()
        except RuntimeError:  # pathlib's word for a loop of links (ELOOP)
            raise ReviewFormatError(name, "a loop of symbolic links; nothing to read") from None
        if not target.is_relative_to(folder) or target == folder:
            raise ReviewFormatError(
                name,
                "a link to a file outside the reviews folder; only files inside it are read",
            )
        return target.relative_to(folder)

    def inside(self, name: str) -> Path:
        """`path / name`, refused unless it resolves to a file directly in the folder (no
        `..`, no symbolic link pointing elsewhere)."""
        folder = self.path.resolve()
        try:
            path = (folder / name).resolve()
        except RuntimeError:  # a loop of links leads nowhere, inside or out
            path = folder
        if path.parent != folder or name in ("", ".", ".."):
            raise ReviewFolderError(
                f"`{name}` is not a file name inside the reviews folder",
                name,
                "not inside the folder",
            )
        return path

    def place_upload(
        self, filename: str, episode: Episode, indexed: Sequence[Episode]
    ) -> Placement:
        """Where an upload named `filename` reviewing `episode` goes. An upload of an indexed
        episode replaces that episode's file (so a reindex sees a change, not a second file
        for one episode); any other goes under its sanitized name (`upload_name`)."""
        same = next((e for e in indexed if e.key == episode.key), None)
        if same is not None:
            path = self.inside(same.source_name)
            return Placement(path, same, path.exists())
        name = upload_name(filename)
        path = self.inside(name)
        owner = next((e for e in indexed if e.source_name == name), None)
        return Placement(path, owner, path.exists())

    def free_path(self, filename: str, taken: Collection[str] = ()) -> Path:
        """`filename` in the folder, or `stem-2.txt`, ... when that name is taken (by a file
        or by a name in `taken`); its stem cut to `NAME_BYTES`."""
        stem, suffix = Path(filename).stem, Path(filename).suffix
        stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore")
        candidate, n = stem + suffix, 2
        while candidate in taken or (self.path / candidate).exists():
            candidate, n = f"{stem}-{n}{suffix}", n + 1
        return self.path / candidate

    def write_all(self, files: Sequence[tuple[Path, bytes]]) -> None:
        """Write every file or none: all are staged beside their place first, and only when
        all are staged are they renamed into place; a rename that fails puts back the files
        already renamed. `ReviewFolderError` names the file that could not be written."""
        self.path.mkdir(parents=True, exist_ok=True)
        previous: dict[Path, bytes | None] = {}
        staged: list[Path] = []
        try:
            for path, data in files:
                previous[path] = _read(path)  # to put back if a later rename fails
                staged.append(stage(path, data, temp=_staging_path(path)))
        except OSError as exc:
            _remove(staged)
            raise _cannot_write(files[len(staged)][0], exc) from exc
        except BaseException:
            _remove(staged)
            raise
        renamed: list[Path] = []
        try:
            for (path, _), temp in zip(files, staged, strict=True):
                os.replace(temp, path)
                renamed.append(path)
        except BaseException as exc:
            for path in renamed:
                _put(path, previous[path])
            _remove(staged)
            if isinstance(exc, OSError):
                raise _cannot_write(files[len(renamed)][0], exc) from exc
            raise
        fsync_dir(self.path)

    def swap(self, path: Path, data: bytes | None) -> FileSwap:
        """Make `path` hold `data` (None: remove it) atomically; the returned `FileSwap` puts
        it back. A swap that fails leaves the file as it was."""
        try:
            previous = _read(path)
        except OSError as exc:
            raise _cannot_change(path, exc) from exc
        _put(path, data)
        return FileSwap(path, previous)


def shown_name(name: str) -> str:
    """`name` as a message can show it: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) as `\\xff`, control characters such as a newline as `\\n` or `\\x1b`."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
        for c in text
    )


def upload_name(filename: str) -> str:
    """A safe file name for an upload: the slug of its stem, `.txt`. No separators, no leading
    dot (hidden files are not indexed), whatever the member's file was called."""
    stem = Path(filename.replace("\\", "/")).stem
    return f"{slugify(stem)}.txt"


def _staging_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{STAGED_SUFFIX}")


def _put(path: Path, data: bytes | None) -> None:
    """`path` holding `data` (written atomically), or gone for None."""
    try:
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
    except OSError as exc:
        raise _cannot_change(path, exc) from exc


def _read(path: Path) -> bytes | None:
    """What `path` holds now, to put back if a change fails; None when nothing is there. Only
    a regular file of a review's size is read: a FIFO would never answer, and a link's target
    may lie outside the folder, so neither is read or replaced."""
    try:
        status = path.lstat()
    except FileNotFoundError:
        return None
    why = not_regular(status.st_mode)
    if why is None and status.st_size > MAX_REVIEW_BYTES:
        why = f"a file of {status.st_size:,} bytes is there, larger than any review"
    if why is not None:
        raise OSError(errno.EEXIST, why)
    return path.read_bytes()


def _remove(staged: Sequence[Path]) -> None:
    for temp in staged:
        temp.unlink(missing_ok=True)


def _cannot_write(path: Path, exc: OSError) -> ReviewFolderError:
    reason = exc.strerror or str(exc)
    return ReviewFolderError(f"cannot write {path}: {reason}", path.name, reason)


def _cannot_change(path: Path, exc: OSError) -> ReviewFolderError:
    return ReviewFolderError(
        f"cannot change `{path.name}` in the reviews folder: {exc}",
        path.name,
        exc.strerror or str(exc),
    )
