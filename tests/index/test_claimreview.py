"""ClaimReview JSON-LD: export of verdict cards, import of what fact-checkers publish, and the
round trip export → import → reindex, through real review files and a real index."""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from index import (
    ClaimIndex,
    ClaimReviewError,
    ClaimReviewFieldError,
    ImportConflictError,
    Remedy,
    claimreview_document,
    parse_review,
    read_claimreview_json,
    read_claimreviews,
    reindex,
    write_imported_reviews,
)
from index.jsonld_document import offline_loader
from tests.conftest import REFERENCE_REVIEW, TEST_DATA
from tests.fakes import HashingEmbedder

CLAIMREVIEW_DATA = TEST_DATA / "claimreview"
SCHEMA = "http://schema.org/"
# Every schema.org term the export may use; a typo would expand to a term not listed here.
SCHEMA_PROPERTIES = {
    "alternateName", "appearance", "author", "bestRating", "claimReviewed", "contributor",
    "datePublished", "description", "duration", "episodeNumber", "identifier", "itemReviewed",
    "name", "partOfSeries", "position", "publisher", "ratingExplanation", "ratingValue",
    "reviewBody", "reviewRating", "text", "worstRating",
}  # fmt: skip
SCHEMA_TYPES = {"ClaimReview", "Claim", "Rating", "PodcastEpisode", "PodcastSeries", "Person"}
CARD_FIELDS = ("headline", "quote", "speaker", "verdict", "justification", "rating", "analysis")


def _expand(document: Any) -> list[dict[str, Any]]:
    dropped: list[str | None] = []
    expanded = jsonld.expand(
        document, {"documentLoader": offline_loader}, on_property_dropped=dropped.append
    )
    assert not dropped, f"JSON-LD properties dropped on expansion: {dropped}"
    return expanded  # type: ignore[no-any-return]


def _reference_document() -> dict[str, Any]:
    review = parse_review(REFERENCE_REVIEW)
    document = claimreview_document([(review.episode, card) for card in review.cards])
    return json.loads(json.dumps(document))  # exactly what a file would hold


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [n for item in node for n in _walk(item)]
    if isinstance(node, dict):
        return [node, *(n for key, value in node.items() if key != "@value" for n in _walk(value))]
    return []


# -- export ---------------------------------------------------------------------------------


def test_export_writes_one_claimreview_per_card_with_verdict_and_episode() -> None:
    review = parse_review(REFERENCE_REVIEW)
    graph = _reference_document()["@graph"]
    assert len(graph) == len(review.cards) == 6
    first, card = graph[0], review.cards[0]
    assert first["@type"] == "ClaimReview"
    assert first["claimReviewed"] == card.headline
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Accurate",
        "ratingExplanation": "documented industry trend",
    }
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["itemReviewed"]["text"] == card.quote
    assert first["itemReviewed"]["appearance"] == {
        "@type": "PodcastEpisode",
        "name": "State of AI in 2026: LLMs, Coding, Scaling Laws, China, Agents, GPUs, AGI",
        "partOfSeries": {"@type": "PodcastSeries", "name": "Lex Fridman Podcast"},
        "episodeNumber": 490,
        "datePublished": "2026-01-31",
        "duration": "PT180M",
        "contributor": [
            {"@type": "Person", "name": "Nathan Lambert", "description": "Post-Training Lead, AI2"},
            {
                "@type": "Person",
                "name": "Sebastian Raschka",
                "description": 'Author, "Build an LLM From Scratch"',
            },
        ],
    }
    assert first["datePublished"] == "2026-01-31"
    assert first["reviewBody"] == card.analysis_text()
    assert first["claimbot:emoji"] == "🇨🇳"


SPEAKER_REVIEW = """← Back to Tiny Talks
Episode #3

Quotes With Names

Key Claims Examined

🐝 "Bees Can Count to Four"

"Bees can count up to four, maybe five." — Dr. Ada Hive

Our Analysis

Lab studies support small-number discrimination in honeybees.

Verdict: Mostly true — shown in controlled experiments
"""


