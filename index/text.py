"""Small text helpers shared by the parser, the store and the search."""

from __future__ import annotations

import unicodedata

import regex

OPEN_QUOTES = '"“„«‟'
CLOSE_QUOTES = '"”»‟'
_ALL_QUOTES = set(OPEN_QUOTES + CLOSE_QUOTES)
# Zero-width joiners shape Indic conjuncts (Sinhala ශ්‍රී): part of a word, like a mark.
_JOINERS = "\u200c\u200d"
_NON_SLUG = regex.compile(rf"[^\p{{L}}\p{{M}}\p{{N}}{_JOINERS}]+")
# Scripts whose accents are optional decoration, folded away (Café → Cafe). In other scripts
# (Devanagari, Sinhala, Thai, Arabic...) a combining mark is a letter's vowel and is kept.
_ACCENTED_SCRIPTS = regex.compile(
    r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Common}\p{Inherited}\p{Unknown}]"
)


def fold_accents(text: str) -> str:
    """`text` with compatibility forms unfolded (ﬁ → fi) and Latin, Greek and Cyrillic accents
    dropped (Café → Cafe), keeping the marks other scripts spell with (भ्रामक stays); NFC."""
    folded = []
    marks_are_letters = False
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.category(char)[0] != "M" and char not in _JOINERS:
            marks_are_letters = not _ACCENTED_SCRIPTS.match(char)
            folded.append(char)
        elif marks_are_letters:
            folded.append(char)
        elif not unicodedata.combining(char):
            folded.append(" ")  # a spacing mark or joiner among Latin letters separates words
    return unicodedata.normalize("NFC", "".join(folded))


def one_line(text: str) -> str:
    """Text on one line: line breaks become spaces, spacing within a line is kept."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def slugify(text: str, max_length: int = 80) -> str:
    """Lower-case words joined by hyphens: `Lex Fridman Podcast 490` → `lex-fridman-podcast-490`,
    `Café` → `cafe`; vowel signs of scripts that need them are kept (`भ्रामक-दावा`)."""
    slug = _NON_SLUG.sub("-", fold_accents(text).casefold()).strip("-")
    slug = unicodedata.normalize("NFC", slug)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or _whole_graphemes(slug, max_length)
    return slug or "untitled"


def _whole_graphemes(text: str, max_length: int) -> str:
    """The longest start of `text` within `max_length` characters that splits no letter from
    its marks."""
    kept = ""
    for grapheme in regex.findall(r"\X", text):
        if len(kept) + len(grapheme) > max_length:
            break
        kept += grapheme
    return kept or text[:max_length]


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
