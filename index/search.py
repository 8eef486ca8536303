"""The loaded index: question → hits → answer, and lookups of episodes and cards.

Query embedding is kept apart from vector search (`search_vector`), so the CLI can embed a batch
of questions at once and the evaluation can reuse vectors. A `ClaimIndex` is immutable once
opened; reloading after a reindex means opening a new one and swapping the reference.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from index.embed import Embedder, Vectors
from index.errors import ClaimbotError, IndexCorruptError, NotFoundError
from index.models import Answer, Episode, Hit, VerdictCard
from index.passages import LAYOUT, MAX_PASSAGES
from index.store import DATABASE_FILE, VECTORS_FILE, Manifest, connect, read_manifest

DEFAULT_MIN_SCORE = 0.45
"""Cosine similarity at or above which the best card answers a question. Chosen on the labelled
questions' tuning split (see docs/retrieval.md); a setting overrides it."""

MAX_QUESTION_CHARS = 2000
"""Longer questions are cut before embedding; the model reads 256 tokens at most anyway."""


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    claims: int


class ClaimIndex:
    """A read-only view of one index generation, safe to share between threads."""

    def __init__(
        self,
        manifest: Manifest,
        vectors: faiss.Index,
        db: sqlite3.Connection,
        embedder: Embedder,
        min_score: float = DEFAULT_MIN_SCORE,
    ) -> None:
        self.manifest = manifest
        self._vectors = vectors
        self._db = db
        self._db_lock = threading.Lock()
        self.embedder = embedder
        self.min_score = min_score

    @classmethod
    def open(
        cls, index_dir: Path, embedder: Embedder, min_score: float = DEFAULT_MIN_SCORE
    ) -> ClaimIndex:
        """Load the current generation; raise an `IndexUnusableError` subclass if it cannot
        serve (missing, built with another model, damaged)."""
        manifest = read_manifest(index_dir)
        manifest.check_compatible(embedder.name, LAYOUT)
        generation = index_dir / manifest.generation
        try:
            vectors = faiss.read_index(str(generation / VECTORS_FILE))
            db = connect(generation / DATABASE_FILE, readonly=True)
            cards = db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
        except (RuntimeError, sqlite3.Error) as exc:
            raise IndexCorruptError(
                f"the index in {index_dir} is damaged ({exc}): run `claimbot reindex`"
            ) from exc
        if vectors.d != manifest.dimension or cards != manifest.cards:
            raise IndexCorruptError(
                f"the index in {index_dir} is inconsistent (dimension {vectors.d} vs "
                f"{manifest.dimension}, {cards} cards vs {manifest.cards}): run `claimbot reindex`"
            )
        return cls(manifest, vectors, db, embedder, min_score)

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return self.manifest.version

    # -- asking -------------------------------------------------------------------------

    def embed_questions(self, questions: Sequence[str]) -> Vectors:
        return self.embedder.embed([_clean_question(q) for q in questions])

    def ask(self, question: str, k: int = 3) -> Answer:
        """The best `k` cards for a question, and whether the best one answers it."""
        vector = self.embed_questions([question])[0]
        return self.answer(question, vector, k)

    def answer(self, question: str, vector: Vectors, k: int = 3) -> Answer:
        """Answered: the best card and the others that also clear the threshold.
        Not answered: the `k` closest cards, which the front ends label as no match."""
        hits = self.search_vector(vector, k)
        answered = bool(hits) and hits[0].score >= self.min_score
        if answered:
            hits = [h for h in hits if h.score >= self.min_score]
        return Answer(question=question, answered=answered, hits=tuple(hits))

    def search_vector(self, vector: Vectors, k: int) -> list[Hit]:
        """Cards ranked by their best passage's cosine similarity to `vector`."""
        if self._vectors.ntotal == 0 or k <= 0:
            return []
        fetch = min(self._vectors.ntotal, max(k * 8, 32))
        scores, ids = self._vectors.search(vector.reshape(1, -1).astype(np.float32), fetch)
        best: dict[int, float] = {}
        for score, vid in zip(scores[0], ids[0], strict=True):
            if vid < 0:
                continue
            rowid = int(vid) // MAX_PASSAGES
            if rowid not in best:  # FAISS returns best first, so the first is the max
                best[rowid] = float(score)
            if len(best) >= k:
                break
        return self._hits(list(best.items()))

    def _hits(self, scored: list[tuple[int, float]]) -> list[Hit]:
        if not scored:
            return []
        marks = ",".join("?" * len(scored))
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT c.rowid, c.data, e.data FROM cards c JOIN episodes e "
                f"ON c.episode_key = e.key WHERE c.rowid IN ({marks})",
                [rowid for rowid, _ in scored],
            ).fetchall()
        found = {
            rowid: (VerdictCard.model_validate_json(c), Episode.model_validate_json(e))
            for rowid, c, e in rows
        }
        return [
            Hit(card=found[rowid][0], episode=found[rowid][1], score=score)
            for rowid, score in scored
            if rowid in found
        ]

    # -- browsing -----------------------------------------------------------------------

    def episodes(self) -> list[EpisodeSummary]:
        """Every episode with its number of cards, by podcast then number."""
        with self._db_lock:
            rows = self._db.execute(
                "SELECT e.data, COUNT(c.rowid) FROM episodes e LEFT JOIN cards c "
                "ON c.episode_key = e.key GROUP BY e.key"
            ).fetchall()
        summaries = [EpisodeSummary(Episode.model_validate_json(d), n) for d, n in rows]
        return sorted(
            summaries,
            key=lambda s: (s.episode.podcast.casefold(), s.episode.number or 0, s.episode.title),
        )

    def find_episode(self, query: str) -> Episode:
        """An episode by number, slug, review file name, or a fragment of its title/podcast.

        Raises `NotFoundError` when nothing matches and when a fragment matches several.
        """
        wanted = query.strip().casefold().lstrip("#")
        if not wanted:
            raise NotFoundError("name an episode: its number, slug or part of its title")
        episodes = [s.episode for s in self.episodes()]
        exact = [
            e
            for e in episodes
            if wanted
            in {
                str(e.number),
                e.slug,
                e.source_name.casefold(),
                Path(e.source_name).stem.casefold(),
                e.key,
            }
        ]
        if len(exact) == 1:
            return exact[0]
        fuzzy = exact or [e for e in episodes if wanted in f"{e.podcast} {e.title}".casefold()]
        if len(fuzzy) == 1:
            return fuzzy[0]
        if not fuzzy:
            raise NotFoundError(f"no indexed episode matches {query!r}; see `claimbot episodes`")
        names = "; ".join(f"{e.slug}" for e in fuzzy[:5])
        raise NotFoundError(f"{query!r} matches {len(fuzzy)} episodes ({names}): be more specific")

    def episode_cards(self, episode: Episode) -> list[VerdictCard]:
        with self._db_lock:
            rows = self._db.execute(
                "SELECT data FROM cards WHERE episode_key = ? ORDER BY position", (episode.key,)
            ).fetchall()
        return [VerdictCard.model_validate_json(d) for (d,) in rows]

    def card(self, card_id: str) -> Hit:
        """One card with its episode, by id (score 1.0: it was asked for by name)."""
        with self._db_lock:
            row = self._db.execute(
                "SELECT c.data, e.data FROM cards c JOIN episodes e ON c.episode_key = e.key "
                "WHERE c.id = ?",
                (card_id.strip(),),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no claim with id {card_id!r}")
        return Hit(
            card=VerdictCard.model_validate_json(row[0]),
            episode=Episode.model_validate_json(row[1]),
            score=1.0,
        )

    def all_cards(self) -> list[Hit]:
        """Every card with its episode, in episode then claim order."""
        with self._db_lock:
            rows = self._db.execute(
                "SELECT c.data, e.data FROM cards c JOIN episodes e ON c.episode_key = e.key "
                "ORDER BY e.key, c.position"
            ).fetchall()
        return [
            Hit(
                card=VerdictCard.model_validate_json(c),
                episode=Episode.model_validate_json(e),
                score=1.0,
            )
            for c, e in rows
        ]


def _clean_question(question: str) -> str:
    text = " ".join(question.split())
    if not text:
        raise ClaimbotError(
            "the question is empty: ask about a claim, e.g. 'are Nvidia margins really that high?'"
        )
    return text[:MAX_QUESTION_CHARS]
