"""👍 / 👎 under answers, and the /gaps listing they feed.

A button's custom_id carries only the vote and the id the feedback database gave the question,
which is looked up again on a click: the buttons outlive a restart (discord.py `DynamicItem`s)
and never outgrow Discord's 100 characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from bot.discordbot.client import ClaimBot
from bot.discordbot.embeds import DESCRIPTION_LIMIT, NEUTRAL_COLOUR, cut
from bot.discordbot.error_handling import tell
from bot.wording import gap_reasons
from index import ClaimbotError, FeedbackStore, Gap

VOTE_ID = re.compile(r"claimbot:vote:(?P<vote>up|down):(?P<question>\d+)")
THANKS = {1: "Thanks! 👍 noted.", -1: "Thanks! 👎 noted: the moderators will see it in `/gaps`."}
UNKNOWN_QUESTION = "That answer can no longer be rated."
NOT_SAVED = "Sorry, your vote could not be saved right now."
QUESTION_CHARS = 200


NO_CARD = ""
"""The card id a vote on an abstention is stored under."""


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=VOTE_ID,
):
    """👍 (+1) or 👎 (-1) on the answer to one recorded question."""

    def __init__(self, question_id: int, vote: int) -> None:
        up = vote > 0
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if up else "👎",
                custom_id=f"claimbot:vote:{'up' if up else 'down'}:{question_id}",
            )
        )
        self.question_id = question_id
        self.vote = 1 if up else -1

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["question"]), 1 if match["vote"] == "up" else -1)

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if not isinstance(client, ClaimBot):
            return
        try:
            stored = await client.run_blocking(
                store_vote,
                client.feedback,
                self.question_id,
                self.vote,
                interaction.guild_id,
                interaction.user.id,
            )
        except ClaimbotError:
            client.feedback_trouble.failed(f"could not store a vote on question {self.question_id}")
            await tell(interaction, NOT_SAVED)
            return
        client.feedback_trouble.worked()
        await tell(interaction, THANKS[self.vote] if stored else UNKNOWN_QUESTION)


def store_vote(
    store: FeedbackStore, question_id: int, vote: int, guild_id: int | None, user_id: int
) -> bool:
    """Record a vote (blocking) on the card that answered a recorded question, or on its
    abstention (`NO_CARD`: 👎 there says an answer was wanted, which /gaps counts). False if the
    question is unknown, as after the feedback file was reset."""
    asked = store.asked(question_id)
    if asked is None:
        return False
    card = asked.best_card_id or NO_CARD
    store.record_vote(asked.question, card, vote, guild_id, store.user_hash(user_id))
    return True


def vote_buttons(question_id: int | None) -> discord.ui.View:
    """👍 / 👎 for the answer to a recorded question, abstentions included; no buttons when the
    question could not be recorded (None), so the answer still goes out."""
    view = discord.ui.View(timeout=None)
    if question_id is not None:
        view.add_item(VoteButton(question_id, 1))
        view.add_item(VoteButton(question_id, -1))
    return view


def gaps_embed(gaps: Sequence[Gap]) -> discord.Embed:
    """The questions most wanting a review, with why (abstentions, 👎 / 👍)."""
    embed = discord.Embed(title="Most wanted reviews", colour=NEUTRAL_COLOUR)
    if not gaps:
        embed.description = (
            "No gaps yet: every recorded question was answered and no answer was voted down."
        )
        return embed
    lines = []
    for number, gap in enumerate(gaps, 1):
        asked = datetime.fromtimestamp(gap.last_asked, UTC)
        question = discord.utils.escape_markdown(cut(gap.question, QUESTION_CHARS))
        lines.append(
            f"{number}. **{question}** — {gap_reasons(gap)}; last "
            f"{discord.utils.format_dt(asked, 'R')}"
        )
    embed.description = cut("\n".join(lines), DESCRIPTION_LIMIT)
    embed.set_footer(text="Questions the bot could not answer, or whose answers got 👎.")
    return embed
