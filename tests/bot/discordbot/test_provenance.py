"""A verdict's source on Discord: the card's Source field and its "Read the review" link."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from typing import Any

import discord as discord_py
import pytest
import pytest_asyncio

from bot.discordbot.review_link import with_review_link
from index import Hit, parse_review
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.conftest import TEST_DATA
from tests.fakes import HashingEmbedder

pytestmark = pytest.mark.asyncio(loop_scope="module")

FACT_CHECK = TEST_DATA / "provenance" / "harbour-checks.txt"
PAGE = "https://harbourchecks.example/2026/lighthouse#lease"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("provenance")
    (root / "reviews").mkdir()
    shutil.copy(FACT_CHECK, root / "reviews")
    embedder = HashingEmbedder()
    index_reference_review(root, embedder)
    async with running_bot(root, embedder) as harness:
        yield harness


async def _claim(discord: Harness, typed: str) -> dict[str, Any]:
    server = discord.server
    choices = await server.reply(await server.autocomplete("claim", "id", typed))
    reply = await server.reply(
        await server.invoke("claim", id=choices.body["data"]["choices"][0]["value"])
    )
    return dict(reply.body["data"])


async def test_a_claim_with_a_review_page_shows_where_it_comes_from(discord: Harness) -> None:
    message = await _claim(discord, "lighthouse")

    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert fields["Source"].splitlines() == [
        f"Reviewed by Harbour Checks, 2026-03-04: {PAGE}",
        "Claimed by Mara Voss, 2026-03-01, in https://video.example/watch/123 (+1 more)",
    ]


async def test_a_claim_with_a_review_page_has_a_read_the_review_link(discord: Harness) -> None:
    message = await _claim(discord, "lighthouse")

    [row] = message["components"]
    [link] = row["components"]
    assert (link["style"], link["label"], link["url"]) == (5, "Read the review", PAGE)


async def test_a_claim_without_a_review_page_has_no_source_and_no_link(discord: Harness) -> None:
    message = await _claim(discord, "nvidia")

    assert "Source" not in {f["name"] for f in message["embeds"][0]["fields"]}
    assert not message.get("components")


async def test_a_review_page_discord_would_refuse_gets_no_link() -> None:
    review = parse_review(FACT_CHECK)
    card = review.cards[0].model_copy(update={"url": "https://x.example/" + "a" * 600})
    view = with_review_link(discord_py.ui.View(), Hit(card=card, episode=review.episode, score=1))

    assert view.children == []
