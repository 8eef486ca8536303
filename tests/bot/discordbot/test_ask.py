"""/ask and questions by mention, through the loopback Discord with the real model."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.discordbot.embeds import NOT_A_MATCH
from index import Embedder, rating_colour
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.loopback_discord import LoopbackDiscord, Recorded
from tests.loopback_discord.server import EPHEMERAL, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

LICENSES = "lex-fridman-podcast-490/chinese-open-models-have-friendlier-licenses"
NO_PINGS = {"parse": []}
_people = itertools.count(7000)


def someone() -> Person:
    """A member who has not asked yet, so the cooldown of earlier tests does not apply."""
    number = next(_people)
    return Person(number, f"member-{number}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index_template: Path
) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("ask")
    index_reference_review(root, real_embedder, real_index_template)
    async with running_bot(root, real_embedder, ask_cooldown=60) as harness:
        yield harness


def embeds_of(request: Recorded) -> list[dict[str, Any]]:
    body = (
        request.body.get("data", request.body)
        if request.path.endswith("/callback")
        else request.body
    )
    return list(body.get("embeds") or [])


async def channel_reply(server: LoopbackDiscord, to: int) -> Recorded:
    def replies(r: Recorded) -> bool:
        if r.method != "POST" or not r.path.endswith("/messages") or not r.body:
            return False
        reference = r.body.get("message_reference") or {}
        return str(reference.get("message_id")) == str(to)

    return await server.wait_for(replies)


async def test_ask_answers_with_the_matching_card(discord: Harness) -> None:
    server = discord.server
    token = await server.invoke(
        "ask", someone(), question="Are Chinese model licenses really friendlier?"
    )
    reply = await server.reply(token)
    deferral = server.sent_for(token)[0]
    assert deferral.path.endswith("/callback") and deferral.body["type"] == 5
    assert server.acknowledged_after(token) < 3.0
    card = embeds_of(reply)[0]
    assert card["footer"]["text"].endswith(LICENSES)
    assert card["fields"][0]["value"].startswith("✅ Accurate")
    assert card["color"] == rating_colour(5)
    assert "Llama" in card["description"]  # the analysis, bullets kept
    assert "Lex Fridman Podcast #490" in card["footer"]["text"]


async def test_an_off_topic_question_gets_a_friendly_abstention(discord: Harness) -> None:
    server = discord.server
    token = await server.invoke("ask", someone(), question="How long should I bake banana bread?")
    embed = embeds_of(await server.reply(token))[0]
    assert embed["title"] == "No reviewed claim covers that"
    closest = embed["fields"][0]["value"].splitlines()
    assert closest and all(NOT_A_MATCH in line for line in closest)


async def test_a_mention_is_answered_in_a_reply(discord: Harness) -> None:
    server = discord.server
    asked = await server.say(
        f"<@{server.APP_ID}> are nvidia margins really that high?",
        someone(),
        mentions=(server.bot_user,),
    )
    reply = await channel_reply(server, asked)
    assert "NVIDIA" in embeds_of(reply)[0]["title"]
    assert reply.body["allowed_mentions"] == {**NO_PINGS, "replied_user": False}


async def test_a_reply_to_the_bot_is_answered_without_a_mention(discord: Harness) -> None:
    server = discord.server
    asker = someone()
    first = await server.say(
        f"<@{server.APP_ID}> is DeepSeek a movement in China?", asker, (server.bot_user,)
    )
    answer = await channel_reply(server, first)
    bot_message = server.messages[max(server.messages)]
    assert bot_message["embeds"] == answer.body["embeds"]
    follow_up = await server.say(
        "and are Chinese licenses friendlier?", someone(), replying_to=bot_message
    )
    reply = await channel_reply(server, follow_up)
    assert embeds_of(reply)[0]["footer"]["text"].endswith(LICENSES)


async def test_a_slash_question_with_everyone_and_a_role_mention_pings_nobody(
    discord: Harness,
) -> None:
    server = discord.server
    question = f"@everyone <@&{server.MODERATOR_ROLE}> are nvidia margins really that high?"
    token = await server.invoke("ask", someone(), question=question)
    reply = await server.reply(token)
    assert reply.body["allowed_mentions"] == NO_PINGS


async def test_a_mention_with_everyone_and_a_role_mention_pings_nobody(discord: Harness) -> None:
    server = discord.server
    asked = await server.say(
        f"<@{server.APP_ID}> @everyone <@&{server.MODERATOR_ROLE}> is claude code better?",
        someone(),
        mentions=(server.bot_user,),
    )
    reply = await channel_reply(server, asked)
    assert reply.body["allowed_mentions"] == {**NO_PINGS, "replied_user": False}


async def test_asking_again_within_the_cooldown_is_refused_privately(discord: Harness) -> None:
    server = discord.server
    asker = someone()
    await server.reply(await server.invoke("ask", asker, question="is claude code better?"))
    again = await server.reply(await server.invoke("ask", asker, question="and cursor?"))
    assert again.body["type"] == 4 and again.body["data"]["flags"] & EPHEMERAL
    assert "Slow down" in again.body["data"]["content"]


async def test_the_cooldown_covers_mentions_too(discord: Harness) -> None:
    server = discord.server
    asker = someone()
    await server.reply(await server.invoke("ask", asker, question="is claude code better?"))
    asked = await server.say(f"<@{server.APP_ID}> and cursor?", asker, (server.bot_user,))
    reply = await channel_reply(server, asked)
    assert "Slow down" in reply.body["content"] and not reply.body.get("embeds")
