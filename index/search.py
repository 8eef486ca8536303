"""The loaded index: question → hits → answer, and lookups of episodes and cards. Which
cards a question weighs, and how, is index/weighing.py's.

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
import regex
from pydantic import ValidationError

from index.embed import Embedder, Vectors
from index.errors import ClaimbotError, IndexCorruptError, NotFoundError
from index.lexical import LexicalIndex
from index.models import Answer, Episode, Hit, VerdictCard
from index.policy import AnswerPolicy
from index.store import (
    DATABASE_FILE,
    LEXICON_FILE,
    VECTORS_FILE,
    Manifest,
    connect,
    read_manifest,
)
from index.vector_index import refresh_probes
from index.weighing import Candidate, Candidates, Weigher, build_lexicon

DEFAULT_POLICY = AnswerPolicy()

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
        policy: AnswerPolicy = DEFAULT_POLICY,
        lexicon: LexicalIndex | None = None,
    ) -> None:
        """`lexicon` is the generation's saved one; without it (an index written before
        lexicons were saved) it is built here from the cards."""
        self.manifest = manifest
        refresh_probes(vectors)
        self._vectors = vectors
        self._db = db
        self._db_lock = threading.Lock()
        self.embedder = embedder
        self.policy = policy
        self._has_commentary = bool(
            db.execute("SELECT COALESCE(SUM(passages), 0) FROM episodes").fetchone()[0]
        )
        self._weigher = Weigher(
            vectors,
            lexicon if lexicon is not None else build_lexicon(db),
            policy,
            has_commentary=self._has_commentary,
        )

    @classmethod
    def open(
        cls, index_dir: Path, embedder: Embedder, policy: AnswerPolicy = DEFAULT_POLICY
    ) -> ClaimIndex:
        """Load the current generation; raise an `IndexUnusableError` subclass if it cannot
        serve (missing, built with another model, damaged).

        Readers take no lock, and a reindex deletes the generation before last when it starts:
        a reader that read the manifest just before two quick reindexes can find its generation
        gone. It then reads the manifest again and opens the newer one (a few times at most).
        """
        attempts = 3
        manifest = read_manifest(index_dir)
        for attempt in range(1, attempts + 1):
            manifest.check_compatible(embedder.name)
            generation = index_dir / manifest.generation
            db: sqlite3.Connection | None = None
            part = VECTORS_FILE
            try:
                vectors = faiss.read_index(str(generation / VECTORS_FILE))
                part = DATABASE_FILE
                db = connect(generation / DATABASE_FILE, readonly=True)
                cards = db.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
                part = LEXICON_FILE
                saved = generation / LEXICON_FILE
                lexicon = LexicalIndex.load(saved) if saved.exists() else None
                found = (vectors.d, vectors.ntotal, cards)
                if lexicon is not None and not lexicon.covers(
                    [rowid for (rowid,) in db.execute("SELECT rowid FROM cards")]
                ):
                    problem = f"inconsistent ({LEXICON_FILE} holds other cards than the database)"
                elif found == (manifest.dimension, manifest.vectors, manifest.cards):
                    return cls(manifest, vectors, db, embedder, policy, lexicon)
                else:
                    problem = (
                        f"inconsistent (dimension {vectors.d} vs {manifest.dimension}, "
                        f"{vectors.ntotal} vectors vs {manifest.vectors}, "
                        f"{cards} cards vs {manifest.cards})"
                    )
            except (RuntimeError, MemoryError, sqlite3.Error, ValidationError, ValueError) as exc:
                # faiss's RuntimeError is a C++ trace, of no use to an operator: name the file.
                detail = str(exc) if isinstance(exc, sqlite3.Error) else "unreadable"
                problem = f"damaged ({generation.name}/{part}: {detail})"
            if db is not None:
                db.close()
            latest = read_manifest(index_dir)
            if latest.generation == manifest.generation or attempt == attempts:
                break
            manifest = latest
        raise IndexCorruptError(f"the index in {index_dir} is {problem}: run `claimbot reindex`")

    def close(self) -> None:
        self._db.close()

    @property
    def vectors(self) -> faiss.Index:
        """The generation's FAISS index as read from its file. A reindex that opened this
        generation to validate it builds the next one from these (after `close`); nothing
        that serves questions may change them."""
        return self._vectors

    @property
    def version(self) -> int:
        return self.manifest.version

    @property
    def min_confidence(self) -> float:
        return self.policy.min_confidence

    # -- asking -------------------------------------------------------------------------

    def embed_questions(self, questions: Sequence[str]) -> Vectors:
        return self.embedder.embed([_matchable(q) for q in questions])

    def ask(self, question: str, k: int = 3) -> Answer:
        """The best `k` cards for a question, and whether the best one answers it."""
        vector = self.embed_questions([question])[0]
        return self.answer(question, vector, k)

    def answer(self, question: str, vector: Vectors, k: int = 3) -> Answer:
        """Answered: the best card and the others that also clear the policy.
        Not answered: the `k` closest cards, which the front ends label as no match."""
        ranked = self.candidates(question, vector, k).ranked
        floor = self.policy.min_confidence
        answered = bool(ranked) and ranked[0].confidence >= floor
        chosen = [c for c in ranked if c.confidence >= floor] if answered else ranked
        return Answer(question=question, answered=answered, hits=tuple(self.hits(chosen)))

    def search_vector(self, vector: Vectors, k: int, question: str = "") -> list[Hit]:
        """The `k` best cards for a question vector and its text."""
        return self.hits(self.candidates(question, vector, k).ranked)

    def candidates(self, question: str, vector: Vectors, k: int) -> Candidates:
        """The `k` best candidates and the commentary score, with the evidence the answer
        model weighed (the fitting script learns from it)."""
        return self._weigher.weigh(_LINK.sub(" ", question), vector, k)

    def hits(self, ranked: list[Candidate]) -> list[Hit]:
        """The cards of these candidates with their episodes, in the same order."""
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        with self._db_lock:
            rows = self._db.execute(
                f"SELECT c.rowid, c.data, e.data FROM cards c JOIN episodes e "
                f"ON c.episode_key = e.key WHERE c.rowid IN ({marks})",
                [c.rowid for c in ranked],
            ).fetchall()
        found = {
            rowid: (VerdictCard.model_validate_json(c), Episode.model_validate_json(e))
            for rowid, c, e in rows
        }
        return [
            Hit(
                card=found[c.rowid][0],
                episode=found[c.rowid][1],
                score=self.policy.model.relevance(c.rank_score),
                confidence=c.confidence,
            )
            for c in ranked
            if c.rowid in found
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
        fuzzy = exact or [e for e in episodes if wanted in _names_of(e)]
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


def _names_of(episode: Episode) -> str:
    """What a fragment of an episode's name is looked for in: its podcast and title, and its
    name as claimbot prints it ("Podcast #112: Title"), also without the "#"."""
    number = f"{episode.podcast} {episode.number}" if episode.number is not None else ""
    return f"{episode.podcast} {episode.title}\n{episode.display_name}\n{number}".casefold()


_LINK = regex.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*|<https?://\S*>", regex.I)


def _matchable(question: str) -> str:
    """The question without its links: a link's letters are no claim (a message that is only
    a link has nothing to match, and reads as such to the answer model). All links → the
    cleaned text as it was, which the model sees as saying nothing."""
    text = _clean_question(question)
    stripped = " ".join(_LINK.sub(" ", text).split())
    return stripped or text


def _clean_question(question: str) -> str:
    # Lone surrogates are valid in JSON (ask --questions, Discord) but not UTF-8; the
    # tokenizer would raise on them.
    text = question.encode("utf-8", "replace").decode("utf-8")
    text = " ".join(text.split())
    if not text:
        raise ClaimbotError(
            "the question is empty: ask about a claim, e.g. 'are Nvidia margins really that high?'"
        )
    return text[:MAX_QUESTION_CHARS]
