"""The one exception tree of the engine: everything it raises on purpose is a `ClaimbotError`.

Front ends catch `ClaimbotError` and show its message; anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class ClaimbotError(Exception):
    """Base of every error claimbot raises deliberately; its message is meant for a user."""


class ReviewFormatError(ClaimbotError):
    """A review file that does not follow the review format.

    Names the file, the 1-based line (when one is to blame) and what is wrong, so a moderator
    can fix it without reading code. Nothing from such a file is indexed.
    """

    def __init__(
        self, path: Path | str, problem: str, line: int | None = None, claim: str | None = None
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        self.claim = claim
        where = f"{self.path.name}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {problem}")


class IndexUnusableError(ClaimbotError):
    """Base for an on-disk index that cannot serve; the cure is always `claimbot reindex`."""


class IndexMissingError(IndexUnusableError):
    """No index has been built in the directory yet."""


class IndexMismatchError(IndexUnusableError):
    """The index was built with another model, dimension or format version: reindex."""


class IndexCorruptError(IndexUnusableError):
    """An index file is unreadable or inconsistent: reindex."""


class ReindexBusyError(ClaimbotError):
    """Another reindex holds the lock on this index directory."""


class IndexFolderError(ClaimbotError):
    """The index folder cannot be created or written (a file in its place, no permission)."""


class NotFoundError(ClaimbotError):
    """An episode or claim asked for by name or id does not exist in the index."""


class ModelLoadError(ClaimbotError):
    """The embedding model could not be loaded (a wrong name, or weights not available offline)."""
