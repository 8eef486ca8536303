"""Entries of the reviews folder whose names or links cannot be followed or shown: each is
reported by name, shown on one line, and the other files are still indexed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.errors import ReviewFolderError
from index.reindex_plan import plan_reindex
from index.review_folder import ReviewFolder

REVIEW = Path(__file__).parents[2] / "data" / "reviews" / "lex-fridman-490.txt"


def _folder_with(tmp_path: Path, name: str | bytes) -> Path:
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "good.txt").write_bytes(REVIEW.read_bytes())
    with open(os.path.join(os.fsencode(reviews), os.fsencode(name)), "wb") as out:
        out.write(REVIEW.read_bytes())
    return reviews


def test_a_loop_of_links_is_reported_and_the_other_files_indexed(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "good.txt").write_bytes(REVIEW.read_bytes())
    (reviews / "a.txt").symlink_to("b.txt")
    (reviews / "b.txt").symlink_to("a.txt")
    plan = plan_reindex(reviews, {})
    assert plan.added == ["good.txt"]
    assert sorted(e.path.name for e in plan.failed) == ["a.txt", "b.txt"]
    assert all("loop" in e.problem for e in plan.failed)


def test_a_loop_of_links_is_no_place_for_an_upload(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    assert ReviewFolder(tmp_path).refusal("a.txt") is not None
    with pytest.raises(ReviewFolderError, match="not a file name inside the reviews folder"):
        ReviewFolder(tmp_path).inside("a.txt")


@pytest.mark.parametrize(
    ("name", "shown"),
    [(b"caf\xe9.txt", "caf\\xe9.txt"), ("two\nlines.txt", "two\\nlines.txt")],
)
def test_a_name_that_cannot_be_shown_on_one_line_of_utf8_is_reported_escaped(
    tmp_path: Path, name: str | bytes, shown: str
) -> None:
    plan = plan_reindex(_folder_with(tmp_path, name), {})
    assert plan.added == ["good.txt"]
    [error] = plan.failed
    assert str(error.path) == shown and "rename it" in error.problem and "\n" not in str(error)
    json.dumps(str(error)).encode("utf-8")  # printable as --json prints it
