"""Words both front ends use for the same things: verdict badges, how sure an answer is, why a
question is a gap, and what an abstention or a question in another language says."""

from __future__ import annotations

from index import (
    Episode,
    Gap,
    Hit,
    LanguageMismatch,
    Party,
    Provenance,
    VerdictCard,
    language_name,
)

BADGES = {5: "✅", 4: "☑️", 3: "⚖️", 2: "⚠️", 1: "❌"}
ABSTENTION = "No reviewed claim covers that."
READ_THE_REVIEW = "Read the review"
LANGUAGE_TITLE = "Not a language this claimbot reads"
MULTILINGUAL_MODEL = "paraphrase-multilingual-MiniLM-L12-v2"
"""The multilingual model the refusal suggests: MiniLM's size, 50+ languages."""
CLOSE_MATCH = 0.8
"""From this confidence an answer is worded as a close match; below, as a related claim."""


def match_label(hit: Hit) -> str:
    """How sure an answer is, in words: "close match" or "related claim"."""
    return "close match" if hit.confidence >= CLOSE_MATCH else "related claim"


def confidence_note(hit: Hit) -> str:
    """`Close match (confidence 0.93)`: the line above an answer."""
    return f"{match_label(hit).capitalize()} (confidence {hit.confidence:.2f})"


def badge(card: VerdictCard) -> str:
    return f"{BADGES[card.rating]} {card.verdict}"


def episode_line(episode: Episode) -> str:
    """`Podcast #12: Title · 2026-01-31`; a fact-check's page with the day it was published."""
    day = episode.published or episode.reviewed
    date = f" · {day.isoformat()}" if day else ""
    return f"{episode.display_name}{date}"


def gap_reasons(gap: Gap) -> str:
    """Why a question is a gap: `3× unanswered, 2 👎 / 1 👍`."""
    why = []
    if gap.unanswered:
        why.append(f"{gap.unanswered}× unanswered")
    if gap.downvotes:
        why.append(f"{gap.downvotes} 👎" + (f" / {gap.upvotes} 👍" if gap.upvotes else ""))
    return ", ".join(why)


def source_lines(provenance: Provenance, speaker: str | None = None) -> list[str]:
    """Where a verdict comes from, in up to two lines: who reviewed it, when and where; who
    made the claim, when and where it appeared. The claimant is not named again when it is the
    `speaker` the card already shows, so a review that says nothing more gives no lines."""
    lines = []
    claimant = provenance.claimant
    if claimant and speaker and claimant.name.strip().casefold() == speaker.strip().casefold():
        claimant = None
    reviewed = _joined(
        _party(provenance.reviewer, "Reviewed by "),
        provenance.reviewed.isoformat() if provenance.reviewed else None,
    )
    if provenance.url:
        reviewed = f"{reviewed or 'Review'}: {provenance.url}"
    if reviewed:
        lines.append(reviewed)
    where = provenance.first_appearance or next(iter(provenance.appearances), None)
    if provenance.claimed or where:
        claimed = _joined(
            _party(claimant, "Claimed by ") or "Claimed",
            provenance.claimed.isoformat() if provenance.claimed else None,
        )
        more = len(set(provenance.appearances) - {where}) if where else 0
        lines.append(
            f"{claimed}" + (f", in {where}" if where else "") + (f" (+{more} more)" if more else "")
        )
    elif claimant and (claimant.url or claimant.kind):
        lines.append(_party(claimant, "Claimed by ") or "")
    return lines


def _party(party: Party | None, lead: str) -> str | None:
    return f"{lead}{party.name}" if party else None


def _joined(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return ", ".join(kept) if kept else None


def language_refusal(mismatch: LanguageMismatch) -> str:
    """Why a question in another language was not matched, and what an operator can do."""
    asked = language_name(mismatch.question_language)
    served = " and ".join(language_name(code) for code in mismatch.served)
    return (
        f"Your question looks like {asked}; this claimbot's model reads {served} only. "
        f"An operator can set CLAIMBOT_MODEL to a multilingual model such as "
        f"{MULTILINGUAL_MODEL} (downloaded once, needs internet) and reindex; if the model "
        f"already reads {asked}, CLAIMBOT_MODEL_LANGUAGES says so."
    )
