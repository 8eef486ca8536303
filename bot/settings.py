"""All settings in one place, read once at start-up from `CLAIMBOT_*` variables (or `.env`)
and passed down; command-line flags override them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index import DEFAULT_MODEL, ModelLanguages, languages_of_model
from index.feedback import POSTGRES_SCHEMES


class Settings(BaseSettings):
    """claimbot's configuration. Every field is `CLAIMBOT_<NAME>` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMBOT_",
        env_file=".env",
        extra="ignore",
        validate_default=True,
        # README shows these as "(empty)": `CLAIMBOT_SHARD_IDS=` in a .env means unset.
        env_parse_none_str="",
    )

    reviews_dir: Path = Field(Path("data/reviews"), description="folder of review files")
    index_dir: Path = Field(Path("data/index"), description="where the index lives")
    feedback_db: Path = Field(
        Path("data/feedback.sqlite"),
        description="questions and 👍/👎 votes; outside the index folder, so reindexes keep it",
    )
    database_url: SecretStr | None = Field(
        None,
        description="postgresql://user:password@host/db: questions, votes and the reindex lock "
        "on PostgreSQL, shared by several machines; empty = SQLite at CLAIMBOT_FEEDBACK_DB",
    )
    model: str = Field(
        "", description="sentence-transformers model name or path; empty = packaged MiniLM"
    )
    model_languages: str | None = Field(
        None,
        description="languages the model reads: ISO 639-1 codes ('en', 'en,de') or '*' for "
        "all; empty = from the model's name (multilingual, LaBSE, xlm, m3: all; else 'en')",
    )
    backend: Literal["torch", "torch-bf16", "onnx", "onnx-int8"] = Field(
        "onnx", description="inference backend for the embedding model"
    )
    reindex_backend: Literal["auto", "torch", "torch-bf16", "onnx", "onnx-int8"] = Field(
        "auto",
        description="backend for reindexes of 1,000+ passages; auto = torch-bf16 on CPUs with "
        "bfloat16 units (AMX, AVX-512 BF16), else the question backend",
    )
    reindex_in: Literal["process", "thread"] = Field(
        "process",
        description="where the bot runs /reindex and /review: process = a child `claimbot "
        "reindex` (its model and work stay out of the bot), thread = a worker thread of the bot",
    )
    min_confidence: float | None = Field(
        None,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="override the answer threshold: the confidence (0-1) a card needs",
    )

    discord_token: SecretStr | None = Field(None, description="the bot token")
    discord_api: str = Field("https://discord.com/api/v10", description="Discord REST base URL")
    discord_gateway: str = Field("wss://gateway.discord.gg/", description="Discord gateway URL")
    dev_guild: int | None = Field(None, description="sync commands to this guild only (instant)")
    message_content: bool = Field(
        False, description="answer @mentions (needs the privileged message-content intent)"
    )
    moderator_role: int | None = Field(
        None, description="role id whose members may use moderator commands"
    )
    ask_cooldown: float = Field(10.0, ge=0, description="seconds between questions per member")
    shard_count: int | None = Field(None, ge=1, description="total shards (None = Discord's)")
    shard_ids: list[int] | None = Field(None, description="shards this process runs")
    page_timeout: float = Field(
        180.0, gt=0, description="seconds a /verdicts list keeps its page buttons"
    )
    confirm_timeout: float = Field(
        60.0, gt=0, description="seconds a /review confirmation keeps its buttons"
    )
    review_max_bytes: int = Field(
        256 * 1024, gt=0, description="largest review file /review add accepts, in bytes"
    )
    index_poll_seconds: float = Field(
        2.0, gt=0, description="seconds between checks for an index published by another process"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="logging level"
    )

    @field_validator("model", mode="before")
    @classmethod
    def _empty_model_is_the_default(cls, value: object) -> object:
        return "" if value is None else value  # `CLAIMBOT_MODEL=` reads as None

    @field_validator("model_languages")
    @classmethod
    def _language_codes(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return str(ModelLanguages.parse(value))  # ValueError names the expected form

    @property
    def served_languages(self) -> ModelLanguages:
        """The languages the model reads: as set, else guessed from the model's name."""
        if self.model_languages is not None:
            return ModelLanguages.parse(self.model_languages)
        return languages_of_model(self.model or DEFAULT_MODEL)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_case_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("reviews_dir", "index_dir", "feedback_db", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        # An empty path would be the current folder: a reindex of whatever is there.
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("must not be empty (unset it for the default)")
        return value

    @field_validator("database_url")
    @classmethod
    def _a_postgresql_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(POSTGRES_SCHEMES):
            raise ValueError("must be a postgresql:// URL (unset it for SQLite)")
        return value

    @property
    def feedback_target(self) -> Path | str:
        """Where questions and votes go: the PostgreSQL URL when set, else the SQLite file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.feedback_db

    @model_validator(mode="after")
    def _shards_fit_their_count(self) -> Self:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("CLAIMBOT_SHARD_IDS needs CLAIMBOT_SHARD_COUNT")
            if any(not 0 <= i < self.shard_count for i in self.shard_ids):
                raise ValueError(
                    f"CLAIMBOT_SHARD_IDS must be between 0 and {self.shard_count - 1} "
                    "(CLAIMBOT_SHARD_COUNT - 1)"
                )
        return self
