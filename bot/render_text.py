"""Cards, answers and episode lists as terminal text, and as the documented JSON shapes."""

from __future__ import annotations

import textwrap
from typing import Any

from index import (
    Answer,
    Episode,
    EpisodeSummary,
    Gap,
    Hit,
    ReindexSummary,
    VerdictCard,
)

BADGES = {5: "✅", 4: "☑️", 3: "⚖️", 2: "⚠️", 1: "❌"}
ABSTENTION = "No reviewed claim covers that."
WIDTH = 88
CLOSE_MATCH = 0.8
"""From this confidence an answer is worded as a close match; below, as a related claim."""


def match_label(hit: Hit) -> str:
    """How sure an answer is, in words: "close match" or "related claim" (terminal and
    Discord alike)."""
    return "close match" if hit.confidence >= CLOSE_MATCH else "related claim"


def confidence_note(hit: Hit) -> str:
    """`Close match (confidence 0.93)`: the line above an answer."""
    return f"{match_label(hit).capitalize()} (confidence {hit.confidence:.2f})"


def badge(card: VerdictCard) -> str:
    return f"{BADGES[card.rating]} {card.verdict}"


def episode_line(episode: Episode) -> str:
    date = f" · {episode.published.isoformat()}" if episode.published else ""
    return f"{episode.display_name}{date}"


def render_card(hit: Hit) -> str:
    """One card in full: verdict, headline, quote, analysis, episode."""
    card = hit.card
    wrap = textwrap.TextWrapper(width=WIDTH, initial_indent="  ", subsequent_indent="  ")
    bullet = textwrap.TextWrapper(width=WIDTH, initial_indent="  • ", subsequent_indent="    ")
    lines = [f"{badge(card)}" + (f" — {card.justification}" if card.justification else "")]
    lines.append(f"{card.emoji} {card.headline}".strip())
    lines.append(f"  {episode_line(hit.episode)}")
    if card.quote:
        who = f" — {card.speaker}" if card.speaker else ""
        lines += ["", wrap.fill(f"“{card.quote}”{who}")]
    if card.analysis:
        lines += ["", "  Our analysis:"]
        for block in card.analysis:
            lines.append(bullet.fill(block.text) if block.bullet else wrap.fill(block.text))
    lines.append(f"  [{card.id}]")
    return "\n".join(lines)


def render_hit_line(hit: Hit, with_score: bool = True) -> str:
    score = f" ({hit.score:.2f})" if with_score else ""
    return f"{badge(hit.card)} · {hit.card.headline} — {hit.episode.display_name}{score}"


def render_answer(answer: Answer) -> str:
    if not answer.hits:
        return f"{ABSTENTION}\n(The index is empty.)"
    if answer.answered:
        parts = [confidence_note(answer.hits[0]), render_card(answer.hits[0])]
        more = [h for h in answer.hits[1:]]
        if more:
            parts.append("\nAlso relevant:")
            parts += [f"  - {render_hit_line(h)} · {match_label(h)}" for h in more]
        return "\n".join(parts)
    parts = [ABSTENTION, "Closest reviewed claims (not a match):"]
    parts += [f"  - {render_hit_line(h)}" for h in answer.hits]
    return "\n".join(parts)


def gap_reasons(gap: Gap) -> str:
    """Why a question is a gap: `3× unanswered, 2 👎 / 1 👍` (terminal and Discord alike)."""
    why = []
    if gap.unanswered:
        why.append(f"{gap.unanswered}× unanswered")
    if gap.downvotes:
        why.append(f"{gap.downvotes} 👎" + (f" / {gap.upvotes} 👍" if gap.upvotes else ""))
    return ", ".join(why)


def render_verdicts(episode: Episode, cards: list[VerdictCard]) -> str:
    lines = [episode_line(episode)]
    if episode.credibility:
        lines.append(f"Overall: {episode.credibility}")
    lines.append("")
    lines += [f"{c.position}. {badge(c)} · {c.headline}  [{c.id}]" for c in cards]
    return "\n".join(lines)


def render_episodes(summaries: list[EpisodeSummary]) -> str:
    if not summaries:
        return "No episodes indexed yet: add review files and run `claimbot reindex`."
    return "\n".join(
        f"{s.episode.slug:<40} {s.claims:>3} claims  {s.episode.display_name}" for s in summaries
    )


def render_summary(summary: ReindexSummary) -> str:
    lines = [
        f"Indexed {summary.episodes} episodes, {summary.cards} claims (index version "
        f"{summary.version}) in {summary.seconds:.1f}s.",
        f"Files: {len(summary.added)} added, {len(summary.changed)} changed, "
        f"{len(summary.removed)} removed, {summary.unchanged} unchanged; "
        f"{summary.embedded_cards} claims embedded.",
    ]
    if summary.full_rebuild:
        lines.append(f"Full rebuild: {summary.rebuild_reason}")
    return "\n".join(lines)


# -- JSON: a public contract, documented in README.md ---------------------------------------


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
