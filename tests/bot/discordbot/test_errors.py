"""How failures reach members: a short private message for what they can act on, and a
generic one (with the trace in the log) for bugs."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.discordbot.checks import NotModerator
from bot.discordbot.error_handling import user_message
from index import ImportConflictError, IndexCorruptError, IndexMissingError, NotFoundError, Remedy
from tests.bot.discordbot.conftest import running_bot
from tests.conftest import REFERENCE_REVIEW
from tests.fakes import HashingEmbedder
from tests.loopback_discord.server import EPHEMERAL


async def test_a_bot_without_an_index_starts_and_asks_for_a_reindex(tmp_path: Path) -> None:
    (tmp_path / "reviews").mkdir()
    async with running_bot(tmp_path, HashingEmbedder()) as harness:
        server = harness.server
        refused = await server.reply(await server.invoke("ask", question="DeepSeek?"))
        said = refused.body["data"]
        assert refused.body["type"] == 4 and said["flags"] & EPHEMERAL
        assert "/reindex" in said["content"] and str(tmp_path) not in said["content"]

        (tmp_path / "reviews" / REFERENCE_REVIEW.name).write_bytes(REFERENCE_REVIEW.read_bytes())
        await server.reply(await server.invoke("reindex", server.MODERATOR), timeout=30)
        answered = await server.reply(await server.invoke("ask", question="DeepSeek in China?"))
        assert answered.body["embeds"]


@app_commands.command(name="probe", description="a command to wrap errors in")
async def probe(interaction: discord.Interaction) -> None:
    """Never run: only the error wrappers need a command."""


def invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    return app_commands.CommandInvokeError(probe, original)


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (invoke_error(NotFoundError("no claim with id 'x'")), "no claim with id 'x'"),
        (invoke_error(IndexMissingError("no index yet")), "A moderator can run `/reindex`"),
        (app_commands.NoPrivateMessage(), "only works in a server"),
        (NotModerator(), "Only moderators"),
    ],
)
def test_expected_errors_get_their_own_message(error: Exception, says: str) -> None:
    assert says in (user_message(error) or "")


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (IndexCorruptError("the index is damaged"), "A moderator can run `/reindex`."),
        (NotFoundError("no episode '9'", remedy=Remedy.LIST_EPISODES), "`/episodes` lists them."),
        (ImportConflictError("already reviewed"), "replace it with `/review add`."),
    ],
)
def test_an_engine_error_ends_with_its_remedy_in_discord_words(error: Exception, says: str) -> None:
    message = user_message(error) or ""
    assert message.startswith(str(error)) and message.endswith(says)
    assert "claimbot reindex" not in message and "--replace" not in message


def test_a_member_never_sees_where_the_bot_keeps_its_files() -> None:
    error = IndexCorruptError("/srv/claimbot/index/manifest.json is damaged (JSONDecodeError)")
    assert user_message(error) == (
        "manifest.json is damaged (JSONDecodeError). A moderator can run `/reindex`."
    )


def test_a_bug_gets_no_message_of_its_own_so_the_tree_logs_it_and_says_the_generic_one() -> None:
    assert user_message(invoke_error(RuntimeError("boom"))) is None
    assert user_message(invoke_error(KeyError("card"))) is None
