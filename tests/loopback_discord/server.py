"""`LoopbackDiscord`: the gateway and the REST routes claimbot's bot uses, on 127.0.0.1.

It speaks just enough of Discord for the real discord.py client: HELLO, IDENTIFY → READY and
GUILD_CREATE, heartbeats and their ACKs, RESUME after a dropped socket, dispatching interactions
and messages, command sync, interaction callbacks, webhook follow-ups and edits, channel
messages, attachments (served back for download). Each shard has its own connection and its
own guild, so bots in several processes, one range of shards each, can share one stand-in.
Every REST request and gateway event is recorded so tests assert on what the bot actually sent,
and `invoke`/`click`/`say` play the part of members.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from tests.loopback_discord import payloads
from tests.loopback_discord.recording import Recorded, Recorder
from tests.loopback_discord.uploads import ATTACHMENT, Uploads

Json = dict[str, Any]

EPHEMERAL = 1 << 6
MANAGE_GUILD = 1 << 5
MESSAGE_CONTENT = 1 << 15  # the privileged gateway intent
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11)  # view channel, send messages
SUBCOMMAND = 1  # the application-command option type


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    roles: tuple[int, ...] = ()
    permissions: int = MEMBER_PERMISSIONS


class LoopbackDiscord(Recorder):
    APP_ID = 1000
    GUILD_ID = 2000
    CHANNEL_ID = 3000
    MODERATOR_ROLE = 4001  # has Manage Server
    FACT_CHECKER_ROLE = 4002  # no permissions; a bot may be configured to trust it
    MEMBER = Person(5001, "member")
    MODERATOR = Person(5002, "moderator", (MODERATOR_ROLE,), MEMBER_PERMISSIONS | MANAGE_GUILD)
    FACT_CHECKER = Person(5003, "fact-checker", (FACT_CHECKER_ROLE,))

    def __init__(
        self,
        token: str = "loopback-token",
        heartbeat_interval: float = 0.3,
        message_content_allowed: bool = True,
    ) -> None:
        self.token = token
        self.message_content_allowed = message_content_allowed
        self.heartbeat_interval = heartbeat_interval
        super().__init__()
        self.identified_shards: list[tuple[int, ...]] = []  # [shard id, shard count] per IDENTIFY
        self.commands: dict[int | None, list[Json]] = {}  # guild id (None = global) → commands
        self.messages: dict[int, Json] = {}
        self.session_id: str | None = None
        self._ids = itertools.count(10_000)
        self._seq = 0
        self._socket: web.WebSocketResponse | None = None  # the latest connection
        self._sockets: dict[int, web.WebSocketResponse] = {}  # shard id → its connection
        self._session_shards: dict[str, int] = {}  # session id → shard id, for RESUME
        self._transport: asyncio.BaseTransport | None = None
        self._interactions: dict[str, Json] = {}  # token → interaction payload
        self._originals: dict[str, int] = {}  # token → original response message id
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.bot_user = payloads.user(self.APP_ID, "claimbot", bot=True)
        self.uploads = Uploads()  # files members attach to commands

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{filename}", self.uploads.serve)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.uploads.base_url = f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        for socket in {self._socket, *self._sockets.values()} - {None}:
            assert socket is not None
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket, self._transport = ws, request.transport
        await self._send(
            ws, {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval * 1000}}
        )
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                break
            message = json.loads(frame.data)
            op, data = message["op"], message.get("d")
            if op == 1:
                self.gateway_log.append(("heartbeat", time.monotonic()))
                await self._send(ws, {"op": 11})
                self.gateway_log.append(("ack", time.monotonic()))
            elif op == 2:
                if data["token"] != self.token:
                    await ws.close(code=4004, message=b"Authentication failed.")
                    break
                if data.get("intents", 0) & MESSAGE_CONTENT and not self.message_content_allowed:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                self.gateway_log.append(("identify", time.monotonic()))
                shard = data.get("shard", [0, 1])
                self.identified_shards.append(tuple(shard))
                self._sockets[shard[0]] = ws
                await self._ready(ws, shard)
            elif op == 6:
                shard_id = self._session_shards.get(data["session_id"])
                if shard_id is None or data["token"] != self.token:
                    await self._send(ws, {"op": 9, "d": False})
                    continue
                self._socket = self._sockets[shard_id] = ws
                self.gateway_log.append(("resume", time.monotonic()))
                await self._dispatch(ws, "RESUMED", {})
        return ws

    async def _ready(self, ws: web.WebSocketResponse, shard: list[int]) -> None:
        self.session_id = uuid.uuid4().hex
        self._session_shards[self.session_id] = shard[0]
        guild_id = self.guild_of(shard[0])
        guild = payloads.guild(
            guild_id,
            roles=[
                payloads.role(guild_id, "@everyone", MEMBER_PERMISSIONS),
                payloads.role(self.MODERATOR_ROLE, "Moderators", MANAGE_GUILD),
                payloads.role(self.FACT_CHECKER_ROLE, "Fact checkers"),
            ],
            channels=[payloads.channel(self.CHANNEL_ID, guild_id)],
        )
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(guild_id), "unavailable": True}],
            "session_id": self.session_id,
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": str(self.APP_ID), "flags": 0},
        }
        await self._dispatch(ws, "READY", ready)
        await self._dispatch(ws, "GUILD_CREATE", guild)

    async def _send(self, ws: web.WebSocketResponse, message: Json) -> None:
        await ws.send_str(json.dumps(message))

    async def _dispatch(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        self._seq += 1
        await self._send(ws, {"op": 0, "t": event, "s": self._seq, "d": data})

    @classmethod
    def guild_of(cls, shard: int) -> int:
        """The guild the stand-in puts on `shard`: Discord's rule is (guild id >> 22) % shards,
        and shard 0's guild is GUILD_ID."""
        return cls.GUILD_ID + (shard << 22)

    async def dispatch(self, event: str, data: Json, shard: int | None = None) -> None:
        """Send a gateway event to the bot on `shard` (default: the latest connection)."""
        socket = self._socket if shard is None else self._sockets.get(shard)
        assert socket is not None and not socket.closed, f"no bot connected (shard {shard})"
        await self._dispatch(socket, event, data)

    def drop_socket(self) -> None:
        """Cut the gateway connection without a close frame, as a network failure would."""
        assert self._transport is not None
        self._transport.abort()  # type: ignore[attr-defined]

    # -- REST ------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await request.json() if request.can_read_body else None
        self.requests.append(
            Recorded(request.method, path, dict(request.query), body, time.monotonic())
        )
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                if handler.__name__ not in self._NO_AUTH and not self._authorized(request):
                    return web.json_response(
                        {"message": "401: Unauthorized", "code": 0}, status=401
                    )
                result = await handler(body, *match.groups())
                if result is None:
                    return web.Response(status=204)
                return _json(result)
        return _json({"message": "Unknown route", "code": 0}, status=404)

    _NO_AUTH = frozenset({"_callback", "_followup", "_edit_webhook_message"})

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    def _routes(self) -> list[tuple[str, str, Callable[..., Awaitable[Any]]]]:
        return [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", self._gateway_bot),
            ("PUT", r"/applications/(\d+)/commands", self._sync_global),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync_guild),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._edit_webhook_message),
            ("POST", r"/channels/(\d+)/messages", self._channel_message),
            ("POST", r"/channels/(\d+)/typing", self._typing),
        ]

    async def _me(self, body: Any) -> Json:
        return self.bot_user

    async def _application(self, body: Any) -> Json:
        return payloads.application(self.APP_ID, payloads.user(1, "owner"))

    async def _gateway_bot(self, body: Any) -> Json:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _sync_global(self, body: list[Json], app: str) -> list[Json]:
        return self._store_commands(None, body)

    async def _sync_guild(self, body: list[Json], app: str, guild: str) -> list[Json]:
        return self._store_commands(int(guild), body)

    def _store_commands(self, guild: int | None, body: list[Json]) -> list[Json]:
        stored = [
            {
                **command,
                "id": str(next(self._ids)),
                "application_id": str(self.APP_ID),
                "version": "1",
                **({"guild_id": str(guild)} if guild else {}),
            }
            for command in body
        ]
        self.commands[guild] = stored
        return stored

    async def _callback(self, body: Json, interaction_id: str, token: str) -> Json:
        interaction = self._interactions[token]
        kind = body["type"]
        data = body.get("data") or {}
        flags = data.get("flags") or 0
        answer: Json = {
            "interaction": {
                "id": interaction_id,
                "type": interaction["type"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        if kind in (4, 5):
            message = self._new_message(data)
            self._originals[token] = int(message["id"])
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        elif kind == 7:
            message_id = int(interaction["message"]["id"])
            self.messages[message_id].update({k: v for k, v in data.items() if k != "flags"})
            answer["resource"] = {"type": kind, "message": self.messages[message_id]}
        return answer

    async def _followup(self, body: Json, app: str, token: str) -> Json:
        return self._new_message(body)

    async def _edit_webhook_message(self, body: Json, app: str, token: str, which: str) -> Json:
        message_id = self._originals[token] if which == "@original" else int(which)
        self.messages[message_id].update(body)
        return self.messages[message_id]

    async def _channel_message(self, body: Json, channel: str) -> Json:
        return self._new_message(body)

    async def _typing(self, body: Any, channel: str) -> None:
        return None

    def _new_message(self, body: Json) -> Json:
        message = payloads.message(next(self._ids), self.CHANNEL_ID, self.bot_user, body)
        self.messages[int(message["id"])] = message
        return message

    # -- members' actions ------------------------------------------------------------------

    def command(self, name: str) -> Json:
        """A command as the bot synced it (guild commands first); KeyError if never synced."""
        for guild in (self.GUILD_ID, None):
            for command in self.commands.get(guild, []):
                if command["name"] == name:
                    return command
        raise KeyError(f"/{name} was never synced")

    async def invoke(
        self, name: str, person: Person = MEMBER, *, shard: int = 0, **options: str
    ) -> str:
        """A member runs a slash command (in the guild of `shard`); returns the interaction
        token."""
        return await self._interact(2, person, self._command_data(name, options), shard=shard)

    async def autocomplete(
        self, name: str, option: str, typed: str, person: Person = MEMBER
    ) -> str:
        data = self._command_data(name, {option: typed})
        focused = data["options"][0]
        if focused["type"] == SUBCOMMAND:
            focused = focused["options"][0]
        focused["focused"] = True
        return await self._interact(4, person, data)

    async def click(
        self, message_id: int, custom_id: str, person: Person = MEMBER, *, shard: int = 0
    ) -> str:
        """A member clicks a button (in the guild of `shard`); returns the interaction token."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, person, data, shard=shard, message=self.messages[message_id])

    async def choose(
        self, message_id: int, custom_id: str, values: list[str], person: Person = MEMBER
    ) -> str:
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._interact(3, person, data, message=self.messages[message_id])

    async def say(
        self,
        content: str,
        person: Person = MEMBER,
        mentions: tuple[Json, ...] = (),
        replying_to: Json | None = None,
    ) -> int:
        """A member posts in the channel; returns the message id."""
        message_id = next(self._ids)
        author = payloads.user(person.id, person.name)
        extra: Json = {"guild_id": str(self.GUILD_ID), "mentions": list(mentions)}
        extra["member"] = {k: v for k, v in self._member(person).items() if k != "user"}
        if replying_to is not None:
            extra["message_reference"] = {
                "message_id": replying_to["id"],
                "channel_id": str(self.CHANNEL_ID),
                "guild_id": str(self.GUILD_ID),
            }
            extra["referenced_message"] = replying_to
        message = payloads.message(
            message_id, self.CHANNEL_ID, author, {"content": content}, **extra
        )
        await self.dispatch("MESSAGE_CREATE", message)
        return message_id

    def _command_data(self, name: str, options: dict[str, str]) -> Json:
        """`name` is a command, or `group subcommand`; an attachment option's value is an
        id from `uploads.add`, resolved as Discord does."""
        top, _, sub = name.partition(" ")
        command = self.command(top)
        declared = command.get("options", [])
        if sub:
            declared = next(o for o in declared if o["name"] == sub).get("options", [])
        types = {o["name"]: o["type"] for o in declared}
        given = [{"name": k, "type": types[k], "value": v} for k, v in options.items()]
        data: Json = {
            "id": command["id"],
            "name": top,
            "type": 1,
            "options": [{"name": sub, "type": SUBCOMMAND, "options": given}] if sub else given,
        }
        attached = [o["value"] for o in given if o["type"] == ATTACHMENT]
        if attached:
            data["resolved"] = {"attachments": {a: self.uploads.payload(a) for a in attached}}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    def _member(self, person: Person) -> Json:
        return payloads.member(person.id, person.name, list(person.roles), person.permissions)

    async def _interact(
        self, kind: int, person: Person, data: Json, shard: int = 0, **extra: Any
    ) -> str:
        token = f"token-{next(self._ids)}"
        guild_id = self.guild_of(shard)
        interaction: Json = {
            "id": str(next(self._ids)),
            "application_id": str(self.APP_ID),
            "type": kind,
            "data": data,
            "guild_id": str(guild_id),
            "channel_id": str(self.CHANNEL_ID),
            "channel": payloads.channel(self.CHANNEL_ID, guild_id),
            "member": self._member(person),
            "token": token,
            "version": 1,
            "app_permissions": "0",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 8 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            **extra,
        }
        self._interactions[token] = interaction
        self.created_at[token] = time.monotonic()
        await self.dispatch("INTERACTION_CREATE", interaction, shard)
        return token


def _json(data: Any, status: int = 200) -> web.Response:
    """discord.py parses a body as JSON only for exactly `application/json` (no charset)."""
    body = json.dumps(data).encode()
    return web.Response(body=body, status=status, headers={"Content-Type": "application/json"})
