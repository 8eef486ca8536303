"""Imported review data → review files in the reviews folder, where the next reindex finds them.

Each imported episode becomes one ordinary review file, so it is parsed, indexed, listed and
edited like a hand-written one. Before anything is written, every file's text is parsed back
with the real parser and must yield its episode and all its claims; and an episode that
already has a review file is only overwritten when the caller says so. Either every file is
written or none is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.claimreview import ClaimReviewError, ImportedReview
from index.errors import ClaimbotError, ReviewFormatError
from index.models import Episode
from index.parse import parse_review, parse_review_bytes
from index.reindex_plan import review_files
from index.review_writer import render_review


class ImportConflictError(ClaimbotError):
    """An imported episode already has a review file and replacing it was not asked for."""


@dataclass(frozen=True)
class WrittenReview:
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
    owners = _episode_files(reviews_dir)
    planned: list[_Planned] = []
    conflicts: list[str] = []
    taken: set[str] = set()
    for review in reviews:
        owner = owners.get(review.episode.key)
        if owner is not None and not replace:
            conflicts.append(f"{review.episode.display_name} (in {owner.name})")
        path = owner or _free_path(reviews_dir, review.filename, taken)
        taken.add(path.name)
        planned.append(_Planned(path, _checked_text(review, path), review, owner is not None))
    if conflicts:
        raise ImportConflictError(
            "already reviewed, nothing imported: "
            + "; ".join(conflicts)
            + ". Remove those files or import with --replace to overwrite them"
        )
    _write_all(planned)
    return [
        WrittenReview(plan.path, plan.review.episode, len(plan.review.claims), plan.replaced)
        for plan in planned
    ]


def _write_all(planned: Sequence[_Planned]) -> None:
    """Every file or none: each is written to a hidden temporary file first (which a reindex
    ignores), and only when all are written are they renamed into place."""
    temporary: list[Path] = []
    try:
        for plan in planned:
            tmp = plan.path.with_name(f".{plan.path.name}.importing")
            temporary.append(tmp)
            tmp.write_text(plan.text, encoding="utf-8")
    except OSError as exc:
        for tmp in temporary:
            if tmp.is_file():
                tmp.unlink()
        failed = planned[len(temporary) - 1].path
        raise ClaimReviewError(
            f"cannot write {failed}: {exc.strerror or exc}; nothing imported"
        ) from exc
    for plan, tmp in zip(planned, temporary, strict=True):
        os.replace(tmp, plan.path)


def _episode_files(reviews_dir: Path) -> dict[str, Path]:
    """Episode key → the review file in the folder that reviews it (broken files skipped)."""
    owners: dict[str, Path] = {}
    for path in review_files(reviews_dir):
        try:
            owners.setdefault(parse_review(path).episode.key, path)
        except ReviewFormatError:
            continue
    return owners


NAME_BYTES = 200
"""File names are cut to this many UTF-8 bytes: file systems allow 255, and the hidden
temporary name adds 11 (a slug of 80 four-byte letters would be 320)."""


def _free_path(reviews_dir: Path, filename: str, taken: set[str]) -> Path:
    """`filename`, or `stem-2.txt`, ... when a file of another episode already has the name."""
    stem, suffix = Path(filename).stem, Path(filename).suffix
    stem = stem.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore")
    candidate, n = stem + suffix, 2
    while candidate in taken or (reviews_dir / candidate).exists():
        candidate, n = f"{stem}-{n}{suffix}", n + 1
    return reviews_dir / candidate


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
