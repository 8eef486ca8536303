"""What a reindex did: the result `reindex` returns, and the contract of `claimbot reindex
--json` (README.md), which the Discord bot reads back from the child process that ran it.

Built once, when a reindex ends, and immutable after. `summary.model_dump(mode="json")` is
the JSON a reindex prints; `ReindexSummary.model_validate_json` reads it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_serializer, field_validator

from index.errors import ReviewFormatError


class FailedReview(BaseModel):
    """A review file a reindex could not index, and why; its text is the error's message."""

    model_config = ConfigDict(frozen=True)

    file: str  # the file's name, in the reviews folder
    line: int | None  # 1-based, when one line is to blame
    error: str  # the whole message: file, line and problem
    problem: str
    claim: str | None  # the headline of the claim at fault, when there is one

    @classmethod
    def of(cls, error: ReviewFormatError) -> FailedReview:
        return cls(
            file=error.path.name,
            line=error.line,
            error=str(error),
            problem=error.problem,
            claim=error.claim,
        )

    @property
    def path(self) -> Path:
        """The file as a path relative to the reviews folder (as `ReviewFormatError.path`
        names it), for front ends that match it against a file they wrote."""
        return Path(self.file)

    def __str__(self) -> str:
        return self.error


class FewerClaims(BaseModel):
    """A changed review file (or a new one taking over a removed file's episode) that gives
    fewer claims than the indexed version did: perhaps cut short (a half-finished copy or
    sync), perhaps edited so on purpose."""

    model_config = ConfigDict(frozen=True)

    file: str  # the file's name, in the reviews folder
    before: int  # claims its previous version gave
    after: int  # claims it gives now

    def __str__(self) -> str:
        return f"{self.file}: {self.before} → {self.after} claims"


class ReindexSummary(BaseModel):
    """What a reindex did: the files added, changed, removed, unchanged and not indexed, what
    the index holds after it, whether it rebuilt everything (and why), and the changed files
    that lost claims."""

    model_config = ConfigDict(frozen=True)

    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    unchanged: int = 0
    failed: list[FailedReview] = []
    episodes: int = 0
    cards: int = 0
    embedded_cards: int = 0
    seconds: float = 0.0
    version: int = 0
    full_rebuild: bool = False
    rebuild_reason: str | None = None
    fewer_claims: list[FewerClaims] = []

    @field_validator("failed", mode="before")
    @classmethod
    def _from_errors(cls, failed: Any) -> Any:
        # A reindex collects the parser's errors; a summary read back from JSON holds dicts.
        if isinstance(failed, list | tuple):
            return [FailedReview.of(f) if isinstance(f, ReviewFormatError) else f for f in failed]
        return failed

    @field_serializer("seconds")
    def _to_the_millisecond(self, seconds: float) -> float:
        return round(seconds, 3)

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)
