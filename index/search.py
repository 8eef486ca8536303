"""The loaded index: question → hits → answer, and lookups of episodes and cards.

Query embedding is kept apart from vector search (`search_vector`), so the CLI can embed a batch
of questions at once and the evaluation can reuse vectors. A `ClaimIndex` is immutable once
opened; reloading after a reindex means opening a new one and swapping the reference.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import regex
from pydantic import ValidationError

from index.embed import Embedder, Vectors
from index.errors import ClaimbotError, IndexCorruptError, NotFoundError
from index.lexical import CardText, CardWords, LexicalIndex
from index.models import Answer, Episode, Hit, VerdictCard
from index.passages import HEADLINE, QUOTE, WHOLE, card_rowid, is_commentary, passage_slot
from index.policy import AnswerPolicy
from index.ranking import Evidence, Question, decider_features, sigmoid
from index.store import (
    DATABASE_FILE,
    LEXICON_FILE,
    VECTORS_FILE,
    Manifest,
    connect,
    read_manifest,
)
from index.vector_index import refresh_probes

DEFAULT_POLICY = AnswerPolicy()

FETCH_PER_CARD = 6
"""Passages fetched per card wanted (64 at least): the 10 best cards' best passages and most
of their headlines and whole-card passages, in 0.4 ms at 10k cards (320 passages: 0.9 ms)."""

TEXT_CACHE_CARDS = 20_000
"""Cards whose words are kept ready between questions (about 2 kB each)."""

MAX_QUESTION_CHARS = 2000
"""Longer questions are cut before embedding; the model reads 256 tokens at most anyway."""


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    claims: int


@dataclass(frozen=True)
class Candidate:
    """One card weighed for a question: the ranker's features and score, the decider's
    features and the probability that this card answers the question."""

    rowid: int
    features: tuple[float, ...]
    rank_score: float
    decision: tuple[float, ...]
    confidence: float


@dataclass(frozen=True)
class Candidates:
    """Search output before the answer decision: the candidates ranked best first, and the
    best commentary score (None when the index has no commentary)."""

    ranked: list[Candidate]
    commentary: float | None
    question_terms: int = 0  # the question's meaningful words (links and stop words aside)


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
        self._texts: dict[int, CardText] = {}
        self._lexicon = lexicon if lexicon is not None else build_lexicon(db)

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
                if lexicon is not None and lexicon.documents != cards:
                    problem = f"inconsistent ({lexicon.documents} cards' words vs {cards} cards)"
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
        model weighed (the fitting script learns from it). Which cards are weighed does not
        depend on `k`: the policy's dense and lexical candidates, always."""
        if self._vectors.ntotal == 0 or k <= 0:
            return Candidates([], None)
        policy = self.policy
        slots, commentary, floor = self._dense(vector, policy.dense_candidates)
        asked = Question.of(_LINK.sub(" ", question), self._lexicon)
        lexical = self._lexicon.scores(asked.terms, policy.lexical_candidates)
        rowids = list(slots.keys() | lexical.keys())
        texts = self._card_texts(rowids)
        evidence = [
            _evidence(rowid, slots.get(rowid, {}), floor, lexical.get(rowid, 0.0), texts[rowid])
            for rowid in rowids
            if rowid in texts
        ]
        if not evidence:
            return Candidates([], commentary, len(asked.terms))
        model = policy.model
        weighed = []
        for item in evidence:
            features = item.features(asked)
            weighed.append((model.ranker.logit(features), item.text.card_id, item.rowid, features))
        # Ties go by card id, which is the same in every generation (row numbers are not).
        weighed.sort(key=lambda entry: (-entry[0], entry[1]))
        scores = [entry[0] for entry in weighed]
        rows = [entry[3] for entry in weighed]
        ranked = []
        for position, (score, _, rowid, features) in enumerate(weighed[:k]):
            decision = decider_features(scores, position, rows, commentary, asked)
            confidence = sigmoid(model.decider_for(commentary).logit(decision))
            ranked.append(Candidate(rowid, tuple(features), score, tuple(decision), confidence))
        return Candidates(ranked, commentary, len(asked.terms))

    def _dense(
        self, vector: Vectors, cards: int
    ) -> tuple[dict[int, dict[int, float]], float | None, float]:
        """Card rowid → {passage slot: cosine} for the best `cards` cards, the best commentary
        score, and the lowest score fetched (what an unfetched passage scores at most)."""
        # Several passages per card and the commentary share the index: fetch enough to
        # find the cards wanted in nearly every case.
        fetch = min(self._vectors.ntotal, max(64, cards * FETCH_PER_CARD))
        with _one_openmp_thread():
            scores, ids = self._vectors.search(vector.reshape(1, -1).astype(np.float32), fetch)
        # As Python numbers: iterating the arrays themselves makes a NumPy scalar of each
        # element, which took 0.15 ms of a 10k-card search's 0.76 (in process, cProfile).
        fetched = [
            (score, vid)
            for score, vid in zip(scores[0].tolist(), ids[0].tolist(), strict=True)
            if vid >= 0
        ]
        floor = min((score for score, _ in fetched), default=0.0)
        if len(fetched) == fetch < self._vectors.ntotal:
            # Passages tying with the last one fetched were cut by row order, which differs
            # between generations: none of them is taken (they score the floor anyway).
            fetched = [(score, vid) for score, vid in fetched if score > floor]
        slots: dict[int, dict[int, float]] = {}
        commentary: float | None = None
        for score, vid in fetched:
            if is_commentary(vid):
                commentary = score if commentary is None else commentary
                continue
            slots.setdefault(card_rowid(vid), {})[passage_slot(vid)] = score
        if len(slots) > cards:
            # The best `cards` cards, and any that tie with the last: which cards are weighed
            # must not depend on row numbers, which differ between generations.
            bests = sorted((max(s.values()) for s in slots.values()), reverse=True)
            bar = bests[cards - 1]
            slots = {rowid: s for rowid, s in slots.items() if max(s.values()) >= bar}
        if commentary is None and self._has_commentary:
            commentary = floor  # not among the fetched: it scores at most the lowest one
        return slots, commentary if self._has_commentary else None, floor

    def _card_texts(self, rowids: list[int]) -> dict[int, CardText]:
        """The words of these cards, kept for the most recently weighed ones."""
        texts = {}
        for rowid in rowids:
            text = self._texts.get(rowid)
            if text is None:
                text = self._lexicon.card_text(rowid)
                if text is None:
                    continue
                if len(self._texts) >= TEXT_CACHE_CARDS:
                    self._texts.clear()
                self._texts[rowid] = text
            texts[rowid] = text
        return texts

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


