"""Verdict cards ⇄ schema.org ClaimReview JSON-LD, the format fact-checkers publish.

Export: one `ClaimReview` per card, its `itemReviewed` a `Claim` whose `appearance` is the
episode as a `PodcastEpisode`. Everything a card holds travels in schema.org properties (the
quote as the claim's `text`, the analysis as `reviewBody`, one line per paragraph or `• `
bullet) except the topic emoji, which has no schema.org property and goes in `claimbot:emoji`
under a `urn:claimbot:` prefix declared in the context.

Import reads what real publishers write, leniently (a single object, a list or an `@graph`;
values as strings, lists or objects; `@id` references into the graph), and turns it into
review drafts: `ImportedReview`s, one per episode, which `index.review_import` writes as
ordinary review files. Missing required data raises `ClaimReviewFieldError` naming the item and
the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from index.errors import ClaimbotError
from index.jsonld_values import (
    as_list,
    date_of,
    duration_minutes,
    emoji_of,
    episode_number_of,
    first,
    number_of,
    prop,
    text_of,
    types_of,
)
from index.models import AnalysisBlock, Episode, Guest, VerdictCard
from index.rating import RATING_NAMES, rate_verdict
from index.review_writer import ClaimDraft, format_date, one_line, paragraph_is_bullet
from index.review_writer import strip_bullet as _strip_bullet

SCHEMA_CONTEXT = "https://schema.org"
CLAIMBOT_PREFIX = "urn:claimbot:"
CONTEXT: list[Any] = [SCHEMA_CONTEXT, {"claimbot": CLAIMBOT_PREFIX}]
EMOJI_PROPERTY = "claimbot:emoji"

_EPISODE_TYPES = {"PodcastEpisode", "Episode", "RadioEpisode", "TVEpisode"}
FALLBACK_PUBLISHER = "Imported fact-checks"


class ClaimReviewError(ClaimbotError):
    """ClaimReview data that cannot be imported (not JSON, no ClaimReview in it, ...)."""


class ClaimReviewFieldError(ClaimReviewError):
    """One ClaimReview lacks a field that an imported card cannot do without.

    `index` is the item's position (from 0) in the list or `@graph` it came from, `field` the
    property path, e.g. `reviewRating.alternateName`.
    """

    def __init__(self, source: str, index: int, field: str, problem: str, claim: str = "") -> None:
        self.source = source
        self.index = index
        self.field = field
        about = f" ({claim[:60]!r})" if claim else ""
        super().__init__(f"{source}: ClaimReview at index {index}{about}: {problem}")


# -- export ---------------------------------------------------------------------------------


def claimreview(card: VerdictCard, episode: Episode, author: str | None = None) -> dict[str, Any]:
    """One card as a ClaimReview node (without `@context`; see `claimreview_document`)."""
    claim: dict[str, Any] = {"@type": "Claim", "appearance": podcast_episode(episode)}
    if card.quote:
        claim["text"] = card.quote
    if card.speaker:
        claim["author"] = {"@type": "Person", "name": card.speaker}
    rating: dict[str, Any] = {
        "@type": "Rating",
        "ratingValue": card.rating,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": card.verdict,
    }
    if card.justification:
        rating["ratingExplanation"] = card.justification
    node: dict[str, Any] = {
        "@type": "ClaimReview",
        "identifier": card.id,
        "position": card.position,
        "claimReviewed": card.headline,
        "reviewRating": rating,
        "itemReviewed": claim,
    }
    if episode.published is not None:
        node["datePublished"] = episode.published.isoformat()
    if author:
        node["author"] = {"@type": "Organization", "name": author}
    analysis = card.analysis_text()
    if analysis:
        node["reviewBody"] = analysis
    if card.emoji:
        node[EMOJI_PROPERTY] = card.emoji
    return node


def podcast_episode(episode: Episode) -> dict[str, Any]:
    """The episode as a schema.org PodcastEpisode in its PodcastSeries."""
    node: dict[str, Any] = {
        "@type": "PodcastEpisode",
        "name": episode.title,
        "partOfSeries": {"@type": "PodcastSeries", "name": episode.podcast},
    }
    if episode.number is not None:
        node["episodeNumber"] = episode.number
    if episode.published is not None:
        node["datePublished"] = episode.published.isoformat()
    if episode.duration_minutes:
        node["duration"] = f"PT{episode.duration_minutes}M"
    if episode.guests:
        node["contributor"] = [
            {"@type": "Person", "name": g.name, **({"description": g.role} if g.role else {})}
            for g in episode.guests
        ]
    return node


def claimreview_document(
    cards: Iterable[tuple[Episode, VerdictCard]], author: str | None = None
) -> dict[str, Any]:
    """A JSON-LD document with one ClaimReview per card in its `@graph`."""
    return {
        "@context": CONTEXT,
        "@graph": [claimreview(card, episode, author) for episode, card in cards],
    }


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
    reader = _Reader(source, nodes)
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


class _Reader:
    """Reads one ClaimReview at a time, resolving `@id` references against the graph."""

    def __init__(self, source: str, nodes: dict[str, Any]) -> None:
        self.source = source
        self.nodes = nodes

    def node(self, value: Any) -> Any:
        """The first of a list; a bare `{"@id": ...}` replaced by the node it names."""
        value = first(value)
        if isinstance(value, Mapping) and set(value) == {"@id"}:
            return self.nodes.get(str(value["@id"]), value)
        return value

    def name(self, value: Any) -> str | None:
        value = self.node(value)
        if isinstance(value, Mapping):
            return text_of(prop(value, "name")) or text_of(prop(value, "alternateName"))
        return text_of(value)

    def claim(self, index: int, item: Mapping[str, Any]) -> tuple[Episode, ClaimDraft, float]:
        headline = text_of(prop(item, "claimReviewed"))
        if not headline:
            raise ClaimReviewFieldError(
                self.source, index, "claimReviewed", "missing 'claimReviewed' (the claim checked)"
            )
        rating = self.node(prop(item, "reviewRating"))
        if not isinstance(rating, Mapping):
            raise ClaimReviewFieldError(
                self.source, index, "reviewRating", "missing 'reviewRating' (the verdict)", headline
            )
        label = _verdict_label(rating)
        if label is None:
            raise ClaimReviewFieldError(
                self.source,
                index,
                "reviewRating.alternateName",
                "its reviewRating has neither 'alternateName' (the verdict label) nor a usable "
                "'ratingValue'",
                headline,
            )
        claim = self.node(prop(item, "itemReviewed"))
        claim = claim if isinstance(claim, Mapping) else {}
        quote = text_of(prop(claim, "text")) or ""
        speaker = self.name(prop(claim, "author"))
        if speaker and not quote:
            quote = headline  # a fact-checker's claimReviewed is what the claimant said
        draft = ClaimDraft(
            headline=headline,
            verdict=label,
            emoji=emoji_of(prop(item, EMOJI_PROPERTY) or item.get(f"{CLAIMBOT_PREFIX}emoji")),
            quote=quote,
            speaker=speaker,
            analysis=self.analysis(item),
            justification=text_of(prop(rating, "ratingExplanation")) or "",
        )
        position = number_of(prop(item, "position"))
        episode = self.episode(item, claim)
        return episode, draft, position if position is not None else float("inf")

    def analysis(self, item: Mapping[str, Any]) -> tuple[AnalysisBlock, ...]:
        body = text_of(prop(item, "reviewBody"), keep_lines=True) or text_of(
            prop(item, "description"), keep_lines=True
        )
        blocks = []
        for line in (body or "").splitlines():
            if not line.strip():
                continue
            if paragraph_is_bullet(line):
                blocks.append(AnalysisBlock(text=_strip_bullet(line), bullet=True))
            else:
                blocks.append(AnalysisBlock(text=line.strip()))
        url = text_of(prop(item, "url"))
        if url:
            blocks.append(AnalysisBlock(text=f"Full fact-check: {url}"))
        return tuple(b for b in blocks if b.text)

    def episode(self, item: Mapping[str, Any], claim: Mapping[str, Any]) -> Episode:
        for key in ("appearance", "firstAppearance"):
            value = prop(claim, key)
            for appearance in value if isinstance(value, list) else [value]:
                node = self.node(appearance)
                if isinstance(node, Mapping) and (
                    types_of(node) & _EPISODE_TYPES
                    or prop(node, "partOfSeries") is not None
                    or prop(node, "episodeNumber") is not None
                ):
                    return self.podcast_episode(node, item)
        return self.stand_in_episode(item)

    def podcast_episode(self, node: Mapping[str, Any], item: Mapping[str, Any]) -> Episode:
        podcast = (
            self.name(prop(node, "partOfSeries"))
            or self.name(prop(node, "publisher"))
            or self.name(prop(item, "author"))
            or FALLBACK_PUBLISHER
        )
        number = episode_number_of(prop(node, "episodeNumber"))
        title = text_of(prop(node, "name")) or text_of(prop(node, "headline"))
        if not title:
            title = f"Episode {number}" if number is not None else "Untitled episode"
        guests = []
        for person in as_list(prop(node, "contributor")) + as_list(prop(node, "actor")):
            person = self.node(person)
            name = self.name(person)
            if name:
                role = text_of(prop(person, "description")) if isinstance(person, Mapping) else None
                guests.append(Guest(name=name, role=role))
        return Episode(
            podcast=one_line(podcast),
            number=number,
            title=one_line(title),
            published=date_of(prop(node, "datePublished")),
            duration_minutes=duration_minutes(text_of(prop(node, "duration"))),
            guests=tuple(guests),
            source_file="",
        )

    def stand_in_episode(self, item: Mapping[str, Any]) -> Episode:
        """For a claim seen outside a podcast: the publisher's fact-checks of one day."""
        publisher = (
            self.name(prop(item, "author"))
            or self.name(prop(item, "publisher"))
            or FALLBACK_PUBLISHER
        )
        day = date_of(prop(item, "datePublished"))
        title = f"Fact-checks of {format_date(day)}" if day else "Fact-checks (undated)"
        return Episode(podcast=one_line(publisher), title=title, published=day, source_file="")


def _verdict_label(rating: Mapping[str, Any]) -> str | None:
    """The label as the publisher wrote it; from the number when there is no label. An
    unrecognised label gets the number's meaning in brackets, so it rates as published."""
    label = text_of(prop(rating, "alternateName"))
    if label and not regex.search(r"[\p{L}\p{N}]", label):
        label = None  # punctuation alone is no label
    scaled = _scaled_rating(rating)
    if not label:
        return RATING_NAMES[scaled].capitalize() if scaled is not None else None
    if scaled is not None and scaled != 3 and rate_verdict(label) == 3:
        qualified = f"{label} ({RATING_NAMES[scaled]})"
        if rate_verdict(qualified) == scaled:
            return qualified
    return label


def _scaled_rating(rating: Mapping[str, Any]) -> int | None:
    """`ratingValue` on claimbot's 1-5 scale, using the publisher's best and worst values."""
    value = number_of(prop(rating, "ratingValue"))
    if value is None:
        return None
    best = number_of(prop(rating, "bestRating"))
    worst = number_of(prop(rating, "worstRating"))
    best = 5.0 if best is None else best
    worst = 1.0 if worst is None else worst
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return None
    return 1 + round(4 * (value - worst) / (best - worst))
