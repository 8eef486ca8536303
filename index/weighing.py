"""A question and its vector → the cards worth weighing, their evidence, and the answer
model's rank and confidence for each (index/ranking.py says what the evidence is)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import faiss
import numpy as np

from index.embed import Vectors
from index.lexical import CardText, LexicalIndex
from index.passages import HEADLINE, QUOTE, WHOLE, card_rowid, is_commentary, passage_slot
from index.policy import AnswerPolicy
from index.ranking import Evidence, Question, decider_features, sigmoid

FETCH_PER_CARD = 6
"""Passages fetched per card wanted (64 at least): enough for the 10 best cards' best passages
and most of their headlines and whole-card passages."""

TEXT_CACHE_CARDS = 20_000
"""Cards whose words are kept ready between questions (about 2 kB each)."""


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


class Weigher:
    """Weighs candidates over one generation's vectors and words; safe to share between
    threads (its cache of card words is only ever added to or cleared whole)."""

    def __init__(
        self,
        vectors: faiss.Index,
        lexicon: LexicalIndex,
        policy: AnswerPolicy,
        has_commentary: bool,
        unread: frozenset[int] = frozenset(),
    ) -> None:
        self._vectors = vectors
        self._lexicon = lexicon
        self.policy = policy
        self._has_commentary = has_commentary
        self._texts: dict[int, CardText] = {}
        # Cards in a language the model does not read: never weighed. The passages fetched
        # grow with their share, so the cards it reads still fill the candidates.
        self._unread = unread
        readable = lexicon.documents - len(unread)
        self._fetch_factor = lexicon.documents / readable if unread and readable > 0 else 1.0

    def weigh(self, question: str, vector: Vectors, k: int) -> Candidates:
        """The `k` best candidates for a question (its links removed) and its vector, and the
        commentary score. Which cards are weighed does not depend on `k`: the policy's dense
        and lexical candidates, always."""
        if self._vectors.ntotal == 0 or k <= 0:
            return Candidates([], None)
        policy = self.policy
        slots, commentary, floor = self._dense(vector, policy.dense_candidates)
        asked = Question.of(question, self._lexicon)
        lexical_wanted = math.ceil(policy.lexical_candidates * self._fetch_factor)
        lexical = self._lexicon.scores(asked.terms, lexical_wanted)
        rowids = [r for r in slots.keys() | lexical.keys() if r not in self._unread]
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
            decision = decider_features(scores, position, rows, commentary, len(asked.terms))
            # A question without one meaningful word (an emoji, a bare link, a number alone)
            # has nothing to match, however its vector lands: never an answer. The deciders
            # saw few such questions and would extrapolate.
            logit = model.decider_for(commentary).logit(decision)
            confidence = sigmoid(logit) if asked.has_words else 0.0
            ranked.append(Candidate(rowid, tuple(features), score, tuple(decision), confidence))
        return Candidates(ranked, commentary, len(asked.terms))

    def _dense(
        self, vector: Vectors, cards: int
    ) -> tuple[dict[int, dict[int, float]], float | None, float]:
        """Card rowid → {passage slot: cosine} for the best `cards` cards, the best commentary
        score, and the lowest score fetched (what an unfetched passage scores at most)."""
        # Several passages per card and the commentary share the index: fetch enough to
        # find the cards wanted in nearly every case.
        wanted = max(64, cards * FETCH_PER_CARD) * self._fetch_factor
        fetch = min(self._vectors.ntotal, math.ceil(wanted))
        with _one_openmp_thread():
            scores, ids = self._vectors.search(vector.reshape(1, -1).astype(np.float32), fetch)
        # As Python numbers: iterating the arrays themselves makes a NumPy scalar of each
        # element, a fifth of a search's time.
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
            if card_rowid(vid) in self._unread:
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


@contextmanager
def _one_openmp_thread() -> Iterator[None]:
    """FAISS searches one query vector on the calling thread alone: OpenMP threads buy nothing
    for it, and their spin-waiting against the embedding's threads made a flat search several
    times slower on busy cores.

    OpenMP keeps the thread count per calling thread: it is set for the search and put back
    after, so whatever else the caller's thread runs with FAISS gets the count it had."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


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
