"""The answer model's evidence and decision, read as a specification (fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import ClaimIndex, VerdictCard, reindex
from index.lexical import CardWords, LexicalIndex
from index.passages import HEADLINE, QUOTE, WHOLE, card_passages
from index.ranking import (
    DECIDER_FEATURES,
    RANKER_FEATURES,
    AnswerModel,
    Evidence,
    Quadratic,
    Question,
)
from tests.fakes import HashingEmbedder


def _card(headline: str, quote: str = "", analysis: tuple[str, ...] = ()) -> VerdictCard:
    return VerdictCard.model_validate(
        {
            "id": "p/c",
            "episode_key": "p#1",
            "position": 1,
            "emoji": "",
            "headline": headline,
            "quote": quote,
            "analysis": [{"text": a} for a in analysis],
            "verdict": "False",
            "rating": 1,
            "line": 1,
        }
    )


def _features(
    question: str, headline: str, analysis: str = "", others: tuple[str, ...] = ("rain",)
) -> dict[str, float]:
    cards = [CardWords("p/c", headline, analysis), *(CardWords(f"p/{o}", o, "") for o in others)]
    lexicon = LexicalIndex.build(range(len(cards)), cards)
    text = lexicon.card_text(0)
    assert text is not None
    row = Evidence(1, 0.5, 0.5, 0.5, 0.5, 0.0, text).features(Question.of(question, lexicon))
    return dict(zip(RANKER_FEATURES, row, strict=True))


def test_a_quote_that_repeats_the_headline_is_embedded_once() -> None:
    slots = card_passages(_card("Vaccines cause autism", "vaccines cause  AUTISM"))
    assert slots[HEADLINE] == "" and slots[QUOTE] == ""
    assert slots[WHOLE].startswith("Vaccines cause autism")


def test_an_analysis_paragraph_said_twice_is_embedded_once() -> None:
    slots = card_passages(_card("A claim", "a quote", ("Same text.", "Same text.", "Other.")))
    assert [s for s in slots if s == "Same text."] == ["Same text."]
    assert slots[-1] == "Other."


def test_slots_keep_their_place_when_a_facet_is_missing() -> None:
    slots = card_passages(_card("A claim", "", ("First paragraph.",)))
    assert slots[HEADLINE] == "A claim" and slots[QUOTE] == "" and slots[3] == "First paragraph."


def test_a_phrase_quoted_word_for_word_counts_by_its_length() -> None:
    claim = "Moon Landing Was Staged"
    quoted = _features("did he say the moon landing was staged in a studio", claim)
    loose = _features("was the landing on the moon staged", claim)
    assert quoted["phrase"] > loose["phrase"]


def test_a_number_the_card_does_not_have_is_missing() -> None:
    assert _features("is it 5g towers", "5G towers spread the virus")["numbers_missing"] == 0.0
    assert _features("is it 4g towers", "5G towers spread the virus")["numbers_missing"] == 1.0


def test_rare_words_weigh_more_in_coverage() -> None:
    # "pfizer" is in one card of three, "trial" in all three.
    names = _features("pfizer trial", "Pfizer vaccine trial", others=("trial one", "trial two"))
    assert names["claim_coverage"] == 1.0
    rare = _features("pfizer rain", "Pfizer vaccine trial", others=("trial one", "trial two"))
    common = _features("trial rain", "Pfizer vaccine trial", others=("trial one", "trial two"))
    assert rare["claim_coverage"] > common["claim_coverage"]


def test_a_name_only_in_the_analysis_covers_the_card_but_not_the_claim() -> None:
    row = _features("what about volkow", "Dopamine detox resets reward", "Nora Volkow said so")
    assert row["card_coverage"] == 1.0 and row["claim_coverage"] == 0.0


def test_a_question_without_words_weighs_nothing() -> None:
    assert Question.of("👀 ?!", LexicalIndex.build([1], [CardWords("a", "a card", "")])).terms == {}


def test_the_packaged_model_names_the_features_the_code_computes() -> None:
    model = AnswerModel.packaged()
    assert model.ranker.features == RANKER_FEATURES
    assert model.decider.features == model.plain_decider.features == DECIDER_FEATURES
    assert 0.0 < model.threshold < 1.0


def test_a_quadratic_decider_weighs_features_and_their_products() -> None:
    model = Quadratic(("a", "b"), (1.0, 0.0), (2.0, 1.0), (1.0, 0.0, 0.0, 3.0, 0.0), -1.0)
    # z = ((3 - 1) / 2, 2 / 1) = (1, 2): -1 + 1·z0 + 3·z0·z1 = 6
    assert model.logit([3.0, 2.0]) == pytest.approx(6.0)


def test_a_quadratic_decider_whose_weights_do_not_fit_its_features_is_refused() -> None:
    data = AnswerModel.packaged().to_json()
    data["decider"] = {
        "kind": "quadratic",
        "features": list(DECIDER_FEATURES),
        "mean": [0.0] * len(DECIDER_FEATURES),
        "scale": [1.0] * len(DECIDER_FEATURES),
        "weights": [0.0] * len(DECIDER_FEATURES),  # the products are missing
        "bias": 0.0,
    }
    with pytest.raises(ValueError, match="do not fit"):
        AnswerModel.from_json(data)


def test_a_linear_model_with_a_weight_too_few_is_refused() -> None:
    data = AnswerModel.packaged().to_json()
    data["ranker"]["weights"] = data["ranker"]["weights"][:-1]
    with pytest.raises(ValueError, match="do not fit"):
        AnswerModel.from_json(data)


def test_a_quadratic_decider_with_a_tiny_scale_survives_saving() -> None:
    n = len(DECIDER_FEATURES)
    weights = (0.0,) * (n + n * (n + 1) // 2)
    tiny = Quadratic(DECIDER_FEATURES, (0.0,) * n, (1e-9,) * n, weights, 0.0)
    assert Quadratic.from_json(tiny.to_json(), DECIDER_FEATURES) == tiny


def test_no_lexical_candidates_asked_for_is_none() -> None:
    lexicon = LexicalIndex.build([1], [CardWords("a", "nvidia margins", "")])
    assert lexicon.scores(Question.of("nvidia", lexicon).terms, 0) == {}


def test_a_model_for_other_features_is_refused() -> None:
    data = AnswerModel.packaged().to_json()
    data["ranker"]["features"] = [*data["ranker"]["features"][:-1], "something_else"]
    with pytest.raises(ValueError, match="features"):
        AnswerModel.from_json(json.loads(json.dumps(data)))


@pytest.fixture
def index(reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder) -> ClaimIndex:
    reindex(reviews_dir, index_dir, embedder)
    return ClaimIndex.open(index_dir, embedder)


def test_every_result_carries_a_probability(index: ClaimIndex) -> None:
    answer = index.ask("gpt-oss tool use", k=3)
    assert answer.hits and all(0.0 <= h.confidence <= 1.0 for h in answer.hits)


@pytest.mark.parametrize(
    "message", ["https://t.co/AbCdEf123 pic.twitter.com/xYz", "is it?? 🤔", "👀", "2024", "90 10"]
)
def test_a_message_without_a_meaningful_word_is_never_answered(
    index: ClaimIndex, message: str
) -> None:
    answer = index.ask(message)
    assert not answer.answered
    assert all(hit.confidence == 0.0 for hit in answer.hits)


def test_which_cards_are_weighed_does_not_depend_on_how_many_are_asked_for(
    index: ClaimIndex,
) -> None:
    question = "are chinese open model licenses friendlier"
    vector = index.embed_questions([question])[0]
    three = index.candidates(question, vector, 3).ranked
    ten = index.candidates(question, vector, 10).ranked
    assert [(c.rowid, c.confidence) for c in three] == [(c.rowid, c.confidence) for c in ten[:3]]
