"""Question latency, one process per contender, driven in lock step.

A user's own script runs PyTorch alone, and claimbot runs its backend alone (its ONNX path never
imports torch). In one shared process each library's idle thread pools take cores from the
other (PyTorch's OpenMP workers spin for a while after every call), and the figures say more
about the mix than about either. So each contender runs in its own process, and the parent
hands every question to each of them in turn, rotating who goes first and pausing `settle`
seconds between calls so the previous contender's threads are idle again: the same questions,
at the same moments, on the same machine. Each child times only its own work.

    python -m benchmarks.contenders ROLE INDEX_DIR   # a child: ROLE is "floor" or a backend
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from benchmarks import corpora

FLOOR = "floor"
REPO = Path(__file__).resolve().parent.parent


def floor_model() -> Any:
    """What a user's own script would load: the packaged model, PyTorch, defaults."""
    from sentence_transformers import SentenceTransformer

    from index.embed import resolve_model

    return SentenceTransformer(resolve_model(None)[1], device="cpu")


def _work(role: str, index_dir: Path) -> Callable[[str], object]:
    if role == FLOOR:
        model = floor_model()
        return cast(Callable[[str], object], model.encode)
    from index import ClaimIndex, SentenceTransformerEmbedder
    from index.embed import Backend

    embedder = SentenceTransformerEmbedder(
        backend=cast(Backend, role), cache_dir=corpora.MODEL_CACHE
    )
    return ClaimIndex.open(index_dir, embedder).ask


def child(role: str, index_dir: Path) -> None:
    """Answer questions read from stdin, one JSON string a line, with the seconds each took."""
    work = _work(role, index_dir)
    work("warm up the model and the index")
    print("ready", flush=True)
    for line in sys.stdin:
        question = json.loads(line)
        started = time.perf_counter()
        work(question)
        print(time.perf_counter() - started, flush=True)


class Contender:
    """A child process; `time(question)` asks it one question and returns its seconds."""

    def __init__(self, role: str, index_dir: Path) -> None:
        self.role = role
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.contenders", role, str(index_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=env,
        )  # fmt: skip
        if self._read() != "ready":
            raise RuntimeError(f"contender {role} did not start")

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"contender {self.role} exited ({self.process.wait()})")
        return line.strip()

    def time(self, question: str) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(question) + "\n")
        self.process.stdin.flush()
        return float(self._read())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def lockstep(
    roles: Sequence[str],
    index_dir: Path,
    questions: Sequence[str],
    settle: float,
    block: int = 1,
    warm: int = 5,
) -> dict[str, list[float]]:
    """Seconds per question for each role, every question asked of all roles in turn.

    With `block` > 1, each role answers that many questions in a row before the next role
    starts: a script's pace, its model and index warm in the caches; with 1, every call
    follows the other contenders' calls: a bot's pace, where caches have gone cold."""
    contenders = [Contender(role, index_dir) for role in roles]
    try:
        for question in questions[:warm]:  # first-call costs, lazy imports
            for contender in contenders:
                contender.time(question)
        times: dict[str, list[float]] = {role: [] for role in roles}
        for n, start in enumerate(range(0, len(questions), block)):
            turn = n % len(contenders)
            for contender in contenders[turn:] + contenders[:turn]:
                for question in questions[start : start + block]:
                    time.sleep(settle)
                    times[contender.role].append(contender.time(question))
        return times
    finally:
        for contender in contenders:
            contender.close()


if __name__ == "__main__":
    child(sys.argv[1], Path(sys.argv[2]))
