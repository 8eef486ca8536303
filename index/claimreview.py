"""schema.org ClaimReview JSON-LD, the format fact-checkers publish → review drafts (the
export is `index.claimreview_export`).

Import reads what real publishers write: any JSON-LD form (compacted, expanded, flattened,
`@graph`; `index.jsonld_document`), ClaimReviews nested in a DataFeed or a MediaReview, the
Fact Check Tools API's answers and extruct's microdata (`index.claimreview_shapes`); values
leniently, as strings, lists or objects. It turns them into review drafts with their
provenance (`index.claimreview_reader`): `ImportedReview`s, one per review, which
`index.review_import` writes as ordinary review files. Missing required data raises
`ClaimReviewFieldError` naming the item and the field.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from index.claimreview_reader import ClaimReviewReader
from index.errors import ClaimReviewError, ClaimReviewFieldError
from index.jsonld_document import nodes_by_id, normalise, walk_nodes
from index.jsonld_values import prop, types_of
from index.models import Episode
from index.review_writer import ClaimDraft

__all__ = [
    "ClaimReviewError",
    "ClaimReviewFieldError",
    "ImportedReview",
    "read_claimreview_json",
    "read_claimreviews",
    "review_identity",
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
    """Decoded JSON-LD → one `ImportedReview` per review, claims in document order.

    `source` names the input in error messages. A claim from a podcast episode goes to that
    episode's review; any other to its fact-checker's page (one review per page address;
    claims without an address, to one review per publisher).
    """
    normalised = normalise(data)
    items = _claimreviews(normalised)
    if not items and normalised is not data:
        normalised = data  # what the JSON-LD processor made of it holds none; try as written
        items = _claimreviews(data)
    if not items:
        raise ClaimReviewError(
            f"{source}: no ClaimReview found; {_what_it_holds(normalised)} (expected "
            '"@type": "ClaimReview" objects: alone, in a list, an "@graph" or a DataFeed, '
            "or a Fact Check Tools API answer)"
        )
    reader = ClaimReviewReader(source, nodes_by_id(normalised))
    reviews: dict[str, ImportedReview] = {}
    ordered: list[tuple[float, int, str, ClaimDraft]] = []
    for index, item in enumerate(items):
        episode, draft, position = reader.claim(index, item)
        group = _group(episode)
        reviews.setdefault(group, ImportedReview(episode))
        ordered.append((position, index, group, draft))
    for _, _, group, draft in sorted(ordered, key=lambda entry: (entry[0], entry[1])):
        reviews[group].claims.append(draft)
    return [_settled(review) for review in reviews.values()]


def _claimreviews(data: Any) -> list[Mapping[str, Any]]:
    """Every ClaimReview in the data, wherever it is nested (a DataFeed's items, a
    MediaReview's associated review), in document order; an untyped object at the top
    that has a `claimReviewed` counts too."""
    tops = _tops(data)
    return [
        node
        for node in walk_nodes(data)
        if "ClaimReview" in types_of(node)
        or (not types_of(node) and any(node is t for t in tops) and prop(node, "claimReviewed"))
    ]


def _tops(data: Any) -> list[Any]:
    """The document's top-level nodes: its `@graph`'s, its list's, or itself."""
    tops = data.get("@graph", [data]) if isinstance(data, Mapping) else data
    return tops if isinstance(tops, list) else [tops]


def _group(episode: Episode) -> str:
    """Which review a claim joins: its episode's, its page's, or (without a page address)
    its publisher's one review of unaddressed claims."""
    if episode.kind == "fact-check" and episode.url is None:
        return f"{episode.podcast.casefold()}#"
    return review_identity(episode)


def review_identity(episode: Episode) -> str:
    """What makes two reviews the same one: a fact-checker's page is its address alone (its
    title is each claim's own when the page names none, and publishers edit titles); any
    other review its key."""
    if episode.kind == "fact-check" and episode.url:
        return f"page {episode.url}"
    return episode.key


def _settled(review: ImportedReview) -> ImportedReview:
    """The review with what all its claims share said once, in its header: the address
    (of a podcast review; a page's is its own) and the language."""
    episode, claims = review.episode, review.claims
    urls = {c.url for c in claims}
    if episode.kind == "podcast" and episode.url is None and len(urls) == 1:
        episode = episode.model_copy(update={"url": urls.pop()})
    language = next((c.language for c in claims if c.language), None)
    episode = episode.model_copy(update={"language": language})
    settled = [
        dataclasses.replace(
            c,
            url=None if c.url == episode.url else c.url,
            language=None if c.language == language else c.language,
        )
        for c in claims
    ]
    return ImportedReview(episode, settled)


def _what_it_holds(data: Any) -> str:
    """`it holds a MediaReview and an ImageObject`: the types at the top of the data and of
    what they review, which tells a user what they gave instead."""
    found: list[str] = []
    for top in _tops(data):
        if not isinstance(top, Mapping):
            continue
        reviewed = top.get("itemReviewed")
        for node in [top, *(reviewed if isinstance(reviewed, list) else [reviewed])]:
            if isinstance(node, Mapping):
                found += [t for t in sorted(types_of(node)) if t not in found]
    if not found:
        return "it holds no schema.org type"
    named = [f"{'an' if t[0] in 'AEIOU' else 'a'} {t}" for t in found]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"it holds {listed}"
