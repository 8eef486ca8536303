"""claimbot on CLEF-2022 CheckThat! Task 2A (English): ranking, and abstention at scale.

    .venv/bin/python benchmarks/checkthat.py ../shared/checkthat-2022-2a [--work DIR]

Imports the 14,231 Snopes verified claims as ClaimReview (benchmarks/checkthat_data.py),
indexes them with the real model, and answers the train, dev and dev-test tweets through the
real `ClaimIndex`. Then the abstention test: the gold claims of half the dev-test tweets are
removed from the index (an incremental reindex), and every dev-test tweet is asked again:
answer precision (of the answers given, the share whose first card is right), the share of
tweets whose claim is still indexed that are answered, and the share of the others abstained.
The same is done for half of train and dev, for the fitting script's negatives.

The data stays where it is (never copied into this repository); indexes and the collected
evidence are kept in `--work` between runs. Tune on train and dev only; report dev-test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from answer_data import TABLE_HEAD, Example, Figures, collect, decide  # noqa: E402
from checkthat_data import CheckThat, LoadedIndex, Tweet, build, load  # noqa: E402

from benchmarks.results import recorded  # noqa: E402
from index import SentenceTransformerEmbedder  # noqa: E402
from index.ranking import DECIDER_FEATURES, RANKER_FEATURES, AnswerModel, Linear  # noqa: E402

DENSE_ONLY = (
    Linear(RANKER_FEATURES, tuple(float(f == "dense_best") for f in RANKER_FEATURES), 0.0),
    Linear(DECIDER_FEATURES, tuple(float(f == "rank_score") for f in DECIDER_FEATURES), 0.0),
)
"""The previous ranking (best passage's cosine), for comparison; its confidence is that
cosine, so its "answered" columns mean nothing beside the model's."""


def removed_half(tweets: list[Tweet]) -> list[Tweet]:
    """Every other tweet by a hash of its id: a fixed half, the same in every run."""
    return [t for t in tweets if hashlib.sha1(t.tweet_id.encode()).digest()[0] % 2 == 0]


def variant(
    data: CheckThat, full: Path, work: Path, exclude: frozenset[str], embedder: object
) -> LoadedIndex:
    """The full index with the `exclude`d claims taken out by an incremental reindex."""
    if not work.exists():
        shutil.copytree(full / "index", work / "index")
    if (work / "reviews").exists():
        shutil.rmtree(work / "reviews")
    return build(data, work, embedder, exclude)  # type: ignore[arg-type]


def examples_for(loaded: LoadedIndex, tweets: list[Tweet], group: str, note: str) -> list[Example]:
    started = time.perf_counter()
    indexed = set().union(*loaded.card_claims.values())
    answerable = [bool(t.gold & indexed) for t in tweets]
    found = collect(
        loaded.index,
        [t.text for t in tweets],
        lambda n, hit: bool(loaded.card_claims.get(hit.card.id, frozenset()) & tweets[n].gold),
        answerable,
        [group] * len(tweets),
        "checkthat",
    )
    print(
        f"  {note}: {len(tweets)} tweets in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return found


def chatter() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, pattern in (
        ("questions.jsonl", "tests/data/questions.jsonl"),
        ("labelled", "tests/data/labelled/questions-*.jsonl"),
    ):
        for path in sorted(REPO.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line) if line.strip() else {}
                if row and not row.get("expect") and row.get("kind", "off-topic") == "off-topic":
                    found.setdefault(name, []).append(row["question"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimbot-checkthat"))
    args = parser.parse_args()
    with recorded("checkthat"):
        data = load(args.data_dir)
        embedder = SentenceTransformerEmbedder(None, backend="onnx")
        started = time.perf_counter()
        full = build(data, args.work / "full", embedder)
        print(
            f"indexed {len(full.card_claims)} cards ({full.skipped} claims refused by the import) "
            f"in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        evidence: dict[str, list[Example]] = {}
        for split, tweets in data.splits.items():
            evidence[split] = examples_for(full, tweets, split, split)
        # Chatter no fact-check covers, asked of the fact-checks: the off-topic questions of the
        # project's labelled files (tests/data/questions.jsonl's are fit on; the labelled set's,
        # written apart, are not).
        for name, rows in chatter().items():
            evidence[f"chatter {name}"] = collect(
                full.index,
                rows,
                lambda n, hit: False,
                [False] * len(rows),
                [name] * len(rows),
                "checkthat",
            )
        for name, splits in (
            ("minus-dev-test", ["dev-test"]),
            ("minus-train-dev", ["train", "dev"]),
        ):
            tweets = [t for s in splits for t in data.splits[s]]
            exclude = frozenset().union(*(t.gold for t in removed_half(tweets)))
            loaded = variant(data, args.work / "full", args.work / name, exclude, embedder)
            for split in splits:
                evidence[f"{split} {name}"] = examples_for(
                    loaded, data.splits[split], split, f"{split}, {name}"
                )
        with (args.work / "evidence.pickle").open("wb") as out:
            pickle.dump(evidence, out)
        report(evidence, AnswerModel.packaged())


def report(evidence: dict[str, list[Example]], model: AnswerModel) -> None:
    print(f"\n## CheckThat! 2022 2A English (threshold {model.threshold})\n")
    print("| split | ranking " + TABLE_HEAD.split("\n")[0][1:])
    print("|---|---" + TABLE_HEAD.split("\n")[1][1:] + "")
    for split in ("train", "dev", "dev-test"):
        for name, ranking in (("claimbot", model), ("best passage's cosine", DENSE_ONLY)):
            outcomes = [decide(e, ranking) for e in evidence[split]]
            figures = Figures.of(outcomes, model.threshold)
            print(f"| {split} | {name} {figures.row()}")
    print("\n## Half the gold claims removed\n")
    print("| split | " + TABLE_HEAD.split("\n")[0][1:])
    print("|---" + TABLE_HEAD.split("\n")[1][1:])
    for key in ("train minus-train-dev", "dev minus-train-dev", "dev-test minus-dev-test"):
        outcomes = [decide(e, model) for e in evidence[key]]
        print(f"| {key} {Figures.of(outcomes, model.threshold).row()}")


if __name__ == "__main__":
    main()
