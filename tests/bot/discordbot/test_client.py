"""The bot's reindex thread priority helper."""

from __future__ import annotations

import os
import threading

import pytest

from bot.discordbot.client import lower_thread_priority

pytestmark = pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no Unix priorities")


def _niceness_after(niceness: int) -> tuple[int, int]:
    """(nice before, nice after) `lower_thread_priority(niceness)` in a fresh thread."""
    seen: list[int] = []

    def run() -> None:
        tid = threading.get_native_id()
        seen.append(os.getpriority(os.PRIO_PROCESS, tid))
        lower_thread_priority(niceness)
        seen.append(os.getpriority(os.PRIO_PROCESS, tid))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return seen[0], seen[1]


def test_the_thread_is_lowered_by_the_niceness() -> None:
    before, after = _niceness_after(5)
    assert after == min(before + 5, 19)


def test_the_niceness_stops_at_the_lowest_priority() -> None:
    assert _niceness_after(19)[1] == 19


def test_the_other_threads_keep_their_priority() -> None:
    tid = threading.get_native_id()
    before = os.getpriority(os.PRIO_PROCESS, tid)
    _niceness_after(10)
    assert os.getpriority(os.PRIO_PROCESS, tid) == before


def test_zero_leaves_the_thread_as_it_was() -> None:
    before, after = _niceness_after(0)
    assert after == before
