"""The `claimbot` command line: reindex, ask, verdicts, episodes, bot.

Text for people by default, `--json` for scripts (shapes documented in README.md). Errors go to
stderr as one line and a non-zero exit status; tracebacks only with `--debug`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot import render_text as render
from bot.engine import make_bulk_embedder, make_embedder, open_index
from bot.settings import Settings
from index import ClaimbotError, Embedder, ReindexBusyError, ReindexSummary, reindex
from index.text import without_lone_surrogates

log = logging.getLogger("claimbot")

EXIT_ERROR = 1
EXIT_BUSY = 75
"""Another reindex holds the index's lock: try again later (BSD's EX_TEMPFAIL)."""
QUESTION_BATCH = 256


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

    p = command("reindex", "index the review files (incremental: unchanged files are kept)")
    p.add_argument(
        "--reviews", type=Path, metavar="DIR", help="review folder (CLAIMBOT_REVIEWS_DIR)"
    )
    p.set_defaults(run=cmd_reindex)

    p = command("ask", "answer a question with the nearest verdict card(s)")
    p.add_argument("question", nargs="?", help="the question, in plain words")
    p.add_argument(
        "--questions",
        type=Path,
        metavar="FILE",
        help="answer every line of FILE (plain text or JSON with a 'question' field)",
    )
    p.add_argument("-k", "--results", type=int, default=3, metavar="N", help="cards to show (1-10)")
    p.set_defaults(run=cmd_ask)

    p = command("verdicts", "list one episode's claims and verdicts")
    p.add_argument("episode", help="episode number, slug, file name or part of its title")
    p.set_defaults(run=cmd_verdicts)

    p = command("episodes", "list the indexed episodes with their claim counts")
    p.set_defaults(run=cmd_episodes)

    p = command("claim", "show one claim in full by its id")
    p.add_argument("id", help="a claim id, as `verdicts` prints it")
    p.set_defaults(run=cmd_claim)

    for register in _extensions():
        register(command)
    return parser


CommandFactory = Callable[[str, str], argparse.ArgumentParser]
"""`command(name, help)` → a subparser with the common flags (`--index`, `--json`)."""


def _extensions() -> list[Callable[[CommandFactory], None]]:
    """Commands that live in their own modules. Each module has `register(command)`, which
    adds its subcommands and sets `run=` to a function `(args, settings) -> exit status`."""
    from bot import cli_bot, cli_claimreview, cli_eval, cli_gaps

    return [cli_bot.register, cli_eval.register, cli_claimreview.register, cli_gaps.register]


def main(argv: Sequence[str] | None = None, embedder: Embedder | None = None) -> int:
    """Run one command. `embedder` replaces the configured model (tests pass a loaded one)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"claimbot: invalid settings: {settings_problems(exc)}", file=sys.stderr)
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
    args.embedder = embedder
    run: Callable[[argparse.Namespace, Settings], int] = args.run
    try:
        return run(args, settings)
    except ReindexBusyError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except ClaimbotError as exc:
        if args.debug:
            log.exception("failed")
        print(f"claimbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("claimbot: interrupted", file=sys.stderr)
        return 130


def embedder_for(args: argparse.Namespace, settings: Settings) -> Embedder:
    given: Embedder | None = args.embedder
    return given if given is not None else make_embedder(settings)


def bulk_embedder_for(args: argparse.Namespace, settings: Settings) -> Embedder | None:
    """The settings' bulk embedder, unless an embedder was handed in (tests): then that one."""
    return None if args.embedder is not None else make_bulk_embedder(settings)


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    embedder = embedder_for(args, settings)
    bar = _ProgressBar(enabled=not args.json and sys.stderr.isatty())
    try:
        summary = reindex(
            settings.reviews_dir,
            settings.index_dir,
            embedder,
            progress=bar.update,
            bulk_embedder=bulk_embedder_for(args, settings),
        )
    finally:
        bar.close()
    if args.json:
        emit_json(summary.model_dump(mode="json"))
    else:
        print(render.render_summary(summary))
    _report_failures(summary)
    return EXIT_ERROR if summary.failed else 0


def _report_failures(summary: ReindexSummary) -> None:
    for error in summary.failed:
        print(f"claimbot: skipped {error}", file=sys.stderr)
    if summary.failed:
        print(
            f"claimbot: {len(summary.failed)} review file(s) not indexed; "
            "earlier versions of them, if any, are still served",
            file=sys.stderr,
        )


class _ProgressBar:
    """A tqdm bar on an interactive terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="passage", desc="embedding", file=sys.stderr)
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.questions is None):
        raise ClaimbotError("give either a QUESTION or --questions FILE")
    if not 1 <= args.results <= 10:
        raise ClaimbotError("--results must be between 1 and 10")
    index = open_index(settings, embedder_for(args, settings))
    if args.question is not None:
        answer = index.ask(without_lone_surrogates(args.question), k=args.results)
        if args.json:
            emit_json(render.answer_json(answer))
        else:
            print(render.render_answer(answer))
        return 0
    questions = list(_read_questions(args.questions))
    for start in range(0, len(questions), QUESTION_BATCH):
        batch = questions[start : start + QUESTION_BATCH]
        vectors = index.embed_questions(batch)
        for question, vector in zip(batch, vectors, strict=True):
            answer = index.answer(question, vector, k=args.results)
            if args.json:
                emit_json(render.answer_json(answer))
            else:
                print(f"? {question}\n{render.render_answer(answer)}\n")
    return 0


def _read_questions(path: Path) -> Iterator[str]:
    """One question a line, plain or JSON (`{"question": ...}`); blank ones are skipped."""
    try:
        # Lines end at "\n" only: splitlines() also splits at U+2028 and form feeds, which
        # JSON Lines written without ASCII escapes (claimbot's own) keep inside strings.
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimbotError(f"cannot read questions from {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if text.startswith("{"):
            try:
                question = json.loads(text)["question"]
            except (ValueError, KeyError, TypeError, RecursionError) as exc:
                raise ClaimbotError(
                    f'{path.name}, line {number}: a JSON line needs a "question" field'
                ) from exc
            if not isinstance(question, str):
                raise ClaimbotError(f'{path.name}, line {number}: "question" must be text')
            text = question.strip()
        if text:
            yield without_lone_surrogates(text)


def settings_problems(error: ValidationError) -> str:
    """pydantic's report, one line: each variable at fault and what is wrong with it."""
    problems = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        where = f"CLAIMBOT_{field.upper()}: " if field else ""
        problems.append(where + problem["msg"].removeprefix("Value error, "))
    return "; ".join(problems)


def cmd_verdicts(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index(settings, embedder_for(args, settings))
    episode = index.find_episode(args.episode)
    cards = index.episode_cards(episode)
    if args.json:
        emit_json(render.verdicts_json(episode, cards))
    else:
        print(render.render_verdicts(episode, cards))
    return 0


def cmd_episodes(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index(settings, embedder_for(args, settings))
    summaries = index.episodes()
    if args.json:
        emit_json(render.episodes_json(summaries))
    else:
        print(render.render_episodes(summaries))
    return 0


def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index(settings, embedder_for(args, settings))
    hit = index.card(args.id)
    if args.json:
        emit_json(
            {
                **render.verdicts_json(hit.episode, [hit.card])["claims"][0],
                "episode": render.episode_json(hit.episode),
            }
        )
    else:
        print(render.render_card(hit))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
