"""An index that follows the folder: reopened when any process publishes a new generation.

Long-running front ends (the Discord bot) hold a `LiveIndex` instead of a `ClaimIndex`. Each
question takes `current` once and uses that generation throughout, so a swap mid-question
never mixes two indexes; the old generation is closed only after its replacement is in place.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from index.embed import Embedder
from index.errors import IndexMissingError
from index.language import ALL_LANGUAGES, ModelLanguages
from index.policy import AnswerPolicy
from index.reindex import Progress, reindex
from index.reindex_lock import ReindexLock
from index.reindex_summary import ReindexSummary
from index.search import DEFAULT_POLICY, ClaimIndex
from index.store import read_manifest

log = logging.getLogger(__name__)


class LiveIndex:
    """The newest published generation of one index folder, safe to share between threads."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        policy: AnswerPolicy = DEFAULT_POLICY,
        bulk_embedder: Embedder | None = None,
        languages: ModelLanguages = ALL_LANGUAGES,
        reindex_lock: ReindexLock | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.languages = languages
        self.reindex_lock = reindex_lock
        self.embedder = embedder
        self.bulk_embedder = bulk_embedder
        self.policy = policy
        self._current: ClaimIndex | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> ClaimIndex:
        """The generation to use now; raises `IndexMissingError` etc. if none can serve."""
        if self._current is None:
            self.refresh()
        assert self._current is not None
        return self._current

    @property
    def loaded(self) -> bool:
        return self._current is not None

    def refresh(self) -> bool:
        """Open the published generation if it is not the loaded one. True if swapped.

        If the new generation cannot be opened, the loaded one keeps serving and the error
        propagates (or, with nothing loaded, is raised as is).
        """
        with self._lock:
            try:
                # Generation names are unique (version, time, process), so a full rebuild is
                # seen as new even if something ever reset the version count.
                generation = read_manifest(self.index_dir).generation
            except IndexMissingError:
                if self._current is not None:
                    return False
                raise
            if self._current is not None and self._current.manifest.generation == generation:
                return False
            fresh = ClaimIndex.open(self.index_dir, self.embedder, self.policy, self.languages)
            previous, self._current = self._current, fresh
        log.info("serving index version %d (%d cards)", fresh.version, fresh.manifest.cards)
        # Questions already running on `previous` keep their reference; SQLite reads on a
        # closed connection would fail, so it is left to the garbage collector to close.
        del previous
        return True

    def reindex(self, reviews_dir: Path, progress: Progress | None = None) -> ReindexSummary:
        """Reindex `reviews_dir` into this folder, then serve the result. Blocking: call it
        from a worker thread. Questions keep using the old generation until the swap."""
        summary = reindex(
            reviews_dir,
            self.index_dir,
            self.embedder,
            progress=progress,
            bulk_embedder=self.bulk_embedder,
            lock=self.reindex_lock,
        )
        self.refresh()
        return summary
