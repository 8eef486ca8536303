"""Starting the bot: a missing or rejected token is one line, the token never reaches the log,
and the message-content intent is asked for only when mentions are on."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.discordbot.checks import MemberCooldown
from bot.discordbot.client import ClaimBot, intents_for
from bot.discordbot.runner import build_bot, serve
from bot.errors import BotStartError
from bot.reindexer import ChildProcessReindexer, reindex_in_thread
from bot.settings import Settings
from tests.bot.discordbot.conftest import bot_settings, index_reference_review
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord

CLAIMBOT = Path(sys.executable).with_name("claimbot")


def test_a_missing_token_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("CLAIMBOT_DISCORD_TOKEN", raising=False)
    assert main(["bot"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CLAIMBOT_DISCORD_TOKEN" in err
    assert "Traceback" not in err


async def test_a_rejected_token_is_a_one_line_error_without_the_token(tmp_path: Path) -> None:
    server = LoopbackDiscord(token="the-right-token")
    await server.start()
    try:
        settings = bot_settings(tmp_path, server, discord_token="a-wrong-token")
        with pytest.raises(BotStartError) as refused:
            await serve(settings, HashingEmbedder())
    finally:
        await server.close()
    message = str(refused.value)
    assert "rejected the bot token" in message and "\n" not in message
    assert "a-wrong-token" not in message


async def claimbot_bot(tmp_path: Path, server: LoopbackDiscord, **env: str) -> tuple[int, str]:
    """`claimbot bot` run as an operator would, against `server`, with `env`'s CLAIMBOT_
    variables: its exit status and stderr."""
    variables = {
        **os.environ,
        "CLAIMBOT_DISCORD_TOKEN": server.token,
        "CLAIMBOT_DISCORD_API": server.api_url,
        "CLAIMBOT_DISCORD_GATEWAY": server.gateway_url,
        "CLAIMBOT_INDEX_DIR": str(tmp_path / "index"),
        "CLAIMBOT_REVIEWS_DIR": str(tmp_path / "reviews"),
        **{f"CLAIMBOT_{name}": value for name, value in env.items()},
    }
    process = await asyncio.create_subprocess_exec(
        str(CLAIMBOT), "bot", env=variables, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_claimbot_bot_with_a_rejected_token_ends_with_one_line_and_no_traceback(
    tmp_path: Path,
) -> None:
    server = LoopbackDiscord(token="the-right-token")
    await server.start()
    try:
        status, stderr = await claimbot_bot(tmp_path, server, DISCORD_TOKEN="a-wrong-token")
    finally:
        await server.close()
    assert status == 1
    assert stderr.splitlines()[-1].startswith("claimbot: Discord rejected the bot token")
    assert "Traceback" not in stderr and "a-wrong-token" not in stderr
    assert any(r.path == "/users/@me" for r in server.requests)


async def test_claimbot_bot_with_an_unreachable_database_ends_with_one_line_naming_it_masked(
    tmp_path: Path,
) -> None:
    server = LoopbackDiscord()
    await server.start()
    url = "postgresql://claimbot:hunter2@127.0.0.1:1/claimbot"  # nothing listens on port 1
    try:
        status, stderr = await claimbot_bot(tmp_path, server, DATABASE_URL=url)
    finally:
        await server.close()
    assert status == 1
    assert stderr.splitlines()[-1].startswith(
        "claimbot: cannot reach the feedback database "
        "postgresql://claimbot:***@127.0.0.1:1/claimbot: "
    )
    assert "Traceback" not in stderr and "hunter2" not in stderr


async def test_an_unreachable_discord_is_a_one_line_error(tmp_path: Path) -> None:
    server = LoopbackDiscord()
    await server.start()
    await server.close()  # nothing listens on its port any more
    settings = bot_settings(tmp_path, server)
    with pytest.raises(BotStartError) as refused:
        await serve(settings, HashingEmbedder())
    assert str(refused.value).startswith(f"cannot reach Discord at {server.api_url}")


async def test_a_refused_message_content_intent_is_a_one_line_error(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    server = LoopbackDiscord(message_content_allowed=False)
    await server.start()
    try:
        settings = bot_settings(tmp_path, server, message_content=True)
        with pytest.raises(BotStartError) as refused:
            await asyncio.wait_for(serve(settings, embedder), timeout=30)
    finally:
        await server.close()
    assert "CLAIMBOT_MESSAGE_CONTENT=false" in str(refused.value)
    assert "\n" not in str(refused.value)


async def test_the_token_never_reaches_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    server = LoopbackDiscord(token="secret-token-123")
    await server.start()
    caplog.set_level(logging.DEBUG)
    try:
        settings = bot_settings(tmp_path, server)
        running = asyncio.create_task(serve(settings, embedder))
        await server.wait_for_event("identify", timeout=30)
        await server.wait_for(lambda r: r.path.endswith("/commands"))
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    finally:
        await server.close()
    assert caplog.records and all("secret-token-123" not in r.getMessage() for r in caplog.records)
    assert "secret-token-123" not in repr(settings)


def test_message_content_is_requested_only_when_mentions_are_enabled() -> None:
    on = Settings(_env_file=None, message_content=True)  # type: ignore[call-arg]
    off = Settings(_env_file=None)  # type: ignore[call-arg]
    assert intents_for(on).message_content and intents_for(on).guilds
    assert not intents_for(off).message_content


def test_the_cooldown_lets_a_member_ask_again_once_it_expires() -> None:
    now = [100.0]
    cooldown = MemberCooldown(10, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    now[0] += 4
    assert cooldown.retry_after(1) == pytest.approx(6)
    assert cooldown.retry_after(2) == 0  # per member
    now[0] += 6
    assert cooldown.retry_after(1) == 0


def test_the_bot_reindexes_in_a_child_process_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CLAIMBOT_REINDEX_IN", raising=False)

    def built(**values: Any) -> ClaimBot:
        return build_bot(Settings(_env_file=None, **values))

    by_default = built()
    assert isinstance(by_default.reindexer, ChildProcessReindexer)
    assert by_default.live.bulk_embedder is None  # the child loads its own
    assert built(reindex_in="thread").reindexer is reindex_in_thread
    handed_in = build_bot(Settings(_env_file=None), HashingEmbedder())
    assert handed_in.reindexer is reindex_in_thread
