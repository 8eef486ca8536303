"""The answer decision: evidence about each candidate card → its rank, and the best card's
calibrated probability of answering the question.

Two logistic models, fit offline (`benchmarks/fit_answer_model.py`) on labelled questions
only, and shipped as `answer_model.json`:
- the **ranker** scores each candidate from how well its claim matches (dense similarity of
  the whole card, of its headline and quote, of its best passage) and the exact words it
  shares with the question (BM25, rare terms covered, a quoted phrase, numbers);
- the **decider** turns the best card's rank score, its lead over the next card, how much
  better it matches than the review's commentary and how much the question says at all into
  the probability that the best card answers the question. An index without commentary (an
  imported fact-check) reads as "no commentary", which the decider learnt as such.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from index.lexical import CardText, LexicalIndex, terms, words

RANKER_FEATURES = (
    "dense_best",
    "dense_second",
    "dense_whole",
    "dense_claim",
    "lexical",
    "claim_coverage",
    "claim_recall",
    "card_coverage",
    "phrase",
    "numbers_missing",
)
DECIDER_FEATURES = (
    "rank_score",
    "rank_margin",
    "dense_best",
    "dense_second",
    "dense_whole",
    "dense_claim",
    "aside_lead",
    "claim_coverage",
    "claim_recall",
    "card_coverage",
    "commentary_margin",
    "no_commentary",
    "question_terms",
)
PHRASE_WORDS = 5
"""A shared run of this many words or more counts fully as a quoted phrase."""


@dataclass(frozen=True)
class Question:
    """A question's words, read once for all its candidates."""

    term_texts: tuple[str, ...]
    terms: dict[int, float]  # term id → rarity (idf), in the order of `term_texts`
    weight: float  # the rarities summed
    phrases: tuple[frozenset[tuple[str, ...]], ...]  # its word n-grams, n = 2..PHRASE_WORDS
    numbers: frozenset[int]

    @property
    def has_words(self) -> bool:
        """Whether one of its terms is more than a number."""
        return any(not t.isdigit() for t in self.term_texts)

    @classmethod
    def of(cls, text: str, lexicon: LexicalIndex) -> Question:
        question_words = words(text)[:64]
        unique = list(dict.fromkeys(terms(text)))
        question_terms = lexicon.weigh(unique)  # one id per term, in the same order
        numbers = frozenset(
            i for t, i in zip(unique, question_terms, strict=True) if any(c.isdigit() for c in t)
        )
        return cls(
            tuple(unique),
            question_terms,
            sum(question_terms.values()),
            tuple(
                frozenset(
                    tuple(question_words[i : i + n]) for i in range(len(question_words) - n + 1)
                )
                for n in range(2, PHRASE_WORDS + 1)
            ),
            numbers,
        )


@dataclass(frozen=True)
class Evidence:
    """The ranker's view of one candidate card for one question."""

    rowid: int
    dense_best: float
    dense_second: float  # the card's second-best passage: an aside matches one passage alone
    dense_whole: float
    dense_claim: float
    lexical: float
    text: CardText

    def features(self, question: Question) -> list[float]:
        text = self.text
        asked = question.terms
        total = question.weight or 1.0
        in_claim = sum(w for t, w in asked.items() if t in text.claim_terms) / total
        in_card = sum(w for t, w in asked.items() if t in text.card_terms) / total
        # fsum: exact, so the same whatever order the card's term ids come in.
        recalled = math.fsum(w for t, w in text.claim_terms.items() if t in asked) / (
            text.claim_weight or 1.0
        )
        missing = (
            len(question.numbers - text.card_terms) / len(question.numbers)
            if question.numbers
            else 0.0
        )
        return [
            self.dense_best,
            self.dense_second,
            self.dense_whole,
            self.dense_claim,
            self.lexical,
            in_claim,
            recalled,
            in_card,
            _phrase(question, text),
            missing,
        ]


def _phrase(question: Question, text: CardText) -> float:
    """The longest run of the question's words found word for word in the claim, as a share
    of `PHRASE_WORDS`."""
    if not question.phrases or question.phrases[0].isdisjoint(text.claim_pairs):
        return 0.0
    longest = 2
    claim_words = text.claim_words
    for n, grams in enumerate(question.phrases[1:], start=3):
        found = any(
            tuple(claim_words[i : i + n]) in grams for i in range(len(claim_words) - n + 1)
        )
        if not found:
            break
        longest = n
    return longest / PHRASE_WORDS


