"""A reindex in its own process, for tests that kill it or make two of them collide.

    python -m tests.crash_child INDEX REVIEWS [REVIEWS ...] [--kill-at STAGE] [--hold-at STAGE]
        [--database-url URL]

Reindexes INDEX from each REVIEWS folder in turn (with the deterministic HashingEmbedder, so
it is fast and every run embeds the same vectors), forever when `--forever` is given. Prints
`ready` once imports are done, then each stage it passes as `stage NAME`, flushed, so a parent
can time a kill. `--kill-at STAGE` sends itself SIGKILL there, as a crash or an OOM kill would;
`--hold-at STAGE` stops there, holding the reindex lock, until a line arrives on stdin. A
refused reindex prints `busy: MESSAGE` and exits with status 3. `--database-url` takes the
reindex lock on that PostgreSQL server, as a machine sharing the index volume would.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from index import FileReindexLock, PostgresReindexLock, ReindexBusyError, ReindexLock, reindex
from tests.fakes import HashingEmbedder

BUSY_EXIT = 3


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("index", type=Path)
    parser.add_argument("reviews", type=Path, nargs="+")
    parser.add_argument("--kill-at")
    parser.add_argument("--hold-at")
    parser.add_argument("--forever", action="store_true")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    lock: ReindexLock = (
        PostgresReindexLock(args.database_url) if args.database_url else FileReindexLock()
    )

    def checkpoint(stage: str) -> None:
        print(f"stage {stage}", flush=True)
        if stage == args.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if stage == args.hold_at:
            print("holding", flush=True)
            sys.stdin.readline()

    embedder = HashingEmbedder()
    print("ready", flush=True)
    while True:
        for reviews in args.reviews:
            try:
                summary = reindex(reviews, args.index, embedder, checkpoint=checkpoint, lock=lock)
            except ReindexBusyError as exc:
                print(f"busy: {exc}", flush=True)
                return BUSY_EXIT
            print(f"done {summary.version}", flush=True)
        if not args.forever:
            return 0


if __name__ == "__main__":
    sys.exit(main())
