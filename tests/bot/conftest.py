"""Helpers for the command-line tests: the reference review indexed by `claimbot reindex` once
per session and embedder, and copied into each test's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from index import Embedder
from tests.conftest import REFERENCE_REVIEW
from tests.fakes import HashingEmbedder


def index_reference_with_cli(
    root: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch, review: Path = REFERENCE_REVIEW
) -> None:
    """`root/reviews` holding the reference review (or `review`), indexed into `root/index` by
    `claimbot reindex`, with the settings pointing at both."""
    reviews = root / "reviews"
    reviews.mkdir()
    shutil.copy(review, reviews)
    monkeypatch.setenv("CLAIMBOT_REVIEWS_DIR", str(reviews))
    monkeypatch.setenv("CLAIMBOT_INDEX_DIR", str(root / "index"))
    assert main(["reindex"], embedder=embedder) == 0


def _indexed_once(root: Path, embedder: Embedder) -> Path:
    with pytest.MonkeyPatch.context() as monkeypatch:  # the settings point at each test's copy
        index_reference_with_cli(root, embedder, monkeypatch)
    return root


def _copy_of(template: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`template`'s reviews and index copied into `root`, with the settings pointing at the
    copies; returns the index folder."""
    for part in ("reviews", "index"):
        shutil.copytree(template / part, root / part)
    monkeypatch.setenv("CLAIMBOT_REVIEWS_DIR", str(root / "reviews"))
    monkeypatch.setenv("CLAIMBOT_INDEX_DIR", str(root / "index"))
    return root / "index"


@pytest.fixture(scope="session")
def cli_indexed_by_real_model(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> Path:
    return _indexed_once(tmp_path_factory.mktemp("cli-real"), real_embedder)


@pytest.fixture(scope="session")
def cli_indexed_by_fake_embedder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _indexed_once(tmp_path_factory.mktemp("cli-fake"), HashingEmbedder())


@pytest.fixture
def indexed(
    tmp_path: Path, cli_indexed_by_real_model: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The reference review indexed with the real model, in this test's own folder."""
    return _copy_of(cli_indexed_by_real_model, tmp_path, monkeypatch)


@pytest.fixture
def indexed_by_fake(
    tmp_path: Path, cli_indexed_by_fake_embedder: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The reference review indexed with `HashingEmbedder` (the `embedder` fixture), in this
    test's own folder: for what does not depend on the model."""
    return _copy_of(cli_indexed_by_fake_embedder, tmp_path, monkeypatch)
