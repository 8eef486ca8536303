"""How a PostgreSQL URL is shown: never any part of its password, however it was typed."""

from __future__ import annotations

import pytest

from index import FeedbackError, FeedbackStore
from index.postgres_url import masked_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://bot:hunter2@db.example:5432/claimbot",
            "postgresql://bot:***@db.example:5432/claimbot",
        ),
        (
            "postgresql://bot:p%40ss%3Aw@db.example/claimbot",
            "postgresql://bot:***@db.example/claimbot",
        ),
        ("postgres://bot:p@ss:w@db.example/claimbot", "postgres://bot:***@db.example/claimbot"),
        (
            "postgresql://bot:Zm9v/YmFy+cXV4@db.example/claimbot",
            "postgresql://bot:***@db.example/claimbot",
        ),
        ("postgresql://bot:ab?cd@db.example/claimbot", "postgresql://bot:***@db.example/claimbot"),
        ("postgresql://bot:ab#cd@db.example/claimbot", "postgresql://bot:***@db.example/claimbot"),
        (
            "postgresql://db.example/claimbot?sslmode=require&password=ab#cd",
            "postgresql://db.example/claimbot?sslmode=require&password=***",
        ),
    ],
)
def test_no_part_of_the_password_is_shown_whatever_characters_it_holds(
    url: str, shown: str
) -> None:
    assert masked_url(url) == shown


def test_a_url_without_a_host_keeps_its_shape() -> None:
    assert (
        masked_url("postgresql:///claimbot?host=/run/postgresql")
        == "postgresql:///claimbot?host=/run/postgresql"
    )


def test_libpq_quoting_a_badly_escaped_password_back_is_masked() -> None:
    # libpq says: invalid percent-encoded token: "s3cr%zzet"
    with pytest.raises(FeedbackError) as error:
        FeedbackStore("postgresql://bot:s3cr%zzet@127.0.0.1:1/claimbot")
    assert "s3cr" not in str(error.value) and "zzet" not in str(error.value)
