"""The paged list of an episode's verdicts: buttons to page, a menu to open one card; when
the view times out its buttons are removed so nobody clicks a dead control."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import discord

from bot.discordbot.embeds import card_embed, cut, verdicts_embed
from bot.discordbot.owner_view import OwnerOnlyView
from bot.discordbot.review_link import with_review_link
from bot.wording import BADGES
from index import Episode, Hit, VerdictCard

log = logging.getLogger("claimbot.discord")

PAGE_SIZE = 10
OPTION_LABEL_LIMIT = 100


class VerdictPages(OwnerOnlyView):
    """One episode's claims, `PAGE_SIZE` a page, for the member who ran `/verdicts`."""

    refusal = "Only the member who ran `/verdicts` can use these; run it yourself to browse."

    def __init__(
        self, owner_id: int, episode: Episode, cards: Sequence[VerdictCard], timeout: float
    ) -> None:
        super().__init__(owner_id, timeout)
        self.episode = episode
        self.cards = list(cards)
        self.pages = max(1, math.ceil(len(self.cards) / PAGE_SIZE))
        self.page = 1
        if not self.cards:  # Discord rejects a menu without options
            self.remove_item(self.open_card)
        self._refresh_controls()

    def embed(self) -> discord.Embed:
        return verdicts_embed(self.episode, self.page_cards(), self.page, self.pages)

    def page_cards(self) -> list[VerdictCard]:
        start = (self.page - 1) * PAGE_SIZE
        return self.cards[start : start + PAGE_SIZE]

    def _refresh_controls(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages
        if not self.cards:
            return
        menu: discord.ui.Select[VerdictPages] = self.open_card
        menu.options = [
            discord.SelectOption(
                label=cut(f"{card.position}. {card.headline}", OPTION_LABEL_LIMIT),
                value=str(number),
                emoji=BADGES[card.rating],
            )
            for number, card in enumerate(self.page_cards())
        ]

    async def _show_page(self, interaction: discord.Interaction, page: int) -> None:
        self.page = max(1, min(self.pages, page))
        self._refresh_controls()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction, button: discord.ui.Button[VerdictPages]
    ) -> None:
        await self._show_page(interaction, self.page - 1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction, button: discord.ui.Button[VerdictPages]
    ) -> None:
        await self._show_page(interaction, self.page + 1)

    @discord.ui.select(placeholder="Open one claim…", min_values=1, max_values=1)
    async def open_card(
        self, interaction: discord.Interaction, select: discord.ui.Select[VerdictPages]
    ) -> None:
        card = self.page_cards()[int(select.values[0])]
        hit = Hit(card=card, episode=self.episode, score=1.0)
        await interaction.response.send_message(
            embed=card_embed(hit, full=True),
            view=with_review_link(discord.ui.View(), hit),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        try:
            await self.message.edit(view=None)
        except discord.HTTPException:
            log.info("could not remove the buttons of an expired /verdicts", exc_info=True)
