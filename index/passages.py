"""What text stands for a card in the vector index.

A card may be represented by several passages (each its own vector); the search keeps the
best-scoring passage per card. The layout is recorded in the manifest, so changing it forces a
full reindex rather than mixing vectors of two layouts.
"""

from __future__ import annotations

from index.models import Episode, VerdictCard

MAX_PASSAGES = 64
"""Vector ids are `card_rowid * MAX_PASSAGES + passage_number`, so no id table is needed."""

LAYOUT = "multi-v1"


def card_passages(card: VerdictCard, episode: Episode) -> list[str]:
    """The texts embedded for one card: the whole card, then its headline, its quote and each
    analysis paragraph or bullet on their own.

    A question usually matches one facet of a claim (a name in a bullet, a phrase of the
    quote); on its own vector that facet is not diluted by the rest of the card. Measured
    against one vector per card in docs/retrieval.md.
    """
    del episode  # the episode's words do not help tell its cards apart
    whole = ". ".join(p for p in (card.headline, card.quote, card.analysis_text()) if p)
    facets = [card.headline, card.quote, *(block.text for block in card.analysis)]
    return [whole, *(f for f in facets if f)][:MAX_PASSAGES]
