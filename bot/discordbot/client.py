"""`ClaimBot`: the discord.py bot, holding what the cogs share (settings, the live index, the
feedback database, the reindex lock), with all blocking work moved off the event loop."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord.ext import commands

from bot.discordbot.error_handling import ClaimTree
from bot.discordbot.feedback_trouble import FeedbackTrouble
from bot.errors import BotStartError
from bot.reindexer import Reindexer, reindex_in_thread
from bot.settings import Settings
from index import (
    ClaimIndex,
    FeedbackStore,
    IndexUnusableError,
    LiveIndex,
    ReindexSummary,
    load_language_detector,
)

log = logging.getLogger("claimbot.discord")

T = TypeVar("T")

BUSY = "A reindex is already running; wait for it to finish, then try again."
"""What a command that reindexes answers while `ClaimBot.reindexing` is held."""

COGS = (
    "bot.discordbot.cogs.ask",
    "bot.discordbot.cogs.browse",
    "bot.discordbot.cogs.moderation",
    "bot.discordbot.cogs.review",
    "bot.discordbot.cogs.feedback",
    "bot.discordbot.cogs.index_watch",
)


def intents_for(settings: Settings) -> discord.Intents:
    """Guilds for slash commands; message content only when mentions are answered, because
    it is a privileged intent a bot owner has to switch on in the developer portal."""
    intents = discord.Intents.none()
    intents.guilds = True
    if settings.message_content:
        intents.guild_messages = True
        intents.message_content = True
    return intents


class ClaimBot(commands.AutoShardedBot):
    """claimbot on Discord: `live` is the index it serves, `reindexer` where /reindex and
    /review run, and `options` reach discord.py unchanged (e.g. a shorter `guild_ready_timeout`)."""

    feedback: FeedbackStore
    """Questions and votes (`settings.feedback_target`), opened once in `setup_hook`."""

    def __init__(
        self,
        settings: Settings,
        live: LiveIndex,
        reindexer: Reindexer = reindex_in_thread,
        **options: Any,
    ) -> None:
        # claimbot never joins voice: discord.py's warnings about voice libraries are noise.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        if settings.shard_ids:  # this process runs some of the shards; Discord's count otherwise
            options.setdefault("shard_ids", settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ClaimTree,
            shard_count=settings.shard_count,
            **options,
        )
        self.settings = settings
        self.live = live
        self.reindexer = reindexer
        self.reindexing = asyncio.Lock()
        """Held by every command that reindexes (/reindex, /review), so they never overlap."""
        self.feedback_trouble = FeedbackTrouble(log)
        """Warns once per feedback outage, however many records and votes it drops."""

    async def setup_hook(self) -> None:
        self.feedback = await self.run_blocking(FeedbackStore, self.settings.feedback_target)
        for extension in COGS:
            await self.load_extension(extension)
        await self.run_blocking(self._load_model_and_index)
        # What is loaded by now (libraries, the model, the index) lives as long as the process.
        # Frozen, it is no longer walked by the garbage collector's full passes, which run on
        # whichever thread allocates, the event loop's too, and stall it during a reindex.
        gc.freeze()
        await self.sync_commands()

    def _load_model_and_index(self) -> None:
        self.live.embedder.embed(["warm up"])  # loads the model once, now, not on a first question
        if self.live.bulk_embedder is not None:
            # Loaded later, by a reindex, its libraries would be created after gc.freeze() and
            # walked by every full collection, on whichever thread allocates, the event loop's
            # too. Loaded now, they are frozen.
            self.live.bulk_embedder.embed(["warm up"])
        if not self.live.languages.every:
            load_language_detector()  # questions are checked for their language
        try:
            index = self.live.current
        except IndexUnusableError as exc:
            log.warning("no index to serve yet (%s); a moderator can run /reindex", exc)
        else:
            log.info("serving %d claims from %s", index.manifest.cards, self.live.index_dir)

    async def sync_commands(self) -> None:
        """To the dev guild when one is set (instant), globally otherwise (Discord may take
        up to an hour to show global changes)."""
        if self.settings.dev_guild is not None:
            guild = discord.Object(id=self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.Forbidden as exc:
                raise BotStartError(
                    f"Discord refused the commands for server {guild.id} (CLAIMBOT_DEV_GUILD): "
                    "is the bot in it, invited with the applications.commands scope?"
                ) from exc
            log.info("synced %d commands to guild %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))

    async def run_blocking(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in a worker thread: the event loop never waits on the model, FAISS,
        SQLite or a reindex, so heartbeats and interaction acknowledgements go out on time."""
        return await asyncio.to_thread(work, *args)

    async def reindex(self) -> ReindexSummary:
        """Reindex the reviews folder and serve the result (/reindex and /review share it)."""
        return await self.reindexer(self.live, self.settings.reviews_dir)

    async def index(self) -> ClaimIndex:
        """The generation serving now. Newer ones, whoever publishes them, are picked up by the
        index watch alone; this opens one only while none is loaded (before the first reindex,
        or after one that could not be opened), so a member never waits on a refresh."""
        if self.live.loaded:
            return self.live.current
        return await self.run_blocking(lambda: self.live.current)

    async def close(self) -> None:
        await super().close()
        if hasattr(self, "feedback"):  # not when start-up failed before opening it
            self.feedback.close()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are answered by the ask cog's listener."""
