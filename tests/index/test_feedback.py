"""The feedback store: questions and votes in a SQLite file or a PostgreSQL database (every
behaviour on both back ends), and the review gaps they reveal."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from index import FeedbackStore, hash_user, normalize_question
from index.feedback import FeedbackError, Gap

GUILD = 4242

Target = Path | str
"""A SQLite file or a PostgreSQL URL: what `FeedbackStore` opens."""


class _Clock:
    """Seconds that advance by one on every reading, so "most recent" is well defined."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_target(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], Target]:
    """Makes a fresh, empty database on the back end under test, each call another one."""
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
        return server.new_database  # type: ignore[no-any-return]
    made = iter(range(1_000))
    return lambda: tmp_path / f"feedback-{next(made)}.sqlite"


@pytest.fixture
def target(new_target: Callable[[], Target]) -> Target:
    return new_target()


@pytest.fixture
def store(target: Target) -> Iterator[FeedbackStore]:
    with FeedbackStore(target, clock=_Clock()) as opened:
        yield opened


def _execute(target: Target, sql: str) -> list[tuple[object, ...]]:
    """One statement run straight on the database, behind the store's back."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as db:
            rows = db.execute(sql).fetchall()
        db.close()
        return rows
    with psycopg.connect(target) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _everything_stored(target: Target) -> str:
    """Every value in every table, as text."""
    return " ".join(
        str(row)
        for table in ("meta", "questions", "votes")
        for row in _execute(target, f"SELECT * FROM {table}")
    )


def _summary(gaps: list[Gap]) -> list[tuple[str, int, int, int]]:
    return [(g.question, g.unanswered, g.downvotes, g.upvotes) for g in gaps]


def test_questions_are_grouped_regardless_of_case_spacing_and_punctuation() -> None:
    assert normalize_question("  Are NVIDIA margins   really high?!") == normalize_question(
        "are nvidia margins, really high"
    )
    assert normalize_question("Is “seed oil” bad?") == "is seed oil bad"
    assert normalize_question("is seed oil bad") != normalize_question("is olive oil bad")


def test_user_hash_is_stable_salted_and_does_not_reveal_the_id() -> None:
    salt_a, salt_b = b"a" * 32, b"b" * 32
    assert hash_user(123456789012345678, salt_a) == hash_user("123456789012345678", salt_a)
    assert hash_user(123456789012345678, salt_a) != hash_user(123456789012345678, salt_b)
    assert "123456789012345678" not in hash_user(123456789012345678, salt_a)


def test_the_database_never_holds_the_raw_user_id(target: Target) -> None:
    with FeedbackStore(target) as store:
        store.record_vote("q?", "card-1", -1, GUILD, store.user_hash(987654321987654321))
    assert "987654321987654321" not in _everything_stored(target)


def test_the_sqlite_file_never_holds_the_raw_user_id(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "feedback.sqlite") as store:
        store.record_vote("q?", "card-1", -1, GUILD, store.user_hash(987654321987654321))
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"987654321987654321" not in raw


def test_gaps_rank_questions_by_abstentions_and_downvotes(store: FeedbackStore) -> None:
    for _ in range(3):
        store.record_question("Are seed oils bad?", False, None, GUILD)
    store.record_question("Does creatine help memory?", False, None, GUILD)
    store.record_question("Is fasting better?", True, "gut-feeling/fasting", GUILD)
    store.record_vote("Is fasting better?", "gut-feeling/fasting", -1, GUILD, "u1")
    store.record_vote("Is fasting better?", "gut-feeling/fasting", -1, GUILD, "u2")
    assert _summary(store.gaps()) == [
        ("Are seed oils bad?", 3, 0, 0),
        ("Is fasting better?", 0, 2, 0),
        ("Does creatine help memory?", 1, 0, 0),
    ]


def test_answered_questions_without_downvotes_are_not_gaps(store: FeedbackStore) -> None:
    store.record_question("Is vitamin D useful?", True, "gut-feeling/vitamin-d", GUILD)
    store.record_vote("Is vitamin D useful?", "gut-feeling/vitamin-d", 1, GUILD, "u1")
    assert store.gaps() == []


def test_upvotes_offset_downvotes_of_the_same_question(store: FeedbackStore) -> None:
    store.record_question("Cold plunges?", True, "card", GUILD)
    store.record_vote("Cold plunges?", "card", -1, GUILD, "u1")
    store.record_vote("Cold plunges?", "card", 1, GUILD, "u2")
    store.record_vote("Cold plunges?", "card", 1, GUILD, "u3")
    assert store.gaps() == []


def test_a_users_second_vote_replaces_the_first(store: FeedbackStore) -> None:
    store.record_vote("Cold plunges?", "card", -1, GUILD, "u1")
    store.record_vote("cold plunges", "card", -1, GUILD, "u1")
    assert _summary(store.gaps()) == [("cold plunges", 0, 1, 0)]
    store.record_vote("Cold plunges?", "card", 1, GUILD, "u1")
    assert store.gaps() == []


def test_a_users_second_vote_outside_a_guild_replaces_the_first(store: FeedbackStore) -> None:
    for _ in range(5):  # a DM: no guild id
        store.record_vote("Cold plunges?", "card", -1, None, "u1")
    assert _summary(store.gaps()) == [("Cold plunges?", 0, 1, 0)]
    store.record_vote("Cold plunges?", "card", 1, None, "u1")
    assert store.gaps() == []


def test_a_gap_shows_the_most_recent_wording(store: FeedbackStore) -> None:
    store.record_question("are SEED oils bad", False, None, GUILD)
    store.record_question("Are seed oils bad?", False, None, GUILD)
    [gap] = store.gaps()
    assert gap.question == "Are seed oils bad?" and gap.unanswered == 2


def test_gaps_respect_the_limit_and_can_be_limited_to_one_guild(store: FeedbackStore) -> None:
    for n in range(5):
        store.record_question(f"question number {n}", False, None, GUILD if n % 2 else 7)
    assert len(store.gaps(limit=2)) == 2
    assert {g.question for g in store.gaps(guild_id=GUILD)} == {
        "question number 1",
        "question number 3",
    }


def test_votes_must_be_plus_or_minus_one(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="vote"):
        store.record_vote("q", "card", 0, GUILD, "u1")


def test_a_question_with_a_lone_surrogate_is_stored_with_a_replacement(
    store: FeedbackStore,
) -> None:
    store.record_question("seed \ud800 oils?", False, None, GUILD)
    store.record_vote("seed \ud800 oils?", "card", -1, GUILD, "u1")
    assert _summary(store.gaps()) == [("seed \ufffd oils?", 1, 1, 0)]


def test_a_damaged_salt_is_a_feedback_error_naming_the_database(target: Target) -> None:
    FeedbackStore(target).close()
    _execute(target, "UPDATE meta SET value = 'not hex' WHERE key = 'salt'")
    with pytest.raises(FeedbackError, match="salt") as error:
        FeedbackStore(target)
    assert (target.name if isinstance(target, Path) else target) in str(error.value)


def test_feedback_and_salt_survive_reopening(target: Target) -> None:
    with FeedbackStore(target) as store:
        store.record_question("Are seed oils bad?", False, None, None)
        first_hash = store.user_hash(42)
    with FeedbackStore(target) as reopened:
        assert _summary(reopened.gaps()) == [("Are seed oils bad?", 1, 0, 0)]
        assert reopened.user_hash(42) == first_hash


def test_each_new_database_gets_its_own_salt(new_target: Callable[[], Target]) -> None:
    with FeedbackStore(new_target()) as a, FeedbackStore(new_target()) as b:
        assert a.user_hash(42) != b.user_hash(42)


def test_concurrent_writers_from_worker_threads_lose_nothing(store: FeedbackStore) -> None:
    def ask_and_vote(worker: int) -> None:
        for n in range(25):
            store.record_question("Are seed oils bad?", False, None, GUILD)
            store.record_vote("Is fasting better?", "card", -1, GUILD, f"w{worker}-{n}")

    threads = [threading.Thread(target=ask_and_vote, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(_summary(store.gaps())) == [
        ("Are seed oils bad?", 200, 0, 0),
        ("Is fasting better?", 0, 200, 0),
    ]


def test_a_recorded_question_is_found_again_by_the_id_it_was_given(target: Target) -> None:
    with FeedbackStore(target) as store:
        first = store.record_question("Are seed oils bad?", False, None, GUILD)
        second = store.record_question("Is fasting better?", True, "gut/fasting", None)
    with FeedbackStore(target) as reopened:  # ids outlive a restart, e.g. in a button
        found = reopened.asked(second)
        assert found is not None and first != second
        assert (found.question, found.answered, found.best_card_id, found.guild_id) == (
            "Is fasting better?",
            True,
            "gut/fasting",
            None,
        )
        assert reopened.asked(second + 1000) is None
