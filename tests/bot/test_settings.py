"""Settings from CLAIMBOT_* variables: a wrong value is refused at start-up, in one line that
names the variable, instead of misbehaving later."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.cli.common import settings_problems
from bot.settings import Settings
from index import ALL_LANGUAGES, ModelLanguages


def _problems(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(f"CLAIMBOT_{name}", value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    return settings_problems(caught.value)


def test_an_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problems(monkeypatch, LOG_LEVEL="verbose").startswith("CLAIMBOT_LOG_LEVEL: ")


def test_a_log_level_in_lower_case_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_LOG_LEVEL", "debug")
    assert Settings(_env_file=None).log_level == "DEBUG"  # type: ignore[call-arg]


def test_shard_ids_need_a_shard_count(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "needs CLAIMBOT_SHARD_COUNT" in _problems(monkeypatch, SHARD_IDS="[0, 1]")


def test_shard_ids_must_be_below_the_shard_count(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(monkeypatch, SHARD_IDS="[0, 5]", SHARD_COUNT="2")
    assert "between 0 and 1" in problems


@pytest.mark.parametrize("value", ["nan", "-1", "1.5"])
def test_a_min_confidence_that_is_no_probability_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    assert _problems(monkeypatch, MIN_CONFIDENCE=value).startswith("CLAIMBOT_MIN_CONFIDENCE: ")


def test_an_empty_folder_setting_is_refused_not_the_current_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _problems(monkeypatch, REVIEWS_DIR="") == (
        "CLAIMBOT_REVIEWS_DIR: must not be empty (unset it for the default)"
    )


def test_empty_optional_settings_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODEL", "DEV_GUILD", "SHARD_COUNT", "SHARD_IDS", "MIN_CONFIDENCE"):
        monkeypatch.setenv(f"CLAIMBOT_{name}", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.model, settings.dev_guild, settings.shard_ids, settings.min_confidence) == (
        "",
        None,
        None,
        None,
    )


def test_the_command_line_says_what_is_wrong_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLAIMBOT_BACKEND", "gpu")
    assert main(["episodes"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("claimbot: invalid settings: CLAIMBOT_BACKEND: Input should be")


def test_the_packaged_model_reads_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMBOT_MODEL", raising=False)
    monkeypatch.delenv("CLAIMBOT_MODEL_LANGUAGES", raising=False)
    served = Settings(_env_file=None).served_languages  # type: ignore[call-arg]
    assert served == ModelLanguages.of(["en"])


def test_a_multilingual_model_reads_every_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CLAIMBOT_MODEL", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    )
    monkeypatch.delenv("CLAIMBOT_MODEL_LANGUAGES", raising=False)
    assert Settings(_env_file=None).served_languages == ALL_LANGUAGES  # type: ignore[call-arg]


def test_the_model_languages_setting_overrides_the_model_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "CLAIMBOT_MODEL", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
    )
    monkeypatch.setenv("CLAIMBOT_MODEL_LANGUAGES", "en, pt")
    served = Settings(_env_file=None).served_languages  # type: ignore[call-arg]
    assert served == ModelLanguages.of(["en", "pt"])


def test_model_languages_that_are_not_codes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(monkeypatch, MODEL_LANGUAGES="English")
    assert problems.startswith("CLAIMBOT_MODEL_LANGUAGES: ")


def test_a_database_url_must_be_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _problems(monkeypatch, DATABASE_URL="mysql://u:secret@db/claimbot")
    assert problems.startswith("CLAIMBOT_DATABASE_URL: ") and "postgresql://" in problems
    assert "secret" not in problems


def test_the_database_url_password_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_DATABASE_URL", "postgresql://bot:hunter2@db/claimbot")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    assert settings.feedback_target == "postgresql://bot:hunter2@db/claimbot"


def test_without_a_database_url_feedback_stays_in_the_sqlite_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CLAIMBOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLAIMBOT_FEEDBACK_DB", "/srv/claimbot/feedback.sqlite")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.feedback_target == Path("/srv/claimbot/feedback.sqlite")
