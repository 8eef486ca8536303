"""Verdict cards → schema.org ClaimReview JSON-LD, the markup fact-checkers publish and Google's
fact-check rich results read; and the Data Commons `DataFeed` that carries many of them.

One `ClaimReview` per card: `url` (the claim's page, else its review's), `name` (a
fact-checker's page title), `author` (the
reviewer), `datePublished`, `claimReviewed`, `reviewRating` (the label exactly as written in
`alternateName`, the number on the publisher's own scale when the card has one, else on
claimbot's 1-5 scale) and an `itemReviewed` `Claim` with its `author`, `datePublished`,
`appearance` and `firstAppearance`. A podcast claim's appearance is its episode, as a
`PodcastEpisode`. The topic emoji, which schema.org has no property for, goes in
`claimbot:emoji`. `google_problems` says what Google's documentation requires or recommends
that a node lacks, so the CLI can warn and the tests can check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from index.jsonld_values import CONTEXT, EMOJI_PROPERTY
from index.models import Episode, Party, VerdictCard
from index.rating import whole

__all__ = [
    "claimreview",
    "claimreview_document",
    "datafeed_document",
    "google_problems",
    "podcast_episode",
]


def claimreview(card: VerdictCard, episode: Episode, author: str | None = None) -> dict[str, Any]:
    """One card as a ClaimReview node (without `@context`; see `claimreview_document`).
    `author` names the publisher when the review names no reviewer."""
    node: dict[str, Any] = {"@type": "ClaimReview"}
    url = card.url or episode.url
    if url:
        node["url"] = url
    if episode.kind == "fact-check":
        node["name"] = episode.title  # the page's title, which an import titles its review by
    node["identifier"] = card.id
    node["position"] = card.position
    node["claimReviewed"] = card.headline
    node["reviewRating"] = _rating(card)
    node["itemReviewed"] = _claim(card, episode)
    reviewed = episode.reviewed or episode.published
    if reviewed is not None:
        node["datePublished"] = reviewed.isoformat()
    if episode.reviewer is not None:
        node["author"] = _party(episode.reviewer, default="Organization")
        if episode.kind == "fact-check" and episode.reviewer.kind == "person":
            # The page is under its publisher's name, which the writer's name alone loses.
            node["publisher"] = {"@type": "Organization", "name": episode.podcast}
    elif author:
        node["author"] = {"@type": "Organization", "name": author}
    language = card.language or episode.language
    if language:
        node["inLanguage"] = language
    analysis = card.analysis_text()
    if analysis:
        node["reviewBody"] = analysis
    if card.emoji:
        node[EMOJI_PROPERTY] = card.emoji
    return node


def _rating(card: VerdictCard) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    if card.publisher_rating is not None:
        scale = card.publisher_rating
        rating |= {
            "ratingValue": whole(scale.value),
            "bestRating": whole(scale.best),
            "worstRating": whole(scale.worst),
        }
    else:
        rating |= {"ratingValue": card.rating, "bestRating": 5, "worstRating": 1}
    rating["alternateName"] = card.verdict
    if card.justification:
        rating["ratingExplanation"] = card.justification
    return rating


def _claim(card: VerdictCard, episode: Episode) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    appearances: list[dict[str, Any]] = []
    if episode.kind == "podcast":
        appearances.append(podcast_episode(episode))
    appearances += [_creative_work(url) for url in card.appearances]
    if appearances:
        claim["appearance"] = appearances[0] if len(appearances) == 1 else appearances
    if card.first_appearance:
        claim["firstAppearance"] = _creative_work(card.first_appearance)
    if card.quote:
        claim["text"] = card.quote
    claimant = card.claimant or (Party(name=card.speaker) if card.speaker else None)
    if claimant is not None:
        claim["author"] = _party(claimant, default="Person")
    # A podcast claim was made on the day its episode came out, unless the review says otherwise.
    claimed = card.claimed or (episode.published if episode.kind == "podcast" else None)
    if claimed is not None:
        claim["datePublished"] = claimed.isoformat()
    return claim


def _party(party: Party, default: str) -> dict[str, Any]:
    kind = {"person": "Person", "organization": "Organization"}.get(party.kind or "", default)
    node: dict[str, Any] = {"@type": kind, "name": party.name}
    if party.url:
        node["url"] = party.url
    return node


def _creative_work(url: str) -> dict[str, Any]:
    return {"@type": "CreativeWork", "url": url}


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


def datafeed_document(
    cards: Iterable[tuple[Episode, VerdictCard]],
    author: str | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The Data Commons shape: a `DataFeed` whose `dataFeedElement`s are `DataFeedItem`s, one
    per review page, each holding that page's ClaimReviews in `item`."""
    created = created or datetime.now(UTC)
    items: dict[str, dict[str, Any]] = {}
    for episode, card in cards:
        node = claimreview(card, episode, author)
        key = node.get("url", episode.key).split("#")[0]
        item = items.setdefault(
            key, {"@type": "DataFeedItem", "dateCreated": created.isoformat(), "item": []}
        )
        if "url" in node:
            item["url"] = key
        item["item"].append(node)
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "dateModified": created.isoformat(),
        "dataFeedElement": list(items.values()),
    }


# Google Search Central, "Fact check (ClaimReview) structured data".
_REQUIRED = (("claimReviewed",), ("reviewRating",), ("reviewRating", "alternateName"), ("url",))
_RECOMMENDED = (
    ("author",),
    ("author", "name"),
    ("datePublished",),
    ("itemReviewed",),
    ("itemReviewed", "author"),
    ("itemReviewed", "datePublished"),
    ("itemReviewed", "appearance|firstAppearance"),
)


def google_problems(node: Mapping[str, Any], recommended: bool = False) -> list[str]:
    """The required (and, when asked, recommended) ClaimReview properties `node` lacks, as
    dotted paths; an empty list when Google's rich results can show it."""
    checks = _REQUIRED + (_RECOMMENDED if recommended else ())
    return [".".join(path) for path in checks if not _has(node, path)]


def _has(node: Any, path: tuple[str, ...]) -> bool:
    for step in path:
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, Mapping):
            return False
        found = [node[name] for name in step.split("|") if node.get(name) not in (None, "", [])]
        if not found:
            return False
        node = found[0]
    return True
