"""The bot on PostgreSQL through an outage, on the loopback Discord: answers keep coming while
the database is down (without vote buttons, a click told its vote was not saved, never an
error), and once it is back questions and votes are recorded again without a restart."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from bot.discordbot.feedback_views import NOT_SAVED, THANKS
from index import FeedbackStore
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.fakes import HashingEmbedder
from tests.loopback_discord.server import Person
from tests.postgres_server import PostgresServer

QUESTION = "Are Chinese model licenses really friendlier?"
MEMBER = Person(555_000_111, "member")


def vote_buttons(message: dict[str, Any]) -> dict[str, str]:
    components = message.get("components") or []
    return {b["emoji"]["name"]: b["custom_id"] for row in components for b in row["components"]}


async def ask(harness: Harness) -> tuple[int, dict[str, Any]]:
    server = harness.server
    await server.reply(await server.invoke("ask", MEMBER, question=QUESTION))
    message_id = max(server.messages)
    return message_id, server.messages[message_id]


async def test_answers_keep_coming_through_an_outage_and_feedback_resumes_after(
    tmp_path: Path, lone_postgres_server: PostgresServer
) -> None:
    url = lone_postgres_server.new_database()
    index_reference_review(tmp_path, HashingEmbedder())
    async with running_bot(tmp_path, HashingEmbedder(), database_url=url) as harness:
        server = harness.server
        before_id, before = await ask(harness)
        assert set(vote_buttons(before)) == {"👍", "👎"}

        await asyncio.to_thread(lone_postgres_server.stop)
        _, during = await ask(harness)
        assert during["embeds"] and not vote_buttons(during)  # the answer, without buttons
        click = await server.click(before_id, vote_buttons(before)["👎"], MEMBER)
        assert (await server.reply(click)).body["data"]["content"] == NOT_SAVED

        await asyncio.to_thread(lone_postgres_server.start)
        deadline = time.monotonic() + 30
        while not vote_buttons((after := await ask(harness))[1]):
            assert time.monotonic() < deadline, "questions were never recorded again"
        click = await server.click(after[0], vote_buttons(after[1])["👎"], MEMBER)
        assert (await server.reply(click)).body["data"]["content"] == THANKS[-1]

    with FeedbackStore(url, read_only=True) as store:
        [gap] = store.gaps()
    assert gap.question == QUESTION and gap.downvotes == 1  # the vote cast after the outage