def test_export_names_the_speaker_as_the_claims_author(tmp_path: Path) -> None:
    (tmp_path / "tiny-talks-3.txt").write_text(SPEAKER_REVIEW, encoding="utf-8")
    review = parse_review(tmp_path / "tiny-talks-3.txt")
    assert review.cards[0].speaker == "Dr. Ada Hive"
    node = claimreview_document([(review.episode, review.cards[0])])["@graph"][0]
    assert node["itemReviewed"]["author"] == {"@type": "Person", "name": "Dr. Ada Hive"}
    [written] = write_imported_reviews(read_claimreviews(node), tmp_path / "imported")
    assert parse_review(written.path).cards[0].speaker == "Dr. Ada Hive"


def test_export_names_the_publisher_as_author_when_given() -> None:
    review = parse_review(REFERENCE_REVIEW)
    node = claimreview_document([(review.episode, review.cards[0])], author="Pod Reviews")
    assert node["@graph"][0]["author"] == {"@type": "Organization", "name": "Pod Reviews"}


def test_export_expands_as_json_ld_using_only_schema_org_terms_and_the_emoji() -> None:
    expanded = _expand(_reference_document())
    reviews = [n for n in _walk(expanded) if f"{SCHEMA}ClaimReview" in n.get("@type", [])]
    assert len(reviews) == 6
    assert reviews[0][f"{SCHEMA}claimReviewed"][0]["@value"].startswith("DeepSeek Kicked Off")
    assert reviews[0]["urn:claimbot:emoji"] == [{"@value": "🇨🇳"}]
    properties = {k for n in _walk(expanded) for k in n if not k.startswith("@")}
    types = {t for n in _walk(expanded) for t in n.get("@type", [])}
    assert properties - {"urn:claimbot:emoji"} <= {SCHEMA + p for p in SCHEMA_PROPERTIES}
    assert types <= {SCHEMA + t for t in SCHEMA_TYPES}


def test_third_party_fixtures_are_valid_json_ld() -> None:
    for name in ("factchecker-graph.json", "podcast-claims.json"):
        expanded = _expand(json.loads((CLAIMREVIEW_DATA / name).read_text()))
        assert any(f"{SCHEMA}ClaimReview" in n.get("@type", []) for n in _walk(expanded))


# -- round trip -----------------------------------------------------------------------------


