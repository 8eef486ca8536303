"""`claimbot gaps`: what the community wants reviewed, from the bot's feedback database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index import FeedbackStore


@pytest.fixture
def feedback_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "feedback.sqlite"
    monkeypatch.setenv("CLAIMBOT_FEEDBACK_DB", str(path))
    return path


def _record(path: Path) -> None:
    with FeedbackStore(path) as store:
        for _ in range(3):
            store.record_question("Are seed oils bad?", False, None, 1)
        store.record_question("Is fasting better?", True, "gut/fasting", 1)
        store.record_vote("Is fasting better?", "gut/fasting", -1, 1, store.user_hash(7))
        store.record_question("Is vitamin D useful?", True, "gut/vitamin-d", 2)


def test_gaps_lists_unanswered_and_downvoted_questions_most_wanted_first(
    feedback_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(feedback_db)
    assert main(["gaps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  1. Are seed oils bad?  (3× unanswered;")
    assert lines[2].startswith("  2. Is fasting better?  (1 👎;")
    assert len(lines) == 3


def test_gaps_json_has_counts_and_a_timestamp(
    feedback_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(feedback_db)
    assert main(["gaps", "--json", "--limit", "1"]) == 0
    [gap] = json.loads(capsys.readouterr().out)
    assert {k: gap[k] for k in ("question", "unanswered", "downvotes", "upvotes")} == {
        "question": "Are seed oils bad?",
        "unanswered": 3,
        "downvotes": 0,
        "upvotes": 0,
    }
    assert gap["last_asked"].endswith("Z")


def test_gaps_without_a_database_says_so_and_creates_nothing(
    feedback_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps"]) == 0
    assert "no feedback recorded yet" in capsys.readouterr().out
    assert not feedback_db.exists()
    assert main(["gaps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_gaps_limit_must_be_sensible(feedback_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gaps", "--limit", "0"]) == 1
    assert "--limit" in capsys.readouterr().err
