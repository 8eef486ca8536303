"""The Key Claims section of a review file → its verdict cards.

A claim is an emoji headline (or a plain one followed by a quote and 'Our Analysis'), the
quote, 'Our Analysis' with its paragraphs and bullets, and a 'Verdict:' line. Text that would
be lost (a verdict outside a claim, a claim going on after its verdict) is an error, never
dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import regex

from index.errors import ReviewFormatError
from index.excerpt import CLAIM_CHARS, excerpt
from index.models import AnalysisBlock, Episode, VerdictCard
from index.provenance_lines import (
    CLAIM_FIELDS,
    ProvenanceFields,
    ProvenanceLineError,
    field_of,
)
from index.rating import rate_verdict
from index.review_lines import (
    BULLET,
    EMOJI_LEAD,
    QUOTE_WITH_SPEAKER,
    VERDICT,
    VERDICT_SEPARATOR,
    Line,
    is_our_analysis,
    wraps,
)
from index.text import slugify, starts_with_quote, strip_enclosing_quotes, strip_quote_marks


class ClaimsParser:
    """Splits the Key Claims section into claim blocks and each block into a card."""

    def __init__(self, path: Path, episode: Episode, heading_line: int, lines: list[Line]) -> None:
        self.path = path
        self.episode = episode
        self.heading_line = heading_line
        self.lines = lines
        self.next_suffix: dict[str, int] = {}  # base card id → next number to try

    def error(
        self, problem: str, line: int | None = None, claim: str | None = None
    ) -> ReviewFormatError:
        return ReviewFormatError(self.path, problem, line, claim)

    def parse(self) -> list[VerdictCard]:
        starts = [i for i in range(len(self.lines)) if self._is_headline(i)]
        # The second line of a wrapped headline looks like a headline of its own.
        starts = [i for i in starts if not (i - 1 in starts and self._wrapped_headline(i - 1))]
        if not starts:
            raise self.error(
                "'Key Claims Examined' has no claim (expected an emoji headline, a quote, "
                "'Our Analysis' and a 'Verdict:' line)",
                self.heading_line,
            )
        # Text before the first claim may be an introduction; a verdict there belongs to a
        # claim whose headline could not be read, and is never dropped silently.
        stray = next((ln for ln in self.lines[: starts[0]] if VERDICT.match(ln.text)), None)
        if stray is not None:
            raise self.error(_UNREAD_CLAIM, stray.number)
        cards: list[VerdictCard] = []
        used_ids: set[str] = set()
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(self.lines)
            card = self._card(self.lines[start:end], n + 1, used_ids)
            used_ids.add(card.id)
            cards.append(card)
        return cards

    def _is_headline(self, i: int) -> bool:
        text = self.lines[i].text
        if VERDICT.match(text) or BULLET.match(text) or is_our_analysis(text):
            return False
        after = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        if EMOJI_LEAD.match(text):
            return starts_with_quote(after) or is_our_analysis(after) or self._wrapped_headline(i)
        # Without an emoji: a line, then a quote, then "Our Analysis".
        return (
            starts_with_quote(after)
            and i + 2 < len(self.lines)
            and is_our_analysis(self.lines[i + 2].text)
            and not is_our_analysis(text)
        )

    def _wrapped_headline(self, i: int) -> bool:
        """Line `i` is an emoji headline whose quote closes on the next line, which the
        claim's quote or 'Our Analysis' follows."""
        if i + 2 >= len(self.lines) or not EMOJI_LEAD.match(self.lines[i].text):
            return False
        first, second, then = (ln.text for ln in self.lines[i : i + 3])
        return wraps(first, second) and (starts_with_quote(then) or is_our_analysis(then))

    def _card(self, block: list[Line], position: int, used_ids: set[str]) -> VerdictCard:
        head = block[0]
        if len(block) > 1 and wraps(head.text, block[1].text):
            head = Line(head.number, head.raw, f"{head.text} {block[1].text}")
            block = [head, *block[2:]]
        emoji_match = EMOJI_LEAD.match(head.text)
        emoji = emoji_match["emoji"] if emoji_match else ""
        headline = strip_enclosing_quotes(emoji_match["rest"] if emoji_match else head.text)
        verdict_at = next((k for k, ln in enumerate(block) if VERDICT.match(ln.text)), None)
        if verdict_at is None:
            raise self.error(
                f"the claim {excerpt(headline, CLAIM_CHARS)} has no 'Verdict:' line",
                head.number,
                claim=headline,
            )
        body = block[1:verdict_at]
        quote, speaker, body = _split_quote(body)
        label, justification, after = self._verdict(block, verdict_at, headline)
        rest = block[after:]
        provenance = ProvenanceFields()
        while rest and (found := field_of(rest[-1].text, CLAIM_FIELDS)):
            # Read from the end: provenance lines close a claim, after any wrapped justification.
            try:
                provenance.read(*found)
            except ProvenanceLineError as exc:
                raise self.error(str(exc), rest[-1].number, headline) from exc
            rest = rest[:-1]
        field_above = next(
            (k for k in range(len(rest) - 1, -1, -1) if field_of(rest[k].text, CLAIM_FIELDS)), None
        )
        if field_above is not None:
            # Read as the justification going on, it would swallow the provenance lines above.
            stray = rest[field_above + 1]
            raise self.error(
                f"{excerpt(stray.text, 40)} follows the claim's provenance lines but is none of "
                "them (they are URL, Claimed by, Claimed on, Appeared in, First appeared in, "
                "Rating, Language)",
                stray.number,
                headline,
            )
        if any(VERDICT.match(ln.text) or is_our_analysis(ln.text) for ln in rest):
            # Another claim inside this block (its headline not recognised) or the verdict
            # before the analysis: either way text would be lost.
            raise self.error(
                f"the claim {excerpt(headline, CLAIM_CHARS)} goes on after its 'Verdict:' line "
                f"(line {block[verdict_at].number}): {_UNREAD_CLAIM}",
                rest[0].number,
                claim=headline,
            )
        if rest:  # the justification wrapped onto more lines
            justification = " ".join([justification, *(ln.text for ln in rest)]).strip()
        base_id = f"{self.episode.slug}/{slugify(headline, 48)}"
        # Resume numbering where the last duplicate of this base stopped: a file repeating one
        # headline thousands of times would otherwise cost quadratic time.
        card_id, k = base_id, self.next_suffix.get(base_id, 2)
        while card_id in used_ids:
            card_id, k = f"{base_id}-{k}", k + 1
        self.next_suffix[base_id] = k
        return VerdictCard(
            id=card_id,
            episode_key=self.episode.key,
            position=position,
            emoji=emoji,
            headline=headline,
            quote=quote,
            speaker=speaker,
            analysis=tuple(_analysis(body)),
            verdict=label,
            justification=justification,
            rating=rate_verdict(label, provenance.values.get("publisher_rating")),
            line=head.number,
            **provenance.values,
        )

    def _verdict(self, block: list[Line], at: int, headline: str) -> tuple[str, str, int]:
        """The verdict's label and justification, and the index of the line after them."""
        match = VERDICT.match(block[at].text)
        assert match is not None
        text = match["rest"].strip()
        after = at + 1
        if not text and at + 1 < len(block):
            text, after = block[at + 1].text, at + 2
        if not text:
            raise self.error(
                f"the claim {excerpt(headline, CLAIM_CHARS)} has an empty 'Verdict:' line",
                block[at].number,
                headline,
            )
        parts = VERDICT_SEPARATOR.split(text, maxsplit=1)
        label = _without_closing_stop(parts[0].strip())
        justification = parts[1].strip() if len(parts) > 1 else ""
        if not label:
            raise self.error(
                f"the claim {excerpt(headline, CLAIM_CHARS)} has a verdict without a label",
                block[at].number,
                headline,
            )
        return label, justification, after


