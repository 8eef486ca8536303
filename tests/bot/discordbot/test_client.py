"""ClaimBot's start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.discordbot.conftest import index_reference_review, running_bot
from tests.fakes import HashingEmbedder


@pytest.mark.asyncio
async def test_the_bulk_model_is_loaded_before_the_bot_is_ready(
    tmp_path: Path, embedder: HashingEmbedder
) -> None:
    """So its objects are frozen out of full garbage collections with the rest."""
    bulk = HashingEmbedder()
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder, bulk_embedder=bulk):
        assert bulk.calls == [["warm up"]]


@pytest.mark.asyncio
async def test_the_language_detector_is_loaded_before_the_bot_is_ready(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged model reads English only, so every question is checked for its language:
    the detector's models load at start-up, not on a member's first question."""
    loaded: list[bool] = []
    monkeypatch.setattr("bot.discordbot.client.load_language_detector", lambda: loaded.append(True))
    index_reference_review(tmp_path, embedder)
    async with running_bot(tmp_path, embedder):
        assert loaded == [True]
