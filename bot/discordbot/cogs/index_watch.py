"""Following the shared index folder: a generation any process publishes (another shard's bot,
or `claimbot reindex` in a terminal) is opened off the event loop within
`CLAIMBOT_INDEX_POLL_SECONDS`, while the loaded one answers until then, or for good if the new
one cannot be opened."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from discord.ext import commands, tasks

from bot.discordbot.client import ClaimBot
from index import ClaimbotError, IndexMissingError

log = logging.getLogger("claimbot.discord")


class IndexWatch(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._last_problem = ""
        self.poll.change_interval(seconds=bot.settings.index_poll_seconds)

    async def cog_load(self) -> None:
        self.poll.start()

    async def cog_unload(self) -> None:
        """Stops the watch before the bot closes (discord.py unloads cogs in `Bot.close`), and
        waits for the loop to end so nothing polls a bot that is gone."""
        self.poll.cancel()
        task = self.poll.get_task()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @tasks.loop(seconds=2.0)
    async def poll(self) -> None:
        await self.bot.run_blocking(self.refresh)

    def refresh(self) -> None:
        """Open the newest generation if it is new (blocking: runs in a worker thread). Each
        distinct problem is logged once and never raised, since an exception would end the
        `tasks.loop` and the process would silently stop following reindexes."""
        try:
            self.bot.live.refresh()
        except IndexMissingError as exc:  # nothing published yet: the first reindex will be
            self._report(str(exc), logging.DEBUG)
        except ClaimbotError as exc:
            self._report(f"cannot open the newest index, the loaded one keeps serving: {exc}")
        except Exception:
            log.exception("unexpected error while checking for a new index; will retry")
        else:
            self._last_problem = ""

    def _report(self, problem: str, level: int = logging.WARNING) -> None:
        if problem != self._last_problem:
            log.log(level, "%s", problem)
            self._last_problem = problem


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(IndexWatch(bot))
