"""The feedback store's PostgreSQL back end: one database shared by the bot's processes on
several machines.

Connections come from a pool, which replaces broken ones, so a database that went away and
came back is used again without a restart. A statement that fails because its connection was
lost is tried once more on a fresh one; if that fails too the caller gets a `FeedbackError`.
An outage is logged once as a warning when it starts and once when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from index.feedback import (
    AskedQuestion,
    FeedbackError,
    GapRow,
    QuestionRow,
    VoteRow,
    new_salt,
)
from index.postgres_url import (
    ADVISORY_CLASS,
    CONNECT_TIMEOUT,
    MIGRATION_LOCK,
    masked_url,
    one_line,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

POOL_SIZE = 4
RECONNECT_GIVE_UP = 10.0
"""Seconds the pool retries a connection in the background, its delays doubling, before it
waits for the next request to try again: a server back after a long outage is used at once
instead of after the last, long, delay."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: questions, votes and the salt
        """CREATE TABLE questions (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            asked_at DOUBLE PRECISION NOT NULL,  -- seconds since the epoch
            question TEXT NOT NULL,
            norm TEXT NOT NULL,
            answered BOOLEAN NOT NULL,
            best_card_id TEXT,
            guild_id BIGINT
        )""",
        "CREATE INDEX questions_by_norm ON questions (norm)",
        """CREATE TABLE votes (
            voted_at DOUBLE PRECISION NOT NULL,
            question TEXT NOT NULL,
            norm TEXT NOT NULL,
            card_id TEXT NOT NULL,
            vote SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
            guild_id BIGINT,
            user_hash TEXT NOT NULL,
            -- a DM's vote (no guild) is replaced by the same member's next one too
            UNIQUE NULLS NOT DISTINCT (norm, card_id, guild_id, user_hash)
        )""",
        "CREATE INDEX votes_by_norm ON votes (norm)",
    ),
)
"""Migration n (1-based) brings the schema from version n-1 to n, recorded in `meta` as
`schema_version`. Only ever append."""
SCHEMA_VERSION = len(MIGRATIONS)

_GAPS = """
WITH signals AS (
    SELECT norm, question, asked_at AS at, (NOT answered)::int AS unanswered,
           0 AS down, 0 AS up, guild_id FROM questions
    UNION ALL
    SELECT norm, question, voted_at, 0, (vote < 0)::int, (vote > 0)::int, guild_id FROM votes
), grouped AS (
    SELECT (array_agg(question ORDER BY at DESC))[1] AS question, SUM(unanswered) AS unanswered,
           SUM(down) AS down, SUM(up) AS up, MAX(at) AS last
    FROM signals WHERE %(guild)s::bigint IS NULL OR guild_id = %(guild)s GROUP BY norm
)
SELECT question, unanswered, down, up, last FROM grouped
WHERE unanswered + GREATEST(0, down - up) > 0
ORDER BY unanswered + GREATEST(0, down - up) DESC, last DESC
LIMIT %(limit)s
"""


