"""Scale out: two bot processes, one shard each, share one index folder. A reindex published by
any other process reaches both in the background within seconds, without a restart, and every
question asked meanwhile is answered.

The bots are real processes (tests/bot_child.py: the real `ClaimBot`, its cogs and discord.py,
with the HashingEmbedder) connected to one loopback Discord, which puts a guild on each shard
and sends each interaction over its own shard's connection, so only that process sees it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
import pytest_asyncio

from bot.discordbot.cogs.index_watch import IndexWatch
from index import reindex
from tests.bot.discordbot.conftest import index_reference_review, running_bot
from tests.conftest import REPO, TEST_DATA
from tests.fakes import HashingEmbedder
from tests.loopback_discord import LoopbackDiscord, Recorded

pytestmark = pytest.mark.asyncio(loop_scope="module")

SHARDS = (0, 1)
POLL_SECONDS = 0.5
PICKUP_DEADLINE = 15.0  # generous for a loaded CI machine; the poll interval is 0.5 s
START_DEADLINE = 90.0

KNOWN = "Is gpt-oss the first open model trained for tool use?"  # in every generation
KNOWN_HEADLINE = "gpt-oss Is First Open Model Trained for Tool Use"
NOT_A_MATCH = "No reviewed claim covers that"


@dataclass
class BotProcess:
    shard: int
    process: asyncio.subprocess.Process
    log: Path

    def logged(self) -> str:
        return self.log.read_text("utf-8", errors="replace")


@dataclass
class Fleet:
    server: LoopbackDiscord
    root: Path
    bots: list[BotProcess]

    @property
    def reviews_dir(self) -> Path:
        return self.root / "reviews"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"


def child_environment(root: Path, server: LoopbackDiscord, shard: int) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    return {
        **inherited,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(REPO),  # the child runs in `root`, and imports tests.bot_child
        "CLAIMBOT_DISCORD_TOKEN": server.token,
        "CLAIMBOT_DISCORD_API": server.api_url,
        "CLAIMBOT_DISCORD_GATEWAY": server.gateway_url,
        "CLAIMBOT_INDEX_DIR": str(root / "index"),
        "CLAIMBOT_REVIEWS_DIR": str(root / "reviews"),
        "CLAIMBOT_FEEDBACK_DB": str(root / f"feedback-{shard}.sqlite"),
        "CLAIMBOT_SHARD_COUNT": str(len(SHARDS)),
        "CLAIMBOT_SHARD_IDS": f"[{shard}]",
        "CLAIMBOT_ASK_COOLDOWN": "0",
        "CLAIMBOT_INDEX_POLL_SECONDS": str(POLL_SECONDS),
    }


async def start_bot_process(
    root: Path, server: LoopbackDiscord, shard: int, local: Path | None = None, **env: str
) -> BotProcess:
    """A bot process for `shard` serving `root`'s index, run in `local` (its own folder, as on
    a machine of its own; `root` by default) with `env`'s extra CLAIMBOT_ variables."""
    local = local or root
    log = local / f"bot-{shard}.log"
    extra = {f"CLAIMBOT_{name}": value for name, value in env.items()}
    with log.open("wb") as stderr:  # a file, not a pipe: a chatty child never blocks on it
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bot_child",
            env={**child_environment(root, server, shard), **extra},
            cwd=local,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
    return BotProcess(shard, process, log)


async def wait_for_line(bot: BotProcess, expected: str, timeout: float) -> None:
    assert bot.process.stdout is not None
    async with asyncio.timeout(timeout):
        while (line := await bot.process.stdout.readline()) != b"":
            if line.decode().strip() == expected:
                return
    raise AssertionError(f"shard {bot.shard} ended before '{expected}':\n{bot.logged()}")


async def stop(bot: BotProcess) -> int:
    if bot.process.returncode is None:
        bot.process.terminate()
    try:
        return await asyncio.wait_for(bot.process.wait(), timeout=30)
    except TimeoutError:
        bot.process.kill()
        return await bot.process.wait()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fleet(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Fleet]:
    root = tmp_path_factory.mktemp("scale-out")
    index_reference_review(root, HashingEmbedder())
    server = LoopbackDiscord()
    await server.start()
    bots = [await start_bot_process(root, server, shard) for shard in SHARDS]
    try:
        for bot in bots:
            await wait_for_line(bot, "ready", START_DEADLINE)
        yield Fleet(server, root, bots)
    finally:
        for bot in bots:
            await stop(bot)
        await server.close()


async def ask(server: LoopbackDiscord, shard: int, question: str) -> str:
    """The title of the bot's answer to /ask in the guild on `shard`."""
    token = await server.invoke("ask", shard=shard, question=question)
    return title_of(await server.reply(token, timeout=30))


def title_of(reply: Recorded) -> str:
    body = reply.body.get("data", reply.body) if reply.path.endswith("/callback") else reply.body
    embeds = body.get("embeds") or [{}]
    return str(embeds[0].get("title") or body.get("content"))


async def wait_until_logged(bot: BotProcess, text: str) -> None:
    try:
        async with asyncio.timeout(PICKUP_DEADLINE):
            while text not in bot.logged():
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(
            f"shard {bot.shard} did not log {text!r} within {PICKUP_DEADLINE} s:\n{bot.logged()}"
        ) from None


def add_review_to(reviews_dir: Path, name: str) -> None:
    shutil.copy(TEST_DATA / "reviews" / name, reviews_dir / name)


async def test_each_process_connects_its_own_shard_and_answers_in_its_guild(
    fleet: Fleet,
) -> None:
    assert sorted(fleet.server.identified_shards) == [(0, 2), (1, 2)]
    for shard in SHARDS:
        assert KNOWN_HEADLINE in await ask(fleet.server, shard, KNOWN)


