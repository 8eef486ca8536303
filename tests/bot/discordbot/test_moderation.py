"""/reindex through the loopback Discord, with the real model so a reindex takes long enough
to show what happens meanwhile (answers from the old index, heartbeats, a second request)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.discordbot.client import BUSY
from bot.reindexer import CLAIMBOT_REINDEX
from index import Embedder
from index.store import reindex_lock
from tests.bot.discordbot.conftest import Harness, index_reference_review, running_bot
from tests.conftest import REFERENCE_REVIEW, TEST_DATA, reference_review_as
from tests.loopback_discord import LoopbackDiscord, Recorded
from tests.loopback_discord.server import EPHEMERAL, MANAGE_GUILD

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEARTBEAT = 0.25


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder, real_index_template: Path
) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("moderation")
    index_reference_review(root, real_embedder, real_index_template)
    async with running_bot(root, real_embedder, heartbeat_interval=HEARTBEAT) as harness:
        yield harness


def edit_reference_review(harness: Harness) -> None:
    """A harmless edit, so the next reindex re-embeds the reference review (a few seconds)."""
    path = harness.settings.reviews_dir / REFERENCE_REVIEW.name
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")


async def reindex_by(server: LoopbackDiscord, who: object) -> tuple[str, Recorded]:
    """Start /reindex; returns its token once the bot has deferred it."""
    token = await server.invoke("reindex", who)  # type: ignore[arg-type]
    deferral = await server.wait_for(lambda r: f"/{token}/" in r.path)
    return token, deferral


async def test_reindex_is_hidden_from_members_by_default(discord: Harness) -> None:
    command = discord.server.command("reindex")
    assert int(command["default_member_permissions"]) == MANAGE_GUILD


async def test_a_member_is_refused_and_nothing_is_reindexed(discord: Harness) -> None:
    server = discord.server
    version = discord.bot.live.current.version
    reply = await server.reply(await server.invoke("reindex", server.MEMBER))
    assert reply.body["type"] == 4 and reply.body["data"]["flags"] & EPHEMERAL
    assert "Only moderators" in reply.body["data"]["content"]
    assert discord.bot.live.current.version == version


async def test_the_configured_moderator_role_may_reindex(discord: Harness) -> None:
    server = discord.server
    token, deferral = await reindex_by(server, server.FACT_CHECKER)
    assert deferral.body["type"] == 5
    report = await server.reply(token, timeout=60)
    assert report.body["embeds"][0]["title"].startswith("Reindex finished")


async def test_a_moderator_reindex_reports_new_and_broken_files_while_old_answers_serve(
    discord: Harness,
) -> None:
    server = discord.server
    reviews = discord.settings.reviews_dir
    shutil.copy(TEST_DATA / "reviews" / "gut-feeling-37.txt", reviews)
    shutil.copy(TEST_DATA / "broken" / "claim-without-verdict.txt", reviews)
    old_version = discord.bot.live.current.version

    token, _ = await reindex_by(server, server.MODERATOR)
    asked = await server.invoke("ask", question="Are Chinese model licenses really friendlier?")
    answer = await server.reply(asked)
    report = await server.reply(token, timeout=60)

    assert server.acknowledged_after(token) < 3.0 and server.acknowledged_after(asked) < 3.0
    assert answer.at < report.at  # answered while the reindex ran...
    assert "licen" in answer.body["embeds"][0]["title"].lower()
    assert discord.bot.live.current.version > old_version  # ...which then swapped in
    fields = {f["name"]: f["value"] for f in report.body["embeds"][0]["fields"]}
    assert "gut-feeling-37.txt" in fields["Added"]
    broken = next(v for k, v in fields.items() if k.startswith("Not indexed"))
    assert "claim-without-verdict.txt, line 29" in broken
    (reviews / "claim-without-verdict.txt").unlink()


async def test_a_second_reindex_while_one_runs_is_told_to_wait(discord: Harness) -> None:
    server = discord.server
    edit_reference_review(discord)
    first, _ = await reindex_by(server, server.MODERATOR)
    second = await server.reply(await server.invoke("reindex", server.MODERATOR))
    first_report = await server.reply(first, timeout=60)
    assert second.at < first_report.at
    assert second.body["data"]["flags"] & EPHEMERAL and second.body["data"]["content"] == BUSY


def add_episode_copies(harness: Harness, count: int) -> list[Path]:
    """The reference review again as `count` other episodes: a reindex that embeds for several
    seconds even on a fast machine (one edited review took under 2 s)."""
    paths = []
    for n in range(900, 900 + count):
        path = harness.settings.reviews_dir / f"lex-fridman-{n}.txt"
        path.write_text(reference_review_as(n), "utf-8")
        paths.append(path)
    return paths


async def test_heartbeats_are_acknowledged_while_a_reindex_runs(discord: Harness) -> None:
    server = discord.server
    copies = add_episode_copies(discord, 12)
    token, deferral = await reindex_by(server, server.MODERATOR)
    report = await server.reply(token, timeout=120)
    for path in copies:
        path.unlink()
    started, finished = deferral.at, report.at
    assert finished - started > 8 * HEARTBEAT, "the reindex was too quick to tell anything"
    beats = [t for t in server.events("heartbeat") if started <= t <= finished]
    acks = [t for t in server.events("ack") if started <= t <= finished]
    gaps = [b - a for a, b in zip([started, *beats], [*beats, finished], strict=True)]
    # A reindex on the event loop would leave one gap as long as the reindex itself.
    assert max(gaps) < 4 * HEARTBEAT, gaps
    assert len(acks) == len(beats)
    assert discord.bot.latency < 1.0


async def test_a_reindex_by_another_process_makes_the_bot_say_wait(discord: Harness) -> None:
    server = discord.server
    with reindex_lock(discord.settings.index_dir):  # as `claimbot reindex` would hold it
        token, _ = await reindex_by(server, server.MODERATOR)
        reply = await server.reply(token, timeout=30)
    assert reply.body["flags"] & EPHEMERAL and reply.body["content"].startswith(BUSY)


async def test_a_reindex_in_a_claimbot_child_process_is_reported_and_served(
    tmp_path: Path, real_embedder: Embedder, real_index_template: Path
) -> None:
    """The default: /reindex runs `claimbot reindex` (the real command, the real model) in a
    child process; the bot reports its summary and serves the new index at once."""
    index_reference_review(tmp_path, real_embedder, real_index_template)
    shutil.copy(TEST_DATA / "reviews" / "gut-feeling-37.txt", tmp_path / "reviews")
    async with running_bot(tmp_path, real_embedder, child_command=CLAIMBOT_REINDEX) as harness:
        server = harness.server
        old_version = harness.bot.live.current.version
        token, _ = await reindex_by(server, server.MODERATOR)
        report = await server.reply(token, timeout=120)
        fields = {f["name"]: f["value"] for f in report.body["embeds"][0]["fields"]}
        assert report.body["embeds"][0]["title"] == "Reindex finished"
        assert fields["Added"] == "gut-feeling-37.txt"
        assert harness.bot.live.current.version > old_version
        names = {s.episode.source_name for s in harness.bot.live.current.episodes()}
        assert names == {"gut-feeling-37.txt", REFERENCE_REVIEW.name}
