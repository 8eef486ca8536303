"""A yes/no question with buttons, for changes that cannot be undone from Discord; without an
answer before the timeout the buttons go and nothing changes, so a forgotten prompt never lets
someone confirm it hours later."""

from __future__ import annotations

import logging

import discord

from bot.discordbot.embeds import cut
from bot.discordbot.error_handling import MESSAGE_LIMIT
from bot.discordbot.owner_view import OwnerOnlyView

log = logging.getLogger("claimbot.discord")

CANCELLED = "Cancelled: nothing changed."
EXPIRED = "No answer in time: nothing changed."


class Confirm(OwnerOnlyView):
    """`await view.wait()`, then `view.confirmed` says whether the owner pressed `action`."""

    refusal = "Only the moderator who asked can answer this."

    def __init__(self, owner_id: int, prompt: str, action: str, timeout: float) -> None:
        super().__init__(owner_id, timeout)
        # Room for the "→ <action>…" line added when a button is pressed: a prompt naming a
        # long episode title would otherwise pass Discord's message limit.
        self.prompt = cut(prompt, MESSAGE_LIMIT - len(action) - 8)
        self.confirmed = False
        self.accept.label = action

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


async def ask_confirmation(
    interaction: discord.Interaction, prompt: str, action: str, timeout: float, *, deferred: bool
) -> bool:
    """Ask the caller, privately, and wait: True once they press `action`, False on Cancel or
    timeout. `deferred` says whether the interaction was already answered with a deferral."""
    view = Confirm(interaction.user.id, prompt, action, timeout)
    none = discord.AllowedMentions.none()
    if deferred:
        view.message = await interaction.followup.send(
            view.prompt, view=view, ephemeral=True, allowed_mentions=none, wait=True
        )
    else:
        sent = await interaction.response.send_message(
            view.prompt, view=view, ephemeral=True, allowed_mentions=none
        )
        if isinstance(sent.resource, discord.InteractionMessage):
            view.message = sent.resource
    await view.wait()
    return view.confirmed