def test_export_import_reindex_gives_back_the_same_cards(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    for source in [REFERENCE_REVIEW, *sorted((TEST_DATA / "reviews").glob("*.txt"))]:
        shutil.copy(source, reviews)
    reindex(reviews, tmp_path / "index", embedder)
    original = ClaimIndex.open(tmp_path / "index", embedder).all_cards()
    document = json.dumps(claimreview_document((h.episode, h.card) for h in original))

    imported = read_claimreview_json(document.encode(), "export.json")
    write_imported_reviews(imported, tmp_path / "imported")
    summary = reindex(tmp_path / "imported", tmp_path / "index2", embedder)
    assert not summary.failed
    again = {h.card.id: h for h in ClaimIndex.open(tmp_path / "index2", embedder).all_cards()}

    assert len(again) == len(original) > 20
    for hit in original:
        twin = again[hit.card.id]
        for name in (*CARD_FIELDS, "emoji", "position"):
            assert getattr(twin.card, name) == getattr(hit.card, name), (hit.card.id, name)
        for name in ("podcast", "number", "title", "published", "duration_minutes", "guests"):
            assert getattr(twin.episode, name) == getattr(hit.episode, name), name


def test_round_trip_keeps_cards_of_every_format_variant(tmp_path: Path) -> None:
    for path in sorted((TEST_DATA / "variants").glob("*.txt")):
        review = parse_review(path)
        document = claimreview_document([(review.episode, c) for c in review.cards])
        written = write_imported_reviews(read_claimreviews(document), tmp_path / path.stem)
        again = parse_review(written[0].path)
        for before, after in zip(review.cards, again.cards, strict=True):
            for name in CARD_FIELDS:
                assert getattr(after, name) == getattr(before, name), (path.name, name)


# -- third-party import ---------------------------------------------------------------------


def _import_fixture(name: str) -> list[Any]:
    path = CLAIMREVIEW_DATA / name
    return read_claimreview_json(path.read_bytes(), path.name)


def test_fact_checks_of_two_pages_become_two_reviews_under_their_publisher() -> None:
    seed_oils, cold_plunge = _import_fixture("factchecker-graph.json")
    assert {seed_oils.episode.podcast, cold_plunge.episode.podcast} == {"CheckPoint"}
    assert seed_oils.episode.kind == cold_plunge.episode.kind == "fact-check"
    assert seed_oils.episode.url == "https://checkpoint.example.org/2026/03/seed-oils/"
    assert seed_oils.episode.title == "Seed oils are the main cause of chronic inflammation."
    [claim] = seed_oils.claims
    assert claim.verdict == "Pants on Fire"
    assert claim.speaker == "Jordan Vale"
    assert claim.quote == claim.headline  # no quote published: the claim stands for it
    assert [c.headline for c in cold_plunge.claims] == [
        "Eleven minutes a week in an ice bath doubles your metabolism."
    ]


def test_an_unrecognised_label_is_kept_as_written_and_rated_by_the_publishers_number(
    tmp_path: Path,
) -> None:
    reviews = _import_fixture("factchecker-graph.json")
    assert reviews[1].claims[0].verdict == "Four Pinocchios"  # 2 on a 1-6 scale
    written = write_imported_reviews(reviews, tmp_path)
    assert [c.rating for w in written for c in parse_review(w.path).cards] == [1, 2]


def test_podcast_episode_appearance_becomes_the_episode_with_its_claims(tmp_path: Path) -> None:
    [review] = _import_fixture("podcast-claims.json")
    episode = review.episode
    assert (episode.podcast, episode.number, episode.title) == (
        "Deep Focus",
        58,
        "Sleep, Screens and the Teenage Brain",
    )
    assert episode.duration_minutes == 85
    [written] = write_imported_reviews([review], tmp_path)
    assert written.path.name == "deep-focus-58.txt"
    cards = parse_review(written.path).cards
    assert [(c.verdict, c.rating) for c in cards] == [("Misleading", 2), ("Accurate", 5)]
    blue_light = cards[0]
    assert blue_light.speaker == "Dr. Mara Ellison"
    assert blue_light.quote.startswith("Blue light from your phone")
    assert blue_light.justification.startswith("screens do delay sleep")
    assert [b.text for b in blue_light.analysis if b.bullet] == [
        "Light dose — Phone screens emit far less light than room lighting",
        "Behaviour — Scrolling keeps people up regardless of the light",
    ]


def test_imported_claims_are_indexed_and_answer_questions(tmp_path: Path) -> None:
    embedder = HashingEmbedder()
    write_imported_reviews(_import_fixture("podcast-claims.json"), tmp_path / "reviews")
    summary = reindex(tmp_path / "reviews", tmp_path / "index", embedder)
    assert summary.added == ["deep-focus-58.txt"] and summary.cards == 2
    answer = ClaimIndex.open(tmp_path / "index", embedder).ask("blue light phones teenagers sleep")
    assert answer.best is not None
    assert answer.best.card.headline.startswith("Blue light from phones")


def test_a_single_claimreview_object_is_imported() -> None:
    item = json.loads((CLAIMREVIEW_DATA / "podcast-claims.json").read_text())[0]
    [review] = read_claimreviews(item)
    assert len(review.claims) == 1


def test_lenient_shapes_string_rating_author_string_and_prefixed_keys() -> None:
    [review] = read_claimreviews(
        {
            "@type": ["schema:ClaimReview"],
            "schema:claimReviewed": ["Coffee stunts your growth"],
            "reviewRating": [{"ratingValue": "1.0", "alternateName": {"@value": "False"}}],
            "itemReviewed": {"author": "A Guest", "text": "Coffee will stunt your growth."},
            "author": "Some Checker",
        }
    )
    [claim] = review.claims
    assert (claim.headline, claim.verdict, claim.speaker) == (
        "Coffee stunts your growth",
        "False",
        "A Guest",
    )


def test_text_that_looks_like_review_structure_is_kept_inside_its_claim(tmp_path: Path) -> None:
    tricky = {
        "@type": "ClaimReview",
        "claimReviewed": "Bottom Line",
        "reviewBody": "Verdict: this paragraph is not the verdict\nThe Bottom Line\n- a bullet",
        "reviewRating": {"alternateName": "Half True – needs context", "ratingValue": 3},
        "itemReviewed": {"text": 'He said "it works" — twice'},
    }
    [written] = write_imported_reviews(read_claimreviews([tricky, tricky]), tmp_path)
    cards = parse_review(written.path).cards
    assert len(cards) == 2
    assert cards[0].verdict == "Half True, needs context"
    assert cards[0].quote == 'He said "it works" — twice'
    assert [b.bullet for b in cards[0].analysis] == [False, False, True]


_ANY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t\r"), max_size=40
)
_ANY_CLAIMREVIEW = st.fixed_dictionaries(
    {
        "@type": st.just("ClaimReview"),
        # Not blank, as the review parser sees lines: without white space and byte-order marks.
        "claimReviewed": _ANY_TEXT.filter(lambda t: t.replace("\ufeff", "").strip()),
        "reviewBody": st.lists(_ANY_TEXT, max_size=4).map("\n".join),
        "reviewRating": st.fixed_dictionaries(
            {
                "alternateName": _ANY_TEXT.filter(lambda t: any(c.isalnum() for c in t)),
                "ratingExplanation": _ANY_TEXT,
            }
        ),
        "itemReviewed": st.fixed_dictionaries({"text": _ANY_TEXT, "author": _ANY_TEXT}),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_ANY_CLAIMREVIEW, min_size=1, max_size=3))
