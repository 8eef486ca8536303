"""Which lock keeps reindexes of one index from overlapping: the index folder's `flock` (one
machine), or a PostgreSQL advisory lock (several machines sharing the index volume).

Both are released when their holder dies, even by SIGKILL: the kernel drops the flock, the
server ends the session and its locks with it. Both refuse at once with `ReindexBusyError`.
Holding one gives a `still_held` check, which a reindex calls before it publishes.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from index.errors import ReindexBusyError, ReindexLockError
from index.postgres_url import (
    ADVISORY_CLASS,
    CONNECT_TIMEOUT,
    REINDEX_LOCK,
    masked_url,
    one_line,
)
from index.store import busy_message, reindex_lock

if TYPE_CHECKING:
    import psycopg


StillHeld = Callable[[], None]
"""Raises `ReindexLockError` if the lock was lost while held (its connection dropped)."""


class ReindexLock(Protocol):
    """Held for a whole reindex of `index_dir`; raises `ReindexBusyError` if another holds it."""

    def hold(self, index_dir: Path) -> AbstractContextManager[StillHeld]: ...


def _always_held() -> None:
    """An flock is held until its file is closed: never lost."""


class FileReindexLock:
    """The index folder's own lock file (`flock`): every process of one machine sees it."""

    @contextmanager
    def hold(self, index_dir: Path) -> Iterator[StillHeld]:
        with reindex_lock(index_dir):
            yield _always_held


class PostgresReindexLock:
    """A session advisory lock on the PostgreSQL server at `url`, held on one connection for
    the whole reindex, and the folder's flock inside it for processes configured without it."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def hold(self, index_dir: Path) -> Iterator[StillHeld]:
        import psycopg  # only processes configured for PostgreSQL load it

        holder = f"pid {os.getpid()} on {socket.gethostname()}"
        try:
            conn = psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=f"claimbot reindex, {holder}"[:63],
            )
        except psycopg.Error as exc:
            raise ReindexLockError(
                f"cannot take the reindex lock on {masked_url(self.url)}: {one_line(exc, self.url)}"
            ) from None
        with conn:
            row = conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (ADVISORY_CLASS, REINDEX_LOCK)
            ).fetchone()
            if not row or not row[0]:
                raise ReindexBusyError(busy_message(index_dir, _holder(conn)))

            def still_held() -> None:
                try:
                    conn.execute("SELECT 1")
                except psycopg.Error as exc:
                    raise ReindexLockError(
                        f"the reindex lock on {masked_url(self.url)} was lost "
                        f"({one_line(exc, self.url)}); the index that served before still serves"
                    ) from None

            try:
                with reindex_lock(index_dir):
                    yield still_held
            finally:
                with suppress(psycopg.Error):  # a lost connection released it already
                    conn.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", (ADVISORY_CLASS, REINDEX_LOCK)
                    )


def _holder(conn: psycopg.Connection[Any]) -> str:
    """Who holds the reindex lock, as its connection named itself ("pid 12 on host-a")."""
    row = conn.execute(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
        (ADVISORY_CLASS, REINDEX_LOCK),
    ).fetchone()
    if row is None or not row[0]:
        return "another process"
    return str(row[0]).removeprefix("claimbot reindex, ")
