"""Builds the engine's parts from settings: the one place front ends turn settings into
embedders and an open index."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from index import (
    DEFAULT_POLICY,
    AnswerPolicy,
    Backend,
    ClaimIndex,
    Embedder,
    FileReindexLock,
    LiveIndex,
    PostgresReindexLock,
    ReindexLock,
    SentenceTransformerEmbedder,
    has_fast_bf16,
)


def make_embedder(settings: Settings) -> Embedder:
    return SentenceTransformerEmbedder(settings.model or None, backend=settings.backend)


def reindex_backend(settings: Settings) -> Backend:
    """The backend large reindexes embed with: bfloat16 PyTorch where the CPU has bfloat16
    units, which encode faster with the same answers; the question backend elsewhere."""
    if settings.reindex_backend != "auto":
        return settings.reindex_backend
    return "torch-bf16" if has_fast_bf16() else settings.backend


def make_bulk_embedder(settings: Settings) -> Embedder | None:
    """A second embedder for large reindexes, or None when it would be the question one.
    It loads its model on first use, so processes that never reindex in bulk never pay."""
    backend = reindex_backend(settings)
    if backend == settings.backend:
        return None
    return SentenceTransformerEmbedder(settings.model or None, backend=backend)


def answer_policy(settings: Settings) -> AnswerPolicy:
    return DEFAULT_POLICY.with_threshold(settings.min_confidence)


def open_index(settings: Settings, embedder: Embedder, index_dir: Path | None = None) -> ClaimIndex:
    return ClaimIndex.open(
        index_dir or settings.index_dir,
        embedder,
        policy=answer_policy(settings),
        languages=settings.served_languages,
    )


def reindex_lock_for(settings: Settings) -> ReindexLock:
    """A PostgreSQL advisory lock when a database is configured, so reindexes from every
    machine exclude each other; the index folder's flock otherwise."""
    if settings.database_url is not None:
        return PostgresReindexLock(settings.database_url.get_secret_value())
    return FileReindexLock()


def live_index(
    settings: Settings, embedder: Embedder, bulk_embedder: Embedder | None = None
) -> LiveIndex:
    """An index that picks up every reindex published to `settings.index_dir`."""
    return LiveIndex(
        settings.index_dir,
        embedder,
        policy=answer_policy(settings),
        bulk_embedder=bulk_embedder,
        languages=settings.served_languages,
        reindex_lock=reindex_lock_for(settings),
    )
