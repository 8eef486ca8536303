"""Questions and cards in a language the model does not read: an English-only model never
shows a Hindi card, and says so when the question itself is Hindi; a multilingual one gates
nothing. The review files are made up; the fake embedder matches shared words."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import ALL_LANGUAGES, AnswerPolicy, ClaimIndex, LanguageMismatch, reindex
from index.language import ENGLISH, ModelLanguages
from tests.fakes import HashingEmbedder

ENGLISH_REVIEW = """← Back to Harbour Checks

Did the Kerala flood of 2018 kill thousands?
Kind: fact-check

Key Claims Examined

🌊 The Kerala flood of 2018 killed ten thousand people

"The Kerala flood of 2018 killed ten thousand people and the government hid it."

Our Analysis

Official figures put the deaths at about five hundred; no record supports ten thousand.

Verdict: False — the official toll was about five hundred
"""

# No Language: line: the card's language is detected from its words.
HINDI_REVIEW = """← Back to Satya Jaanch

केरल बाढ़ के बारे में वायरल दावा
Kind: fact-check

Key Claims Examined

🌧️ केरल की बाढ़ में दस हज़ार लोग मारे गए

"केरल की बाढ़ में दस हज़ार लोग मारे गए और सरकार ने यह बात छिपाई।"

Our Analysis

सरकारी आंकड़ों के अनुसार बाढ़ में लगभग पाँच सौ लोगों की मृत्यु हुई थी।
दस हज़ार का दावा किसी भी रिकॉर्ड से मेल नहीं खाता।

Verdict: False — सरकारी आंकड़े लगभग पाँच सौ मौतें बताते हैं
"""

# Declared Hindi, with the English question's words in it: it would be the best match.
DECLARED_HINDI_REVIEW = """← Back to Satya Jaanch

Kerala flood 2018 वीडियो
Kind: fact-check
Language: hi

Key Claims Examined

🎥 Kerala flood 2018 ten thousand वीडियो पुराना है

"Kerala flood 2018 killed ten thousand people वीडियो"

Our Analysis

यह वीडियो पुराना है और किसी दूसरी जगह का है।

Verdict: False — वीडियो पुराना है
"""

ENGLISH_QUESTION = "Did the Kerala flood of 2018 kill ten thousand people?"
HINDI_QUESTION = "क्या केरल की बाढ़ में दस हज़ार लोग मारे गए?"


@pytest.fixture
def built(tmp_path: Path, embedder: HashingEmbedder) -> Path:
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    (reviews / "kerala-en.txt").write_text(ENGLISH_REVIEW, encoding="utf-8")
    (reviews / "kerala-hi.txt").write_text(HINDI_REVIEW, encoding="utf-8")
    (reviews / "kerala-video-hi.txt").write_text(DECLARED_HINDI_REVIEW, encoding="utf-8")
    index_dir = tmp_path / "index"
    reindex(reviews, index_dir, embedder)
    return index_dir


def _open(index_dir: Path, embedder: HashingEmbedder, languages: ModelLanguages) -> ClaimIndex:
    return ClaimIndex.open(index_dir, embedder, AnswerPolicy(threshold=0.3), languages)


def _podcasts(index: ClaimIndex, question: str) -> list[str]:
    return [hit.episode.podcast for hit in index.ask(question, k=5).hits]


def test_an_english_question_never_gets_a_card_the_english_model_cannot_read(
    built: Path, embedder: HashingEmbedder
) -> None:
    index = _open(built, embedder, ENGLISH)
    assert _podcasts(index, ENGLISH_QUESTION) == ["Harbour Checks"]


def test_an_unrelated_english_question_lists_no_card_the_model_cannot_read(
    built: Path, embedder: HashingEmbedder
) -> None:
    index = _open(built, embedder, ENGLISH)
    assert _podcasts(index, "Are Nvidia's chip margins really that high?") == ["Harbour Checks"]


def test_a_hindi_question_to_an_english_model_gets_the_language_answer(
    built: Path, embedder: HashingEmbedder
) -> None:
    answer = _open(built, embedder, ENGLISH).ask(HINDI_QUESTION)
    assert answer.language == LanguageMismatch(question_language="hi", served=("en",))
    assert not answer.answered and answer.hits == ()


def test_a_refused_question_is_not_embedded(built: Path) -> None:
    embedder = HashingEmbedder()
    _open(built, embedder, ENGLISH).ask(HINDI_QUESTION)
    assert embedder.texts_embedded == 0


def test_a_multilingual_model_matches_an_english_question_to_a_hindi_card_too(
    built: Path, embedder: HashingEmbedder
) -> None:
    podcasts = _podcasts(_open(built, embedder, ALL_LANGUAGES), ENGLISH_QUESTION)
    assert sorted(podcasts) == ["Harbour Checks", "Satya Jaanch"]


def test_a_multilingual_model_answers_a_hindi_question_with_the_hindi_card(
    built: Path, embedder: HashingEmbedder
) -> None:
    answer = _open(built, embedder, ALL_LANGUAGES).ask(HINDI_QUESTION)
    assert answer.language is None and answer.answered
    assert answer.hits[0].card.headline.startswith("केरल की बाढ़")


def test_browsing_shows_cards_the_model_cannot_read(built: Path, embedder: HashingEmbedder) -> None:
    index = _open(built, embedder, ENGLISH)
    assert len(index.all_cards()) == 3
    hindi = index.find_episode("kerala-hi.txt")
    assert index.card(index.episode_cards(hindi)[0].id).episode == hindi


def test_an_english_question_with_an_unsure_language_is_matched(
    built: Path, embedder: HashingEmbedder
) -> None:
    answer = _open(built, embedder, ENGLISH).ask("Kerala 2018?")
    assert answer.language is None and answer.hits
