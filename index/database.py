"""A generation's SQLite database: its episodes, cards and the review files they came from.

The schema and every query of it live here; nothing else in the engine writes SQL against a
generation (the feedback store, index/feedback.py, is a database of its own). Opened read-only
it serves questions; a reindex opens a copy of the published one writable and changes it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.language import card_language
from index.lexical import LexicalIndex, card_words
from index.models import Episode, ParsedReview, VerdictCard
from index.passages import (
    card_passages,
    card_vector_ids,
    commentary_passages,
    commentary_vector_ids,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,          -- review file name, relative to the reviews folder
    sha256 TEXT NOT NULL,
    episode_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS episodes (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: commentary vector ids use it
    key TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL,
    passages INTEGER NOT NULL,      -- commentary passages embedded
    data TEXT NOT NULL              -- Episode as JSON
);
CREATE TABLE IF NOT EXISTS cards (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: vector ids derive from it
    id TEXT NOT NULL UNIQUE,
    episode_key TEXT NOT NULL,
    position INTEGER NOT NULL,
    passages INTEGER NOT NULL,
    data TEXT NOT NULL,             -- VerdictCard as JSON
    language TEXT                   -- declared (BCP 47) or confidently detected; NULL unknown
);
CREATE INDEX IF NOT EXISTS cards_by_episode ON cards (episode_key, position);
"""

_CARDS_WITH_EPISODES = (
    "SELECT c.rowid, c.data, e.data FROM cards c JOIN episodes e ON c.episode_key = e.key"
)

Passage = tuple[int, str]
"""A text to embed and the vector id it is filed under."""

CardRow = tuple[int, VerdictCard, Episode]
"""A card's rowid, the card and its episode."""