class PostgresFeedback:
    """Questions and votes in a PostgreSQL database, through a pool of connections."""

    def __init__(self, url: str, read_only: bool = False, timeout: float = 3.0) -> None:
        self.shown = masked_url(url)
        self._url = url  # to mask its password in libpq's messages
        options = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "claimbot feedback"}
        if read_only:  # the server refuses writes, whatever a bug might try
            options["options"] = "-c default_transaction_read_only=on"
        try:
            with psycopg.connect(url, **options) as conn:  # type: ignore[arg-type]
                self._salt = self._read_salt(conn) if read_only else self._migrate(conn)
        except psycopg.Error as exc:
            raise FeedbackError(
                f"cannot reach the feedback database {self.shown}: {one_line(exc, self._url)}"
            ) from None  # libpq's message names no password; the URL object holds it
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs=options,
            timeout=timeout,
            reconnect_timeout=RECONNECT_GIVE_UP,
            check=ConnectionPool.check_connection,  # a connection lost meanwhile is replaced
            name="claimbot-feedback",
            open=False,
        )
        self._pool.open(wait=False)
        self._down = False  # in an outage already warned about

    @staticmethod
    def _migrate(conn: psycopg.Connection[Any]) -> str:
        """Bring the schema up to date and store a salt, under an advisory lock so processes
        starting together do it one at a time; returns the salt."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (ADVISORY_CLASS, MIGRATION_LOCK))
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO meta VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(max(version, SCHEMA_VERSION)),),
            )
            conn.execute(
                "INSERT INTO meta VALUES ('salt', %s) ON CONFLICT (key) DO NOTHING", (new_salt(),)
            )
        salt = PostgresFeedback._read_salt(conn)
        assert salt is not None  # just stored
        return salt

    @staticmethod
    def _read_salt(conn: psycopg.Connection[Any]) -> str | None:
        row = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return None  # nothing recorded yet (the bot creates the tables)
        found = conn.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        return None if found is None else str(found[0])

    def salt(self) -> str | None:
        return self._salt

    def insert_question(self, row: QuestionRow) -> int:
        def insert(conn: psycopg.Connection[Any]) -> int:
            found = conn.execute(
                "INSERT INTO questions (asked_at, question, norm, answered, best_card_id, "
                "guild_id) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                (
                    row.asked_at,
                    row.question,
                    row.norm,
                    row.answered,
                    row.best_card_id,
                    row.guild_id,
                ),
            ).fetchone()
            assert found is not None
            return int(found[0])

        return self._run(insert, "write to")

    def replace_vote(self, row: VoteRow) -> None:
        def upsert(conn: psycopg.Connection[Any]) -> None:
            conn.execute(
                "INSERT INTO votes (voted_at, question, norm, card_id, vote, guild_id, user_hash) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (norm, card_id, guild_id, user_hash) DO UPDATE SET "
                "voted_at = EXCLUDED.voted_at, question = EXCLUDED.question, vote = EXCLUDED.vote",
                (
                    row.voted_at,
                    row.question,
                    row.norm,
                    row.card_id,
                    row.vote,
                    row.guild_id,
                    row.user_hash,
                ),
            )

        self._run(upsert, "write to")

    def question(self, question_id: int) -> AskedQuestion | None:
        def select(conn: psycopg.Connection[Any]) -> AskedQuestion | None:
            found = conn.execute(
                "SELECT id, question, answered, best_card_id, guild_id FROM questions "
                "WHERE id = %s",
                (question_id,),
            ).fetchone()
            if found is None:
                return None
            qid, text, answered, card, guild = found
            return AskedQuestion(int(qid), str(text), bool(answered), card, guild)

        return self._run(select, "read")

    def gap_rows(self, limit: int, guild_id: int | None) -> list[GapRow]:
        def select(conn: psycopg.Connection[Any]) -> list[GapRow]:
            rows = conn.execute(_GAPS, {"guild": guild_id, "limit": limit}).fetchall()
            return [(str(q), int(u), int(d), int(up), float(at)) for q, u, d, up, at in rows]

        return self._run(select, "read")

    def close(self) -> None:
        self._pool.close()

    def _run(self, work: Callable[[psycopg.Connection[Any]], T], doing: str) -> T:
        """`work` in a transaction on a pooled connection; tried once more on a fresh one when
        the connection was lost (the server restarted, say)."""
        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    done = work(conn)  # the pool commits, or rolls back on an exception
            except PoolTimeout as exc:  # no connection to be had: no point waiting twice
                raise self._unreachable(doing, exc) from exc
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise self._unreachable(doing, exc) from exc
                log.info(
                    "feedback database connection lost (%s); trying again", one_line(exc, self._url)
                )
            except psycopg.Error as exc:
                raise FeedbackError(
                    f"cannot {doing} the feedback database {self.shown}: {one_line(exc, self._url)}"
                ) from exc
            else:
                if self._down:
                    self._down = False
                    log.warning("the feedback database %s is back", self.shown)
                return done
        raise AssertionError("unreachable")

    def _unreachable(self, doing: str, exc: Exception) -> FeedbackError:
        if not self._down:
            self._down = True
            log.warning(
                "the feedback database %s cannot be reached (%s); questions and votes are not "
                "recorded until it is back",
                self.shown,
                one_line(exc, self._url),
            )
        return FeedbackError(
            f"cannot {doing} the feedback database {self.shown}: {one_line(exc, self._url)}"
        )
