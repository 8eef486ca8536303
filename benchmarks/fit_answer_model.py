"""Fit the answer model (ranker and decider) and report it on data it was not fit on.

    .venv/bin/python benchmarks/checkthat.py ../shared/checkthat-2022-2a --work /tmp/ct
    .venv/bin/python benchmarks/labelled.py --work /tmp/lab
    .venv/bin/python benchmarks/fit_answer_model.py \
        --checkthat /tmp/ct --labelled /tmp/lab [--write]

Training data: CheckThat! train and dev (on the full index, and with the gold claims of half
their tweets removed), and the labelled podcast questions. Reported:
- the labelled podcast set **leave-one-review-out**: for each review, a model fit on
  CheckThat! train/dev and the other reviews' questions answers that review's questions;
- CheckThat! **dev-test** (never fit on), full and with half its gold claims removed.
`--write` fits on all the training data and writes index/answer_model.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from answer_data import TABLE_HEAD, Example, Figures, Outcome, decide  # noqa: E402

from benchmarks.results import recorded  # noqa: E402
from index.ranking import (  # noqa: E402
    DECIDER_FEATURES,
    RANKER_FEATURES,
    AnswerModel,
    Linear,
    Quadratic,
    decider_features,
)

C_RANKER = 1.0
C_DECIDER = 0.2
"""Chosen among 0.02, 0.05 and 0.2 by leave-one-review-out (docs/retrieval.md)."""
DECIDED_POSITIONS = 3
"""The decider learns from the first three ranked cards: answers show up to three."""


def fit_ranker(examples: list[Example]) -> Linear:
    """Pairwise: for each question, the right card against each other candidate."""
    diffs, labels, weights = [], [], []
    for example in examples:
        rows = np.asarray(example.rows)
        right = [i for i, r in enumerate(example.labels) if r]
        wrong = [i for i, r in enumerate(example.labels) if not r]
        if not right or not wrong:
            continue
        weight = _source_weight(example) / (len(right) * len(wrong))
        for i in right:
            d = rows[i] - rows[wrong]
            diffs.extend([d, -d])
            labels.extend([1] * len(wrong) + [0] * len(wrong))
            weights.extend([weight] * (2 * len(wrong)))
    model = LogisticRegression(C=C_RANKER, fit_intercept=False, max_iter=2000)
    model.fit(np.vstack(diffs), labels, sample_weight=np.asarray(weights) * len(examples))
    return Linear(RANKER_FEATURES, tuple(float(w) for w in model.coef_[0]), 0.0)


def fit_decider(examples: list[Example], ranker: Linear) -> Quadratic:
    rows, labels, weights = [], [], []
    for example in examples:
        scores = [ranker.logit(r) for r in example.rows]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        ranked_scores = [scores[i] for i in order]
        ranked_rows = [example.rows[i] for i in order]
        for position in range(min(DECIDED_POSITIONS, len(order))):
            rows.append(
                decider_features(
                    ranked_scores,
                    position,
                    ranked_rows,
                    example.commentary,
                    example.question_terms,
                )
            )
            labels.append(example.labels[order[position]])
            weights.append(_source_weight(example) * (1.0 if position == 0 else 0.5))
    # Standardised, so the regularisation treats every feature alike; then every product of
    # two (index/ranking.py's Quadratic), standardised again, which is folded into the weights.
    x = np.asarray(rows)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    n = x.shape[1]
    products = np.hstack([z, *(z[:, [i]] * z[:, i:] for i in range(n))])
    mean2, scale2 = products.mean(axis=0), products.std(axis=0)
    scale2[scale2 == 0] = 1.0
    model = LogisticRegression(C=C_DECIDER, max_iter=5000)
    weighed = np.asarray(weights) * len(examples)
    model.fit((products - mean2) / scale2, labels, sample_weight=weighed)
    coef = model.coef_[0] / scale2
    return Quadratic(
        DECIDER_FEATURES,
        tuple(float(m) for m in mean),
        tuple(float(s) for s in scale),
        tuple(float(w) for w in coef),
        float(model.intercept_[0] - (coef * mean2).sum()),
    )


_WEIGHTS: dict[str, float] = {}


def _source_weight(example: Example) -> float:
    return _WEIGHTS.get(example.source, 1.0)


def fit(examples: list[Example], threshold: float = 0.5) -> AnswerModel:
    examples = [e for e in examples if not e.held_out]
    counts: dict[str, int] = defaultdict(int)
    for example in examples:
        counts[example.source] += 1
    # Each source weighs as much in all: CheckThat! has several times more questions.
    _WEIGHTS.clear()
    _WEIGHTS.update({source: 1.0 / n for source, n in counts.items()})
    # The ranker learns from the public benchmark alone: it ranks the podcast questions as
    # well as one fit on both (R@1 0.984 either way) and CheckThat! dev better (MAP@5 0.959
    # against 0.954), so the podcast figures measure it on words it never saw.
    ranker = fit_ranker([e for e in examples if e.answerable and e.source == "checkthat"])
    with_commentary = [e for e in examples if e.commentary is not None]
    plain = [e for e in examples if e.commentary is None]
    return AnswerModel(
        ranker, fit_decider(with_commentary, ranker), fit_decider(plain, ranker), threshold
    )


def loro(podcasts: list[Example], checkthat_train: list[Example]) -> list[tuple[Example, Outcome]]:
    results = []
    for group in sorted({e.group for e in podcasts}):
        held_out = [e for e in podcasts if e.group == group]
        model = fit(checkthat_train + [e for e in podcasts if e.group != group])
        results.extend((e, decide(e, model)) for e in held_out)
    return results


def previous_rule(example: Example) -> Outcome:
    """The rule this model replaced: the best passage's cosine ranks, and answers when
    `top + 0.5 (top - commentary) >= 0.455` (0.28 stands for the margin without commentary).
    Its confidence is 1 or 0: answered or not."""
    if not example.rows:
        return Outcome(None, 0.0, False, example.answerable, 0.0)
    order = sorted(range(len(example.rows)), key=lambda i: -example.rows[i][0])
    top = example.rows[order[0]][0]
    margin = 0.28 if example.commentary is None else top - example.commentary
    labels = [example.labels[i] for i in order]
    return Outcome.of(labels, float(top + 0.5 * margin >= 0.455), example.answerable)


def _print_kinds(results: Iterable[tuple[Example, Outcome]], threshold: float) -> None:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for example, outcome in results:
        by_kind[example.kind or ("in-scope" if example.answerable else "off-topic")].append(outcome)
    print("\n| kind | questions | answered | R@1 |\n|---|---|---|---|")
    for kind, outcomes in sorted(by_kind.items()):
        answered = sum(o.confidence >= threshold for o in outcomes) / len(outcomes)
        r1 = sum(o.right_first for o in outcomes) / len(outcomes)
        r1_text = f"{r1:.3f}" if outcomes[0].answerable else "-"
        print(f"| {kind} | {len(outcomes)} | {100 * answered:.1f}% | {r1_text} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkthat", type=Path, default=Path("/tmp/claimbot-checkthat"))
    parser.add_argument("--labelled", type=Path, default=Path("/tmp/claimbot-labelled"))
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with recorded("fit_answer_model"):
        with (args.checkthat / "evidence.pickle").open("rb") as handle:
            checkthat: dict[str, list[Example]] = pickle.load(handle)
        with (args.labelled / "evidence.pickle").open("rb") as handle:
            podcasts: list[Example] = pickle.load(handle)
        train = [
            e
            for key in (
                "train",
                "dev",
                "train minus-train-dev",
                "dev minus-train-dev",
                "chatter questions.jsonl",
            )
            for e in checkthat[key]
        ]
        threshold = args.threshold

        print("## Labelled podcast questions, leave-one-review-out\n")
        results = loro(podcasts, train)
        print("| rule " + TABLE_HEAD.split("\n")[0] + "\n|---" + TABLE_HEAD.split("\n")[1])
        print("| answer model " + Figures.of([o for _, o in results], threshold).row())
        before = [previous_rule(e) for e in podcasts]
        print("| previous rule " + Figures.of(before, 0.5).row())
        _print_kinds(results, threshold)
        misses = [
            (e, o)
            for e, o in results
            if (e.answerable and not (o.right_first and o.confidence >= threshold))
            or (not e.answerable and o.confidence >= threshold)
        ]
        print(f"\n{len(misses)} wrong (first card not right, or answered off topic):")
        for example, outcome in misses[:60]:
            print(
                f"  [{example.group}/{example.kind}] {example.question!r} rank={outcome.rank} "
                f"p={outcome.confidence:.2f}"
            )

        sweep_loro = [o for _, o in results]
        model = fit(train + podcasts, threshold)
        minus = [decide(e, model) for e in checkthat["dev-test minus-dev-test"]]
        print("\n## CLAIMBOT_MIN_CONFIDENCE: what each threshold does\n")
        print(
            "| threshold | podcasts (LORO): in-scope answered | off-topic abstained | precision "
            "| dev-test, half the claims removed: answered | abstained | precision |\n"
            "|---|---|---|---|---|---|---|"
        )
        for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            a, b = Figures.of(sweep_loro, t), Figures.of(minus, t)
            cells = [a.answered, a.abstained, a.precision, b.answered, b.abstained, b.precision]
            print(f"| {t} | " + " | ".join(f"{100 * c:.1f}%" for c in cells) + " |")
        print("\n## CheckThat! dev-test (never fit on)\n")
        print(
            "| index | " + TABLE_HEAD.split("\n")[0][1:] + "\n|---" + TABLE_HEAD.split("\n")[1][1:]
        )
        for key in ("dev-test", "dev-test minus-dev-test"):
            print(
                f"| {key} "
                + Figures.of([decide(e, model) for e in checkthat[key]], threshold).row()
            )
        held_out_chatter = [decide(e, model) for e in checkthat["chatter labelled"]]
        abstained = Figures.of(held_out_chatter, threshold).abstained
        print(
            f"| off-topic labelled questions asked of the fact-checks ({len(held_out_chatter)}, "
            f"never fit on): abstained {100 * abstained:.1f}%"
        )
        for key in ("dev-test", "dev-test minus-dev-test"):
            before = [previous_rule(e) for e in checkthat[key]]
            print(f"| {key}, previous rule " + Figures.of(before, 0.5).row())
        for key in ("train", "dev"):
            print(
                f"| {key} (fit on) "
                + Figures.of([decide(e, model) for e in checkthat[key]], threshold).row()
            )
        print(
            "\nranker:",
            dict(zip(RANKER_FEATURES, (round(w, 3) for w in model.ranker.weights), strict=True)),
        )
        # The decider's linear part (on standardised features); its products are in the file.
        linear = model.decider.weights[: len(DECIDER_FEATURES)]
        print("decider (linear part):", [round(w, 3) for w in linear])
        if args.write:
            path = REPO / "index" / "answer_model.json"
            path.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
