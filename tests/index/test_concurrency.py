"""Reindexes and questions at the same time: readers only ever get an answer that one whole
corpus gives, and two reindexes of one folder never run at once (the second is refused with a
message naming who holds the lock), so neither damages the index."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from index import ClaimIndex, LiveIndex, ReindexBusyError, generation, reindex, store
from index.store import TMP_PREFIX
from tests.conftest import REPO
from tests.crash_child import BUSY_EXIT
from tests.fakes import HashingEmbedder
from tests.two_corpora import (
    QUESTIONS,
    Corpora,
    answer_print,
    fingerprint,
    served,
)


def test_questions_during_back_to_back_reindexes_get_only_whole_corpus_answers(
    corpora: Corpora, index_at_a: Path
) -> None:
    live = LiveIndex(index_at_a, HashingEmbedder())
    writing = threading.Event()
    writing.set()
    failures: list[BaseException] = []
    versions_seen: set[int] = set()
    answered = 0
    count_lock = threading.Lock()

    def write() -> None:
        try:
            for round_ in range(20):
                reindex(corpora.b if round_ % 2 == 0 else corpora.a, index_at_a, HashingEmbedder())
        except BaseException as exc:
            failures.append(exc)
        finally:
            writing.clear()

    def ask(offset: int) -> None:
        nonlocal answered
        n = offset
        try:
            while writing.is_set():
                live.refresh()
                index = live.current  # one generation for the whole question
                q = n % len(QUESTIONS)
                got = answer_print(index, QUESTIONS[q])
                assert got == corpora.of(index).answers[q], f"version {index.version}: {got}"
                with count_lock:
                    versions_seen.add(index.version)
                    answered += 1
                n += 1
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write)]
    threads += [threading.Thread(target=ask, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    # The readers really did straddle swaps: they were served several generations.
    assert len(versions_seen) >= 3 and answered > 20
    assert served(index_at_a) == corpora.print_a  # 20 rounds end on A


def test_a_reader_whose_generation_was_removed_meanwhile_opens_the_newer_one(
    corpora: Corpora, index_at_a: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interleaving the threaded test can only hit by luck: a reader reads the manifest,
    then two reindexes complete (the second removes the generation it read) before it opens
    the files."""
    stale = store.read_manifest(index_at_a)
    reindex(corpora.b, index_at_a, HashingEmbedder())
    reindex(corpora.a, index_at_a, HashingEmbedder())
    assert not (index_at_a / stale.generation).exists()
    reads = iter([stale])
    monkeypatch.setattr(
        generation, "read_manifest", lambda d: next(reads, None) or store.read_manifest(d)
    )

    index = ClaimIndex.open(index_at_a, HashingEmbedder())
    assert index.version == stale.version + 2
    assert fingerprint(index) == corpora.print_a


def _child(index_dir: Path, reviews: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "tests.crash_child", str(index_dir), str(reviews), *options]


def test_a_second_reindex_from_another_process_is_refused_while_the_first_runs(
    corpora: Corpora, index_at_a: Path
) -> None:
    first = subprocess.Popen(
        _child(index_at_a, corpora.b, "--hold-at", "embedded"),
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdin is not None and first.stdout is not None
        while (line := first.stdout.readline()) != "holding\n":
            assert line, "the first reindex ended before holding the lock"

        second = subprocess.run(
            _child(index_at_a, corpora.a), cwd=REPO, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == BUSY_EXIT, second.stderr
        message = second.stdout.splitlines()[-1]
        assert message == (
            f"busy: a reindex of {index_at_a} is already running (pid {first.pid}); "
            "try again when it ends"
        )
        with pytest.raises(ReindexBusyError):  # in this process too
            reindex(corpora.a, index_at_a, HashingEmbedder())
        assert served(index_at_a) == corpora.print_a  # still the old index meanwhile

        first.stdin.write("\n")
        first.stdin.flush()
        assert first.wait(timeout=60) == 0
    finally:
        first.kill()
        first.communicate()
    assert served(index_at_a) == corpora.print_b
    assert not [p for p in index_at_a.iterdir() if p.name.startswith(TMP_PREFIX)]
    # Once the first is done the lock is free again.
    again = subprocess.run(_child(index_at_a, corpora.a), cwd=REPO, capture_output=True, timeout=60)
    assert again.returncode == 0
    assert served(index_at_a) == corpora.print_a


def test_two_reindexes_started_together_leave_one_whole_corpus(
    corpora: Corpora, index_at_a: Path
) -> None:
    racers = [
        subprocess.Popen(_child(index_at_a, reviews), cwd=REPO, stdout=subprocess.PIPE, text=True)
        for reviews in (corpora.b, corpora.a)
    ]
    outcomes = sorted(racer.wait(timeout=60) for racer in racers)
    for racer in racers:
        racer.communicate()
    # Both ran one after the other, or one was refused; never both at once, never neither.
    assert outcomes in ([0, 0], [0, BUSY_EXIT])
    assert served(index_at_a) in (corpora.print_a, corpora.print_b)
