"""/reindex: moderators pick up new and edited review files without restarting the bot."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import NotModerator, moderator_only
from bot.discordbot.client import BUSY, ClaimBot
from bot.discordbot.embeds import summary_embed
from bot.discordbot.error_handling import is_handled, tell
from index import ReindexBusyError

log = logging.getLogger("claimbot.discord")


class Moderation(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.running = bot.reindexing

    @app_commands.command(name="reindex", description="Re-read the review files (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderator_only()
    async def reindex(self, interaction: discord.Interaction) -> None:
        if self.running.locked():
            await tell(interaction, BUSY)
            return
        async with self.running:
            await interaction.response.defer(thinking=True)
            log.info("reindex of %s asked by %s", self.bot.settings.reviews_dir, interaction.user)
            summary = await self.bot.reindex()
        await interaction.followup.send(
            embed=summary_embed(summary), allowed_mentions=discord.AllowedMentions.none()
        )

    @reindex.error
    async def reindex_refused(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, NotModerator):
            await tell(interaction, str(error))

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, ReindexBusyError) and not is_handled(interaction):
            await tell(interaction, f"{BUSY} ({original})")


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Moderation(bot))
