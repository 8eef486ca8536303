"""Which language a text is in (only when sure), and which languages a model reads."""

from __future__ import annotations

import pytest

from index.language import (
    ALL_LANGUAGES,
    ENGLISH,
    ModelLanguages,
    detect_language,
    language_name,
    languages_of_model,
)


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


def test_a_bcp47_tag_is_served_by_its_language() -> None:
    assert ENGLISH.serves("en-GB") and not ENGLISH.serves("pt-BR")


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
    ],
)
def test_a_multilingual_model_name_reads_every_language(model: str) -> None:
    assert languages_of_model(model) == ALL_LANGUAGES


@pytest.mark.parametrize(
    "model", ["sentence-transformers/all-MiniLM-L6-v2", "all-mpnet-base-v2", "/models/my-m3x"]
)
def test_another_model_name_reads_english(model: str) -> None:
    assert languages_of_model(model) == ENGLISH


@pytest.mark.parametrize(
    ("code", "name"), [("hi", "Hindi"), ("pt-BR", "Portuguese"), ("si", "Sinhala"), ("qq", "qq")]
)
def test_a_language_code_is_named_in_english(code: str, name: str) -> None:
    assert language_name(code) == name
