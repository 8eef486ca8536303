"""`claimbot export --format claimreview` and `claimbot import FILE.json`.

Export writes the indexed cards as schema.org ClaimReview JSON-LD (stdout, or a file written
atomically). Import turns ClaimReview JSON-LD into review files in the reviews folder, where
moderators can read and edit them; they are indexed by the next `claimbot reindex`, or at once
with `--reindex`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bot import render_text as render
from bot.cli import EXIT_ERROR, CommandFactory, bulk_embedder_for, embedder_for, emit_json
from bot.engine import open_index
from bot.settings import Settings
from index import (
    ClaimbotError,
    ReindexSummary,
    claimreview_document,
    read_claimreview_json,
    reindex,
    write_imported_reviews,
)

FORMATS = ("claimreview",)


def register(command: CommandFactory) -> None:
    p = command("export", "export the verdict cards as schema.org ClaimReview JSON-LD")
    p.add_argument(
        "--format", choices=FORMATS, default="claimreview", help="output format (claimreview)"
    )
    p.add_argument(
        "--episode", metavar="EP", help="only this episode: number, slug, file or part of a title"
    )
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of stdout"
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
    index = open_index(settings, embedder_for(args, settings))
    if args.episode:
        episode = index.find_episode(args.episode)
        cards = [(episode, card) for card in index.episode_cards(episode)]
    else:
        cards = [(hit.episode, hit.card) for hit in index.all_cards()]
    text = json.dumps(claimreview_document(cards, author=args.author), ensure_ascii=False, indent=2)
    if args.output is None:
        print(text)
        return 0
    _write_atomically(args.output, text + "\n")
    episodes = len({episode.key for episode, _ in cards})
    print(f"wrote {len(cards)} ClaimReview(s) from {episodes} episode(s) to {args.output}")
    return 0


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
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
        )
    if args.json:
        emit_json(
            {
                "written": [
                    {
                        "file": str(w.path),
                        "episode": render.episode_json(w.episode),
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
            print(render.render_summary(summary))
    if summary is not None and summary.failed:
        for error in summary.failed:
            print(f"claimbot: skipped {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0
