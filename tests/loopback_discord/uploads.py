"""Files members attach to slash commands, served back on loopback as Discord's CDN would.

Discord puts an attachment option's metadata (name, size, content type, URL) in the
interaction's `resolved.attachments`; the bot then downloads the URL. Here the URL points at
the stand-in itself, which records every download so tests can tell whether one happened.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from aiohttp import web

ATTACHMENT = 11  # the application-command option type


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    content_type: str | None
    size: int  # what Discord reports; a test may make it differ from len(data)


class Uploads:
    def __init__(self) -> None:
        self.base_url = ""
        self.downloads: list[str] = []  # attachment ids, in the order the bot fetched them
        self._files: dict[str, Upload] = {}
        self._ids = itertools.count(900_000)

    def add(
        self,
        filename: str,
        data: bytes,
        content_type: str | None = "text/plain; charset=utf-8",
        size: int | None = None,
    ) -> str:
        """A member's file; returns the attachment id to pass as the option's value."""
        attachment_id = str(next(self._ids))
        self._files[attachment_id] = Upload(
            filename, data, content_type, len(data) if size is None else size
        )
        return attachment_id

    def payload(self, attachment_id: str) -> dict[str, Any]:
        upload = self._files[attachment_id]
        url = f"{self.base_url}/attachments/{attachment_id}/{upload.filename}"
        payload: dict[str, Any] = {
            "id": attachment_id,
            "filename": upload.filename,
            "size": upload.size,
            "url": url,
            "proxy_url": url,
        }
        if upload.content_type is not None:
            payload["content_type"] = upload.content_type
        return payload

    async def serve(self, request: web.Request) -> web.Response:
        attachment_id = request.match_info["id"]
        upload = self._files.get(attachment_id)
        if upload is None:
            return web.Response(status=404)
        self.downloads.append(attachment_id)
        return web.Response(body=upload.data, content_type="application/octet-stream")
