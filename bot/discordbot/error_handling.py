"""Errors in layers: a command or cog handles what it knows, the tree (`ClaimTree`) the rest;
whichever answers first marks the interaction handled, so a member sees exactly one short
private message."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discordbot.embeds import cut, without_paths
from index import ClaimbotError, Remedy

log = logging.getLogger("claimbot.discord")

HANDLED = "claimbot_error_handled"
MESSAGE_LIMIT = 2000
GENERIC = "Something went wrong on my side; the moderators can find the details in the bot's log."
REMEDIES = {
    Remedy.REINDEX: "A moderator can run `/reindex`.",
    Remedy.LIST_EPISODES: "`/episodes` lists them.",
    Remedy.REPLACE: "A moderator can replace it with `/review add`.",
}


def is_handled(interaction: discord.Interaction) -> bool:
    return bool(interaction.extras.get(HANDLED))


async def tell(interaction: discord.Interaction, message: str) -> None:
    """A short ephemeral reply to the caller, whether or not the interaction was deferred;
    server paths in it are cut to file names."""
    interaction.extras[HANDLED] = True
    message = cut(without_paths(message), MESSAGE_LIMIT)
    none = discord.AllowedMentions.none()
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=none)
        else:
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=none)
    except discord.HTTPException:
        log.warning("could not tell %s: %s", interaction.user, message, exc_info=True)


def user_message(error: BaseException) -> str | None:
    """What to tell a member about an expected error; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, ClaimbotError):
        return claimbot_message(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You cannot use that command here."
    return None


def claimbot_message(error: ClaimbotError) -> str:
    """An engine error in the words of a member: its message without server paths, then what
    they can do about it on Discord."""
    message = without_paths(str(error))
    if error.remedy is None:
        return message
    return f"{message}. {REMEDIES[error.remedy]}"


class ClaimTree(app_commands.CommandTree["discord.Client"]):
    """The last layer: every error no command or cog answered. Expected errors are logged at
    INFO; anything else is a bug, logged with its trace while the member gets a generic line."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        message = user_message(error)
        if message is None:
            log.error("/%s failed for %s", command, interaction.user, exc_info=error)
            message = GENERIC
        else:
            log.info("/%s refused for %s: %s", command, interaction.user, message)
        if not is_handled(interaction):
            await tell(interaction, message)
