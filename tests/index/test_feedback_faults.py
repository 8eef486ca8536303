"""The PostgreSQL feedback store through outages: unreachable at start-up it says so in one
line (password masked); lost while running, every record fails as a `FeedbackError` (which
front ends drop with a warning) and the outage is logged once; back up, records resume without
a restart; a connection lost under it is replaced and the record retried."""

from __future__ import annotations

import logging
import time

import psycopg
import pytest

from index import FeedbackError, FeedbackStore
from tests.postgres_server import PostgresServer

STORE_LOG = "index.feedback_postgres"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == STORE_LOG and r.levelno >= 30]


def test_an_unreachable_database_at_start_up_is_one_line_without_the_password() -> None:
    url = "postgresql://claimbot:hunter2@127.0.0.1:1/claimbot"  # nothing listens on port 1
    with pytest.raises(FeedbackError) as error:
        FeedbackStore(url)
    message = str(error.value)
    assert message.startswith(
        "cannot reach the feedback database postgresql://claimbot:***@127.0.0.1:1/claimbot: "
    )
    assert "hunter2" not in message and "\n" not in message


def test_a_password_given_as_a_parameter_is_masked_too() -> None:
    url = "postgresql://127.0.0.1:1/claimbot?user=claimbot&password=hunter2"
    with pytest.raises(FeedbackError) as error:
        FeedbackStore(url)
    assert "hunter2" not in str(error.value) and "password=***" in str(error.value)


def test_records_fail_as_feedback_errors_while_the_database_is_down_with_one_warning(
    lone_postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    with FeedbackStore(lone_postgres_server.new_database()) as store:
        question = store.record_question("Are seed oils bad?", True, "card", 1)
        lone_postgres_server.stop()
        with caplog.at_level(logging.WARNING, logger=STORE_LOG):
            with pytest.raises(FeedbackError, match="cannot write to the feedback database"):
                store.record_question("Is fasting better?", False, None, 1)
            with pytest.raises(FeedbackError, match="cannot read the feedback database"):
                store.asked(question)
    [warning] = _warnings(caplog)
    assert "cannot be reached" in warning


def test_records_resume_without_a_restart_once_the_database_is_back(
    lone_postgres_server: PostgresServer,
) -> None:
    with FeedbackStore(lone_postgres_server.new_database()) as store:
        store.record_question("Before the outage?", False, None, 1)
        lone_postgres_server.stop()
        with pytest.raises(FeedbackError):
            store.record_question("During the outage?", False, None, 1)
        lone_postgres_server.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                store.record_question("After the outage?", False, None, 1)
                break
            except FeedbackError:
                assert time.monotonic() < deadline, "the store never reconnected"
                time.sleep(0.2)
        assert {g.question for g in store.gaps()} == {"Before the outage?", "After the outage?"}


def test_a_connection_lost_under_the_store_is_replaced_without_an_error(
    postgres_url: str,
) -> None:
    with FeedbackStore(postgres_url) as store:
        store.record_question("Before?", False, None, 1)
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert killed is not None and killed[0] >= 1
        store.record_question("After?", False, None, 1)
        assert {g.question for g in store.gaps()} == {"Before?", "After?"}
