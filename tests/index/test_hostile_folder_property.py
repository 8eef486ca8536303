"""Property (hypothesis): whatever a reviews folder holds — reviews, links into and out of it,
FIFOs, folders, huge sparse files, entries swapped or removed while the reindex runs — no text
from outside the folder reaches any output, and every entry is either indexed or reported.

Files outside the folder carry a unique marker; the summary, its JSON and the index built must
never hold it. Few examples, the fake embedder: quick enough for the fast tier.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import ClaimIndex, ReviewFolder, reindex
from index.bounded_read import MAX_REVIEW_BYTES
from tests.conftest import reference_review_as
from tests.fakes import HashingEmbedder

MARKER = "Zq7SecretMarker0utside"
OUTSIDE_SECRET = f"CLAIMBOT_DISCORD_TOKEN={MARKER}\n{MARKER} second line\n"
# A well-formed review outside the folder: read, it would be indexed without any error.
OUTSIDE_REVIEW = reference_review_as(999).replace("Lex Fridman Podcast", f"{MARKER} Podcast", 1)

KINDS = (
    "review",
    "link_in",
    "link_out",
    "link_out_review",
    "fifo",
    "folder",
    "sparse",
    "swapped_out",
    "removed",
)
REFUSED = {"link_out", "link_out_review", "fifo", "folder", "sparse"}


class _Folder:
    """A reviews folder built from a list of entry kinds, beside files holding the marker."""

    def __init__(self, root: Path, kinds: list[str]) -> None:
        self.reviews = root / "reviews"
        (self.reviews / "drafts").mkdir(parents=True)
        outside = root / "outside"
        outside.mkdir()
        self.secret = outside / "secret.env"
        self.secret.write_text(OUTSIDE_SECRET, "utf-8")
        self.outside_review = outside / "review.txt"
        self.outside_review.write_text(OUTSIDE_REVIEW, "utf-8")
        self.kinds = {f"{kind}-{n}.txt": kind for n, kind in enumerate(kinds)}
        self.after_listing: list[Callable[[], None]] = []
        for n, (name, kind) in enumerate(self.kinds.items()):
            self._make(self.reviews / name, kind, 500 + n)

    def _make(self, path: Path, kind: str, number: int) -> None:
        review = reference_review_as(number)
        if kind in ("review", "swapped_out", "removed"):
            path.write_text(review, "utf-8")
        if kind == "swapped_out":
            self.after_listing.append(lambda: _swap_for_link(path, self.secret))
        elif kind == "removed":
            self.after_listing.append(path.unlink)
        elif kind == "link_in":
            draft = self.reviews / "drafts" / path.name
            draft.write_text(review, "utf-8")
            path.symlink_to(Path("drafts") / path.name)
        elif kind == "link_out":
            path.symlink_to(self.secret)
        elif kind == "link_out_review":
            path.symlink_to(os.path.relpath(self.outside_review, path.parent))
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif kind == "sparse":
            with path.open("wb") as sparse:
                sparse.truncate(MAX_REVIEW_BYTES * 1000)


def _swap_for_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


@settings(
    max_examples=12,
    deadline=timedelta(seconds=20),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=6))
def test_no_text_from_outside_the_folder_is_output_and_every_entry_is_accounted_for(
    kinds: list[str],
) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = _Folder(Path(tmp), kinds)
        listing = ReviewFolder.entries

        def racing(self: ReviewFolder) -> list[Path]:
            entries = listing(self)
            for change in folder.after_listing:  # another process, while the reindex runs
                change()
            return entries

        patch.setattr(ReviewFolder, "entries", racing)
        embedder = HashingEmbedder()
        summary = reindex(folder.reviews, Path(tmp) / "index", embedder)
        said = summary.model_dump_json() + "".join(str(f) for f in summary.failed)
        assert MARKER not in said
        if summary.episodes:
            index = ClaimIndex.open(Path(tmp) / "index", embedder)
            assert all(MARKER not in s.episode.podcast for s in index.episodes())
        failed = {f.file for f in summary.failed}
        assert not failed & set(summary.added)
        assert failed | set(summary.added) == set(folder.kinds)
        assert {n for n, kind in folder.kinds.items() if kind in REFUSED} <= failed
