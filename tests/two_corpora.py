"""Two review sets that a reindex alternates between, and what each one's index answers.

Corpus A and corpus B share a file name with different content (a changed review), a file
with the same content (kept), and each has a file the other lacks (added, removed), so going
from one to the other exercises every path of an incremental reindex. A `Fingerprint` is
everything an index answers to a fixed set of questions; an index that serves exactly A or
exactly B has that corpus's fingerprint, and any mix of the two has neither.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from index import ClaimIndex, reindex
from tests.conftest import REFERENCE_REVIEW, TEST_DATA
from tests.fakes import HashingEmbedder

QUESTIONS = (
    "are Nvidia margins really that high?",
    "do Chinese open models have friendlier licenses?",
    "does fasting burn more fat?",
    "do seed oils cause inflammation?",
    "is nuclear the safest energy source?",
    "does rent control reduce supply?",
    "are TPUs cheaper than GPUs?",
    "is Mistral at the frontier?",
)

_LEX = REFERENCE_REVIEW.name
_CHANGED_VERDICT = ("Verdict: Accurate — verified by public financial data", "Verdict: Overstated")


AnswerPrint = tuple[bool, tuple[tuple[str, float], ...]]


@dataclass(frozen=True)
class Fingerprint:
    """The card ids of an index and, per question, whether it answers and every card's score."""

    card_ids: frozenset[str]
    answers: tuple[AnswerPrint, ...]


def answer_print(index: ClaimIndex, question: str) -> AnswerPrint:
    """Whether `index` answers `question`, and the score of every card it returns."""
    # Asking for every card makes the comparison independent of how ties are ordered.
    answer = index.ask(question, k=index.manifest.cards)
    return answer.answered, tuple(sorted((h.card.id, round(h.score, 4)) for h in answer.hits))


def fingerprint(index: ClaimIndex) -> Fingerprint:
    card_ids = frozenset(hit.card.id for hit in index.all_cards())
    return Fingerprint(card_ids, tuple(answer_print(index, q) for q in QUESTIONS))


def write_corpora(root: Path) -> tuple[Path, Path]:
    """Create the review folders of corpus A and corpus B under `root`."""
    a, b = root / "corpus-a", root / "corpus-b"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    shutil.copy(REFERENCE_REVIEW, a / _LEX)
    changed = REFERENCE_REVIEW.read_text("utf-8").replace(*_CHANGED_VERDICT)
    assert changed != REFERENCE_REVIEW.read_text("utf-8")
    (b / _LEX).write_text(changed, "utf-8")
    for folder in (a, b):
        shutil.copy(TEST_DATA / "reviews" / "gut-feeling-37.txt", folder)
    shutil.copy(TEST_DATA / "reviews" / "compute-frontier-112.txt", a)
    shutil.copy(TEST_DATA / "reviews" / "money-matters-205.txt", b)
    return a, b


def reference_fingerprints(root: Path, a: Path, b: Path) -> tuple[Fingerprint, Fingerprint]:
    """The fingerprints of A and B, each built from scratch in its own folder."""
    prints = []
    for name, reviews in (("reference-a", a), ("reference-b", b)):
        embedder = HashingEmbedder()
        reindex(reviews, root / name, embedder)
        index = ClaimIndex.open(root / name, embedder)
        prints.append(fingerprint(index))
        index.close()
    fp_a, fp_b = prints
    assert fp_a != fp_b
    return fp_a, fp_b


class Corpora:
    """Corpus A and B written under `root`, with their reference fingerprints."""

    def __init__(self, root: Path) -> None:
        self.a, self.b = write_corpora(root)
        self.print_a, self.print_b = reference_fingerprints(root, self.a, self.b)

    def of(self, index: ClaimIndex) -> Fingerprint:
        """The reference of the corpus whose cards `index` holds."""
        ids = frozenset(hit.card.id for hit in index.all_cards())
        matching = [p for p in (self.print_a, self.print_b) if p.card_ids == ids]
        assert matching, "a generation holding the cards of neither corpus"
        return matching[0]


def served(index_dir: Path) -> Fingerprint:
    """The fingerprint of what the index in `index_dir` serves now."""
    index = ClaimIndex.open(index_dir, HashingEmbedder())
    try:
        return fingerprint(index)
    finally:
        index.close()
