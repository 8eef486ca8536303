"""How much of real fact-checkers' ClaimReview markup survives claimbot's import and export.

    python -m benchmarks.claimreview_real FOLDER

For each `*.json` document in FOLDER: import it into a temporary reviews folder, parse the
written review files back as a reindex does, export the cards again as ClaimReview, and
compare the export with the source, field by field: the claim, the label as written, the
rating (the label table's, else the publisher's number scaled), the page's address, the
author, the date, the claimant, the appearances, and Google's required properties. A
document that holds no ClaimReview must be refused with a message naming what it holds.
Prints one row per document (✓ kept, ✗ lost, – absent from the source) and the totals.
The source is read through the same JSON-LD normalisation (`index.jsonld_document`), so
every shape is compared on the same terms; its fields are read here, independently.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from index import (
    ClaimReviewError,
    claimreview_document,
    google_problems,
    parse_review,
    read_claimreview_json,
    write_imported_reviews,
)
from index.jsonld_document import nodes_by_id, normalise, walk_nodes
from index.rating import PublisherRating, rate_label, scaled_rating

FIELDS = ("claim", "label", "rating", "url", "author", "date", "claimant", "appearance", "google")
YES, NO, ABSENT = "✓", "✗", "–"


@dataclass
class Row:
    """One document's outcome: imported or not, and each field's mark."""

    name: str
    holds_claimreview: bool
    imported: bool = False
    marks: dict[str, str] = field(default_factory=dict)
    note: str = ""

    @property
    def complete(self) -> bool:
        return self.imported and all(self.marks.get(f) in (YES, ABSENT) for f in FIELDS)


class Source:
    """Plain readings of a source document's values, `@id` references resolved."""

    def __init__(self, data: Any) -> None:
        self.nodes = nodes_by_id(data)

    def get(self, node: Any, name: str) -> Any:
        if not isinstance(node, Mapping):
            return None
        value = node.get(name, node.get(f"schema:{name}"))
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, Mapping) and set(value) == {"@id"}:
            return self.nodes.get(value["@id"], value)
        return value

    def text(self, node: Any, name: str) -> str | None:
        value = self.get(node, name)
        if isinstance(value, Mapping):
            value = value.get("@value", value.get("@id"))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:g}"
        return " ".join(value.split()) or None if isinstance(value, str) else None

    def url(self, node: Any) -> str | None:
        value = self.get(node, "url") if isinstance(node, Mapping) else node
        if isinstance(value, Mapping):
            value = value.get("@id", value.get("@value"))
        return value.strip() if isinstance(value, str) and "://" in value else None

    def name(self, node: Any) -> str | None:
        if isinstance(node, str):
            return " ".join(node.split()) or None
        found = self.text(node, "name")
        url = self.url(node)
        return found or (urlsplit(url).hostname if url else None)


def claimreviews_in(data: Any) -> list[Mapping[str, Any]]:
    return [n for n in walk_nodes(data) if "ClaimReview" in _types(n)]


def _types(node: Mapping[str, Any]) -> set[str]:
    raw = node.get("@type")
    return {str(t).rsplit("/", 1)[-1] for t in (raw if isinstance(raw, list) else [raw]) if t}


def check(path: Path) -> Row:
    data = json.loads(path.read_text("utf-8"))
    source_data = normalise(data)
    sources = claimreviews_in(source_data)
    row = Row(path.name, holds_claimreview=bool(sources))
    try:
        imported = read_claimreview_json(path.read_bytes(), path.name)
    except ClaimReviewError as exc:
        row.note = str(exc).split(": ", 1)[-1][:90]
        return row
    row.imported = bool(imported)
    with tempfile.TemporaryDirectory() as folder:
        written = write_imported_reviews(imported, Path(folder))
        parsed = [parse_review(w.path) for w in written]
    cards = [(p.episode, card) for p in parsed for card in p.cards]
    exported = claimreview_document(cards)["@graph"]
    reader = Source(source_data)
    per_node = [
        _compare(reader, s, _match(reader, s, i, exported, cards)) for i, s in enumerate(sources)
    ]
    for name in FIELDS:
        marks = [m[name] for m in per_node]
        row.marks[name] = NO if NO in marks else YES if YES in marks else ABSENT
    return row


def _match(
    reader: Source,
    source: Mapping[str, Any],
    index: int,
    exported: list[dict[str, Any]],
    cards: list[Any],
) -> tuple[dict[str, Any], Any, bool] | None:
    """The export of this source node (by its claim, else by its place) and whether the
    claim's text came back as written."""
    claim = reader.text(source, "claimReviewed")
    for node, (_, card) in zip(exported, cards, strict=True):
        if " ".join(node["claimReviewed"].split()) == claim:
            return node, card, True
    if index < len(exported):
        return exported[index], cards[index][1], False
    return None


