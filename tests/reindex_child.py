"""`claimbot` in a child process with the deterministic HashingEmbedder instead of the model.

    python -m tests.reindex_child reindex --json --index DIR --reviews DIR

The real command line (`bot.cli.main`: its flags, JSON and exit statuses), so a bot built on
the HashingEmbedder can run its reindexes as child processes in seconds, and serve them.
"""

from __future__ import annotations

import sys

from bot.cli import main
from tests.fakes import HashingEmbedder

COMMAND = (sys.executable, "-m", "tests.reindex_child", "reindex", "--json")
"""A `ChildProcessReindexer` command whose index the test's HashingEmbedder can read."""

if __name__ == "__main__":
    sys.exit(main(embedder=HashingEmbedder()))
