"""Where the bot's reindexes run: in a worker thread of the bot, or in a child `claimbot
reindex --json` that shares only the index folder, so its GIL time and model memory stay out of
the bot."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.errors import ReindexProcessError
from bot.exit_status import EXIT_BUSY
from bot.settings import Settings
from index import LiveIndex, ReindexBusyError, ReindexSummary

log = logging.getLogger("claimbot.reindex")

CLAIMBOT_REINDEX = (sys.executable, "-m", "bot.cli", "reindex", "--json")
"""The child's command line, before `--index` and `--reviews`."""

STDERR_KEPT = 20  # lines of the child's stderr kept to explain a failure
LINE_LOGGED = 2000  # characters of one stderr line relayed (a review's error may quote a lot)


class Reindexer(Protocol):
    """Reindexes `reviews_dir` into `live`'s folder and serves the result."""

    async def __call__(self, live: LiveIndex, reviews_dir: Path) -> ReindexSummary: ...


async def reindex_in_thread(live: LiveIndex, reviews_dir: Path) -> ReindexSummary:
    """In a worker thread of this process, with `live`'s own embedders."""
    return await asyncio.to_thread(live.reindex, reviews_dir)


class ChildProcessReindexer:
    """Runs `claimbot reindex --json` as a child process with the bot's model settings.

    `command` is the child's command line before `--index DIR --reviews DIR`; tests hand in one
    whose embedder matches theirs.
    """

    def __init__(self, settings: Settings, command: Sequence[str] = CLAIMBOT_REINDEX) -> None:
        self.settings = settings
        self.command = tuple(command)

    async def __call__(self, live: LiveIndex, reviews_dir: Path) -> ReindexSummary:
        """Reindex in a child process, then open what it published (raises as `run`)."""
        summary = await self.run(reviews_dir, live.index_dir)
        await asyncio.to_thread(live.refresh)
        return summary

    async def run(self, reviews_dir: Path, index_dir: Path) -> ReindexSummary:
        """Reindex in a child process and return what it did; raises `ReindexBusyError` when
        another reindex holds the lock, `ReindexProcessError` when the child fails. Cancelled or
        failing itself, it kills the child, which leaves the old index serving."""
        process = await asyncio.create_subprocess_exec(
            *self.command,
            "--index",
            str(index_dir),
            "--reviews",
            str(reviews_dir),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.environment(),
        )
        assert process.stdout is not None and process.stderr is not None
        stderr: collections.deque[str] = collections.deque(maxlen=STDERR_KEPT)
        try:
            stdout, _ = await asyncio.gather(process.stdout.read(), _relay(process.stderr, stderr))
            status = await process.wait()
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):  # it may end meanwhile
                    process.kill()
                await process.wait()
        return _summary_of(status, stdout, list(stderr))

    def environment(self) -> dict[str, str]:
        """The bot's environment with its model settings, which may have come from code rather
        than variables; the bot token blanked (over a `.env` file too): a reindex never needs it."""
        env = dict(os.environ)
        env.update(
            CLAIMBOT_DISCORD_TOKEN="",
            CLAIMBOT_MODEL=self.settings.model,
            CLAIMBOT_BACKEND=self.settings.backend,
            CLAIMBOT_REINDEX_BACKEND=self.settings.reindex_backend,
            CLAIMBOT_LOG_LEVEL=self.settings.log_level,
        )
        if self.settings.database_url is not None:  # the reindex lock every machine shares
            env["CLAIMBOT_DATABASE_URL"] = self.settings.database_url.get_secret_value()
        return env


async def _relay(stream: asyncio.StreamReader, kept: collections.deque[str]) -> None:
    """The child's log lines into the bot's log as they come, the last ones kept; read in
    chunks, since `readline` fails on a line over 64 KiB, of which only the start is relayed."""
    pending = b""
    skipping = False  # inside a long line whose start was relayed
    while chunk := await stream.read(2**16):
        *lines, pending = (pending + chunk).split(b"\n")
        for raw in lines:
            if not skipping:
                _relay_line(raw, kept)
            skipping = False
        if len(pending) > LINE_LOGGED:
            if not skipping:
                _relay_line(pending, kept)
            skipping, pending = True, b""
    if not skipping:
        _relay_line(pending, kept)


def _relay_line(raw: bytes, kept: collections.deque[str]) -> None:
    line = raw.decode(errors="replace").rstrip()[:LINE_LOGGED]
    if line:
        kept.append(line)
        log.info("reindex process: %s", line)


def _summary_of(status: int, stdout: bytes, stderr: list[str]) -> ReindexSummary:
    """What the child did, from its exit status and its `--json` summary (its last line)."""
    said = next((line for line in reversed(stderr) if line.startswith("claimbot: ")), None)
    message = said.removeprefix("claimbot: ") if said else None
    if status == EXIT_BUSY:
        raise ReindexBusyError(message or "another reindex holds the index's lock")
    if status < 0:
        raise ReindexProcessError(
            f"the reindex process was killed by signal {-status}; the index that served "
            "before still serves"
        )
    data = _last_json_line(stdout)
    if not isinstance(data, dict) or status not in (0, 1):
        if message is not None:  # the child said what went wrong, as for a user
            raise ReindexProcessError(f"the reindex failed: {message}")
        # A crash, or output claimbot does not read: a bug, with the evidence in the log.
        log.error(
            "the reindex process ended with status %d and no summary; its last output:\n%s",
            status,
            "\n".join(stderr) or "(none)",
        )
        raise ReindexProcessError(
            f"the reindex process failed (exit status {status}); the bot's log has its output; "
            "the index that served before still serves"
        )
    missing = ReindexSummary.model_fields.keys() - data.keys()
    try:
        if missing:  # a summary names every field, even those with defaults
            raise ValueError(f"missing {sorted(missing)}")
        return ReindexSummary.model_validate(data)
    except ValueError as exc:  # pydantic's ValidationError is one
        raise ReindexProcessError(
            f"the reindex process printed no summary claimbot reads ({exc!r})"
        ) from exc


def _last_json_line(stdout: bytes) -> Any:
    """The JSON value on the last non-empty line (`--json` prints one line; a library may
    have printed something before it), or None."""
    lines = stdout.decode(errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
