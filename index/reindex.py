"""Review folder → new index generation, incrementally.

Files whose content hash is unchanged keep their vectors (copied from the current generation,
never re-embedded); changed files replace their episode's cards; deleted files remove them; a
broken file is reported and skipped, and if an earlier version of it was indexed, that version
keeps serving (which files changed is worked out in `reindex_plan`). The new generation is
published by the atomic manifest swap in `store`.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from index.atomic_write import fsync_dir
from index.embed import Embedder
from index.errors import IndexUnusableError, ReviewFormatError
from index.models import VerdictCard
from index.passages import (
    DEFAULT_LAYOUT,
    card_passages,
    card_vector_ids,
    commentary_passages,
    commentary_vector_ids,
)
from index.reindex_plan import ReindexPlan, ReindexSummary, old_sources, plan_reindex
from index.search import ClaimIndex
from index.store import (
    DATABASE_FILE,
    LEXICON_FILE,
    TMP_PREFIX,
    VECTORS_FILE,
    Manifest,
    connect,
    new_generation_name,
    read_manifest,
    reindex_lock,
    remove_stale,
    write_manifest,
)
from index.vector_index import add_vectors, fit_to_size, new_vector_index, remove_ids
from index.weighing import build_lexicon

Progress = Callable[[int, int], None]
"""Called with (passages embedded so far, passages to embed)."""
Checkpoint = Callable[[str], None]
"""Called at each stage of a reindex; tests use it to crash the process at a chosen point."""

EMBED_CHUNK = 512
"""Passages embedded per call: large enough to batch well, small enough for a lively
progress bar and a bounded memory peak."""

BULK_MIN_PASSAGES = 1000
"""From this many passages to embed, a reindex uses its bulk embedder when it has one: loading
a second backend costs seconds (torch's import), repaid from about a thousand passages on."""


def reindex(
    reviews_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    progress: Progress | None = None,
    checkpoint: Checkpoint | None = None,
    layout: str = DEFAULT_LAYOUT,
    bulk_embedder: Embedder | None = None,
) -> ReindexSummary:
    """Bring the index in `index_dir` up to date with the review files in `reviews_dir`.

    `layout` names how cards become passages (index/passages.py); an index built with another
    layout or model is rebuilt in full. `bulk_embedder`, the same model on a backend faster in
    bulk, embeds the passages when there are at least `BULK_MIN_PASSAGES` of them.
    """
    if bulk_embedder is not None and bulk_embedder.name != embedder.name:
        raise ValueError(f"bulk model {bulk_embedder.name!r} is not {embedder.name!r}")
    started = time.perf_counter()
    check = checkpoint or (lambda stage: None)
    if not reviews_dir.is_dir():
        raise ReviewFormatError(reviews_dir, "the reviews folder does not exist")
    with reindex_lock(index_dir):
        summary = ReindexSummary()
        usable = _usable_index(index_dir, embedder, layout, summary)
        old = usable.manifest if usable is not None else None
        # What the manifest names keeps serving until the swap, even when this reindex
        # cannot build on it (another model or layout: a full rebuild).
        published = _published(index_dir)
        kept = {published.generation} if published is not None else set()
        remove_stale(index_dir, keep=kept)
        sources = old_sources(index_dir, old)
        plan = plan_reindex(reviews_dir, sources, summary)
        if old is not None and not summary.changed_anything:
            summary.version, summary.episodes, summary.cards = old.version, old.episodes, old.cards
            summary.seconds = time.perf_counter() - started
            return summary
        check("start")
        manifest = _write_generation(
            index_dir,
            (published.version if published is not None else 0) + 1,
            usable,
            plan,
            _Embedders(embedder, bulk_embedder),
            layout,
            summary,
            progress,
            check,
        )
        check("before-swap")
        write_manifest(index_dir, manifest, check)
        check("after-swap")
        # Keep the previous generation: a reader that opened it a moment ago can finish.
        remove_stale(index_dir, keep={manifest.generation} | kept)
        summary.version, summary.episodes, summary.cards = (
            manifest.version,
            manifest.episodes,
            manifest.cards,
        )
        summary.seconds = time.perf_counter() - started
        return summary


def _usable_index(
    index_dir: Path, embedder: Embedder, layout: str, summary: ReindexSummary
) -> ClaimIndex | None:
    """The current generation, opened, if its vectors can be reused, else None (a full
    rebuild). Its database connection is closed; its vectors, read once here, are the start
    of the next generation (at 100k cards reading them twice cost 1.5 GB more I/O)."""
    try:
        old = read_manifest(index_dir)
        old.check_compatible(embedder.name, layout)
        # Opening it as a reader runs every consistency check, so a damaged index is rebuilt
        # instead of failing half-way through an incremental reindex.
        opened = ClaimIndex.open(index_dir, embedder)
        opened.close()
        return opened
    except IndexUnusableError as exc:
        if (index_dir / "manifest.json").exists():
            summary.full_rebuild, summary.rebuild_reason = True, str(exc)
        return None


def _published(index_dir: Path) -> Manifest | None:
    """The published manifest while it can be read, even one whose index this reindex cannot
    build on (None when there is none): its generation serves until the swap, and the next
    version follows its own, so versions only grow and every reader sees a rebuild as new."""
    try:
        return read_manifest(index_dir)
    except IndexUnusableError:
        return None


@dataclass(frozen=True)
class _Embedders:
    """The index's model as it embeds questions, and optionally the same model on a backend
    faster in bulk."""

    question: Embedder
    bulk: Embedder | None

    def for_passages(self, count: int) -> Embedder:
        """The bulk embedder from `BULK_MIN_PASSAGES` passages on, else the question one."""
        if self.bulk is not None and count >= BULK_MIN_PASSAGES:
            return self.bulk
        return self.question


def _write_generation(
    index_dir: Path,
    version: int,
    usable: ClaimIndex | None,
    plan: ReindexPlan,
    embedders: _Embedders,
    layout: str,
    summary: ReindexSummary,
    progress: Progress | None,
    check: Checkpoint,
) -> Manifest:
    embedder = embedders.question
    name = new_generation_name(version)
    tmp = index_dir / f"{TMP_PREFIX}{name}"
    tmp.mkdir(parents=True)
    if usable is not None:
        old_generation = index_dir / usable.manifest.generation
        shutil.copyfile(old_generation / DATABASE_FILE, tmp / DATABASE_FILE)
        vectors = usable.vectors
    else:
        vectors = new_vector_index(embedder.dimension)
    conn = connect(tmp / DATABASE_FILE, readonly=False)
    try:
        with conn:
            _drop_sources(conn, vectors, plan.drop)
            check("dropped")
            _add_reviews(conn, vectors, plan, embedders, layout, summary, progress)
            check("embedded")
            episodes = conn.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
            cards = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        conn.execute("VACUUM")
    finally:
        conn.close()
    check("database-written")
    vectors = fit_to_size(vectors)  # flat or IVF by count: index/vector_index.py
    faiss.write_index(vectors, str(tmp / VECTORS_FILE))
    conn = connect(tmp / DATABASE_FILE, readonly=True)
    try:
        build_lexicon(conn).save(tmp / LEXICON_FILE)
    finally:
        conn.close()
    check("written")
    for file in (VECTORS_FILE, DATABASE_FILE, LEXICON_FILE):
        with open(tmp / file, "rb+") as fh:
            os.fsync(fh.fileno())
    final = index_dir / name
    tmp.rename(final)
    fsync_dir(index_dir)
    return Manifest(
        model=embedder.name,
        dimension=vectors.d,
        layout=layout,
        generation=name,
        version=version,
        created=datetime.now(UTC),
        episodes=episodes,
        cards=cards,
        vectors=vectors.ntotal,
    )


def _drop_sources(conn: sqlite3.Connection, vectors: faiss.Index, names: set[str]) -> None:
    dropped: list[int] = []
    for name in sorted(names):
        row = conn.execute("SELECT episode_key FROM sources WHERE name = ?", (name,)).fetchone()
        if row is None:
            continue
        (key,) = row
        dropped += [
            vid
            for rowid, count in conn.execute(
                "SELECT rowid, passages FROM cards WHERE episode_key = ?", (key,)
            )
            for vid in card_vector_ids(rowid, count)
        ]
        dropped += [
            vid
            for rowid, count in conn.execute(
                "SELECT rowid, passages FROM episodes WHERE key = ?", (key,)
            )
            for vid in commentary_vector_ids(rowid, count)
        ]
        conn.execute("DELETE FROM cards WHERE episode_key = ?", (key,))
        conn.execute("DELETE FROM episodes WHERE key = ?", (key,))
        conn.execute("DELETE FROM sources WHERE name = ?", (name,))
    if dropped:
        # Once for every dropped review: removing from a large index walks all its lists.
        remove_ids(vectors, np.asarray(dropped, dtype=np.int64))


def _add_reviews(
    conn: sqlite3.Connection,
    vectors: faiss.Index,
    plan: ReindexPlan,
    embedders: _Embedders,
    layout: str,
    summary: ReindexSummary,
    progress: Progress | None,
) -> None:
    ids: list[int] = []
    texts: list[str] = []
    for name in sorted(plan.parsed):
        digest, review = plan.parsed[name]
        episode = review.episode
        commentary = commentary_passages(episode)
        cursor = conn.execute(
            "INSERT INTO episodes (key, slug, passages, data) VALUES (?, ?, ?, ?)",
            (episode.key, episode.slug, len(commentary), episode.model_dump_json()),
        )
        assert cursor.lastrowid is not None
        ids.extend(commentary_vector_ids(cursor.lastrowid, len(commentary)))
        texts.extend(commentary)
        conn.execute(
            "INSERT INTO sources (name, sha256, episode_key) VALUES (?, ?, ?)",
            (name, digest, episode.key),
        )
        for card in review.cards:
            card = _unique_id(conn, card)
            passages = card_passages(card, layout)
            cursor = conn.execute(
                "INSERT INTO cards (id, episode_key, position, passages, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (card.id, episode.key, card.position, len(passages), card.model_dump_json()),
            )
            rowid = cursor.lastrowid
            assert rowid is not None
            slots = card_vector_ids(rowid, len(passages))
            ids.extend(vid for vid, text in zip(slots, passages, strict=True) if text)
            texts.extend(text for text in passages if text)
            summary.embedded_cards += 1
    # Texts of similar length share a batch, so little of each batch is padding; the order
    # does not matter to FAISS, which files every vector under its own id.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    embedder = embedders.for_passages(len(texts))
    for start in range(0, len(order), EMBED_CHUNK):
        if progress:
            progress(start, len(texts))
        chosen = order[start : start + EMBED_CHUNK]
        chunk = embedder.embed([texts[i] for i in chosen])
        add_vectors(vectors, chunk, np.asarray([ids[i] for i in chosen], dtype=np.int64))
    if progress:
        progress(len(texts), len(texts))


def _unique_id(conn: sqlite3.Connection, card: VerdictCard) -> VerdictCard:
    """Cards of two episodes whose slugs collide still get distinct ids."""
    card_id, n = card.id, 2
    while conn.execute("SELECT 1 FROM cards WHERE id = ?", (card_id,)).fetchone():
        card_id, n = f"{card.id}-{n}", n + 1
    return card if card_id == card.id else card.model_copy(update={"id": card_id})
