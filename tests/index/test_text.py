"""Slugs: readable ids in every script, Latin accents folded as always."""

from __future__ import annotations

import unicodedata

import pytest
import regex

from index.text import fold_accents, slugify

HINDI = "भ्रामक दावा: वायरल वीडियो पुराना है"
SINHALA = "ශ්‍රී ලංකාවේ ව්‍යාජ පුවතක්"


def _words(text: str) -> list[str]:
    return regex.findall(r"[\p{L}\p{M}\u200d]+", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("headline", [HINDI, SINHALA])
def test_a_headline_in_a_script_with_vowel_signs_keeps_them(headline: str) -> None:
    assert slugify(headline) == "-".join(_words(headline))


def test_latin_accents_fold_to_ascii_as_before() -> None:
    assert slugify("Café Olé: the Émigré's Naïve Façade") == "cafe-ole-the-emigre-s-naive-facade"


def test_the_slug_is_nfc_whatever_the_input_form() -> None:
    decomposed = unicodedata.normalize("NFD", HINDI)
    assert slugify(decomposed) == slugify(HINDI)
    assert unicodedata.is_normalized("NFC", slugify(decomposed))


@pytest.mark.parametrize(
    "headline", [HINDI, SINHALA, "Café / Olé", "錯誤 訊息", "جزئياً صحيح", "a/b\\c d"]
)
def test_a_slug_is_stable_and_has_no_spaces_or_slashes(headline: str) -> None:
    slug = slugify(headline)
    assert slug == slugify(headline)
    assert not {" ", "/", "\\"} & set(slug)


def test_a_cut_slug_splits_no_letter_from_its_vowel_sign() -> None:
    word = "प्रधानमंत्रीजीकीघोषणा"
    cut = slugify(word, max_length=6)
    graphemes = regex.findall(r"\X", word)
    assert 0 < len(cut) <= 6
    assert regex.findall(r"\X", cut) == graphemes[: len(regex.findall(r"\X", cut))]


def test_folding_drops_latin_accents_and_keeps_marks_other_scripts_spell_with() -> None:
    assert fold_accents("Engañoso") == "Enganoso"
    assert fold_accents("भ्रामक") == "भ्रामक"
