"""ClaimReview import reads every shape fact-checks come in: JSON-LD flattened or expanded, a
DataFeed, a lone DataFeedItem, a MediaReview's associated review, the Fact Check Tools API,
extruct's raw microdata; and refuses, naming what it holds, a document with no ClaimReview."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from index import ClaimReviewError, read_claimreview_json, read_claimreviews
from index.claimreview import ImportedReview
from index.jsonld_document import UnservedContextError, offline_loader
from index.models import Party
from index.rating import PublisherRating
from tests.conftest import TEST_DATA

DATA = TEST_DATA / "claimreview"


def _import(name: str) -> list[ImportedReview]:
    path = DATA / name
    return read_claimreview_json(path.read_bytes(), name)


def _only(name: str) -> tuple[ImportedReview, Any]:
    [review] = _import(name)
    [claim] = review.claims
    return review, claim


def test_a_flattened_document_resolves_its_references_and_id_type_aliases() -> None:
    review, claim = _only("flattened.json")
    assert (claim.headline, claim.verdict) == ("Lighthouses run on whale oil to this day", "False")
    assert review.episode.url == "https://tidewatch.example/checks/whale-oil"
    assert review.episode.reviewer == Party(name="Tidewatch", kind="organization")
    assert claim.claimant == Party(name="Old Lamps Society", kind="organization")
    assert claim.appearances == ("https://social.example/posts/4411",)


def test_an_expanded_document_keeps_its_url_given_as_an_iri() -> None:
    review, claim = _only("expanded.json")
    assert review.episode.url == "https://tidewatch.example/checks/whale-oil"
    assert (claim.verdict, claim.claimed) == ("False", date(2025, 11, 2))


def test_a_datafeed_gives_a_review_per_page_of_its_items() -> None:
    reviews = _import("datafeed.json")
    assert [r.episode.url for r in reviews] == [
        "https://tidewatch.example/checks/fog-horns",
        "https://tidewatch.example/checks/tides",
    ]


def test_a_lone_datafeeditem_without_a_context_imports_its_items() -> None:
    review, claim = _only("datafeeditem.json")
    assert claim.verdict == "Irreführend"
    assert review.episode.podcast == "Küstencheck"


def test_a_mediareview_imports_its_associated_claimreview() -> None:
    review, claim = _only("mediareview-associated.json")
    assert claim.headline == "A photo shows the harbour frozen solid in July"
    assert review.episode.url == "https://tidewatch.example/checks/doctored-harbour-photo"


def test_a_reversed_rating_scale_is_kept_as_the_publishers() -> None:
    _, claim = _only("mediareview-associated.json")
    assert claim.publisher_rating == PublisherRating(value=4, worst=5, best=0)


def test_a_fact_check_tools_api_answer_gives_a_review_per_publishers_review() -> None:
    tidewatch, kuestencheck = _import("factcheck-api.json")
    [claim] = tidewatch.claims
    assert tidewatch.episode.title == "Are seagulls protected everywhere?"
    assert tidewatch.episode.reviewer == Party(
        name="Tidewatch", url="https://tidewatch.example", kind="organization"
    )
    assert (tidewatch.episode.reviewed, tidewatch.episode.language) == (date(2025, 8, 3), "en")
    assert (claim.verdict, claim.speaker, claim.claimed) == (
        "Mostly false",
        "Viral post",
        date(2025, 8, 1),
    )
    assert kuestencheck.episode.podcast == "kuestencheck.example"  # the API names only its site


def test_a_single_claim_of_the_api_imports_alone() -> None:
    claim = json.loads((DATA / "factcheck-api.json").read_text())["claims"][0]
    assert [r.episode.url for r in read_claimreviews(claim)] == [
        "https://tidewatch.example/checks/seagulls",
        "https://kuestencheck.example/faktencheck/moewen",
    ]


def test_raw_microdata_from_extruct_imports_like_json_ld() -> None:
    review, claim = _only("microdata-raw.json")
    assert (claim.headline, claim.verdict, claim.speaker) == (
        "Every buoy in the bay is a weather station",
        "Mostly false",
        "Harbour Radio",
    )
    assert review.episode.reviewer == Party(
        name="Tidewatch", url="https://tidewatch.example/", kind="organization"
    )


def test_a_document_without_a_claimreview_is_refused_naming_what_it_holds() -> None:
    with pytest.raises(ClaimReviewError) as refused:
        _import("mediareview-only.json")
    assert "no ClaimReview found; it holds a MediaReview and a VideoObject" in str(refused.value)


def test_only_schema_orgs_context_is_served_never_the_network() -> None:
    assert offline_loader("https://schema.org/")["document"]["@context"]["@vocab"]
    with pytest.raises(UnservedContextError):
        offline_loader("https://example.org/context.jsonld")
