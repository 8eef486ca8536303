"""`claimbot`'s exit statuses: set by the CLI, read by the bot from a child reindex."""

from __future__ import annotations

EXIT_ERROR = 1
EXIT_BUSY = 75
"""Another reindex holds the index's lock: try again later (BSD's EX_TEMPFAIL)."""
EXIT_INTERRUPTED = 130
"""Stopped with Ctrl-C (128 + SIGINT, as shells report it)."""
