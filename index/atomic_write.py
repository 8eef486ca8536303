"""Replacing a file's content in one step: readers (another process reindexing, a bot shard)
see the old content or the new, never half, and a crash leaves one or the other.

The one way the engine and its front ends write a file that others may be reading: a temporary
file in the same folder, flushed to disk, renamed over the file with `os.replace`, then the
folder flushed so the rename itself survives a crash. The temporary file never outlives a
failure. A path a user names for output (`write_output`) may be no file at all (a FIFO, a
device, a link to one): that is written to, never replaced.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path,
    data: bytes,
    *,
    temp_prefix: str | None = None,
    checkpoint: Callable[[str], None] | None = None,
) -> None:
    """Make `path` hold `data`, all at once.

    The temporary file is named `temp_prefix` (default: `.NAME.`, hidden, which a reindex
    ignores) plus a random part. `checkpoint`, for crash tests, is called with "written" (the
    temporary file is complete) and "replaced" (renamed, the folder not yet flushed).
    """
    tmp = stage(path, data, temp_prefix=temp_prefix)
    try:
        if checkpoint is not None:
            checkpoint("written")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if checkpoint is not None:
        checkpoint("replaced")
    fsync_dir(path.parent)


def write_output(path: Path, data: bytes) -> None:
    """Make the user-named `path` hold `data`, the way its kind of file allows.

    A regular file, or a path where nothing is yet, is replaced atomically (`write_atomically`).
    A symbolic link is followed: the file it names is replaced and the link kept (a dangling
    link's target is created). Anything else (a FIFO, a device such as /dev/null, a socket) and
    any name of an open descriptor (/dev/stdout, /dev/fd/N, /proc/...) is opened and appended to
    as it is, as a shell's `>>` would: replacing it would put a regular file in its place.
    `IsADirectoryError` for a folder.
    """
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if (mode is None or stat.S_ISREG(mode)) and not _names_a_descriptor(path):
        write_atomically(Path(os.path.realpath(path)), data)
        return
    # O_APPEND: a descriptor's file may be one the shell opened for appending; a FIFO or a
    # device ignores it. No O_CREAT, no O_TRUNC: what is there is used as it is.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND), "wb") as out:
        out.write(data)


def _names_a_descriptor(path: Path) -> bool:
    """Whether `path` is, or links through, /proc (/dev/stdout -> /proc/self/fd/1): it names
    an open descriptor, whose file may be a pipe, a deleted file or one opened for appending."""
    current = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on links followed
        current = Path(os.path.realpath(current.parent)) / current.name
        if current.parts[1:2] == ("proc",):
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.abspath(current.parent / os.readlink(current)))
    return False


def stage(
    path: Path, data: bytes, *, temp: Path | None = None, temp_prefix: str | None = None
) -> Path:
    """`data` in a temporary file beside `path`, flushed to disk, ready to be renamed over it.

    The file is `temp` when given (replaced if a crashed write left it), else a new file
    named `temp_prefix` plus a random part. It gets the permissions of the file it will
    replace, or the default ones for a new file. It is removed if writing it fails.
    """
    if temp is None:
        temp, fd = _new_temporary(path, f".{path.name}." if temp_prefix is None else temp_prefix)
    else:
        # A new file, never whatever is at that name: a link left there would be written
        # through, and then renamed into place.
        temp.unlink(missing_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            _copy_permissions(path, out.fileno())
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk, so a rename or a new file in it survives a crash."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_temporary(path: Path, prefix: str) -> tuple[Path, int]:
    """A file beside `path` that did not exist before, and its open descriptor."""
    while True:
        temp = path.with_name(f"{prefix}{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 less the umask, as for any new file (mkstemp would make it private).
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits already taken
            continue


def _copy_permissions(path: Path, fd: int) -> None:
    """Give the open file `fd` the permission bits of `path`, if `path` exists."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    os.fchmod(fd, mode)
