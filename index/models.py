"""The engine's data: episodes, verdict cards, search hits and answers.

Plain pydantic models, so they validate on the way in from a review file or SQLite and
serialise to the JSON contracts unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from index.rating import RATING_NAMES, rating_colour
from index.text import slugify


class Guest(BaseModel):
    """A guest as the review's `Guests:` line names them."""

    model_config = ConfigDict(frozen=True)

    name: str
    role: str | None = None


class Episode(BaseModel):
    """One reviewed episode. Identified by podcast and number, or podcast and title."""

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

    @property
    def key(self) -> str:
        """The identity that decides which cards a re-indexed file replaces."""
        which = str(self.number) if self.number is not None else self.title
        return f"{self.podcast.casefold()}#{which.casefold()}"

    @property
    def slug(self) -> str:
        """A readable, URL-safe handle: `lex-fridman-podcast-490`."""
        which = str(self.number) if self.number is not None else self.title
        return slugify(f"{self.podcast} {which}")

    @property
    def display_name(self) -> str:
        """`Lex Fridman Podcast #490: State of AI in 2026...`."""
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


class Answer(BaseModel):
    """The outcome of a question: whether the best hit answers it, and the hits, best first.

    When `answered` is false the hits are only the closest cards, not matches.
    """

    question: str
    answered: bool
    hits: tuple[Hit, ...]

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None
