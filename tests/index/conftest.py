"""Fixtures shared by the engine's reliability tests: two corpora and an index holding A."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import reindex
from tests.fakes import HashingEmbedder
from tests.two_corpora import Corpora


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Corpora:
    return Corpora(tmp_path_factory.mktemp("corpora"))


@pytest.fixture
def index_at_a(corpora: Corpora, index_dir: Path) -> Path:
    reindex(corpora.a, index_dir, HashingEmbedder())
    return index_dir
