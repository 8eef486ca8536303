"""The parser holds for every variation REVIEW-FORMAT.md describes, and broken files raise
one error type naming the file, the line and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index import ReviewFormatError, parse_review, parse_review_bytes
from tests.conftest import REFERENCE_REVIEW, TEST_DATA

VARIANTS = TEST_DATA / "variants"
BROKEN = TEST_DATA / "broken"
EXPECTED: dict[str, Any] = json.loads((VARIANTS / "expected.json").read_text("utf-8"))
BROKEN_EXPECTED: dict[str, Any] = json.loads((BROKEN / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_header_is_parsed(name: str) -> None:
    episode = parse_review(VARIANTS / name).episode
    expected = EXPECTED[name]
    assert episode.podcast == expected["podcast"]
    assert episode.number == expected["number"]
    assert episode.title == expected["title"]
    assert episode.duration_minutes == expected["duration_minutes"]
    assert [g.model_dump() for g in episode.guests] == expected["guests"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_claims_match_word_for_word(name: str) -> None:
    cards = parse_review(VARIANTS / name).cards
    got = [
        {
            "headline": c.headline,
            "quote": c.quote,
            "verdict": c.verdict,
            "justification": c.justification,
        }
        for c in cards
    ]
    assert got == EXPECTED[name]["claims"]


def test_crlf_and_bom_do_not_leak_into_text() -> None:
    raw = (VARIANTS / "crlf-bom.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the fixture really is CRLF+BOM
    review = parse_review(VARIANTS / "crlf-bom.txt")
    texts = [review.episode.podcast, *(c.headline for c in review.cards)]
    assert not any("\r" in t or "\ufeff" in t for t in texts)


def test_multi_code_point_emoji_are_kept_whole() -> None:
    cards = parse_review(VARIANTS / "multi-codepoint-emoji.txt").cards
    assert [c.emoji for c in cards] == ["🇯🇵", "❤️", "👩‍🔬", "3️⃣"]


def test_unknown_labels_are_kept_and_rated_never_rejected() -> None:
    cards = parse_review(VARIANTS / "unknown-labels.txt").cards
    assert [c.verdict for c in cards] == [
        "Pants on fire",
        "Half-baked",
        "Needs context",
        "Mostly true",
    ]
    assert [c.rating for c in cards] == [1, 2, 3, 4]


def test_dash_bullets_are_bullets() -> None:
    cards = parse_review(VARIANTS / "dash-bullets.txt").cards
    assert all(card.bullets for card in cards)
    assert not any(b.startswith("-") for card in cards for b in card.bullets)


def test_missing_optional_sections_leave_fields_empty() -> None:
    episode = parse_review(VARIANTS / "missing-optional-sections.txt").episode
    assert episode.quick_take is None and episode.bottom_line is None


def test_a_line_ending_only_in_cr_still_parses() -> None:
    text = (VARIANTS / "single-guest.txt").read_bytes().replace(b"\n", b"\r")
    assert parse_review_bytes(text, "mac.txt").cards


@pytest.mark.parametrize("name", sorted(BROKEN_EXPECTED))
def test_broken_file_raises_review_format_error_naming_file_and_line(name: str) -> None:
    expected = BROKEN_EXPECTED[name]
    with pytest.raises(ReviewFormatError) as caught:
        parse_review(BROKEN / name)
    error = caught.value
    message = str(error)
    assert error.path.name == name
    for fragment in expected["mentions"]:
        assert fragment.casefold() in message.casefold()
    if expected["line"] is not None:
        assert error.line == expected["line"]
        assert f"line {expected['line']}" in message


def test_a_claim_without_verdict_names_that_claim() -> None:
    with pytest.raises(ReviewFormatError) as caught:
        parse_review(BROKEN / "claim-without-verdict.txt")
    assert caught.value.claim == "Home Batteries Always Save Money"
    assert "Verdict:" in str(caught.value)


def _reference_edited(old: str, new: str) -> bytes:
    text = REFERENCE_REVIEW.read_text("utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


def test_a_claim_whose_quote_lost_its_opening_mark_is_an_error_not_a_lost_claim() -> None:
    text = _reference_edited('"You can have Claude Code open', "You can have Claude Code open")
    with pytest.raises(ReviewFormatError, match="could not be read") as caught:
        parse_review_bytes(text, "edited.txt")
    # The verdict before it ends the claim before it; the unread one starts on the next line.
    assert caught.value.line == 33
    assert (
        caught.value.claim == "DeepSeek Kicked Off a Movement in China Like ChatGPT Did in the US"
    )


def test_a_first_claim_that_cannot_be_read_is_an_error_not_a_lost_claim() -> None:
    text = _reference_edited(
        '"DeepSeek kicked off a movement within', "DeepSeek kicked off a movement within"
    )
    with pytest.raises(ReviewFormatError, match="could not be read") as caught:
        parse_review_bytes(text, "edited.txt")
    assert caught.value.line == 31  # its verdict, before the first claim that could be read


def test_a_verdict_before_the_analysis_is_an_error_not_a_lost_analysis() -> None:
    verdict = "Verdict: Accurate — documented industry trend\n"
    text = _reference_edited(verdict, "").decode("utf-8")
    text = text.replace("Our Analysis\n", verdict + "\nOur Analysis\n", 1)
    with pytest.raises(ReviewFormatError, match="goes on after its 'Verdict:' line"):
        parse_review_bytes(text.encode("utf-8"), "edited.txt")


def test_a_justification_wrapped_onto_the_next_line_is_kept_whole() -> None:
    text = _reference_edited(
        "Verdict: Accurate — documented industry trend",
        "Verdict: Accurate — documented industry\ntrend, in every report we read",
    )
    card = parse_review_bytes(text, "edited.txt").cards[0]
    assert card.justification == "documented industry trend, in every report we read"
    assert len(parse_review_bytes(text, "edited.txt").cards) == 6


def test_a_quote_missing_its_closing_mark_keeps_its_sentence_not_a_made_up_speaker() -> None:
    line = next(
        ln for ln in REFERENCE_REVIEW.read_text("utf-8").splitlines() if ln.startswith('"You can')
    )
    text = _reference_edited(line, '"Everyone says "Claude Code" - but that came from one post.')
    card = parse_review_bytes(text, "edited.txt").cards[1]
    assert card.speaker is None
    assert card.quote == 'Everyone says "Claude Code" - but that came from one post.'


def test_a_headline_wrapped_onto_two_lines_is_one_headline() -> None:
    text = _reference_edited(
        '💰 "NVIDIA Chips Margin Is Insane" — Google',
        '💰 "NVIDIA Chips Margin\nIs Insane" — Google',
    )
    cards = parse_review_bytes(text, "edited.txt").cards
    assert len(cards) == 6
    assert cards[2].emoji == "💰"
    assert cards[2].headline == '"NVIDIA Chips Margin Is Insane" — Google\'s TPU Advantage'
    assert cards[1].justification == "reflects current practitioner consensus"


def test_a_missing_title_is_reported_where_it_should_be() -> None:
    text = b"\xe2\x86\x90 Back to Test Bench\nEpisode #14\n\nQuick Take\n\nA take.\n"
    with pytest.raises(ReviewFormatError, match="title is missing") as caught:
        parse_review_bytes(text, "t.txt")
    assert caught.value.line == 4  # "Quick Take", where the title should have been


def test_a_missing_file_is_a_review_format_error(tmp_path: Path) -> None:
    with pytest.raises(ReviewFormatError, match="cannot read"):
        parse_review(tmp_path / "gone.txt")


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(ReviewFormatError, match="at most"):
        parse_review_bytes(b"x" * 3_000_000, "huge.txt")


@pytest.mark.parametrize(
    "name", ["compute-frontier-112.txt", "gut-feeling-37.txt", "money-matters-205.txt"]
)
def test_the_made_up_eval_reviews_parse_to_eight_claims(name: str) -> None:
    assert len(parse_review(TEST_DATA / "reviews" / name).cards) == 8


def _label_of(verdict_line: str) -> str:
    text = REFERENCE_REVIEW.read_text("utf-8")
    first = text.index("Verdict:")
    end = text.index("\n", first)
    edited = text[:first] + verdict_line + text[end:]
    return parse_review_bytes(edited.encode("utf-8"), Path("edited.txt")).cards[0].verdict


def test_a_one_word_label_loses_its_closing_stop() -> None:
    assert _label_of("Verdict: Accurate.") == "Accurate"


def test_a_label_that_is_a_sentence_keeps_its_closing_stop() -> None:
    label = "Officials said the figure was never published in any report."
    assert _label_of(f"Verdict: {label}") == label


def test_a_label_of_several_sentences_keeps_its_closing_stop() -> None:
    label = "Never said. «Nonsense», says the office."
    assert _label_of(f"Verdict: {label}") == label
