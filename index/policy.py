"""When the best card answers a question, and when claimbot should say it has no verdict.

The rule combines two signals, both cosine similarities from the same vector search:
- how well the best card matches the question (`top`);
- how much better it matches than the review's commentary (`top - commentary`). A question
  that matches what a review merely mentions (a guest's other work, an aside in the bottom
  line) as well as or better than any claim is a near miss: the episode touched the topic but
  gave no verdict on it.

    confidence = top + commentary_weight * (top - commentary)   answered ⇔ confidence ≥ threshold

With `commentary_weight = 0` this is the plain cosine threshold. The values were chosen on the
tuning split of tests/data/questions.jsonl and are reported on the held-out split in
docs/retrieval.md (`claimbot eval`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AnswerPolicy:
    """The abstention rule's parameters."""

    threshold: float = 0.455
    commentary_weight: float = 0.5
    neutral_margin: float = 0.28
    """The margin assumed when an index has no commentary at all: the median margin of
    in-scope tuning questions, so such an index behaves like a plain threshold."""
    lexical_weight: float = 0.0
    """Weight of the BM25 score blended into card scores (0 = dense only)."""

    def confidence(self, top: float, commentary: float | None) -> float:
        margin = self.neutral_margin if commentary is None else top - commentary
        return top + self.commentary_weight * margin

    def with_threshold(self, threshold: float | None) -> AnswerPolicy:
        """This policy with the threshold overridden (a setting), if given."""
        return self if threshold is None else replace(self, threshold=threshold)


BASELINE_POLICY = AnswerPolicy(threshold=0.45, commentary_weight=0.0)
"""The plain cosine threshold, kept for the comparison in docs/retrieval.md."""
