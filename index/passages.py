"""What text stands for a card, and for an episode's commentary, in the vector index.

A card may be represented by several passages (each its own vector); the search keeps the
best-scoring passage per card. An episode's commentary (the review's text outside its claims)
is embedded too, not to be answered with but to recognise near misses: a question that matches
what a review merely mentions better than any claim has no verdict to give.

Vector ids encode what they point at, so no id table is needed:
card passages are `card_rowid * MAX_PASSAGES + slot`; commentary passages are
`COMMENTARY_BASE + episode_rowid * MAX_COMMENTARY + n`. In the `facets-v3` layout a slot says
which facet a vector is (`WHOLE`, `HEADLINE`, `QUOTE`, then the analysis), so the ranking can
weigh how well the claim itself matches apart from an aside in its analysis.

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


WHOLE, HEADLINE, QUOTE = 0, 1, 2
"""The fixed slots of `facets-v3` (the analysis follows, one slot a paragraph or bullet)."""


def slotted_facets(card: VerdictCard) -> list[str]:
    """`facets-v2` in fixed slots, each distinct text embedded once: a slot whose text repeats
    an earlier one (an imported fact-check's quote that is its headline, a card that is only a
    headline) is left empty ("") and gets no vector. An identical passage would cost an
    embedding and count twice in the ranking's features."""
    facets = [card.headline, card.quote, *(block.text for block in card.analysis)]
    seen: set[str] = set()
    distinct: list[str] = []
    for text in facets[: MAX_PASSAGES - 1]:
        key = " ".join(text.split()).casefold()
        distinct.append(text if key and key not in seen else "")
        seen.add(key)
    whole = ". ".join(text for text in distinct if text)
    # The whole card is the headline alone when nothing else is distinct: one vector.
    if distinct and whole == distinct[0]:
        distinct[0] = ""
    return [whole, *distinct]


LAYOUTS: dict[str, Callable[[VerdictCard], list[str]]] = {
    "single-v1": single_passage,
    "facets-v2": facet_passages,
    "facets-v3": slotted_facets,
}
DEFAULT_LAYOUT = "facets-v3"


def card_passages(card: VerdictCard, layout: str = DEFAULT_LAYOUT) -> list[str]:
    """The card's passages by slot; an empty string marks a slot without a vector."""
    return LAYOUTS[layout](card)


def passage_slot(vector_id: int) -> int:
    return vector_id % MAX_PASSAGES


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
