"""Views only the member who ran the command may use; anyone else is told so, privately."""

from __future__ import annotations

from typing import ClassVar

import discord


class OwnerOnlyView(discord.ui.View):
    """A view whose controls answer `owner_id` alone; `message` is set once it is sent, so a
    subclass can edit it when the view times out."""

    refusal: ClassVar[str]
    """What a member other than the owner is told when they press a control."""

    def __init__(self, owner_id: int, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.Message | discord.WebhookMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            self.refusal, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
        return False
