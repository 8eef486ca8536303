"""The reindex lock across machines: with PostgreSQL configured, reindexes of one shared index
exclude each other wherever they run (whatever path each machine mounts the volume at), are
refused with the flock's message, a holder killed by SIGKILL frees the lock at once, and a
reindex that lost its lock does not publish."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from index import PostgresReindexLock, ReindexBusyError, ReindexLockError, reindex
from tests.conftest import REPO
from tests.crash_child import BUSY_EXIT
from tests.fakes import HashingEmbedder
from tests.postgres_server import PostgresServer
from tests.two_corpora import Corpora


def test_a_reindex_is_refused_while_another_machine_holds_the_lock(
    corpora: Corpora, tmp_path: Path, postgres_url: str
) -> None:
    elsewhere = tmp_path / "machine-a" / "index"  # the same volume, mounted elsewhere
    here = tmp_path / "machine-b" / "index"
    lock = PostgresReindexLock(postgres_url)
    with PostgresReindexLock(postgres_url).hold(elsewhere), pytest.raises(ReindexBusyError) as busy:
        reindex(corpora.a, here, HashingEmbedder(), lock=lock)
    holder = f"pid {os.getpid()} on {socket.gethostname()}"
    assert str(busy.value) == (
        f"a reindex of {here} is already running ({holder}); try again when it ends"
    )
    assert not (here / "manifest.json").exists()


def test_the_lock_is_free_again_once_its_reindex_ends(
    corpora: Corpora, index_dir: Path, postgres_url: str
) -> None:
    lock = PostgresReindexLock(postgres_url)
    first = reindex(corpora.a, index_dir, HashingEmbedder(), lock=lock)
    second = reindex(corpora.b, index_dir, HashingEmbedder(), lock=lock)
    assert second.version == first.version + 1


def test_a_holder_killed_by_sigkill_frees_the_lock_for_the_next_reindex(
    corpora: Corpora, tmp_path: Path, postgres_url: str
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.crash_child",
            str(tmp_path / "machine-a"),
            str(corpora.a),
            "--hold-at",
            "embedded",
            "--database-url",
            postgres_url,
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        while (line := holder.stdout.readline()) != "holding\n":
            assert line, "the reindex ended before holding the lock"
        lock = PostgresReindexLock(postgres_url)
        with pytest.raises(ReindexBusyError, match=f"pid {holder.pid} on "):
            reindex(corpora.b, tmp_path / "machine-b", HashingEmbedder(), lock=lock)
    finally:
        holder.kill()
        holder.communicate()
    assert holder.returncode == -9
    deadline = time.monotonic() + 10  # the server ends the dead session as it notices
    while True:
        try:
            summary = reindex(corpora.b, tmp_path / "machine-b", HashingEmbedder(), lock=lock)
            break
        except ReindexBusyError:
            assert time.monotonic() < deadline, "the dead holder's lock was never released"
            time.sleep(0.05)
    assert summary.version == 1


def test_a_reindex_whose_lock_was_lost_meanwhile_does_not_publish(
    corpora: Corpora, index_dir: Path, postgres_url: str
) -> None:
    def lose_the_lock(stage: str) -> None:
        if stage == "embedded":  # as a database restart or a network cut would
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE 'claimbot%'"
                )

    lock = PostgresReindexLock(postgres_url)
    with pytest.raises(ReindexLockError, match="was lost"):
        reindex(corpora.a, index_dir, HashingEmbedder(), checkpoint=lose_the_lock, lock=lock)
    assert not (index_dir / "manifest.json").exists()
    assert reindex(corpora.a, index_dir, HashingEmbedder(), lock=lock).version == 1


def test_a_reindex_refused_by_the_postgresql_lock_exits_busy(
    corpora: Corpora, tmp_path: Path, postgres_url: str
) -> None:
    with PostgresReindexLock(postgres_url).hold(tmp_path / "machine-a"):
        refused = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.crash_child",
                str(tmp_path / "machine-b"),
                str(corpora.a),
                "--database-url",
                postgres_url,
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert refused.returncode == BUSY_EXIT, refused.stderr
    assert "is already running" in refused.stdout


def test_an_unreachable_lock_server_is_one_line_naming_it_without_the_password(
    postgres_server: PostgresServer, index_dir: Path, corpora: Corpora
) -> None:
    url = postgres_server.url("postgres", password="hunter2").replace(
        f":{postgres_server.port}/",
        ":1/",  # nothing listens on port 1
    )
    with pytest.raises(ReindexLockError) as error:
        reindex(corpora.a, index_dir, HashingEmbedder(), lock=PostgresReindexLock(url))
    message = str(error.value)
    assert "postgresql://postgres:***@127.0.0.1:1/postgres" in message
    assert "hunter2" not in message and "\n" not in message
