"""A ClaimReview's `reviewRating` → the verdict label as written and the publisher's number.

The label is kept exactly as the publisher wrote it ("Falso", "Four Pinocchios"); claimbot's
1-5 rating comes from it through the label table, else from the publisher's number on its own
scale (`PublisherRating`), which is kept whenever it says something the label does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from index.jsonld_values import number_of, prop, text_of
from index.rating import RATING_NAMES, PublisherRating, rate_verdict, scaled_rating

__all__ = ["publisher_rating_of", "verdict_label"]

# A scale a publisher leaves out is schema.org's default, 1 (worst) to 5 (best).
_DEFAULT_WORST = 1.0
_DEFAULT_BEST = 5.0


def verdict_label(rating: Mapping[str, Any]) -> str | None:
    """The label as the publisher wrote it; the number's name ("Misleading") when there is
    no label; None when there is neither."""
    label = text_of(prop(rating, "alternateName"))
    if label and regex.search(r"[\p{L}\p{N}]", label):
        return label  # punctuation alone is no label
    scale = _scale(rating)
    return RATING_NAMES[scaled_rating(scale)].capitalize() if scale is not None else None


def publisher_rating_of(rating: Mapping[str, Any], label: str) -> PublisherRating | None:
    """`ratingValue` on its `worstRating`..`bestRating` scale (either way round), or None
    when there is no usable number, or when it is claimbot's own 1-5 number for `label`
    (what an export of an unrated-by-publisher card writes), so a round trip adds nothing."""
    scale = _scale(rating)
    if scale is None:
        return None
    if (scale.worst, scale.best) == (_DEFAULT_WORST, _DEFAULT_BEST) and scale.value == (
        rate_verdict(label)
    ):
        return None
    return scale


def _scale(rating: Mapping[str, Any]) -> PublisherRating | None:
    value = number_of(prop(rating, "ratingValue"))
    if value is None:
        return None
    best = number_of(prop(rating, "bestRating"))
    worst = number_of(prop(rating, "worstRating"))
    best = _DEFAULT_BEST if best is None else best
    worst = _DEFAULT_WORST if worst is None else worst
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return None
    return PublisherRating(value=value, worst=worst, best=best)
