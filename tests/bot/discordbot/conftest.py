"""Starting the real bot against the loopback Discord: one stand-in and one bot per module."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.discordbot.client import ClaimBot
from bot.discordbot.runner import point_at
from bot.engine_factory import live_index
from bot.reindexer import ChildProcessReindexer, Reindexer, reindex_in_thread
from bot.settings import Settings
from index import Embedder, reindex
from tests.conftest import REFERENCE_REVIEW
from tests.loopback_discord import LoopbackDiscord


@dataclass
class Harness:
    server: LoopbackDiscord
    bot: ClaimBot
    settings: Settings


def bot_settings(root: Path, server: LoopbackDiscord, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "reviews_dir": root / "reviews",
        "index_dir": root / "index",
        "feedback_db": root / "feedback.sqlite",
        "discord_token": server.token,
        "discord_api": server.api_url,
        "discord_gateway": server.gateway_url,
        "dev_guild": LoopbackDiscord.GUILD_ID,
        "message_content": True,
        "moderator_role": LoopbackDiscord.FACT_CHECKER_ROLE,
        "ask_cooldown": 0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def index_reference_review(root: Path, embedder: Embedder, template: Path | None = None) -> None:
    """`root/reviews` with the reference review, and its index (copied from `template` when
    one was built with the same embedder, to embed it once per session)."""
    (root / "reviews").mkdir(exist_ok=True)
    shutil.copy(REFERENCE_REVIEW, root / "reviews")
    if template is not None:
        shutil.copytree(template, root / "index")
    else:
        reindex(root / "reviews", root / "index", embedder)


@asynccontextmanager
async def running_bot(
    root: Path,
    embedder: Embedder,
    heartbeat_interval: float = 0.3,
    bulk_embedder: Embedder | None = None,
    child_command: Sequence[str] | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """The stand-in, and the real bot connected to it and ready; both shut down after.
    Reindexes run in a worker thread, or with `child_command` in child processes."""
    server = LoopbackDiscord(heartbeat_interval=heartbeat_interval)
    await server.start()
    settings = bot_settings(root, server, **overrides)
    point_at(settings)
    live = live_index(settings, embedder, bulk_embedder)
    reindexer: Reindexer = reindex_in_thread
    if child_command is not None:
        reindexer = ChildProcessReindexer(settings, child_command)
    bot = ClaimBot(settings, live, reindexer, guild_ready_timeout=0.05)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(server.token))
            ready = asyncio.create_task(bot.wait_until_ready())
            await asyncio.wait({running, ready}, timeout=60, return_when="FIRST_COMPLETED")
            if not ready.done():
                ready.cancel()
                if running.done() and running.exception() is not None:
                    raise RuntimeError("the bot did not get ready") from running.exception()
                running.cancel()
                raise RuntimeError("the bot did not get ready in 60 s")
            yield Harness(server, bot, settings)
            await bot.close()
            await running
    finally:
        await server.close()


@pytest.fixture(scope="session")
def real_index_template(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> Path:
    """The reference review indexed with the real model, once per session."""
    root = tmp_path_factory.mktemp("real-index")
    index_reference_review(root, real_embedder)
    return root / "index"
