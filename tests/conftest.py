"""Shared fixtures: paths to the review data, a fake embedder, and the real model (loaded once);
a throwaway PostgreSQL server; the test tiers (`model`, `subprocess`, `postgres`:
tests/tiers.py) marked on every test collected."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# FAISS's OpenMP threads sleep between searches instead of spinning: on a machine whose cores
# are busy, their spinning made the FAISS-heavy tests 5x slower. Set before faiss is loaded
# (libgomp reads it then); child processes inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests import tiers
from tests.fakes import HashingEmbedder
from tests.postgres_server import PostgresServer, running_postgres

# Property tests draw the same examples on every run, so a test run (and CI) passes or fails
# on the code, not on the draw; `pytest --hypothesis-profile=explore` draws afresh at each run
# (more examples where a test sets no count) for what the fixed draw misses. A fresh draw once
# failed a CI run on an old bug.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=2000)
settings.load_profile("default")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claimbot tiers")
    group.addoption(
        "--forbid-real-model",
        action="store_true",
        help="make loading the real model fail (the fast tier needs none)",
    )
    group.addoption(
        "--forbid-subprocess",
        action="store_true",
        help="make starting a process fail (the fast tier starts none)",
    )


_guards = pytest.MonkeyPatch()


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--forbid-real-model"):
        tiers.forbid_real_model(_guards)
    if config.getoption("--forbid-subprocess"):
        tiers.forbid_subprocess(_guards)


def pytest_unconfigure(config: pytest.Config) -> None:
    _guards.undo()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks each test `model` and/or `subprocess` from what it uses (tests/tiers.py)."""
    for item in items:
        for marker in sorted(tiers.tiers_of(item)):
            item.add_marker(marker)


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of its own for the session (tests/postgres_server.py)."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def lone_postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of its own, for a test that stops and starts it."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the session's server."""
    return postgres_server.new_database()
