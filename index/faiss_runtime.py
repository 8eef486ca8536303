"""FAISS, imported so that its OpenMP threads sleep as soon as a parallel region ends, and how
many of them one question's search uses.

A question's IVF scan (62 of 1,987 cells at 100k cards) can be split over two threads by
inverted list (`parallel_mode` 1): ~0.8 ms less per question at 100k cards. But OpenMP's
default is to keep its workers spinning for a while after a region, and that spin took the core
the next question's encode needed: split that way under the default policy, a question at a
bot's pace took twice as long (docs/performance.md). With `OMP_WAIT_POLICY=PASSIVE` the worker
sleeps at once, and the split keeps its gain at both paces.

The policy is read once, when FAISS's OpenMP runtime is loaded (`import faiss`), so this module
sets it for that import only and then puts the environment back: FAISS bundles its own copy of
the runtime, and PyTorch's, loaded later, keeps its usual policy. An operator's own
`OMP_WAIT_POLICY` is left as it is. If FAISS was already imported before this module (by
code outside claimbot), its policy is unknown and a question's search stays on one thread.
Every module of `index` that uses FAISS imports it from here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_POLICY = "OMP_WAIT_POLICY"

_imported_before = "faiss" in sys.modules
_set_here = not _imported_before and _POLICY not in os.environ
if _set_here:
    os.environ[_POLICY] = "PASSIVE"
try:
    import faiss as faiss  # re-exported: the configured module
finally:
    if _set_here:
        del os.environ[_POLICY]

PASSIVE_WAIT = _set_here or (
    not _imported_before and os.environ.get(_POLICY, "").strip().upper() == "PASSIVE"
)
"""True when FAISS's OpenMP workers are known to sleep as soon as a parallel region ends."""

IVF_QUESTION_THREADS = 2
"""Threads for one question's IVF scan: measured on two cores only (docs/performance.md)."""


def question_threads(index: faiss.Index) -> int:
    """OpenMP threads to search one question vector in `index`, which this prepares for them.

    Flat indexes scan one query on one thread whatever the count, and the others only wait
    (spin-waiting beside the embedding's threads, they once made a 10k-vector flat search take
    14 ms instead of 2 ms on two busy cores); IVF indexes split the cells a query scans
    between threads, when their workers sleep after it (module docstring). `parallel_mode` is
    not saved in the file, so setting it on a loaded index changes no generation."""
    concrete = faiss.downcast_index(index)
    if not PASSIVE_WAIT or not isinstance(concrete, faiss.IndexIVF):
        return 1
    concrete.parallel_mode = 1
    return max(1, min(IVF_QUESTION_THREADS, os.cpu_count() or 1))


@contextmanager
def openmp_threads(count: int) -> Iterator[None]:
    """Run FAISS calls of this thread on `count` OpenMP threads, then put the count back.

    OpenMP keeps the count per calling thread; it is put back so that whatever else this
    thread runs with OpenMP afterwards gets the count it had."""
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(count)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)
