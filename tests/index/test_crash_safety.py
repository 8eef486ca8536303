"""A reindex killed with SIGKILL at any moment leaves an index that answers exactly as the old
one or exactly as the new one, never a mix and never an error; the next reindex cleans up.

The reindex runs in a child process (tests/crash_child.py) that really dies: no `finally`, no
`with` exit, no Python clean-up runs, the OS releases its lock. The index always starts as
corpus A and the child reindexes it to corpus B (tests/two_corpora.py).
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index import ClaimIndex, IndexMissingError, Remedy, reindex
from index.store import GEN_PREFIX, TMP_PREFIX, read_manifest
from tests.conftest import REPO
from tests.fakes import HashingEmbedder
from tests.two_corpora import Corpora, served

# Stages of one reindex in the order they happen (reindex.py, store.write_manifest).
BEFORE_THE_SWAP = [
    "start",
    "dropped",
    "embedded",
    "database-written",  # the new SQLite file is complete, the vectors not yet written
    "written",  # both files written, not yet fsynced nor moved into place
    "before-swap",  # the new generation folder is in place, the manifest still names the old
    "manifest-written",  # the new manifest is complete in its temporary file
]
AFTER_THE_SWAP = ["manifest-replaced", "after-swap"]


def _child(index_dir: Path, *reviews: Path, options: tuple[str, ...] = ()) -> list[str]:
    command = [sys.executable, "-m", "tests.crash_child", str(index_dir), *map(str, reviews)]
    return command + list(options)


def _killed_at(stage: str, index_dir: Path, *reviews: Path) -> subprocess.CompletedProcess[str]:
    """A child reindexing `index_dir` from `reviews`, killed by SIGKILL at `stage`."""
    done = subprocess.run(
        _child(index_dir, *reviews, options=("--kill-at", stage)),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    return done


def _assert_recovers_to_b(index_dir: Path, corpora: Corpora, generation_before: str) -> None:
    """The next reindex runs (the dead child's lock is gone), removes every leftover and
    serves B; only the new generation and the one it replaced remain."""
    reindex(corpora.b, index_dir, HashingEmbedder())
    current = read_manifest(index_dir).generation
    entries = {p.name for p in index_dir.iterdir()}
    assert not [n for n in entries if n.startswith(TMP_PREFIX)]
    assert {n for n in entries if n.startswith(GEN_PREFIX)} <= {current, generation_before}
    assert served(index_dir) == corpora.print_b


@pytest.mark.parametrize("stage", BEFORE_THE_SWAP + AFTER_THE_SWAP)
def test_a_reindex_killed_at_a_stage_serves_the_old_index_before_the_swap_and_the_new_after(
    stage: str, corpora: Corpora, index_at_a: Path
) -> None:
    generation_before = read_manifest(index_at_a).generation
    done = _killed_at(stage, index_at_a, corpora.b)
    assert done.stdout.splitlines()[-1] == f"stage {stage}"

    expected = corpora.print_a if stage in BEFORE_THE_SWAP else corpora.print_b
    assert served(index_at_a) == expected
    if stage in BEFORE_THE_SWAP[1:]:
        debris = {p.name for p in index_at_a.iterdir()} - {
            "manifest.json",
            ".reindex.lock",
            generation_before,
        }
        assert debris, "the crash should have left a half-built generation behind"
    _assert_recovers_to_b(index_at_a, corpora, generation_before)


@pytest.mark.parametrize("stage", ["start", "embedded", "before-swap"])
def test_a_full_rebuild_killed_before_its_swap_serves_the_old_index(
    stage: str, corpora: Corpora, index_dir: Path
) -> None:
    # Built with the older one-vector layout, which readers serve and a reindex with the
    # current layout rebuilds in full.
    reindex(corpora.a, index_dir, HashingEmbedder(), layout="single-v1")
    before = served(index_dir)
    _killed_at(stage, index_dir, corpora.b)
    assert served(index_dir) == before


def test_reindexes_killed_at_random_moments_always_leave_exactly_a_or_b(
    corpora: Corpora, index_at_a: Path
) -> None:
    delays = random.Random(5)
    landed: list[str] = []
    for _ in range(8):
        # Back-to-back reindexes B, A, B, ... so a kill lands at an arbitrary point of one.
        child = subprocess.Popen(
            _child(index_at_a, corpora.b, corpora.a, options=("--forever",)),
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        time.sleep(delays.uniform(0.0, 0.25))
        child.kill()
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err
        landed.append(out.splitlines()[-1] if out else "ready")
        now = served(index_at_a)
        assert now in (corpora.print_a, corpora.print_b), f"a mix after kills at {landed}"
    _assert_recovers_to_b(index_at_a, corpora, read_manifest(index_at_a).generation)


def test_a_first_reindex_killed_before_its_swap_leaves_no_index_rather_than_a_broken_one(
    corpora: Corpora, index_dir: Path
) -> None:
    _killed_at("manifest-written", index_dir, corpora.b)
    with pytest.raises(IndexMissingError, match="no index in") as refused:
        ClaimIndex.open(index_dir, HashingEmbedder())
    assert refused.value.remedy is Remedy.REINDEX
    _assert_recovers_to_b(index_dir, corpora, generation_before="")
