"""Benchmark corpora and their indexes, built once and kept under benchmarks/.cache/.

Each size has a folder `corpus-<cards>/` with `reviews/` (from benchmarks.generate) and `index/`
(built by the real `reindex` with the stand-in embedder, see benchmarks.standin), plus
`build.json` recording how long that took. Delete the folder to rebuild it.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import faiss

from benchmarks.generate import write_corpus
from benchmarks.standin import WordMeanEmbedder
from index import Embedder, reindex
from index.store import FORMAT_VERSION, VECTORS_FILE, read_manifest
from index.vector_index import fit_to_size

CACHE = Path(__file__).resolve().parent / ".cache"
MODEL_CACHE = CACHE / "claimbot" / "models"
"""The benchmarks' ONNX exports (where XDG_CACHE_HOME=benchmarks/.cache would put them)."""


def corpus_dir(cards: int) -> Path:
    return CACHE / f"corpus-{cards}"


def reviews(cards: int) -> Path:
    """The review folder of a corpus, generated on first use."""
    folder = corpus_dir(cards) / "reviews"
    done = corpus_dir(cards) / "reviews.done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, cards)
        done.touch()
    return folder


def built_index(cards: int, model: Embedder) -> tuple[Path, dict[str, float]]:
    """The index of a corpus (stand-in vectors), built on first use, and its build record."""
    folder = corpus_dir(cards)
    record_file = folder / "build.json"
    index_dir = folder / "index"
    if record_file.exists() and (index_dir / "manifest.json").exists():
        refit(index_dir)
        return index_dir, json.loads(record_file.read_text())
    source = reviews(cards)
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    summary = reindex(source, index_dir, WordMeanEmbedder(model))
    record = {
        "seconds": time.perf_counter() - started,
        "cards": summary.cards,
        "vectors": read_manifest(index_dir).vectors,
    }
    record_file.write_text(json.dumps(record))
    return index_dir, record


def refit(index_dir: Path) -> None:
    """Rewrite a cached index's vectors as the current code would build them, when it would
    build another kind (a reindex converts only when something changed): the benchmarks measure
    the code as it is, without re-embedding a corpus. An index of an older format is not
    converted: delete its folder to rebuild it."""
    manifest = read_manifest(index_dir)
    if manifest.format != FORMAT_VERSION:
        raise SystemExit(
            f"{index_dir} is of index format {manifest.format}, claimbot reads "
            f"{FORMAT_VERSION}: delete {index_dir.parent} to rebuild it"
        )
    generation = index_dir / manifest.generation
    path = generation / VECTORS_FILE
    vectors = faiss.read_index(str(path))
    fitted = fit_to_size(vectors)
    if fitted is not vectors:
        faiss.write_index(fitted, str(path.with_suffix(".tmp")))
        path.with_suffix(".tmp").replace(path)
