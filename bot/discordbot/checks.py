"""The checks commands share: one decorator for moderator commands, and a per-member cooldown."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.discordbot.client import ClaimBot

T = TypeVar("T")


class NotModerator(app_commands.CheckFailure):
    """A member without Manage Server (or the configured moderator role) ran a moderator
    command; Discord hides such commands by default, and this is the server-side check."""

    def __init__(self) -> None:
        super().__init__("Only moderators (Manage Server, or the moderator role) can do that.")


class OnCooldown(app_commands.CheckFailure):
    """A question asked before the member's cooldown ended."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"Slow down a little: ask again in {retry_after:.0f} s.")


def is_moderator(member: discord.Member | discord.User, moderator_role: int | None) -> bool:
    """Manage Server in this guild, or the configured moderator role."""
    if not isinstance(member, discord.Member):
        return False  # a DM: nobody moderates there
    if member.guild_permissions.manage_guild:
        return True
    return moderator_role is not None and any(r.id == moderator_role for r in member.roles)


def moderator_only() -> Callable[[T], T]:
    """An app-command check: raises `NotModerator` unless the caller moderates this guild, by
    Manage Server or by the bot's configured moderator role."""

    def predicate(interaction: discord.Interaction) -> bool:
        client = interaction.client
        role = client.settings.moderator_role if isinstance(client, ClaimBot) else None
        if not is_moderator(interaction.user, role):
            raise NotModerator()
        return True

    return app_commands.check(predicate)


class MemberCooldown:
    """At most one use per member every `seconds`, shared by every path that asks."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[int, float] = {}

    def retry_after(self, member_id: int) -> float:
        """0 and the use is counted, or the seconds left to wait (and nothing is counted)."""
        now = self._clock()
        last = self._last.get(member_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[member_id] = now
        if len(self._last) > 10_000:  # forget members whose cooldown has long expired
            self._last = {k: v for k, v in self._last.items() if now - v < self.seconds}
        return 0.0
