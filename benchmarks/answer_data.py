"""Labelled questions → the evidence the answer model weighs, and the figures it earns.

Shared by the CheckThat! benchmark, the labelled podcast set and the fitting script: the
evidence comes from the real `ClaimIndex.candidates` (real model, real FAISS), so what is fit
offline is what runs online.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index import ClaimIndex, Hit
from index.ranking import AnswerModel, Linear, decider_features, sigmoid

DEPTH = 40
"""Candidates kept per question: more than the ranker ever weighs (10 dense + 5 lexical)."""


@dataclass
class Example:
    """One labelled question's candidates, as the ranker sees them."""

    source: str  # "checkthat" or "podcasts"
    group: str  # the fold: a split, or the review a question is about
    question: str
    rows: list[tuple[float, ...]]  # ranker features, one row per candidate
    labels: list[bool]  # whether each candidate is a right card
    commentary: float | None
    question_terms: int
    answerable: bool  # a right card is in the index
    kind: str = ""  # the labelled set's kind of question (in-scope, near-miss-card, ...)
    held_out: bool = False  # never fit on (the CI guard's questions)


def collect(
    index: ClaimIndex,
    questions: Sequence[str],
    is_right: Callable[[int, Hit], bool],  # (question number, hit) → right?
    answerable: Sequence[bool],
    groups: Sequence[str],
    source: str,
) -> list[Example]:
    vectors = index.embed_questions(list(questions))
    examples = []
    for n, (text, vector) in enumerate(zip(questions, vectors, strict=True)):
        found = index.candidates(text, vector, DEPTH)
        hits = index.hits(found.ranked)
        examples.append(
            Example(
                source,
                groups[n],
                text,
                [c.features for c in found.ranked],
                [is_right(n, hit) for hit in hits],
                found.commentary,
                found.question_terms,
                answerable[n],
            )
        )
    return examples


@dataclass(frozen=True)
class Outcome:
    """What the model does with one question: the rank of the first right card (None: not
    among the candidates) and the probability that the best card answers."""

    rank: int | None
    confidence: float
    right_first: bool
    answerable: bool
    average_precision: float  # at 5, for MAP@5

    @classmethod
    def of(cls, labels: Sequence[bool], confidence: float, answerable: bool) -> Outcome:
        """The outcome of candidates whose rightness is `labels`, best first."""
        rank = next((n for n, right in enumerate(labels, 1) if right), None)
        hits, precision_sum = 0, 0.0
        for n, right in enumerate(labels[:5], 1):
            if right:
                hits += 1
                precision_sum += hits / n
        relevant = sum(labels)
        ap = precision_sum / min(relevant, 5) if relevant else 0.0
        return cls(rank, confidence, rank == 1, answerable, ap)


def decide(example: Example, model: AnswerModel | tuple[Linear, Linear]) -> Outcome:
    if isinstance(model, AnswerModel):
        ranker, decider = model.ranker, model.decider_for(example.commentary)
    else:
        ranker, decider = model
    scores = [ranker.logit(row) for row in example.rows]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranked_scores = [scores[i] for i in order]
    ranked_rows = [example.rows[i] for i in order]
    confidence = 0.0
    # No words, no answer, as in index/weighing.py (which also refuses numbers alone: the
    # evidence keeps only how many terms a question has).
    if order and example.question_terms:
        features = decider_features(
            ranked_scores, 0, ranked_rows, example.commentary, example.question_terms
        )
        confidence = sigmoid(decider.logit(features))
    labels = [example.labels[i] for i in order]
    return Outcome.of(labels, confidence, example.answerable)


@dataclass(frozen=True)
class Figures:
    questions: int
    recall_1: float
    recall_3: float
    mrr: float
    map_5: float
    answered: float  # of the answerable questions
    abstained: float  # of the questions without a right card in the index (nan if none)
    precision: float  # of the answers given, the share whose first card is right

    @staticmethod
    def of(outcomes: Sequence[Outcome], threshold: float) -> Figures:
        answerable = [o for o in outcomes if o.answerable]
        unanswerable = [o for o in outcomes if not o.answerable]
        answers = [o for o in outcomes if o.confidence >= threshold]
        n = len(answerable) or 1
        return Figures(
            len(outcomes),
            sum(o.rank == 1 for o in answerable) / n,
            sum(o.rank is not None and o.rank <= 3 for o in answerable) / n,
            sum(1 / o.rank for o in answerable if o.rank) / n,
            sum(o.average_precision for o in answerable) / n,
            sum(o.confidence >= threshold for o in answerable) / n,
            sum(o.confidence < threshold for o in unanswerable) / len(unanswerable)
            if unanswerable
            else math.nan,
            sum(o.right_first for o in answers) / len(answers) if answers else math.nan,
        )

    def row(self) -> str:
        def pct(x: float) -> str:
            return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"

        return (
            f"| {self.questions} | {self.recall_1:.3f} | {self.recall_3:.3f} | {self.mrr:.3f} "
            f"| {self.map_5:.3f} | {pct(self.answered)} | {pct(self.abstained)} "
            f"| {pct(self.precision)} |"
        )


TABLE_HEAD = (
    "| questions | R@1 | R@3 | MRR | MAP@5 | answered (right card indexed) "
    "| abstained (no right card) | answer precision |\n|---|---|---|---|---|---|---|---|"
)
