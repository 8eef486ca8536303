"""The `--json` shapes, a public contract documented in README.md; the bot reads a child
reindex's summary back with `summary_from_json`."""

from __future__ import annotations

from typing import Any

from index import Answer, Episode, EpisodeSummary, ReindexSummary, ReviewFormatError, VerdictCard


def episode_json(episode: Episode) -> dict[str, Any]:
    return {"podcast": episode.podcast, "number": episode.number, "title": episode.title}


def answer_json(answer: Answer) -> dict[str, Any]:
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
            }
            for h in answer.hits
        ],
    }


def verdicts_json(episode: Episode, cards: list[VerdictCard]) -> dict[str, Any]:
    return {
        "episode": episode_json(episode),
        "claims": [
            {"id": c.id, "headline": c.headline, "verdict": c.verdict, "rating": c.rating}
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


def summary_json(summary: ReindexSummary) -> dict[str, Any]:
    return {
        "added": summary.added,
        "changed": summary.changed,
        "removed": summary.removed,
        "unchanged": summary.unchanged,
        "failed": [
            {
                "file": e.path.name,
                "line": e.line,
                "error": str(e),
                "problem": e.problem,
                "claim": e.claim,
            }
            for e in summary.failed
        ],
        "episodes": summary.episodes,
        "cards": summary.cards,
        "embedded_cards": summary.embedded_cards,
        "seconds": round(summary.seconds, 3),
        "version": summary.version,
        "full_rebuild": summary.full_rebuild,
        "rebuild_reason": summary.rebuild_reason,
    }


def summary_from_json(data: dict[str, Any]) -> ReindexSummary:
    """The `ReindexSummary` that `summary_json` wrote (the bot reads a child reindex's with it)."""
    return ReindexSummary(
        added=list(data["added"]),
        changed=list(data["changed"]),
        removed=list(data["removed"]),
        unchanged=int(data["unchanged"]),
        failed=[
            ReviewFormatError(f["file"], f["problem"], line=f["line"], claim=f.get("claim"))
            for f in data["failed"]
        ],
        episodes=int(data["episodes"]),
        cards=int(data["cards"]),
        embedded_cards=int(data["embedded_cards"]),
        seconds=float(data["seconds"]),
        version=int(data["version"]),
        full_rebuild=bool(data.get("full_rebuild", False)),
        rebuild_reason=data.get("rebuild_reason"),
    )
