"""👍 / 👎 under answers and /gaps, through the loopback Discord, checked in the SQLite file.
The hashing embedder stands in for the model: which card answers is not what is judged."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.discordbot.feedback_views import NO_CARD, THANKS, UNKNOWN_QUESTION
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord, Recorded
from tests.loopback_discord.server import EPHEMERAL, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

ANSWERED = "Are Chinese model licenses really friendlier?"
LICENSES = "lex-fridman-podcast-490/chinese-open-models-have-friendlier-licenses"
OFF_TOPIC = "How long should I bake banana bread?"
_voters = itertools.count(987_654_321_987_654_321)


def voter() -> Person:
    """A member with a long, recognisable id that must never reach the database."""
    number = next(_voters)
    return Person(number, f"voter-{number}")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feedback")
    index_reference_review(root, HashingEmbedder())
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(root: Path) -> AsyncIterator[Harness]:
    async with running_bot(root, HashingEmbedder()) as harness:
        yield harness


def rows(harness: Harness, sql: str) -> list[tuple[Any, ...]]:
    """What the bot's feedback file holds, read as any other program would."""
    with sqlite3.connect(harness.settings.feedback_db) as db:
        return db.execute(sql).fetchall()


def vote_buttons(message: dict[str, Any]) -> dict[str, str]:
    """Emoji → custom_id of the vote buttons on a message."""
    components = message.get("components") or []
    return {b["emoji"]["name"]: b["custom_id"] for row in components for b in row["components"]}


async def ask(harness: Harness, question: str) -> tuple[int, dict[str, Any]]:
    """/ask; returns the answer's message id and the message."""
    server = harness.server
    await server.reply(await server.invoke("ask", voter(), question=question))
    message_id = max(server.messages)
    return message_id, server.messages[message_id]


async def test_an_answer_carries_thumbs_up_and_down(discord: Harness) -> None:
    _, message = await ask(discord, ANSWERED)
    assert message["embeds"][0]["footer"]["text"].endswith(LICENSES)
    assert set(vote_buttons(message)) == {"👍", "👎"}
    assert all(len(custom_id) <= 100 for custom_id in vote_buttons(message).values())


async def test_every_question_is_recorded_with_whether_it_was_answered(discord: Harness) -> None:
    await ask(discord, ANSWERED)
    await ask(discord, OFF_TOPIC)
    recorded = rows(discord, "SELECT question, answered, best_card_id, guild_id FROM questions")
    assert (ANSWERED, 1, LICENSES, LoopbackDiscord.GUILD_ID) in recorded
    assert (OFF_TOPIC, 0, None, LoopbackDiscord.GUILD_ID) in recorded


async def test_a_vote_is_stored_and_the_voter_thanked_without_their_id(discord: Harness) -> None:
    server = discord.server
    message_id, message = await ask(discord, ANSWERED)
    who = voter()
    thanks = await server.reply(await server.click(message_id, vote_buttons(message)["👎"], who))
    assert thanks.body["data"]["flags"] & EPHEMERAL
    assert thanks.body["data"]["content"] == THANKS[-1]
    votes = rows(discord, "SELECT question, card_id, vote, guild_id, user_hash FROM votes")
    assert (ANSWERED, LICENSES, -1, LoopbackDiscord.GUILD_ID) in [v[:4] for v in votes]
    assert discord.bot.feedback.user_hash(who.id) in [v[4] for v in votes]
    folder = discord.settings.feedback_db.parent
    stored = b"".join(p.read_bytes() for p in folder.glob("feedback.sqlite*"))
    assert str(who.id).encode() not in stored


async def test_a_downvoted_abstention_is_stored_and_counts_as_a_gap(discord: Harness) -> None:
    server = discord.server
    question = "Is the new Zelda game worth buying?"
    message_id, message = await ask(discord, question)
    assert set(vote_buttons(message)) == {"👍", "👎"}
    await server.reply(await server.click(message_id, vote_buttons(message)["👎"], voter()))
    votes = rows(discord, "SELECT question, card_id, vote FROM votes")
    assert (question, NO_CARD, -1) in votes
    gaps = discord.bot.feedback.gaps(limit=50, guild_id=LoopbackDiscord.GUILD_ID)
    [gap] = [g for g in gaps if g.question == question]
    assert (gap.unanswered, gap.downvotes) == (1, 1)


async def test_a_mention_answer_carries_the_buttons_too(discord: Harness) -> None:
    server = discord.server
    await server.say(f"<@{server.APP_ID}> {ANSWERED}", voter(), mentions=(server.bot_user,))

    def answered(r: Recorded) -> bool:
        return r.path.endswith("/messages") and bool((r.body or {}).get("message_reference"))

    reply = await server.wait_for(answered)
    assert set(vote_buttons(reply.body)) == {"👍", "👎"}


async def test_a_click_on_an_unknown_question_is_answered_kindly(discord: Harness) -> None:
    server = discord.server
    message_id, message = await ask(discord, ANSWERED)
    message["components"][0]["components"][0]["custom_id"] = "claimbot:vote:up:99999999"
    reply = await server.reply(await server.click(message_id, "claimbot:vote:up:99999999"))
    assert reply.body["data"]["content"] == UNKNOWN_QUESTION


async def test_gaps_lists_what_the_bot_abstained_on_for_moderators_only(
    discord: Harness,
) -> None:
    server = discord.server
    for _ in range(2):
        await ask(discord, "Is sourdough healthier than white bread?")
    discord.bot.feedback.record_question("Only asked elsewhere?", False, None, 42)
    refused = await server.reply(await server.invoke("gaps", server.MEMBER))
    assert "Only moderators" in refused.body["data"]["content"]
    reply = await server.reply(await server.invoke("gaps", server.MODERATOR))
    assert reply.body["data"]["flags"] & EPHEMERAL
    listing = reply.body["data"]["embeds"][0]["description"]
    assert "**Is sourdough healthier than white bread?** — 2× unanswered" in listing
    assert "elsewhere" not in listing  # another server's questions stay there


async def test_vote_buttons_still_work_after_a_restart(discord: Harness, root: Path) -> None:
    message_id, message = await ask(discord, ANSWERED)
    await discord.bot.close()  # the module's bot is gone; a new process takes over
    async with running_bot(root, HashingEmbedder()) as restarted:
        server = restarted.server
        server.messages[message_id] = message  # the answer is still in the channel
        who = voter()
        thanks = await server.reply(
            await server.click(message_id, vote_buttons(message)["👍"], who)
        )
        assert thanks.body["data"]["content"] == THANKS[1]
        hashes = rows(restarted, "SELECT user_hash FROM votes WHERE vote = 1")
        assert (restarted.bot.feedback.user_hash(who.id),) in hashes
