"""The exceptions of `bot/`: each is a `ClaimbotError`, so the CLI and the Discord error layers
word it as they word the engine's.

    ClaimbotError (index)
    ├── BotStartError        the bot cannot start: token, intents, commands
    ├── ReindexProcessError  a child `claimbot reindex` failed or was killed
    └── UploadRefused        a /review upload that is not a review file claimbot may save

    app_commands.CheckFailure (discord.py)
    ├── NotModerator         a moderator command run by a member who is not one
    └── OnCooldown           a question asked before the member's cooldown ended

The two check failures live in bot/discordbot/checks.py, beside the checks that raise them,
because they are discord.py types and the CLI does not load discord.py.
"""

from __future__ import annotations

from index import ClaimbotError


class BotStartError(ClaimbotError):
    """The bot cannot start: a missing or rejected token, or intents the portal refuses."""


class ReindexProcessError(ClaimbotError):
    """The reindex process failed or was killed; the index that served before still serves."""


class UploadRefused(ClaimbotError):
    """An attachment that is not a review file claimbot may save; nothing was changed."""
