"""The `claimbot` command line: text for people by default, `--json` for scripts (shapes in
README.md), errors as one line on stderr and a non-zero exit status.

`main` is the console entry point (`claimbot = "bot.cli:main"`); `python -m bot.cli` runs it too.
"""

from bot.cli.dispatch import main

__all__ = ["main"]
