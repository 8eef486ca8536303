"""Review files → `Episode` + `VerdictCard`s, following REVIEW-FORMAT.md and its variations.

The parser is strict about structure that carries meaning (a back link naming the podcast, a
title, at least one claim, a verdict for every claim) and lenient about everything that varies
between hand-edited and re-exported pages (line endings, BOM, curly quotes, dash styles, missing
optional sections, unknown verdict labels). Any structural problem raises `ReviewFormatError`
naming the file and line; it never returns part of a file. Work is linear in the file size and
the size is capped, so hostile input cannot make it hang.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import regex

from index.bounded_read import MAX_REVIEW_BYTES, read_file, too_large
from index.claims_parser import ClaimsParser
from index.errors import ReviewFormatError
from index.excerpt import excerpt
from index.models import Episode, Guest, ParsedReview
from index.provenance_lines import (
    HEADER_FIELDS,
    ProvenanceFields,
    ProvenanceLineError,
    field_of,
)
from index.review_header import parse_guests, parse_published
from index.review_lines import BACK_LINK, EPISODE, GUESTS, PUBLISHED, Line, section_of, split_lines


def parse_review(path: Path) -> ParsedReview:
    """Parse one review file; raise `ReviewFormatError` if it does not follow the format."""
    return parse_review_bytes(read_review_file(path), path)


def read_review_file(path: Path) -> bytes:
    """A review file's bytes; `ReviewFormatError` if it cannot be read (gone, no permission),
    is not a regular file or is over the size cap (checked before reading)."""
    return read_file(path, MAX_REVIEW_BYTES)


def parse_review_bytes(data: bytes, path: Path | str) -> ParsedReview:
    """Parse the content of a review file; `path` names it in errors and in the episode."""
    path = Path(path)
    return _ReviewParser(_decode(data, path), path).parse()


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise ReviewFormatError(path, "the file is empty")
    if len(data) > MAX_REVIEW_BYTES:
        raise ReviewFormatError(path, too_large(len(data), MAX_REVIEW_BYTES))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ReviewFormatError(path, "the file is binary, not UTF-8 text (a NUL byte)", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewFormatError(
            path, f"the file is not UTF-8 text (invalid byte at offset {exc.start})", line
        ) from exc
    return unicodedata.normalize("NFC", text)


class _ReviewParser:
    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.lines = split_lines(text)

    def error(
        self, problem: str, line: int | None = None, claim: str | None = None
    ) -> ReviewFormatError:
        return ReviewFormatError(self.path, problem, line, claim)

    def parse(self) -> ParsedReview:
        content = [ln for ln in self.lines if ln.text]
        sections, header = self._split_sections(content)
        episode = self._episode(header, sections)
        if "claims" not in sections:
            raise self.error("no 'Key Claims Examined' section: a review needs at least one claim")
        heading_line, claim_lines = sections["claims"]
        cards = ClaimsParser(self.path, episode, heading_line, claim_lines).parse()
        return ParsedReview(episode=episode, cards=tuple(cards))

    def _split_sections(
        self, content: list[Line]
    ) -> tuple[dict[str, tuple[int, list[Line]]], list[Line]]:
        """Header lines before the first known heading, then each section's lines."""
        sections: dict[str, tuple[int, list[Line]]] = {}
        header: list[Line] = []
        current: list[Line] = header
        for line in content:
            name = section_of(line.text)
            if name is not None and name not in sections:
                current = []
                sections[name] = (line.number, current)
            else:
                current.append(line)
        return sections, header

    def _episode(self, header: list[Line], sections: dict[str, tuple[int, list[Line]]]) -> Episode:
        if not header:
            raise self.error("expected '← Back to <podcast>' at the top of the file", 1)
        first = header[0]
        back = BACK_LINK.match(first.text)
        if back is None:
            raise self.error(
                f"expected '← Back to <podcast>' as the first line, found {excerpt(first.text)}",
                first.number,
            )
        podcast = back["podcast"].strip()
        rest = header[1:]
        number: int | None = None
        if rest and (match := EPISODE.match(rest[0].text)):
            number = int(match["number"])
            rest = rest[1:]
        if not rest or PUBLISHED.match(rest[0].text) or GUESTS.match(rest[0].text):
            # Where the title should be: the next line after the back link and number, which
            # may be the first section's heading.
            after = min((at for at, _ in sections.values()), default=header[-1].number + 1)
            where = rest[0].number if rest else after
            raise self.error("the episode title is missing (expected after the back link)", where)
        title = rest[0].text
        published = duration = credibility = None
        guests: tuple[Guest, ...] = ()
        provenance = ProvenanceFields()
        for line in rest[1:]:
            if match := PUBLISHED.match(line.text):
                published, duration, credibility = parse_published(match["rest"])
            elif match := GUESTS.match(line.text):
                guests = parse_guests(match["rest"])
            elif found := field_of(line.text, HEADER_FIELDS):
                try:
                    provenance.read(*found)
                except ProvenanceLineError as exc:
                    raise self.error(str(exc), line.number) from exc
        return Episode(
            podcast=podcast,
            number=number,
            title=title,
            published=published,
            duration_minutes=duration,
            credibility=credibility,
            guests=guests,
            quick_take=_prose(sections.get("quick_take")),
            bottom_line=_prose(sections.get("bottom_line")),
            commentary=_commentary(sections),
            source_file=str(self.path),
            **provenance.values,
        )


def _prose(section: tuple[int, list[Line]] | None) -> str | None:
    if section is None:
        return None
    paragraphs: list[list[str]] = []
    previous = -1
    for line in section[1]:
        if line.number != previous + 1 or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
        previous = line.number
    return "\n\n".join(" ".join(p) for p in paragraphs) or None


_COMMENTARY_SECTIONS = ("quick_take", "believe", "bottom_line", "credentials")
_MIN_COMMENTARY_WORDS = 4  # skips name lines and stubs like "Key takeaways:"


def _commentary(sections: dict[str, tuple[int, list[Line]]]) -> tuple[str, ...]:
    """Every paragraph or list item of the sections outside the claims, in file order."""
    paragraphs = []
    for name in _COMMENTARY_SECTIONS:
        for line in sections.get(name, (0, []))[1]:
            text = regex.sub(r"^(?:\d+[.)]|[•◦‣▪●·*-])\s*", "", line.text)
            if len(text.split()) >= _MIN_COMMENTARY_WORDS:
                paragraphs.append(text)
    return tuple(paragraphs)
