"""What the bot sent the stand-in: REST requests and gateway events, with times, and waiting
for the one a test expects."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Recorded:
    """One REST request as the bot sent it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float


class Recorder:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.gateway_log: list[tuple[str, float]] = []  # ("heartbeat" | "ack" | ..., time)
        self.created_at: dict[str, float] = {}  # interaction token → INTERACTION_CREATE sent

    def events(self, kind: str, since: float = 0.0) -> list[float]:
        return [at for k, at in self.gateway_log if k == kind and at >= since]

    def acknowledged_after(self, token: str) -> float:
        """Seconds from INTERACTION_CREATE to the bot's first callback (Discord allows 3)."""
        callback = next(r for r in self.sent_for(token) if r.path.endswith("/callback"))
        return callback.at - self.created_at[token]

    def sent_for(self, token: str) -> list[Recorded]:
        """Every callback, follow-up and edit the bot sent for one interaction, in order."""
        return [r for r in self.requests if f"/{token}" in r.path]

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], timeout: float = 10.0
    ) -> Recorded:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for request in self.requests:
                if predicate(request):
                    return request
            await asyncio.sleep(0.01)
        raise TimeoutError("the bot never sent the expected request")

    async def reply(self, token: str, timeout: float = 10.0) -> Recorded:
        """The bot's visible answer to an interaction: an immediate message, an autocomplete
        result, a message update or the first follow-up (a deferral is not an answer)."""

        def answers(r: Recorded) -> bool:
            if f"/{token}" not in r.path:
                return False
            if r.path.endswith("/callback"):
                return bool(r.body["type"] in (4, 7, 8))
            return r.method == "POST"

        return await self.wait_for(answers, timeout)

    async def wait_for_event(self, kind: str, since: float = 0.0, timeout: float = 10.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(kind, since)
            if found:
                return found[0]
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no {kind} on the gateway")
