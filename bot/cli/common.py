"""What every `claimbot` command shares: the subparser factory, embedders and the index from
settings, JSON and error output, the progress bar and the question-file reader."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.engine_factory import make_bulk_embedder, make_embedder, open_index
from bot.settings import Settings
from index import ClaimbotError, ClaimIndex, Embedder, ReindexSummary, Remedy
from index.text import without_lone_surrogates

CommandFactory = Callable[[str, str], argparse.ArgumentParser]
"""`command(name, help)` → a subparser with the common flags (`--index`, `--json`)."""


def embedder_for(args: argparse.Namespace, settings: Settings) -> Embedder:
    given: Embedder | None = args.embedder
    return given if given is not None else make_embedder(settings)


def bulk_embedder_for(args: argparse.Namespace, settings: Settings) -> Embedder | None:
    """The settings' bulk embedder, unless an embedder was handed in (tests): then that one."""
    return None if args.embedder is not None else make_bulk_embedder(settings)


def open_index_for(args: argparse.Namespace, settings: Settings) -> ClaimIndex:
    """The index in `settings.index_dir`, read with the command's embedder."""
    return open_index(settings, embedder_for(args, settings))


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


REMEDIES = {
    Remedy.REINDEX: "run `claimbot reindex`",
    Remedy.LIST_EPISODES: "see `claimbot episodes`",
    Remedy.REPLACE: "remove those files or import with --replace to overwrite them",
}


def error_text(error: ClaimbotError) -> str:
    """An engine error as the terminal says it: the message, then the command that helps."""
    if error.remedy is None:
        return str(error)
    return f"{error}: {REMEDIES[error.remedy]}"


def print_error(message: str) -> None:
    """One line on stderr, as every claimbot error is reported."""
    print(f"claimbot: {message}", file=sys.stderr)


def report_skipped(summary: ReindexSummary) -> None:
    """Each review file a reindex could not index, with its error."""
    for error in summary.failed:
        print_error(f"skipped {error}")


def settings_problems(error: ValidationError) -> str:
    """pydantic's report, one line: each variable at fault and what is wrong with it."""
    problems = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        where = f"CLAIMBOT_{field.upper()}: " if field else ""
        problems.append(where + problem["msg"].removeprefix("Value error, "))
    return "; ".join(problems)


class ProgressBar:
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


def read_questions(path: Path) -> Iterator[str]:
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
