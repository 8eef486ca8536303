"""Files are hostile when written too: a user-named output path may be a FIFO, a device or a
link to one (index/atomic_write.py `write_output`), which must be written to, never replaced."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from index.atomic_write import write_output


class FifoReader:
    """Everything written to a FIFO, read by a thread (opening a FIFO to write blocks until
    someone reads it)."""

    def __init__(self, path: Path) -> None:
        self.data = b""
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self._thread.start()

    def _read(self, path: Path) -> None:
        with path.open("rb") as fifo:
            self.data = fifo.read()

    def result(self) -> bytes:
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the FIFO was never opened for writing"
        return self.data


def _kind(path: Path) -> str:
    mode = path.lstat().st_mode
    for name, test in (("fifo", stat.S_ISFIFO), ("link", stat.S_ISLNK), ("file", stat.S_ISREG)):
        if test(mode):
            return name
    return "other"


def test_a_fifo_is_written_to_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    write_output(fifo, b"document\n")
    assert reader.result() == b"document\n"
    assert _kind(fifo) == "fifo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary file beside it


def test_a_link_to_a_fifo_is_written_through_and_both_stay(tmp_path: Path) -> None:
    fifo, link = tmp_path / "fifo", tmp_path / "link"
    os.mkfifo(fifo)
    link.symlink_to(fifo)
    reader = FifoReader(fifo)
    write_output(link, b"document\n")
    assert reader.result() == b"document\n"
    assert (_kind(fifo), _kind(link)) == ("fifo", "link")


def test_a_character_device_is_written_to_and_stays_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers
    except PermissionError:
        pytest.skip("making a device needs root")
    write_output(null, b"document\n")
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_regular_file_is_replaced_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old, and longer than the new content\n")
    before = target.stat().st_ino
    write_output(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_ino != before  # renamed into place, not written over


def test_a_new_path_is_created(tmp_path: Path) -> None:
    write_output(tmp_path / "out.json", b"new\n")
    assert (tmp_path / "out.json").read_bytes() == b"new\n"


def test_a_link_to_a_regular_file_is_kept_and_its_target_replaced(tmp_path: Path) -> None:
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    target.write_bytes(b"old\n")
    link.symlink_to(target)
    write_output(link, b"new\n")
    assert _kind(link) == "link" and link.readlink() == target
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_dangling_link_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_output(link, b"new\n")
    assert _kind(link) == "link"
    assert (tmp_path / "later.json").read_bytes() == b"new\n"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_output(tmp_path, b"new\n")


def test_a_descriptors_name_is_written_to_not_replaced(tmp_path: Path) -> None:
    # /dev/stdout when stdout is a pipe: /proc/self/fd/N names a pipe with no path to replace.
    read_end, write_end = os.pipe()
    try:
        write_output(Path(f"/dev/fd/{write_end}"), b"document\n")
        os.close(write_end)
        assert os.read(read_end, 100) == b"document\n"
    finally:
        os.close(read_end)


def test_a_descriptors_regular_file_is_appended_to_as_the_shell_opened_it(
    tmp_path: Path,
) -> None:
    # `claimbot export -o /dev/stdout >> log`: the shell's file keeps what it held.
    log = tmp_path / "log"
    log.write_bytes(b"earlier\n")
    before = log.stat().st_ino
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        write_output(Path(f"/proc/self/fd/{fd}"), b"document\n")
    finally:
        os.close(fd)
    assert log.read_bytes() == b"earlier\ndocument\n"
    assert log.stat().st_ino == before
