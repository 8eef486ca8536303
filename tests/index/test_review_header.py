"""The two packed header lines of a review: "Published:" and "Guests:"."""

from __future__ import annotations

from datetime import date

from index.models import Guest
from index.review_header import parse_guests, parse_published


def test_a_published_line_gives_date_minutes_and_credibility() -> None:
    assert parse_published("January 31, 2026 ~3 hours Highly Credible") == (
        date(2026, 1, 31),
        180,
        "Highly Credible",
    )


def test_hours_and_minutes_add_up() -> None:
    assert parse_published("2026-02-03 ~1 hour 25 minutes")[1] == 85


def test_each_published_field_is_optional() -> None:
    assert parse_published("Feb. 3rd 2026") == (date(2026, 2, 3), None, None)
    assert parse_published("Highly Credible") == (None, None, "Highly Credible")
    assert parse_published("") == (None, None, None)


def test_september_abbreviated_sept_is_read() -> None:
    assert parse_published("Sept. 5, 2026 ~1 hr 30 mins Mostly Credible") == (
        date(2026, 9, 5),
        90,
        "Mostly Credible",
    )


def test_an_unreadable_date_is_left_in_the_text_not_guessed() -> None:
    assert parse_published("Smarch 45, 2026 Credible") == (None, None, "Smarch 45, 2026 Credible")


def test_guests_split_at_ampersands_commas_and_and_outside_brackets() -> None:
    assert parse_guests('Ann Lee (CEO, Acme) & Bo Chen (author of "Rise, Fall") and Cy') == (
        Guest(name="Ann Lee", role="CEO, Acme"),
        Guest(name="Bo Chen", role='author of "Rise, Fall"'),
        Guest(name="Cy"),
    )
