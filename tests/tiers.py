"""Which tests need the real model or start processes, and guards that keep the fast tier without.

`make test-fast` runs `pytest -m "not model and not subprocess and not postgres"`. The markers
are put by `tests/conftest.py` from what a test refers to, through its fixtures and the helpers
of this package it calls, so a new test is sorted without anyone remembering to mark it. The guards
(`--forbid-real-model`, `--forbid-subprocess`) make the fast tier fail loudly on a test the
sorting missed, instead of letting it quietly slow the inner loop down.
"""

from __future__ import annotations

import importlib.abc
import inspect
import multiprocessing
import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

MODEL = "model"
SUBPROCESS = "subprocess"
POSTGRES = "postgres"

POSTGRES_FIXTURES = frozenset({"postgres_server", "lone_postgres_server"})
"""Fixtures that start the throwaway PostgreSQL server (tests/postgres_server.py); a test using
one, or marked `postgres` itself (a parametrised back end, say), is `postgres` and, the server
being a child process, `subprocess` too."""

MODEL_FIXTURES = frozenset({"real_embedder"})
"""Fixtures that load the real model; a test using one (directly or through another) is `model`."""

MODEL_LIBRARIES = frozenset(
    {"torch", "sentence_transformers", "onnxruntime", "optimum", "transformers"}
)
"""What runs the real model: a test that imports one of these, or that constructs the real
embedder (`SentenceTransformerEmbedder`), is `model` too."""

REAL_EMBEDDER = "SentenceTransformerEmbedder"

PROCESS_CALLS = frozenset({"Popen", "create_subprocess_exec", "create_subprocess_shell", "fork"})
"""Attribute names whose call starts a process (`subprocess.Popen`, `asyncio.create_subprocess_*`,
`os.fork`); `sys.executable` counts too, as the first word of a child's command line."""

PROCESS_MODULES = (subprocess, multiprocessing)

CLAIMBOT_SCRIPT = Path(sys.executable).with_name("claimbot")


def tiers_of(item: pytest.Item) -> set[str]:
    """The markers `item` earns: any of `model`, `subprocess` and `postgres`."""
    found: set[str] = set()
    if not isinstance(item, pytest.Function):  # a doctest, say
        return found
    if POSTGRES_FIXTURES & set(item.fixturenames) or item.get_closest_marker(POSTGRES):
        found |= {POSTGRES, SUBPROCESS}
    if MODEL_FIXTURES & set(item.fixturenames):
        found.add(MODEL)
    functions: list[Callable[..., Any]] = [item.obj]
    for name in item.fixturenames:
        for definition in item._fixtureinfo.name2fixturedefs.get(name, ()):
            functions.append(definition.func)
    for function in functions:
        for name, value in _references(function):
            if _runs_the_model(name, value):
                found.add(MODEL)
            if _starts_a_process(name, value):
                found.add(SUBPROCESS)
    return found


def _runs_the_model(name: str, value: object) -> bool:
    if name == REAL_EMBEDDER:
        return True
    if isinstance(value, types.ModuleType):
        return value.__name__.split(".")[0] in MODEL_LIBRARIES
    return value is None and name in MODEL_LIBRARIES  # imported inside the function


def _starts_a_process(name: str, value: object) -> bool:
    if name in PROCESS_CALLS or name == "executable":  # os.fork, sys.executable, ...
        return True
    if any(value is module for module in PROCESS_MODULES):
        return True
    if isinstance(value, Path | str):
        return str(value) == str(CLAIMBOT_SCRIPT)
    if isinstance(value, tuple | list) and value:  # a child's command line
        return str(value[0]) in (sys.executable, str(CLAIMBOT_SCRIPT))
    return False


def _references(function: Callable[..., Any]) -> Iterator[tuple[str, object]]:
    """Every name `function` refers to with the value it has in the function's module (None
    when it is only an attribute or a local import) and its default arguments (named ""),
    following the functions and classes of the tests package it calls."""
    seen: set[int] = set()
    pending: list[Callable[..., Any] | type] = [function]
    while pending:
        current = inspect.unwrap(pending.pop())
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, type):
            pending.extend(v for v in vars(current).values() if inspect.isfunction(v))
            continue
        code = getattr(current, "__code__", None)
        if code is None:
            continue
        namespace = getattr(current, "__globals__", {})
        found = [(name, namespace.get(name)) for name in _names(code)]
        defaults = [*(current.__defaults__ or ()), *(current.__kwdefaults__ or {}).values()]
        found += [("", value) for value in defaults]  # a default child command, say
        for name, value in found:
            yield name, value
            if _in_tests(value):
                pending.append(value)  # type: ignore[arg-type]


def _names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):  # nested functions, lambdas, comprehensions
            yield from _names(constant)


def _in_tests(value: object) -> bool:
    if not (inspect.isfunction(value) or inspect.isclass(value)):
        return False
    return getattr(value, "__module__", "").split(".")[0] == "tests"


# -- the guards ---------------------------------------------------------------------------------


class _Refused(importlib.abc.MetaPathFinder):
    """Refuses to import the libraries that run the real model."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> None:
        if fullname.split(".")[0] in MODEL_LIBRARIES:
            raise ImportError(
                f"{fullname} refused: the real model is off in this run (--forbid-real-model); "
                f"a test that needs it must be marked `{MODEL}`"
            )


def forbid_real_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the real model raises: its libraries cannot be imported."""
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in MODEL_LIBRARIES)
    if loaded:  # too late to refuse them; nothing of the tests should have imported them yet
        raise pytest.UsageError(f"--forbid-real-model: already imported: {', '.join(loaded)}")
    monkeypatch.setattr(sys, "meta_path", [_Refused(), *sys.meta_path])


def forbid_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting a process raises, whichever way it is started."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError(
            f"a process was started in a run without them (--forbid-subprocess); "
            f"a test that starts one must be marked `{SUBPROCESS}`"
        )

    import _posixsubprocess  # what multiprocessing's spawn calls

    monkeypatch.setattr(_posixsubprocess, "fork_exec", refuse)
    monkeypatch.setattr(subprocess, "_fork_exec", refuse)  # its own copy (asyncio's too)
    for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