@contextmanager
def _one_openmp_thread() -> Iterator[None]:
    """FAISS searches one query vector on the calling thread alone: OpenMP threads buy nothing
    for it, and their spin-waiting against the embedding's threads made a 10k-vector flat
    search take 14 ms instead of 2 ms on two busy cores (measured side by side).

    OpenMP keeps the thread count per calling thread: it is set for the search and put back
    after, so whatever else the caller's thread runs with FAISS gets the count it had."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


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


def build_lexicon(db: sqlite3.Connection) -> LexicalIndex:
    """The words of every card in a generation's database (a reindex saves them)."""
    rows = db.execute("SELECT rowid, data FROM cards").fetchall()
    return LexicalIndex.build([rowid for rowid, _ in rows], [_card_words(d) for _, d in rows])


def _card_words(data: str) -> CardWords:
    card = json.loads(data)
    claim = (card.get("headline"), card.get("quote"), card.get("speaker"))
    return CardWords(
        card.get("id", ""),
        " ".join(p for p in claim if p),
        " ".join(block.get("text", "") for block in card.get("analysis", ())),
    )


def _evidence(
    rowid: int, slots: dict[int, float], floor: float, lexical: float, text: CardText
) -> Evidence:
    """A card's dense evidence from the passages fetched for it; those not fetched score at
    most `floor`. Without analysis the whole card is its claim too."""
    claim_slots = (HEADLINE, QUOTE) if text.has_analysis else (WHOLE, HEADLINE, QUOTE)
    ranked = sorted(slots.values(), reverse=True)
    return Evidence(
        rowid=rowid,
        dense_best=ranked[0] if ranked else floor,
        dense_second=ranked[1] if len(ranked) > 1 else floor,
        dense_whole=slots.get(WHOLE, floor),
        dense_claim=max((slots[s] for s in claim_slots if s in slots), default=floor),
        lexical=lexical,
        text=text,
    )
