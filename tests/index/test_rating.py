"""Verdict labels onto the 1-5 scale: known labels, qualifiers, and unknown ones."""

from __future__ import annotations

import pytest

from index import rate_verdict, rating_colour


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        ("Accurate", 5),
        ("Credible", 5),
        ("True", 5),
        ("Largely accurate", 4),
        ("Mostly true", 4),
        ("Partially true", 3),
        ("Half-true", 3),
        ("Unverified", 3),
        ("Needs context", 3),
        ("Overstated", 2),
        ("Misleading", 2),
        ("Mostly false", 2),
        ("False", 1),
        ("Pants on fire", 1),
        ("Not accurate", 1),
    ],
)
def test_known_labels_map_to_their_point(label: str, rating: int) -> None:
    assert rate_verdict(label) == rating


@pytest.mark.parametrize(
    "label",
    [
        "Not entirely accurate",
        "Not quite right",
        "Correct in part",
        "True but misleading",
        "Accurate, but overstated",
        "Not entirely false",
    ],
)
def test_a_label_that_holds_and_qualifies_a_claim_in_one_is_mixed(label: str) -> None:
    assert rate_verdict(label) == 3


def test_an_unknown_label_lands_in_the_middle_and_is_never_rejected() -> None:
    assert rate_verdict("Zorblax") == 3
    assert rate_verdict("") == 3


def test_case_and_punctuation_do_not_matter() -> None:
    assert rate_verdict("LARGELY ACCURATE.") == 4


def test_colours_run_from_green_to_red() -> None:
    assert rating_colour(5) != rating_colour(1)
    assert rating_colour(9) == rating_colour(5)
