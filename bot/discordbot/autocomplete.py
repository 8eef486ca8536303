"""Autocomplete shared by every command that takes an episode, within Discord's choice limits."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discordbot.client import ClaimBot
from bot.discordbot.embeds import cut
from index import EpisodeSummary

CHOICES_LIMIT = 25
"""Discord shows at most 25 autocomplete choices."""
CHOICE_LIMIT = 100
"""A choice's name and value are at most 100 characters each."""


def episode_choices(
    summaries: list[EpisodeSummary], current: str
) -> list[app_commands.Choice[str]]:
    """The indexed episodes whose number or title contains what the member typed."""
    wanted = current.strip().casefold().lstrip("#")
    choices = [
        app_commands.Choice(name=cut(s.episode.display_name, CHOICE_LIMIT), value=s.episode.slug)
        for s in summaries
        if wanted in f"{s.episode.number} {s.episode.display_name}".casefold()
        and len(s.episode.slug) <= CHOICE_LIMIT
    ]
    return choices[:CHOICES_LIMIT]


async def episode_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """`@app_commands.autocomplete(episode=episode_autocomplete)`: the bot's indexed episodes."""
    bot = interaction.client
    if not isinstance(bot, ClaimBot):
        return []
    index = await bot.index()
    return episode_choices(await bot.run_blocking(index.episodes), current)
