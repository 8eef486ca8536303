"""Episode + claims → the text of a review file in the review format (docs/review-format.md).

The inverse of the parser, for review data that arrives in another shape (ClaimReview JSON-LD):
writing it as an ordinary review file lets the one parser, the incremental reindex and the
moderators' own eyes handle it like any hand-written review. Every field is written on one
line, and text that the parser would read as structure (a `Verdict:` line inside an analysis,
a dash inside a verdict label, quote marks inside a speaker's name) is defused, so that
parsing the written text gives back the same claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

import regex

from index.models import AnalysisBlock, Episode, Guest, Party, VerdictCard
from index.provenance_lines import CLAIM_LINES, HEADER_LINES, lines_of
from index.rating import PublisherRating
from index.text import one_line

DEFAULT_EMOJI = "🔎"
"""Topic marker for a claim that has neither an emoji nor a quote: the parser recognises a
claim's headline by an emoji or by the quote under it, so one of the two must be written."""

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_VERDICT_SEPARATORS = regex.compile(r"\s*[—–]\s*|\s+-+\s+")
_VERDICT_LINE = regex.compile(r"^(verdict)\s*:\s*", regex.I)
_BULLET_LEAD = regex.compile(r"^(?:[•◦‣▪●·*]|-(?!-))\s*")
_QUOTE_MARKS = regex.compile(r"[\"“”„«»‟]")
# Lines the parser reads as structure when they stand alone (section headings).
_HEADINGS = {
    "quick take",
    "key claims examined",
    "key claims",
    "what should we believe?",
    "what should we believe",
    "the bottom line",
    "bottom line",
    "guest credentials",
    "our analysis",
}
MAX_SPEAKER_CHARS = 80


@dataclass(frozen=True)
class ClaimDraft:
    """The content of one claim block, before it has an id, a position or a line."""

    headline: str
    verdict: str
    emoji: str = ""
    quote: str = ""
    speaker: str | None = None
    analysis: tuple[AnalysisBlock, ...] = ()
    justification: str = ""
    url: str | None = None
    claimant: Party | None = None
    claimed: date | None = None
    appearances: tuple[str, ...] = ()
    first_appearance: str | None = None
    publisher_rating: PublisherRating | None = None
    language: str | None = None

    @classmethod
    def from_card(cls, card: VerdictCard) -> ClaimDraft:
        """The draft a card was written from: every field a draft has is one the card has."""
        return cls(**{f.name: getattr(card, f.name) for f in fields(cls)})


def format_date(day: date) -> str:
    """`January 31, 2026`, whatever the process locale."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def render_review(episode: Episode, claims: Sequence[ClaimDraft]) -> str:
    """The review file for an episode and its claims, ending with a newline."""
    lines = [f"← Back to {one_line(episode.podcast)}"]
    if episode.number is not None:
        lines.append(f"Episode #{episode.number}")
    lines += ["", _not_a_heading(one_line(episode.title)), *lines_of(HEADER_LINES, episode), ""]
    published = _published_line(episode)
    if published:
        lines += [published, ""]
    if episode.guests:
        lines += ["Guests: " + " & ".join(_guest(g) for g in episode.guests), ""]
    if episode.quick_take:
        lines += ["Quick Take", "", *_paragraphs(episode.quick_take)]
    lines += ["Key Claims Examined", ""]
    for claim in claims:
        lines += _claim_block(claim)
    if episode.bottom_line:
        lines += ["The Bottom Line", "", *_paragraphs(episode.bottom_line)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _published_line(episode: Episode) -> str:
    parts = []
    if episode.published is not None:
        parts.append(format_date(episode.published))
    if episode.duration_minutes:
        parts.append(f"~{episode.duration_minutes} minutes")
    if episode.credibility:
        parts.append(one_line(episode.credibility))
    return "Published: " + " ".join(parts) if parts else ""


def _guest(guest: Guest) -> str:
    name = one_line(guest.name).replace("&", "and").replace(",", "")
    return f"{name} ({one_line(guest.role)})" if guest.role else name


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in regex.split(r"\n\s*\n", text):
        if paragraph.strip():
            out += [_not_a_heading(one_line(paragraph)), ""]
    return out


def _claim_block(claim: ClaimDraft) -> list[str]:
    quote = one_line(claim.quote)
    headline = _not_a_heading(one_line(claim.headline))
    emoji = one_line(claim.emoji) or ("" if quote and _stands_alone(headline) else DEFAULT_EMOJI)
    lines = [f"{emoji} {headline}" if emoji else headline, ""]
    if quote:
        speaker = written_speaker(claim.speaker)
        lines += [f'"{quote}"' + (f" — {speaker}" if speaker else ""), ""]
    lines += ["Our Analysis", ""]
    previous_bullet = False
    for block in claim.analysis:
        text = _analysis_text(block.text)
        if not text:
            continue
        if block.bullet:
            lines.append(f"  • {text}")
        else:
            if previous_bullet:
                lines.append("")
            lines += [text, ""]
        previous_bullet = block.bullet
    if previous_bullet:
        lines.append("")
    lines += [_verdict_line(claim), *lines_of(CLAIM_LINES, claim), ""]
    return lines


def _stands_alone(headline: str) -> bool:
    """Whether the parser takes this line for a headline without an emoji before it (it
    reads a line that looks like a bullet or a verdict as such)."""
    return not (_BULLET_LEAD.match(headline) or _VERDICT_LINE.match(headline))


def written_speaker(speaker: str | None) -> str:
    """A name the parser reads back as the speaker: no quote marks, at most 80 characters."""
    if not speaker:
        return ""
    name = _QUOTE_MARKS.sub("", one_line(speaker)).strip(" —–-")
    if regex.match(r"\p{Ll}", name):
        return ""  # the parser reads a lower-case name as the quote's own words, not a speaker
    return name[:MAX_SPEAKER_CHARS].strip() if len(name) >= 2 else ""


def _analysis_text(text: str) -> str:
    """One analysis block, kept from being read as a verdict line or as a bullet mark."""
    line = one_line(text)
    line = _VERDICT_LINE.sub(lambda m: f"{m[1]} — ", line, count=1)
    return _not_a_heading(line)


def _not_a_heading(line: str) -> str:
    return f"{line}." if line.casefold().rstrip(":").strip() in _HEADINGS else line


def _verdict_line(claim: ClaimDraft) -> str:
    label = _VERDICT_SEPARATORS.sub(", ", one_line(claim.verdict)).strip(" ,")
    justification = one_line(claim.justification)
    return f"Verdict: {label} — {justification}" if justification else f"Verdict: {label}"


def paragraph_is_bullet(text: str) -> bool:
    """Whether a line of imported analysis text is a bullet item (`• ...` or `- ...`)."""
    return bool(_BULLET_LEAD.match(text.strip()))


def strip_bullet(text: str) -> str:
    return str(_BULLET_LEAD.sub("", text.strip(), count=1)).strip()
