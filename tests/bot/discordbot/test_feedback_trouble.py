"""A feedback outage is one warning, not one per dropped question or vote."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.discordbot.feedback_trouble import FeedbackTrouble
from tests.bot.discordbot.conftest import index_reference_review, running_bot
from tests.fakes import HashingEmbedder
from tests.loopback_discord.server import Person

log = logging.getLogger("test.feedback")


def _fail(trouble: FeedbackTrouble, what: str) -> None:
    try:
        raise OSError("database is down")
    except OSError:
        trouble.failed(what)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_only_the_first_failure_of_an_outage_warns(caplog: pytest.LogCaptureFixture) -> None:
    trouble = FeedbackTrouble(log)
    with caplog.at_level(logging.DEBUG, "test.feedback"):
        for n in range(3):
            _fail(trouble, f"could not record question {n}")

    assert len(_warnings(caplog)) == 1
    assert _warnings(caplog)[0].startswith("could not record question 0; questions and votes")


def test_the_end_of_an_outage_is_told_once_and_the_next_one_warns_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    trouble = FeedbackTrouble(log)
    with caplog.at_level(logging.WARNING, "test.feedback"):
        _fail(trouble, "first outage")
        trouble.worked()
        trouble.worked()
        _fail(trouble, "second outage")

    assert [w.split(";")[0] for w in _warnings(caplog)] == [
        "first outage",
        "the feedback database answers again: questions and votes are recorded",
        "second outage",
    ]


def test_nothing_is_told_while_feedback_works(caplog: pytest.LogCaptureFixture) -> None:
    trouble = FeedbackTrouble(log)
    with caplog.at_level(logging.DEBUG, "test.feedback"):
        trouble.worked()

    assert caplog.records == []


@pytest.mark.asyncio
async def test_questions_asked_while_the_feedback_database_fails_warn_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_reference_review(tmp_path, HashingEmbedder())
    async with running_bot(tmp_path, HashingEmbedder(), ask_cooldown=0) as harness:
        harness.bot.feedback.close()  # every record now fails, as in an outage
        with caplog.at_level(logging.WARNING, "claimbot.discord"):
            for n in range(3):
                token = await harness.server.invoke(
                    "ask", Person(9100 + n, f"m{n}"), question="Are nvidia margins that high?"
                )
                reply = await harness.server.reply(token)
                assert reply.body["embeds"]  # the answer still goes out

    dropped = [w for w in _warnings(caplog) if w.startswith("could not record a question")]
    assert len(dropped) == 1
