"""A review file's lines and what each one looks like: a back link, a header field, a section
heading, an emoji headline, a bullet, 'Our Analysis' or a verdict.

The patterns are lenient about what varies between hand-edited and re-exported pages (case,
dash styles, curly quotes, emoji sequences) and anchored, so matching stays linear.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from index.text import starts_with_quote

BACK_LINK = regex.compile(r"^(?:←|⟵|<-+|&larr;)?\s*back\s+to\s*:?\s*(?P<podcast>.+)$", regex.I)
EPISODE = regex.compile(r"^(?:episode|ep\.?)\s*#?\s*(?P<number>\d{1,7})\b\s*$", regex.I)
PUBLISHED = regex.compile(r"^published\s*:\s*(?P<rest>.*)$", regex.I)
GUESTS = regex.compile(r"^guests?\s*:\s*(?P<rest>.*)$", regex.I)
VERDICT = regex.compile(r"^verdict\s*:\s*(?P<rest>.*)$", regex.I)
VERDICT_SEPARATOR = regex.compile(r"\s*[—–]\s*|\s+-+\s+")
EMOJI_LEAD = regex.compile(
    r"^(?P<emoji>(?:[#*0-9]\uFE0F?\u20E3|[\p{Extended_Pictographic}\p{Regional_Indicator}"
    r"\p{Emoji_Modifier}\u200D\uFE0F\uFE0E\U000E0020-\U000E007F])+)\s*(?P<rest>\S.*)$"
)
BULLET = regex.compile(r"^(?:[•◦‣▪●·*]|-(?!-))\s*(?P<text>.*)$")
QUOTE_WITH_SPEAKER = regex.compile(
    # A speaker is named, so not lower case: '"… jobs" - but that figure …' is the quote's
    # own sentence, its closing mark missing, not a speaker.
    r"^(?P<quote>[\"“„«].*[\"”»])\s*[—–-]+\s*(?P<speaker>(?![\s\p{Ll}])[^\"“”„«»]{2,80})$"
)

_SECTIONS = {
    "quick take": "quick_take",
    "key claims examined": "claims",
    "key claims": "claims",
    "what should we believe?": "believe",
    "what should we believe": "believe",
    "the bottom line": "bottom_line",
    "bottom line": "bottom_line",
    "guest credentials": "credentials",
}


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    raw: str
    text: str  # stripped


def split_lines(text: str) -> list[Line]:
    """Every line of `text`, whatever its line endings, numbered from 1."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [Line(i + 1, raw.rstrip(), _clean(raw)) for i, raw in enumerate(raw_lines)]


def _clean(raw: str) -> str:
    """A line without surrounding white space (NBSP and BOM included)."""
    return raw.replace("\ufeff", "").strip()


def section_of(text: str) -> str | None:
    """The section a heading line opens ("claims", "quick_take", ...), or None."""
    return _SECTIONS.get(text.casefold().rstrip(":").strip())


def wraps(first: str, second: str) -> bool:
    """`first` leaves a quote open that `second`, a plain line, closes: one headline."""
    if starts_with_quote(second) or is_our_analysis(second) or VERDICT.match(second):
        return False
    return _quote_open(first) and not _quote_open(f"{first} {second}")


def _quote_open(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def is_our_analysis(text: str) -> bool:
    return text.casefold().rstrip(":").strip() == "our analysis"
