"""Any JSON-LD document → one shape: nodes compacted to plain schema.org terms.

Publishers and tools write the same ClaimReview compacted, expanded (full IRIs, every value in
a list), flattened (nodes side by side, linked by `@id`, `id`/`type` aliases) or inside a
`@graph`. A JSON-LD processor (pyld) expands whatever came and compacts it again to one fixed
context, so the lenient reader sees one shape. schema.org's context ships with claimbot and
is the only remote context served: reading a document never touches the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from index.claimreview_shapes import from_other_shapes

SCHEMA_VOCAB = "http://schema.org/"
_SCHEMA_HTTPS = "https://schema.org/"
_SCHEMA_CONTEXT_URLS = {
    "http://schema.org",
    "https://schema.org",
    "http://schema.org/docs/jsonldcontext.json",
    "https://schema.org/docs/jsonldcontext.json",
    "http://schema.org/docs/jsonldcontext.jsonld",
    "https://schema.org/docs/jsonldcontext.jsonld",
}
CLAIMBOT_TERMS = {"claimbot": "urn:claimbot:"}
# What a document without a context of its own is read with: schema.org's, as claimbot writes.
_DEFAULT_CONTEXT: list[Any] = ["https://schema.org", CLAIMBOT_TERMS]


class UnservedContextError(ValueError):
    """A document names a remote context other than schema.org's; claimbot does not fetch it."""


@cache
def schema_context() -> dict[str, Any]:
    """schema.org's JSON-LD context document, from the copy shipped in `index/data`."""
    text = resources.files("index").joinpath("data/schemaorg-context.jsonld").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def offline_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld's document loader that serves schema.org's context and nothing else."""
    if url.rstrip("/") not in _SCHEMA_CONTEXT_URLS:
        raise UnservedContextError(f"remote JSON-LD context {url!r} is not served offline")
    return {"contextUrl": None, "documentUrl": url, "document": schema_context()}


def _compact_context() -> dict[str, Any]:
    """The fixed context nodes are compacted to: schema.org's vocabulary and claimbot's prefix,
    without the `id`/`type` aliases, so keywords come out as `@id` and `@type`."""
    context = {
        key: value
        for key, value in schema_context()["@context"].items()
        if value not in ("@id", "@type")
    }
    return {**context, **CLAIMBOT_TERMS}


def normalise(data: Any) -> Any:
    """Decoded JSON → the same data compacted to schema.org terms (see the module docstring).

    Shapes that are not JSON-LD (the Fact Check Tools API, extruct's raw microdata) are turned
    into JSON-LD first. Data a JSON-LD processor cannot read (invalid keywords, a remote
    context other than schema.org's) comes back as it was, for the lenient reader to try.
    """
    data = from_other_shapes(data)
    try:
        expanded = jsonld.expand(_with_default_context(data), {"documentLoader": offline_loader})
        expanded = _schema_over_http(expanded)
        compacted = jsonld.compact(expanded, _compact_context(), {"documentLoader": offline_loader})
    except (jsonld.JsonLdError, UnservedContextError, TypeError, ValueError):
        return data
    compacted.pop("@context", None)
    return compacted


def _with_default_context(data: Any) -> Any:
    """The document, read with schema.org's context where it names none."""
    if isinstance(data, list):
        return {"@context": _DEFAULT_CONTEXT, "@graph": data}
    if isinstance(data, Mapping) and "@context" not in data:
        return {"@context": _DEFAULT_CONTEXT, **data}
    return data


def _schema_over_http(value: Any) -> Any:
    """`https://schema.org/x` IRIs as `http://schema.org/x`, the one vocabulary compacted to
    terms (both are schema.org; its context uses http)."""
    if isinstance(value, list):
        return [_schema_over_http(v) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = _http(key)
            out[key] = _http(item) if key == "@type" else _schema_over_http(item)
        return out
    return value


def _http(value: Any) -> Any:
    if isinstance(value, list):
        return [_http(v) for v in value]
    if isinstance(value, str) and value.startswith(_SCHEMA_HTTPS):
        return SCHEMA_VOCAB + value.removeprefix(_SCHEMA_HTTPS)
    return value


def walk_nodes(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object in the data, parents before children, in document order."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(reversed(current))
        elif isinstance(current, Mapping):
            yield current
            stack.extend(
                reversed([v for k, v in current.items() if k != "@value" and k != "@context"])
            )


def nodes_by_id(data: Any) -> dict[str, Mapping[str, Any]]:
    """Every node that says more than its `@id`, by that id, so references resolve."""
    nodes: dict[str, Mapping[str, Any]] = {}
    for node in walk_nodes(data):
        ident = node.get("@id")
        if isinstance(ident, str) and len(node) > 1:
            nodes.setdefault(ident, node)
    return nodes
