"""Connecting, command sync and resuming, through the loopback Discord (hashing embedder)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")

COMMANDS = {"ask", "verdicts", "claim", "episodes", "reindex", "review", "gaps"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("gateway")
    embedder = HashingEmbedder()
    index_reference_review(root, embedder)
    async with running_bot(root, embedder, message_content=False) as harness:
        yield harness


async def test_commands_sync_to_the_dev_guild_only(discord: Harness) -> None:
    commands = discord.server.commands
    assert {c["name"] for c in commands[LoopbackDiscord.GUILD_ID]} == COMMANDS
    assert None not in commands


async def test_the_bot_identifies_without_the_message_content_intent_by_default(
    discord: Harness,
) -> None:
    assert discord.bot.intents.message_content is False
    assert discord.bot.intents.guilds is True


async def test_the_bot_resumes_its_session_after_the_socket_drops(discord: Harness) -> None:
    server = discord.server
    session = server.session_id
    identified = len(server.events("identify"))
    dropped_at = time.monotonic()
    server.drop_socket()
    await server.wait_for_event("resume", since=dropped_at)
    assert server.session_id == session and len(server.events("identify")) == identified
    reply = await server.reply(await server.invoke("episodes"))
    assert "Lex Fridman Podcast" in reply.body["data"]["embeds"][0]["description"]


async def test_commands_sync_globally_without_a_dev_guild(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder, dev_guild=None) as harness:
        commands = harness.server.commands
        assert {c["name"] for c in commands[None]} == COMMANDS
        assert LoopbackDiscord.GUILD_ID not in commands


async def test_the_shard_settings_choose_which_shards_this_process_runs(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder, shard_count=2, shard_ids=[1]) as harness:
        assert harness.server.identified_shards == [(1, 2)]
        assert not any(r.path == "/gateway/bot" for r in harness.server.requests)


async def test_mentions_go_unanswered_while_message_content_is_off(discord: Harness) -> None:
    server = discord.server
    await server.say(f"<@{server.APP_ID}> is DeepSeek a movement?", mentions=(server.bot_user,))
    await asyncio.sleep(1.0)  # long enough for an answer with the hashing embedder
    assert not [r for r in server.requests if r.path.startswith("/channels/")]
