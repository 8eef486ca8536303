"""Verdict labels, as written by reviewers, mapped onto one 1-5 scale with a colour.

Labels are open-ended ("Accurate", "Mostly true", "Half-baked", ...). Known words carry a
base score, qualifiers ("largely", "partially", "not") move it, and anything unrecognised
lands in the middle of the scale: a label is never rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from index.models import PublisherRating

# 5 = the claim holds, 1 = it is false.
_BASE_WORDS: dict[str, int] = {
    "accurate": 5,
    "true": 5,
    "correct": 5,
    "credible": 5,
    "verified": 5,
    "confirmed": 5,
    "supported": 5,
    "right": 5,
    "sound": 5,
    "valid": 5,
    "factual": 5,
    "solid": 5,
    "plausible": 4,
    "reasonable": 4,
    "fair": 4,
    "mixed": 3,
    "unverified": 3,
    "unproven": 3,
    "uncertain": 3,
    "unclear": 3,
    "context": 3,
    "disputed": 3,
    "contested": 3,
    "speculative": 3,
    "debatable": 3,
    "nuanced": 3,
    "overstated": 2,
    "exaggerated": 2,
    "misleading": 2,
    "dubious": 2,
    "questionable": 2,
    "oversimplified": 2,
    "inflated": 2,
    "cherry-picked": 2,
    "outdated": 2,
    "baked": 2,
    "unsupported": 2,
    "doubtful": 2,
    "weak": 2,
    "false": 1,
    "inaccurate": 1,
    "incorrect": 1,
    "wrong": 1,
    "debunked": 1,
    "fabricated": 1,
    "fake": 1,
    "untrue": 1,
    "bogus": 1,
    "myth": 1,
    "fire": 1,
    "baseless": 1,
}
# Qualifiers pull an extreme label one step towards the middle.
_SOFTENERS = {"largely", "mostly", "broadly", "generally", "somewhat", "substantially", "nearly"}
_HALF = {"partially", "partly", "half", "partial"}
_NEGATIONS = {"not", "no", "un", "hardly"}
# "Not entirely accurate", "not quite right": a negation of the whole claim only in part.
_IN_PART = {"entirely", "quite", "fully", "completely", "wholly", "totally", "exactly", "always"}
# "True but misleading": two verdicts in one label; the claim is neither.
_CONTRAST = {"but", "yet", "though", "although", "however"}

RATING_NAMES: dict[int, str] = {
    5: "accurate",
    4: "mostly accurate",
    3: "mixed",
    2: "misleading",
    1: "false",
}
# Discord embed colours: green → red.
RATING_COLOURS: dict[int, int] = {
    5: 0x2ECC71,
    4: 0x8BC34A,
    3: 0xF1C40F,
    2: 0xE67E22,
    1: 0xE74C3C,
}

_WORD = regex.compile(r"[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*")


def rate_verdict(label: str, publisher_rating: PublisherRating | None = None) -> int:
    """The 1-5 rating of a verdict label: 5 for "Accurate", 1 for "False". A label no table
    knows takes the publisher's number, when there is one, on the 1-5 scale; else 3."""
    known = rate_label(label)
    if known is not None:
        return known
    if publisher_rating is not None:
        return scaled_rating(publisher_rating)
    return 3


def scaled_rating(rating: PublisherRating) -> int:
    """A rating on its publisher's scale (worst to best, either way round) as 1-5."""
    return 1 + round(4 * (rating.value - rating.worst) / (rating.best - rating.worst))


def rate_label(label: str) -> int | None:
    """The 1-5 rating of a verdict label, or None when no known word is in it."""
    words = [w.casefold() for w in _WORD.findall(label)]
    scores = [_BASE_WORDS[w] for w in words if w in _BASE_WORDS]
    if not scores:
        # Try the parts of hyphenated words ("half-true", "pants-on-fire").
        parts = [p for w in words for p in w.split("-")]
        scores = [_BASE_WORDS[p] for p in parts if p in _BASE_WORDS]
        words = parts + words
    if not scores:
        return None
    score = scores[0]
    wordset = set(words)
    if wordset & _CONTRAST and len(set(scores)) > 1:
        return 3
    in_part = "in part" in " ".join(words) or bool(wordset & _NEGATIONS and wordset & _IN_PART)
    if (wordset & _HALF or in_part) and score in (1, 5):  # "partially true"; "half-baked" is low
        return 3
    if wordset & _NEGATIONS:
        score = 6 - score
    if wordset & _SOFTENERS:
        score = 4 if score == 5 else 2 if score == 1 else score
    return max(1, min(5, score))


def rating_colour(rating: int) -> int:
    """The RGB colour for a 1-5 rating."""
    return RATING_COLOURS[max(1, min(5, rating))]
