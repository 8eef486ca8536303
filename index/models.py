"""The engine's data: episodes, verdict cards, search hits and answers.

Plain pydantic models, so they validate on the way in from a review file or SQLite and
serialise to the JSON contracts unchanged.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from index.rating import RATING_NAMES, PublisherRating, rating_colour
from index.text import slugify


class Guest(BaseModel):
    """A guest as the review's `Guests:` line names them."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: str | None = None


PartyKind = Literal["person", "organization"]
ReviewKind = Literal["podcast", "fact-check"]


class Party(BaseModel):
    """A person or an organisation: who reviewed a claim, or who made it."""

    model_config = ConfigDict(frozen=True)

    name: str
    url: str | None = None
    kind: PartyKind | None = None


class Episode(BaseModel):
    """One review: of a podcast episode (identified by podcast and number, or podcast and
    title) or, for `kind` "fact-check", one fact-checker's page (`podcast` names the publisher,
    `title` the page)."""

    model_config = ConfigDict(frozen=True)

    podcast: str
    number: int | None = None
    title: str
    published: date | None = None
    duration_minutes: int | None = None
    credibility: str | None = None
    guests: tuple[Guest, ...] = ()
    quick_take: str | None = None
    bottom_line: str | None = None
    commentary: tuple[str, ...] = Field(
        (),
        description="the review's paragraphs outside its claims (quick take, what to believe, "
        "bottom line, guest credentials): topics the episode touches without a verdict",
    )
    source_file: str
    kind: ReviewKind = "podcast"
    url: str | None = Field(None, description="the review's page")
    reviewer: Party | None = Field(None, description="who published the review")
    reviewed: date | None = Field(None, description="when the review was published")
    language: str | None = Field(None, description="the review's language, BCP 47")

    @property
    def key(self) -> str:
        """The identity that decides which cards a re-indexed file replaces; a fact-checker's
        page is told from another of the same title by its address."""
        which = str(self.number) if self.number is not None else self.title
        return f"{self.podcast.casefold()}#{which.casefold()}{self._page_tag('#')}"

    @property
    def slug(self) -> str:
        """A readable, URL-safe handle: `lex-fridman-podcast-490`; a fact-checker's page ends
        with a short hash of its address: `checkpoint-seed-oils-3f9a1c`."""
        which = str(self.number) if self.number is not None else self.title
        tag = self._page_tag("-")
        return slugify(f"{self.podcast} {which}", 80 - len(tag)) + tag

    def _page_tag(self, separator: str) -> str:
        """A short hash of a fact-check page's address (nothing for a podcast episode, whose
        key and slug stay as they always were)."""
        if self.kind != "fact-check" or not self.url:
            return ""
        return separator + hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:6]

    @property
    def display_name(self) -> str:
        """`Lex Fridman Podcast #490: State of AI in 2026...`; a fact-check's page title."""
        if self.kind == "fact-check":
            return f"{self.podcast}: {self.title}"
        number = f" #{self.number}" if self.number is not None else ""
        return f"{self.podcast}{number}: {self.title}"

    @property
    def source_name(self) -> str:
        return Path(self.source_file).name


class AnalysisBlock(BaseModel):
    """One paragraph or bullet of a claim's analysis, in document order."""

    model_config = ConfigDict(frozen=True)

    text: str
    bullet: bool = False


class VerdictCard(BaseModel):
    """One examined claim: what was said, what the reviewers found, and their verdict."""

    model_config = ConfigDict(frozen=True)

    id: str
    episode_key: str
    position: int = Field(description="1-based order of the claim in its review")
    emoji: str
    headline: str
    quote: str
    speaker: str | None = Field(None, description="who said it, where the review names them")
    analysis: tuple[AnalysisBlock, ...] = ()
    verdict: str = Field(description="the verdict label as written")
    justification: str = ""
    rating: int = Field(ge=1, le=5)
    line: int = Field(description="1-based line of the headline in the review file")
    url: str | None = Field(None, description="this claim's own page, when it has one")
    claimant: Party | None = Field(None, description="who made the claim, when known")
    claimed: date | None = Field(None, description="when the claim was made")
    appearances: tuple[str, ...] = Field((), description="where the claim appeared (URLs)")
    first_appearance: str | None = Field(None, description="where it appeared first (URL)")
    publisher_rating: PublisherRating | None = None
    language: str | None = Field(None, description="the claim's language, BCP 47")

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.analysis if not b.bullet]

    @property
    def bullets(self) -> list[str]:
        return [b.text for b in self.analysis if b.bullet]

    @property
    def colour(self) -> int:
        return rating_colour(self.rating)

    @property
    def rating_name(self) -> str:
        return RATING_NAMES[self.rating]

    def analysis_text(self) -> str:
        """The analysis as plain text, bullets kept."""
        return "\n".join(f"• {b.text}" if b.bullet else b.text for b in self.analysis)


class Provenance(BaseModel):
    """Where a verdict comes from, as every front end shows it: the card's own facts, else its
    review's (a claim's own page over the review's)."""

    model_config = ConfigDict(frozen=True)

    url: str | None = None
    reviewer: Party | None = None
    reviewed: date | None = None
    claimant: Party | None = None
    claimed: date | None = None
    appearances: tuple[str, ...] = ()
    first_appearance: str | None = None
    publisher_rating: PublisherRating | None = None
    language: str | None = None

    @classmethod
    def of(cls, card: VerdictCard, episode: Episode) -> Provenance:
        claimant = card.claimant
        if claimant is None and card.speaker:
            claimant = Party(name=card.speaker)
        return cls(
            url=card.url or episode.url,
            reviewer=episode.reviewer,
            reviewed=episode.reviewed,
            claimant=claimant,
            claimed=card.claimed,
            appearances=card.appearances,
            first_appearance=card.first_appearance,
            publisher_rating=card.publisher_rating,
            language=card.language or episode.language,
        )


class ParsedReview(BaseModel):
    """What one review file yields."""

    episode: Episode
    cards: tuple[VerdictCard, ...]


class Hit(BaseModel):
    """A card found for a question, with its relevance score (higher is better)."""

    card: VerdictCard
    episode: Episode
    score: float
    confidence: float = Field(
        1.0, description="calibrated probability (0-1) that this card answers the question"
    )

    @property
    def provenance(self) -> Provenance:
        return Provenance.of(self.card, self.episode)


class LanguageMismatch(BaseModel):
    """Why a question was not matched: it is in a language the model does not read."""

    model_config = ConfigDict(frozen=True)

    question_language: str = Field(description="the question's language, ISO 639-1")
    served: tuple[str, ...] = Field(description="the languages the model reads, ISO 639-1")


class Answer(BaseModel):
    """The outcome of a question: whether the best hit answers it, and the hits, best first.

    When `answered` is false the hits are only the closest cards, not matches; when `language`
    is set, the question was not matched at all (no hits).
    """

    question: str
    answered: bool
    hits: tuple[Hit, ...]
    language: LanguageMismatch | None = None

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None
