"""The JSON-LD terms claimbot writes, and lenient readers for values as publishers write them.

The same property turns up as a string, a number, a list, `{"@value": ...}` or an object, under
its plain term, a `schema:` compact IRI or a full schema.org IRI. These helpers take whatever
shape comes and return plain Python values, or None when nothing usable is there.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import regex
from dateutil import parser as dateparser

from index.text import one_line, without_lone_surrogates

SCHEMA_CONTEXT = "https://schema.org"
SCHEMA_PREFIXES = ("schema:", "http://schema.org/", "https://schema.org/")
CLAIMBOT_PREFIX = "urn:claimbot:"
"""Prefix of claimbot's own terms, for what schema.org has no property for."""
CONTEXT: list[Any] = [SCHEMA_CONTEXT, {"claimbot": CLAIMBOT_PREFIX}]
EMOJI_PROPERTY = "claimbot:emoji"
_EMOJI = regex.compile(
    r"^(?:[#*0-9]\uFE0F?\u20E3|[\p{Extended_Pictographic}\p{Regional_Indicator}"
    r"\p{Emoji_Modifier}\u200D\uFE0F\uFE0E\U000E0020-\U000E007F])+$"
)
# Markup publishers leave in their text: tags, and character references such as `&amp;`.
_HTML = regex.compile(r"</?[A-Za-z][^<>]*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")
_HTML_BREAK = regex.compile(r"<br\s*/?>|</?p(?:\s[^<>]*)?>|</?div(?:\s[^<>]*)?>", regex.I)
_HTML_TAG = regex.compile(r"</?[A-Za-z][^<>]*>")
_UNSAFE_IN_URL = regex.compile(r'[\s"<>]')
_LANGUAGE_TAG = regex.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
# Two far-apart defaults: a date that parses to the same day under both names its own day.
_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 12, 28)
_ISO_DURATION = regex.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$",
    regex.I,
)


def prop(node: Mapping[str, Any], name: str) -> Any:
    """A property by its term, its `schema:` compact IRI or its full schema.org IRI."""
    for key in (name, *(prefix + name for prefix in SCHEMA_PREFIXES)):
        if key in node:
            return node[key]
    return None


def types_of(node: Mapping[str, Any]) -> set[str]:
    """The node's `@type`s without schema.org prefixes: `{"ClaimReview"}`."""
    raw = node.get("@type", node.get("type"))
    names = raw if isinstance(raw, list) else [raw]
    out = set()
    for name in names:
        if isinstance(name, str):
            for prefix in SCHEMA_PREFIXES:
                name = name.removeprefix(prefix)
            out.add(name)
    return out


def as_list(value: Any) -> list[Any]:
    """A list of the values, whether one was given, several or none."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first(value: Any) -> Any:
    """The first non-null item of a list; anything else as it is."""
    if isinstance(value, list):
        return next((v for v in value if v is not None), None)
    return value


def text_of(value: Any, keep_lines: bool = False) -> str | None:
    """A string from a string, a number, `{"@value": ...}` or the first of a list."""
    value = first(value)
    if isinstance(value, Mapping):
        value = value.get("@value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)  # not `:g`, which wrote episode 1234567 as "1.23457e+06"
    elif isinstance(value, float):
        value = f"{value:g}"
    if not isinstance(value, str):
        return None
    # The review parser drops byte-order marks wherever they are in a line: a field holding
    # only one is as empty as a blank one, not a claim whose written line would read empty.
    # A lone surrogate (valid in JSON, not in UTF-8) could not be written to a file at all.
    value = without_lone_surrogates(value.replace("\ufeff", ""))
    if _HTML.search(value):
        value = without_html(value)
    text = value.strip() if keep_lines else one_line(value)
    return text or None


def without_html(text: str) -> str:
    """Text without its HTML: a break or paragraph becomes a line break, other tags go,
    character references become their characters."""
    text = _HTML_BREAK.sub("\n", text)
    return html.unescape(_HTML_TAG.sub("", text))


def number_of(value: Any) -> float | None:
    """A number from a number, a numeric string (`"4"`, `"4,5"`) or `{"@value": ...}`."""
    value = first(value)
    if isinstance(value, Mapping):
        value = value.get("@value")
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    # NaN and infinities (Python's JSON reads NaN, strings read "inf") are no rating.
    return number if math.isfinite(number) else None


def episode_number_of(value: Any) -> int | None:
    """`58`, `"58"` or `"#58"` → 58; anything else (`"S2E5"`) → None."""
    text = text_of(value)
    if text and regex.fullmatch(r"#?\s*\d{1,7}(?:\.0+)?", text):
        return int(float(text.lstrip("#").strip()))
    return None


def date_of(value: Any) -> date | None:
    """A date as publishers write it: ISO 8601 (a date-time keeps only its own date, whatever
    its offset, `+5:30` too), RFC 2822 (`Wed, 11 Mar 2020 01:05:52 UTC +00:00`) or
    `March 12, 2026`. Text that names no day (`2020`, `March 2020`) is no date."""
    text = text_of(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        first = dateparser.parse(text, default=_DEFAULT_A)
        second = dateparser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    return first.date() if first.date() == second.date() else None


def url_of(value: Any) -> str | None:
    """A web address from a string, an `{"@id": ...}` IRI or a node's `url`, written so a
    review file can hold it (http or https, no spaces); None for anything else."""
    value = first(value)
    if isinstance(value, Mapping):
        value = value.get("@id") if "@id" in value and len(value) == 1 else prop(value, "url")
        value = first(value)
        if isinstance(value, Mapping):
            value = value.get("@id", value.get("@value"))
    text = text_of(value)
    if not text:
        return None
    # What a review file's `URL:` line cannot hold (spaces, quote marks, angle brackets)
    # percent-encoded, as a browser would; every other character as published.
    text = str(_UNSAFE_IN_URL.sub(lambda m: quote(m[0]), text))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def host_of(url: str) -> str:
    """The host of a web address: `https://www.example.org/x` → `www.example.org`."""
    return urlsplit(url).hostname or url


def language_of(value: Any) -> str | None:
    """A BCP 47 tag from a string (`pt_BR` → `pt-BR`), a schema.org `Language` (its
    `alternateName` or `name`) or a language's English name (`English` → `en`); None when
    none of them is given."""
    value = first(value)
    candidates = (
        [prop(value, "alternateName"), prop(value, "name"), value.get("@value")]
        if isinstance(value, Mapping)
        else [value]
    )
    for candidate in candidates:
        text = (text_of(candidate) or "").replace("_", "-")
        if _LANGUAGE_TAG.match(text):
            return text
    names = (text_of(c) for c in candidates)
    return next((tag for name in names if name and (tag := _tag_of_name(name))), None)


def _tag_of_name(name: str) -> str | None:
    """`English` → `en`: a language named in English, as some publishers give it."""
    from lingua import Language  # lazily: only a document that names a language needs it

    try:
        return str(Language.from_str(name).iso_code_639_1.name.lower())
    except ValueError:
        return None


def duration_minutes(text: str | None) -> int | None:
    """An ISO 8601 duration (`PT1H25M`) in whole minutes."""
    match = _ISO_DURATION.match(text or "")
    if not match or not any(match.group(k) for k in "dhms"):
        return None
    minutes = (
        float(match["d"] or 0) * 1440
        + float(match["h"] or 0) * 60
        + float(match["m"] or 0)
        + float(match["s"] or 0) / 60
    )
    return round(minutes) or None


def emoji_of(value: Any) -> str:
    """The value if it is an emoji sequence the review parser recognises, else ""."""
    text = text_of(value) or ""
    return text if _EMOJI.match(text) else ""
