"""What the community asked and how it rated the answers, for finding review gaps.

A `FeedbackStore` is its own SQLite file, kept outside the index folder: feedback is not derived
from the reviews, so reindexes (which replace index generations) and `make clean` leave it
alone. It records every question with whether it was answered, and 👍 / 👎 votes on answers.
No user name or id is stored: a vote carries at most an opaque salted hash of the user id, so
that a member's second click replaces their first vote instead of counting twice.

`gaps()` ranks the questions the community most wants reviewed: those the bot abstained on
or whose answers were voted down, grouped after normalizing case, spacing and punctuation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from index.errors import ClaimbotError
from index.text import without_lone_surrogates

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at REAL NOT NULL,         -- seconds since the epoch
    question TEXT NOT NULL,         -- as asked
    norm TEXT NOT NULL,             -- normalize_question(question): the grouping key
    answered INTEGER NOT NULL,      -- 0 = the bot abstained
    best_card_id TEXT,
    guild_id INTEGER                -- NULL outside a guild (DMs, the terminal)
);
CREATE INDEX IF NOT EXISTS questions_by_norm ON questions (norm);
CREATE TABLE IF NOT EXISTS votes (
    voted_at REAL NOT NULL,
    question TEXT NOT NULL,
    norm TEXT NOT NULL,
    card_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    guild_id INTEGER,
    user_hash TEXT NOT NULL,        -- hash_user(): never the user id itself
    UNIQUE (norm, card_id, guild_id, user_hash)
);
CREATE INDEX IF NOT EXISTS votes_by_norm ON votes (norm);
"""

_NOT_WORD = regex.compile(r"[\p{P}\p{S}\s]+")
MAX_QUESTION_CHARS = 2000


def _storable(question: str) -> str:
    """The question as stored: trimmed, cut, and lone surrogates (which Discord's JSON may
    carry, and SQLite cannot encode) replaced by U+FFFD."""
    return without_lone_surrogates(question.strip()[:MAX_QUESTION_CHARS])


class FeedbackError(ClaimbotError):
    """The feedback database cannot be opened or used."""


@dataclass(frozen=True)
class Gap:
    """A question the community keeps asking without a good answer."""

    question: str  # the most recent wording
    unanswered: int  # times the bot abstained
    downvotes: int
    upvotes: int
    last_asked: float  # seconds since the epoch

    @property
    def weight(self) -> int:
        """How strongly this asks for a review: abstentions plus 👎 not outweighed by 👍."""
        return self.unanswered + max(0, self.downvotes - self.upvotes)


@dataclass(frozen=True)
class AskedQuestion:
    """One recorded question, as `FeedbackStore.asked` finds it again."""

    id: int
    question: str
    answered: bool
    best_card_id: str | None
    guild_id: int | None


def normalize_question(question: str) -> str:
    """The grouping key: `"Are Nvidia margins HIGH?!"` and `are nvidia margins high` match."""
    folded = unicodedata.normalize("NFKC", question).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def hash_user(user_id: int | str, salt: bytes) -> str:
    """An opaque, stable stand-in for a user id: HMAC-SHA256 under a secret salt, so it cannot
    be reversed by hashing known ids without the salt."""
    return hmac.new(salt, str(user_id).encode(), hashlib.sha256).hexdigest()


