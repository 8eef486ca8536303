"""The Discord bot in its own process, for tests that run several of them side by side.

    python -m tests.bot_child

What `claimbot bot` runs (settings from `CLAIMBOT_*`, the same `ClaimBot` and cogs), with the
deterministic HashingEmbedder instead of the model, so a process starts in seconds and serves
indexes the test wrote with the same embedder. Prints `ready` on stdout, flushed, once its
shards are connected. SIGTERM closes the bot as a service manager would stop it; the process
prints `closed` and exits with status 0 once `Bot.close` has unloaded every cog.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from bot.discordbot.runner import build_bot, point_at, token_of
from bot.settings import Settings
from tests.fakes import HashingEmbedder


async def run(settings: Settings) -> None:
    point_at(settings)
    bot = build_bot(settings, HashingEmbedder(), guild_ready_timeout=0.05)

    async def on_ready() -> None:
        print("ready", flush=True)

    bot.add_listener(on_ready)
    closing: set[asyncio.Task[None]] = set()
    asyncio.get_running_loop().add_signal_handler(
        signal.SIGTERM, lambda: closing.add(asyncio.create_task(bot.close()))
    )
    async with bot:
        await bot.start(token_of(settings))
    await asyncio.gather(*closing)


def main() -> int:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    asyncio.run(run(settings))
    print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
