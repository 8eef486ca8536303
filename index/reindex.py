"""Review folder → new index generation, incrementally.

Files whose content hash is unchanged keep their vectors (copied from the current generation,
never re-embedded); changed files replace their episode's cards; deleted files remove them; a
broken file is reported and skipped, and if an earlier version of it was indexed, that version
keeps serving (which files changed is worked out in `reindex_plan`). The store writes
(index/generation.py) build the new generation beside the published one, which an atomic
manifest swap then replaces.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.database import Passage
from index.embed import Embedder
from index.errors import IndexUnusableError, ReviewFormatError
from index.generation import Checkpoint, Generation, GenerationBuilder, writing
from index.passages import DEFAULT_LAYOUT
from index.reindex_lock import FileReindexLock, ReindexLock
from index.reindex_plan import ReindexPlan, plan_reindex
from index.reindex_summary import ReindexSummary
from index.store import (
    MANIFEST,
    Manifest,
    check_manifest_place,
    highest_version,
    read_manifest,
    remove_stale,
)

Progress = Callable[[int, int], None]
"""Called with (passages embedded so far, passages to embed)."""

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
    lock: ReindexLock | None = None,
) -> ReindexSummary:
    """Bring the index in `index_dir` up to date with the review files in `reviews_dir`.

    `layout` names how cards become passages (index/passages.py); an index built with another
    layout, model or format is rebuilt in full. `bulk_embedder`, the same model on a backend
    faster in bulk, embeds the passages when there are at least `BULK_MIN_PASSAGES` of them.
    `lock` keeps other reindexes out (index/reindex_lock.py); the folder's flock by default.
    """
    if bulk_embedder is not None and bulk_embedder.name != embedder.name:
        raise ValueError(f"bulk model {bulk_embedder.name!r} is not {embedder.name!r}")
    started = time.perf_counter()
    check = checkpoint or (lambda stage: None)
    if not reviews_dir.is_dir():
        raise ReviewFormatError(reviews_dir, "the reviews folder does not exist")
    check_manifest_place(index_dir)
    with (lock or FileReindexLock()).hold(index_dir) as still_held:
        base, rebuild_reason = _reusable(index_dir, embedder, layout)
        # What the manifest names keeps serving until the swap, even when this reindex
        # cannot build on it (another model, layout or format: a full rebuild).
        published = _published(index_dir)
        kept = {published.generation} if published is not None else set()
        # Before the clean-up, which removes the generations of a damaged manifest.
        version = highest_version(index_dir) + 1
        remove_stale(index_dir, keep=kept)
        sources: dict[str, tuple[str, str]] = {}
        claims: dict[str, int] = {}
        if base is not None:
            sources = base.database.sources()
            claims = _claims_per_source(base, sources)
            base.close()  # its vectors, read once, are the start of the next generation
        plan = plan_reindex(reviews_dir, sources, claims)
        if base is not None and not plan.changes_anything:
            return _summary(plan, base.manifest, 0, rebuild_reason, started)
        check("start")
        with (
            writing(index_dir),
            GenerationBuilder(index_dir, version, base, embedder.dimension) as building,
        ):
            with building.transaction():
                building.drop_sources(plan.drop)
                check("dropped")
                passages = [
                    passage
                    for name, (digest, review) in sorted(plan.parsed.items())
                    for passage in building.add_review(name, digest, review, layout)
                ]
                _embed(passages, _Embedders(embedder, bulk_embedder), building, progress)
                check("embedded")
            manifest = building.publish(embedder.name, layout, _guarded(check, still_held))
        # Keep the previous generation: a reader that opened it a moment ago can finish.
        remove_stale(index_dir, keep={manifest.generation} | kept)
        embedded = sum(len(review.cards) for _, review in plan.parsed.values())
        return _summary(plan, manifest, embedded, rebuild_reason, started)


def _guarded(check: Checkpoint, still_held: Callable[[], None]) -> Checkpoint:
    """`check`, and just before the manifest swap, `still_held`: a lock lost meanwhile (its
    database connection dropped) may have let another reindex in, which this one must not
    publish over."""

    def guarded(stage: str) -> None:
        if stage == "before-swap":
            still_held()
        check(stage)

    return guarded


def _reusable(
    index_dir: Path, embedder: Embedder, layout: str
) -> tuple[Generation | None, str | None]:
    """The published generation, opened and checked, if the next one can build on it, else
    None (a full rebuild) with the reason when there was an index to rebuild. Its vectors,
    read once here, are the start of the next generation."""
    try:
        return Generation.open(index_dir, embedder.name, layout), None
    except IndexUnusableError as exc:
        return None, str(exc) if (index_dir / MANIFEST).exists() else None


def _claims_per_source(base: Generation, sources: dict[str, tuple[str, str]]) -> dict[str, int]:
    """How many claims each review file of the generation gave, by file name."""
    per_episode = {episode.key: claims for episode, claims in base.database.episodes()}
    return {name: per_episode.get(key, 0) for name, (_, key) in sources.items()}


def _published(index_dir: Path) -> Manifest | None:
    """The published manifest while it can be read, even one whose index this reindex cannot
    build on (None when there is none): its generation serves until the swap."""
    try:
        return read_manifest(index_dir)
    except IndexUnusableError:
        return None


def _summary(
    plan: ReindexPlan,
    manifest: Manifest,
    embedded_cards: int,
    rebuild_reason: str | None,
    started: float,
) -> ReindexSummary:
    return ReindexSummary(
        added=plan.added,
        changed=plan.changed,
        removed=plan.removed,
        unchanged=plan.unchanged,
        failed=plan.failed,
        fewer_claims=plan.fewer_claims,
        episodes=manifest.episodes,
        cards=manifest.cards,
        embedded_cards=embedded_cards,
        seconds=time.perf_counter() - started,
        version=manifest.version,
        full_rebuild=rebuild_reason is not None,
        rebuild_reason=rebuild_reason,
    )


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


def _embed(
    passages: list[Passage],
    embedders: _Embedders,
    building: GenerationBuilder,
    progress: Progress | None,
) -> None:
    """Embed the passages and add their vectors to the generation being built."""
    # Texts of similar length share a batch, so little of each batch is padding; the order
    # does not matter to FAISS, which files every vector under its own id.
    ordered = sorted(passages, key=lambda passage: len(passage[1]))
    embedder = embedders.for_passages(len(ordered))
    for start in range(0, len(ordered), EMBED_CHUNK):
        if progress:
            progress(start, len(ordered))
        chunk = ordered[start : start + EMBED_CHUNK]
        vectors = embedder.embed([text for _, text in chunk])
        building.add_vectors(vectors, np.asarray([vid for vid, _ in chunk], dtype=np.int64))
    if progress:
        progress(len(ordered), len(ordered))
