"""The "Read the review" link button under a verdict whose review has a web page."""

from __future__ import annotations

import discord

from bot.wording import READ_THE_REVIEW
from index import Hit

URL_LIMIT = 512
"""Discord refuses a link button whose URL is longer."""


def with_review_link(view: discord.ui.View, hit: Hit | None) -> discord.ui.View:
    """`view` with a link button to the hit's review page, when it has one that Discord takes
    (http or https, at most 512 characters); else `view` unchanged."""
    url = hit.provenance.url if hit is not None else None
    if url and url.startswith(("http://", "https://")) and len(url) <= URL_LIMIT:
        view.add_item(discord.ui.Button(label=READ_THE_REVIEW, url=url, emoji="🔗"))
    return view
