"""The review format's optional provenance lines: where a review and each of its claims come
from (docs/review-format.md, "Provenance").

In the header, after the title: `Kind:`, `URL:`, `Reviewed by:`, `Reviewed on:`, `Language:`.
In a claim, right after its `Verdict:` line: `URL:`, `Claimed by:`, `Claimed on:`,
`Appeared in:`, `First appeared in:`, `Rating:`, `Language:`. Each is one line, each optional;
a file without them parses as before. A value that cannot be read is an error naming the line,
never a field silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import regex

from index.excerpt import excerpt
from index.models import Party, PartyKind
from index.rating import PublisherRating, whole
from index.review_header import parse_date
from index.text import one_line

HEADER_LINES = (
    ("Kind", "kind"),
    ("URL", "url"),
    ("Reviewed by", "reviewer"),
    ("Reviewed on", "reviewed"),
    ("Language", "language"),
)
CLAIM_LINES = (
    ("URL", "url"),
    ("Claimed by", "claimant"),
    ("Claimed on", "claimed"),
    ("Appeared in", "appearances"),
    ("First appeared in", "first_appearance"),
    ("Rating", "publisher_rating"),
    ("Language", "language"),
)
"""Each line's name as written, and the model field it holds, in the order they are written."""
HEADER_FIELDS = frozenset(name.casefold() for name, _ in HEADER_LINES)
CLAIM_FIELDS = frozenset(name.casefold() for name, _ in CLAIM_LINES)
_KEYS = {name.casefold(): key for name, key in HEADER_LINES + CLAIM_LINES}
FIELD = regex.compile(
    r"^(?P<name>"
    + "|".join(sorted({name.replace(" ", r"\s+") for name in _KEYS}, key=len, reverse=True))
    + r")\s*:\s*(?P<value>.*)$",
    regex.I,
)
_URL = regex.compile(r"^https?://[^\s<>\"]+$", regex.I)
_LANGUAGE = regex.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_PARTY = regex.compile(
    r"^(?P<name>.*?)\s*(?:\((?P<kind>person|organi[sz]ation)\))?\s*(?P<url>https?://\S+)?$",
    regex.I,
)
# What `_party` would read off the end of a name as its kind or its web address.
_PARTY_TAIL = regex.compile(r"\s*\((?:person|organi[sz]ation)\)\s*$|\s+https?://\S*$", regex.I)
_RATING = regex.compile(
    r"^(?P<value>-?\d+(?:\.\d+)?)\s+(?:of|on\s+a\s+scale\s+of|on)\s+"
    r"(?P<worst>-?\d+(?:\.\d+)?)\s*(?:-|–|—|to)\s*(?P<best>-?\d+(?:\.\d+)?)$",
    regex.I,
)


class ProvenanceLineError(ValueError):
    """A provenance line whose value cannot be read; the parser adds the file and line."""


@dataclass
class ProvenanceFields:
    """The provenance lines read from one header or one claim, as model field values."""

    values: dict[str, Any] = field(default_factory=dict)

    def read(self, name: str, value: str) -> None:
        """Take one `Name: value` line (`name` case-folded); `ProvenanceLineError` if its
        value is not what the field holds, or the field came already."""
        key, parsed = _parse(name, value.strip())
        if key in self.values:
            raise ProvenanceLineError(f"'{name.capitalize()}:' is given twice")
        self.values[key] = parsed


def field_of(text: str, allowed: frozenset[str]) -> tuple[str, str] | None:
    """(name, value) when `text` is one of the `allowed` provenance lines, else None."""
    match = FIELD.match(text)
    if match is None:
        return None
    name = regex.sub(r"\s+", " ", match["name"].casefold())
    return (name, match["value"]) if name in allowed else None