def test_any_text_in_any_field_imports_as_exactly_its_claims(items: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        [written] = write_imported_reviews(read_claimreviews(items), Path(folder))
        assert len(parse_review(written.path).cards) == len(items)


# -- errors ---------------------------------------------------------------------------------

VALID = {
    "@type": "ClaimReview",
    "claimReviewed": "The moon is made of cheese",
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
}


@pytest.mark.parametrize(
    ("broken", "field"),
    [
        ({k: v for k, v in VALID.items() if k != "claimReviewed"}, "claimReviewed"),
        ({**VALID, "claimReviewed": "  "}, "claimReviewed"),
        ({**VALID, "claimReviewed": "\ufeff"}, "claimReviewed"),
        ({k: v for k, v in VALID.items() if k != "reviewRating"}, "reviewRating"),
        ({**VALID, "reviewRating": {"@type": "Rating"}}, "reviewRating.alternateName"),
        ({**VALID, "reviewRating": {"alternateName": " — "}}, "reviewRating.alternateName"),
        (
            {**VALID, "reviewRating": {"ratingValue": "n/a", "bestRating": 5}},
            "reviewRating.alternateName",
        ),
    ],
)
def test_missing_required_field_names_the_item_and_the_field(
    broken: dict[str, Any], field: str
) -> None:
    with pytest.raises(ClaimReviewFieldError) as caught:
        read_claimreviews([VALID, VALID, broken], "checks.json")
    assert (caught.value.index, caught.value.field) == (2, field)
    message = str(caught.value)
    assert message.startswith("checks.json: ClaimReview at index 2")
    assert field.split(".")[-1] in message


def test_not_json_is_reported_with_line_and_column() -> None:
    with pytest.raises(ClaimReviewError, match=r"^x\.json, line 2, column 1: not valid JSON"):
        read_claimreview_json(b'{"@type": "ClaimReview",\n}', "x.json")


def test_json_without_a_claimreview_is_refused() -> None:
    with pytest.raises(ClaimReviewError, match="no ClaimReview found"):
        read_claimreviews({"@type": "WebPage", "name": "About us"}, "page.json")


def test_json_nested_too_deeply_is_refused_not_a_crash() -> None:
    with pytest.raises(ClaimReviewError, match="nested too deeply"):
        read_claimreview_json(b"[" * 100_000 + b"]" * 100_000, "deep.json")


@pytest.mark.parametrize("bounds", [{"worstRating": float("nan")}, {"bestRating": "inf"}])
def test_a_rating_scale_that_is_not_finite_is_no_rating(bounds: dict[str, Any]) -> None:
    rating = {"ratingValue": 3, "alternateName": "Mixed", **bounds}
    [review] = read_claimreviews(
        {"@type": "ClaimReview", "claimReviewed": "x", "reviewRating": rating}
    )
    assert review.claims[0].verdict == "Mixed"


def test_a_lone_surrogate_is_written_as_a_replacement_character(tmp_path: Path) -> None:
    item = {"@type": "ClaimReview", "claimReviewed": "Coffee \ud800 stunts growth",
            "reviewRating": {"alternateName": "False"}}  # fmt: skip
    [written] = write_imported_reviews(read_claimreviews(item), tmp_path)
    [card] = parse_review(written.path).cards
    assert card.headline == "Coffee \ufffd stunts growth"


def test_an_episode_number_of_a_million_survives_export_and_import() -> None:
    review = parse_review(REFERENCE_REVIEW)
    episode = review.episode.model_copy(update={"number": 1_234_567})
    [imported] = read_claimreviews(claimreview_document([(episode, review.cards[0])]))
    assert imported.episode.number == 1_234_567


# -- writing into a reviews folder ------------------------------------------------------------


def test_importing_an_episode_that_already_has_a_review_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(REFERENCE_REVIEW, folder)
    before = (folder / REFERENCE_REVIEW.name).read_bytes()
    review = parse_review(REFERENCE_REVIEW)
    imported = read_claimreviews(claimreview_document([(review.episode, review.cards[0])]))
    others = _import_fixture("podcast-claims.json")
    with pytest.raises(ImportConflictError, match=r"Lex Fridman Podcast #490") as refused:
        write_imported_reviews([*others, *imported], folder)
    assert refused.value.remedy is Remedy.REPLACE
    assert sorted(p.name for p in folder.iterdir()) == [REFERENCE_REVIEW.name]
    assert (folder / REFERENCE_REVIEW.name).read_bytes() == before


def _two_episodes() -> list[Any]:
    review = parse_review(REFERENCE_REVIEW)
    other = review.episode.model_copy(update={"number": 491})
    document = claimreview_document([(review.episode, review.cards[0]), (other, review.cards[1])])
    return read_claimreviews(document)


def test_an_import_that_cannot_write_one_file_writes_none(tmp_path: Path) -> None:
    first, second = _two_episodes()
    (tmp_path / f".{second.filename}.importing").mkdir()  # in the way of the second file
    with pytest.raises(ClaimReviewError, match=f"cannot write .*{second.filename}.*nothing"):
        write_imported_reviews([first, second], tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f".{second.filename}.importing"]


def test_a_file_name_of_many_wide_letters_is_cut_to_fit_the_file_system(tmp_path: Path) -> None:
    [review] = _two_episodes()[:1]
    wide = dataclasses.replace(
        review, episode=review.episode.model_copy(update={"podcast": "\U00020000" * 100})
    )
    [written] = write_imported_reviews([wide], tmp_path)
    assert len(written.path.name.encode("utf-8")) <= 210
    assert parse_review(written.path).episode.key == wide.episode.key


def test_replace_overwrites_the_episodes_existing_review_file(tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(REFERENCE_REVIEW, folder)
    review = parse_review(REFERENCE_REVIEW)
    imported = read_claimreviews(claimreview_document([(review.episode, review.cards[0])]))
    [written] = write_imported_reviews(imported, folder, replace=True)
    assert written.path == folder / REFERENCE_REVIEW.name and written.replaced
    assert len(parse_review(written.path).cards) == 1
    assert sorted(p.name for p in folder.iterdir()) == [REFERENCE_REVIEW.name]
