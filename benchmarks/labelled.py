"""The labelled podcast questions → the answer model's evidence, one fold per review.

    .venv/bin/python benchmarks/labelled.py [--work DIR]

Indexes every podcast review the project has (data/reviews, tests/data/reviews,
tests/data/labelled/reviews) with the real model, and asks every labelled question
(tests/data/questions.jsonl and tests/data/labelled/questions-*.jsonl). Each question belongs
to the review it is about (off-topic ones to the review their file assigns, or in turn), so
the fitting script can leave one review out: fit on the others, test on it.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from answer_data import Example, collect  # noqa: E402

from index import ClaimIndex, SentenceTransformerEmbedder, reindex  # noqa: E402

REVIEW_FOLDERS = ("data/reviews", "tests/data/reviews", "tests/data/labelled/reviews")
QUESTION_FILES = ("tests/data/questions.jsonl", "tests/data/labelled/questions-*.jsonl")
COVERED_HERE = {
    "is bitcoin a good hedge against inflation": ["digital gold"],
    "are heat pumps worth it": ["always cut your bills"],
}
"""Off topic for the four reviews tests/data/questions.jsonl was written for, in scope once
the labelled set's reviews are indexed beside them."""


def questions() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for pattern in QUESTION_FILES:
        for path in sorted(REPO.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    if row["question"] in COVERED_HERE:
                        row = {**row, "expect": COVERED_HERE[row["question"]], "kind": "in-scope"}
                    rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimbot-labelled"))
    args = parser.parse_args()
    reviews = args.work / "reviews"
    shutil.rmtree(reviews, ignore_errors=True)
    reviews.mkdir(parents=True)
    for folder in REVIEW_FOLDERS:
        for path in (REPO / folder).glob("*.txt"):
            shutil.copy(path, reviews / path.name)
    embedder = SentenceTransformerEmbedder(None, backend="onnx")
    reindex(reviews, args.work / "index", embedder)
    index = ClaimIndex.open(args.work / "index", embedder)
    cards = index.all_cards()
    stems = sorted(Path(h.episode.source_file).stem for h in cards)
    stems = sorted(set(stems))
    rows = questions()
    expects = [[str(e).casefold() for e in row.get("expect", [])] for row in rows]  # type: ignore[union-attr]

    def review_of(n: int) -> str:
        named = rows[n].get("review")
        if isinstance(named, str) and named in stems:
            return named
        for hit in cards:
            if any(e in hit.card.headline.casefold() for e in expects[n]):
                return Path(hit.episode.source_file).stem
        return stems[n % len(stems)]

    examples: list[Example] = collect(
        index,
        [str(row["question"]) for row in rows],
        lambda n, hit: any(e in hit.card.headline.casefold() for e in expects[n]),
        [bool(e) for e in expects],
        [review_of(n) for n in range(len(rows))],
        "podcasts",
    )
    for example, row in zip(examples, rows, strict=True):
        example.kind = str(row.get("kind", "in-scope" if row.get("expect") else "off-topic"))
        # tests/data/questions.jsonl's test split guards retrieval in CI: never fit on.
        example.held_out = row.get("split") == "test"
    with (args.work / "evidence.pickle").open("wb") as out:
        pickle.dump(examples, out)
    print(f"{len(examples)} questions over {len(stems)} reviews → {args.work / 'evidence.pickle'}")


if __name__ == "__main__":
    main()
