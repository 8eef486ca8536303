"""Files are hostile too: what a reindex finds in the reviews folder is read only when it is a
regular file inside the folder, within the size cap checked before reading; anything else is
reported by name, never opened or quoted, and the other reviews are indexed."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from index import ReviewFolder, ReviewFormatError, bounded_read, reindex
from index.bounded_read import read_beneath, read_file
from index.reindex_summary import ReindexSummary
from tests.conftest import REFERENCE_REVIEW, reference_review_as
from tests.fakes import HashingEmbedder

SECRET = "CLAIMBOT_DISCORD_TOKEN=MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.k3yk3yk3yk3yk3yk3yk3yk3yk3y"
MARKER = "MTIzNDU2Nzg5MDEyMzQ1Njc4"


def _everything_said(summary: ReindexSummary) -> str:
    """Every text a front end may show of a summary: its JSON (errors, claims, names)."""
    return summary.model_dump_json()


def _failure(summary: ReindexSummary, name: str) -> str:
    [error] = [f for f in summary.failed if f.file == name]
    return error.problem


@pytest.fixture
def secret_outside(tmp_path: Path) -> Path:
    """A `.env` beside the reviews folder, holding the bot token."""
    path = tmp_path / ".env"
    path.write_text(SECRET + "\n", "utf-8")
    return path


# -- links -------------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_refused_by_name_and_never_quoted(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, secret_outside: Path
) -> None:
    (reviews_dir / "notes.txt").symlink_to(Path("..") / secret_outside.name)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert "outside the reviews folder" in _failure(summary, "notes.txt")
    assert MARKER not in _everything_said(summary)


def test_a_link_to_a_system_file_is_refused_without_reading_it(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    (reviews_dir / "pw.txt").symlink_to("/etc/passwd")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert "outside the reviews folder" in _failure(summary, "pw.txt")
    assert "root:" not in _everything_said(summary)


def test_the_other_reviews_are_indexed_beside_a_link_out_of_the_folder(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, secret_outside: Path
) -> None:
    (reviews_dir / "notes.txt").symlink_to(secret_outside)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert (summary.added, summary.cards) == ([REFERENCE_REVIEW.name], 6)


def test_a_link_to_a_review_inside_the_folder_is_indexed(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    (reviews_dir / "drafts").mkdir()
    (reviews_dir / "drafts" / "491.txt").write_text(reference_review_as(491), "utf-8")
    (reviews_dir / "lex-fridman-491.txt").symlink_to(Path("drafts") / "491.txt")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert sorted(summary.added) == [REFERENCE_REVIEW.name, "lex-fridman-491.txt"]
    assert summary.failed == []


def test_a_link_through_a_linked_folder_leading_outside_is_refused(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder, secret_outside: Path
) -> None:
    (reviews_dir / "drafts").symlink_to(secret_outside.parent)
    (reviews_dir / "notes.txt").symlink_to(Path("drafts") / secret_outside.name)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert "outside the reviews folder" in _failure(summary, "notes.txt")
    assert MARKER not in _everything_said(summary)


def test_a_dangling_link_is_reported_by_its_own_name(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    (reviews_dir / "gone.txt").symlink_to("nowhere.txt")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert "cannot read the file" in _failure(summary, "gone.txt")


def test_a_folder_turned_into_a_link_after_the_check_is_not_followed(
    tmp_path: Path, secret_outside: Path
) -> None:
    root = tmp_path / "reviews"
    root.mkdir()
    (root / "drafts").symlink_to(secret_outside.parent)  # was a folder when it was resolved
    with pytest.raises(ReviewFormatError, match="cannot read the file"):
        read_beneath(root, Path("drafts") / secret_outside.name, Path("notes.txt"))


def test_a_file_turned_into_a_link_after_the_check_is_not_followed(
    tmp_path: Path, secret_outside: Path
) -> None:
    root = tmp_path / "reviews"
    root.mkdir()
    (root / "notes.txt").symlink_to(secret_outside)  # was a file when it was resolved
    with pytest.raises(ReviewFormatError, match="not a regular file"):
        read_beneath(root, Path("notes.txt"), Path("notes.txt"))


def test_the_listing_of_readable_files_leaves_out_links_out_of_the_folder(
    reviews_dir: Path, secret_outside: Path
) -> None:
    (reviews_dir / "notes.txt").symlink_to(secret_outside)
    assert [p.name for p in ReviewFolder(reviews_dir).files()] == [REFERENCE_REVIEW.name]


# -- size --------------------------------------------------------------------------------------


def test_a_huge_sparse_file_is_refused_by_name_without_being_read(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    huge = reviews_dir / "sparse.txt"
    with huge.open("wb") as sparse:
        sparse.truncate(1 << 40)  # reading it whole is a MemoryError
    summary = reindex(reviews_dir, index_dir, embedder)
    assert f"{1 << 40:,} bytes" in _failure(summary, "sparse.txt")
    assert summary.added == [REFERENCE_REVIEW.name]


def test_no_more_than_the_cap_and_one_byte_is_read_of_a_file_that_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"x" * 5000)
    monkeypatch.setattr(bounded_read, "_check", lambda *args: None)  # it was small when checked
    read: list[int] = []
    real_read = os.read

    def counting(fd: int, count: int) -> bytes:
        data = real_read(fd, count)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting)
    with pytest.raises(ReviewFormatError, match="grew past 100 bytes"):
        read_file(path, 100)
    assert sum(read) == 101


def test_a_file_at_the_cap_is_read() -> None:
    assert len(read_file(REFERENCE_REVIEW, REFERENCE_REVIEW.stat().st_size)) == (
        REFERENCE_REVIEW.stat().st_size
    )


# -- not regular files -------------------------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    cwd = Path.cwd()
    os.chdir(path.parent)  # a socket's path is limited to 107 bytes; its name is short
    try:
        server.bind(path.name)
    finally:
        os.chdir(cwd)
    server.close()  # the socket file stays


def _reindex_within(seconds: float, reviews_dir: Path, index_dir: Path) -> ReindexSummary:
    """The reindex's summary; fails rather than hangs when it blocks (on a FIFO), unblocking it."""
    result: list[ReindexSummary] = []
    worker = threading.Thread(
        target=lambda: result.append(reindex(reviews_dir, index_dir, HashingEmbedder()))
    )
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        for fifo in reviews_dir.glob("*.txt"):
            if fifo.is_fifo():
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # EOF to the blocked reader
        worker.join()
        pytest.fail("the reindex blocked on an entry of the reviews folder")
    return result[0]


