"""schema.org ClaimReview JSON-LD, the format fact-checkers publish → review drafts (the
export is `index.claimreview_export`).

Import reads what real publishers write, leniently (a single object, a list or an `@graph`;
values as strings, lists or objects; `@id` references into the graph), and turns it into
review drafts (`index.claimreview_reader`): `ImportedReview`s, one per episode, which
`index.review_import` writes as ordinary review files. Missing required data raises
`ClaimReviewFieldError` naming the item and the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from index.claimreview_reader import ClaimReviewReader
from index.errors import ClaimReviewError, ClaimReviewFieldError
from index.jsonld_values import prop, types_of
from index.models import Episode
from index.review_writer import ClaimDraft

__all__ = [
    "ClaimReviewError",
    "ClaimReviewFieldError",
    "ImportedReview",
    "read_claimreview_json",
    "read_claimreviews",
]

# -- import ---------------------------------------------------------------------------------


@dataclass
class ImportedReview:
    """One episode's worth of imported claims, ready to be written as a review file."""

    episode: Episode
    claims: list[ClaimDraft] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"{self.episode.slug}.txt"


def read_claimreview_json(data: bytes, source: str) -> list[ImportedReview]:
    """The bytes of a JSON-LD file → `ImportedReview`s (see `read_claimreviews`)."""
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ClaimReviewError(f"{source}: not UTF-8 text (invalid byte at {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ClaimReviewError(
            f"{source}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"
        ) from exc
    except RecursionError as exc:
        raise ClaimReviewError(f"{source}: nested too deeply to be ClaimReview") from exc
    try:
        return read_claimreviews(decoded, source)
    except RecursionError as exc:  # deep, though not too deep for the JSON reader
        raise ClaimReviewError(f"{source}: nested too deeply to be ClaimReview") from exc


def read_claimreviews(data: Any, source: str = "the file") -> list[ImportedReview]:
    """Decoded JSON-LD → one `ImportedReview` per episode, claims in document order.

    `source` names the input in error messages. ClaimReviews that name no podcast episode are
    grouped by publisher and date into a stand-in episode.
    """
    items, nodes = _claimreview_items(data)
    if not items:
        raise ClaimReviewError(
            f'{source}: no ClaimReview found (expected a JSON object with "@type": '
            '"ClaimReview", a list of them, or an "@graph" holding them)'
        )
    reader = ClaimReviewReader(source, nodes)
    reviews: dict[str, ImportedReview] = {}
    ordered: list[tuple[float, int, str, ClaimDraft]] = []
    for index, item in items:
        episode, draft, position = reader.claim(index, item)
        reviews.setdefault(episode.key, ImportedReview(episode))
        ordered.append((position, index, episode.key, draft))
    for _, _, key, draft in sorted(ordered, key=lambda entry: (entry[0], entry[1])):
        reviews[key].claims.append(draft)
    return list(reviews.values())


def _claimreview_items(data: Any) -> tuple[list[tuple[int, Mapping[str, Any]]], dict[str, Any]]:
    """(index in its list, node) of every ClaimReview, and all nodes by `@id`."""
    if isinstance(data, Mapping) and "@graph" in data:
        candidates = data["@graph"]
        candidates = candidates if isinstance(candidates, list) else [candidates]
    elif isinstance(data, list):
        candidates = data
    else:
        candidates = [data]
    nodes = {
        str(c["@id"]): c
        for c in candidates
        if isinstance(c, Mapping) and isinstance(c.get("@id"), str)
    }
    items = [
        (i, c)
        for i, c in enumerate(candidates)
        if isinstance(c, Mapping)
        and (
            "ClaimReview" in types_of(c)
            or (not types_of(c) and (prop(c, "claimReviewed") is not None))
        )
    ]
    return items, nodes