def _parse(name: str, value: str) -> tuple[str, Any]:
    if not value:
        raise ProvenanceLineError(f"'{name.capitalize()}:' has no value")
    key = _KEYS[name]
    if key not in ("reviewer", "claimant"):
        value = value.removesuffix(".")  # a sentence's full stop, not the value's (a name's
        # may be its own: "Acme Inc.")
    if key == "kind":
        kind = value.casefold()
        if kind not in ("podcast", "fact-check"):
            raise ProvenanceLineError(
                f"'Kind:' is 'podcast' or 'fact-check', not {excerpt(value, 40)}"
            )
        return key, kind
    if key in ("url", "first_appearance"):
        return key, _url(value)
    if key in ("reviewer", "claimant"):
        return key, _party(value)
    if key in ("reviewed", "claimed"):
        return key, _date(value)
    if key == "language":
        if not _LANGUAGE.match(value):
            raise ProvenanceLineError(
                "'Language:' takes a language tag such as 'en' or 'pt-BR', "
                f"not {excerpt(value, 40)}"
            )
        return key, value
    if key == "appearances":
        return key, tuple(_url(u) for u in regex.split(r"[\s,]+", value) if u)
    return key, _rating(value)


def _url(value: str) -> str:
    if not _URL.match(value):
        raise ProvenanceLineError(
            f"expected a web address (http:// or https://), found {excerpt(value)}"
        )
    return value


def _party(value: str) -> Party:
    match = _PARTY.match(value)
    name = match["name"].strip(" ,") if match else ""
    if match is None or not name:
        raise ProvenanceLineError(
            "expected a name, then optionally (person) or (organization) and a web address, "
            f"found {excerpt(value)}"
        )
    kind_word = (match["kind"] or "").casefold()
    kind: PartyKind | None = None
    if kind_word:
        kind = "person" if kind_word == "person" else "organization"
    url = match["url"].removesuffix(".") if match["url"] else None  # a sentence's full stop
    return Party(name=name, url=url, kind=kind)


def _date(value: str) -> date:
    parsed = parse_date(value)
    if parsed is None:
        raise ProvenanceLineError(
            f"expected a date such as 'March 2, 2026' or '2026-03-02', found {excerpt(value, 40)}"
        )
    return parsed


def _rating(value: str) -> PublisherRating:
    match = _RATING.match(value)
    if match is None:
        raise ProvenanceLineError(
            f"expected a rating such as '2 of 1-6', found {excerpt(value, 40)}"
        )
    rating = PublisherRating(
        value=float(match["value"]), worst=float(match["worst"]), best=float(match["best"])
    )
    low, high = sorted((rating.worst, rating.best))
    if rating.worst == rating.best or not low <= rating.value <= high:
        raise ProvenanceLineError(f"the rating {excerpt(value, 40)} is not within its scale")
    return rating


# -- writing --------------------------------------------------------------------------------


def lines_of(table: tuple[tuple[str, str], ...], source: object) -> list[str]:
    """The provenance lines (`HEADER_LINES` or `CLAIM_LINES`) for what `source`, an episode or
    a claim, holds; none for what it lacks, so a review without provenance reads as before."""
    lines = []
    for name, key in table:
        value = getattr(source, key)
        if value and not (key == "kind" and value == "podcast"):
            lines.append(f"{name}: {_text(value)}")
    return lines


def _text(value: object) -> str:
    if isinstance(value, Party):
        return party_text(value)
    if isinstance(value, PublisherRating):
        return rating_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return " ".join(value)
    return str(value)


def party_text(party: Party) -> str:
    """`AFP Fact Check (organization) https://factcheck.afp.com`: what `_party` reads back, the
    name on one line and kept from reading as the kind or the web address."""
    name = _PARTY_TAIL.sub("", one_line(party.name)) or party.name
    parts = [name]
    if party.kind:
        parts.append(f"({party.kind})")
    if party.url:
        parts.append(party.url)
    return " ".join(parts)


def rating_text(rating: PublisherRating) -> str:
    """`2 of 1-6`, numbers without a needless `.0`."""
    return f"{whole(rating.value)} of {whole(rating.worst)}-{whole(rating.best)}"
