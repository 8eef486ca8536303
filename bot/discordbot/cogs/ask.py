"""/ask, and answering a question addressed to the bot by mention or reply; every question is
recorded in the feedback database before its answer goes out with the vote buttons."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.checks import MemberCooldown, OnCooldown
from bot.discordbot.client import ClaimBot
from bot.discordbot.embeds import answer_embeds
from bot.discordbot.error_handling import claimbot_message
from bot.discordbot.feedback_views import vote_buttons
from bot.discordbot.review_link import with_review_link
from index import Answer, ClaimbotError, Hit

RESULTS = 3
QUESTION_CHARS = 500
_MENTION = re.compile(r"<@!?(\d+)>")


class Ask(commands.Cog):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self.cooldown = MemberCooldown(bot.settings.ask_cooldown)

    async def answer(self, question: str) -> Answer:
        index = await self.bot.index()
        return await self.bot.run_blocking(index.ask, question, RESULTS)

    async def record(self, answer: Answer, guild_id: int | None) -> int | None:
        """Record the question for /gaps and the vote buttons, off the event loop: its id, or
        None when the feedback database fails (the answer still goes out, without buttons)."""
        best = answer.best.card.id if answer.answered and answer.best is not None else None
        try:
            question_id = await self.bot.run_blocking(
                self.bot.feedback.record_question, answer.question, answer.answered, best, guild_id
            )
        except ClaimbotError:
            self.bot.feedback_trouble.failed("could not record a question")
            return None
        self.bot.feedback_trouble.worked()
        return question_id

    @app_commands.command(name="ask", description="Ask whether a claim from a podcast holds up")
    @app_commands.describe(question="the claim or question, in plain words")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_CHARS],
    ) -> None:
        wait = self.cooldown.retry_after(interaction.user.id)
        if wait:
            raise OnCooldown(wait)
        # Opening the index is quick and may fail ("no index yet"): before the deferral, so
        # such an error is told to the caller alone. Embedding and search may take longer.
        index = await self.bot.index()
        await interaction.response.defer(thinking=True)
        answer = await self.bot.run_blocking(index.ask, question, RESULTS)
        question_id = await self.record(answer, interaction.guild_id)
        await interaction.followup.send(
            embeds=answer_embeds(answer),
            view=with_review_link(vote_buttons(question_id), _answering(answer)),
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """A message that mentions the bot, or replies to one of its messages, is a question.
        Only with the message-content setting: without it the bot does not read messages."""
        me = self.bot.user
        if not self.bot.settings.message_content or me is None or message.author.bot:
            return
        if not self._addressed_to_me(message, me):
            return
        question = _MENTION.sub(" ", message.content).strip()
        none = discord.AllowedMentions.none()
        if not question:
            await message.reply(
                "Ask me about a claim, e.g. “are Nvidia's margins really that high?”",
                allowed_mentions=none,
                mention_author=False,
            )
            return
        wait = self.cooldown.retry_after(message.author.id)
        if wait:
            await message.reply(str(OnCooldown(wait)), allowed_mentions=none, mention_author=False)
            return
        try:
            async with message.channel.typing():
                answer = await self.answer(question[:QUESTION_CHARS])
        except ClaimbotError as exc:
            reply = claimbot_message(exc)
            await message.reply(reply, allowed_mentions=none, mention_author=False)
            return
        question_id = await self.record(answer, message.guild.id if message.guild else None)
        await message.reply(
            embeds=answer_embeds(answer),
            view=with_review_link(vote_buttons(question_id), _answering(answer)),
            allowed_mentions=none,
            mention_author=False,
        )

    @staticmethod
    def _addressed_to_me(message: discord.Message, me: discord.ClientUser) -> bool:
        if any(user.id == me.id for user in message.mentions):
            return True
        replied = message.reference.resolved if message.reference else None
        return isinstance(replied, discord.Message) and replied.author.id == me.id


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(Ask(bot))


def _answering(answer: Answer) -> Hit | None:
    """The hit an answer gives as its verdict; None when it abstains."""
    return answer.best if answer.answered else None
