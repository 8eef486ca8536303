"""The engine's public surface is what `index/__init__.py` lists, and the front ends' entry point
is the one pyproject.toml installs: a name added, dropped or moved is a decision, made here."""

from __future__ import annotations

import importlib
import tomllib
import types

import pytest

import index
from tests.conftest import REPO

PUBLIC = [
    "ALL_LANGUAGES",
    "AnalysisBlock",
    "Answer",
    "AnswerPolicy",
    "AskedQuestion",
    "Backend",
    "ClaimIndex",
    "ClaimReviewError",
    "ClaimReviewFieldError",
    "ClaimbotError",
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "Embedder",
    "Episode",
    "EpisodeSummary",
    "FailedReview",
    "FeedbackError",
    "FeedbackStore",
    "FewerClaims",
    "FileReindexLock",
    "Gap",
    "Guest",
    "Hit",
    "ImportConflictError",
    "ImportedReview",
    "IndexCorruptError",
    "IndexFolderError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexUnusableError",
    "LanguageMismatch",
    "LiveIndex",
    "ModelLanguages",
    "ModelLoadError",
    "NotFoundError",
    "ParsedReview",
    "Party",
    "PostgresReindexLock",
    "Provenance",
    "PublisherRating",
    "REVIEW_SUFFIXES",
    "ReindexBusyError",
    "ReindexLock",
    "ReindexLockError",
    "ReindexSummary",
    "Remedy",
    "ReviewFolder",
    "ReviewFormatError",
    "SentenceTransformerEmbedder",
    "VerdictCard",
    "WrittenReview",
    "claimreview_document",
    "datafeed_document",
    "detect_language",
    "google_problems",
    "has_fast_bf16",
    "hash_user",
    "language_name",
    "languages_of_model",
    "load_language_detector",
    "normalize_question",
    "parse_review",
    "parse_review_bytes",
    "rate_verdict",
    "rating_colour",
    "read_claimreview_json",
    "read_claimreviews",
    "reindex",
    "slugify",
    "write_imported_reviews",
]


def test_the_engine_exports_exactly_the_public_names() -> None:
    assert sorted(PUBLIC) == PUBLIC
    assert sorted(index.__all__) == PUBLIC
    assert len(set(index.__all__)) == len(index.__all__)


def test_every_exported_name_resolves() -> None:
    for name in index.__all__:
        assert getattr(index, name, None) is not None, name


def test_nothing_public_is_importable_from_the_engine_without_being_listed() -> None:
    public = {
        name
        for name, value in vars(index).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(index.__all__)


def test_the_installed_command_is_the_documented_entry_point(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"claimbot": "bot.cli:main"}
    module, _, attribute = scripts["claimbot"].partition(":")
    main = getattr(importlib.import_module(module), attribute)
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("usage: claimbot")
