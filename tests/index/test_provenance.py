"""The review format's provenance lines: read, written back, and absent from old reviews."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index import ReviewFormatError, parse_review
from index.models import ParsedReview, Party, Provenance
from index.rating import PublisherRating
from index.review_writer import ClaimDraft, render_review
from tests.conftest import TEST_DATA

DATA = TEST_DATA
FACT_CHECK = DATA / "provenance" / "harbour-checks.txt"


def test_header_lines_give_the_reviews_kind_page_reviewer_date_and_language() -> None:
    episode = parse_review(FACT_CHECK).episode

    assert episode.kind == "fact-check"
    assert episode.url == "https://harbourchecks.example/2026/lighthouse"
    assert episode.reviewer == Party(
        name="Harbour Checks", url="https://harbourchecks.example", kind="organization"
    )
    assert episode.reviewed == date(2026, 3, 4)
    assert episode.language == "en"


def test_claim_lines_after_the_verdict_give_the_claims_provenance() -> None:
    card = parse_review(FACT_CHECK).cards[0]

    assert card.verdict == "Misleading"
    assert card.justification == "a lease, not a sale"
    assert card.url == "https://harbourchecks.example/2026/lighthouse#lease"
    assert card.claimant == Party(name="Mara Voss", url="https://voss.example", kind="person")
    assert card.claimed == date(2026, 3, 1)
    assert card.appearances == ("https://video.example/watch/123", "https://social.example/posts/9")
    assert card.first_appearance == "https://video.example/watch/123"
    assert card.publisher_rating == PublisherRating(value=2, worst=1, best=6)


def test_an_unknown_label_is_rated_by_the_publishers_number() -> None:
    card = parse_review(FACT_CHECK).cards[1]

    assert (card.verdict, card.rating, card.language) == ("Onwaar", 1, "nl")


def test_a_known_label_outranks_the_publishers_number() -> None:
    # "Misleading" at 2 of 1-6 would scale to 2 anyway; a label the table knows decides.
    card = parse_review(FACT_CHECK).cards[0]

    assert card.rating == 2


def test_provenance_falls_back_from_the_claim_to_its_review() -> None:
    review = parse_review(FACT_CHECK)
    second = Provenance.of(review.cards[1], review.episode)

    assert second.url == review.episode.url
    assert second.reviewer == review.episode.reviewer
    assert second.reviewed == date(2026, 3, 4)


def test_a_claim_without_claimant_line_names_its_speaker_as_claimant() -> None:
    review = parse_review(FACT_CHECK)
    card = review.cards[0].model_copy(update={"claimant": None})

    assert Provenance.of(card, review.episode).claimant == Party(name="Councillor Mara Voss")


def test_reviews_without_provenance_lines_have_none() -> None:
    review = parse_review(DATA / "reviews" / "compute-frontier-112.txt")

    assert review.episode.kind == "podcast"
    assert review.episode.url is None
    assert all(c.url is None and c.claimant is None for c in review.cards)


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("Claimed on: the other day", "expected a date"),
        ("URL: harbourchecks.example", "expected a web address"),
        ("Rating: 7 of 1-6", "not within its scale"),
        ("Language: English please", "language tag"),
    ],
)
def test_an_unreadable_provenance_value_names_its_line(
    tmp_path: Path, line: str, complaint: str
) -> None:
    text = FACT_CHECK.read_text(encoding="utf-8").replace("Claimed on: March 1, 2026", line)
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ReviewFormatError, match=complaint) as raised:
        parse_review(path)
    assert "line 23" in str(raised.value)


def test_written_provenance_parses_back_to_the_same_cards(tmp_path: Path) -> None:
    review = parse_review(FACT_CHECK)
    path = tmp_path / "again.txt"
    path.write_text(
        render_review(review.episode, [ClaimDraft.from_card(c) for c in review.cards]),
        encoding="utf-8",
    )
    again = parse_review(path)

    fields = {"source_file", "commentary", "quick_take", "bottom_line"}
    assert again.episode.model_dump(exclude=fields) == review.episode.model_dump(exclude=fields)
    assert [c.model_dump(exclude={"line"}) for c in again.cards] == [
        c.model_dump(exclude={"line"}) for c in review.cards
    ]


def test_a_lower_case_claimant_is_written_apart_from_the_quote(tmp_path: Path) -> None:
    review = parse_review(FACT_CHECK)
    draft = ClaimDraft(
        headline="Sea level rose a metre",
        verdict="False",
        quote="The sea came up a whole metre.",
        speaker="multiple sources",
        claimant=Party(name="multiple sources"),
    )
    path = tmp_path / "lower.txt"
    path.write_text(render_review(review.episode, [draft]), encoding="utf-8")
    card = parse_review(path).cards[0]

    assert card.quote == "The sea came up a whole metre."
    assert card.claimant == Party(name="multiple sources")


def _variant(tmp_path: Path, old: str, new: str) -> ParsedReview:
    """The fact-check fixture with one line written as a moderator might, parsed."""
    text = FACT_CHECK.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return parse_review(path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Reviewed by: Harbour", "Reviewed  by: Harbour"),
        ("Claimed by: Mara", "Claimed\tby: Mara"),
        ("First appeared in:", "First  appeared in:"),
    ],
)
def test_a_line_name_with_more_space_between_its_words_is_read(
    tmp_path: Path, old: str, new: str
) -> None:
    assert _variant(tmp_path, old, new) == _variant(tmp_path, old, old)


@pytest.mark.parametrize(
    "line",
    [
        "Claimed on: March 1, 2026.",
        "Appeared in: https://video.example/watch/123 https://social.example/posts/9.",
        "First appeared in: https://video.example/watch/123.",
        "Rating: 2 of 1-6.",
        "Claimed by: Mara Voss (person) https://voss.example.",
    ],
)
def test_a_trailing_full_stop_is_no_part_of_the_value(tmp_path: Path, line: str) -> None:
    old = line.split(":")[0] + ":"
    original = next(ln for ln in FACT_CHECK.read_text().splitlines() if ln.startswith(old))
    assert _variant(tmp_path, original, line) == _variant(tmp_path, original, original)


def test_a_day_before_its_month_is_read(tmp_path: Path) -> None:
    review = _variant(tmp_path, "Claimed on: March 1, 2026", "Claimed on: 1 March 2026")
    assert review.cards[0].claimed == date(2026, 3, 1)


@pytest.mark.parametrize(
    "line", ["Appeared on: https://video.example/watch/123", "- Claimed on: March 1, 2026"]
)
def test_a_line_among_the_provenance_lines_that_is_none_of_them_names_its_line(
    tmp_path: Path, line: str
) -> None:
    # Read as the justification going on, it would swallow the provenance lines above it.
    text = FACT_CHECK.read_text(encoding="utf-8").replace("Claimed on: March 1, 2026", line)
    path = tmp_path / "stray.txt"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ReviewFormatError, match="provenance") as raised:
        parse_review(path)
    assert "line 23" in str(raised.value)
