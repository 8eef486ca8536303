"""`claimbot gaps`: the questions the community most wants reviewed next, read from the
feedback database the Discord bot fills (the same ranking as the bot's `/gaps`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import CommandFactory, emit_json
from bot.json_output import gap_json, utc_time
from bot.settings import Settings
from bot.wording import gap_reasons
from index import ClaimbotError, FeedbackStore, Gap

MAX_LIMIT = 1000


def register(command: CommandFactory) -> None:
    p = command("gaps", "questions most often unanswered or voted down: what to review next")
    p.add_argument("-n", "--limit", type=int, default=10, metavar="N", help="questions to show")
    p.add_argument("--guild", type=int, metavar="ID", help="only this Discord server's feedback")
    p.add_argument(
        "--feedback",
        type=Path,
        metavar="FILE",
        help="SQLite feedback database (default: CLAIMBOT_DATABASE_URL if set, else "
        "CLAIMBOT_FEEDBACK_DB)",
    )
    p.set_defaults(run=cmd_gaps)


def cmd_gaps(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise ClaimbotError(f"--limit must be between 1 and {MAX_LIMIT}")
    target: Path | str = args.feedback or settings.feedback_target
    # Read-only: never creates, migrates or writes, so it never waits behind the bot either.
    with FeedbackStore(target, read_only=True) as store:
        gaps: list[Gap] = store.gaps(args.limit, guild_id=args.guild)
        recorded = store.exists
    if args.json:
        emit_json([gap_json(g) for g in gaps])
    elif not recorded:
        print(f"no feedback recorded yet (none in {store.path}; the Discord bot records it)")
    else:
        print(render_gaps(gaps))
    return 0


def render_gaps(gaps: list[Gap]) -> str:
    if not gaps:
        return "no gaps: every recorded question was answered and no answer was voted down"
    lines = ["Most wanted reviews (questions unanswered or voted 👎):"]
    for n, gap in enumerate(gaps, 1):
        lines.append(
            f"{n:>3}. {gap.question}  ({gap_reasons(gap)}; last {utc_time(gap.last_asked)})"
        )
    return "\n".join(lines)
