"""The Discord bot's event loop while a moderator's /reindex of 1k cards runs.

    .venv/bin/python -m benchmarks.bot_stall                     # 1000 cards, the default backend
    .venv/bin/python -m benchmarks.bot_stall --cards 1000 --backend torch
    .venv/bin/python -m benchmarks.bot_stall --trace-stalls 30   # where each stall > 30 ms was
    .venv/bin/python -m benchmarks.bot_stall --unfreeze          # without the bot's gc.freeze()
    .venv/bin/python -m benchmarks.bot_stall --load 2            # two CPU-bound processes beside
    .venv/bin/python -m benchmarks.bot_stall --reindex-in thread # the reindex in the bot's process
    .venv/bin/python -m benchmarks.bot_stall --standin-in-bot    # the stand-in in the bot's process

The real `ClaimBot` (its cogs, the real model) connects to the loopback Discord stand-in of
the tests, run in its own process as Discord is remote (`--standin-in-bot` puts it on the bot's
loop, where its own work added to the bot's stalls); a moderator runs /reindex of a synthetic
corpus (benchmarks.generate) while members keep asking /ask. A probe task sleeps 5 ms in a
loop on the bot's event loop and records how late it wakes up: the largest lateness is the
longest the loop could not run anything (a heartbeat, an interaction acknowledgement). The same
probe runs for a few seconds with the bot idle, as the baseline. Prints Markdown tables; the
target is a largest stall of 50 ms or less.
Results and their reading: docs/performance.md, "The bot's event loop during a reindex".
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from pydantic import SecretStr

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks.generate import write_corpus
from benchmarks.results import recorded
from benchmarks.standin_process import RemoteStandIn
from bot.discordbot.runner import build_bot, point_at
from bot.engine_factory import reindex_backend
from bot.settings import Settings
from index import Embedder, reindex
from index.embed import Backend
from tests.loopback_discord import LoopbackDiscord

T = TypeVar("T")
BACKENDS: tuple[Backend, ...] = ("torch", "torch-bf16", "onnx", "onnx-int8")

REPO = Path(__file__).resolve().parent.parent
PROBE_SECONDS = 0.005
ASK_EVERY = 0.5  # seconds between two members' questions during the reindex
QUESTION = "Do the margins on data-centre chips really justify the hype?"


@dataclass
class Probe:
    """How late a 5 ms sleep on the event loop wakes up, in seconds, each time."""

    lateness: list[float] = field(default_factory=list)
    last_wake: float = field(default_factory=time.perf_counter)  # read by StallTracer

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(PROBE_SECONDS)
            self.last_wake = time.perf_counter()
            self.lateness.append(loop.time() - before - PROBE_SECONDS)

    def largest(self) -> float:
        return max(self.lateness)

    def p99(self) -> float:
        return statistics.quantiles(self.lateness, n=100)[98]


@dataclass
class Stall:
    """One stretch in which the loop was late: how long, and where the threads were."""

    started: float
    ended: float
    seen: Counter[str] = field(default_factory=Counter)


class StallTracer(threading.Thread):
    """Where every thread is while the event loop is late by more than `threshold` seconds.

    Samples each millisecond it gets the GIL. A thread that holds the GIL in C code blocks the
    tracer too, which then samples it right after, still on the line that made the call. The
    event loop's own thread shows as `loop:`; seen in `select`, it was waiting for the GIL or
    for a CPU. Idle worker threads are left out."""

    IDLE = ("thread.py:", "threading.py:")

    def __init__(self, probe: Probe, threshold: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.threshold = probe, threshold
        self.loop_thread = threading.get_ident()
        self.stalls: list[Stall] = []
        self.finished = threading.Event()
        self.collections: list[tuple[int, float]] = []  # (generation, seconds) per GC pass
        self._collecting_since = 0.0

    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        """A `gc.callbacks` hook: a collection holds the GIL from start to stop."""
        if phase == "start":
            self._collecting_since = time.perf_counter()
        else:
            self.collections.append(
                (info["generation"], time.perf_counter() - self._collecting_since)
            )

    def run(self) -> None:
        current: Stall | None = None
        while not self.finished.wait(0.001):
            now = time.perf_counter()
            last_wake = self.probe.last_wake
            if now - last_wake - PROBE_SECONDS < self.threshold:
                current = None
                continue
            if current is None or current.started != last_wake:
                current = Stall(last_wake, now)
                self.stalls.append(current)
            current.ended = now
            for thread, frame in sys._current_frames().items():
                place = where(frame)
                if thread != self.ident and not place.startswith(self.IDLE):
                    current.seen[("loop: " if thread == self.loop_thread else "") + place] += 1

    def report(self, top: int = 5) -> str:
        lines = [f"The {top} longest stalls (ms) and where the threads were (samples):"]
        for stall in sorted(self.stalls, key=lambda s: s.started - s.ended)[:top]:
            lines.append(f"- {(stall.ended - stall.started) * 1000:.0f} ms")
            lines += [f"  - {n} × `{place}`" for place, n in stall.seen.most_common(4)]
        for generation in (0, 1, 2):
            pauses = [t for g, t in self.collections if g == generation]
            if pauses:
                lines.append(
                    f"- GC generation {generation}: {len(pauses)} passes, longest "
                    f"{max(pauses) * 1000:.1f} ms, {sum(pauses):.2f} s in all"
                )
        return "\n".join(lines)


def where(frame: FrameType) -> str:
    """The innermost frame in claimbot's code and the innermost frame of all, e.g.
    `index/reindex.py:123 _write_generation ← sqlite3/__init__.py:… execute`."""
    stack = traceback.extract_stack(frame)
    innermost = stack[-1]
    ours = next((f for f in reversed(stack) if is_ours(f.filename)), None)
    label = f"{Path(innermost.filename).name}:{innermost.lineno} {innermost.name}"
    if ours is None or ours is innermost:
        return label if ours is None else f"{short(ours)}"
    return f"{short(ours)} ← {label}"


def is_ours(filename: str) -> bool:
    path = Path(filename)
    return path.is_relative_to(REPO) and not path.is_relative_to(REPO / ".venv")


def short(f: traceback.FrameSummary) -> str:
    return f"{Path(f.filename).relative_to(REPO)}:{f.lineno} {f.name}"


@dataclass
class Measured:
    idle: Probe
    busy: Probe
    reindex_seconds: float
    cards: int
    questions_during: int
    slowest_ack: float  # seconds from a question to the bot's acknowledgement
    heartbeat_gap: float  # the longest time between two heartbeats acknowledged
    peak_rss: int  # bytes: the bot's process (with the stand-in and this harness)
    child_peak_rss: int  # bytes: the largest child process (a reindex, or a CPU burner)


class LocalStandIn:
    """The stand-in in this process (sharing the bot's loop), with `RemoteStandIn`'s API."""

    def __init__(self, heartbeat_interval: float) -> None:
        self.server = LoopbackDiscord(heartbeat_interval=heartbeat_interval)

    async def start(self) -> None:
        await self.server.start()
        self.token, self.api_url = self.server.token, self.server.api_url
        self.gateway_url = self.server.gateway_url

    async def invoke(self, name: str, person: Any = LoopbackDiscord.MEMBER, **options: str) -> str:
        return await self.server.invoke(name, person, **options)  # type: ignore[arg-type]

    async def reply_at(self, token: str, timeout: float = 10.0) -> float:
        return (await self.server.reply(token, timeout=timeout)).at

    async def events(self, kind: str) -> list[float]:
        return self.server.events(kind)

    async def acknowledged_after(self, token: str) -> float:
        return self.server.acknowledged_after(token)

    async def close(self) -> None:
        await self.server.close()


StandIn = LocalStandIn | RemoteStandIn


async def measure(
    root: Path,
    cards: int,
    overrides: dict[str, Any],
    idle_seconds: float,
    trace: float | None,
    unfreeze: bool,
    standin_in_bot: bool = False,
) -> Measured:
    write_corpus(root / "reviews", cards)
    server: StandIn = (LocalStandIn if standin_in_bot else RemoteStandIn)(1.0)
    await server.start()
    settings = Settings(
        _env_file=None,
        reviews_dir=root / "reviews",
        index_dir=root / "index",
        feedback_db=root / "feedback.sqlite",
        discord_token=SecretStr(server.token),
        discord_api=server.api_url,
        discord_gateway=server.gateway_url,
        dev_guild=LoopbackDiscord.GUILD_ID,
        ask_cooldown=0,
        **overrides,
    )
    point_at(settings)
    bot = build_bot(settings, guild_ready_timeout=0.05)  # as `claimbot bot` builds it
    seed_index(root, bot.live.embedder)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(server.token))
            await asyncio.wait_for(bot.wait_until_ready(), timeout=300)
            if unfreeze:
                gc.unfreeze()
            idle, _ = await probed(asyncio.sleep(idle_seconds))
            started = time.perf_counter()
            busy, asked = await probed(reindex_while_asking(server), trace)
            seconds = time.perf_counter() - started
            indexed = bot.live.current.manifest.cards
            await bot.close()
            await running
        heartbeats = await server.events("ack")
        acks = [await server.acknowledged_after(t) for t in asked]
    finally:
        await server.close()
    return Measured(
        idle=idle,
        busy=busy,
        reindex_seconds=seconds,
        cards=indexed,
        questions_during=len(asked),
        slowest_ack=max(acks),
        heartbeat_gap=max(b - a for a, b in itertools.pairwise(heartbeats)),
        peak_rss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        child_peak_rss=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    )


def seed_index(root: Path, embedder: Embedder) -> None:
    """An index of the corpus's first review, so the bot answers from the start."""
    first = sorted((root / "reviews").iterdir())[0]
    (root / "seed").mkdir()
    (root / "seed" / first.name).write_bytes(first.read_bytes())
    reindex(root / "seed", root / "index", embedder)


async def probed(work: Awaitable[T], trace: float | None = None) -> tuple[Probe, T]:
    """`work`'s result, and the probe's record of the event loop while it ran; with `trace`,
    also prints where the threads were whenever the loop was that many seconds late."""
    probe, stop = Probe(), asyncio.Event()
    tracer = StallTracer(probe, trace) if trace is not None else None
    probing = asyncio.create_task(probe.run(stop))
    if tracer is not None:
        gc.callbacks.append(tracer.on_gc)
        tracer.start()
    try:
        result = await work
    finally:
        stop.set()
        await probing
        if tracer is not None:
            gc.callbacks.remove(tracer.on_gc)
            tracer.finished.set()
            tracer.join()
            print(tracer.report(), end="\n\n", flush=True)
    return probe, result


async def reindex_while_asking(server: StandIn) -> list[str]:
    """A moderator's /reindex, and a member's /ask every ASK_EVERY seconds until it reports.
    Returns the questions' interaction tokens."""
    token = await server.invoke("reindex", LoopbackDiscord.MODERATOR)
    reported = asyncio.create_task(server.reply_at(token, timeout=3600))
    asked: list[str] = []
    while not reported.done():
        asked.append(await server.invoke("ask", question=QUESTION))
        await asyncio.wait({reported}, timeout=ASK_EVERY)
    await reported
    return asked


def table(m: Measured) -> str:
    ms = 1000
    rows = [
        (
            "largest event-loop stall",
            f"{m.idle.largest() * ms:.1f} ms",
            f"{m.busy.largest() * ms:.1f} ms",
        ),
        ("p99 stall", f"{m.idle.p99() * ms:.1f} ms", f"{m.busy.p99() * ms:.1f} ms"),
        (
            "median stall",
            f"{statistics.median(m.idle.lateness) * ms:.1f} ms",
            f"{statistics.median(m.busy.lateness) * ms:.1f} ms",
        ),
        ("probe wake-ups", str(len(m.idle.lateness)), str(len(m.busy.lateness))),
    ]
    lines = [
        "| event loop (5 ms probe) | bot idle | during /reindex |",
        "|---|---:|---:|",
        *(f"| {name} | {idle} | {busy} |" for name, idle, busy in rows),
        "",
        "| /reindex | |",
        "|---|---:|",
        f"| cards indexed | {m.cards} |",
        f"| reindex, /reindex to its report | {m.reindex_seconds:.1f} s |",
        f"| questions asked during it | {m.questions_during} |",
        f"| slowest acknowledgement of one | {m.slowest_ack * ms:.0f} ms |",
        f"| longest gap between heartbeat ACKs (interval 1 s) | {m.heartbeat_gap * ms:.0f} ms |",
        f"| peak RSS, bot process (with the stand-in unless apart) | {m.peak_rss / 2**20:.0f} MB |",
        f"| peak RSS, largest child process | {m.child_peak_rss / 2**20:.0f} MB |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument(
        "--backend", choices=BACKENDS, default=Settings.model_fields["backend"].default
    )
    parser.add_argument(
        "--reindex-backend",
        choices=("auto", *BACKENDS),
        default=Settings.model_fields["reindex_backend"].default,
    )
    parser.add_argument(
        "--reindex-in",
        choices=("process", "thread"),
        default=Settings.model_fields["reindex_in"].default,
        help="where /reindex runs (CLAIMBOT_REINDEX_IN)",
    )
    parser.add_argument(
        "--standin-in-bot",
        action="store_true",
        help="run the loopback Discord stand-in on the bot's event loop, not in its own process",
    )
    parser.add_argument(
        "--load", type=int, default=0, help="CPU-bound processes to run beside the bot"
    )
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="sys.setswitchinterval in seconds (Python's default: 0.005)",
    )
    parser.add_argument(
        "--trace-stalls",
        type=float,
        metavar="MS",
        help="also print where the threads were while the loop was late by more than MS",
    )
    parser.add_argument(
        "--unfreeze",
        action="store_true",
        help="undo the bot's gc.freeze() after start-up, to measure without it",
    )
    args = parser.parse_args()
    with recorded("bot_stall"):
        if args.switch_interval is not None:
            sys.setswitchinterval(args.switch_interval)
        overrides = {
            "backend": args.backend,
            "reindex_backend": args.reindex_backend,
            "reindex_in": args.reindex_in,
        }
        chosen = Settings(_env_file=None, **overrides)
        print(
            f"{args.cards} cards, backend {args.backend}, reindex backend "
            f"{reindex_backend(chosen)} in a {args.reindex_in}, switch interval "
            f"{sys.getswitchinterval() * 1000:g} ms, {os.cpu_count()} cores, "
            f"{args.load} CPU-bound processes beside, load average {os.getloadavg()[0]:.1f}"
            + (", gc.freeze() undone" if args.unfreeze else "")
            + (", stand-in in the bot's process" if args.standin_in_bot else ", stand-in apart"),
            flush=True,
        )
        burners = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)
        ]
        try:
            with tempfile.TemporaryDirectory() as folder:
                trace = args.trace_stalls / 1000 if args.trace_stalls is not None else None
                root = Path(folder)
                measured = asyncio.run(
                    measure(
                        root,
                        args.cards,
                        overrides,
                        args.idle_seconds,
                        trace,
                        args.unfreeze,
                        args.standin_in_bot,
                    )
                )
        finally:
            for burner in burners:
                burner.kill()
        print(table(measured))


if __name__ == "__main__":
    main()
