"""A yes/no question with buttons, for changes that cannot be undone from Discord.

Only the member who ran the command may answer (others are told so, privately). Without an
answer before the timeout the buttons are removed and nothing changes, so a forgotten prompt
never lets someone confirm it hours later.
"""

from __future__ import annotations

import logging

import discord

from bot.discordbot.embeds import cut
from bot.discordbot.errors import MESSAGE_LIMIT

log = logging.getLogger("claimbot.discord")

CANCELLED = "Cancelled: nothing changed."
EXPIRED = "No answer in time: nothing changed."


class Confirm(discord.ui.View):
    """`await view.wait()`, then `view.confirmed` says whether the owner pressed `action`."""

    def __init__(self, owner_id: int, prompt: str, action: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        # Room for the "→ <action>…" line added when a button is pressed: a prompt naming a
        # long episode title would otherwise pass Discord's message limit.
        self.prompt = cut(prompt, MESSAGE_LIMIT - len(action) - 8)
        self.confirmed = False
        self.message: discord.Message | discord.WebhookMessage | None = None
        self.accept.label = action

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the moderator who asked can answer this.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        return False

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def accept(
        self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
    ) -> None:
        self.confirmed = True
        try:  # the buttons go first, so nobody presses twice while the change runs
            await interaction.response.edit_message(
                content=f"{self.prompt}\n→ {button.label}…", view=None
            )
        finally:
            self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]
    ) -> None:
        try:
            await interaction.response.edit_message(content=CANCELLED, view=None)
        finally:
            self.stop()

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        try:
            await self.message.edit(content=EXPIRED, view=None)
        except discord.HTTPException:
            log.info("could not remove the buttons of an expired confirmation", exc_info=True)
