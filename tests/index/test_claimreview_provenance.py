"""Imported ClaimReviews keep their provenance (page, reviewer, dates, claimant, appearances,
language, the publisher's rating) and their text as published, through review files, a
reindex and an export."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from index import (
    ClaimIndex,
    ImportConflictError,
    claimreview_document,
    parse_review,
    read_claimreview_json,
    read_claimreviews,
    reindex,
    write_imported_reviews,
)
from index.models import Party, VerdictCard
from index.rating import PublisherRating
from tests.fakes import HashingEmbedder

PAGE = "https://tidewatch.example/checks/whale-oil"


def _review(**changes: Any) -> dict[str, Any]:
    """A made-up ClaimReview, with `changes` over its fields."""
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": PAGE,
        "author": {"@type": "Organization", "name": "Tidewatch"},
        "datePublished": "2025-11-05",
        "claimReviewed": "Lighthouses run on whale oil to this day",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    return node | changes


def _card(tmp_path: Path, *nodes: dict[str, Any]) -> VerdictCard:
    """The first card of the review files the nodes import as, parsed back."""
    written = write_imported_reviews(read_claimreviews(list(nodes)), tmp_path)
    return parse_review(written[0].path).cards[0]


def test_a_fact_check_is_a_review_of_its_page_not_an_invented_day() -> None:
    [review] = read_claimreviews(_review(name="Do lighthouses still burn whale oil?"))
    episode = review.episode
    assert (episode.kind, episode.podcast, episode.title, episode.url) == (
        "fact-check",
        "Tidewatch",
        "Do lighthouses still burn whale oil?",
        PAGE,
    )
    assert (episode.reviewed, episode.published) == (date(2025, 11, 5), None)


def test_an_rfc_2822_date_is_read() -> None:
    [review] = read_claimreviews(_review(datePublished="Wed, 05 Nov 2025 01:05:52 UTC +00:00"))
    assert review.episode.reviewed == date(2025, 11, 5)


def test_a_date_with_an_offset_of_one_digit_hours_is_read() -> None:
    [review] = read_claimreviews(_review(datePublished="2025-11-05T12:26:08+5:30"))
    assert review.episode.reviewed == date(2025, 11, 5)


def test_an_author_with_only_a_url_is_named_by_its_host() -> None:
    author = {"@type": "Organization", "url": "https://checks.tidewatch.example/"}
    [review] = read_claimreviews(_review(author=author))
    assert review.episode.reviewer == Party(
        name="checks.tidewatch.example",
        url="https://checks.tidewatch.example/",
        kind="organization",
    )
    assert review.episode.podcast == "checks.tidewatch.example"


def test_the_publisher_names_the_review_when_a_person_wrote_it() -> None:
    node = _review(
        author={"@type": "Person", "name": "Ines Porto"},
        publisher={"@type": "Organization", "name": "Tidewatch"},
    )
    [review] = read_claimreviews(node)
    assert review.episode.podcast == "Tidewatch"
    assert review.episode.reviewer == Party(name="Ines Porto", kind="person")


def test_a_page_a_person_wrote_keeps_its_publisher_through_an_export(tmp_path: Path) -> None:
    node = _review(
        author={"@type": "Person", "name": "Ines Porto"},
        publisher={"@type": "Organization", "name": "Tidewatch"},
    )
    [written] = write_imported_reviews(read_claimreviews(node), tmp_path)
    review = parse_review(written.path)
    [exported] = claimreview_document((review.episode, c) for c in review.cards)["@graph"]

    [again] = read_claimreviews(exported)
    assert (again.episode.podcast, again.episode.reviewer) == (
        "Tidewatch",
        Party(name="Ines Porto", kind="person"),
    )


def test_two_pages_of_one_publisher_on_one_day_are_two_reviews(tmp_path: Path) -> None:
    first = _review(name="Harbour myths", url=PAGE)
    second = _review(name="Harbour myths", url=PAGE + "-part-2", claimReviewed="Gulls sing")
    reviews = read_claimreviews([first, second])
    written = write_imported_reviews(reviews, tmp_path)
    assert len({w.path for w in written}) == 2
    assert [parse_review(w.path).episode.url for w in written] == [PAGE, PAGE + "-part-2"]


def test_claims_of_one_page_without_a_title_are_one_review() -> None:
    # Titled by its first claim, as a page without `name` is; the second joins it.
    first = _review(url=PAGE + "#one")
    second = _review(url=PAGE + "#two", claimReviewed="Gulls sing at the lighthouse")
    [review] = read_claimreviews([first, second])
    assert (review.episode.url, len(review.claims)) == (PAGE, 2)


def test_a_page_imported_again_under_a_new_title_is_a_conflict(tmp_path: Path) -> None:
    write_imported_reviews(read_claimreviews(_review(name="Harbour myths")), tmp_path)
    retitled = read_claimreviews(_review(name="Harbour myths, updated"))
    with pytest.raises(ImportConflictError, match="Harbour myths"):
        write_imported_reviews(retitled, tmp_path)
    assert len(list(tmp_path.iterdir())) == 1


def test_replace_writes_a_retitled_page_over_its_earlier_file(tmp_path: Path) -> None:
    [before] = write_imported_reviews(read_claimreviews(_review(name="Harbour myths")), tmp_path)
    retitled = read_claimreviews(_review(name="Harbour myths, updated"))
    [after] = write_imported_reviews(retitled, tmp_path, replace=True)
    assert (after.path, after.replaced) == (before.path, True)
    assert list(tmp_path.iterdir()) == [before.path]


def test_a_lowercase_claimant_is_kept_as_claimant_and_leaves_the_quote_intact(
    tmp_path: Path,
) -> None:
    item = {"@type": "Claim", "author": {"@type": "Organization", "name": "several posts"}}
    card = _card(tmp_path, _review(itemReviewed=item))
    assert card.claimant == Party(name="several posts", kind="organization")
    assert card.quote == "Lighthouses run on whale oil to this day"


def test_html_breaks_become_lines_and_tags_and_entities_go(tmp_path: Path) -> None:
    body = "The last oil lamp went out in 1921.<br />\r\n<br />\r\nKeepers &amp; <b>logs</b> agree."
    card = _card(tmp_path, _review(description=body))
    assert [b.text for b in card.analysis] == [
        "The last oil lamp went out in 1921.",
        "Keepers & logs agree.",
    ]


def test_a_label_is_kept_exactly_as_written(tmp_path: Path) -> None:
    rating = {"@type": "Rating", "alternateName": "Falso", "ratingValue": "1", "bestRating": 5}
    card = _card(tmp_path, _review(reviewRating=rating))
    assert (card.verdict, card.rating) == ("Falso", 1)


def test_a_label_with_a_trailing_carriage_return_is_trimmed(tmp_path: Path) -> None:
    card = _card(tmp_path, _review(reviewRating={"alternateName": "Incorrect \r"}))
    assert card.verdict == "Incorrect"


def test_the_publishers_rating_on_its_own_scale_is_kept(tmp_path: Path) -> None:
    rating = {"alternateName": "Four Pinocchios", "ratingValue": 2, "bestRating": 6}
    card = _card(tmp_path, _review(reviewRating=rating))
    assert card.publisher_rating == PublisherRating(value=2, worst=1, best=6)
    assert card.rating == 2


def test_claimbots_own_rating_is_not_stored_as_the_publishers() -> None:
    rating = {"alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1}
    [review] = read_claimreviews(_review(reviewRating=rating))
    assert review.claims[0].publisher_rating is None


def test_an_empty_rating_value_is_no_rating() -> None:
    rating = {"alternateName": "Needs context", "ratingValue": "", "bestRating": "5"}
    [review] = read_claimreviews(_review(reviewRating=rating))
    assert review.claims[0].publisher_rating is None


def test_a_language_object_gives_the_reviews_language() -> None:
    language = {"@type": "Language", "name": "Portuguese", "alternateName": "pt-BR"}
    [review] = read_claimreviews(_review(inLanguage=language))
    assert review.episode.language == "pt-BR"


@pytest.mark.parametrize("language", ["English", {"@type": "Language", "name": "English"}])
def test_a_language_named_in_english_gives_its_tag(language: Any) -> None:
    [review] = read_claimreviews(_review(inLanguage=language))
    assert review.episode.language == "en"


def test_an_appearance_known_by_its_same_as_address_is_kept() -> None:
    work = {"@type": "CreativeWork", "sameAs": "https://video.example/watch/9"}
    [review] = read_claimreviews(_review(itemReviewed={"@type": "Claim", "appearance": work}))
    assert review.claims[0].appearances == ("https://video.example/watch/9",)


def test_a_claim_published_as_a_creative_work_appeared_at_its_address() -> None:
    item = {"@type": "CreativeWork", "url": "https://video.example/watch/9", "author": "Viral"}
    [review] = read_claimreviews(_review(itemReviewed=item))
    assert review.claims[0].appearances == ("https://video.example/watch/9",)


def test_import_reindex_export_keeps_the_provenance(tmp_path: Path) -> None:
    node = _review(
        author={"@type": "Organization", "name": "Tidewatch", "url": "https://tidewatch.example"},
        inLanguage="en",
        reviewRating={"alternateName": "Four Pinocchios", "ratingValue": 2, "bestRating": 6},
        itemReviewed={
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Jo Keel", "url": "https://jokeel.example"},
            "datePublished": "2025-11-01",
            "appearance": {"@type": "CreativeWork", "url": "https://video.example/watch/9"},
            "firstAppearance": "https://social.example/posts/1",
        },
    )
    data = json.dumps({"@context": "https://schema.org", "@graph": [node]}).encode()
    write_imported_reviews(read_claimreview_json(data, "in.json"), tmp_path / "reviews")
    embedder = HashingEmbedder()
    assert not reindex(tmp_path / "reviews", tmp_path / "index", embedder).failed
    hits = ClaimIndex.open(tmp_path / "index", embedder).all_cards()
    [exported] = claimreview_document((h.episode, h.card) for h in hits)["@graph"]

    assert exported["url"] == PAGE
    assert exported["author"] == {
        "@type": "Organization",
        "name": "Tidewatch",
        "url": "https://tidewatch.example",
    }
    assert (exported["datePublished"], exported["inLanguage"]) == ("2025-11-05", "en")
    assert exported["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
        "alternateName": "Four Pinocchios",
    }
    claim = exported["itemReviewed"]
    assert claim["author"] == {
        "@type": "Person",
        "name": "Jo Keel",
        "url": "https://jokeel.example",
    }
    assert claim["datePublished"] == "2025-11-01"
    assert claim["appearance"] == {"@type": "CreativeWork", "url": "https://video.example/watch/9"}
    assert claim["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://social.example/posts/1",
    }
