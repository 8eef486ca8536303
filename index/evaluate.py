"""Retrieval quality on labelled questions: Recall@1, Recall@3, MRR, answered and abstained.

Question files are JSON Lines: `{"question": ..., "expect": [...], "split": "tune"|"test"}`.
`expect` holds lower-cased substrings of the right card's headline (any one matching counts);
an empty `expect` marks an off-topic question, on which claimbot must abstain.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ClaimbotError
from index.search import ClaimIndex

RANK_DEPTH = 10


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    expect: tuple[str, ...]
    split: str | None = None

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)

    def matches(self, headline: str) -> bool:
        folded = headline.casefold()
        return any(e in folded for e in self.expect)


@dataclass(frozen=True)
class Miss:
    """A question the index got wrong, for the report."""

    question: str
    expected: tuple[str, ...]
    got: str | None
    answered: bool
    rank: int | None  # 1-based rank of the right card within RANK_DEPTH, if found
    score: float


@dataclass
class EvalReport:
    in_scope: int = 0
    off_topic: int = 0
    recall_at_1: float = 0.0
    recall_at_3: float = 0.0
    mrr: float = 0.0
    answered_in_scope: float = 0.0
    abstained_off_topic: float = 0.0
    latency_ms_p50: float | None = None
    misses: list[Miss] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "in_scope": self.in_scope,
            "off_topic": self.off_topic,
            "recall_at_1": round(self.recall_at_1, 4),
            "recall_at_3": round(self.recall_at_3, 4),
            "mrr": round(self.mrr, 4),
            "answered_in_scope": round(self.answered_in_scope, 4),
            "abstained_off_topic": round(self.abstained_off_topic, 4),
            "latency_ms_p50": None
            if self.latency_ms_p50 is None
            else round(self.latency_ms_p50, 2),
            "misses": [miss.__dict__ for miss in self.misses],
        }


def load_questions(path: Path, split: str | None = None) -> list[LabelledQuestion]:
    """Read a labelled question file; `split` keeps only that split. Errors name the line."""
    try:
        # Lines end at "\n" only: U+2028 may stand inside a JSON string (see bot/cli.py).
        lines = path.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimbotError(f"cannot read labelled questions from {path}: {exc}") from exc
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            question = _labelled(json.loads(line))
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            raise ClaimbotError(
                f"{path.name}, line {number}: expected "
                '{"question": "...", "expect": ["..."], "split": "..."} '
                "(a non-empty question, expect a list of non-empty headline fragments)"
            ) from exc
        if split is None or question.split == split:
            questions.append(question)
    if not questions:
        raise ClaimbotError(
            f"{path.name}: no questions" + (f" in split {split!r}" if split else "")
        )
    return questions


def _labelled(row: dict[str, object]) -> LabelledQuestion:
    """One labelled row, its types checked: a string as `expect` would be read letter by
    letter and an empty fragment matches every headline, so either scored as right."""
    question, expect, split = row["question"], row.get("expect", []), row.get("split")
    if not isinstance(question, str) or not question.strip():
        raise TypeError("question")
    if not isinstance(expect, list) or not all(isinstance(e, str) and e.strip() for e in expect):
        raise TypeError("expect")
    if split is not None and not isinstance(split, str):
        raise TypeError("split")
    return LabelledQuestion(question, tuple(e.casefold() for e in expect), split)


def evaluate(
    index: ClaimIndex, questions: list[LabelledQuestion], measure_latency: bool = False
) -> EvalReport:
    """Score `index` on `questions`. With `measure_latency`, each question is also asked on its
    own, end to end (embedding included), and the median time reported."""
    report = EvalReport()
    vectors = index.embed_questions([q.question for q in questions])
    hits1 = hits3 = 0
    reciprocal = 0.0
    answered_in = abstained_off = 0
    for labelled, vector in zip(questions, vectors, strict=True):
        answer = index.answer(labelled.question, vector, k=3)
        best = answer.best
        if not labelled.in_scope:
            report.off_topic += 1
            abstained_off += not answer.answered
            if answer.answered and best is not None:
                report.misses.append(
                    Miss(labelled.question, (), best.card.headline, True, None, best.score)
                )
            continue
        report.in_scope += 1
        ranked = index.search_vector(vector, RANK_DEPTH, labelled.question)
        rank = next((n for n, h in enumerate(ranked, 1) if labelled.matches(h.card.headline)), None)
        hits1 += rank == 1
        hits3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        answered_in += answer.answered
        if rank != 1 or not answer.answered:
            top = ranked[0] if ranked else None
            report.misses.append(
                Miss(
                    labelled.question,
                    labelled.expect,
                    top.card.headline if top else None,
                    answer.answered,
                    rank,
                    top.score if top else 0.0,
                )
            )
    if report.in_scope:
        report.recall_at_1 = hits1 / report.in_scope
        report.recall_at_3 = hits3 / report.in_scope
        report.mrr = reciprocal / report.in_scope
        report.answered_in_scope = answered_in / report.in_scope
    if report.off_topic:
        report.abstained_off_topic = abstained_off / report.off_topic
    if measure_latency:
        report.latency_ms_p50 = _latency_ms(index, questions)
    return report


def _latency_ms(index: ClaimIndex, questions: list[LabelledQuestion]) -> float:
    index.ask(questions[0].question)  # warm-up
    times = []
    for labelled in questions:
        started = time.perf_counter()
        index.ask(labelled.question)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
