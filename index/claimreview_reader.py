"""One ClaimReview node → a claim draft and the episode it belongs to.

Reads what real publishers write, leniently: values as strings, lists or objects, `@id`
references into the graph, a verdict given as a label, a number or both. Missing required
data raises `ClaimReviewFieldError` naming the item and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from index.errors import ClaimReviewFieldError
from index.jsonld_values import (
    CLAIMBOT_PREFIX,
    EMOJI_PROPERTY,
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
from index.models import AnalysisBlock, Episode, Guest
from index.rating import RATING_NAMES, rate_verdict
from index.review_writer import ClaimDraft, format_date, one_line, paragraph_is_bullet, strip_bullet

_EPISODE_TYPES = {"PodcastEpisode", "Episode", "RadioEpisode", "TVEpisode"}
FALLBACK_PUBLISHER = "Imported fact-checks"


class ClaimReviewReader:
    """Reads one ClaimReview at a time into a claim draft and its episode, resolving `@id`
    references against the graph."""

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
        label = verdict_label(rating)
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
                blocks.append(AnalysisBlock(text=strip_bullet(line), bullet=True))
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


def verdict_label(rating: Mapping[str, Any]) -> str | None:
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
