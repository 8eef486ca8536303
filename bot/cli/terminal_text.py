"""Cards, answers, listings and reindex summaries as text for a terminal."""

from __future__ import annotations

import textwrap

from bot.wording import (
    ABSTENTION,
    badge,
    confidence_note,
    episode_line,
    language_refusal,
    match_label,
    source_lines,
)
from index import Answer, Episode, EpisodeSummary, Hit, ReindexSummary, VerdictCard

WIDTH = 88


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
    source = source_lines(hit.provenance, speaker=card.speaker)
    if source:
        lines += ["", *(f"  {line}" for line in source)]
    lines.append(f"  [{card.id}]")
    return "\n".join(lines)


def render_hit_line(hit: Hit, with_score: bool = True) -> str:
    score = f" ({hit.score:.2f})" if with_score else ""
    return f"{badge(hit.card)} · {hit.card.headline} — {hit.episode.display_name}{score}"


def render_answer(answer: Answer) -> str:
    if answer.language is not None:
        return language_refusal(answer.language)
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
    lines += (f"Fewer claims than before: {fewer}" for fewer in summary.fewer_claims)
    return "\n".join(lines)