def _compare(
    reader: Source,
    source: Mapping[str, Any],
    match: tuple[dict[str, Any], Any, bool] | None,
) -> dict[str, str]:
    if match is None:
        return dict.fromkeys(FIELDS, NO)
    node, card, claim_kept = match
    rating = reader.get(source, "reviewRating")
    label = reader.text(rating, "alternateName")
    label = label if label and any(c.isalnum() for c in label) else None
    scale = _scale(reader, rating)
    expected_rating = (rate_label(label) if label else None) or (
        scaled_rating(scale) if scale else 3
    )
    exported_rating = node["reviewRating"]
    scale_kept = scale is None or (
        (exported_rating["ratingValue"], exported_rating["worstRating"])
        == (scale.value, scale.worst)
        and exported_rating["bestRating"] == scale.best
    )
    author = reader.get(source, "author") or reader.get(source, "publisher")
    claim = reader.get(source, "itemReviewed")
    exported_claim = node.get("itemReviewed", {})
    exported_author = node.get("author", {}).get("name")
    day = _day(reader.text(source, "datePublished"))
    appearances = _appearances(reader, claim)
    exported_appearances = {
        a.get("url")
        for key in ("appearance", "firstAppearance")
        for a in _listed(exported_claim.get(key))
    }
    return {
        "claim": YES if claim_kept else NO,
        "label": _mark(label, node["reviewRating"]["alternateName"] == label),
        "rating": _mark(label or scale, card.rating == expected_rating and scale_kept),
        "url": _mark(reader.url(source), node.get("url") == reader.url(source)),
        "author": _mark(reader.name(author), exported_author == reader.name(author)),
        "date": _mark(day, node.get("datePublished") == (day.isoformat() if day else None)),
        "claimant": _mark(
            reader.name(reader.get(claim, "author")),
            exported_claim.get("author", {}).get("name")
            == reader.name(reader.get(claim, "author")),
        ),
        "appearance": _mark(appearances, set(appearances) <= exported_appearances),
        "google": YES if not google_problems(node) else NO,
    }


def _scale(reader: Source, rating: Any) -> PublisherRating | None:
    def number(name: str, default: float | None) -> float | None:
        text = reader.text(rating, name)
        try:
            return float(text) if text else default
        except ValueError:
            return None

    value, best, worst = (
        number("ratingValue", None),
        number("bestRating", 5),
        number("worstRating", 1),
    )
    if value is None or best is None or worst is None or best == worst:
        return None
    if not min(best, worst) <= value <= max(best, worst):
        return None
    return PublisherRating(value=value, worst=worst, best=best)


def _appearances(reader: Source, claim: Any) -> list[str]:
    if not isinstance(claim, Mapping):
        return []
    found = [
        url
        for key in ("appearance", "firstAppearance")
        for item in _listed(claim.get(key))
        if (
            url := reader.url(
                reader.nodes.get(item.get("@id"), item) if isinstance(item, Mapping) else item
            )
        )
    ]
    return found or [u for u in [reader.url(claim)] if u]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _day(text: str | None) -> Any:
    if not text:
        return None
    try:
        return dateparser.parse(text).date()
    except (ValueError, OverflowError):
        return None


def _mark(present: Any, kept: bool) -> str:
    if not present:
        return ABSENT
    return YES if kept else NO


def report(rows: list[Row]) -> str:
    width = max(len(r.name) for r in rows)
    header = f"{'document':<{width}}  import  " + "  ".join(f"{f:<5}" for f in FIELDS)
    lines = [header, "-" * len(header)]
    for row in rows:
        if not row.holds_claimreview and not row.imported:
            outcome = "refused" if " holds " in row.note else "refused?"
            lines.append(f"{row.name:<{width}}  {outcome}: {row.note}")
            continue
        marks = "  ".join(f"{row.marks.get(f, NO):<5}" for f in FIELDS)
        imported = YES if row.imported else NO
        lines.append(f"{row.name:<{width}}  {imported:<6}  {marks}  {row.note}".rstrip())
    with_reviews = [r for r in rows if r.holds_claimreview]
    others = [r for r in rows if not r.holds_claimreview]
    lines += [
        "",
        f"ClaimReview documents: {len(with_reviews)}; imported "
        f"{sum(r.imported for r in with_reviews)}; every field kept "
        f"{sum(r.complete for r in with_reviews)}",
        *(
            f"  {name}: kept in {sum(r.marks.get(name) == YES for r in with_reviews)}, lost in "
            f"{sum(r.marks.get(name) == NO for r in with_reviews)}"
            for name in FIELDS
        ),
        f"Other documents: {len(others)}; imported {sum(r.imported for r in others)}; "
        f"refused naming what they hold "
        f"{sum((not r.imported) and ' holds ' in r.note for r in others)}",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m benchmarks.claimreview_real FOLDER", file=sys.stderr)
        return 2
    rows = [check(path) for path in sorted(Path(argv[0]).glob("*.json"))]
    print(report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