class FeedbackStore:
    """Questions and votes in one SQLite file; safe to call from several threads at once.

    The salt for `hash_user` is generated when the file is created and kept in it, so hashes
    stay stable across restarts without any setting.
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            with self._db:
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self._db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(32),)
                )
            (salt,) = self._db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
            self.salt = bytes.fromhex(salt)
        except (OSError, sqlite3.Error, ValueError, TypeError) as exc:  # a damaged salt too
            raise FeedbackError(f"cannot open the feedback database {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def user_hash(self, user_id: int | str) -> str:
        """`hash_user` with this store's salt."""
        return hash_user(user_id, self.salt)

    def record_question(
        self, question: str, answered: bool, best_card_id: str | None, guild_id: int | None
    ) -> int:
        """One question asked, and whether the bot answered it (with which card). Returns its
        id, which a front end can hand out (e.g. in a button) to find it with `asked`."""
        text = _storable(question)
        return self._write(
            "INSERT INTO questions (asked_at, question, norm, answered, best_card_id, guild_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self._clock(), text, normalize_question(text), int(answered), best_card_id, guild_id),
        )

    def record_vote(
        self, question: str, card_id: str, vote: int, guild_id: int | None, user_hash: str
    ) -> None:
        """A 👍 (+1) or 👎 (-1) on the card answering `question`; a user's later vote on the
        same answer replaces their earlier one."""
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {vote!r}")
        text = _storable(question)
        norm = normalize_question(text)
        self._write(
            # Not ON CONFLICT: outside a guild (a DM) guild_id is NULL, and NULLs never
            # conflict in a UNIQUE constraint, so every repeated vote counted. `IS` matches.
            "DELETE FROM votes WHERE norm = ? AND card_id = ? AND guild_id IS ? AND user_hash = ?",
            (norm, card_id, guild_id, user_hash),
            then=(
                "INSERT INTO votes (voted_at, question, norm, card_id, vote, guild_id, user_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self._clock(), text, norm, card_id, vote, guild_id, user_hash),
            ),
        )

    def asked(self, question_id: int) -> AskedQuestion | None:
        """A recorded question by the id `record_question` returned; None if unknown."""
        rows = self._read(
            "SELECT id, question, answered, best_card_id, guild_id FROM questions WHERE id = ?",
            (question_id,),
        )
        if not rows:
            return None
        qid, text, answered, card, guild = rows[0]
        return AskedQuestion(int(qid), str(text), bool(answered), card, guild)

    def gaps(self, limit: int = 10, guild_id: int | None = None) -> list[Gap]:
        """The questions most wanting a review, most wanted first (ties: most recent first).

        A question counts once per abstention, plus its 👎 votes less its 👍 votes; questions
        with nothing against them are left out. `guild_id` limits it to one community.
        """
        where = "" if guild_id is None else "WHERE guild_id = ?"
        params: tuple[object, ...] = () if guild_id is None else (guild_id,)
        rows = self._read(
            f"""
            WITH signals AS (
                SELECT norm, question, asked_at AS at, answered = 0 AS unanswered,
                       0 AS down, 0 AS up, guild_id FROM questions
                UNION ALL
                SELECT norm, question, voted_at, 0, vote < 0, vote > 0, guild_id FROM votes
            )
            SELECT question, unanswered, down, up, last FROM (
                SELECT question, SUM(unanswered) AS unanswered, SUM(down) AS down,
                       SUM(up) AS up, MAX(at) AS last
                FROM signals {where} GROUP BY norm
            )
            WHERE unanswered + MAX(0, down - up) > 0
            ORDER BY unanswered + MAX(0, down - up) DESC, last DESC
            LIMIT ?
            """,
            (*params, max(0, limit)),
        )
        # SQLite takes the bare `question` column from the row holding MAX(at).
        return [Gap(str(q), int(u), int(d), int(up), float(at)) for q, u, d, up, at in rows]

    def _write(
        self,
        sql: str,
        params: tuple[object, ...],
        then: tuple[str, tuple[object, ...]] | None = None,
    ) -> int:
        """Run one statement (and `then` another) in a transaction; returns the row id the
        last one inserted (if any)."""
        with self._lock:
            try:
                with self._db:
                    cursor = self._db.execute(sql, params)
                    if then is not None:
                        cursor = self._db.execute(*then)
                    return cursor.lastrowid or 0
            except sqlite3.Error as exc:
                raise FeedbackError(f"cannot write to the feedback database: {exc}") from exc

    def _read(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise FeedbackError(f"cannot read the feedback database: {exc}") from exc
