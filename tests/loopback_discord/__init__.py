"""A Discord stand-in on 127.0.0.1 that the real discord.py client talks to in tests."""

from tests.loopback_discord.recording import Recorded
from tests.loopback_discord.server import LoopbackDiscord

__all__ = ["LoopbackDiscord", "Recorded"]
