"""The one exception tree of the engine: everything it raises on purpose is a `ClaimbotError`.

Front ends catch `ClaimbotError` and show its message; anything else is a bug. The message says
what went wrong; what the user can do about it is the error's `remedy`, which each front end
words for its own users (a command to type in a terminal, a slash command on Discord).

    ClaimbotError
    ├── ReviewFormatError
    ├── IndexUnusableError
    │   ├── IndexMissingError
    │   ├── IndexMismatchError
    │   └── IndexCorruptError
    ├── ReindexBusyError
    ├── ReindexLockError
    ├── IndexFolderError
    │   └── IndexWriteError
    ├── NotFoundError
    ├── ModelLoadError
    ├── ClaimReviewError
    │   └── ClaimReviewFieldError
    ├── ImportConflictError
    └── ReviewFolderError

(`index.feedback.FeedbackError`, the feedback database's, is a `ClaimbotError` too.)
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from index.excerpt import CLAIM_CHARS, clean_line, excerpt


class Remedy(StrEnum):
    """What a user can do about an error."""

    REINDEX = "reindex"
    """Rebuild the index from the reviews folder."""
    LIST_EPISODES = "list-episodes"
    """Pick the episode from the list of indexed ones."""
    REPLACE = "replace"
    """Do it again, allowing existing reviews to be overwritten."""


class ClaimbotError(Exception):
    """Base of every error claimbot raises deliberately; its message is meant for a user, and
    `remedy` (None: nothing to suggest) is what they can do about it."""

    remedy: Remedy | None = None

    def __init__(self, *args: object, remedy: Remedy | None = None) -> None:
        super().__init__(*args)
        if remedy is not None:
            self.remedy = remedy


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
        # A headline is the file's text: shown cleaned, cut and with secrets masked.
        self.claim = None if claim is None else clean_line(claim, CLAIM_CHARS)
        where = f"{self.path.name}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {problem}")


class IndexUnusableError(ClaimbotError):
    """Base for an on-disk index that cannot serve; the cure is always a reindex."""

    remedy = Remedy.REINDEX


class IndexMissingError(IndexUnusableError):
    """No index has been built in the directory yet."""


class IndexMismatchError(IndexUnusableError):
    """The index was built with another model, dimension or format version: reindex."""


class IndexCorruptError(IndexUnusableError):
    """An index file is unreadable or inconsistent: reindex."""


class ReindexBusyError(ClaimbotError):
    """Another reindex holds the lock on this index directory."""


class ReindexLockError(ClaimbotError):
    """The reindex lock cannot be taken: the PostgreSQL server holding it cannot be reached."""


class IndexFolderError(ClaimbotError):
    """The index folder cannot be created or written (a file in its place, no permission)."""


class IndexWriteError(IndexFolderError):
    """A reindex that could not write its new generation (the disk full, an I/O error).

    Nothing of the attempt is left in the folder and the index there, if any, keeps serving.
    `folder` is the index folder, `cause` what the system said (e.g. "No space left on device").
    """

    def __init__(self, folder: Path, cause: str) -> None:
        self.folder = folder
        self.cause = cause
        super().__init__(f"cannot write the new index in {folder}: {cause}; the index is unchanged")


class NotFoundError(ClaimbotError):
    """An episode or claim asked for by name or id does not exist in the index."""


class ModelLoadError(ClaimbotError):
    """The embedding model could not be loaded (a wrong name, or weights not available offline)."""


class ClaimReviewError(ClaimbotError):
    """ClaimReview data that cannot be imported (not JSON, no ClaimReview in it, ...)."""


class ClaimReviewFieldError(ClaimReviewError):
    """One ClaimReview lacks a field that an imported card cannot do without.

    `index` is the item's position (from 0) in the list or `@graph` it came from, `field` the
    property path, e.g. `reviewRating.alternateName`.
    """

    def __init__(self, source: str, index: int, field: str, problem: str, claim: str = "") -> None:
        self.source = source
        self.index = index
        self.field = field
        about = f" ({excerpt(claim)})" if claim else ""
        super().__init__(f"{source}: ClaimReview at index {index}{about}: {problem}")


class ImportConflictError(ClaimbotError):
    """An imported episode already has a review file and replacing it was not asked for."""

    remedy = Remedy.REPLACE


class ReviewFolderError(ClaimbotError):
    """A change to the reviews folder that was refused or failed, leaving the folder as it was.

    `name` is the file concerned and `reason` what went wrong, for front ends that word the
    message themselves (the message names the file as the engine knows it).
    """

    def __init__(self, message: str, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(message)
