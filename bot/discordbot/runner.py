"""Starting the bot from settings: point discord.py at the configured endpoints, log in, run
until stopped. Start-up problems become one-line `BotStartError`s, never tracebacks."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.discordbot.client import ClaimBot
from bot.engine_factory import live_index, make_bulk_embedder, make_embedder
from bot.errors import BotStartError
from bot.reindexer import ChildProcessReindexer, reindex_in_thread
from bot.settings import Settings
from index import Embedder

log = logging.getLogger("claimbot.discord")


def point_at(settings: Settings) -> None:
    """Send REST calls and gateway connections to the configured Discord (or a stand-in).

    discord.py keeps both bases as class attributes: `Route.BASE` for REST (webhooks and
    interaction callbacks included) and `DiscordWebSocket.DEFAULT_GATEWAY`, used when the shard
    count is fixed or a session is invalidated; otherwise the URL from `GET /gateway/bot`."""
    discord.http.Route.BASE = settings.discord_api.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway)


def token_of(settings: Settings) -> str:
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise BotStartError(
            "no bot token: set CLAIMBOT_DISCORD_TOKEN (developer portal → your application → Bot)"
        )
    return token


def build_bot(settings: Settings, embedder: Embedder | None = None, **options: Any) -> ClaimBot:
    """The bot the settings describe. An embedder handed in (tests) does every job, reindexes
    included, in this process; otherwise the settings choose the embedders and where reindexes
    run (a child process holds its own bulk embedder, so the bot never loads one)."""
    if embedder is not None:
        return ClaimBot(settings, live_index(settings, embedder), reindex_in_thread, **options)
    question_embedder = make_embedder(settings)
    if settings.reindex_in == "process":
        live = live_index(settings, question_embedder)
        return ClaimBot(settings, live, ChildProcessReindexer(settings), **options)
    live = live_index(settings, question_embedder, make_bulk_embedder(settings))
    return ClaimBot(settings, live, reindex_in_thread, **options)


async def serve(settings: Settings, embedder: Embedder | None = None, **options: Any) -> None:
    """Run the bot until it is closed. Raises `BotStartError`, one line for a person, when
    Discord cannot be reached or refuses the token, the intents or the commands."""
    token = token_of(settings)
    point_at(settings)
    bot = build_bot(settings, embedder, **options)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure as exc:
        raise BotStartError(
            "Discord rejected the bot token (CLAIMBOT_DISCORD_TOKEN): reset it in the developer "
            "portal and try again"
        ) from exc
    except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as exc:
        # Only at start-up: once connected, discord.py reconnects by itself.
        raise BotStartError(f"cannot reach Discord at {settings.discord_api}: {exc}") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise BotStartError(
            "Discord refused the message-content intent: enable it under Bot → Privileged "
            "Gateway Intents, or set CLAIMBOT_MESSAGE_CONTENT=false"
        ) from exc
