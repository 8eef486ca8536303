"""`claimbot export --format claimreview` and `claimbot import`, in-process through `main`
with a real index (the hashing embedder: retrieval quality is not what is tested here)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.bot.conftest import index_reference_with_cli
from tests.conftest import REFERENCE_REVIEW, TEST_DATA
from tests.fakes import HashingEmbedder
from tests.index.test_hostile_writes import FifoReader

PODCAST_CLAIMS = TEST_DATA / "claimreview" / "podcast-claims.json"


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def indexed(tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings pointing at a reviews folder with the reference review, indexed."""
    index_reference_with_cli(tmp_path, embedder, monkeypatch)
    return tmp_path


def _out(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def test_export_prints_one_claimreview_per_indexed_card(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["export", "--format", "claimreview"], embedder=embedder) == 0
    document = _out(capsys)
    assert len(document["@graph"]) == 6
    assert {n["@type"] for n in document["@graph"]} == {"ClaimReview"}
    assert document["@graph"][0]["itemReviewed"]["appearance"]["episodeNumber"] == 490


def test_export_of_one_episode_to_a_file(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    target = indexed / "out.jsonld"
    argv = ["export", "--episode", "490", "--output", str(target), "--author", "Pod Reviews"]
    assert main(argv, embedder=embedder) == 0
    assert capsys.readouterr().out.startswith("wrote 6 ClaimReview(s) from 1 episode(s)")
    graph = json.loads(target.read_text(encoding="utf-8"))["@graph"]
    assert {n["author"]["name"] for n in graph} == {"Pod Reviews"}


def test_export_as_datafeed_prints_one_feed_item_per_review(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["export", "--format", "datafeed"], embedder=embedder) == 0
    feed = _out(capsys)
    assert feed["@type"] == "DataFeed"
    [item] = feed["dataFeedElement"]
    assert len(item["item"]) == 6


def test_export_warns_once_that_reviews_without_a_url_miss_googles_required_url(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["export"], embedder=embedder) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == [
        "warning: 6 ClaimReview(s) have no url, which Google's fact-check markup requires "
        "(add a `URL:` line to those reviews)"
    ]


def test_export_of_an_unknown_episode_fails_with_a_message(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--episode", "9999"], embedder=embedder) == 1
    assert "no indexed episode matches '9999'" in capsys.readouterr().err


def test_import_writes_a_review_file_and_says_to_reindex(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["import", str(PODCAST_CLAIMS)], embedder=embedder) == 0
    out = capsys.readouterr().out
    assert (
        "deep-focus-58.txt: Deep Focus #58: Sleep, Screens and the Teenage Brain (2 claims)" in out
    )
    assert "claimbot reindex" in out
    assert (indexed / "reviews" / "deep-focus-58.txt").is_file()
    assert main(["reindex"], embedder=embedder) == 0
    capsys.readouterr()
    assert main(["verdicts", "deep-focus-58", "--json"], embedder=embedder) == 0
    claims = _out(capsys)["claims"]
    assert [(c["verdict"], c["rating"]) for c in claims] == [("Misleading", 2), ("Accurate", 5)]


def test_import_with_reindex_reports_both_as_json(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["import", str(PODCAST_CLAIMS), "--reindex", "--json"]
    assert main(argv, embedder=embedder) == 0
    result = _out(capsys)
    [written] = result["written"]
    assert written["claims"] == 2 and written["replaced"] is False
    assert written["episode"]["podcast"] == "Deep Focus"
    assert result["reindex"]["added"] == ["deep-focus-58.txt"]
    assert result["reindex"]["cards"] == 8


def test_export_then_import_into_another_folder_gives_the_same_cards(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = indexed / "export.json"
    assert main(["export", "--output", str(exported)], embedder=embedder) == 0
    capsys.readouterr()
    assert main(["verdicts", "490", "--json"], embedder=embedder) == 0
    before = _out(capsys)
    other = ["--reviews", str(indexed / "copy"), "--index", str(indexed / "copy-index")]
    assert main(["import", str(exported), "--reindex", *other], embedder=embedder) == 0
    capsys.readouterr()
    copy_index = ["--index", str(indexed / "copy-index")]
    assert main(["verdicts", "490", "--json", *copy_index], embedder=embedder) == 0
    assert _out(capsys) == before


def test_import_with_a_missing_field_names_it_and_writes_nothing(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    items = json.loads(PODCAST_CLAIMS.read_text())
    del items[1]["claimReviewed"]
    broken = indexed / "broken.json"
    broken.write_text(json.dumps(items))
    assert main(["import", str(broken)], embedder=embedder) == 1
    err = capsys.readouterr().err
    assert err.startswith("claimbot: broken.json: ClaimReview at index 1")
    assert "claimReviewed" in err and "Traceback" not in err
    assert sorted(p.name for p in (indexed / "reviews").iterdir()) == [REFERENCE_REVIEW.name]


def test_importing_an_already_reviewed_episode_needs_replace(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = indexed / "export.json"
    assert main(["export", "--output", str(exported)], embedder=embedder) == 0
    capsys.readouterr()
    assert main(["import", str(exported)], embedder=embedder) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["import", str(exported), "--replace"], embedder=embedder) == 0
    assert capsys.readouterr().out.startswith(
        f"replaced {indexed / 'reviews' / 'lex-fridman-490.txt'}"
    )


def test_import_of_a_missing_file_is_an_error(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(indexed / "nope.json")], embedder=embedder) == 1
    assert "cannot read" in capsys.readouterr().err


def test_export_to_dash_prints_the_document_and_writes_no_file(
    indexed: Path,
    embedder: HashingEmbedder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(indexed)
    capsys.readouterr()
    assert main(["export", "-o", "-"], embedder=embedder) == 0
    assert len(json.loads(capsys.readouterr().out)["@graph"]) == 6
    assert not (indexed / "-").exists()


def test_export_to_a_fifo_feeds_its_reader_and_leaves_it_a_fifo(
    indexed: Path, embedder: HashingEmbedder
) -> None:
    fifo = indexed / "feed"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    assert main(["export", "-o", str(fifo)], embedder=embedder) == 0
    assert len(json.loads(reader.result())["@graph"]) == 6
    assert fifo.is_fifo()


def test_export_to_a_folder_is_one_error_line(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["export", "-o", str(indexed)], embedder=embedder) == 1
    error = capsys.readouterr().err.splitlines()[-1]
    assert error == f"claimbot: cannot write {indexed}: Is a directory"
