"""The loopback Discord stand-in in its own process, driven over a pipe, for bot_stall.

In the bot's process the stand-in shares its event loop and heap with the bot: its gateway
frames, its JSON and its record of every request are work the bot's loop would not do against
the real Discord, and they count in the loop's stalls. Here it runs apart:

    python -m benchmarks.standin_process HEARTBEAT_SECONDS

prints one JSON line (token and URLs) once listening, then answers JSON requests, one a line on
stdin, with one JSON line each on stdout, by id, in whatever order they finish. Its clock is
`time.monotonic`, like the stand-in's own records.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from typing import Any

from tests.loopback_discord import LoopbackDiscord

PEOPLE = {p.name: p for p in (LoopbackDiscord.MEMBER, LoopbackDiscord.MODERATOR)}


async def serve(heartbeat: float) -> None:
    server = LoopbackDiscord(heartbeat_interval=heartbeat)
    await server.start()
    print(json.dumps({"token": server.token, "api_url": server.api_url,
                      "gateway_url": server.gateway_url}), flush=True)  # fmt: skip
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    running: set[asyncio.Task[None]] = set()

    async def answer(request: dict[str, Any]) -> None:
        op = request["op"]
        result: Any
        if op == "invoke":
            person = PEOPLE[request["who"]]
            result = await server.invoke(request["name"], person, **request["options"])
        elif op == "reply":
            result = (await server.reply(request["token"], timeout=request["timeout"])).at
        elif op == "events":
            result = server.events(request["kind"])
        elif op == "acknowledged_after":
            result = server.acknowledged_after(request["token"])
        else:
            raise ValueError(f"unknown op {op!r}")
        print(json.dumps({"id": request["id"], "result": result}), flush=True)

    async for line in reader:
        request = json.loads(line)
        if request["op"] == "close":
            break
        task = asyncio.create_task(answer(request))
        running.add(task)
        task.add_done_callback(running.discard)
    for task in running:
        task.cancel()
    await server.close()


class RemoteStandIn:
    """The stand-in's API that bot_stall uses, served by a child process."""

    def __init__(self, heartbeat_interval: float) -> None:
        self.heartbeat_interval = heartbeat_interval
        self._ids = itertools.count()
        self._waiting: dict[int, asyncio.Future[Any]] = {}

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.standin_process", str(self.heartbeat_interval),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._process.stdout is not None
        hello = json.loads(await self._process.stdout.readline())
        self.token, self.api_url = hello["token"], hello["api_url"]
        self.gateway_url = hello["gateway_url"]
        self._reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._process.stdout is not None
        async for line in self._process.stdout:
            answer = json.loads(line)
            self._waiting.pop(answer["id"]).set_result(answer["result"])

    async def _call(self, op: str, **request: Any) -> Any:
        assert self._process.stdin is not None
        number = next(self._ids)
        self._waiting[number] = asyncio.get_running_loop().create_future()
        self._process.stdin.write(json.dumps({"op": op, "id": number, **request}).encode() + b"\n")
        return await self._waiting[number]

    async def invoke(self, name: str, person: Any = LoopbackDiscord.MEMBER, **options: str) -> str:
        return str(await self._call("invoke", name=name, who=person.name, options=options))

    async def reply_at(self, token: str, timeout: float = 10.0) -> float:
        """When the bot answered the interaction (the stand-in's clock)."""
        return float(await self._call("reply", token=token, timeout=timeout))

    async def events(self, kind: str) -> list[float]:
        return list(await self._call("events", kind=kind))

    async def acknowledged_after(self, token: str) -> float:
        return float(await self._call("acknowledged_after", token=token))

    async def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(b'{"op": "close"}\n')
        await self._process.wait()
        self._reading.cancel()


if __name__ == "__main__":
    asyncio.run(serve(float(sys.argv[1])))
