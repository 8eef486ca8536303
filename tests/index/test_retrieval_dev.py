"""The real model on the shared dev questions: the right card first, off-topic abstains.

A small floor that guards the core; tests/test_retrieval_eval.py holds the full targets.
"""

from __future__ import annotations

import json

import pytest

from index import ClaimIndex, Embedder, reindex
from tests.conftest import REPO

DEV_QUESTIONS = REPO / "tests" / "data" / "questions-dev.jsonl"


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> ClaimIndex:
    index_dir = tmp_path_factory.mktemp("dev-index")
    reindex(REPO / "data" / "reviews", index_dir, real_embedder)
    return ClaimIndex.open(index_dir, real_embedder)


def _questions() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in DEV_QUESTIONS.read_text("utf-8").splitlines() if line]
    return [(r["question"], r["expect"]) for r in rows]


@pytest.mark.parametrize(("question", "expect"), _questions())
def test_dev_question(real_index: ClaimIndex, question: str, expect: list[str]) -> None:
    answer = real_index.ask(question)
    if not expect:
        assert not answer.answered, f"should abstain, answered {answer.hits[0].card.headline!r}"
        return
    assert answer.answered, f"abstained; best was {answer.hits[0].score:.3f}"
    top3 = [
        h.card.headline.casefold()
        for h in real_index.search_vector(real_index.embed_questions([question])[0], 3)
    ]
    assert any(e in top3[0] for e in expect) or any(e in h for e in expect for h in top3)
