"""Shared wording: what a member reads when their question is in a language the model does not
read, and where a verdict comes from."""

from __future__ import annotations

from datetime import date

from bot.wording import MULTILINGUAL_MODEL, language_refusal, source_lines
from index import LanguageMismatch, Party, Provenance


def test_the_refusal_names_the_question_s_language_and_the_model_s() -> None:
    text = language_refusal(LanguageMismatch(question_language="hi", served=("en",)))
    assert text.startswith(
        "Your question looks like Hindi; this claimbot's model reads English only."
    )


def test_the_refusal_tells_an_operator_which_setting_makes_it_multilingual() -> None:
    text = language_refusal(LanguageMismatch(question_language="si", served=("en", "pt")))
    assert "English and Portuguese" in text
    assert f"CLAIMBOT_MODEL to a multilingual model such as {MULTILINGUAL_MODEL}" in text


def test_the_refusal_names_the_setting_for_a_model_that_already_reads_the_language() -> None:
    text = language_refusal(LanguageMismatch(question_language="de", served=("en",)))
    assert text.endswith("if the model already reads German, CLAIMBOT_MODEL_LANGUAGES says so.")


def test_the_source_does_not_name_again_the_speaker_the_card_shows() -> None:
    said = Provenance(claimant=Party(name="Mara Voss", kind="person"))

    assert source_lines(said, speaker="Mara Voss") == []


def test_the_source_dates_a_claim_without_repeating_its_speaker() -> None:
    said = Provenance(claimant=Party(name="Mara Voss"), claimed=date(2026, 3, 1))

    assert source_lines(said, speaker="mara voss") == ["Claimed, 2026-03-01"]


def test_the_source_names_a_claimant_who_is_not_the_speaker() -> None:
    said = Provenance(claimant=Party(name="Mara Voss"), claimed=date(2026, 3, 1))

    assert source_lines(said, speaker="Councillor Mara Voss") == [
        "Claimed by Mara Voss, 2026-03-01"
    ]
