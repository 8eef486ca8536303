"""Helpers for the command-line tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from index import Embedder
from tests.conftest import REFERENCE_REVIEW


def index_reference_with_cli(
    root: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`root/reviews` holding the reference review, indexed into `root/index` by
    `claimbot reindex`, with the settings pointing at both."""
    reviews = root / "reviews"
    reviews.mkdir()
    shutil.copy(REFERENCE_REVIEW, reviews)
    monkeypatch.setenv("CLAIMBOT_REVIEWS_DIR", str(reviews))
    monkeypatch.setenv("CLAIMBOT_INDEX_DIR", str(root / "index"))
    assert main(["reindex"], embedder=embedder) == 0
