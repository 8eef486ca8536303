"""`claimbot bot`: run the Discord bot in the foreground until interrupted."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import CommandFactory
from bot.settings import Settings


def register(command: CommandFactory) -> None:
    p = command("bot", "run the Discord bot (token from CLAIMBOT_DISCORD_TOKEN)")
    p.set_defaults(run=cmd_bot)


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discordbot.runner import serve, token_of  # discord.py loads only for this command

    token_of(settings)  # a missing token fails before the model loads
    asyncio.run(serve(settings, embedder=args.embedder))
    return 0
