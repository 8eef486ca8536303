"""Retrieval floors on the held-out split, with the real model: a change that hurts retrieval
cannot land silently. The answer model was never fit on this split (docs/retrieval.md); the
floors sit just under what it measures there (R@1 0.972, R@3 1.0, answered 84.5%, abstained
96%)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import ClaimbotError, ClaimIndex, Embedder, reindex
from index.evaluate import EvalReport, evaluate, load_questions
from tests.conftest import REPO, TEST_DATA

QUESTIONS = TEST_DATA / "questions.jsonl"


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> EvalReport:
    root = tmp_path_factory.mktemp("eval")
    reviews = root / "reviews"
    reviews.mkdir()
    for path in [*(REPO / "data/reviews").glob("*.txt"), *(TEST_DATA / "reviews").glob("*.txt")]:
        shutil.copy(path, reviews)
    reindex(reviews, root / "index", real_embedder)
    index = ClaimIndex.open(root / "index", real_embedder)
    return evaluate(index, load_questions(QUESTIONS, "test"))


def test_the_labelled_set_is_big_enough_to_mean_something() -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 150
    assert sum(not q.in_scope for q in questions) >= 40
    assert {q.split for q in questions} == {"tune", "test"}


def test_recall_at_1_on_held_out_questions(held_out: EvalReport) -> None:
    assert held_out.recall_at_1 >= 0.95, held_out.misses


def test_recall_at_3_on_held_out_questions_is_perfect(held_out: EvalReport) -> None:
    assert held_out.recall_at_3 == 1.0, held_out.misses


def test_off_topic_held_out_questions_abstain(held_out: EvalReport) -> None:
    assert held_out.abstained_off_topic >= 0.95, held_out.misses


def test_in_scope_held_out_questions_are_answered(held_out: EvalReport) -> None:
    assert held_out.answered_in_scope >= 0.83, held_out.misses


def test_a_broken_question_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "ok", "expect": []}\nnot json\n', "utf-8")
    with pytest.raises(ClaimbotError, match=r"q\.jsonl, line 2"):
        load_questions(bad)


@pytest.mark.parametrize(
    "row",
    [
        '{"question": "who won the 1998 world cup", "expect": "france"}',  # not a list
        '{"question": "anything", "expect": [""]}',  # matches every headline
        '{"question": null, "expect": []}',
        '{"question": "x", "expect": [], "split": 1}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_labelled_row_that_would_score_wrongly_is_refused_naming_its_line(
    tmp_path: Path, row: str
) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "ok", "expect": []}\n' + row + "\n", "utf-8")
    with pytest.raises(ClaimbotError, match=r"q\.jsonl, line 2"):
        load_questions(bad)


def test_a_labelled_question_may_hold_a_line_separator(tmp_path: Path) -> None:
    good = tmp_path / "q.jsonl"
    good.write_text('{"question": "nvidia\u2028margins", "expect": []}\n', "utf-8")
    assert [q.question for q in load_questions(good)] == ["nvidia\u2028margins"]
