"""What a reindex has to do: which review files are new, changed, removed or unchanged since
the current index was built (by content hash), parsed and checked before anything is written.

A file that fails to parse is reported and, if an earlier version of it was
indexed, that version is kept; of two files reviewing the same episode, the one already
indexed (else the earlier name) keeps it and the other is reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import ReviewFormatError
from index.models import ParsedReview
from index.parse import parse_review_bytes
from index.reindex_summary import FewerClaims
from index.review_folder import ReviewFolder


@dataclass
class ReindexPlan:
    """What to do to the published generation, and what the review folder holds: filled in by
    `plan_reindex` alone, read by `reindex`."""

    keep: dict[str, str] = field(default_factory=dict)  # name → sha256 of sources kept as is
    parsed: dict[str, tuple[str, ParsedReview]] = field(default_factory=dict)  # to (re)index
    drop: set[str] = field(default_factory=set)  # names whose old cards go
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[ReviewFormatError] = field(default_factory=list)
    fewer_claims: list[FewerClaims] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def plan_reindex(
    reviews_dir: Path,
    old_sources: dict[str, tuple[str, str]],
    old_claims: Mapping[str, int] | None = None,
) -> ReindexPlan:
    """The plan for `reviews_dir` over a generation built from `old_sources` (name →
    (sha256, episode key)) whose files gave `old_claims` (name → claims); every file is read
    and parsed here, nothing is written."""
    plan = ReindexPlan()
    present: set[str] = set()
    folder = ReviewFolder(reviews_dir)
    for path in folder.entries():
        name = path.name
        present.add(name)
        previous = old_sources.get(name)
        try:
            # Moved or made unreadable after the listing (a sync or `git pull` mid-reindex),
            # a link out of the folder, a FIFO, a folder, a file over the size cap: reported
            # like a broken file by name, not a reason to index none of the others.
            data = folder.read(name)
            digest = hashlib.sha256(data).hexdigest()
            if previous is not None and previous[0] == digest:
                plan.keep[name] = digest
                plan.unchanged += 1
                continue
            review = parse_review_bytes(data, path)
        except ReviewFormatError as exc:
            plan.failed.append(exc)
            if previous is not None:  # the last good version keeps serving
                plan.keep[name] = previous[0]
            continue
        plan.parsed[name] = (digest, review)
        if previous is None:
            plan.added.append(name)
        else:
            plan.changed.append(name)
            plan.drop.add(name)
    for name in old_sources.keys() - present:
        plan.drop.add(name)
        plan.removed.append(name)
    _reject_duplicate_episodes(plan, old_sources)
    # A changed file with fewer claims may be cut short (a half-finished copy or sync ending
    # at a claim boundary parses cleanly): said per file, so a moderator can look.
    claims = old_claims or {}
    moved_from = {old_sources[name][1]: name for name in plan.removed}
    for name in plan.changed + plan.added:
        review = plan.parsed[name][1]
        # A new file that takes over a removed file's episode (renamed, or synced under a
        # temporary name) is that review again: compared with what the old name gave.
        old_name = name if name in plan.changed else moved_from.get(review.episode.key)
        before = claims.get(old_name, 0) if old_name is not None else 0
        after = len(review.cards)
        if after < before:
            plan.fewer_claims.append(FewerClaims(file=name, before=before, after=after))
    return plan


def _reject_duplicate_episodes(plan: ReindexPlan, old_sources: dict[str, tuple[str, str]]) -> None:
    """Two files may not review the same episode. A file whose indexed version keeps serving
    (unchanged, or its new version refused) keeps the episode; then files already indexed
    before new ones, each by name: a later claimant is reported and skipped, and keeps its
    last indexed version if it has one. That version claims its own episode again, which may
    refuse a file accepted before it, so the check starts over after each refusal (refusals
    are rare; each pass is linear)."""
    while (refused := _first_duplicate(plan, old_sources)) is not None:
        name, owner = refused
        review = plan.parsed.pop(name)[1]
        for bucket in (plan.added, plan.changed):
            if name in bucket:
                bucket.remove(name)
        plan.failed.append(
            ReviewFormatError(
                review.episode.source_file,
                f"reviews the same episode ({review.episode.display_name}) as {owner}; "
                "remove one of the two files",
                1,
            )
        )
        if name in old_sources:
            plan.drop.discard(name)
            plan.keep[name] = old_sources[name][0]


def _first_duplicate(
    plan: ReindexPlan, old_sources: dict[str, tuple[str, str]]
) -> tuple[str, str] | None:
    """The first parsed file whose episode another file holds, with that file's name."""
    owners = {old_sources[n][1]: n for n in plan.keep}
    for name in sorted(plan.parsed, key=lambda n: (n not in old_sources, n)):
        key = plan.parsed[name][1].episode.key
        owner = owners.setdefault(key, name)
        if owner != name:
            return name, owner
    return None
