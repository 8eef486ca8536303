"""Files are hostile when written too: a user-named output path may be a FIFO, a device or a
link to one (index/atomic_write.py `write_output`), which must be written to, never replaced;
the index folder may hold something else where its manifest belongs (index/store.py); a
damaged manifest must not make the index's version go back; a full disk must end a reindex
in one line, with nothing of it left."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import faiss
import pytest

from bot.cli import main
from index import ClaimIndex, IndexFolderError, reindex, store
from index.atomic_write import write_output
from index.database import ClaimsDatabase
from index.errors import IndexWriteError
from index.lexical import LexicalIndex
from index.store import LOCK_FILE, MANIFEST, read_manifest
from tests.fakes import HashingEmbedder
from tests.two_corpora import Corpora, served

T = TypeVar("T")


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


def _within(seconds: float, call: Callable[[], T]) -> T:
    """`call()`'s result or exception, failing the test if it takes longer (a FIFO opened to
    read waits for a writer forever)."""
    outcome: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if error:
        raise error[0]
    return outcome[0]


def _make_fifo(path: Path) -> None:
    os.mkfifo(path)


def _make_link_to_a_fifo(path: Path) -> None:
    os.mkfifo(path.with_name("elsewhere"))
    path.symlink_to(path.with_name("elsewhere"))


NOT_A_FILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "a folder": (Path.mkdir, "a folder"),
    "a FIFO": (_make_fifo, "a FIFO"),
    "a link to a FIFO": (_make_link_to_a_fifo, "a FIFO"),
}


@pytest.mark.parametrize("make, kind", NOT_A_FILE.values(), ids=NOT_A_FILE.keys())
def test_reindex_refuses_a_manifest_that_is_not_a_file_before_any_work(
    make: Callable[[Path], None], kind: str, index_dir: Path, reviews_dir: Path
) -> None:
    index_dir.mkdir()
    make(index_dir / MANIFEST)
    before = sorted(p.name for p in index_dir.iterdir())
    embedder = HashingEmbedder()
    with pytest.raises(IndexFolderError) as refused:
        _within(10, lambda: reindex(reviews_dir, index_dir, embedder))
    assert f"{index_dir / MANIFEST} is {kind}" in str(refused.value)
    assert sorted(p.name for p in index_dir.iterdir()) == before
    assert embedder.texts_embedded == 0


def test_the_cli_refuses_a_folder_named_manifest_in_one_line(
    index_dir: Path, reviews_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (index_dir / MANIFEST).mkdir(parents=True)
    argv = ["reindex", "--index", str(index_dir), "--reviews", str(reviews_dir)]
    assert main(argv, HashingEmbedder()) == 1
    assert capsys.readouterr().err == (
        f"claimbot: {index_dir / MANIFEST} is a folder, not the index's manifest file; "
        "claimbot will not replace it: move it away\n"
    )


def test_a_reader_is_told_of_a_fifo_manifest_instead_of_waiting_on_it(index_at_a: Path) -> None:
    (index_at_a / MANIFEST).unlink()
    os.mkfifo(index_at_a / MANIFEST)
    with pytest.raises(IndexFolderError, match="is a FIFO"):
        _within(10, lambda: ClaimIndex.open(index_at_a, HashingEmbedder()))


def test_reindex_refuses_a_fifo_in_place_of_its_lock_file(
    index_dir: Path, reviews_dir: Path
) -> None:
    index_dir.mkdir()
    os.mkfifo(index_dir / LOCK_FILE)
    with pytest.raises(IndexFolderError, match="is a FIFO, not the reindex lock file"):
        _within(10, lambda: reindex(reviews_dir, index_dir, HashingEmbedder()))
    assert [p.name for p in index_dir.iterdir()] == [LOCK_FILE]


def _damage_manifest(index_dir: Path) -> None:
    (index_dir / MANIFEST).write_bytes(b'{"version": ')


def _lose_manifest(index_dir: Path) -> None:
    (index_dir / MANIFEST).unlink()


@pytest.mark.parametrize("harm", [_damage_manifest, _lose_manifest], ids=["damaged", "lost"])
def test_a_rebuild_after_the_manifest_is_harmed_still_gets_a_higher_version(
    harm: Callable[[Path], None], index_at_a: Path, corpora: Corpora
) -> None:
    seen = reindex(corpora.b, index_at_a, HashingEmbedder()).version
    harm(index_at_a)
    rebuilt = reindex(corpora.a, index_at_a, HashingEmbedder())
    assert rebuilt.embedded_cards == rebuilt.cards and rebuilt.version == seen + 1
    assert read_manifest(index_at_a).version == seen + 1


def _sqlite_disk_full(*_: object) -> None:
    """Raise the error SQLite gives on a full disk, made for real in a database capped at one
    page (the exception carries SQLITE_FULL as a full disk's does)."""
    full = sqlite3.connect(":memory:")
    full.execute("PRAGMA max_page_count = 1")
    full.execute("CREATE TABLE t (x)")
    full.execute("INSERT INTO t VALUES (zeroblob(100000))")


def _no_space(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _faiss_no_space(_index: object, path: str) -> None:
    # The message faiss gave writing to a full tmpfs, trace and all.
    raise RuntimeError(
        "Error in void faiss::write_index(const Index*, IOWriter*, int) at "
        f"/project/faiss/impl/index_write.cpp:499: Error: 'ret == (size * 4)' failed: write "
        f"error in {path}: 65491 != 512000 (No space left on device)"
    )


DISK_FULL_AT: dict[str, tuple[object, str, Callable[..., None]]] = {
    "copying the database": (shutil, "copyfile", _no_space),
    "adding a review": (ClaimsDatabase, "add_review", _sqlite_disk_full),
    "the VACUUM": (ClaimsDatabase, "compact", _sqlite_disk_full),
    "writing the vectors": (faiss, "write_index", _faiss_no_space),
    "writing the lexicon": (LexicalIndex, "save", _no_space),
    "writing the manifest": (store, "write_atomically", _no_space),
}


@pytest.mark.parametrize("target, name, fail", DISK_FULL_AT.values(), ids=DISK_FULL_AT.keys())
def test_a_full_disk_ends_reindex_with_the_cause_and_nothing_left_of_it(
    target: object,
    name: str,
    fail: Callable[..., None],
    index_at_a: Path,
    corpora: Corpora,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = sorted(p.name for p in index_at_a.iterdir())
    monkeypatch.setattr(target, name, fail)
    with pytest.raises(IndexWriteError) as failed:
        reindex(corpora.b, index_at_a, HashingEmbedder())
    assert failed.value.cause == "No space left on device"
    assert str(index_at_a) in str(failed.value)
    assert sorted(p.name for p in index_at_a.iterdir()) == before
    monkeypatch.undo()
    assert served(index_at_a) == corpora.print_a
    assert read_manifest(index_at_a).version == 1


def test_the_cli_reports_a_full_disk_in_one_line(
    index_at_a: Path,
    corpora: Corpora,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(ClaimsDatabase, "compact", _sqlite_disk_full)
    argv = ["reindex", "--index", str(index_at_a), "--reviews", str(corpora.b)]
    assert main(argv, HashingEmbedder()) == 1
    assert capsys.readouterr().err == (
        f"claimbot: cannot write the new index in {index_at_a}: No space left on device; "
        "the index is unchanged\n"
    )
