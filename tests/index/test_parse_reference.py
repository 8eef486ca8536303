"""The parser on the first real review: exactly its six claims, word for word."""

from __future__ import annotations

from datetime import date

import pytest

from index import ParsedReview, parse_review
from tests.conftest import REFERENCE_REVIEW

HEADLINES = [
    "DeepSeek Kicked Off a Movement in China Like ChatGPT Did in the US",
    '"Claude Code Is Way Better" for Programming',
    '"NVIDIA Chips Margin Is Insane" — Google\'s TPU Advantage',
    'Chinese Open Models Have "Friendlier Licenses"',
    "gpt-oss Is First Open Model Trained for Tool Use",
    'Transformer Architecture Is "Surprisingly Similar" Across Models',
]
VERDICTS = ["Accurate", "Credible", "Accurate", "Accurate", "Largely accurate", "Accurate"]


@pytest.fixture(scope="module")
def review() -> ParsedReview:
    return parse_review(REFERENCE_REVIEW)


def _file_lines() -> list[str]:
    return REFERENCE_REVIEW.read_text(encoding="utf-8").splitlines()


def test_reference_review_yields_exactly_six_cards(review: ParsedReview) -> None:
    assert len(review.cards) == 6


def test_headlines_match_the_file_word_for_word(review: ParsedReview) -> None:
    assert [c.headline for c in review.cards] == HEADLINES
    lines = _file_lines()
    for card in review.cards:
        assert card.headline in lines[card.line - 1]


def test_quotes_match_the_file_without_their_quote_marks(review: ParsedReview) -> None:
    text = REFERENCE_REVIEW.read_text(encoding="utf-8")
    for card in review.cards:
        assert f'"{card.quote}"' in text
        assert not card.quote.startswith('"') and not card.quote.endswith('"')
    assert review.cards[0].quote.startswith("DeepSeek kicked off a movement within China")
    assert review.cards[5].quote.endswith("they are surprisingly similar.")


def test_verdict_labels_are_kept_as_written_with_justification(review: ParsedReview) -> None:
    assert [c.verdict for c in review.cards] == VERDICTS
    assert review.cards[4].justification == (
        "some prior tool-calling models existed, but distinction is meaningful"
    )


def test_ratings_put_accurate_high_and_largely_accurate_one_below(review: ParsedReview) -> None:
    assert [c.rating for c in review.cards] == [5, 5, 5, 5, 4, 5]


def test_topic_emoji_keeps_all_its_code_points(review: ParsedReview) -> None:
    assert review.cards[0].emoji == "🇨🇳"
    assert review.cards[5].emoji == "🏗️"  # with its variation selector


def test_analysis_keeps_paragraphs_and_bullets_in_order(review: ParsedReview) -> None:
    card = review.cards[0]
    assert card.paragraphs[0].startswith("This is an accurate characterization")
    assert card.bullets == [
        "Z.ai (GLM models) — Has filed IPO paperwork, actively seeking Western mindshare",
        "MiniMax — Also pursuing IPO, releasing frontier models",
        "Moonshot (Kimi K2 Thinking) — Praised for creative writing and coding capabilities",
        "Qwen (Alibaba) — Qwen 3 cited as a standout model for performance",
    ]
    assert [b.bullet for b in card.analysis] == [False, True, True, True, True, False]


def test_episode_header_is_parsed(review: ParsedReview) -> None:
    episode = review.episode
    assert episode.podcast == "Lex Fridman Podcast"
    assert episode.number == 490
    assert episode.title.startswith("State of AI in 2026: LLMs, Coding")
    assert episode.published == date(2026, 1, 31)
    assert episode.duration_minutes == 180
    assert episode.credibility == "Highly Credible"


def test_guests_keep_roles_with_commas_and_quotes(review: ParsedReview) -> None:
    guests = review.episode.guests
    assert [g.name for g in guests] == ["Nathan Lambert", "Sebastian Raschka"]
    assert guests[0].role == "Post-Training Lead, AI2"
    assert guests[1].role == 'Author, "Build an LLM From Scratch"'


def test_prose_sections_are_kept(review: ParsedReview) -> None:
    assert review.episode.quick_take is not None
    assert review.episode.quick_take.startswith("Two working ML researchers")
    assert review.episode.bottom_line is not None
    assert review.episode.bottom_line.startswith("This is one of the most technically")


def test_card_ids_are_stable_readable_and_unique(review: ParsedReview) -> None:
    ids = [c.id for c in review.cards]
    assert len(set(ids)) == 6
    assert ids[0] == "lex-fridman-podcast-490/deepseek-kicked-off-a-movement-in-china-like"
    assert parse_review(REFERENCE_REVIEW).cards[0].id == ids[0]
