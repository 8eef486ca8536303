"""claimbot's engine: review files → verdict cards → vectors → answers.

Never imports discord and never prints; front ends (`bot/`) use only what is exported here.
"""

from index.embed import DEFAULT_MODEL, Backend, Embedder, SentenceTransformerEmbedder
from index.errors import (
    ClaimbotError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexUnusableError,
    ModelLoadError,
    NotFoundError,
    ReindexBusyError,
    ReviewFormatError,
)
from index.live import LiveIndex
from index.models import AnalysisBlock, Answer, Episode, Guest, Hit, ParsedReview, VerdictCard
from index.parse import parse_review, parse_review_bytes
from index.policy import BASELINE_POLICY, AnswerPolicy
from index.rating import rate_verdict, rating_colour
from index.reindex import ReindexSummary, reindex, review_files
from index.search import DEFAULT_MIN_SCORE, DEFAULT_POLICY, ClaimIndex, EpisodeSummary

__all__ = [
    "BASELINE_POLICY",
    "DEFAULT_MIN_SCORE",
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "AnalysisBlock",
    "Answer",
    "AnswerPolicy",
    "Backend",
    "ClaimIndex",
    "ClaimbotError",
    "Embedder",
    "Episode",
    "EpisodeSummary",
    "Guest",
    "Hit",
    "IndexCorruptError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexUnusableError",
    "LiveIndex",
    "ModelLoadError",
    "NotFoundError",
    "ParsedReview",
    "ReindexBusyError",
    "ReindexSummary",
    "ReviewFormatError",
    "SentenceTransformerEmbedder",
    "VerdictCard",
    "parse_review",
    "parse_review_bytes",
    "rate_verdict",
    "rating_colour",
    "reindex",
    "review_files",
]
