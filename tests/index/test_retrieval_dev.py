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
    top = real_index.search_vector(real_index.embed_questions([question])[0], 1, question)
    assert any(e in top[0].card.headline.casefold() for e in expect)


def test_most_dev_questions_in_scope_are_answered(real_index: ClaimIndex) -> None:
    in_scope = [q for q, expect in _questions() if expect]
    answered = [q for q in in_scope if real_index.ask(q).answered]
    # Measured 9 of 10 (docs/retrieval.md): the one left is indirect, its right card first
    # with a confidence just under the threshold.
    assert len(answered) >= 0.8 * len(in_scope), set(in_scope) - set(answered)