class ClaimsDatabase:
    """One generation's database. Safe to share between threads: one lock serialises its
    connection (queries are short; the vectors, not this, carry a question's search)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()

    @classmethod
    def open_readonly(cls, path: Path) -> ClaimsDatabase:
        """A published generation's database, which nothing may change."""
        uri = f"file:{path}?mode=ro"
        return cls(sqlite3.connect(uri, uri=True, check_same_thread=False))

    @classmethod
    def open_writable(cls, path: Path) -> ClaimsDatabase:
        """The database of a generation being built (created, with its tables, if new)."""
        connection = sqlite3.connect(path)
        connection.executescript(SCHEMA)
        return cls(connection)

    def close(self) -> None:
        self._db.close()

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- reads ---------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, str]]:
        """Review file name → (sha256, episode key) of every file this generation holds."""
        rows = self._rows("SELECT name, sha256, episode_key FROM sources")
        return {name: (digest, key) for name, digest, key in rows}

    def counts(self) -> tuple[int, int]:
        """How many episodes and cards it holds."""
        [(episodes,)] = self._rows("SELECT COUNT(*) FROM episodes")
        [(cards,)] = self._rows("SELECT COUNT(*) FROM cards")
        return episodes, cards

    def card_rowids(self) -> list[int]:
        """Every card's rowid (what its vector ids and its words are filed under)."""
        return [rowid for (rowid,) in self._rows("SELECT rowid FROM cards")]

    def has_commentary(self) -> bool:
        """Whether any episode's commentary was embedded (the answer model weighs it then)."""
        [(passages,)] = self._rows("SELECT COALESCE(SUM(passages), 0) FROM episodes")
        return bool(passages)

    def lexicon(self) -> LexicalIndex:
        """The words of every card (a reindex saves them with the generation)."""
        rows = self._rows("SELECT rowid, data FROM cards")
        return LexicalIndex.build([rowid for rowid, _ in rows], [card_words(d) for _, d in rows])

    def card_languages(self) -> dict[int, str]:
        """Card rowid → language, for the cards whose language is known."""
        rows = self._rows("SELECT rowid, language FROM cards WHERE language IS NOT NULL")
        return dict(rows)

    def cards_by_rowid(self, rowids: list[int]) -> dict[int, tuple[VerdictCard, Episode]]:
        """The cards of these rowids (those that exist) with their episodes."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        rows = self._rows(f"{_CARDS_WITH_EPISODES} WHERE c.rowid IN ({marks})", rowids)
        found = map(_card_row, rows)
        return {rowid: (card, episode) for rowid, card, episode in found}

    def card(self, card_id: str) -> tuple[VerdictCard, Episode] | None:
        """One card with its episode, by id."""
        rows = self._rows(f"{_CARDS_WITH_EPISODES} WHERE c.id = ?", (card_id,))
        return _card_row(rows[0])[1:] if rows else None

    def all_cards(self) -> list[tuple[VerdictCard, Episode]]:
        """Every card with its episode, in episode then claim order."""
        rows = self._rows(f"{_CARDS_WITH_EPISODES} ORDER BY e.key, c.position")
        return [_card_row(row)[1:] for row in rows]

    def episodes(self) -> list[tuple[Episode, int]]:
        """Every episode with its number of cards, in no particular order."""
        rows = self._rows(
            "SELECT e.data, COUNT(c.rowid) FROM episodes e LEFT JOIN cards c "
            "ON c.episode_key = e.key GROUP BY e.key"
        )
        return [(Episode.model_validate_json(data), claims) for data, claims in rows]

    def episode_cards(self, episode_key: str) -> list[VerdictCard]:
        """An episode's cards in their order in its review."""
        rows = self._rows(
            "SELECT data FROM cards WHERE episode_key = ? ORDER BY position", (episode_key,)
        )
        return [VerdictCard.model_validate_json(data) for (data,) in rows]

    # -- writes (a generation being built) -----------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit what the block wrote, or none of it."""
        with self._db:
            yield

    def drop_source(self, name: str) -> list[int]:
        """Remove a review file with its episode and cards; the ids of their vectors, which
        the caller removes (once for all dropped files: that walks every IVF list)."""
        row = self._db.execute("SELECT episode_key FROM sources WHERE name = ?", (name,)).fetchone()
        if row is None:
            return []
        (key,) = row
        dropped = [
            vid
            for rowid, count in self._db.execute(
                "SELECT rowid, passages FROM cards WHERE episode_key = ?", (key,)
            )
            for vid in card_vector_ids(rowid, count)
        ]
        dropped += [
            vid
            for rowid, count in self._db.execute(
                "SELECT rowid, passages FROM episodes WHERE key = ?", (key,)
            )
            for vid in commentary_vector_ids(rowid, count)
        ]
        self._db.execute("DELETE FROM cards WHERE episode_key = ?", (key,))
        self._db.execute("DELETE FROM episodes WHERE key = ?", (key,))
        self._db.execute("DELETE FROM sources WHERE name = ?", (name,))
        return dropped

    def add_review(
        self, name: str, digest: str, review: ParsedReview, layout: str
    ) -> list[Passage]:
        """Add a parsed review file (its episode and cards, cut into passages by `layout`);
        the passages to embed, each with the vector id it belongs under."""
        episode = review.episode
        commentary = commentary_passages(episode)
        cursor = self._db.execute(
            "INSERT INTO episodes (key, slug, passages, data) VALUES (?, ?, ?, ?)",
            (episode.key, episode.slug, len(commentary), episode.model_dump_json()),
        )
        assert cursor.lastrowid is not None
        passages = list(
            zip(commentary_vector_ids(cursor.lastrowid, len(commentary)), commentary, strict=True)
        )
        self._db.execute(
            "INSERT INTO sources (name, sha256, episode_key) VALUES (?, ?, ?)",
            (name, digest, episode.key),
        )
        for card in review.cards:
            card = self._unique_id(card)
            texts = card_passages(card, layout)
            cursor = self._db.execute(
                "INSERT INTO cards (id, episode_key, position, passages, data, language) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    card.id,
                    episode.key,
                    card.position,
                    len(texts),
                    card.model_dump_json(),
                    card_language(card, episode),
                ),
            )
            assert cursor.lastrowid is not None
            slots = card_vector_ids(cursor.lastrowid, len(texts))
            # An empty passage (a card without a quote) keeps its slot but has no vector.
            passages += [(vid, text) for vid, text in zip(slots, texts, strict=True) if text]
        return passages

    def _unique_id(self, card: VerdictCard) -> VerdictCard:
        """Cards of two episodes whose slugs collide still get distinct ids."""
        card_id, n = card.id, 2
        while self._db.execute("SELECT 1 FROM cards WHERE id = ?", (card_id,)).fetchone():
            card_id, n = f"{card.id}-{n}", n + 1
        return card if card_id == card.id else card.model_copy(update={"id": card_id})

    def compact(self) -> None:
        """Give back the space of dropped rows (outside a transaction)."""
        self._db.execute("VACUUM")


def _card_row(row: tuple[int, str, str]) -> CardRow:
    rowid, card, episode = row
    return rowid, VerdictCard.model_validate_json(card), Episode.model_validate_json(episode)
