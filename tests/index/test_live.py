"""LiveIndex follows the folder: a reindex by anyone is served on the next refresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index import IndexMissingError, LiveIndex, reindex
from tests.conftest import reference_review_as
from tests.fakes import HashingEmbedder


def test_a_live_index_without_any_index_says_so(index_dir: Path, embedder: HashingEmbedder) -> None:
    with pytest.raises(IndexMissingError):
        _ = LiveIndex(index_dir, embedder).current


def test_a_reindex_by_another_writer_is_served_after_refresh(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    live = LiveIndex(index_dir, embedder)
    held = live.current
    assert held.manifest.episodes == 1
    (reviews_dir / "seven.txt").write_text(reference_review_as(7), "utf-8")
    reindex(reviews_dir, index_dir, HashingEmbedder())
    assert live.current is held  # nothing changes until a refresh
    assert live.refresh() is True
    assert live.current.manifest.episodes == 2
    assert held.episode_cards(held.find_episode("490"))  # the old generation still answers
    assert live.refresh() is False


def test_live_reindex_serves_its_own_result(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    live = LiveIndex(index_dir, embedder)
    summary = live.reindex(reviews_dir)
    assert summary.cards == 6 and live.current.version == summary.version


def test_a_deleted_index_keeps_the_loaded_one_serving(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    live = LiveIndex(index_dir, embedder)
    live.reindex(reviews_dir)
    shutil.rmtree(index_dir)
    assert live.refresh() is False
    assert live.current.ask("DeepSeek").hits


def test_a_full_rebuild_with_another_model_is_served_and_counts_on(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex(reviews_dir, index_dir, embedder)
    live = LiveIndex(index_dir, embedder)
    first = live.current
    rebuilt = reindex(reviews_dir, index_dir, HashingEmbedder(name="another/model"))
    assert rebuilt.full_rebuild and rebuilt.version == first.version + 1
    live.embedder = HashingEmbedder(name="another/model")
    assert live.refresh() is True
    assert live.current.manifest.model == "another/model"
