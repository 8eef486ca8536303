"""The reindex summary is the contract of `claimbot reindex --json` and of the bot's child
reindex: one immutable model whose JSON has a fixed shape and reads back as itself."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from index import FailedReview, FewerClaims, ReindexSummary, ReviewFormatError, reindex
from tests.conftest import TEST_DATA
from tests.fakes import HashingEmbedder

BROKEN = TEST_DATA / "broken" / "claim-without-verdict.txt"


@pytest.fixture
def summary(reviews_dir: Path, index_dir: Path) -> ReindexSummary:
    """A reindex of the reference review and a broken one."""
    shutil.copy(BROKEN, reviews_dir)
    return reindex(reviews_dir, index_dir, HashingEmbedder())


def test_its_json_has_the_documented_keys_in_their_order(summary: ReindexSummary) -> None:
    data = summary.model_dump(mode="json")
    assert list(data) == [
        "added",
        "changed",
        "removed",
        "unchanged",
        "failed",
        "episodes",
        "cards",
        "embedded_cards",
        "seconds",
        "version",
        "full_rebuild",
        "rebuild_reason",
        "fewer_claims",
    ]
    [failed] = data["failed"]
    assert list(failed) == ["file", "line", "error", "problem", "claim"]
    assert (failed["file"], failed["line"]) == (BROKEN.name, 29)
    assert failed["error"] == f"{BROKEN.name}, line 29: {failed['problem']}"


def test_its_json_gives_the_seconds_to_the_millisecond() -> None:
    assert ReindexSummary(seconds=1.23456).model_dump(mode="json")["seconds"] == 1.235


def test_its_json_reads_back_as_the_same_summary(summary: ReindexSummary) -> None:
    text = json.dumps(summary.model_dump(mode="json"), ensure_ascii=False)
    read = ReindexSummary.model_validate_json(text)
    assert read == summary.model_copy(update={"seconds": round(summary.seconds, 3)})
    assert read.changed_anything and not ReindexSummary().changed_anything


def test_a_failed_review_reads_as_the_error_it_came_from(summary: ReindexSummary) -> None:
    [failed] = summary.failed
    assert isinstance(failed, FailedReview)
    assert str(failed) == failed.error and failed.path.name == BROKEN.name
    error = ReviewFormatError(Path("x/broken.txt"), "no verdict", line=3, claim="A claim")
    assert FailedReview.of(error) == FailedReview(
        file="broken.txt", line=3, error=str(error), problem="no verdict", claim="A claim"
    )


def test_a_summary_cannot_be_changed_once_built(summary: ReindexSummary) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        summary.seconds = 0.0  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        summary.failed[0].line = 1  # type: ignore[misc]


def test_files_that_lost_claims_are_read_back_from_json() -> None:
    summary = ReindexSummary(fewer_claims=[FewerClaims(file="a.txt", before=8, after=3)])
    assert ReindexSummary.model_validate_json(summary.model_dump_json()) == summary


def test_a_file_that_lost_claims_reads_as_its_name_and_both_counts() -> None:
    assert str(FewerClaims(file="a.txt", before=8, after=3)) == "a.txt: 8 → 3 claims"
