"""Builds the engine's parts from settings: the one place front ends turn settings into an
embedder and an open index."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from index import (
    DEFAULT_POLICY,
    AnswerPolicy,
    ClaimIndex,
    Embedder,
    LiveIndex,
    SentenceTransformerEmbedder,
)


def make_embedder(settings: Settings) -> Embedder:
    return SentenceTransformerEmbedder(settings.model or None, backend=settings.backend)


def answer_policy(settings: Settings) -> AnswerPolicy:
    return DEFAULT_POLICY.with_threshold(settings.min_score)


def open_index(settings: Settings, embedder: Embedder, index_dir: Path | None = None) -> ClaimIndex:
    return ClaimIndex.open(
        index_dir or settings.index_dir, embedder, policy=answer_policy(settings)
    )


def live_index(settings: Settings, embedder: Embedder) -> LiveIndex:
    """An index that picks up every reindex published to `settings.index_dir`."""
    return LiveIndex(settings.index_dir, embedder, policy=answer_policy(settings))
