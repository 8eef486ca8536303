"""`claimbot gaps`: what the community wants reviewed, from the bot's feedback database
(SQLite or PostgreSQL, the same output), read without ever writing to it."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import psycopg
import pytest

from bot.cli import main
from index import FeedbackStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def feedback_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path | str:
    """Where the bot records feedback, on each back end, with the settings pointing at it."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("CLAIMBOT_DATABASE_URL", url)
        return url
    path = tmp_path / "feedback.sqlite"
    monkeypatch.setenv("CLAIMBOT_FEEDBACK_DB", str(path))
    return path


@pytest.fixture
def sqlite_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "feedback.sqlite"
    monkeypatch.setenv("CLAIMBOT_FEEDBACK_DB", str(path))
    return path


def _record(path: Path | str) -> None:
    with FeedbackStore(path) as store:
        for _ in range(3):
            store.record_question("Are seed oils bad?", False, None, 1)
        store.record_question("Is fasting better?", True, "gut/fasting", 1)
        store.record_vote("Is fasting better?", "gut/fasting", -1, 1, store.user_hash(7))
        store.record_question("Is vitamin D useful?", True, "gut/vitamin-d", 2)


def test_gaps_lists_unanswered_and_downvoted_questions_most_wanted_first(
    feedback_db: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(feedback_db)
    assert main(["gaps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  1. Are seed oils bad?  (3× unanswered;")
    assert lines[2].startswith("  2. Is fasting better?  (1 👎;")
    assert len(lines) == 3


def test_gaps_json_has_counts_and_a_timestamp(
    feedback_db: Path | str, capsys: pytest.CaptureFixture[str]
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
    feedback_db: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps"]) == 0
    assert "no feedback recorded yet" in capsys.readouterr().out
    assert main(["gaps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    if isinstance(feedback_db, Path):
        assert not feedback_db.exists()
    else:  # not even the tables
        assert _tables(feedback_db) == []


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [str(name) for (name,) in rows.fetchall()]


def test_gaps_on_an_empty_file_reads_no_feedback_and_leaves_it_empty(
    sqlite_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_db.touch()
    assert main(["gaps"]) == 0
    assert "no feedback recorded yet" in capsys.readouterr().out
    assert sqlite_db.stat().st_size == 0
    assert sorted(p.name for p in sqlite_db.parent.iterdir()) == [sqlite_db.name]


def test_gaps_reads_beside_a_writer_holding_a_write_transaction(
    sqlite_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(sqlite_db)
    writer = sqlite3.connect(sqlite_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO questions VALUES (NULL, 0, 'x', 'x', 0, NULL, 1)")
        started = time.monotonic()
        assert main(["gaps", "--json"]) == 0
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert len(json.loads(capsys.readouterr().out)) == 2  # what was committed, not the 'x'
    assert waited < 2  # a writer's lock would have kept it waiting for 10 s, then failed


def test_gaps_limit_must_be_sensible(
    feedback_db: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gaps", "--limit", "0"]) == 1
    assert "--limit" in capsys.readouterr().err
