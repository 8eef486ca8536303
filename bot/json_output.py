"""The `--json` shapes, a public contract documented in README.md. The reindex summary's shape
is `ReindexSummary.model_dump(mode="json")`, which the bot also reads back from a child."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from index import Answer, Episode, EpisodeSummary, Gap, Provenance, VerdictCard


def episode_json(episode: Episode) -> dict[str, Any]:
    return {"podcast": episode.podcast, "number": episode.number, "title": episode.title}


def provenance_json(provenance: Provenance) -> dict[str, Any]:
    """Where a verdict comes from: every key always present, null (or []) when unknown."""
    return provenance.model_dump(mode="json")


def answer_json(answer: Answer) -> dict[str, Any]:
    # "language" only when the question was not matched for its language: every other
    # answer keeps its shape.
    language = answer.language
    refused = {"language": language.model_dump(mode="json")} if language is not None else {}
    return {
        "question": answer.question,
        "answered": answer.answered,
        "results": [
            {
                "id": h.card.id,
                "episode": episode_json(h.episode),
                "headline": h.card.headline,
                "verdict": h.card.verdict,
                "rating": h.card.rating,
                "score": round(h.score, 4),
                "confidence": round(h.confidence, 4),
                "provenance": provenance_json(h.provenance),
            }
            for h in answer.hits
        ],
        **refused,
    }


def verdicts_json(episode: Episode, cards: list[VerdictCard]) -> dict[str, Any]:
    return {
        "episode": episode_json(episode),
        "claims": [
            {
                "id": c.id,
                "headline": c.headline,
                "verdict": c.verdict,
                "rating": c.rating,
                "provenance": provenance_json(Provenance.of(c, episode)),
            }
            for c in cards
        ],
    }


def episodes_json(summaries: list[EpisodeSummary]) -> list[dict[str, Any]]:
    return [
        {
            **episode_json(s.episode),
            "slug": s.episode.slug,
            "published": s.episode.published.isoformat() if s.episode.published else None,
            "claims": s.claims,
        }
        for s in summaries
    ]


def gap_json(gap: Gap) -> dict[str, Any]:
    return {
        "question": gap.question,
        "unanswered": gap.unanswered,
        "downvotes": gap.downvotes,
        "upvotes": gap.upvotes,
        "last_asked": utc_time(gap.last_asked),
    }


def utc_time(timestamp: float) -> str:
    """A Unix time as ISO 8601 in UTC, to the second: `2026-12-04T22:37:39Z`."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
