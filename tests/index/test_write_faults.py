"""The reindex write path under faults a review found: a disk too full to take even the lock
file's note of its holder, and generation folders whose names no reindex wrote."""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index import reindex
from index.store import LOCK_FILE, MAX_VERSION, read_manifest
from tests.fakes import HashingEmbedder
from tests.two_corpora import Corpora, served


@contextmanager
def no_file_may_grow() -> Iterator[None]:
    """Every write that would make a file longer fails (EFBIG), as on a full disk: the
    process's file-size limit at 0, with the signal that limit sends ignored."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_reindex_with_nothing_to_write_runs_when_the_lock_file_cannot_grow(
    index_at_a: Path, corpora: Corpora
) -> None:
    # The holder's pid in the lock file only words the busy message: a full disk must not
    # turn it into a traceback, nor stop a reindex that has nothing to write.
    with no_file_may_grow():
        summary = reindex(corpora.a, index_at_a, HashingEmbedder())
    assert not summary.changed_anything and summary.version == 1
    assert (index_at_a / LOCK_FILE).read_text() == ""
    assert served(index_at_a) == corpora.print_a


NOT_WRITTEN_BY_A_REINDEX = {
    "a version past JSON's exact integers": f"gen-{MAX_VERSION + 1}-20260101T000000-1",
    "a version too long for a folder name": f"gen-{'9' * 240}-x",
    "no time stamp": "gen-999999999-x",
}


@pytest.mark.parametrize(
    "name", NOT_WRITTEN_BY_A_REINDEX.values(), ids=NOT_WRITTEN_BY_A_REINDEX.keys()
)
def test_a_folder_no_reindex_named_does_not_set_the_next_version(
    name: str, index_at_a: Path, corpora: Corpora
) -> None:
    (index_at_a / name).mkdir()
    summary = reindex(corpora.b, index_at_a, HashingEmbedder())
    assert summary.version == read_manifest(index_at_a).version == 2
    assert not (index_at_a / name).exists()  # swept as any stray gen- folder


def test_a_leftover_the_reindex_may_not_delete_does_not_stop_it(
    index_at_a: Path, corpora: Corpora, monkeypatch: pytest.MonkeyPatch
) -> None:
    leftover = index_at_a / "tmp-manifest.json.abc123"
    leftover.write_text("{}", encoding="utf-8")
    unlink = Path.unlink

    def refused(self: Path, missing_ok: bool = False) -> None:
        if self.name == leftover.name:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refused)
    summary = reindex(corpora.b, index_at_a, HashingEmbedder())

    assert summary.version == 2 and leftover.exists()
    assert served(index_at_a) == corpora.print_b
