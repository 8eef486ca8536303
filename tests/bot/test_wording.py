"""Shared wording: what a member reads when their question is in a language the model does not
read."""

from __future__ import annotations

from bot.wording import MULTILINGUAL_MODEL, language_refusal
from index import LanguageMismatch


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
