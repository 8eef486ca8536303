"""claimbot's engine: review files → verdict cards → vectors → answers.

Never imports discord and never prints; front ends (`bot/`) use only what is exported here.
"""

from index.claimreview import (
    ClaimReviewError,
    ClaimReviewFieldError,
    ImportedReview,
    read_claimreview_json,
    read_claimreviews,
)
from index.claimreview_export import claimreview_document, datafeed_document, google_problems
from index.embed import (
    DEFAULT_MODEL,
    Backend,
    Embedder,
    SentenceTransformerEmbedder,
    has_fast_bf16,
)
from index.errors import (
    ClaimbotError,
    IndexCorruptError,
    IndexFolderError,
    IndexMismatchError,
    IndexMissingError,
    IndexUnusableError,
    ModelLoadError,
    NotFoundError,
    ReindexBusyError,
    ReindexLockError,
    Remedy,
    ReviewFormatError,
)
from index.feedback import (
    AskedQuestion,
    FeedbackError,
    FeedbackStore,
    Gap,
    hash_user,
    normalize_question,
)
from index.language import (
    ALL_LANGUAGES,
    ModelLanguages,
    detect_language,
    language_name,
    languages_of_model,
    load_language_detector,
)
from index.live import LiveIndex
from index.models import (
    AnalysisBlock,
    Answer,
    Episode,
    Guest,
    Hit,
    LanguageMismatch,
    ParsedReview,
    Party,
    Provenance,
    VerdictCard,
)
from index.parse import parse_review, parse_review_bytes
from index.policy import AnswerPolicy
from index.rating import PublisherRating, rate_verdict, rating_colour
from index.reindex import reindex
from index.reindex_lock import FileReindexLock, PostgresReindexLock, ReindexLock
from index.reindex_summary import FailedReview, FewerClaims, ReindexSummary
from index.review_folder import REVIEW_SUFFIXES, ReviewFolder
from index.review_import import ImportConflictError, WrittenReview, write_imported_reviews
from index.search import DEFAULT_POLICY, ClaimIndex, EpisodeSummary
from index.text import slugify

__all__ = [
    "ALL_LANGUAGES",
    "DEFAULT_MODEL",
    "DEFAULT_POLICY",
    "REVIEW_SUFFIXES",
    "AnalysisBlock",
    "Answer",
    "AnswerPolicy",
    "AskedQuestion",
    "Backend",
    "ClaimIndex",
    "ClaimReviewError",
    "ClaimReviewFieldError",
    "ClaimbotError",
    "Embedder",
    "Episode",
    "EpisodeSummary",
    "FailedReview",
    "FeedbackError",
    "FeedbackStore",
    "FewerClaims",
    "FileReindexLock",
    "Gap",
    "Guest",
    "Hit",
    "ImportConflictError",
    "ImportedReview",
    "IndexCorruptError",
    "IndexFolderError",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexUnusableError",
    "LanguageMismatch",
    "LiveIndex",
    "ModelLanguages",
    "ModelLoadError",
    "NotFoundError",
    "ParsedReview",
    "Party",
    "PostgresReindexLock",
    "Provenance",
    "PublisherRating",
    "ReindexBusyError",
    "ReindexLock",
    "ReindexLockError",
    "ReindexSummary",
    "Remedy",
    "ReviewFolder",
    "ReviewFormatError",
    "SentenceTransformerEmbedder",
    "VerdictCard",
    "WrittenReview",
    "claimreview_document",
    "datafeed_document",
    "detect_language",
    "google_problems",
    "has_fast_bf16",
    "hash_user",
    "language_name",
    "languages_of_model",
    "load_language_detector",
    "normalize_question",
    "parse_review",
    "parse_review_bytes",
    "rate_verdict",
    "rating_colour",
    "read_claimreview_json",
    "read_claimreviews",
    "reindex",
    "slugify",
    "write_imported_reviews",
]
