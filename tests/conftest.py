"""Shared fixtures: paths to the review data, a fake embedder, and the real model (loaded once)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fakes import HashingEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Property tests draw the same examples on every run, so a test run (and CI) passes or fails
# on the code, not on the draw; `pytest --hypothesis-profile=explore` draws afresh at each run
# (more examples where a test sets no count) for what the fixed draw misses. A fresh draw once
# failed a CI run on an old bug.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=2000)
settings.load_profile("default")

REPO = Path(__file__).resolve().parent.parent
REFERENCE_REVIEW = REPO / "data" / "reviews" / "lex-fridman-490.txt"
TEST_DATA = Path(__file__).resolve().parent / "data"


def reference_review_as(number: int) -> str:
    """The reference review's text as another episode (same claims, episode `number`)."""
    return REFERENCE_REVIEW.read_text("utf-8").replace("Episode #490", f"Episode #{number}", 1)


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def reviews_dir(tmp_path: Path) -> Path:
    """A fresh reviews folder holding a copy of the reference review."""
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(REFERENCE_REVIEW, folder / REFERENCE_REVIEW.name)
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The packaged all-MiniLM-L6-v2, loaded once for the whole session."""
    from index import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.embed(["warm up"])
    return embedder
