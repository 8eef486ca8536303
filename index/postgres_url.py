"""What every PostgreSQL user of claimbot shares without importing psycopg: how a URL is shown
(never its password), libpq's messages in one line, and the advisory-lock keys."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

ADVISORY_CLASS = 0x636C6169  # "clai": the first key of every advisory lock claimbot takes
MIGRATION_LOCK = 1
"""Second key of the lock migrations hold, so processes starting together migrate in turn."""
REINDEX_LOCK = 2
"""Second key of the lock a reindex holds from start to publication, on whichever machine."""
CONNECT_TIMEOUT = 5  # seconds to reach the server before saying it cannot be reached


def masked_url(url: str) -> str:
    """`url` with its password (in the user part or as a parameter) shown as `***`.

    The user part is taken to end at the last `@`, not where `urlsplit` ends it: a password
    pasted unencoded may hold `/`, `?` or `#` (a base64 one does), and must be hidden even then.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    credentials, at, place = rest.rpartition("@")
    if at:
        user, colon, _ = credentials.partition(":")
        credentials = f"{user}:***@" if colon else f"{credentials}@"
    parts = urlsplit(f"{scheme}://{place}", allow_fragments=False)  # libpq has none
    query = urlencode(
        [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="*/"
    )
    shown = urlunsplit(("", "", parts.path, query, ""))
    return f"{scheme}://{credentials}{parts.netloc}{shown}"


def secrets_in(url: str) -> list[str]:
    """Every form in which `url`'s password could be quoted back (libpq's message about a bad
    percent-escape quotes the token), longest first."""
    _, _, rest = url.partition("://")
    credentials, at, _ = rest.rpartition("@")
    found = [credentials.partition(":")[2]] if at else []
    found += re.findall(r"[?&]password=([^&]*)", url)
    found += [unquote(s) for s in found]
    return sorted({s for s in found if s}, key=len, reverse=True)


def one_line(exc: BaseException, url: str) -> str:
    """libpq's multi-line messages as one line, with anything of `url`'s password masked."""
    line = " ".join(str(exc).split())
    for secret in secrets_in(url):
        line = line.replace(secret, "***")
    return line
