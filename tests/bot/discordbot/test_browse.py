"""/verdicts (autocomplete, paging, the claim menu), /claim and /episodes through the loopback
Discord. Retrieval quality is not judged here, so the hashing embedder stands in."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.discordbot.cogs.browse import _claim_choices, card_for
from index import ClaimIndex, reindex
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.conftest import TEST_DATA, reference_review_as
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord, Recorded
from tests.loopback_discord.server import EPHEMERAL, Person

pytestmark = pytest.mark.asyncio(loop_scope="module")

EXTRA_CLAIMS = 18
LONG_EPISODE = "lex-fridman-podcast-777"
PAGE_TIMEOUT = 1.5


def long_review() -> str:
    """The reference review as episode 777, with 18 more claims: 24, three pages."""
    text = reference_review_as(777)
    claims = "".join(
        f'🧪 "Synthetic Claim Number {n} About Topic {n}"\n\n"Quote number {n}."\n\n'
        f"Our Analysis\n\nAnalysis of claim {n}.\n\nVerdict: Mixed — synthetic claim {n}\n\n"
        for n in range(1, EXTRA_CLAIMS + 1)
    )
    return text.replace("Key Claims Examined\n\n", f"Key Claims Examined\n\n{claims}", 1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("browse")
    (root / "reviews").mkdir()
    (root / "reviews" / "long-777.txt").write_text(long_review(), "utf-8")
    embedder = HashingEmbedder()
    index_reference_review(root, embedder)
    async with running_bot(root, embedder, page_timeout=PAGE_TIMEOUT) as harness:
        yield harness


def custom_id(message: dict[str, Any], label: str | None = None, kind: int = 2) -> str:
    for row in message["components"]:
        for component in row["components"]:
            if component["type"] == kind and (label is None or component.get("label") == label):
                return str(component["custom_id"])
    raise KeyError(label)


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    for row in message["components"]:
        for component in row["components"]:
            if component.get("label") == label:
                return dict(component)
    raise KeyError(label)


async def verdicts_message(server: LoopbackDiscord, person: Person) -> dict[str, Any]:
    token = await server.invoke("verdicts", person, episode=LONG_EPISODE)
    reply = await server.reply(token)
    return server.messages[max(server.messages)] | {"_request": reply, "_token": token}


async def test_episode_autocomplete_offers_matching_indexed_episodes(discord: Harness) -> None:
    server = discord.server
    reply = await server.reply(await server.autocomplete("verdicts", "episode", "777"))
    assert reply.body["type"] == 8
    choices = reply.body["data"]["choices"]
    assert [c["value"] for c in choices] == [LONG_EPISODE]
    everything = await server.reply(await server.autocomplete("verdicts", "episode", ""))
    values = {c["value"] for c in everything.body["data"]["choices"]}
    assert values == {LONG_EPISODE, "lex-fridman-podcast-490"}


async def test_verdicts_shows_the_first_page_with_a_badge_per_claim(discord: Harness) -> None:
    message = await verdicts_message(discord.server, discord.server.MEMBER)
    embed = message["embeds"][0]
    lines = embed["description"].splitlines()
    assert len(lines) == 10
    assert lines[0] == "`1.` ⚖️ Mixed · Synthetic Claim Number 1 About Topic 1"
    assert embed["footer"]["text"].endswith("page 1/3")
    assert button(message, "Previous")["disabled"] is True
    request = message["_request"]
    assert request.body["type"] == 4  # answered at once, no deferral needed
    assert request.body["data"]["allowed_mentions"] == {"parse": []}


async def test_the_next_button_turns_the_page(discord: Harness) -> None:
    server = discord.server
    message = await verdicts_message(server, server.MEMBER)
    reply = await server.reply(await server.click(int(message["id"]), custom_id(message, "Next")))
    assert reply.body["type"] == 7  # the list message itself is updated
    page = reply.body["data"]
    assert page["embeds"][0]["footer"]["text"].endswith("page 2/3")
    assert page["embeds"][0]["description"].startswith("`11.`")
    assert button(page, "Previous")["disabled"] is False


async def test_only_the_caller_can_turn_the_pages(discord: Harness) -> None:
    server = discord.server
    message = await verdicts_message(server, server.MEMBER)
    token = await server.click(int(message["id"]), custom_id(message, "Next"), server.MODERATOR)
    reply = await server.reply(token)
    assert reply.body["type"] == 4 and reply.body["data"]["flags"] & EPHEMERAL
    assert "Only the member who ran" in reply.body["data"]["content"]
    assert server.messages[int(message["id"])]["embeds"] == message["embeds"]


async def test_the_menu_opens_one_claim_privately(discord: Harness) -> None:
    server = discord.server
    message = await verdicts_message(server, server.MEMBER)
    menu = custom_id(message, kind=3)
    options = message["components"][1]["components"][0]["options"]
    second = next(o["value"] for o in options if o["label"].startswith("2. "))
    reply = await server.reply(await server.choose(int(message["id"]), menu, [second]))
    assert reply.body["type"] == 4 and reply.body["data"]["flags"] & EPHEMERAL
    card = reply.body["data"]["embeds"][0]
    assert "Synthetic Claim Number 2 " in card["title"]
    assert card["fields"][0]["value"].startswith("⚖️ Mixed")


async def test_page_buttons_are_removed_when_the_list_times_out(discord: Harness) -> None:
    server = discord.server
    message = await verdicts_message(server, server.MEMBER)
    token = message["_token"]

    def removes_buttons(r: Recorded) -> bool:
        return r.method == "PATCH" and r.path.startswith(f"/webhooks/{server.APP_ID}/{token}/")

    edit = await server.wait_for(removes_buttons, timeout=PAGE_TIMEOUT + 5)
    assert edit.path.endswith("/messages/@original")
    assert edit.body["components"] == []


async def test_claim_autocomplete_matches_headlines_and_shows_the_card(discord: Harness) -> None:
    server = discord.server
    choices = await server.reply(await server.autocomplete("claim", "id", "nvidia"))
    values = [c["value"] for c in choices.body["data"]["choices"]]
    assert values and all("nvidia" in v for v in values)
    reply = await server.reply(await server.invoke("claim", id=values[0]))
    card = reply.body["data"]["embeds"][0]
    assert "NVIDIA" in card["title"] and card["footer"]["text"].endswith(values[0])


async def test_claims_with_ids_over_100_characters_are_offered_and_found(tmp_path: Path) -> None:
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    shutil.copy(TEST_DATA / "reviews" / "gut-feeling-37.txt", reviews)  # no number, long title
    reindex(reviews, tmp_path / "index", HashingEmbedder())
    index = ClaimIndex.open(tmp_path / "index", HashingEmbedder())
    ids = {h.card.id for h in index.all_cards()}
    assert max(map(len, ids)) > 100
    choices = _claim_choices(index, "")
    assert len(choices) == len(ids) and all(len(c.value) <= 100 for c in choices)
    assert {card_for(index, c.value).card.id for c in choices} == ids


async def test_episodes_lists_every_indexed_episode(discord: Harness) -> None:
    server = discord.server
    reply = await server.reply(await server.invoke("episodes"))
    embed = reply.body["data"]["embeds"][0]
    assert embed["title"] == "2 reviewed episodes"
    assert "#490" in embed["description"] and "24 claims" in embed["description"]


async def test_an_unknown_episode_gets_a_short_private_message(discord: Harness) -> None:
    server = discord.server
    reply = await server.reply(await server.invoke("verdicts", episode="no such show"))
    assert reply.body["type"] == 4 and reply.body["data"]["flags"] & EPHEMERAL
    assert "no indexed episode matches 'no such show'" in reply.body["data"]["content"]


async def test_an_error_message_is_cut_to_what_discord_accepts(discord: Harness) -> None:
    server = discord.server
    reply = await server.reply(await server.invoke("claim", id="x" * 5000))
    assert reply.body["data"]["flags"] & EPHEMERAL
    assert reply.body["data"]["content"].startswith("no claim with id")
    assert len(reply.body["data"]["content"]) <= 2000
