"""The feedback store's SQLite back end: one file, for one machine (the default).

Several processes of one machine may share the file (WAL: readers never wait for a writer);
several machines must not, which SQLite itself warns against over a network file system
(PostgreSQL is for that: index/feedback_postgres.py).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from index.feedback import (
    AskedQuestion,
    FeedbackError,
    GapRow,
    QuestionRow,
    VoteRow,
    new_salt,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: questions, votes and the salt
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS questions (
            id INTEGER PRIMARY KEY,
            asked_at REAL NOT NULL,         -- seconds since the epoch
            question TEXT NOT NULL,         -- as asked
            norm TEXT NOT NULL,             -- normalize_question(question): the grouping key
            answered INTEGER NOT NULL,      -- 0 = the bot abstained
            best_card_id TEXT,
            guild_id INTEGER                -- NULL outside a guild (DMs, the terminal)
        )""",
        "CREATE INDEX IF NOT EXISTS questions_by_norm ON questions (norm)",
        """CREATE TABLE IF NOT EXISTS votes (
            voted_at REAL NOT NULL,
            question TEXT NOT NULL,
            norm TEXT NOT NULL,
            card_id TEXT NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            guild_id INTEGER,
            user_hash TEXT NOT NULL,        -- hash_user(): never the user id itself
            UNIQUE (norm, card_id, guild_id, user_hash)
        )""",
        "CREATE INDEX IF NOT EXISTS votes_by_norm ON votes (norm)",
    ),
)
"""Migration n (1-based) brings the schema from version n-1 to n; the version is SQLite's
`user_version`. Only ever append."""
SCHEMA_VERSION = len(MIGRATIONS)

_GAPS = """
WITH signals AS (
    SELECT norm, question, asked_at AS at, answered = 0 AS unanswered,
           0 AS down, 0 AS up, guild_id FROM questions
    UNION ALL
    SELECT norm, question, voted_at, 0, vote < 0, vote > 0, guild_id FROM votes
)
SELECT question, unanswered, down, up, last FROM (
    SELECT question, SUM(unanswered) AS unanswered, SUM(down) AS down,
           SUM(up) AS up, MAX(at) AS last
    FROM signals WHERE ?1 IS NULL OR guild_id = ?1 GROUP BY norm
)
WHERE unanswered + MAX(0, down - up) > 0
ORDER BY unanswered + MAX(0, down - up) DESC, last DESC
LIMIT ?2
"""
# SQLite takes the bare `question` column from the row holding MAX(at): the latest wording.


class SqliteFeedback:
    """Questions and votes in one SQLite file, one connection shared under a lock."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            if read_only:
                if path.is_file() and path.stat().st_size > 0:  # else: nothing recorded yet
                    # `mode=ro`: never creates the file, never writes; WAL lets it read beside
                    # a writer's open transaction.
                    uri = f"{path.resolve().as_uri()}?mode=ro"
                    self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(
                    path, check_same_thread=False, timeout=10, isolation_level=None
                )
                self._db.execute("PRAGMA journal_mode=WAL")
                self._migrate(self._db)
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise FeedbackError(f"cannot open the feedback database {path}: {exc}") from exc

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Bring the schema up to date and store a salt, in one write transaction: a second
        process starting at the same time waits for it and then finds nothing to do."""
        db.execute("BEGIN IMMEDIATE")
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (new_salt(),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def salt(self) -> str | None:
        if self._db is None:
            return None
        try:
            rows = self._read("SELECT value FROM meta WHERE key = 'salt'", ())
        except FeedbackError:
            if self._has_meta():
                raise
            return None  # a read-only look at a file nothing was recorded in yet
        if not rows:
            return None
        return str(rows[0][0])

    def _has_meta(self) -> bool:
        rows = self._read("SELECT 1 FROM sqlite_master WHERE name = 'meta'", ())
        return bool(rows)

    def insert_question(self, row: QuestionRow) -> int:
        return self._write(
            [
                (
                    "INSERT INTO questions (asked_at, question, norm, answered, best_card_id, "
                    "guild_id) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        row.asked_at,
                        row.question,
                        row.norm,
                        int(row.answered),
                        row.best_card_id,
                        row.guild_id,
                    ),
                )
            ]
        )

    def replace_vote(self, row: VoteRow) -> None:
        self._write(
            [
                (
                    # Not ON CONFLICT: outside a guild (a DM) guild_id is NULL, and NULLs never
                    # conflict in a UNIQUE constraint, so every repeated vote counted. `IS`
                    # matches.
                    "DELETE FROM votes WHERE norm = ? AND card_id = ? AND guild_id IS ? "
                    "AND user_hash = ?",
                    (row.norm, row.card_id, row.guild_id, row.user_hash),
                ),
                (
                    "INSERT INTO votes (voted_at, question, norm, card_id, vote, guild_id, "
                    "user_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        row.voted_at,
                        row.question,
                        row.norm,
                        row.card_id,
                        row.vote,
                        row.guild_id,
                        row.user_hash,
                    ),
                ),
            ]
        )

    def question(self, question_id: int) -> AskedQuestion | None:
        rows = self._read(
            "SELECT id, question, answered, best_card_id, guild_id FROM questions WHERE id = ?",
            (question_id,),
        )
        if not rows:
            return None
        qid, text, answered, card, guild = rows[0]
        return AskedQuestion(int(qid), str(text), bool(answered), card, guild)

    def gap_rows(self, limit: int, guild_id: int | None) -> list[GapRow]:
        return [
            (str(q), int(u), int(d), int(up), float(at))
            for q, u, d, up, at in self._read(_GAPS, (guild_id, limit))
        ]

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _write(self, statements: list[tuple[str, tuple[object, ...]]]) -> int:
        """Run the statements in one transaction; returns the row id the last one inserted."""
        with self._lock:
            db = self._connection()
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    for sql, params in statements:
                        cursor = db.execute(sql, params)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                return cursor.lastrowid or 0
            except sqlite3.Error as exc:
                raise FeedbackError(f"cannot write to the feedback database: {exc}") from exc

    def _read(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connection().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise FeedbackError(f"cannot read the feedback database: {exc}") from exc

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise FeedbackError(f"the feedback database {self.path} is closed or does not exist")
        return self._db
