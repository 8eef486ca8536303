"""CLEF-2022 CheckThat! Task 2A (English), read from its folder and loaded into claimbot.

The folder stays outside this repository (its path is an argument). Each Snopes verified claim
becomes one schema.org ClaimReview as a fact-checker publishes it (`claimReviewed` the claim,
the article's title and subtitle as `reviewBody`), goes through claimbot's own ClaimReview
import into a scratch reviews folder, and is indexed by the real `reindex`.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from index import (
    ClaimIndex,
    Embedder,
    ImportedReview,
    read_claimreviews,
    reindex,
    write_imported_reviews,
)

SPLITS = {
    "train": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Train_QRELs.tsv"),
    "dev": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Dev_QRELs.tsv"),
    "dev-test": ("CT2022-Task2A-EN-Dev-Test_Queries.tsv", "CT2022-Task2A-EN-Dev-Test_QRELs.tsv"),
}


@dataclass(frozen=True)
class Tweet:
    tweet_id: str
    text: str
    gold: frozenset[str]


@dataclass
class CheckThat:
    claims: dict[str, dict[str, str]]
    splits: dict[str, list[Tweet]] = field(default_factory=dict)


def load(data_dir: Path) -> CheckThat:
    claims: dict[str, dict[str, str]] = {}
    with (data_dir / "vclaims.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            claims[row["vclaim_id"]] = row
    data = CheckThat(claims)
    for split, (queries_file, qrels_file) in SPLITS.items():
        texts = _queries(data_dir / queries_file)
        gold: dict[str, set[str]] = {}
        for line in (data_dir / qrels_file).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 4:
                gold.setdefault(parts[0], set()).add(parts[2])
        data.splits[split] = [
            Tweet(tid, texts[tid], frozenset(ids)) for tid, ids in gold.items() if tid in texts
        ]
    return data


def _queries(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quotechar='"')
        return {row[0]: row[1] for row in rows if len(row) >= 2 and row[0] != "tweet_id"}


def _date(text: str) -> str | None:
    try:
        return datetime.strptime(text.strip(), "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def claimreview(row: dict[str, str]) -> dict[str, object]:
    body = [t for t in (row.get("title", ""), row.get("subtitle", "")) if t and t.strip()]
    node: dict[str, object] = {
        "@type": "ClaimReview",
        "claimReviewed": row["vclaim"],
        "author": {"@type": "Organization", "name": "Snopes"},
        "reviewRating": {"@type": "Rating", "alternateName": "Unrated"},
        "itemReviewed": {"@type": "Claim"},
    }
    if body:
        node["reviewBody"] = "\n".join(body)
    if (published := _date(row.get("date", ""))) is not None:
        node["datePublished"] = published
    return node


def normalized(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


@dataclass
class LoadedIndex:
    index: ClaimIndex
    card_claims: dict[str, frozenset[str]]  # card id → the verified claim ids it stands for
    skipped: int


def build(
    data: CheckThat,
    work: Path,
    embedder: Embedder,
    exclude: frozenset[str] = frozenset(),
    bulk_embedder: Embedder | None = None,
) -> LoadedIndex:
    """Import every claim not in `exclude` into `work/reviews` and index it in `work/index`
    (kept between runs: an unchanged folder reindexes in a moment)."""
    reviews_dir, index_dir = work / "reviews", work / "index"
    rows = [row for cid, row in data.claims.items() if cid not in exclude]
    skipped = 0
    if not reviews_dir.is_dir():
        imported = []
        for row in rows:
            try:
                imported.extend(read_claimreviews(claimreview(row), row["vclaim_id"]))
            except Exception:  # a claim the importer refuses ("The", a control character)
                skipped += 1
        write_imported_reviews(_merged(imported), reviews_dir)
    reindex(reviews_dir, index_dir, embedder, bulk_embedder=bulk_embedder)
    index = ClaimIndex.open(index_dir, embedder)
    by_text: dict[str, set[str]] = {}
    for row in rows:
        by_text.setdefault(normalized(row["vclaim"]), set()).add(row["vclaim_id"])
    card_claims = {
        hit.card.id: frozenset(by_text.get(normalized(hit.card.headline), ()))
        for hit in index.all_cards()
    }
    return LoadedIndex(index, card_claims, skipped)


def _merged(imported: list[ImportedReview]) -> list[ImportedReview]:
    """One imported review per stand-in episode: claims of one publisher and day together."""
    by_key: dict[str, ImportedReview] = {}
    for review in imported:
        key = review.episode.key
        if key in by_key:
            first = by_key[key]
            by_key[key] = ImportedReview(first.episode, [*first.claims, *review.claims])
        else:
            by_key[key] = review
    return list(by_key.values())
