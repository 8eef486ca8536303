"""Reindexes in a child process: the real `claimbot` command line (on the HashingEmbedder,
tests/reindex_child.py), its summary, its refusals and its failures, read back by the bot."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.errors import ReindexProcessError
from bot.exit_status import EXIT_BUSY
from bot.reindexer import LINE_LOGGED, ChildProcessReindexer, reindex_in_thread
from bot.settings import Settings
from index import LiveIndex, PostgresReindexLock, ReindexBusyError, ReindexSummary, reindex
from index.store import reindex_lock
from tests.conftest import REFERENCE_REVIEW, TEST_DATA
from tests.fakes import HashingEmbedder
from tests.reindex_child import COMMAND

BROKEN = TEST_DATA / "broken" / "claim-without-verdict.txt"


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def child(command: tuple[str, ...] = COMMAND) -> ChildProcessReindexer:
    return ChildProcessReindexer(settings(), command)


def python(code: str) -> tuple[str, ...]:
    """A child that runs `code` instead of claimbot (argv[1:]: --index DIR --reviews DIR)."""
    return (sys.executable, "-c", code)


async def test_a_child_reindex_is_served_by_the_live_index_at_once(
    reviews_dir: Path, index_dir: Path
) -> None:
    live = LiveIndex(index_dir, HashingEmbedder())
    summary = await child()(live, reviews_dir)
    assert summary.added == [REFERENCE_REVIEW.name] and summary.cards == 6
    assert live.loaded and live.current.version == summary.version
    answer = live.current.ask("Are Chinese model licenses really friendlier?")
    assert "licen" in answer.hits[0].card.headline.lower()


async def test_a_child_and_a_thread_reindex_report_the_same(
    reviews_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(BROKEN, reviews_dir)
    by_child = await child()(LiveIndex(tmp_path / "a", HashingEmbedder()), reviews_dir)
    by_thread = await reindex_in_thread(LiveIndex(tmp_path / "b", HashingEmbedder()), reviews_dir)
    by_child, by_thread = (s.model_copy(update={"seconds": 0.0}) for s in (by_child, by_thread))
    assert by_child.model_dump(mode="json") == by_thread.model_dump(mode="json")


async def test_a_broken_file_comes_back_with_its_name_line_and_problem(
    reviews_dir: Path, index_dir: Path
) -> None:
    shutil.copy(BROKEN, reviews_dir)
    summary = await child()(LiveIndex(index_dir, HashingEmbedder()), reviews_dir)
    (failure,) = summary.failed
    assert failure.path.name == BROKEN.name and failure.line == 29
    assert str(failure).startswith(f"{BROKEN.name}, line 29: ")
    assert summary.added == [REFERENCE_REVIEW.name]


async def test_a_reindex_holding_the_lock_makes_the_child_raise_busy(
    reviews_dir: Path, index_dir: Path
) -> None:
    index_dir.mkdir()
    with reindex_lock(index_dir), pytest.raises(ReindexBusyError) as busy:
        await child().run(reviews_dir, index_dir)
    assert "reindex" in str(busy.value) and not str(busy.value).startswith("claimbot:")


async def test_a_failing_child_raises_with_the_message_it_printed(
    tmp_path: Path, index_dir: Path
) -> None:
    with pytest.raises(ReindexProcessError) as failed:
        await child().run(tmp_path / "no-such-folder", index_dir)
    assert str(failed.value) == (
        "the reindex failed: no-such-folder: the reviews folder does not exist"
    )


async def test_a_killed_child_is_reported_and_the_old_index_still_serves(
    reviews_dir: Path, index_dir: Path
) -> None:
    reindex(reviews_dir, index_dir, HashingEmbedder())
    live = LiveIndex(index_dir, HashingEmbedder())
    served = live.current
    killed = child(python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"))
    with pytest.raises(ReindexProcessError, match="killed by signal 9"):
        await killed(live, reviews_dir)
    assert live.current is served and live.current.ask("licenses").hits


async def test_a_cancelled_reindex_kills_its_child(tmp_path: Path, index_dir: Path) -> None:
    pid_file = tmp_path / "pid"
    sleeper = python(
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    )
    running = asyncio.create_task(child(sleeper).run(tmp_path, index_dir))
    for _ in range(500):
        if pid_file.exists() and pid_file.read_text():
            break
        await asyncio.sleep(0.02)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(int(pid_file.read_text()), 0)


async def test_a_child_that_crashes_is_logged_in_full_and_reported_in_one_line(
    reviews_dir: Path, index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    crashing = child(python("raise RuntimeError('a bug in the reindex')"))
    with pytest.raises(ReindexProcessError) as failed:
        await crashing.run(reviews_dir, index_dir)
    assert "exit status 1" in str(failed.value) and "bot's log" in str(failed.value)
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "Traceback" in logged.getMessage()
    assert "RuntimeError: a bug in the reindex" in logged.getMessage()


async def test_a_line_too_long_to_relay_is_cut_and_the_lines_after_it_still_count(
    reviews_dir: Path, index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="claimbot.reindex")
    noisy = child(
        python(
            "import sys; sys.stderr.write('x' * 300_000 + '\\nclaimbot: the real error\\n'); "
            "sys.exit(1)"
        )
    )
    with pytest.raises(ReindexProcessError) as failed:
        await noisy.run(reviews_dir, index_dir)
    assert str(failed.value) == "the reindex failed: the real error"
    relayed = [r.getMessage() for r in caplog.records if r.name == "claimbot.reindex"]
    assert relayed[0] == "reindex process: " + "x" * LINE_LOGGED
    assert relayed[-1] == "reindex process: claimbot: the real error"


async def test_a_summary_after_other_output_is_still_read(
    reviews_dir: Path, index_dir: Path
) -> None:
    printed = reindex(reviews_dir, index_dir, HashingEmbedder())
    json_line = json.dumps(printed.model_dump(mode="json"))
    chatty = child(python(f"print('a library says hello'); print({json_line!r})"))
    summary = await chatty.run(reviews_dir, index_dir)
    assert summary.added == [REFERENCE_REVIEW.name]


async def test_a_child_that_prints_no_summary_is_an_error_not_a_crash(
    reviews_dir: Path, index_dir: Path
) -> None:
    with pytest.raises(ReindexProcessError, match="no summary"):
        await child(python("print('{\"added\": 1}')")).run(reviews_dir, index_dir)


def test_the_child_gets_the_bot_model_settings_and_a_blank_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLAIMBOT_DISCORD_TOKEN", "the-token")
    monkeypatch.setenv("CLAIMBOT_BACKEND", "torch")
    chosen = settings(model="some/model", backend="onnx-int8", reindex_backend="onnx")
    env = ChildProcessReindexer(chosen).environment()
    assert env["CLAIMBOT_DISCORD_TOKEN"] == ""  # over a .env file's too
    assert env["CLAIMBOT_MODEL"] == "some/model" and env["CLAIMBOT_BACKEND"] == "onnx-int8"
    assert env["CLAIMBOT_REINDEX_BACKEND"] == "onnx"


def test_the_child_takes_the_reindex_lock_on_the_bots_database() -> None:
    url = "postgresql://bot:pw@db.internal/claimbot"
    env = ChildProcessReindexer(settings(database_url=url)).environment()
    assert env["CLAIMBOT_DATABASE_URL"] == url  # set in code (tests, say) or in a variable


def test_claimbot_reindex_exits_with_the_busy_status_while_another_holds_the_lock(
    reviews_dir: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index_dir.mkdir()
    argv = ["reindex", "--index", str(index_dir), "--reviews", str(reviews_dir)]
    with reindex_lock(index_dir):
        assert main(argv, embedder=HashingEmbedder()) == EXIT_BUSY
    assert capsys.readouterr().err.startswith("claimbot: ")


def test_claimbot_reindex_exits_busy_while_another_machine_holds_the_postgresql_lock(
    reviews_dir: Path,
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CLAIMBOT_DATABASE_URL", postgres_url)
    argv = ["reindex", "--index", str(tmp_path / "index"), "--reviews", str(reviews_dir)]
    with PostgresReindexLock(postgres_url).hold(tmp_path / "another-machine" / "index"):
        assert main(argv, embedder=HashingEmbedder()) == EXIT_BUSY
    assert "is already running" in capsys.readouterr().err
    assert main(argv, embedder=HashingEmbedder()) == 0  # released with its holder


def test_a_summary_survives_its_json_round_trip(reviews_dir: Path, index_dir: Path) -> None:
    shutil.copy(BROKEN, reviews_dir)
    summary = reindex(reviews_dir, index_dir, HashingEmbedder())
    read = ReindexSummary.model_validate_json(json.dumps(summary.model_dump(mode="json")))
    assert read.model_dump(mode="json") == summary.model_dump(mode="json")
    assert [(e.path.name, e.line, e.problem) for e in read.failed] == [
        (e.path.name, e.line, e.problem) for e in summary.failed
    ]