@pytest.mark.parametrize(
    ("make", "kind"), [(_fifo, "a FIFO"), (_folder, "a folder"), (_socket, "a socket")]
)
def test_an_entry_named_like_a_review_that_is_not_a_regular_file_is_reported_not_opened(
    reviews_dir: Path, index_dir: Path, make: object, kind: str
) -> None:
    assert callable(make)
    make(reviews_dir / "entry.txt")
    summary = _reindex_within(20, reviews_dir, index_dir)
    assert _failure(summary, "entry.txt").startswith(f"not a regular file ({kind})")
    assert summary.added == [REFERENCE_REVIEW.name]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device file needs root")
def test_a_device_file_named_like_a_review_is_reported_not_opened(
    reviews_dir: Path, index_dir: Path
) -> None:
    os.mknod(reviews_dir / "zero.txt", 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero
    summary = _reindex_within(20, reviews_dir, index_dir)
    assert _failure(summary, "zero.txt").startswith("not a regular file (a device)")


# -- cut short ---------------------------------------------------------------------------------


def _cut_before_line_starting(path: Path, start: str, keep: int = 0) -> None:
    """`path` cut right before its first line starting with `start` (plus `keep` lines)."""
    lines = path.read_text("utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith(start))
    path.write_text("".join(lines[: at + keep]), "utf-8")


THIRD_CLAIM = "💰"


def test_a_changed_review_that_lost_claims_is_named_with_both_counts(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    _cut_before_line_starting(reviews_dir / REFERENCE_REVIEW.name, THIRD_CLAIM)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.changed == [REFERENCE_REVIEW.name]
    assert [(f.file, f.before, f.after) for f in summary.fewer_claims] == [
        (REFERENCE_REVIEW.name, 6, 2)
    ]


def test_a_changed_review_that_keeps_its_claims_is_not_named(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    path = reviews_dir / REFERENCE_REVIEW.name
    path.write_text(path.read_text("utf-8").replace("financially accurate", "accurate"), "utf-8")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.changed == [REFERENCE_REVIEW.name] and summary.fewer_claims == []


def test_a_new_review_is_never_named_as_losing_claims(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    _cut_before_line_starting(reviews_dir / REFERENCE_REVIEW.name, THIRD_CLAIM)
    assert reindex(reviews_dir, index_dir, embedder).fewer_claims == []


def test_a_review_cut_inside_a_claim_is_refused_and_its_last_version_serves(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    # The third claim's headline, quote and 'Our Analysis' heading, then nothing.
    _cut_before_line_starting(reviews_dir / REFERENCE_REVIEW.name, THIRD_CLAIM, keep=5)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert "no 'Verdict:' line" in _failure(summary, REFERENCE_REVIEW.name)
    assert (summary.changed, summary.cards) == ([], 6)


def test_a_review_renamed_and_cut_short_is_named_with_both_counts(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    # A sync that writes under a new name and removes the old one: the episode lost claims.
    reindex(reviews_dir, index_dir, embedder)
    (reviews_dir / REFERENCE_REVIEW.name).rename(reviews_dir / "renamed.txt")
    _cut_before_line_starting(reviews_dir / "renamed.txt", THIRD_CLAIM)
    summary = reindex(reviews_dir, index_dir, embedder)
    assert (summary.added, summary.removed) == (["renamed.txt"], [REFERENCE_REVIEW.name])
    assert [(f.file, f.before, f.after) for f in summary.fewer_claims] == [("renamed.txt", 6, 2)]


def test_a_review_renamed_whole_is_not_named_as_losing_claims(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    (reviews_dir / REFERENCE_REVIEW.name).rename(reviews_dir / "renamed.txt")
    summary = reindex(reviews_dir, index_dir, embedder)
    assert summary.added == ["renamed.txt"] and summary.fewer_claims == []