async def test_a_reindex_by_another_process_is_loaded_by_both_before_any_question(
    fleet: Fleet,
) -> None:
    # Words of the new review's quote: the reference review alone does not answer it.
    question = "Does the Llama license only bite if you're Google?"
    for shard in SHARDS:
        assert await ask(fleet.server, shard, question) == NOT_A_MATCH

    add_review_to(fleet.reviews_dir, "compute-frontier-112.txt")
    summary = await asyncio.to_thread(
        reindex, fleet.reviews_dir, fleet.index_dir, HashingEmbedder()
    )

    # No question is asked until both have logged the swap: the watch loaded it, not a question.
    for bot in fleet.bots:
        await wait_until_logged(bot, f"serving index version {summary.version} ")
    for shard in SHARDS:
        assert "Llama Is Effectively Open Source" in await ask(fleet.server, shard, question)


async def test_questions_asked_while_another_process_reindexes_are_all_answered(
    fleet: Fleet,
) -> None:
    add_review_to(fleet.reviews_dir, "gut-feeling-37.txt")
    reindexing = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.crash_child",
        str(fleet.index_dir),
        str(fleet.reviews_dir),
        stdout=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        (printed, _), asked = await asyncio.gather(
            reindexing.communicate(), ask_both_until_swapped(fleet, reindexing)
        )
    version = int(printed.decode().split("done ")[1])

    assert reindexing.returncode == 0
    for bot in fleet.bots:
        assert f"serving index version {version} " in bot.logged()
        before, after = asked[bot.shard]
        assert before and after, "questions before and after this process's swap"
        for token in before + after:
            assert KNOWN_HEADLINE in title_of(await fleet.server.reply(token, timeout=30))
    fasting = "Does intermittent fasting burn more fat than regular dieting?"
    for shard in SHARDS:
        assert "Intermittent Fasting" in await ask(fleet.server, shard, fasting)


async def ask_both_until_swapped(
    fleet: Fleet, reindexing: asyncio.subprocess.Process
) -> dict[int, tuple[list[str], list[str]]]:
    """Ask each shard in turn, every 50 ms, from when the reindex starts until each process
    has logged a new version and been asked once more. Returns each shard's interaction
    tokens, split into those asked before its process logged the swap and after."""
    served_at_start = {bot.shard: bot.logged().count("serving index version") for bot in fleet.bots}
    asked: dict[int, tuple[list[str], list[str]]] = {shard: ([], []) for shard in SHARDS}
    while reindexing.returncode is None or not all(after for _, after in asked.values()):
        for bot in fleet.bots:
            swapped = bot.logged().count("serving index version") > served_at_start[bot.shard]
            token = await fleet.server.invoke("ask", shard=bot.shard, question=KNOWN)
            asked[bot.shard][swapped].append(token)
        await asyncio.sleep(0.05)
    return asked


async def test_a_stopped_process_closes_its_index_watch_and_exits_cleanly(
    fleet: Fleet,
) -> None:
    bot = fleet.bots[-1]
    assert await stop(bot) == 0
    await wait_for_line(bot, "closed", 5)
    assert "Traceback" not in bot.logged()


# -- the watch itself, in this process -----------------------------------------------------

WATCH = "bot.discordbot.cogs.index_watch"


async def test_a_new_generation_that_cannot_be_opened_is_logged_once_and_the_old_one_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    # Published by a process configured with another model, which this bot cannot serve.
    # (Version 2 first: a rebuild for another model restarts the numbering from 1.)
    add_review_to(tmp_path / "reviews", "compute-frontier-112.txt")
    reindex(tmp_path / "reviews", tmp_path / "index", embedder)
    async with running_bot(tmp_path, embedder, index_poll_seconds=0.05) as harness:
        other_model = HashingEmbedder(name="test/another-model")
        await asyncio.to_thread(reindex, tmp_path / "reviews", tmp_path / "index", other_model)
        await asyncio.sleep(0.5)  # about ten polls

        token = await harness.server.invoke("ask", question=KNOWN)
        answer = title_of(await harness.server.reply(token))

    warnings = [r for r in caplog.records if "the loaded one keeps serving" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
    assert "another-model" in warnings[0].getMessage()
    assert KNOWN_HEADLINE in answer


async def test_unloading_the_cog_stops_the_index_watch(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder, index_poll_seconds=0.05) as harness:
        # discord.py imports an extension afresh, so its class is not this module's IndexWatch
        watch = cast(IndexWatch, harness.bot.get_cog("IndexWatch"))
        assert watch.poll.is_running()
        await harness.bot.unload_extension(WATCH)
        assert not watch.poll.is_running()

        served = harness.bot.live.current.version
        add_review_to(tmp_path / "reviews", "compute-frontier-112.txt")
        await asyncio.to_thread(reindex, tmp_path / "reviews", tmp_path / "index", embedder)
        await asyncio.sleep(0.3)
        assert harness.bot.live.current.version == served


async def test_a_question_never_loads_a_new_generation_only_the_index_watch_does(
    tmp_path: Path,
) -> None:
    embedder = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder, index_poll_seconds=0.05) as harness:
        await harness.bot.unload_extension(WATCH)
        served = harness.bot.live.current.version
        add_review_to(tmp_path / "reviews", "compute-frontier-112.txt")
        await asyncio.to_thread(reindex, tmp_path / "reviews", tmp_path / "index", embedder)

        answer = title_of(
            await harness.server.reply(await harness.server.invoke("ask", question=KNOWN))
        )
        assert KNOWN_HEADLINE in answer and harness.bot.live.current.version == served

        await harness.bot.load_extension(WATCH)
        async with asyncio.timeout(PICKUP_DEADLINE):
            while harness.bot.live.current.version == served:
                await asyncio.sleep(0.05)