@dataclass(frozen=True)
class Linear:
    """A fitted logistic model: `sigmoid(bias + weights · features)`."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def logit(self, values: Sequence[float]) -> float:
        return self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))

    @classmethod
    def from_json(cls, data: dict[str, Any], expected: tuple[str, ...]) -> Linear:
        features = _features(data, expected)
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != len(features):
            raise ValueError("the model's weights do not fit its features")
        return cls(features, weights, float(data["bias"]))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
        }


@dataclass(frozen=True)
class Quadratic:
    """A fitted logistic model over the standardised features and every product of two of
    them (squares included): how far an aside leads matters more when the question says
    little, which a sum of single features cannot say. Products in scikit-learn's order:
    (0, 0), (0, 1), ... (0, n-1), (1, 1), ... (n-1, n-1)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]  # the n features, then the n (n + 1) / 2 products
    bias: float

    def logit(self, values: Sequence[float]) -> float:
        z = [(v - m) / s for v, m, s in zip(values, self.mean, self.scale, strict=True)]
        terms = [*z, *(z[i] * z[j] for i in range(len(z)) for j in range(i, len(z)))]
        return self.bias + sum(w * t for w, t in zip(self.weights, terms, strict=True))

    @classmethod
    def from_json(cls, data: dict[str, Any], expected: tuple[str, ...]) -> Quadratic:
        features = _features(data, expected)
        n = len(features)
        model = cls(
            features,
            tuple(float(x) for x in data["mean"]),
            tuple(float(x) for x in data["scale"]),
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
        )
        if (len(model.mean), len(model.scale), len(model.weights)) != (n, n, n + n * (n + 1) // 2):
            raise ValueError("the model's quadratic weights do not fit its features")
        if any(x <= 0 for x in model.scale):
            raise ValueError("the model's feature scales must be positive")
        return model

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "quadratic",
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),  # unrounded: a tiny scale must not become 0
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
        }


Decider = Linear | Quadratic


def _features(data: dict[str, Any], expected: tuple[str, ...]) -> tuple[str, ...]:
    """A model file's feature names, which must be the ones claimbot computes, in order."""
    features = tuple(data["features"])
    if features != expected:
        raise ValueError(f"the model's features {features} are not {expected}")
    return features


def _decider(data: dict[str, Any]) -> Decider:
    if data.get("kind") == "quadratic":
        return Quadratic.from_json(data, DECIDER_FEATURES)
    return Linear.from_json(data, DECIDER_FEATURES)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -60 else 0.0


@dataclass(frozen=True)
class AnswerModel:
    """The ranker, the deciders and the probability from which a card counts as an answer.

    Two deciders, fit apart: one for indexes with commentary (reviews, whose near misses the
    commentary gives away), one for indexes without (imported fact-checks, whose near misses
    are sibling claims about the same event)."""

    ranker: Linear
    decider: Decider
    plain_decider: Decider
    threshold: float = 0.5

    def relevance(self, rank_score: float) -> float:
        """A rank score on the scale of its evidence (about 0-1): the weighted mean of the
        ranker's features. It orders cards as the rank score does."""
        return rank_score / (sum(abs(w) for w in self.ranker.weights) or 1.0)

    def decider_for(self, commentary: float | None) -> Decider:
        return self.plain_decider if commentary is None else self.decider

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerModel:
        return cls(
            Linear.from_json(data["ranker"], RANKER_FEATURES),
            _decider(data["decider"]),
            _decider(data["plain_decider"]),
            float(data.get("threshold", 0.5)),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ranker": self.ranker.to_json(),
            "decider": self.decider.to_json(),
            "plain_decider": self.plain_decider.to_json(),
            "threshold": self.threshold,
        }

    @classmethod
    def packaged(cls) -> AnswerModel:
        text = resources.files("index").joinpath("answer_model.json").read_text("utf-8")
        return cls.from_json(json.loads(text))


_AT = {name: n for n, name in enumerate(RANKER_FEATURES)}
"""Where each of the ranker's features sits in its row."""


def decider_features(
    rank_scores: Sequence[float],
    position: int,
    ranked_features: Sequence[Sequence[float]],
    commentary: float | None,
    question_terms: int,
) -> list[float]:
    """The decider's view of the card at `position` among the ranked candidates: its lead
    over the best other card (negative below the first)."""
    mine = rank_scores[position]
    others = [s for i, s in enumerate(rank_scores) if i != position]
    margin = mine - max(others) if others else 4.0
    row = ranked_features[position]
    dense_best, dense_second = row[_AT["dense_best"]], row[_AT["dense_second"]]
    dense_whole, dense_claim = row[_AT["dense_whole"]], row[_AT["dense_claim"]]
    return [
        mine,
        margin,
        dense_best,
        dense_second,
        dense_whole,
        dense_claim,
        # How far a fragment of the analysis outscores the claim itself: a near miss inside
        # the card (an aside, an example) leads by much.
        dense_best - max(dense_whole, dense_claim),
        row[_AT["claim_coverage"]],
        row[_AT["claim_recall"]],
        row[_AT["card_coverage"]],
        0.0 if commentary is None else dense_best - commentary,
        1.0 if commentary is None else 0.0,
        math.log1p(question_terms),
    ]
