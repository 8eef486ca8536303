"""`claimbot export --format claimreview` writes the indexed cards as schema.org ClaimReview
JSON-LD; `claimbot import FILE.json` turns such JSON-LD into review files moderators can edit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import (
    CommandFactory,
    bulk_embedder_for,
    embedder_for,
    emit_json,
    open_index_for,
    report_skipped,
)
from bot.cli.terminal_text import render_summary
from bot.engine_factory import reindex_lock_for
from bot.exit_status import EXIT_ERROR
from bot.json_output import episode_json
from bot.settings import Settings
from index import (
    ClaimbotError,
    ReindexSummary,
    claimreview_document,
    datafeed_document,
    google_problems,
    read_claimreview_json,
    reindex,
    write_imported_reviews,
)
from index.atomic_write import write_output

FORMATS = ("claimreview", "datafeed")


def register(command: CommandFactory) -> None:
    p = command("export", "export the verdict cards as schema.org ClaimReview JSON-LD")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="claimreview",
        help="claimreview: a JSON-LD @graph of ClaimReviews (default); datafeed: the Data "
        "Commons DataFeed, one DataFeedItem per review page",
    )
    p.add_argument(
        "--episode", metavar="EP", help="only this episode: number, slug, file or part of a title"
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout ('-': stdout); a FIFO or device is written to, "
        "a regular file replaced in one step (through a symbolic link, which is kept)",
    )
    p.add_argument(
        "--author", metavar="NAME", help="the publishing organisation, as each review's author"
    )
    p.set_defaults(run=cmd_export)

    p = command("import", "turn ClaimReview JSON-LD into review files in the reviews folder")
    p.add_argument("file", metavar="FILE.json", help="ClaimReview JSON-LD ('-' reads stdin)")
    p.add_argument(
        "--reviews", type=Path, metavar="DIR", help="review folder (CLAIMBOT_REVIEWS_DIR)"
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="overwrite the review file of an episode that already has one",
    )
    p.add_argument("--reindex", action="store_true", help="reindex right after importing")
    p.set_defaults(run=cmd_import)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index_for(args, settings)
    if args.episode:
        episode = index.find_episode(args.episode)
        cards = [(episode, card) for card in index.episode_cards(episode)]
    else:
        cards = [(hit.episode, hit.card) for hit in index.all_cards()]
    build = datafeed_document if args.format == "datafeed" else claimreview_document
    text = json.dumps(build(cards, author=args.author), ensure_ascii=False, indent=2)
    _warn_about_google(claimreview_document(cards, author=args.author)["@graph"])
    if args.output is None or str(args.output) == "-":
        print(text)
        return 0
    _write_output(args.output, text + "\n")
    episodes = len({episode.key for episode, _ in cards})
    print(f"wrote {len(cards)} ClaimReview(s) from {episodes} episode(s) to {args.output}")
    return 0


def _warn_about_google(claimreviews: list[dict[str, Any]]) -> None:
    """One line on stderr per kind of required property missing, so the export still serves
    other tools but nobody is surprised that Google's fact-check results skip it."""
    missing: dict[str, int] = {}
    for node in claimreviews:
        for path in google_problems(node):
            missing[path] = missing.get(path, 0) + 1
    hints = {"url": " (add a `URL:` line to those reviews)"}
    for path, count in missing.items():
        print(
            f"warning: {count} ClaimReview(s) have no {path}, which Google's fact-check markup "
            f"requires{hints.get(path, '')}",
            file=sys.stderr,
        )


def _write_output(path: Path, text: str) -> None:
    try:
        write_output(path, text.encode("utf-8"))
    except OSError as exc:
        raise ClaimbotError(f"cannot write {path}: {exc.strerror}") from exc


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    if args.file == "-":
        data, source = sys.stdin.buffer.read(), "stdin"
    else:
        path = Path(args.file)
        try:
            data, source = path.read_bytes(), path.name
        except OSError as exc:
            raise ClaimbotError(f"cannot read {path}: {exc.strerror}") from exc
    imported = read_claimreview_json(data, source)
    written = write_imported_reviews(imported, settings.reviews_dir, replace=args.replace)
    summary: ReindexSummary | None = None
    if args.reindex:
        summary = reindex(
            settings.reviews_dir,
            settings.index_dir,
            embedder_for(args, settings),
            bulk_embedder=bulk_embedder_for(args, settings),
            lock=reindex_lock_for(settings),
        )
    if args.json:
        emit_json(
            {
                "written": [
                    {
                        "file": str(w.path),
                        "episode": episode_json(w.episode),
                        "claims": w.claims,
                        "replaced": w.replaced,
                    }
                    for w in written
                ],
                "reindex": summary.model_dump(mode="json") if summary else None,
            }
        )
    else:
        for w in written:
            verb = "replaced" if w.replaced else "wrote"
            print(f"{verb} {w.path}: {w.episode.display_name} ({w.claims} claims)")
        if summary is None:
            print("run `claimbot reindex` to index them (or import with --reindex)")
        else:
            print(render_summary(summary))
    if summary is not None and summary.failed:
        report_skipped(summary)
        return EXIT_ERROR
    return 0
