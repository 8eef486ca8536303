"""FAISS's OpenMP threads: set to sleep after a region, and how many a question's search uses."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from index.faiss_runtime import faiss, openmp_threads, question_threads
from index.vector_index import build_ivf, new_vector_index
from tests.conftest import REPO

DIMENSION = 64


def _run(script: str, **env: str) -> str:
    """`script`'s output in a fresh Python process whose environment has `env` and no other
    OpenMP wait policy."""
    clean = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**clean, **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


POLICY_SCRIPT = """
import os
from index import faiss_runtime
print(os.environ.get("OMP_WAIT_POLICY"), faiss_runtime.PASSIVE_WAIT)
"""


def test_importing_index_sets_faiss_threads_passive_and_leaves_the_environment_as_it_was() -> None:
    assert _run(POLICY_SCRIPT) == "None True"


@pytest.mark.parametrize(("policy", "passive"), [("ACTIVE", "False"), ("passive", "True")])
def test_an_operators_wait_policy_is_kept(policy: str, passive: str) -> None:
    assert _run(POLICY_SCRIPT, OMP_WAIT_POLICY=policy) == f"{policy} {passive}"


def test_faiss_imported_before_index_keeps_a_questions_search_on_one_thread() -> None:
    assert _run("import faiss\n" + POLICY_SCRIPT) == "None False"


def _vectors(count: int) -> np.ndarray:
    vectors = np.random.default_rng(7).normal(size=(count, DIMENSION)).astype(np.float32)
    faiss.normalize_L2(vectors)
    return vectors


def test_a_flat_index_is_searched_on_one_thread() -> None:
    flat = new_vector_index(DIMENSION)
    flat.add_with_ids(_vectors(100), np.arange(100, dtype=np.int64))
    assert question_threads(flat) == 1


def test_an_ivf_scan_split_between_threads_finds_what_one_thread_finds() -> None:
    vectors = _vectors(4000)
    ivf = build_ivf(vectors)
    ivf.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
    ivf.parallel_mode = 1
    questions = _vectors(4040)[4000:]
    with openmp_threads(1):
        alone = ivf.search(questions, 20)
    with openmp_threads(2):
        split = ivf.search(questions, 20)
    assert np.array_equal(alone[1], split[1])
    assert np.allclose(alone[0], split[0], atol=1e-6)


IDLE_AFTER_IVF_SEARCH = """
import time
import numpy as np
from index.faiss_runtime import faiss, openmp_threads, question_threads
from index.vector_index import build_ivf
vectors = np.random.default_rng(7).normal(size=(40_000, 64)).astype(np.float32)
faiss.normalize_L2(vectors)
ivf = build_ivf(vectors)
ivf.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64))
threads = question_threads(ivf)
idle = []
for n in range(3):
    with openmp_threads(threads):
        ivf.search(vectors[n : n + 1], 64)
    started = time.process_time()
    time.sleep(0.3)
    idle.append(time.process_time() - started)
print(threads, sorted(idle)[1])
"""


def test_an_ivf_question_split_between_threads_leaves_none_spinning() -> None:
    """A worker spinning after the scan takes the core the next question's encode needs (a
    bot's question took twice as long, docs/performance.md). Under OpenMP's default policy
    the worker spins ~3.4 ms after each search here, under PASSIVE ~0.1 ms."""
    threads, idle = _run(IDLE_AFTER_IVF_SEARCH).split()
    assert int(threads) == min(2, os.cpu_count() or 1)
    assert float(idle) < 0.001, f"{float(idle) * 1000:.1f} ms of CPU in 0.3 s idle after a search"
