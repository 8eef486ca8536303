"""Verdict labels onto the 1-5 scale: known labels, qualifiers, and unknown ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import rate_verdict, rating_colour
from index.rating import PublisherRating, rate_label
from index.text import fold_accents
from index.verdict_words import LANGUAGES, QUALIFIER_WORDS, VERDICT_WORDS, Qualifier


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


# Labels in other languages: the words are in index/verdict_words.py, shown in docs/ratings.md.

RATINGS_DOC = Path(__file__).parents[2] / "docs" / "ratings.md"
_QUALIFIER_COLUMNS: tuple[Qualifier, ...] = ("mostly", "partly", "not", "entirely", "but")


def _verdict_entries() -> list[tuple[str, int, str]]:
    return [
        (language, rating, word)
        for language, ratings in VERDICT_WORDS.items()
        for rating, words in ratings.items()
        for word in words
    ]


def _qualifier_entries() -> list[tuple[str, Qualifier, str]]:
    return [
        (language, kind, word)
        for language, kinds in QUALIFIER_WORDS.items()
        for kind, words in kinds.items()
        for word in words
    ]


@pytest.mark.parametrize(
    ("language", "label", "rating"),
    [
        ("zh-Hant", "錯誤", 1),
        ("pt", "Falso", 1),
        ("da", "Vildledende", 2),
        ("es", "Engañoso", 2),
        ("zh-Hans", "错误", 1),
        ("fr", "Faux", 1),
        ("de", "Irreführend", 2),
        ("it", "Vero", 5),
        ("nl", "Onwaar", 1),
        ("sv", "Vilseledande", 2),
        ("no", "Helt feil", 1),
        ("pl", "Prawda", 5),
        ("hi", "भ्रामक", 2),
        ("ar", "زائف", 1),
    ],
)
def test_a_fact_checkers_label_in_its_own_language_rates_as_it_says(
    language: str, label: str, rating: int
) -> None:
    assert rate_verdict(label) == rating


@pytest.mark.parametrize(
    ("language", "label", "rating"),
    [
        ("es", "Mayormente falso", 2),
        ("es", "Parcialmente falso", 3),
        ("es", "No es del todo cierto", 3),
        ("pt", "Meio verdade", 3),
        ("pt", "Não é verdade", 1),
        ("fr", "Plutôt vrai", 4),
        ("fr", "Demi-vrai", 3),
        ("es", "Medio falso", 3),
        ("de", "Teilweise falsch", 3),
        ("de", "Stimmt nicht", 1),
        ("de", "Nicht ganz richtig", 3),
        ("it", "In gran parte vero", 4),
        ("nl", "Grotendeels onwaar", 2),
        ("da", "Delvis sandt", 3),
        ("sv", "Stämmer inte", 1),
        ("no", "Stort sett sant", 4),
        ("pl", "Częściowo prawda", 3),
        ("zh-Hant", "部分錯誤", 3),
        ("zh-Hant", "大部分錯誤", 2),
        ("zh-Hans", "大致正确", 4),
        ("hi", "आधा सच", 3),
        ("hi", "सही नहीं", 1),
        ("ar", "غير صحيح", 1),
        ("ar", "صحيح جزئياً", 3),
    ],
)
def test_qualifiers_move_a_verdict_in_every_language(
    language: str, label: str, rating: int
) -> None:
    assert rate_verdict(label) == rating


@pytest.mark.parametrize("label", ["Falso", "FALSO", "falso.", "  Falso!  "])
def test_case_and_punctuation_do_not_matter_in_any_language(label: str) -> None:
    assert rate_verdict(label) == 1


def test_a_label_written_without_its_accents_rates_as_with_them() -> None:
    assert rate_verdict("Enganoso") == rate_verdict("Engañoso") == 2


def test_chinese_phrases_are_found_inside_longer_labels() -> None:
    assert rate_verdict("此說法錯誤") == 1
    assert rate_verdict("易生誤解的說法") == 2


def test_a_negated_chinese_verdict_is_its_opposite() -> None:
    assert rate_verdict("不正確") == 1


def test_a_phrase_counts_as_one_verdict_not_as_its_words() -> None:
    # "nicht belegt" is unproven (3), not "not" + "proven" (1).
    assert rate_verdict("Nicht belegt") == 3
    assert rate_verdict("غير مؤكد") == 3


@pytest.mark.parametrize(
    "label",
    [
        "Müller hat das so nie behauptet. «Reiner Unsinn», sagt dazu die Pressestelle der Stadt.",
        "The minister said the figures were accurate, but the agency disagrees with him.",
        "Experts say roughly one in ten people tested later shows no antibodies at all",
    ],
)
def test_a_sentence_used_as_a_label_is_unknown(label: str) -> None:
    assert rate_label(label) is None


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        ("False: the video was filmed in 2015 at a protest in another country.", 1),
        ("Mostly false — the chart starts its axis at 40 and leaves out two years.", 2),
        ("Engañoso. La foto es de 2019 y muestra otra ciudad, no la de la publicación.", 2),
    ],
)
def test_a_sentence_that_opens_with_its_verdict_rates_by_it(label: str, rating: int) -> None:
    assert rate_label(label) == rating


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        ("False, not from 2024", 1),
        ("False; no evidence", 1),
        ("No, that's false", 1),
        ("Misleading, not false", 2),
        ("Not real: altered video", 1),
        ("Falso, não é verdade", 1),
        ("Falso. No es cierto", 1),
        ("Fake - not the photo it claims", 1),
    ],
)
def test_a_negation_turns_round_only_the_verdict_of_its_own_clause(label: str, rating: int) -> None:
    assert rate_label(label) == rating


def test_a_label_cut_by_a_spaced_hyphen_rates_by_its_first_clause() -> None:
    assert rate_label("False - the photo is from 2015 and shows a different city") == 1


@pytest.mark.parametrize("label", ["Some truth", "Contains a grain of truth", "Kernel of truth"])
def test_some_truth_is_mixed_not_accurate(label: str) -> None:
    assert rate_label(label) == 3


def test_a_sentence_label_takes_the_publishers_number() -> None:
    label = "Müller hat das so nie behauptet. «Reiner Unsinn», sagt dazu die Pressestelle."
    assert rate_verdict(label, PublisherRating(value=1, worst=1, best=5)) == 1


def test_a_known_word_outranks_the_publishers_number() -> None:
    # A nominal scale (4 of 6 = "Falso") says nothing about truth; the word does.
    assert rate_verdict("Falso", PublisherRating(value=4, worst=1, best=6)) == 1


@pytest.mark.parametrize(
    ("language", "word"),
    [
        (language, word)
        for language, rating, word in _verdict_entries()
        if "satir" in word.casefold()
    ]
    + [("hi", "व्यंग्य"), ("zh-Hant", "諷刺"), ("ar", "ساخر")],
)
def test_satire_is_never_rated_accurate(language: str, word: str) -> None:
    assert rate_verdict(word) == 2


@pytest.mark.parametrize(("language", "rating", "word"), _verdict_entries())
def test_every_verdict_word_rates_as_its_table_row_says(
    language: str, rating: int, word: str
) -> None:
    assert rate_label(word) == rating


@pytest.mark.parametrize(("language", "kind", "word"), _qualifier_entries())
def test_every_qualifier_moves_a_verdict_as_its_column_says(
    language: str, kind: Qualifier, word: str
) -> None:
    true = VERDICT_WORDS[language][5][0]
    false = VERDICT_WORDS[language][1][0]
    negation = (QUALIFIER_WORDS[language]["not"] or ("not",))[0]
    expected = {
        "mostly": (f"{word} {true}", 4),
        "partly": (f"{word} {true}", 3),
        "not": (f"{word} {true}", 1),
        "entirely": (f"{negation} {word} {true}", 3),
        "but": (f"{true} {word} {false}", 3),
    }
    label, rating = expected[kind]
    assert rate_label(label) == rating


def test_no_word_means_two_things_across_languages() -> None:
    meanings: dict[str, set[object]] = {}
    for _, rating, word in _verdict_entries():
        meanings.setdefault(fold_accents(word).casefold(), set()).add(rating)
    for _, kind, word in _qualifier_entries():
        meanings.setdefault(fold_accents(word).casefold(), set()).add(kind)
    assert {word: m for word, m in meanings.items() if len(m) > 1} == {}


def _doc_table(header: str) -> dict[str, list[set[str]]]:
    """A table of docs/ratings.md, from its header row: the language code → its cells' words."""
    lines = RATINGS_DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows: dict[str, list[set[str]]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        code = cells[0].rsplit("(", 1)[1].rstrip(")")
        rows[code] = [{w.strip() for w in cell.split(",") if w.strip()} for cell in cells[1:]]
    return rows


def test_the_documented_verdict_table_is_the_one_used() -> None:
    documented = _doc_table("| language | 5 ")
    used = {
        language: [set(ratings.get(rating, ())) for rating in (5, 4, 3, 2, 1)]
        for language, ratings in VERDICT_WORDS.items()
    }
    assert documented == used


def test_the_documented_qualifier_table_is_the_one_used() -> None:
    documented = _doc_table("| language | mostly ")
    used = {
        language: [set(kinds.get(kind, ())) for kind in _QUALIFIER_COLUMNS]
        for language, kinds in QUALIFIER_WORDS.items()
    }
    assert documented == used


def test_every_documented_language_has_words_for_true_and_false() -> None:
    assert all(VERDICT_WORDS[language][5] and VERDICT_WORDS[language][1] for language in LANGUAGES)
