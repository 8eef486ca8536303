"""A benchmark's last results as JSON under `benchmarks/results/`, so docs/performance.md can cite
a file with its commit, machine and date, and git keeps the history of every figure.

Each script's `main` runs its measurements inside `recorded(NAME)`: what it prints still goes to
the terminal unchanged, and when the run ends without an error it is also written, with its
Markdown tables parsed into rows, to `results/NAME.json` (overwritten by the next run).
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

RESULTS = Path(__file__).resolve().parent / "results"
REPO = RESULTS.parent.parent
PACKAGES = ("torch", "onnxruntime", "faiss-cpu", "sentence-transformers", "numpy")
"""Libraries whose version moves the figures."""


@contextmanager
def recorded(name: str, argv: Sequence[str] | None = None) -> Iterator[None]:
    """Copies what the block prints into `results/<name>.json` if the block ends well.

    The command that reproduces them is recorded as typed, or as `python -m benchmarks.<name>`
    with `argv` when a caller passed the arguments."""
    typed = sys.orig_argv if argv is None else [sys.executable, "-m", f"benchmarks.{name}", *argv]
    started, clock, load = datetime.now(UTC), time.perf_counter(), _load()
    commit = _commit()
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    try:
        yield
    finally:
        sys.stdout = tee.terminal
    output = tee.text()
    record = {
        "benchmark": name,
        "command": shlex.join(typed),
        **commit,
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 1),
        "machine": {**machine(), "load_average": {"start": load, "end": _load()}},
        "tables": tables(output),
        "output": output,
    }
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
    (RESULTS / f"{name}.json").write_text(text, encoding="utf-8")


def machine() -> dict[str, Any]:
    """What the figures depend on besides the code: CPU, cores, memory, libraries."""
    from index import has_fast_bf16

    cpu = ""
    with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "bfloat16_units": has_fast_bf16(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in PACKAGES},
    }


def tables(output: str) -> list[dict[str, Any]]:
    """The Markdown tables in `output`, each with the heading above it, its columns and rows."""
    found: list[dict[str, Any]] = []
    heading = ""
    lines = output.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("|") and i + 1 < len(lines) and set(lines[i + 1].strip()) <= set("|-: "):
            columns = _cells(line)
            rows: list[list[str]] = []
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_cells(lines[i].strip()))
                i += 1
            found.append({"section": heading, "columns": columns, "rows": rows})
            continue
        i += 1
    return found


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _commit() -> dict[str, Any]:
    """The commit measured, and whether the working tree had changes beyond it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git(
        "status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks/results"
    )
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_changes": bool(changed)}


def _load() -> list[float]:
    """Other work on the machine, which inflates every time (ratios less so)."""
    return [round(x, 2) for x in os.getloadavg()]


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


class _Tee:
    """Writes to the terminal and keeps a copy."""

    def __init__(self, terminal: TextIO) -> None:
        self.terminal = terminal
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return self.terminal.write(text)

    def flush(self) -> None:
        self.terminal.flush()

    def text(self) -> str:
        return "".join(self._parts)

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno, ...
        return getattr(self.terminal, name)
