"""Which language a text is in (only when sure), and which languages a model reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import Episode, VerdictCard, parse_review
from index.language import (
    ALL_LANGUAGES,
    ENGLISH,
    ModelLanguages,
    card_language,
    detect_language,
    language_name,
    languages_of_model,
    unread_language,
)
from tests.conftest import REFERENCE_REVIEW


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Did the council really sell the old lighthouse for a single euro?", "en"),
        ("É verdade que o governo vai confiscar a poupança de todos em janeiro?", "pt"),
        ("¿Es cierto que beber agua con limón en ayunas cura el cáncer?", "es"),
        ("Est-ce vrai que la mairie a vendu le vieux phare pour un euro ?", "fr"),
        ("Stimmt es, dass die Regierung nächstes Jahr das Bargeld abschafft?", "de"),
        ("क्या यह सच है कि केरल की बाढ़ में दस हज़ार लोग मारे गए?", "hi"),
        ("کیا یہ سچ ہے کہ حکومت نے پرانا لائٹ ہاؤس بیچ دیا؟", "ur"),
        ("කොළඹ නගරයේ විශාල ගසක් කඩා වැටුණා යැයි පැවසෙන වීඩියෝව පැරණි එකකි", "si"),
    ],
)
def test_a_sentence_is_detected_in_its_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text", ["GPT-5 vs Claude?", "ok", "Nvidia?", "Claude Code", "5G", "🙂🙂", "", "2026-03-04"]
)
def test_a_short_or_ambiguous_text_gets_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_links_and_handles_do_not_count_as_words() -> None:
    assert detect_language("@someone https://t.co/AbCdEf pic.twitter.com/xyz") is None


def test_a_long_english_text_is_read_in_pieces_and_stays_english() -> None:
    # Read whole, past 120 characters, lingua calls this Tagalog.
    text = (
        "Video shows a parrot singing along to the radio in a kitchen window.\n"
        "Parrot Sings Along\n"
        "Video shows a parrot singing along to the radio in a kitchen window?"
    )
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "question",
    [
        "Did Mette Frederiksen ban burning the Quran?",
        "Did Magdalena Andersson resign?",
        "Is Andrés Manuel López Obrador's claim about Pemex true?",
        "Is Ferdinand Marcos Jr the president of the Philippines?",
        "Has Lars Løkke Rasmussen banned cash payments?",
        "Is the video of Tarcísio de Freitas real or fake?",
    ],
)
def test_an_english_question_naming_foreign_people_is_read_by_an_english_model(
    question: str,
) -> None:
    assert unread_language(question, ENGLISH) is None


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("É verdade que Tarcísio de Freitas privatizou a Sabesp?", "pt"),
        ("Er det rigtigt at Frederiksen vil afskaffe store bededag?", "da"),
        ("Stimmt es, dass Bill Gates Chips in Impfstoffe einbaut?", "de"),
    ],
)
def test_a_question_in_another_language_naming_people_is_still_unread(
    question: str, language: str
) -> None:
    assert unread_language(question, ENGLISH) == language


def _card(headline: str, language: str | None = None) -> VerdictCard:
    return VerdictCard(
        id="x/y",
        episode_key="x#1",
        position=1,
        emoji="🔎",
        headline=headline,
        quote="",
        verdict="False",
        rating=1,
        line=1,
        language=language,
    )


def _episode(language: str | None = None) -> Episode:
    return Episode(podcast="X", title="Y", source_file="x.txt", language=language)


def test_a_card_s_declared_language_wins_over_its_review_s_and_its_words() -> None:
    card = _card("The council sold the old lighthouse for one euro", language="nl")
    assert card_language(card, _episode(language="pt-BR")) == "nl"


def test_a_card_without_its_own_language_takes_its_review_s() -> None:
    card = _card("The council sold the old lighthouse for one euro")
    assert card_language(card, _episode(language="pt-BR")) == "pt-BR"


def test_a_card_without_a_declared_language_gets_the_one_its_words_are_in() -> None:
    card = _card("A prefeitura vendeu o velho farol por apenas um euro")
    assert card_language(card, _episode()) == "pt"


@pytest.mark.parametrize(
    "review",
    [REFERENCE_REVIEW, *sorted((Path(__file__).parents[1] / "data" / "reviews").glob("*.txt"))],
    ids=lambda path: path.name,
)
def test_every_card_of_the_english_reviews_reads_as_english(review: Path) -> None:
    parsed = parse_review(review)
    assert {card_language(card, parsed.episode) for card in parsed.cards} == {"en"}


def test_a_bcp47_tag_is_served_by_its_language() -> None:
    assert ENGLISH.serves("en-GB") and not ENGLISH.serves("pt-BR")


@pytest.mark.parametrize("tag", ["eng", "ENG", "eng-US"])
def test_a_three_letter_code_is_served_by_its_two_letter_language(tag: str) -> None:
    assert ENGLISH.serves(tag) and ModelLanguages.parse(tag).serves("en")


def test_an_unknown_language_is_served() -> None:
    assert ENGLISH.serves(None)


def test_every_language_is_served_by_a_multilingual_model() -> None:
    assert ALL_LANGUAGES.serves("si") and ALL_LANGUAGES.every


@pytest.mark.parametrize("text", ["*", "all", " ALL "])
def test_a_star_or_all_reads_as_every_language(text: str) -> None:
    assert ModelLanguages.parse(text) == ALL_LANGUAGES


def test_codes_read_as_their_languages() -> None:
    assert ModelLanguages.parse("en, pt-BR") == ModelLanguages.of(["en", "pt"])


@pytest.mark.parametrize("text", ["", "english", "en;de", "1"])
def test_a_setting_that_is_not_codes_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        ModelLanguages.parse(text)


@pytest.mark.parametrize(
    "model",
    [
        "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
        "sentence-transformers/LaBSE",
        "BAAI/bge-m3",
        "intfloat/multilingual-e5-small",
        "FacebookAI/xlm-roberta-base",
        "google/embeddinggemma-300m",
        "Snowflake/snowflake-arctic-embed-l-v2.0",
        "nomic-ai/nomic-embed-text-v2-moe",
    ],
)
def test_a_multilingual_model_name_reads_every_language(model: str) -> None:
    assert languages_of_model(model) == ALL_LANGUAGES


@pytest.mark.parametrize(
    "model",
    [
        "sentence-transformers/all-MiniLM-L6-v2",
        "all-mpnet-base-v2",
        "/models/my-m3x",
        "Snowflake/snowflake-arctic-embed-m",
        "nomic-ai/nomic-embed-text-v1.5",
    ],
)
def test_another_model_name_reads_english(model: str) -> None:
    assert languages_of_model(model) == ENGLISH


@pytest.mark.parametrize(
    ("code", "name"), [("hi", "Hindi"), ("pt-BR", "Portuguese"), ("si", "Sinhala"), ("qq", "qq")]
)
def test_a_language_code_is_named_in_english(code: str, name: str) -> None:
    assert language_name(code) == name
