"""/review add and /review remove through the loopback Discord. Retrieval quality is not what
is judged here, so the index uses the fast hashing embedder; reindexes run, as they do by
default, in child processes (`claimbot reindex` on the same embedder)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.discordbot.client import BUSY
from bot.discordbot.cogs.review import inside
from bot.discordbot.confirm import CANCELLED, EXPIRED
from bot.discordbot.error_handling import MESSAGE_LIMIT
from bot.errors import UploadRefused
from index.review_folder import upload_name as review_name
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.conftest import REFERENCE_REVIEW, TEST_DATA, reference_review_as
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord, Recorded
from tests.loopback_discord.server import EPHEMERAL, MANAGE_GUILD, Person
from tests.reindex_child import COMMAND

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAX_BYTES = 64 * 1024
GUT_FEELING = TEST_DATA / "reviews" / "gut-feeling-37.txt"
MONEY_MATTERS = TEST_DATA / "reviews" / "money-matters-205.txt"
BROKEN = TEST_DATA / "broken" / "claim-without-verdict.txt"
OTHER_MODERATOR = Person(5004, "other-moderator", (LoopbackDiscord.MODERATOR_ROLE,))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("review")
    embedder = HashingEmbedder()
    index_reference_review(root, embedder)
    async with running_bot(
        root, embedder, child_command=COMMAND, review_max_bytes=MAX_BYTES
    ) as harness:
        yield harness


async def add(harness: Harness, filename: str, data: bytes, who: Person, **upload: Any) -> str:
    """A member runs /review add with a file; returns the interaction token."""
    attachment = harness.server.uploads.add(filename, data, **upload)
    return await harness.server.invoke("review add", who, file=attachment)


async def followups(server: LoopbackDiscord, token: str, count: int) -> list[Recorded]:
    """The first `count` messages the bot posted after deferring an interaction."""

    def posted() -> list[Recorded]:
        return [r for r in server.sent_for(token) if r.method == "POST" and "/webhooks/" in r.path]

    await server.wait_for(lambda _: len(posted()) >= count, timeout=30)
    return posted()[:count]


def content(request: Recorded) -> str:
    body = (
        request.body.get("data", request.body)
        if request.path.endswith("/callback")
        else request.body
    )
    return str(body.get("content") or "")


def buttons(request: Recorded) -> dict[str, str]:
    """Label → custom_id of the buttons a message carries."""
    body = (
        request.body.get("data", request.body)
        if request.path.endswith("/callback")
        else request.body
    )
    rows = body.get("components") or []
    return {b["label"]: b["custom_id"] for row in rows for b in row["components"]}


def message_id_of(server: LoopbackDiscord, text: str) -> int:
    return max(i for i, m in server.messages.items() if text in m["content"])


def indexed_files(harness: Harness) -> set[str]:
    return {s.episode.source_name for s in harness.bot.live.current.episodes()}


def saved(harness: Harness) -> set[str]:
    return {p.name for p in harness.settings.reviews_dir.iterdir()}


async def test_review_commands_are_hidden_from_members_by_default(discord: Harness) -> None:
    command = discord.server.command("review")
    assert int(command["default_member_permissions"]) == MANAGE_GUILD
    assert {o["name"] for o in command["options"]} == {"add", "remove"}


async def test_a_good_review_is_saved_indexed_and_browsable(discord: Harness) -> None:
    server = discord.server
    token = await add(discord, "Gut Feeling #37.txt", GUT_FEELING.read_bytes(), server.MODERATOR)
    deferral = await server.wait_for(lambda r: f"/{token}/" in r.path)
    assert deferral.body["type"] == 5 and deferral.body["data"]["flags"] & EPHEMERAL
    (report,) = await followups(server, token, 1)
    assert content(report).startswith(
        "Saved `gut-feeling-37.txt`: Gut Feeling: Live at the Brighton"
    )
    assert report.body["embeds"][0]["title"] == "Reindex finished"
    path = discord.settings.reviews_dir / "gut-feeling-37.txt"
    assert path.read_bytes() == GUT_FEELING.read_bytes()
    assert "gut-feeling-37.txt" in indexed_files(discord)
    listing = await server.reply(await server.invoke("verdicts", episode="gut feeling"))
    assert listing.body["data"]["embeds"][0]["title"].startswith("Gut Feeling: Live")


async def test_a_broken_review_is_refused_with_its_line_and_nothing_changes(
    discord: Harness,
) -> None:
    server = discord.server
    version, before = discord.bot.live.current.version, saved(discord)
    token = await add(discord, BROKEN.name, BROKEN.read_bytes(), server.MODERATOR)
    (reply,) = await followups(server, token, 1)
    assert reply.body["flags"] & EPHEMERAL
    assert "claim-without-verdict.txt, line 29" in content(reply)
    assert "Not saved" in content(reply)
    assert saved(discord) == before and discord.bot.live.current.version == version
    answer = await server.reply(
        await server.invoke("ask", question="Chinese open models have friendlier licenses")
    )
    assert "licenses" in answer.body["embeds"][0]["title"].lower()


async def test_a_file_over_the_size_limit_is_refused_before_downloading(
    discord: Harness,
) -> None:
    server = discord.server
    before = saved(discord)
    attachment = server.uploads.add("huge.txt", b"x" * (MAX_BYTES + 1))
    reply = await server.reply(await server.invoke("review add", server.MODERATOR, file=attachment))
    assert reply.body["type"] == 4 and reply.body["data"]["flags"] & EPHEMERAL
    assert f"at most {MAX_BYTES:,}" in content(reply)
    assert attachment not in server.uploads.downloads
    assert saved(discord) == before


async def test_a_file_larger_than_it_claimed_is_cut_off_while_downloading(
    discord: Harness,
) -> None:
    server = discord.server
    before = saved(discord)
    data = GUT_FEELING.read_bytes() + b"\n" + b"padding " * MAX_BYTES
    token = await add(discord, "sneaky.txt", data, server.MODERATOR, size=1000)
    (reply,) = await followups(server, token, 1)
    assert f"larger than {MAX_BYTES:,} bytes" in content(reply)
    assert saved(discord) == before


async def test_a_file_that_is_not_text_is_refused_by_its_type(discord: Harness) -> None:
    server = discord.server
    attachment = server.uploads.add("review.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    reply = await server.reply(await server.invoke("review add", server.MODERATOR, file=attachment))
    assert "not a review file" in content(reply)
    assert attachment not in server.uploads.downloads


async def test_binary_bytes_named_like_text_are_refused_by_the_parser(discord: Harness) -> None:
    server = discord.server
    before = saved(discord)
    token = await add(
        discord, "binary.txt", (TEST_DATA / "broken" / "binary.txt").read_bytes(), server.MODERATOR
    )
    (reply,) = await followups(server, token, 1)
    assert "binary.txt, line" in content(reply) and "not UTF-8 text" in content(reply)
    assert saved(discord) == before


async def test_a_member_is_refused_and_nothing_is_downloaded(discord: Harness) -> None:
    server = discord.server
    attachment = server.uploads.add("gut.txt", GUT_FEELING.read_bytes())
    reply = await server.reply(await server.invoke("review add", server.MEMBER, file=attachment))
    assert reply.body["data"]["flags"] & EPHEMERAL
    assert "Only moderators" in content(reply)
    assert attachment not in server.uploads.downloads


async def test_a_file_name_never_leaves_the_reviews_folder(tmp_path: Path) -> None:
    assert review_name("../../etc/Evil Name.TXT") == "evil-name.txt"
    assert review_name("..\\..\\secret.md") == "secret.txt"
    assert review_name(".hidden.txt") == "hidden.txt"
    (tmp_path / "link.txt").symlink_to(tmp_path.parent / "elsewhere.txt")
    for name in ("../escape.txt", "link.txt", ".."):
        with pytest.raises(UploadRefused):
            inside(tmp_path, name)
    assert inside(tmp_path, "fine.txt") == (tmp_path / "fine.txt").resolve()


async def test_the_report_on_a_review_with_a_huge_title_stays_within_discords_limit(
    discord: Harness,
) -> None:
    server = discord.server
    title = "State of AI in 2026: LLMs, Coding, Scaling Laws, China, Agents, GPUs, AGI"
    text = reference_review_as(903).replace(title, "A very long title " * 120, 1)
    token = await add(discord, "long-title.txt", text.encode(), server.MODERATOR)
    (report,) = await followups(server, token, 1)
    assert content(report).startswith("Saved `long-title.txt`")
    assert len(content(report)) <= MESSAGE_LIMIT


async def test_replacing_an_indexed_episode_asks_then_replaces_its_file(discord: Harness) -> None:
    server = discord.server
    edited = REFERENCE_REVIEW.read_bytes().replace(b"Friendlier Licenses", b"Kinder Licenses")
    token = await add(discord, "my-edit-of-490.txt", edited, server.MODERATOR)
    (prompt,) = await followups(server, token, 1)
    assert "`lex-fridman-490.txt` holds the review of **Lex Fridman Podcast #490" in content(prompt)
    assert (discord.settings.reviews_dir / REFERENCE_REVIEW.name).read_bytes() != edited
    click = await server.click(
        message_id_of(server, "Replace it?"), buttons(prompt)["Replace"], server.MODERATOR
    )
    assert (await server.reply(click)).body["type"] == 7  # the buttons are removed at once
    _, report = await followups(server, token, 2)
    assert content(report).startswith("Saved `lex-fridman-490.txt`")
    assert (discord.settings.reviews_dir / REFERENCE_REVIEW.name).read_bytes() == edited
    assert "my-edit-of-490.txt" not in saved(discord)
    headlines = [h.card.headline for h in discord.bot.live.current.all_cards()]
    assert any("Kinder Licenses" in h for h in headlines)


async def test_only_the_caller_may_confirm_and_cancel_changes_nothing(discord: Harness) -> None:
    server = discord.server
    path = discord.settings.reviews_dir / REFERENCE_REVIEW.name
    before, version = path.read_bytes(), discord.bot.live.current.version
    token = await add(
        discord, REFERENCE_REVIEW.name, REFERENCE_REVIEW.read_bytes(), server.MODERATOR
    )
    (prompt,) = await followups(server, token, 1)
    message = message_id_of(server, "Replace it?")
    other = await server.reply(
        await server.click(message, buttons(prompt)["Replace"], OTHER_MODERATOR)
    )
    assert other.body["data"]["flags"] & EPHEMERAL
    assert "Only the moderator who asked" in other.body["data"]["content"]
    cancel = await server.reply(
        await server.click(message, buttons(prompt)["Cancel"], server.MODERATOR)
    )
    assert cancel.body["type"] == 7 and cancel.body["data"]["content"] == CANCELLED
    assert cancel.body["data"]["components"] == []
    assert path.read_bytes() == before and discord.bot.live.current.version == version


async def test_an_unanswered_confirmation_expires_and_changes_nothing(
    discord: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = discord.server
    monkeypatch.setattr(discord.settings, "confirm_timeout", 0.3)
    path = discord.settings.reviews_dir / REFERENCE_REVIEW.name
    before = path.read_bytes()
    token = await add(discord, "again.txt", REFERENCE_REVIEW.read_bytes(), server.MODERATOR)
    await followups(server, token, 1)
    edit = await server.wait_for(
        lambda r: (
            r.method == "PATCH" and f"/{token}/" in r.path and r.body.get("content") == EXPIRED
        )
    )
    assert edit.body["components"] == []
    assert path.read_bytes() == before and "again.txt" not in saved(discord)


async def test_an_upload_while_a_reindex_runs_is_told_to_wait(discord: Harness) -> None:
    server = discord.server
    async with discord.bot.reindexing:  # as a running /reindex holds it
        token = await add(discord, "money.txt", MONEY_MATTERS.read_bytes(), server.MODERATOR)
        (reply,) = await followups(server, token, 1)
    assert content(reply) == BUSY
    assert "money.txt" not in saved(discord)


async def test_remove_offers_indexed_episodes_and_deletes_one_after_confirmation(
    discord: Harness,
) -> None:
    server = discord.server
    await followups(
        server, await add(discord, "money.txt", MONEY_MATTERS.read_bytes(), server.MODERATOR), 1
    )
    assert "money.txt" in indexed_files(discord)
    choices = await server.reply(
        await server.autocomplete("review remove", "episode", "205", server.MODERATOR)
    )
    (choice,) = choices.body["data"]["choices"]
    token = await server.invoke("review remove", server.MODERATOR, episode=choice["value"])
    prompt = await server.reply(token)
    assert "Remove the review of **Money Matters #205" in content(prompt)
    assert prompt.body["data"]["flags"] & EPHEMERAL
    await server.click(
        message_id_of(server, "Remove the review"), buttons(prompt)["Remove"], server.MODERATOR
    )
    (report,) = await followups(server, token, 1)
    assert content(report) == "Removed `money.txt`."
    assert "money.txt" not in saved(discord) and "money.txt" not in indexed_files(discord)
    missing = await server.reply(await server.invoke("verdicts", episode="money matters"))
    assert missing.body["data"]["flags"] & EPHEMERAL


async def test_removing_an_episode_whose_file_is_already_gone_says_so(discord: Harness) -> None:
    server = discord.server
    token = await add(discord, "money.txt", MONEY_MATTERS.read_bytes(), server.MODERATOR)
    await followups(server, token, 1)
    (discord.settings.reviews_dir / "money.txt").unlink()  # by hand, without a reindex
    reply = await server.reply(
        await server.invoke("review remove", server.MODERATOR, episode="money-matters-205")
    )
    assert reply.body["data"]["flags"] & EPHEMERAL
    assert "`money.txt` is no longer in the reviews folder" in content(reply)
    assert buttons(reply) == {}
