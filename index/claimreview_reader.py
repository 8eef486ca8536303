"""One ClaimReview node → a claim draft, with its provenance, and the review it belongs to.

Reads what real publishers write, leniently: values as strings, lists or objects, `@id`
references into the graph, a verdict given as a label, a number or both. A claim that
appeared in a podcast episode belongs to that episode's review; any other claim (of a tweet,
a video, a speech) to its fact-checker's page, a review of `kind` "fact-check". Missing
required data raises `ClaimReviewFieldError` naming the item and the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

import regex

from index.claimreview_rating import publisher_rating_of, verdict_label
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
    host_of,
    language_of,
    number_of,
    prop,
    text_of,
    types_of,
    url_of,
)
from index.models import AnalysisBlock, Episode, Guest, Party, PartyKind
from index.review_lines import EPISODE, GUESTS, PUBLISHED, section_of
from index.review_writer import (
    ClaimDraft,
    paragraph_is_bullet,
    strip_bullet,
    written_speaker,
)
from index.text import one_line

_EPISODE_TYPES = {"PodcastEpisode", "Episode", "RadioEpisode", "TVEpisode"}
_ORGANIZATION_TYPES = {"Corporation", "NGO", "Project", "Consortium", "Airline"}
FALLBACK_PUBLISHER = "Imported fact-checks"


class ClaimReviewReader:
    """Reads one ClaimReview at a time into a claim draft and its review's episode, resolving
    `@id` references against the graph."""

    def __init__(self, source: str, nodes: Mapping[str, Any]) -> None:
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

    def party(self, value: Any) -> Party | None:
        """A Person or Organization (or a plain name); one known only by its address is
        named by the address's host. None without a name of letters or digits."""
        value = self.node(value)
        url = url_of(prop(value, "url")) if isinstance(value, Mapping) else None
        name = self.name(value) or (host_of(url) if url else None)
        if not name or not regex.search(r"[\p{L}\p{N}]", name):
            return None
        kind = _kind(types_of(value)) if isinstance(value, Mapping) else None
        return Party(name=name, url=url, kind=kind)

    def claim(self, index: int, item: Mapping[str, Any]) -> tuple[Episode, ClaimDraft, float]:
        """The claim's episode, its draft, and its position in that episode (infinite when
        the ClaimReview gives none, so it keeps document order after those that do)."""
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
        episode = self.episode(item, claim)
        quote = text_of(prop(claim, "text")) or ""
        claimant = self.party(prop(claim, "author"))
        if claimant and not quote:
            quote = headline  # a fact-checker's claimReviewed is what the claimant said
        claimed = date_of(prop(claim, "datePublished"))
        appearances, first_appearance = self.appearances(claim)
        draft = ClaimDraft(
            headline=headline,
            verdict=label,
            emoji=emoji_of(prop(item, EMOJI_PROPERTY) or item.get(f"{CLAIMBOT_PREFIX}emoji")),
            quote=quote,
            speaker=claimant.name if claimant else None,
            analysis=self.analysis(item),
            justification=text_of(prop(rating, "ratingExplanation")) or "",
            url=url_of(prop(item, "url")),
            claimant=None if _named_by_quote_line(claimant) else claimant,
            # A podcast claim was made the day its episode came out unless it says otherwise.
            claimed=None if claimed == episode.published else claimed,
            appearances=appearances,
            first_appearance=first_appearance,
            publisher_rating=publisher_rating_of(rating, label),
            language=language_of(prop(item, "inLanguage")),
        )
        position = number_of(prop(item, "position"))
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
        return tuple(b for b in blocks if b.text)

    def appearances(self, claim: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
        """Where the claim appeared and where first, as addresses; a podcast episode is the
        claim's review, not an appearance. A claim published as a CreativeWork of its own
        (Google's older markup) appeared at its own address."""
        found: list[str] = []
        for appearance in as_list(prop(claim, "appearance")):
            node = self.node(appearance)
            url = None if self._is_episode(node) else self._address(node)
            if url and url not in found:
                found.append(url)
        first_node = self.node(prop(claim, "firstAppearance"))
        first_url = None if self._is_episode(first_node) else self._address(first_node)
        if not found and not first_url:
            own = self._address(claim) or self._address(self.node(prop(claim, "isPartOf")))
            found = [own] if own else []
        return tuple(found), first_url

    def _address(self, node: Any) -> str | None:
        url = url_of(node)
        if url is None and isinstance(node, Mapping):
            url = (
                url_of(prop(node, "contentUrl"))
                or url_of(prop(node, "sameAs"))
                or url_of({"@id": node.get("@id")})
            )
        return url

    def episode(self, item: Mapping[str, Any], claim: Mapping[str, Any]) -> Episode:
        for key in ("appearance", "firstAppearance"):
            for appearance in as_list(prop(claim, key)):
                node = self.node(appearance)
                if self._is_episode(node):
                    return self.podcast_episode(node, item)
        return self.fact_check(item)

    @staticmethod
    def _is_episode(node: Any) -> bool:
        return isinstance(node, Mapping) and bool(
            types_of(node) & _EPISODE_TYPES
            or prop(node, "partOfSeries") is not None
            or prop(node, "episodeNumber") is not None
        )

    def podcast_episode(self, node: Mapping[str, Any], item: Mapping[str, Any]) -> Episode:
        reviewer = self.reviewer(item)
        podcast = (
            self.name(prop(node, "partOfSeries"))
            or self.name(prop(node, "publisher"))
            or (reviewer.name if reviewer else None)
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
        published = date_of(prop(node, "datePublished"))
        reviewed = date_of(prop(item, "datePublished"))
        return Episode(
            podcast=one_line(podcast),
            number=number,
            title=one_line(title),
            published=published,
            duration_minutes=duration_minutes(text_of(prop(node, "duration"))),
            guests=tuple(guests),
            source_file="",
            reviewer=reviewer,
            # An export dates a review without a date of its own by its episode.
            reviewed=None if reviewed == published else reviewed,
        )

    def fact_check(self, item: Mapping[str, Any]) -> Episode:
        """The fact-checker's page the claim was checked on: titled by the page's name (else
        the claim), under the publisher's name."""
        reviewer = self.reviewer(item)
        publisher = self.party(prop(item, "publisher"))
        url = url_of(prop(item, "url"))
        page = url.split("#")[0] if url else None
        if publisher is not None and (reviewer is None or reviewer.kind == "person"):
            podcast = publisher.name  # a person wrote it; the organisation published it
        elif reviewer is not None:
            podcast = reviewer.name
        else:
            podcast = host_of(page) if page else FALLBACK_PUBLISHER
        title = (
            text_of(prop(item, "name"))
            or text_of(prop(item, "headline"))
            or text_of(prop(item, "claimReviewed"))
            or "Fact-check"
        )
        return Episode(
            podcast=unicodedata.normalize("NFC", one_line(podcast)),
            title=title_line(title),
            source_file="",
            kind="fact-check",
            url=page,
            reviewer=reviewer or publisher,
            reviewed=date_of(prop(item, "datePublished")),
        )

    def reviewer(self, item: Mapping[str, Any]) -> Party | None:
        return self.party(prop(item, "author")) or self.party(prop(item, "publisher"))


def title_line(text: str) -> str:
    """A page's title as a review file's title line reads back: on one line, NFC, and kept
    from reading as the header's other lines or as a section heading."""
    title = unicodedata.normalize("NFC", one_line(text))
    if section_of(title) or EPISODE.match(title) or PUBLISHED.match(title) or GUESTS.match(title):
        title = f"Fact-check: {title}"
    return title


def _kind(types: set[str]) -> PartyKind | None:
    if "Person" in types:
        return "person"
    if any(t.endswith("Organization") for t in types) or types & _ORGANIZATION_TYPES:
        return "organization"
    return None


def _named_by_quote_line(claimant: Party | None) -> bool:
    """Whether the quote line's speaker says all there is to say of the claimant: a person
    (or a plain name) without an address, whose name the review writes as the speaker."""
    return claimant is None or (
        claimant.url is None
        and claimant.kind != "organization"
        and written_speaker(claimant.name) == claimant.name
    )
