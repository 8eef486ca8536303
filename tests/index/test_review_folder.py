"""The reviews folder: listing review files, atomic writes, all-or-none writes, swaps that roll
back, and upload names that never leave the folder."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from index.atomic_write import write_atomically
from index.errors import ReviewFolderError
from index.models import Episode
from index.review_folder import NAME_BYTES, ReviewFolder, upload_name


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of the folder: a file's bytes, None for anything else."""
    return {p.name: p.read_bytes() if p.is_file() else None for p in folder.iterdir()}


def _replace_failing_for(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """`os.replace` fails (a full disk, say) when it would put a file at `name`."""
    real = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == name:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


class _Crash(Exception):
    pass


def _episode(folder: Path, number: int, file: str) -> Episode:
    return Episode(
        podcast="Some Podcast", number=number, title="A title", source_file=str(folder / file)
    )


# -- listing -----------------------------------------------------------------------------------


def test_the_listing_holds_review_files_by_name_and_nothing_else(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "C.TXT", ".hidden.txt", "~draft.txt", "notes.json"):
        (tmp_path / name).write_text("x", "utf-8")
    (tmp_path / "folder.txt").mkdir()
    assert [p.name for p in ReviewFolder(tmp_path).files()] == ["C.TXT", "a.txt", "b.md"]


def test_staged_files_of_an_unfinished_write_are_not_listed(tmp_path: Path) -> None:
    (tmp_path / ".a.txt.importing").write_text("x", "utf-8")
    assert ReviewFolder(tmp_path).files() == []


# -- one file, atomically ----------------------------------------------------------------------


def test_an_atomic_write_replaces_the_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")
    write_atomically(path, b"new")
    assert _snapshot(tmp_path) == {"review.txt": b"new"}


def test_a_failed_atomic_write_keeps_the_old_content_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")
    _replace_failing_for(monkeypatch, "review.txt")
    with pytest.raises(OSError, match="No space"):
        write_atomically(path, b"new")
    assert _snapshot(tmp_path) == {"review.txt": b"old"}


def test_a_crash_before_the_rename_keeps_the_old_content_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")

    def crash(stage: str) -> None:
        if stage == "written":
            raise _Crash(stage)

    with pytest.raises(_Crash):
        write_atomically(path, b"new", checkpoint=crash)
    assert _snapshot(tmp_path) == {"review.txt": b"old"}


def test_an_atomic_write_names_its_temporary_file_with_the_prefix_given(tmp_path: Path) -> None:
    seen: dict[str, list[str]] = {}

    def look(stage: str) -> None:
        seen[stage] = sorted(p.name for p in tmp_path.iterdir())

    path = tmp_path / "manifest.json"
    write_atomically(path, b"{}", temp_prefix="tmp-manifest.", checkpoint=look)
    [temporary] = seen["written"]
    assert temporary.startswith("tmp-manifest.") and seen["replaced"] == ["manifest.json"]


def test_an_atomic_write_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")
    path.chmod(0o640)
    write_atomically(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_written_atomically_gets_the_usual_permissions_not_private_ones(
    tmp_path: Path,
) -> None:
    usual = tmp_path / "usual.txt"
    usual.write_bytes(b"")
    write_atomically(tmp_path / "new.txt", b"new")
    assert (tmp_path / "new.txt").stat().st_mode == usual.stat().st_mode


# -- several files, all or none ----------------------------------------------------------------


def test_writing_several_files_writes_them_all(tmp_path: Path) -> None:
    folder = ReviewFolder(tmp_path / "reviews")
    folder.write_all([(folder.path / "a.txt", b"a"), (folder.path / "b.txt", b"b")])
    assert _snapshot(folder.path) == {"a.txt": b"a", "b.txt": b"b"}


def test_a_file_that_cannot_be_staged_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    folder = ReviewFolder(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / ".b.txt.importing").mkdir()  # in the way of the second file
    before = _snapshot(tmp_path)
    with pytest.raises(ReviewFolderError, match=r"cannot write .*b\.txt") as caught:
        folder.write_all([(tmp_path / "a.txt", b"new a"), (tmp_path / "b.txt", b"b")])
    assert caught.value.name == "b.txt"
    assert _snapshot(tmp_path) == before


def test_a_rename_that_fails_puts_back_the_files_already_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ReviewFolder(tmp_path)
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "c.txt").write_bytes(b"old c")
    before = _snapshot(tmp_path)
    _replace_failing_for(monkeypatch, "c.txt")
    files = [(tmp_path / "a.txt", b"new a"), (tmp_path / "b.txt", b"b"), (tmp_path / "c.txt", b"c")]
    with pytest.raises(ReviewFolderError, match=r"cannot write .*c\.txt: No space"):
        folder.write_all(files)
    assert _snapshot(tmp_path) == before


def test_a_leftover_staged_file_of_a_crashed_write_is_overwritten(tmp_path: Path) -> None:
    (tmp_path / ".a.txt.importing").write_bytes(b"half of an old")
    ReviewFolder(tmp_path).write_all([(tmp_path / "a.txt", b"a")])
    assert _snapshot(tmp_path) == {"a.txt": b"a"}


# -- swapping one file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [(b"old", b"new"), (None, b"new"), (b"old", None)],
    ids=["replaced", "added", "removed"],
)
def test_a_swap_rolled_back_leaves_the_file_as_it_was(
    tmp_path: Path, before: bytes | None, after: bytes | None
) -> None:
    path = tmp_path / "review.txt"
    if before is not None:
        path.write_bytes(before)
    swapped = ReviewFolder(tmp_path).swap(path, after)
    assert (path.read_bytes() if path.exists() else None) == after
    swapped.roll_back()
    assert _snapshot(tmp_path) == ({} if before is None else {"review.txt": before})


