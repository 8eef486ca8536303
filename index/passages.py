"""What text stands for a card, and for an episode's commentary, in the vector index.

A card may be represented by several passages (each its own vector); the search keeps the
best-scoring passage per card. An episode's commentary (the review's text outside its claims)
is embedded too, not to be answered with but to recognise near misses: a question that matches
what a review merely mentions better than any claim has no verdict to give.

Vector ids encode what they point at, so no id table is needed:
card passages are `card_rowid * MAX_PASSAGES + n`; commentary passages are
`COMMENTARY_BASE + episode_rowid * MAX_COMMENTARY + n`.

The layout is recorded in the manifest, so changing it forces a full reindex rather than mixing
vectors of two layouts.
"""

from __future__ import annotations

from collections.abc import Callable

from index.models import Episode, VerdictCard

MAX_PASSAGES = 64
MAX_COMMENTARY = 1024
COMMENTARY_BASE = 1 << 60


def _whole(card: VerdictCard) -> str:
    return ". ".join(p for p in (card.headline, card.quote, card.analysis_text()) if p)


def single_passage(card: VerdictCard) -> list[str]:
    """The baseline: one vector per card (headline, quote and analysis together)."""
    return [_whole(card)]


def facet_passages(card: VerdictCard) -> list[str]:
    """The whole card, then its headline, its quote and each analysis paragraph or bullet.

    A question usually matches one facet of a claim (a name in a bullet, a phrase of the
    quote); on its own vector that facet is not diluted by the rest of the card. Measured
    against one vector per card in docs/retrieval.md.
    """
    facets = [card.headline, card.quote, *(block.text for block in card.analysis)]
    return [_whole(card), *(f for f in facets if f)][:MAX_PASSAGES]


LAYOUTS: dict[str, Callable[[VerdictCard], list[str]]] = {
    "single-v1": single_passage,
    "facets-v2": facet_passages,
}
DEFAULT_LAYOUT = "facets-v2"


def card_passages(card: VerdictCard, layout: str = DEFAULT_LAYOUT) -> list[str]:
    return LAYOUTS[layout](card)


def commentary_passages(episode: Episode) -> list[str]:
    return list(episode.commentary[:MAX_COMMENTARY])


def is_commentary(vector_id: int) -> bool:
    return vector_id >= COMMENTARY_BASE


def card_rowid(vector_id: int) -> int:
    return vector_id // MAX_PASSAGES


def card_vector_ids(rowid: int, count: int) -> range:
    return range(rowid * MAX_PASSAGES, rowid * MAX_PASSAGES + count)


def commentary_vector_ids(episode_rowid: int, count: int) -> range:
    start = COMMENTARY_BASE + episode_rowid * MAX_COMMENTARY
    return range(start, start + count)
