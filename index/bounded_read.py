"""Reading a review file without trusting it: only a regular file is opened (a FIFO would block
for ever, a device may act on being opened), its size is checked before anything is read, and
no more than the size cap plus one byte is ever read, whatever the file grows to meanwhile.

Each check is made again on the opened file itself, so an entry swapped for another between
the listing and the read is refused rather than read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from index.errors import ReviewFormatError

MAX_REVIEW_BYTES = 2_000_000

_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISLNK, "a symbolic link"),
)


def file_kind(mode: int) -> str:
    """What a file of this mode is, in words: "a regular file", "a FIFO", "a folder"..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "something else")


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read ("not a regular file (a FIFO)"), None for a
    regular file."""
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file ({file_kind(mode)}); only regular files are read"


def too_large(size: int, limit: int) -> str:
    return f"the file is {size:,} bytes; a review may be at most {limit:,}"


def read_file(path: Path, limit: int = MAX_REVIEW_BYTES) -> bytes:
    """The bytes of the regular file at `path` (a link followed); `ReviewFormatError` naming
    it if it is not a regular file, is over `limit` bytes or cannot be read."""
    return _read_at(None, str(path), path, limit, follow=True)


def read_beneath(root: Path, relative: Path, shown: Path, limit: int = MAX_REVIEW_BYTES) -> bytes:
    """The bytes of the regular file at `root / relative`, opened one folder at a time without
    following any link below `root`: a component turned into a link since `relative` was
    worked out is refused, not followed out of `root`. Errors name the file as `shown`, the
    name that led to it."""
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in relative.parts[:-1]:
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
            fds.append(os.open(part, flags, dir_fd=fds[-1]))
    except OSError as exc:
        for fd in fds:
            os.close(fd)
        raise _cannot_read(shown, exc) from exc
    try:
        return _read_at(fds[-1], relative.name, shown, limit, follow=False)
    finally:
        for fd in fds:
            os.close(fd)


def _read_at(dir_fd: int | None, name: str, shown: Path, limit: int, follow: bool) -> bytes:
    try:
        _check(os.stat(name, dir_fd=dir_fd, follow_symlinks=follow), shown, limit)
        flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        raise _cannot_read(shown, exc) from exc
    try:
        _check(os.fstat(fd), shown, limit)  # the file opened, which may not be the one listed
        data = _read_up_to(fd, limit + 1)
    except OSError as exc:
        raise _cannot_read(shown, exc) from exc
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after the check
        raise ReviewFormatError(shown, f"the file grew past {limit:,} bytes while it was read")
    return data


def _check(status: os.stat_result, shown: Path, limit: int) -> None:
    if (problem := not_regular(status.st_mode)) is not None:
        raise ReviewFormatError(shown, problem)
    if status.st_size > limit:
        raise ReviewFormatError(shown, too_large(status.st_size, limit))


def _read_up_to(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0 and (chunk := os.read(fd, min(left, _CHUNK))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _cannot_read(shown: Path, exc: OSError) -> ReviewFormatError:
    return ReviewFormatError(shown, f"cannot read the file ({exc.strerror or exc})")
