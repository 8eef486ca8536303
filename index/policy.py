"""When the best card answers a question, and when claimbot should say it has no verdict.

The decision is the answer model's (index/ranking.py): a calibrated probability that the best
card answers the question, compared with `threshold`. The model was fit on labelled questions
(docs/retrieval.md says which, and how it does on questions and reviews it never saw).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from index.ranking import AnswerModel


@cache
def _packaged_model() -> AnswerModel:
    return AnswerModel.packaged()


@dataclass(frozen=True)
class AnswerPolicy:
    """The answer model, the probability a card needs to count as an answer, and how many
    candidates the ranker weighs (by vector similarity, and by exact words)."""

    model: AnswerModel = field(default_factory=_packaged_model)
    threshold: float | None = None
    """None: the model's own threshold."""
    dense_candidates: int = 10
    lexical_candidates: int = 5

    @property
    def min_confidence(self) -> float:
        return self.model.threshold if self.threshold is None else self.threshold

    def with_threshold(self, threshold: float | None) -> AnswerPolicy:
        """This policy with the threshold overridden (a setting), if given."""
        return self if threshold is None else replace(self, threshold=threshold)
