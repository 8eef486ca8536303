"""`python -m bot.cli`: the command line, as the bot runs a child reindex."""

import sys

from bot.cli.dispatch import main

sys.exit(main())