def _without_closing_stop(label: str) -> str:
    """`Accurate.` → `Accurate`; a label that is a sentence (several of them, or over six words)
    keeps its final stop, as the publisher wrote it."""
    if regex.search(r"[.!?…]\s", label) or len(label.split()) > 6:
        return label
    return label.rstrip(".").strip()


_UNREAD_CLAIM = (
    "a claim here could not be read: a claim is an emoji headline, then the quote in double "
    "quotes, then 'Our Analysis', then the 'Verdict:' line, in that order"
)


def _split_quote(body: list[Line]) -> tuple[str, str | None, list[Line]]:
    """The quote that opens a claim block (lines up to 'Our Analysis'), and the rest."""
    if not body or not starts_with_quote(body[0].text):
        rest = body[1:] if body and is_our_analysis(body[0].text) else body
        return "", None, rest
    end = next((k for k, ln in enumerate(body) if is_our_analysis(ln.text)), None)
    if end is None:
        end = 1
        while end < len(body) and not body[end - 1].text.endswith(('"', "”", "»")):
            end += 1
    quote_text = " ".join(ln.text for ln in body[:end])
    speaker = None
    if match := QUOTE_WITH_SPEAKER.match(quote_text):
        quote_text, speaker = match["quote"], match["speaker"].strip()
    rest = body[end:]
    if rest and is_our_analysis(rest[0].text):
        rest = rest[1:]
    return strip_quote_marks(quote_text), speaker, rest


def _analysis(body: list[Line]) -> list[AnalysisBlock]:
    """Paragraphs and bullets in order. Lines of one paragraph are joined; an indented line
    right after a bullet continues it (wrapped exports)."""
    # Lines are collected and joined once per block: joining as they come is quadratic in a
    # paragraph's length, which a hostile file can make a million lines long.
    blocks: list[tuple[list[str], bool]] = []  # (lines, is a bullet)
    previous: Line | None = None
    for line in body:
        adjacent = previous is not None and line.number == previous.number + 1
        bullet = BULLET.match(line.text)
        if bullet:
            blocks.append(([bullet["text"].strip()], True))
        elif adjacent and blocks and (not blocks[-1][1] or line.raw[:1].isspace()):
            blocks[-1][0].append(line.text)
        else:
            blocks.append(([line.text], False))
        previous = line
    joined = (AnalysisBlock(text=" ".join(parts), bullet=is_bullet) for parts, is_bullet in blocks)
    return [b for b in joined if b.text]
