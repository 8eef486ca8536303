"""The labelled set written apart from the engine (tests/data/labelled): its shape, so that
leave-one-review-out figures (docs/retrieval.md) mean what they say."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from index import parse_review
from tests.conftest import TEST_DATA

LABELLED = TEST_DATA / "labelled"


def _rows() -> list[dict[str, object]]:
    return [
        json.loads(line)
        for path in sorted(LABELLED.glob("questions-*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]


def test_the_labelled_set_is_as_big_as_the_issue_asks() -> None:
    kinds = Counter(str(row["kind"]) for row in _rows())
    assert len(list((LABELLED / "reviews").glob("*.txt"))) >= 8
    assert sum(kinds.values()) >= 400
    assert kinds["in-scope"] + 150 <= sum(kinds.values())
    assert kinds["near-miss-card"] >= 60 and kinds["near-miss-commentary"] >= 30


def test_every_in_scope_question_names_exactly_one_card_of_its_review() -> None:
    headlines = {
        path.stem: [c.headline.casefold() for c in parse_review(path).cards]
        for path in (LABELLED / "reviews").glob("*.txt")
    }
    everything = [h for hs in headlines.values() for h in hs]
    for row in _rows():
        expect = [str(e) for e in row["expect"]]  # type: ignore[attr-defined]
        assert row["review"] in headlines, row
        if row["kind"] == "in-scope":
            matching = {h for h in everything if any(e in h for e in expect)}
            assert len(matching) == 1, row
            assert matching <= set(headlines[str(row["review"])]), row
        else:
            assert expect == [], row


def test_questions_are_not_repeated() -> None:
    questions = [str(row["question"]).casefold() for row in _rows()]
    assert len(questions) == len(set(questions))


def test_reviews_parse_with_all_their_claims() -> None:
    for path in (LABELLED / "reviews").glob("*.txt"):
        assert len(parse_review(Path(path)).cards) >= 6, path.name
