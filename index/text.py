"""Small text helpers shared by the parser, the store and the search."""

from __future__ import annotations

import unicodedata

import regex

OPEN_QUOTES = '"“„«‟'
CLOSE_QUOTES = '"”»‟'
_ALL_QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES)
_NON_SLUG = regex.compile(r"[^\p{L}\p{N}]+")


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case words joined by hyphens: `Lex Fridman Podcast 490` → `lex-fridman-podcast-490`."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    slug = _NON_SLUG.sub("-", folded.casefold()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "untitled"


def strip_enclosing_quotes(text: str) -> str:
    """Drop one pair of double quotes around the whole text, and only then.

    `"DeepSeek Kicked Off..."` loses its quotes; `Models Have "Friendlier Licenses"` and
    `"X" — Y` are kept as written, because their quotes mark only part of the text.
    """
    text = text.strip()
    if len(text) >= 2 and text[0] in OPEN_QUOTES and text[-1] in CLOSE_QUOTES:
        inner = text[1:-1]
        if not any(c in _ALL_QUOTES for c in inner):
            return inner.strip()
    return text


def strip_quote_marks(text: str) -> str:
    """A quotation without its opening and closing marks (inner quotes kept)."""
    text = text.strip()
    if text and text[0] in OPEN_QUOTES:
        text = text[1:]
    if text and text[-1] in CLOSE_QUOTES:
        text = text[:-1]
    return text.strip()


def starts_with_quote(text: str) -> bool:
    return bool(text) and text[0] in OPEN_QUOTES


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD. They are valid in JSON (Discord's,
    `ask --questions`, ClaimReview files) and are how Python reads undecodable bytes on a
    command line, but cannot be encoded as UTF-8: not printed, stored or written."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
