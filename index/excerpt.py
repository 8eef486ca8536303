"""How an error message quotes a file: a short excerpt of one line, cleaned and with anything
shaped like a secret masked.

Every message that shows a review's (or an imported file's) text goes through `excerpt`, so
the promise that a secret is never printed holds whatever a file holds: a file is only read
from inside the reviews folder, and even there a line such as `CLAIMBOT_DISCORD_TOKEN=...`
is never echoed.
"""

from __future__ import annotations

import unicodedata

import regex

EXCERPT_CHARS = 60
"""The most characters of a line an error message quotes."""

CLAIM_CHARS = 120
"""The most characters of a claim's headline an error shows (headlines run longer than lines
quoted as evidence)."""

HIDDEN = "[hidden]"

# A name ending in one of these words: the value after its `=` or `:`, to the end of the line.
_ASSIGNMENT = regex.compile(
    r"(?i)(?P<name>[\w.-]*(?:TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIALS?|AUTH))"
    r"(?P<sep>\s*[=:]\s*)(?P<value>\S.*)"
)
_DISCORD_TOKEN = regex.compile(r"[\w-]{20,}\.[\w-]{5,}\.[\w-]{20,}")
# A long run of base64, base64url or hex characters mixing upper and lower case and digits:
# keys and tokens look like this, words and slugs (lower case, hyphens) do not.
_RANDOM_RUN = regex.compile(
    r"(?=[A-Za-z0-9+/_=-]*[A-Z])(?=[A-Za-z0-9+/_=-]*[a-z])(?=[A-Za-z0-9+/_=-]*\d)"
    r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{20,}"
)
_HEX_RUN = regex.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])")


def mask_secrets(text: str) -> str:
    """`text` with every token-shaped string and the value of every `NAME=value` whose name
    says secret (TOKEN, SECRET, PASSWORD, KEY, ...) replaced by `[hidden]`."""
    text = _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{HIDDEN}", text)
    for pattern in (_DISCORD_TOKEN, _RANDOM_RUN, _HEX_RUN):
        text = pattern.sub(HIDDEN, text)
    return text


def clean_line(text: str, limit: int = EXCERPT_CHARS) -> str:
    """One line of a file as a message may show it: control and formatting characters (which
    could rewrite a terminal or reorder text) dropped, runs of white space made one space,
    secrets masked (before cutting, so a cut cannot shorten a token past recognition), and
    cut to `limit` characters with an ellipsis."""
    shown = "".join(" " if c.isspace() else c for c in text if _shown(c))
    shown = mask_secrets(" ".join(shown.split()))
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def _shown(c: str) -> bool:
    # The zero-width joiner stays: it holds multi-codepoint emoji (headlines) together.
    return c.isspace() or c == "\u200d" or unicodedata.category(c)[0] != "C"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`clean_line(text)` in quotes, as error messages quote a file: `found {excerpt(line)}`
    (quoted as `repr` quotes, without its escapes: the cleaned line has nothing to escape)."""
    shown = clean_line(text, limit)
    if "'" in shown and '"' not in shown:
        return f'"{shown}"'
    return "'" + shown.replace("\\", "\\\\").replace("'", "\\'") + "'"
