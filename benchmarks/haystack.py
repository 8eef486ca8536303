"""IVF's retrieval against exhaustive search, on a large corpus embedded by the real model.

The latency corpora (benchmarks/corpora.py) hold stand-in vectors, and no labelled question is
about them, so they cannot say whether IVF still finds the right card. This builds, once per
size, an index of the synthetic corpus plus the real reviews (data/reviews, tests/data/reviews),
all embedded by the real model (bulk in bfloat16 where the CPU has it, as `claimbot reindex`
does), and answers the labelled questions (tests/data/questions.jsonl, about the real reviews)
with the index's own `nprobe`, with more, and with every cell (for the two-stage index: every
vector's 4-bit codes, the best re-scored by their 8-bit codes; on these corpora it answered as
exact search did). Printed as a Markdown table; results in docs/performance.md.

    .venv/bin/python -m benchmarks.haystack                  # 10k cards (~4 min the first time)
    .venv/bin/python -m benchmarks.haystack --cards 100000   # ~40 min the first time
    .venv/bin/python -m benchmarks.haystack --after-change   # ... after the real reviews change
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import faiss
import numpy as np

from benchmarks import corpora
from benchmarks.results import recorded
from benchmarks.run import QUESTIONS, REPO, right_first
from index import ClaimIndex, SentenceTransformerEmbedder, has_fast_bf16, reindex
from index.evaluate import load_questions

REAL_REVIEWS = (REPO / "data" / "reviews", REPO / "tests" / "data" / "reviews")


def built(cards: int, question_model: SentenceTransformerEmbedder) -> Path:
    """The index of `cards` synthetic cards plus the real reviews, built on first use."""
    work = corpora.CACHE / f"haystack-{cards}"
    if (work / "index" / "manifest.json").exists():
        corpora.refit(work / "index")
        return work / "index"
    shutil.rmtree(work, ignore_errors=True)
    reviews = work / "reviews"
    reviews.mkdir(parents=True)
    for path in corpora.reviews(cards).iterdir():
        os.link(path, reviews / path.name)  # the corpus's files, not copies
    for folder in REAL_REVIEWS:
        for path in folder.iterdir():
            # A real review may share a synthetic one's name: replace the link, never write
            # through it into the corpus.
            (reviews / path.name).unlink(missing_ok=True)
            shutil.copy(path, reviews / path.name)
    bulk = SentenceTransformerEmbedder(backend="torch-bf16") if has_fast_bf16() else None
    started = time.perf_counter()
    summary = reindex(reviews, work / "index", question_model, bulk_embedder=bulk)
    print(f"built: {summary.cards:,} cards in {time.perf_counter() - started:.0f} s", flush=True)
    return work / "index"


def compare(index: ClaimIndex, probes: Sequence[int] | None = None) -> None:
    """One row per `nprobe` (default: the index's own, ×2, ×4, ×8, ÷2): how the labelled
    questions fare, against every cell scanned."""
    ivf = faiss.try_extract_index_ivf(index.vectors)
    if ivf is None:
        raise SystemExit("this index is flat: exact already")
    own = ivf.nprobe
    probes = probes or [own, own * 2, own * 4, own * 8, max(1, own // 2)]
    questions = load_questions(QUESTIONS)
    vectors = index.embed_questions([q.question for q in questions])
    on_topic = sum(q.in_scope for q in questions)
    print(f"\n{ivf.ntotal:,} vectors in {ivf.nlist:,} cells; the index's own nprobe: {own}\n")
    print("| nprobe | vectors scanned per question | answered with the right card (on-topic) "
          "| right card first | abstained (off-topic) | same best card as exhaustive "
          "| ms per answer (in a row) |\n|---|---|---|---|---|---|---|")  # fmt: skip
    exhaustive: list[str] = []
    for nprobe in [ivf.nlist, *sorted({p for p in probes if p < ivf.nlist}, reverse=True)]:
        ivf.nprobe = nprobe
        started = time.perf_counter()
        answers = [index.answer(q.question, v) for q, v in zip(questions, vectors, strict=True)]
        ms = (time.perf_counter() - started) / len(questions) * 1000
        best = [a.hits[0].card.id if a.hits else "" for a in answers]
        exhaustive = exhaustive or best
        pairs = list(zip(answers, questions, strict=True))
        answered = sum(a.answered and right_first(a, q) for a, q in pairs if q.in_scope)
        first = sum(right_first(a, q) for a, q in pairs if q.in_scope)
        abstained = sum(not a.answered for a, q in pairs if not q.in_scope)
        same = np.mean([x == y for x, y in zip(best, exhaustive, strict=True)])
        label = (
            f"{nprobe} (all)"
            if nprobe == ivf.nlist
            else f"{nprobe}" + (" (own)" if nprobe == own else "")
        )
        print(f"| {label} | {nprobe * ivf.ntotal // ivf.nlist:,} | {answered}/{on_topic} | "
              f"{first}/{on_topic} | {abstained}/{len(questions) - on_topic} | {same:.1%} | "
              f"{ms:.2f} |", flush=True)  # fmt: skip
    ivf.nprobe = own


def changed_copy(index_dir: Path, work: Path, model: SentenceTransformerEmbedder) -> Path:
    """A copy of the corpus in `work` whose real reviews changed (a blank line appended) and
    were reindexed incrementally: their vectors removed, then added anew, as a moderator's
    edit does. The labelled questions are all about these reviews."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(index_dir, work / "index")
    reviews = work / "reviews"
    reviews.mkdir()
    for path in (index_dir.parent / "reviews").iterdir():
        (reviews / path.name).symlink_to(path.resolve())
    for folder in REAL_REVIEWS:
        for path in folder.iterdir():
            (reviews / path.name).unlink(missing_ok=True)
            (reviews / path.name).write_text(path.read_text("utf-8") + "\n\n", "utf-8")
    started = time.perf_counter()
    summary = reindex(reviews, work / "index", model)
    print(f"changed and reindexed: {', '.join(summary.changed)} in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
    return work / "index"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="IVF vs exhaustive search, real-model corpus")
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument(
        "--probes", type=int, nargs="+", help="nprobe values (default: own, ×2, ×4, ×8, ÷2)"
    )
    parser.add_argument(
        "--after-change", action="store_true",
        help="ask a copy whose real reviews changed and were reindexed incrementally",
    )  # fmt: skip
    args = parser.parse_args(argv)
    with recorded("haystack", argv):
        model = SentenceTransformerEmbedder(backend="onnx", cache_dir=corpora.MODEL_CACHE)
        index_dir = built(args.cards, model)
        if args.after_change:
            work = corpora.CACHE / f"haystack-{args.cards}-changed"
            try:
                compare(ClaimIndex.open(changed_copy(index_dir, work, model), model), args.probes)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            return
        compare(ClaimIndex.open(index_dir, model), args.probes)


if __name__ == "__main__":
    main()
