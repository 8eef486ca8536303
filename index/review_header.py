"""The fields of a review's episode header that pack several values into one line: the
"Published:" line (date, duration, credibility label, each optional and in any common
spelling) and the "Guests:" line (names with roles in brackets)."""

from __future__ import annotations

from datetime import date, datetime

import regex

from index.models import Guest

_DATE = regex.compile(
    r"^(?P<date>\p{L}+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2})\s*(?P<rest>.*)$"
)
_DURATION = regex.compile(
    r"^~?\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b)?\s*(?:and\s+)?"
    r"(?:(?P<m>\d+)\s*(?:minutes?|mins?|m)\b)?\s*(?P<rest>.*)$",
    regex.I,
)


def parse_published(text: str) -> tuple[date | None, int | None, str | None]:
    """`January 31, 2026 ~3 hours Highly Credible` → (date, 180, "Highly Credible")."""
    published = None
    rest = text.strip()
    if match := _DATE.match(rest):
        published = parse_date(match["date"])
        if published is not None:
            rest = match["rest"]
    duration = None
    if rest.startswith("~") or regex.match(r"^\d", rest):
        dmatch = _DURATION.match(rest)
        if dmatch and (dmatch["h"] or dmatch["m"]):
            hours = float(dmatch["h"] or 0)
            duration = round(hours * 60) + int(dmatch["m"] or 0)
            rest = dmatch["rest"]
    credibility = rest.strip(" -—–|·") or None
    return published, duration, credibility


def parse_date(text: str) -> date | None:
    """`January 31, 2026`, `Jan. 31st 2026`, `31 January 2026` or `2026-01-31`; None for
    anything else."""
    cleaned = regex.sub(r"(\d)(st|nd|rd|th)", r"\1", text).replace(".", "")
    cleaned = regex.sub(r"\s+", " ", cleaned)
    # "Sept." is a common abbreviation that strptime's "%b" (Sep) does not read.
    cleaned = regex.sub(r"^Sept\b", "Sep", cleaned, flags=regex.I)
    formats = ("%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")
    for fmt in formats:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def parse_guests(text: str) -> tuple[Guest, ...]:
    """Split `A (Role) & B (Role, "Book")` at `&`, `,` or ` and ` outside brackets and quotes."""
    parts: list[str] = []
    current: list[str] = []
    depth, in_quote = 0, False
    i = 0
    while i < len(text):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        elif c in '"“”':
            in_quote = not in_quote if c == '"' else c == "“"
        if depth == 0 and not in_quote and (c in "&," or text.startswith(" and ", i)):
            parts.append("".join(current))
            current = []
            i += 5 if c == " " else 1
            continue
        current.append(c)
        i += 1
    parts.append("".join(current))
    guests = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        match = regex.match(r"^(?P<name>[^(]+?)\s*\((?P<role>.*)\)\s*$", part)
        if match:
            guests.append(Guest(name=match["name"].strip(), role=match["role"].strip() or None))
        else:
            guests.append(Guest(name=part))
    return tuple(guests)
