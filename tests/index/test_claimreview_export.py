"""ClaimReview export: provenance travels, Google's required properties are there, and the
Data Commons DataFeed groups ClaimReviews by their page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from index import (
    claimreview_document,
    datafeed_document,
    google_problems,
    parse_review,
    read_claimreviews,
    write_imported_reviews,
)
from index.models import Episode, VerdictCard
from tests.conftest import REFERENCE_REVIEW, TEST_DATA
from tests.index.test_claimreview import _expand

FACT_CHECK = TEST_DATA / "provenance" / "harbour-checks.txt"
SCHEMA = "http://schema.org/"


def _pairs(path: Any) -> list[tuple[Episode, VerdictCard]]:
    review = parse_review(path)
    return [(review.episode, card) for card in review.cards]


def _graph(path: Any) -> list[dict[str, Any]]:
    return json.loads(json.dumps(claimreview_document(_pairs(path))))["@graph"]  # type: ignore[no-any-return]


def test_a_fact_check_exports_its_page_reviewer_and_date() -> None:
    first = _graph(FACT_CHECK)[0]

    assert first["url"] == "https://harbourchecks.example/2026/lighthouse#lease"
    assert first["author"] == {
        "@type": "Organization",
        "name": "Harbour Checks",
        "url": "https://harbourchecks.example",
    }
    assert first["datePublished"] == "2026-03-04"
    assert first["inLanguage"] == "en"


def test_a_claim_without_its_own_page_exports_its_reviews_page() -> None:
    assert _graph(FACT_CHECK)[1]["url"] == "https://harbourchecks.example/2026/lighthouse"


def test_the_rating_keeps_the_label_as_written_on_the_publishers_scale() -> None:
    second = _graph(FACT_CHECK)[1]

    assert second["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Onwaar",
    }


def test_the_claim_names_its_claimant_date_and_appearances() -> None:
    claim = _graph(FACT_CHECK)[0]["itemReviewed"]

    assert claim["author"] == {
        "@type": "Person",
        "name": "Mara Voss",
        "url": "https://voss.example",
    }
    assert claim["datePublished"] == "2026-03-01"
    assert claim["appearance"] == [
        {"@type": "CreativeWork", "url": "https://video.example/watch/123"},
        {"@type": "CreativeWork", "url": "https://social.example/posts/9"},
    ]
    assert claim["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://video.example/watch/123",
    }


def test_a_fact_check_is_never_exported_as_a_podcast_episode() -> None:
    for node in _graph(FACT_CHECK):
        appearances = node["itemReviewed"].get("appearance", [])
        assert all(a["@type"] != "PodcastEpisode" for a in appearances)


def test_a_review_with_provenance_meets_googles_required_and_recommended_properties() -> None:
    for node in _graph(FACT_CHECK)[:1]:
        assert google_problems(node, recommended=True) == []


def test_a_review_without_a_url_is_reported_as_missing_googles_required_url() -> None:
    problems = {tuple(google_problems(node)) for node in _graph(REFERENCE_REVIEW)}

    assert problems == {("url",)}


def test_a_claim_from_a_podcast_is_dated_by_its_episode() -> None:
    first = _graph(REFERENCE_REVIEW)[0]

    assert first["itemReviewed"]["datePublished"] == "2026-01-31"


def test_the_export_expands_as_json_ld_without_dropping_a_property() -> None:
    document = claimreview_document(_pairs(FACT_CHECK))
    expanded = _expand(json.loads(json.dumps(document)))

    terms = {key for node in expanded for key in node}
    assert {SCHEMA + "url", SCHEMA + "author", SCHEMA + "inLanguage"} <= terms


def test_the_datafeed_holds_one_item_per_review_page() -> None:
    created = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    pairs = _pairs(FACT_CHECK) + _pairs(REFERENCE_REVIEW)
    feed = datafeed_document(pairs, created=created)

    assert feed["@type"] == "DataFeed"
    items = feed["dataFeedElement"]
    assert [item["@type"] for item in items] == ["DataFeedItem", "DataFeedItem"]
    assert items[0]["url"] == "https://harbourchecks.example/2026/lighthouse"
    assert [len(item["item"]) for item in items] == [2, len(pairs) - 2]
    assert items[0]["dateCreated"] == "2026-03-05T12:00:00+00:00"


def test_the_datafeed_expands_as_json_ld_without_dropping_a_property() -> None:
    feed = datafeed_document(_pairs(FACT_CHECK))

    expanded = _expand(json.loads(json.dumps(feed)))
    assert expanded[0]["@type"] == [SCHEMA + "DataFeed"]


def test_a_fact_check_exported_imported_and_exported_again_is_unchanged(tmp_path: Any) -> None:
    # The page's title travels as the ClaimReview's `name`: without it, the import titles each
    # claim's review by its own claim, which splits the page and changes every card id.
    first = json.loads(json.dumps(claimreview_document(_pairs(FACT_CHECK))))
    written = write_imported_reviews(read_claimreviews(first), tmp_path)
    second = claimreview_document(
        (review.episode, card)
        for review in map(parse_review, (w.path for w in written))
        for card in review.cards
    )

    assert json.loads(json.dumps(second)) == first
