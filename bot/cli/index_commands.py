"""`claimbot reindex`: index the review files, incrementally."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import (
    CommandFactory,
    ProgressBar,
    bulk_embedder_for,
    embedder_for,
    emit_json,
    print_error,
    report_skipped,
)
from bot.cli.terminal_text import render_summary
from bot.engine_factory import reindex_lock_for
from bot.exit_status import EXIT_ERROR
from bot.settings import Settings
from index import reindex


def register(command: CommandFactory) -> None:
    p = command("reindex", "index the review files (incremental: unchanged files are kept)")
    p.add_argument(
        "--reviews", type=Path, metavar="DIR", help="review folder (CLAIMBOT_REVIEWS_DIR)"
    )
    p.set_defaults(run=cmd_reindex)


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    embedder = embedder_for(args, settings)
    bar = ProgressBar(enabled=not args.json and sys.stderr.isatty())
    try:
        summary = reindex(
            settings.reviews_dir,
            settings.index_dir,
            embedder,
            progress=bar.update,
            bulk_embedder=bulk_embedder_for(args, settings),
            lock=reindex_lock_for(settings),
        )
    finally:
        bar.close()
    if args.json:
        emit_json(summary.model_dump(mode="json"))
    else:
        print(render_summary(summary))
    report_skipped(summary)
    if summary.failed:
        print_error(
            f"{len(summary.failed)} review file(s) not indexed; "
            "earlier versions of them, if any, are still served"
        )
    return EXIT_ERROR if summary.failed else 0
