"""Fact-check data that is not JSON-LD, rewritten as the ClaimReview JSON-LD it stands for.

Two shapes: Google's Fact Check Tools API (`claims:search` answers `{"claims": [...]}`, each
claim holding the `claimReview`s of it), and extruct's raw microdata (`{"type": IRI,
"properties": {...}}` for every item). Anything else is passed on unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["from_api_claim", "from_other_shapes", "is_api_claim"]

_SCHEMA_CONTEXT = "https://schema.org"


def from_other_shapes(data: Any) -> Any:
    """An API response or raw microdata as a JSON-LD document; any other data as it is."""
    if isinstance(data, Mapping) and isinstance(data.get("claims"), list):
        reviews = [
            r for claim in data["claims"] if is_api_claim(claim) for r in from_api_claim(claim)
        ]
        return {"@context": _SCHEMA_CONTEXT, "@graph": reviews} if reviews else data
    if is_api_claim(data):
        return {"@context": _SCHEMA_CONTEXT, "@graph": from_api_claim(data)}
    if _is_microdata_item(data) or (
        isinstance(data, list) and data and all(_is_microdata_item(d) for d in data)
    ):
        return {"@context": _SCHEMA_CONTEXT, "@graph": _from_microdata(data)}
    return data


def is_api_claim(value: Any) -> bool:
    """Whether `value` is one claim of a Fact Check Tools API answer."""
    return (
        isinstance(value, Mapping)
        and "@type" not in value
        and isinstance(value.get("claimReview"), list)
        and any(isinstance(r, Mapping) for r in value["claimReview"])
    )


def from_api_claim(claim: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One API claim → a ClaimReview per publisher's review of it."""
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.get("claimant"):
        item["author"] = claim["claimant"]
    if claim.get("claimDate"):
        item["datePublished"] = claim["claimDate"]
    reviews = []
    for review in claim["claimReview"]:
        if not isinstance(review, Mapping):
            continue
        node: dict[str, Any] = {
            "@type": "ClaimReview",
            "claimReviewed": claim.get("text"),
            "itemReviewed": item,
            "reviewRating": {"@type": "Rating", "alternateName": review.get("textualRating")},
        }
        for api_name, schema_name in (
            ("url", "url"),
            ("title", "name"),
            ("reviewDate", "datePublished"),
            ("languageCode", "inLanguage"),
        ):
            if review.get(api_name):
                node[schema_name] = review[api_name]
        publisher = review.get("publisher")
        if isinstance(publisher, Mapping):
            node["author"] = _publisher(publisher)
        reviews.append({k: v for k, v in node.items() if v is not None})
    return reviews


def _publisher(publisher: Mapping[str, Any]) -> dict[str, Any]:
    """The API's `{"name", "site"}`: a site is a host name, its address is its https page."""
    author: dict[str, Any] = {"@type": "Organization"}
    site = publisher.get("site")
    if isinstance(site, str) and site.strip():
        site = site.strip()
        author["url"] = site if "://" in site else f"https://{site}"
    author["name"] = publisher.get("name") or site
    return {k: v for k, v in author.items() if v}


def _is_microdata_item(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("type"), str | list)
        and isinstance(value.get("properties"), Mapping)
        and "@type" not in value
    )


def _from_microdata(value: Any) -> Any:
    """extruct's raw `{"type", "properties", "id"}` items → JSON-LD nodes, recursively."""
    if isinstance(value, list):
        return [_from_microdata(v) for v in value]
    if not _is_microdata_item(value):
        return value
    node: dict[str, Any] = {"@type": value["type"]}
    if isinstance(value.get("id"), str):
        node["@id"] = value["id"]
    for key, item in value["properties"].items():
        node[key] = _from_microdata(item)
    return node
