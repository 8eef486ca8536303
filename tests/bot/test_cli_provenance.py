"""Where a verdict comes from, in the terminal and in `--json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.conftest import index_reference_with_cli
from tests.conftest import TEST_DATA
from tests.fakes import HashingEmbedder

FACT_CHECK = TEST_DATA / "provenance" / "harbour-checks.txt"
LEASE = (
    "harbour-checks-did-the-council-really-sell-the-old-lighthouse-431a24/"
    "the-council-sold-the-lighthouse-for-one-euro"
)


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def indexed(tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch) -> Path:
    index_reference_with_cli(tmp_path, embedder, monkeypatch, review=FACT_CHECK)
    return tmp_path


def test_the_terminal_shows_the_source_under_a_card(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["claim", LEASE], embedder=embedder) == 0
    lines = capsys.readouterr().out.splitlines()

    assert lines[-3:] == [
        "  Reviewed by Harbour Checks, 2026-03-04: "
        "https://harbourchecks.example/2026/lighthouse#lease",
        "  Claimed by Mara Voss, 2026-03-01, in https://video.example/watch/123 (+1 more)",
        f"  [{LEASE}]",
    ]


def test_claim_json_carries_the_provenance_beside_the_existing_fields(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["claim", LEASE, "--json"], embedder=embedder) == 0
    out = json.loads(capsys.readouterr().out)

    assert out["verdict"] == "Misleading"
    assert out["provenance"] == {
        "url": "https://harbourchecks.example/2026/lighthouse#lease",
        "reviewer": {
            "name": "Harbour Checks",
            "url": "https://harbourchecks.example",
            "kind": "organization",
        },
        "reviewed": "2026-03-04",
        "claimant": {"name": "Mara Voss", "url": "https://voss.example", "kind": "person"},
        "claimed": "2026-03-01",
        "appearances": ["https://video.example/watch/123", "https://social.example/posts/9"],
        "first_appearance": "https://video.example/watch/123",
        "publisher_rating": {"value": 2.0, "worst": 1.0, "best": 6.0},
        "language": "en",
    }


def test_verdicts_json_gives_each_claim_its_provenance(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["verdicts", "harbour", "--json"], embedder=embedder) == 0
    claims = json.loads(capsys.readouterr().out)["claims"]

    assert [c["provenance"]["url"] for c in claims] == [
        "https://harbourchecks.example/2026/lighthouse#lease",
        "https://harbourchecks.example/2026/lighthouse",
    ]
    assert [c["provenance"]["language"] for c in claims] == ["en", "nl"]


def test_ask_json_gives_each_result_its_provenance(
    indexed: Path, embedder: HashingEmbedder, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["ask", "did the council sell the lighthouse", "--json"], embedder=embedder) == 0
    results = json.loads(capsys.readouterr().out)["results"]

    assert results and all(r["provenance"]["reviewer"]["name"] == "Harbour Checks" for r in results)
