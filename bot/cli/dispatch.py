"""The `claimbot` parser and dispatcher: settings and logging from the environment and flags,
then one command, its errors reported as one line and an exit status."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.cli import (
    ask_commands,
    bot_command,
    claimreview_commands,
    eval_command,
    gaps_command,
    index_commands,
)
from bot.cli.common import error_text, print_error, settings_problems
from bot.exit_status import EXIT_BUSY, EXIT_ERROR, EXIT_INTERRUPTED
from bot.settings import Settings
from index import ClaimbotError, Embedder, ReindexBusyError

log = logging.getLogger("claimbot")

COMMAND_GROUPS = (
    index_commands,
    ask_commands,
    bot_command,
    eval_command,
    claimreview_commands,
    gaps_command,
)
"""Each has `register(command)`, which adds its subcommands with `run=` set to a function
`(args, settings) -> exit status`; in this order they are listed by `--help`."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimbot",
        description="Verdict cards from podcast episode reviews: index them, ask about them.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.add_argument(
            "--index", type=Path, metavar="DIR", help="index folder (CLAIMBOT_INDEX_DIR)"
        )
        p.add_argument("--json", action="store_true", help="machine-readable output")
        return p

    for group in COMMAND_GROUPS:
        group.register(command)
    return parser


def main(argv: Sequence[str] | None = None, embedder: Embedder | None = None) -> int:
    """Run one command. `embedder` replaces the configured model (tests pass a loaded one)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print_error(f"invalid settings: {settings_problems(exc)}")
        return EXIT_ERROR
    if getattr(args, "index", None):
        settings.index_dir = args.index
    if getattr(args, "reviews", None):
        settings.reviews_dir = args.reviews
    logging.basicConfig(
        level=logging.DEBUG if args.debug else settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.debug:
        # sentence-transformers and transformers are chatty at INFO; the user asked claimbot.
        for noisy in ("sentence_transformers", "transformers", "faiss", "httpx"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        # The pool warns at every failed connection attempt during an outage; the feedback
        # store says once when it starts and once when it ends.
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    args.embedder = embedder
    run: Callable[[argparse.Namespace, Settings], int] = args.run
    try:
        return run(args, settings)
    except ReindexBusyError as exc:
        print_error(error_text(exc))
        return EXIT_BUSY
    except ClaimbotError as exc:
        if args.debug:
            log.exception("failed")
        print_error(error_text(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        print_error("interrupted")
        return EXIT_INTERRUPTED
