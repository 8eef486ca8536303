"""Verdict cards, answers and listings as `discord.Embed`s, every text cut at a word to fit
Discord's limits, since one embed over a limit gets the whole message rejected."""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.wording import (
    ABSTENTION,
    LANGUAGE_TITLE,
    badge,
    confidence_note,
    episode_line,
    language_refusal,
    match_label,
    source_lines,
)
from index import (
    Answer,
    Episode,
    EpisodeSummary,
    Hit,
    Provenance,
    ReindexSummary,
    VerdictCard,
)

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
FIELD_COUNT_LIMIT = 25

ANALYSIS_CHARS = 1500
"""A short analysis: the card's first paragraphs and bullets, not the whole review."""

NEUTRAL_COLOUR = 0x99AAB5
NOT_A_MATCH = "not a match"
ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters, ending at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space > limit // 2:  # a long unbroken word is cut mid-word rather than dropped
        head = head[:space]
    return head.rstrip() + ELLIPSIS


_NAME = r"[^\s/'\"`:;,()]+"
SERVER_PATH = re.compile(rf"(?<![\w`/:.~-])(?:/(?:{_NAME}(?: {_NAME})*(?=/)|{_NAME}))+/?")
"""An absolute path in a message: a slash not inside a word, a URL or `code` (so `/reindex`
in backticks and `3/5` stay), then its components; a folder's may hold spaces ("/home/Ann
Lee/index": a slash after the space shows it goes on), which must not survive the cut."""


def without_paths(text: str) -> str:
    """`text` with every absolute server path cut to its last component: members need the
    file's name, never where the bot's files live."""
    return SERVER_PATH.sub(lambda m: m.group().rstrip("/").rsplit("/", 1)[-1], text)


