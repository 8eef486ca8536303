"""/verdicts, /claim and /episodes: browsing what is indexed, with autocomplete. They answer
without deferring, since their lookups are quick and "no such episode" is told to the caller
alone, which a reply to a deferral cannot be."""

from __future__ import annotations

import hashlib

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.autocomplete import CHOICE_LIMIT, CHOICES_LIMIT, episode_autocomplete
from bot.discordbot.client import ClaimBot
from bot.discordbot.embeds import card_embed, cut, episodes_embed
from bot.discordbot.review_link import with_review_link
from bot.discordbot.views import VerdictPages
from index import ClaimIndex, Hit


class Browse(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="verdicts", description="Every claim of one episode with its verdict"
    )
    @app_commands.describe(episode="episode number, or part of its title")
    @app_commands.autocomplete(episode=episode_autocomplete)
    async def verdicts(self, interaction: discord.Interaction, episode: str) -> None:
        index = await self.bot.index()
        found = await self.bot.run_blocking(index.find_episode, episode)
        cards = await self.bot.run_blocking(index.episode_cards, found)
        view = VerdictPages(interaction.user.id, found, cards, self.bot.settings.page_timeout)
        sent = await interaction.response.send_message(
            embed=view.embed(), view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        if isinstance(sent.resource, discord.InteractionMessage):
            view.message = sent.resource

    @app_commands.command(name="claim", description="One claim in full")
    @app_commands.describe(id="start typing its headline")
    async def claim(self, interaction: discord.Interaction, id: str) -> None:
        index = await self.bot.index()
        hit = await self.bot.run_blocking(card_for, index, id)
        await interaction.response.send_message(
            embed=card_embed(hit, full=True),
            view=with_review_link(discord.ui.View(), hit),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @claim.autocomplete("id")
    async def claim_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        index = await self.bot.index()
        return await self.bot.run_blocking(_claim_choices, index, current)

    @app_commands.command(name="episodes", description="The reviewed episodes")
    async def episodes(self, interaction: discord.Interaction) -> None:
        index = await self.bot.index()
        summaries = await self.bot.run_blocking(index.episodes)
        await interaction.response.send_message(
            embed=episodes_embed(summaries), allowed_mentions=discord.AllowedMentions.none()
        )


def _claim_choices(index: ClaimIndex, current: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().casefold()
    choices = []
    for hit in index.all_cards():
        card = hit.card
        if wanted not in f"{card.headline} {card.id}".casefold():
            continue
        choices.append(
            app_commands.Choice(name=cut(card.headline, CHOICE_LIMIT), value=choice_value(card.id))
        )
        if len(choices) == CHOICES_LIMIT:
            break
    return choices


LONG_ID_MARK = "~"
"""Starts a stand-in for a card id too long to be a choice's value (ids are slugs: no "~")."""


def choice_value(card_id: str) -> str:
    """A card's id as an autocomplete value: itself, or for an id over 100 characters (an
    unnumbered episode with a long title) a digest of it, which `card_for` looks up."""
    if len(card_id) <= CHOICE_LIMIT:
        return card_id
    return LONG_ID_MARK + hashlib.sha256(card_id.encode("utf-8")).hexdigest()[:40]


def card_for(index: ClaimIndex, value: str) -> Hit:
    """The card an autocomplete value (or a typed id) names."""
    if value.startswith(LONG_ID_MARK):
        for hit in index.all_cards():
            if choice_value(hit.card.id) == value:
                return hit
    return index.card(value)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Browse(bot))