def test_a_swap_remembers_what_the_file_held(tmp_path: Path) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")
    assert ReviewFolder(tmp_path).swap(path, b"new").previous == b"old"


def test_a_swap_that_fails_leaves_the_old_file_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "review.txt"
    path.write_bytes(b"old")
    _replace_failing_for(monkeypatch, "review.txt")
    with pytest.raises(ReviewFolderError, match=r"cannot change `review\.txt` in the reviews"):
        ReviewFolder(tmp_path).swap(path, b"new")
    assert _snapshot(tmp_path) == {"review.txt": b"old"}


def test_a_swap_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    folder = ReviewFolder(tmp_path / "reviews")
    folder.swap(folder.path / "review.txt", b"new")
    assert _snapshot(folder.path) == {"review.txt": b"new"}


# -- names from outside ------------------------------------------------------------------------


def test_an_upload_name_is_a_slug_with_no_way_out_of_the_folder() -> None:
    assert upload_name("../../etc/Evil Name.TXT") == "evil-name.txt"
    assert upload_name("..\\..\\secret.md") == "secret.txt"
    assert upload_name(".hidden.txt") == "hidden.txt"


@pytest.mark.parametrize("name", ["../escape.txt", "link.txt", "..", ".", ""])
def test_a_name_that_resolves_outside_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(ReviewFolderError, match="not a file name inside the reviews folder"):
        ReviewFolder(folder).inside(name)


def test_a_plain_name_is_a_file_directly_in_the_folder(tmp_path: Path) -> None:
    assert ReviewFolder(tmp_path).inside("fine.txt") == (tmp_path / "fine.txt").resolve()


# -- placing an upload -------------------------------------------------------------------------


def test_an_upload_of_an_indexed_episode_replaces_that_episodes_file(tmp_path: Path) -> None:
    indexed = _episode(tmp_path, 7, "old-name.txt")
    (tmp_path / "old-name.txt").write_text("x", "utf-8")
    placement = ReviewFolder(tmp_path).place_upload("new name.txt", indexed, [indexed])
    assert placement.path == (tmp_path / "old-name.txt").resolve()
    assert placement.replaces == indexed and placement.occupied


def test_an_upload_under_the_name_of_another_episodes_file_says_it_replaces_that_episode(
    tmp_path: Path,
) -> None:
    other = _episode(tmp_path, 7, "review.txt")
    placement = ReviewFolder(tmp_path).place_upload(
        "Review.txt", _episode(tmp_path, 8, "upload.txt"), [other]
    )
    assert placement.path == (tmp_path / "review.txt").resolve() and placement.replaces == other


def test_an_upload_over_an_unindexed_file_says_the_name_is_occupied(tmp_path: Path) -> None:
    (tmp_path / "review.txt").write_text("broken", "utf-8")
    placement = ReviewFolder(tmp_path).place_upload("review.txt", _episode(tmp_path, 8, ""), [])
    assert placement.replaces is None and placement.occupied


def test_a_new_upload_goes_under_its_sanitized_name_and_replaces_nothing(tmp_path: Path) -> None:
    placement = ReviewFolder(tmp_path).place_upload("My Review.md", _episode(tmp_path, 8, ""), [])
    assert placement.path == (tmp_path / "my-review.txt").resolve()
    assert placement.replaces is None and not placement.occupied


# -- names for new files -----------------------------------------------------------------------


def test_a_free_name_skips_files_and_names_already_taken(tmp_path: Path) -> None:
    (tmp_path / "ep.txt").write_text("x", "utf-8")
    assert ReviewFolder(tmp_path).free_path("ep.txt", {"ep-2.txt"}) == tmp_path / "ep-3.txt"


def test_a_free_name_of_wide_letters_is_cut_to_whole_letters_within_the_limit(
    tmp_path: Path,
) -> None:
    path = ReviewFolder(tmp_path).free_path("\U00020000" * 100 + ".txt")
    assert len(path.stem.encode("utf-8")) <= NAME_BYTES
    assert path.stem == "\U00020000" * (NAME_BYTES // 4)


def test_writing_all_never_writes_through_a_link_left_at_the_staging_name(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not the reviews folder's\n")
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / ".new.txt.importing").symlink_to(outside)
    ReviewFolder(reviews).write_all([(reviews / "new.txt", b"a review\n")])
    assert outside.read_bytes() == b"not the reviews folder's\n"
    assert not (reviews / "new.txt").is_symlink()
    assert (reviews / "new.txt").read_bytes() == b"a review\n"


def _within(seconds: float, call: Callable[[], object]) -> BaseException | None:
    """What `call` raised, or None; fails the test if it has not ended in `seconds`."""
    raised: list[BaseException | None] = [None]

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised[0] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still waiting after {seconds} s"
    return raised[0]


def test_a_fifo_where_an_upload_goes_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.txt")
    folder = ReviewFolder(tmp_path)

    raised = _within(5, lambda: folder.swap(tmp_path / "x.txt", b"review"))

    assert isinstance(raised, ReviewFolderError) and "FIFO" in str(raised)
    assert stat.S_ISFIFO(os.lstat(tmp_path / "x.txt").st_mode)


def test_a_link_where_an_import_goes_is_refused_and_its_target_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("SECRET outside the folder", encoding="utf-8")
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "x.txt").symlink_to(outside)

    with pytest.raises(ReviewFolderError, match="symbolic link") as refused:
        ReviewFolder(reviews).write_all([(reviews / "x.txt", b"review")])

    assert "SECRET" not in str(refused.value)
    assert (reviews / "x.txt").is_symlink()
    assert outside.read_text(encoding="utf-8") == "SECRET outside the folder"
