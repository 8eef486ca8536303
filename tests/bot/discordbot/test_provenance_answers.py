"""An answer whose review has a web page carries a "Read the review" link, through the
loopback Discord with the real model (the answer itself is what is judged)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from index import Embedder, reindex
from tests.bot.discordbot.conftest import Harness, running_bot
from tests.conftest import TEST_DATA
from tests.loopback_discord.server import Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

FACT_CHECK = TEST_DATA / "provenance" / "harbour-checks.txt"
PAGE = "https://harbourchecks.example/2026/lighthouse#lease"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("provenance-answers")
    (root / "reviews").mkdir()
    shutil.copy(FACT_CHECK, root / "reviews")
    reindex(root / "reviews", root / "index", real_embedder)
    async with running_bot(root, real_embedder) as harness:
        yield harness


def _links(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message.get("components") or []
    return [(c["label"], c["url"]) for row in rows for c in row["components"] if c.get("url")]


async def test_an_answer_from_a_review_with_a_page_links_to_it(discord: Harness) -> None:
    server = discord.server
    token = await server.invoke(
        "ask", Person(8101, "asker"), question="Did the council sell the lighthouse for one euro?"
    )
    reply = await server.reply(token)

    assert reply.body["embeds"][0]["fields"][0]["value"].startswith("⚠️ Misleading")
    assert _links(reply.body) == [("Read the review", PAGE)]


async def test_an_abstention_carries_no_review_link(discord: Harness) -> None:
    server = discord.server
    token = await server.invoke(
        "ask", Person(8102, "baker"), question="How long should I bake banana bread?"
    )
    reply = await server.reply(token)

    assert reply.body["embeds"][0]["title"] == "No reviewed claim covers that"
    assert _links(reply.body) == []
