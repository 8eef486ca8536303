"""What every PostgreSQL user of claimbot shares without importing psycopg: how a URL is shown
(never its password), libpq's messages in one line, and the advisory-lock keys."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ADVISORY_CLASS = 0x636C6169  # "clai": the first key of every advisory lock claimbot takes
MIGRATION_LOCK = 1
"""Second key of the lock migrations hold, so processes starting together migrate in turn."""
REINDEX_LOCK = 2
"""Second key of the lock a reindex holds from start to publication, on whichever machine."""
CONNECT_TIMEOUT = 5  # seconds to reach the server before saying it cannot be reached


def masked_url(url: str) -> str:
    """`url` with its password (in the user part or as a parameter) shown as `***`."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:***@{host}"
    query = urlencode(
        [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)], safe="*"
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def one_line(exc: BaseException) -> str:
    """libpq's multi-line messages as one line."""
    return " ".join(str(exc).split())