def card_embed(hit: Hit, *, full: bool = False) -> discord.Embed:
    """One card: the verdict badge in the title's colour, headline, quote, analysis, and the
    episode in the footer. `full` keeps the analysis up to the description limit."""
    card = hit.card
    verdict = badge(card) + (f" — {card.justification}" if card.justification else "")
    embed = discord.Embed(
        title=cut(f"{card.emoji} {card.headline}".strip(), TITLE_LIMIT),
        colour=card.colour,
        description=_card_body(card, DESCRIPTION_LIMIT if full else ANALYSIS_CHARS),
    )
    embed.add_field(name="Verdict", value=cut(verdict, FIELD_VALUE_LIMIT), inline=False)
    source = source_lines(_names_as_text(hit.provenance), speaker=_as_text(card.speaker))
    if source:
        embed.add_field(name="Source", value=_shared(source, FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=cut(f"{episode_line(hit.episode)} · {card.id}", FOOTER_LIMIT))
    return fit(embed)


MARKDOWN = re.compile(r"[\\*_~|`\[\]<>]")
"""What Discord reads as markup in a name: emphasis, code, spoilers, a masked link's brackets,
a mention's or timestamp's angle brackets."""


def _as_text(name: str | None) -> str | None:
    """`name` with its markup characters escaped, so Discord shows it as written."""
    return MARKDOWN.sub(lambda m: "\\" + m.group(), name) if name is not None else None


def _names_as_text(provenance: Provenance) -> Provenance:
    """`provenance` with the reviewer's and claimant's names shown as written: they come from
    imported pages too, where `[text](address)` would be a link in disguise."""
    update = {
        role: party.model_copy(update={"name": _as_text(party.name)})
        for role, party in (("reviewer", provenance.reviewer), ("claimant", provenance.claimant))
        if party is not None
    }
    return provenance.model_copy(update=update)


def _shared(lines: Sequence[str], limit: int) -> str:
    """`lines` within `limit` characters, each cut only as far as the others need: one very
    long address must not push the claimant's line out."""
    share = limit // len(lines) - 1
    kept: list[str] = []
    for number, line in enumerate(lines):
        used = sum(len(k) + 1 for k in kept)
        after = sum(min(len(rest), share) + 1 for rest in lines[number + 1 :])
        kept.append(cut(line, limit - used - after))
    return "\n".join(kept)


def _card_body(card: VerdictCard, analysis_limit: int) -> str:
    parts = []
    if card.quote:
        who = f" — {card.speaker}" if card.speaker else ""
        parts.append(cut(f"> “{card.quote}”{who}".replace("\n", "\n> "), 1000))
    analysis = card.analysis_text()
    if analysis:
        parts.append(cut(analysis, analysis_limit))
    return cut("\n\n".join(parts), DESCRIPTION_LIMIT)


def hit_line(hit: Hit, *, not_a_match: bool = False) -> str:
    mark = f" *({NOT_A_MATCH if not_a_match else match_label(hit)})*"
    return f"{badge(hit.card)} · **{hit.card.headline}** — {hit.episode.display_name}{mark}"


def answer_embeds(answer: Answer) -> list[discord.Embed]:
    """The best card, with up to two more relevant ones listed below it; or a friendly
    abstention naming the closest cards as not a match; or why a question in another language
    was not matched."""
    if answer.language is not None:
        title, refusal = LANGUAGE_TITLE, language_refusal(answer.language)
        return [discord.Embed(title=title, colour=NEUTRAL_COLOUR, description=refusal)]
    if answer.answered and answer.best is not None:
        embed = card_embed(answer.best)
        embed.set_author(name=confidence_note(answer.best))
        more = [hit_line(h) for h in answer.hits[1:3]]
        if more:
            embed.add_field(name="Also relevant", value=_lines(more, FIELD_VALUE_LIMIT))
        return [fit(embed)]  # again: the added field counts toward the total
    embed = discord.Embed(
        title="No reviewed claim covers that",
        colour=NEUTRAL_COLOUR,
        description=f"{ABSTENTION} Try other words, or browse with `/episodes` and `/verdicts`.",
    )
    if answer.hits:
        closest = [hit_line(h, not_a_match=True) for h in answer.hits]
        embed.add_field(name="Closest reviewed claims", value=_lines(closest, FIELD_VALUE_LIMIT))
    else:
        embed.description = f"{ABSTENTION} Nothing is indexed yet."
    return [fit(embed)]


def verdicts_embed(
    episode: Episode, cards: Sequence[VerdictCard], page: int, pages: int
) -> discord.Embed:
    """One page of an episode's claims, one line each with its verdict badge."""
    lines = [f"`{c.position}.` {badge(c)} · {c.headline}" for c in cards]
    embed = discord.Embed(
        title=cut(episode.display_name, TITLE_LIMIT),
        colour=NEUTRAL_COLOUR,
        description=_lines(lines, DESCRIPTION_LIMIT),
    )
    if episode.credibility:
        embed.add_field(name="Overall", value=cut(episode.credibility, FIELD_VALUE_LIMIT))
    embed.set_footer(text=cut(f"{episode_line(episode)} · page {page}/{pages}", FOOTER_LIMIT))
    return fit(embed)


def episodes_embed(summaries: Sequence[EpisodeSummary]) -> discord.Embed:
    if not summaries:
        text = "No episodes indexed yet: a moderator can add review files and run `/reindex`."
        return discord.Embed(title="Episodes", colour=NEUTRAL_COLOUR, description=text)
    lines = [f"**{s.episode.display_name}** — {s.claims} claims" for s in summaries]
    embed = discord.Embed(
        title=f"{len(summaries)} reviewed episodes",
        colour=NEUTRAL_COLOUR,
        description=_lines(lines, DESCRIPTION_LIMIT),
    )
    return fit(embed)


def summary_embed(summary: ReindexSummary) -> discord.Embed:
    """What a reindex did, with every broken file and its error."""
    embed = discord.Embed(
        title="Reindex finished" + (" with errors" if summary.failed else ""),
        colour=0xE67E22 if summary.failed else 0x2ECC71,
        description=(
            f"{summary.episodes} episodes, {summary.cards} claims (index version "
            f"{summary.version}), {summary.seconds:.1f}s."
        ),
    )
    for name, files in (
        ("Added", summary.added),
        ("Changed", summary.changed),
        ("Removed", summary.removed),
    ):
        embed.add_field(name=name, value=_lines(files, FIELD_VALUE_LIMIT) or "none")
    if summary.fewer_claims:
        fewer = [str(f) for f in summary.fewer_claims]
        embed.add_field(
            name="Fewer claims than before (cut short?)",
            value=_lines(fewer, FIELD_VALUE_LIMIT),
            inline=False,
        )
    if summary.failed:
        errors = [f"`{without_paths(str(error))}`" for error in summary.failed]
        embed.add_field(
            name="Not indexed (earlier versions, if any, still serve)",
            value=_lines(errors, FIELD_VALUE_LIMIT),
            inline=False,
        )
    return fit(embed)


def _lines(lines: Sequence[str], limit: int) -> str:
    """Whole lines up to `limit` characters, then how many were left out. Each line leaves
    room for that note after it, so a long first line is cut rather than the limit passed."""
    kept: list[str] = []
    used = 0  # characters of the kept lines, each with its newline
    for number, line in enumerate(lines):
        after = len(lines) - number - 1
        room = limit - used - (len(_left_out(after)) + 1 if after else 0)
        if len(line) > room and kept:
            kept.append(_left_out(len(lines) - number))
            break
        line = cut(line, max(room, 1))
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


def _left_out(count: int) -> str:
    return f"… and {count} more"


def fit(embed: discord.Embed) -> discord.Embed:
    """Enforce the field count and the 6000-character total, shortening the description
    (the longest part) first."""
    while len(embed.fields) > FIELD_COUNT_LIMIT:
        embed.remove_field(-1)
    excess = len(embed) - TOTAL_LIMIT
    if excess > 0 and embed.description:
        room = max(0, len(embed.description) - excess)
        embed.description = cut(embed.description, room) if room else None
    while len(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(-1)
    return embed
