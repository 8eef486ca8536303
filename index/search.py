"""The loaded index: question → hits → answer, and lookups of episodes and cards. Which
cards a question weighs, and how, is index/weighing.py's; the generation it reads (vectors,
cards' words, database) is index/generation.py's.

Query embedding is kept apart from vector search (`search_vector`), so the CLI can embed a batch
of questions at once and the evaluation can reuse vectors. A `ClaimIndex` is immutable once
opened; reloading after a reindex means opening a new one and swapping the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import regex

from index.embed import Embedder, Vectors
from index.errors import ClaimbotError, NotFoundError, Remedy
from index.generation import Generation
from index.language import ALL_LANGUAGES, ModelLanguages, unread_language
from index.models import Answer, Episode, Hit, LanguageMismatch, VerdictCard
from index.policy import AnswerPolicy
from index.store import Manifest
from index.weighing import Candidate, Candidates, Weigher

DEFAULT_POLICY = AnswerPolicy()

MAX_QUESTION_CHARS = 2000
"""Longer questions are cut before embedding; the model reads 256 tokens at most anyway."""


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    claims: int


class ClaimIndex:
    """A read-only view of one index generation, safe to share between threads.

    `languages` are those the embedder's model reads: a question confidently in another one
    is not matched, and cards in another one are never weighed."""

    def __init__(
        self,
        generation: Generation,
        embedder: Embedder,
        policy: AnswerPolicy = DEFAULT_POLICY,
        languages: ModelLanguages = ALL_LANGUAGES,
    ) -> None:
        self.manifest: Manifest = generation.manifest
        self._generation = generation
        self._claims = generation.database
        self.embedder = embedder
        self.policy = policy
        self.languages = languages
        self._weigher = Weigher(
            generation.vectors,
            generation.lexicon,
            policy,
            has_commentary=generation.has_commentary,
            unread=_unread(generation, languages),
        )

    @classmethod
    def open(
        cls,
        index_dir: Path,
        embedder: Embedder,
        policy: AnswerPolicy = DEFAULT_POLICY,
        languages: ModelLanguages = ALL_LANGUAGES,
    ) -> ClaimIndex:
        """Load the current generation; raise an `IndexUnusableError` subclass if it cannot
        serve (missing, built with another model or format, damaged)."""
        return cls(Generation.open(index_dir, embedder.name), embedder, policy, languages)

    def close(self) -> None:
        self._generation.close()

    @property
    def vectors(self) -> faiss.Index:
        """The generation's FAISS index, searched by the current probe rule; nothing that
        serves questions may change it."""
        return self._generation.vectors

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
        refused = self._refused(question)
        if refused is not None:
            return refused  # before embedding: a question the model cannot read costs nothing
        return self._matched(question, self.embed_questions([question])[0], k)

    def answer(self, question: str, vector: Vectors, k: int = 3) -> Answer:
        """Answered: the best card and the others that also clear the policy.
        Not answered: the `k` closest cards, which the front ends label as no match; or none,
        when the question is in a language the model does not read."""
        refused = self._refused(question)
        return refused if refused is not None else self._matched(question, vector, k)

    def _refused(self, question: str) -> Answer | None:
        """The answer to a question in a language the model does not read: no match, and why."""
        mismatch = self.language_mismatch(question)
        if mismatch is None:
            return None
        return Answer(question=question, answered=False, hits=(), language=mismatch)

    def _matched(self, question: str, vector: Vectors, k: int) -> Answer:
        ranked = self.candidates(question, vector, k).ranked
        floor = self.policy.min_confidence
        answered = bool(ranked) and ranked[0].confidence >= floor
        chosen = [c for c in ranked if c.confidence >= floor] if answered else ranked
        return Answer(question=question, answered=answered, hits=tuple(self.hits(chosen)))

    def language_mismatch(self, question: str) -> LanguageMismatch | None:
        """The question's language, when it is confidently one the model does not read."""
        if self.languages.codes is None:
            return None
        language = unread_language(question, self.languages)
        if language is None:
            return None
        return LanguageMismatch(
            question_language=language, served=tuple(sorted(self.languages.codes))
        )

    def search_vector(self, vector: Vectors, k: int, question: str = "") -> list[Hit]:
        """The `k` best cards for a question vector and its text."""
        return self.hits(self.candidates(question, vector, k).ranked)

    def candidates(self, question: str, vector: Vectors, k: int) -> Candidates:
        """The `k` best candidates and the commentary score, with the evidence the answer
        model weighed (the fitting script learns from it)."""
        return self._weigher.weigh(_LINK.sub(" ", question), vector, k)

    def hits(self, ranked: list[Candidate]) -> list[Hit]:
        """The cards of these candidates with their episodes, in the same order."""
        found = self._claims.cards_by_rowid([c.rowid for c in ranked])
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
        summaries = [EpisodeSummary(e, n) for e, n in self._claims.episodes()]
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
            raise NotFoundError(
                f"no indexed episode matches {query!r}", remedy=Remedy.LIST_EPISODES
            )
        names = "; ".join(f"{e.slug}" for e in fuzzy[:5])
        raise NotFoundError(f"{query!r} matches {len(fuzzy)} episodes ({names}): be more specific")

    def episode_cards(self, episode: Episode) -> list[VerdictCard]:
        return self._claims.episode_cards(episode.key)

    def card(self, card_id: str) -> Hit:
        """One card with its episode, by id (score 1.0: it was asked for by name)."""
        found = self._claims.card(card_id.strip())
        if found is None:
            raise NotFoundError(f"no claim with id {card_id!r}")
        card, episode = found
        return Hit(card=card, episode=episode, score=1.0)

    def all_cards(self) -> list[Hit]:
        """Every card with its episode, in episode then claim order."""
        return [
            Hit(card=card, episode=episode, score=1.0) for card, episode in self._claims.all_cards()
        ]


def _unread(generation: Generation, languages: ModelLanguages) -> frozenset[int]:
    """The rowids of the cards in a language the model does not read."""
    if languages.every:
        return frozenset()
    known = generation.database.card_languages()
    return frozenset(rowid for rowid, language in known.items() if not languages.serves(language))


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
