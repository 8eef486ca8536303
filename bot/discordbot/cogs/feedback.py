"""Feedback: the handler of the 👍 / 👎 buttons the ask cog sends (registered here, so clicks
on answers sent before a restart still count), and /gaps for moderators."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import moderator_only
from bot.discordbot.client import ClaimBot
from bot.discordbot.feedback_views import VoteButton, gaps_embed

GAPS_SHOWN = 10


class Feedback(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(VoteButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(VoteButton)

    @app_commands.command(
        name="gaps", description="What the community wants reviewed next (moderators)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderator_only()
    async def gaps(self, interaction: discord.Interaction) -> None:
        """The questions of this server the bot most often abstained on or got 👎 for; told
        to the moderator alone, since they quote members' questions."""
        gaps = await self.bot.run_blocking(self.bot.feedback.gaps, GAPS_SHOWN, interaction.guild_id)
        await interaction.response.send_message(
            embed=gaps_embed(gaps), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Feedback(bot))
