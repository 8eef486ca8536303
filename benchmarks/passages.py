"""How many passages a set of reviews or ClaimReview files costs to embed, per layout.

    .venv/bin/python benchmarks/passages.py ../shared/claimreview-real data/reviews ...

Each argument is a review file, a ClaimReview JSON file, or a folder of either. Embedding is
most of a reindex's time, so passages are its cost; no model is loaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.results import recorded  # noqa: E402
from index import (  # noqa: E402
    ClaimbotError,
    VerdictCard,
    parse_review,
    parse_review_bytes,
    read_claimreview_json,
)
from index.passages import LAYOUTS, card_passages  # noqa: E402
from index.review_writer import render_review  # noqa: E402


def cards_of(path: Path) -> list[VerdictCard]:
    if path.suffix == ".json":
        found = []
        for review in read_claimreview_json(path.read_bytes(), path.name):
            text = render_review(review.episode, review.claims)
            found.extend(parse_review_bytes(text.encode(), review.filename).cards)
        return found
    return list(parse_review(path).cards)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args()
    with recorded("passages"):
        for root in args.paths:
            files = sorted(p for p in root.rglob("*") if p.suffix in {".json", ".txt"}) or [root]
            cards: list[VerdictCard] = []
            refused = 0
            for path in files:
                try:
                    cards.extend(cards_of(path))
                except ClaimbotError:
                    refused += 1
            counts = {
                layout: sum(sum(1 for text in card_passages(c, layout) if text) for c in cards)
                for layout in LAYOUTS
            }
            row = ", ".join(f"{layout} {n}" for layout, n in counts.items())
            print(f"{root}: {len(cards)} cards ({refused} files refused): passages {row}")


if __name__ == "__main__":
    main()
