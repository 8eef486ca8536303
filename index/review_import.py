"""Imported review data → review files in the reviews folder, where the next reindex finds them.

Each imported episode becomes one ordinary review file, so it is parsed, indexed, listed and
edited like a hand-written one. Before anything is written, every file's text is parsed back
with the real parser and must yield its episode and all its claims; and an episode that
already has a review file is only overwritten when the caller says so. Either every file is
written or none is (`ReviewFolder.write_all`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.claimreview import ImportedReview, review_identity
from index.errors import (
    ClaimReviewError,
    ImportConflictError,
    ReviewFolderError,
    ReviewFormatError,
)
from index.models import Episode
from index.parse import parse_review, parse_review_bytes
from index.review_folder import ReviewFolder
from index.review_writer import render_review

__all__ = ["ImportConflictError", "WrittenReview", "write_imported_reviews"]


@dataclass(frozen=True)
class WrittenReview:
    """One review file an import wrote, and whether it replaced the episode's earlier file."""

    path: Path
    episode: Episode
    claims: int
    replaced: bool


@dataclass(frozen=True)
class _Planned:
    path: Path
    text: str
    review: ImportedReview
    replaced: bool


def write_imported_reviews(
    reviews: Sequence[ImportedReview], reviews_dir: Path, replace: bool = False
) -> list[WrittenReview]:
    """Write one review file per imported episode into `reviews_dir` (created if missing).

    An episode already reviewed in the folder is written over its existing file when
    `replace` is true; otherwise `ImportConflictError` names every such episode and nothing
    is written.
    """
    reviews_dir.mkdir(parents=True, exist_ok=True)
    folder = ReviewFolder(reviews_dir)
    owners = _episode_files(folder)
    planned: list[_Planned] = []
    conflicts: list[str] = []
    taken: set[str] = set()
    for review in reviews:
        owner = owners.get(review_identity(review.episode))
        if owner is not None and not replace:
            conflicts.append(f"{review.episode.display_name} (in {owner.name})")
        path = owner or folder.free_path(review.filename, taken)
        taken.add(path.name)
        planned.append(_Planned(path, _checked_text(review, path), review, owner is not None))
    if conflicts:
        raise ImportConflictError("already reviewed, nothing imported: " + "; ".join(conflicts))
    try:
        folder.write_all([(plan.path, plan.text.encode("utf-8")) for plan in planned])
    except ReviewFolderError as exc:
        raise ClaimReviewError(f"{exc}; nothing imported") from exc
    return [
        WrittenReview(plan.path, plan.review.episode, len(plan.review.claims), plan.replaced)
        for plan in planned
    ]


def _episode_files(folder: ReviewFolder) -> dict[str, Path]:
    """Review identity (`review_identity`) → the review file in the folder that holds it
    (broken files skipped)."""
    owners: dict[str, Path] = {}
    for path in folder.files():
        try:
            owners.setdefault(review_identity(parse_review(path).episode), path)
        except ReviewFormatError:
            continue
    return owners


def _checked_text(review: ImportedReview, path: Path) -> str:
    """The review file's text, proven to parse back into this episode and all its claims."""
    text = render_review(
        review.episode.model_copy(update={"source_file": str(path)}), review.claims
    )
    try:
        parsed = parse_review_bytes(text.encode("utf-8"), path)
    except ReviewFormatError as exc:
        raise ClaimReviewError(
            f"cannot write {review.episode.display_name} as a review file: {exc}"
        ) from exc
    if parsed.episode.key != review.episode.key or len(parsed.cards) != len(review.claims):
        raise ClaimReviewError(
            f"cannot write {review.episode.display_name} as a review file: it would read back "
            f"as {parsed.episode.display_name} with {len(parsed.cards)} of "
            f"{len(review.claims)} claims"
        )
    return text
