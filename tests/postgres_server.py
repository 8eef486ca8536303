"""A throwaway PostgreSQL cluster for the tests: Debian's PostgreSQL 15, initialised in a
temporary folder, listening on a free loopback port with trust authentication, removed after.

The server refuses to run as root, so as root it runs as the `postgres` user (`runuser`).
A server that cannot start fails the test with its log: the PostgreSQL tests are never skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

PG_BIN = Path(os.environ.get("CLAIMBOT_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS = "postgres"
SPEED_OVER_SAFETY = "-c fsync=off -c full_page_writes=off"
"""No flushing to disk in a cluster removed after the tests; what is committed still survives an
immediate stop (it is in the write-ahead log, in the page cache), as after a real crash."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A new cluster, started, and removed after."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


class PostgresServer:
    """One cluster: `start`, `stop` (as a crash or an outage would), `new_database`, `remove`."""

    def __init__(self) -> None:
        as_root = os.geteuid() == 0
        # As root, under /tmp whatever TMPDIR says: the `postgres` user must be able to reach
        # the folder, and the socket's path must stay under the kernel's 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="claimbot-pg-", dir="/tmp" if as_root else None))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._as_user: list[str] = []
        if as_root:
            try:
                account = pwd.getpwnam(RUN_AS)
            except KeyError:
                pytest.fail(
                    f"the test PostgreSQL server runs as the `{RUN_AS}` user, and this machine "
                    "has none (install Debian's postgresql package)",
                    pytrace=False,
                )
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", RUN_AS, "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://postgres{secret}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 {SPEED_OVER_SAFETY}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stops at once, dropping every connection (`-m immediate`, like a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [*self._as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
        )
        return status.returncode == 0

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_user, str(PG_BIN / program), *args]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            output = getattr(exc, "stderr", "") or ""
            server_log = self.log.read_text(errors="replace") if self.log.exists() else ""
            pytest.fail(
                f"the test PostgreSQL server failed ({' '.join(command)}): {exc}\n"
                f"{output}\n{server_log[-2000:]}",
                pytrace=False,
            )
