"""Two machines: two bot processes, each in a local folder of its own, sharing one PostgreSQL
database and one index volume, on the loopback Discord (one shard, one guild each). Members
vote through both and `claimbot gaps` counts every vote once; reindexes from both machines
exclude each other; a reindex killed by SIGKILL leaves the lock free at once."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.cli import main
from bot.discordbot.client import BUSY
from bot.discordbot.feedback_views import THANKS
from tests.bot.discordbot.conftest import index_reference_review
from tests.bot.discordbot.test_scale_out import (
    SHARDS,
    START_DEADLINE,
    BotProcess,
    start_bot_process,
    stop,
    wait_for_line,
)
from tests.conftest import REPO, reference_review_as
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord
from tests.loopback_discord.server import Person
from tests.postgres_server import PostgresServer

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTION = "Are Chinese model licenses really friendlier?"


@dataclass
class Machines:
    server: LoopbackDiscord
    shared: Path  # the index volume: reviews and index
    database_url: str
    bots: list[BotProcess]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def machines(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> AsyncIterator[Machines]:
    root = tmp_path_factory.mktemp("two-machines")
    shared = root / "volume"
    shared.mkdir()
    index_reference_review(shared, HashingEmbedder())
    url = postgres_server.new_database()
    server = LoopbackDiscord()
    await server.start()
    bots = []
    for shard in SHARDS:
        local = root / f"machine-{shard}"
        local.mkdir()
        bots.append(
            await start_bot_process(
                shared,
                server,
                shard,
                local,
                DATABASE_URL=url,
                FEEDBACK_DB=str(local / "feedback.sqlite"),  # unused: the URL wins
                REINDEX_IN="thread",
            )
        )
    try:
        for bot in bots:
            await wait_for_line(bot, "ready", START_DEADLINE)
        yield Machines(server, shared, url, bots)
    finally:
        for bot in bots:
            await stop(bot)
        await server.close()


async def ask(machines: Machines, shard: int, who: Person) -> tuple[int, dict[str, str]]:
    """/ask on `shard`; the answer's message id and its vote buttons (emoji → custom id)."""
    server = machines.server
    await server.reply(await server.invoke("ask", who, shard=shard, question=QUESTION))
    message_id = max(server.messages)
    components: list[dict[str, Any]] = server.messages[message_id].get("components") or []
    buttons = {b["emoji"]["name"]: b["custom_id"] for row in components for b in row["components"]}
    return message_id, buttons


async def vote(machines: Machines, shard: int, who: Person, emoji: str) -> str:
    message_id, buttons = await ask(machines, shard, who)
    click = await machines.server.click(message_id, buttons[emoji], who, shard=shard)
    return str((await machines.server.reply(click)).body["data"]["content"])


async def reindex_on(machines: Machines, shard: int) -> str:
    """/reindex by a moderator on `shard`; returns its token."""
    return await machines.server.invoke("reindex", machines.server.MODERATOR, shard=shard)


async def outcome(machines: Machines, token: str) -> str:
    """ "finished" or "busy", from the bot's reply to a /reindex."""
    reply = await machines.server.reply(token, timeout=120)
    body = reply.body.get("data", reply.body) if reply.path.endswith("/callback") else reply.body
    if str(body.get("content") or "").startswith(BUSY):
        return "busy"
    assert body["embeds"][0]["title"].startswith("Reindex finished"), body
    return "finished"


async def test_votes_through_both_machines_are_counted_once_each_by_gaps(
    machines: Machines, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ana, ben = Person(7001, "ana"), Person(7002, "ben")
    assert await vote(machines, 0, ana, "👎") == THANKS[-1]
    assert await vote(machines, 1, ben, "👎") == THANKS[-1]
    assert await vote(machines, 0, ana, "👎") == THANKS[-1]  # replaces her first
    assert await vote(machines, 1, ana, "👍") == THANKS[1]  # another guild: another vote

    monkeypatch.setenv("CLAIMBOT_DATABASE_URL", machines.database_url)
    assert await asyncio.to_thread(main, ["gaps", "--json"]) == 0
    [gap] = json.loads(capsys.readouterr().out)
    assert (gap["question"], gap["downvotes"], gap["upvotes"]) == (QUESTION, 2, 1)


async def test_two_reindexes_at_once_from_both_machines_one_runs_the_other_waits(
    machines: Machines,
) -> None:
    for n in range(900, 960):  # enough to keep the first one busy while the second starts
        (machines.shared / "reviews" / f"lex-fridman-{n}.txt").write_text(
            reference_review_as(n), "utf-8"
        )
    first = await reindex_on(machines, 0)
    await machines.server.wait_for(lambda r: f"/{first}/" in r.path)  # deferred: it runs
    second = await reindex_on(machines, 1)
    outcomes = sorted([await outcome(machines, first), await outcome(machines, second)])
    assert outcomes == ["busy", "finished"]


async def test_a_reindex_killed_holding_the_lock_lets_either_machine_reindex_right_after(
    machines: Machines,
) -> None:
    (machines.shared / "reviews" / "lex-fridman-990.txt").write_text(
        reference_review_as(990), "utf-8"
    )
    holder = await asyncio.create_subprocess_exec(  # `claimbot reindex` on a third machine
        sys.executable,
        "-m",
        "tests.crash_child",
        str(machines.shared / "index"),
        str(machines.shared / "reviews"),
        "--hold-at",
        "embedded",
        "--database-url",
        machines.database_url,
        cwd=REPO,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        while (line := await holder.stdout.readline()) != b"holding\n":
            assert line, "the reindex ended before holding the lock"
        for shard in SHARDS:
            assert await outcome(machines, await reindex_on(machines, shard)) == "busy"
    finally:
        holder.send_signal(signal.SIGKILL)
        await holder.wait()
    assert holder.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10  # the server ends the dead session as it notices
    while (result := await outcome(machines, await reindex_on(machines, 1))) == "busy":
        assert time.monotonic() < deadline, "the killed reindex's lock was never released"
    assert result == "finished"
