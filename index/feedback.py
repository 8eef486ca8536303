"""What the community asked and how it rated the answers, for finding review gaps.

A `FeedbackStore` keeps its records in SQLite (a file outside the index folder, for one
machine: index/feedback_sqlite.py) or PostgreSQL (a `postgresql://` URL, for several machines:
index/feedback_postgres.py). Feedback is not derived from the reviews, so reindexes and
`make clean` leave it alone. It records every question with whether it was answered, and
👍 / 👎 votes on answers. No user name or id is stored: a vote carries at most an opaque salted
hash of the user id, so that a member's second click replaces their first vote instead of
counting twice.

`gaps()` ranks the questions the community most wants reviewed: those the bot abstained on
or whose answers were voted down, grouped after normalizing case, spacing and punctuation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import regex

from index.errors import ClaimbotError
from index.text import without_lone_surrogates

_NOT_WORD = regex.compile(r"[\p{P}\p{S}\s]+")
MAX_QUESTION_CHARS = 2000
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _storable(question: str) -> str:
    """The question as stored: trimmed, cut, and lone surrogates (which Discord's JSON may
    carry, and neither database can encode) replaced by U+FFFD."""
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


@dataclass(frozen=True)
class QuestionRow:
    """A question as the back ends store it."""

    asked_at: float  # seconds since the epoch
    question: str  # as asked
    norm: str  # normalize_question(question): the grouping key
    answered: bool  # False = the bot abstained
    best_card_id: str | None
    guild_id: int | None  # None outside a guild (DMs, the terminal)


@dataclass(frozen=True)
class VoteRow:
    """A vote as the back ends store it; one per (norm, card, guild, user), the latest."""

    voted_at: float
    question: str
    norm: str
    card_id: str
    vote: int  # +1 or -1
    guild_id: int | None
    user_hash: str  # hash_user(): never the user id itself


GapRow = tuple[str, int, int, int, float]
"""(most recent wording, abstentions, 👎, 👍, last time): what a back end's gap query returns."""


class FeedbackBackend(Protocol):
    """What one database engine does for a `FeedbackStore`; each is safe to share between
    threads, and read-only ones never create, migrate or write anything."""

    def salt(self) -> str | None:
        """The stored salt (hex), or None when a read-only store finds no database yet."""
        ...

    def insert_question(self, row: QuestionRow) -> int: ...

    def replace_vote(self, row: VoteRow) -> None: ...

    def question(self, question_id: int) -> AskedQuestion | None: ...

    def gap_rows(self, limit: int, guild_id: int | None) -> list[GapRow]:
        """Up to `limit` questions with a positive weight, heaviest first, then most recent."""
        ...

    def close(self) -> None: ...


def new_salt() -> str:
    """A fresh salt (hex) for a new database; each database keeps its first one forever."""
    return secrets.token_hex(32)


def normalize_question(question: str) -> str:
    """The grouping key: `"Are Nvidia margins HIGH?!"` and `are nvidia margins high` match."""
    folded = unicodedata.normalize("NFKC", question).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def hash_user(user_id: int | str, salt: bytes) -> str:
    """An opaque, stable stand-in for a user id: HMAC-SHA256 under a secret salt, so it cannot
    be reversed by hashing known ids without the salt."""
    return hmac.new(salt, str(user_id).encode(), hashlib.sha256).hexdigest()


def is_database_url(target: Path | str) -> bool:
    """Whether `target` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class FeedbackStore:
    """Questions and votes in a SQLite file or a PostgreSQL database (`target` a path or a
    `postgresql://` URL); safe to call from several threads at once.

    The salt for `hash_user` is generated when the database is created and kept in it, so
    hashes stay stable across restarts (and machines) without any setting. A `read_only` store
    (`claimbot gaps`) never creates, migrates or writes: with no database yet, it has no
    feedback (`exists` is False).
    """

    def __init__(
        self,
        target: Path | str,
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ) -> None:
        self._clock = clock
        self._backend: FeedbackBackend
        if is_database_url(target):
            from index.feedback_postgres import PostgresFeedback
            from index.postgres_url import masked_url

            self.path: Path | str = masked_url(str(target))
            self._backend = PostgresFeedback(str(target), read_only=read_only)
        else:
            from index.feedback_sqlite import SqliteFeedback

            self.path = Path(target)
            self._backend = SqliteFeedback(self.path, read_only=read_only)
        try:
            salt = self._backend.salt()
            self._salt = None if salt is None else bytes.fromhex(salt)
        except (ValueError, TypeError) as exc:  # a damaged salt
            self._backend.close()
            raise FeedbackError(
                f"cannot open the feedback database {self.path}: its salt is damaged ({exc})"
            ) from exc

    @property
    def exists(self) -> bool:
        """False when a read-only store found no database (nothing recorded yet)."""
        return self._salt is not None

    @property
    def salt(self) -> bytes:
        if self._salt is None:
            raise FeedbackError(f"the feedback database {self.path} does not exist yet")
        return self._salt

    def close(self) -> None:
        self._backend.close()

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
        row = QuestionRow(
            self._clock(), text, normalize_question(text), answered, best_card_id, guild_id
        )
        return self._backend.insert_question(row)

    def record_vote(
        self, question: str, card_id: str, vote: int, guild_id: int | None, user_hash: str
    ) -> None:
        """A 👍 (+1) or 👎 (-1) on the card answering `question`; a user's later vote on the
        same answer replaces their earlier one."""
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {vote!r}")
        text = _storable(question)
        row = VoteRow(
            self._clock(), text, normalize_question(text), card_id, vote, guild_id, user_hash
        )
        self._backend.replace_vote(row)

    def asked(self, question_id: int) -> AskedQuestion | None:
        """A recorded question by the id `record_question` returned; None if unknown."""
        if not self.exists:
            return None
        return self._backend.question(question_id)

    def gaps(self, limit: int = 10, guild_id: int | None = None) -> list[Gap]:
        """The questions most wanting a review, most wanted first (ties: most recent first).

        A question counts once per abstention, plus its 👎 votes less its 👍 votes; questions
        with nothing against them are left out. `guild_id` limits it to one community.
        """
        if not self.exists:
            return []
        rows = self._backend.gap_rows(max(0, limit), guild_id)
        return [Gap(str(q), int(u), int(d), int(up), float(at)) for q, u, d, up, at in rows]
