"""Review files → `Episode` + `VerdictCard`s, following REVIEW-FORMAT.md and its variations.

The parser is strict about structure that carries meaning (a back link naming the podcast, a
title, at least one claim, a verdict for every claim) and lenient about everything that varies
between hand-edited and re-exported pages (line endings, BOM, curly quotes, dash styles, missing
optional sections, unknown verdict labels). Any structural problem raises `ReviewFormatError`
naming the file and line; it never returns part of a file. Work is linear in the file size and
the size is capped, so hostile input cannot make it hang.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import regex

from index.errors import ReviewFormatError
from index.models import AnalysisBlock, Episode, Guest, ParsedReview, VerdictCard
from index.rating import rate_verdict
from index.review_header import parse_guests, parse_published
from index.text import slugify, starts_with_quote, strip_enclosing_quotes, strip_quote_marks

MAX_REVIEW_BYTES = 2_000_000

_BACK_LINK = regex.compile(r"^(?:←|⟵|<-+|&larr;)?\s*back\s+to\s*:?\s*(?P<podcast>.+)$", regex.I)
_EPISODE = regex.compile(r"^(?:episode|ep\.?)\s*#?\s*(?P<number>\d{1,7})\b\s*$", regex.I)
_PUBLISHED = regex.compile(r"^published\s*:\s*(?P<rest>.*)$", regex.I)
_GUESTS = regex.compile(r"^guests?\s*:\s*(?P<rest>.*)$", regex.I)
_VERDICT = regex.compile(r"^verdict\s*:\s*(?P<rest>.*)$", regex.I)
_VERDICT_SEPARATOR = regex.compile(r"\s*[—–]\s*|\s+-+\s+")
_EMOJI_LEAD = regex.compile(
    r"^(?P<emoji>(?:[#*0-9]\uFE0F?\u20E3|[\p{Extended_Pictographic}\p{Regional_Indicator}"
    r"\p{Emoji_Modifier}\u200D\uFE0F\uFE0E\U000E0020-\U000E007F])+)\s*(?P<rest>\S.*)$"
)
_BULLET = regex.compile(r"^(?:[•◦‣▪●·*]|-(?!-))\s*(?P<text>.*)$")
_QUOTE_WITH_SPEAKER = regex.compile(
    # A speaker is named, so not lower case: '"… jobs" - but that figure …' is the quote's
    # own sentence, its closing mark missing, not a speaker.
    r"^(?P<quote>[\"“„«].*[\"”»])\s*[—–-]+\s*(?P<speaker>(?![\s\p{Ll}])[^\"“”„«»]{2,80})$"
)

_SECTIONS = {
    "quick take": "quick_take",
    "key claims examined": "claims",
    "key claims": "claims",
    "what should we believe?": "believe",
    "what should we believe": "believe",
    "the bottom line": "bottom_line",
    "bottom line": "bottom_line",
    "guest credentials": "credentials",
}


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, as an editor shows it
    raw: str
    text: str  # stripped


def parse_review(path: Path) -> ParsedReview:
    """Parse one review file; raise `ReviewFormatError` if it does not follow the format."""
    return parse_review_bytes(read_review_file(path), path)


def read_review_file(path: Path) -> bytes:
    """A review file's bytes; `ReviewFormatError` if it cannot be read (gone, no permission)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReviewFormatError(path, f"cannot read the file ({exc.strerror})") from exc


def parse_review_bytes(data: bytes, path: Path | str) -> ParsedReview:
    """Parse the content of a review file; `path` names it in errors and in the episode."""
    path = Path(path)
    return _ReviewParser(_decode(data, path), path).parse()


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise ReviewFormatError(path, "the file is empty")
    if len(data) > MAX_REVIEW_BYTES:
        raise ReviewFormatError(
            path, f"the file is {len(data):,} bytes; a review may be at most {MAX_REVIEW_BYTES:,}"
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ReviewFormatError(path, "the file is binary, not UTF-8 text (a NUL byte)", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewFormatError(
            path, f"the file is not UTF-8 text (invalid byte at offset {exc.start})", line
        ) from exc
    return unicodedata.normalize("NFC", text)


class _ReviewParser:
    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.lines = [_Line(i + 1, raw.rstrip(), _clean(raw)) for i, raw in enumerate(raw_lines)]

    def error(
        self, problem: str, line: int | None = None, claim: str | None = None
    ) -> ReviewFormatError:
        return ReviewFormatError(self.path, problem, line, claim)

    def parse(self) -> ParsedReview:
        content = [ln for ln in self.lines if ln.text]
        sections, header = self._split_sections(content)
        episode = self._episode(header, sections)
        if "claims" not in sections:
            raise self.error("no 'Key Claims Examined' section: a review needs at least one claim")
        heading_line, claim_lines = sections["claims"]
        cards = _ClaimsParser(self, episode, heading_line, claim_lines).parse()
        return ParsedReview(episode=episode, cards=tuple(cards))

    def _split_sections(
        self, content: list[_Line]
    ) -> tuple[dict[str, tuple[int, list[_Line]]], list[_Line]]:
        """Header lines before the first known heading, then each section's lines."""
        sections: dict[str, tuple[int, list[_Line]]] = {}
        header: list[_Line] = []
        current: list[_Line] = header
        for line in content:
            name = _SECTIONS.get(line.text.casefold().rstrip(":").strip())
            if name is not None and name not in sections:
                current = []
                sections[name] = (line.number, current)
            else:
                current.append(line)
        return sections, header

    def _episode(
        self, header: list[_Line], sections: dict[str, tuple[int, list[_Line]]]
    ) -> Episode:
        if not header:
            raise self.error("expected '← Back to <podcast>' at the top of the file", 1)
        first = header[0]
        back = _BACK_LINK.match(first.text)
        if back is None:
            raise self.error(
                f"expected '← Back to <podcast>' as the first line, found {first.text[:60]!r}",
                first.number,
            )
        podcast = back["podcast"].strip()
        rest = header[1:]
        number: int | None = None
        if rest and (match := _EPISODE.match(rest[0].text)):
            number = int(match["number"])
            rest = rest[1:]
        if not rest or _PUBLISHED.match(rest[0].text) or _GUESTS.match(rest[0].text):
            # Where the title should be: the next line after the back link and number, which
            # may be the first section's heading.
            after = min((at for at, _ in sections.values()), default=header[-1].number + 1)
            where = rest[0].number if rest else after
            raise self.error("the episode title is missing (expected after the back link)", where)
        title = rest[0].text
        published = duration = credibility = None
        guests: tuple[Guest, ...] = ()
        for line in rest[1:]:
            if match := _PUBLISHED.match(line.text):
                published, duration, credibility = parse_published(match["rest"])
            elif match := _GUESTS.match(line.text):
                guests = parse_guests(match["rest"])
        return Episode(
            podcast=podcast,
            number=number,
            title=title,
            published=published,
            duration_minutes=duration,
            credibility=credibility,
            guests=guests,
            quick_take=_prose(sections.get("quick_take")),
            bottom_line=_prose(sections.get("bottom_line")),
            commentary=_commentary(sections),
            source_file=str(self.path),
        )


class _ClaimsParser:
    """Splits the Key Claims section into claim blocks and each block into a card."""

    def __init__(
        self, review: _ReviewParser, episode: Episode, heading_line: int, lines: list[_Line]
    ) -> None:
        self.review = review
        self.episode = episode
        self.heading_line = heading_line
        self.lines = lines
        self.next_suffix: dict[str, int] = {}  # base card id → next number to try

    def parse(self) -> list[VerdictCard]:
        starts = [i for i in range(len(self.lines)) if self._is_headline(i)]
        # The second line of a wrapped headline looks like a headline of its own.
        starts = [i for i in starts if not (i - 1 in starts and self._wrapped_headline(i - 1))]
        if not starts:
            raise self.review.error(
                "'Key Claims Examined' has no claim (expected an emoji headline, a quote, "
                "'Our Analysis' and a 'Verdict:' line)",
                self.heading_line,
            )
        # Text before the first claim may be an introduction; a verdict there belongs to a
        # claim whose headline could not be read, and is never dropped silently.
        stray = next((ln for ln in self.lines[: starts[0]] if _VERDICT.match(ln.text)), None)
        if stray is not None:
            raise self.review.error(_UNREAD_CLAIM, stray.number)
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
        if _VERDICT.match(text) or _BULLET.match(text) or _is_our_analysis(text):
            return False
        after = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        if _EMOJI_LEAD.match(text):
            return starts_with_quote(after) or _is_our_analysis(after) or self._wrapped_headline(i)
        # Without an emoji: a line, then a quote, then "Our Analysis".
        return (
            starts_with_quote(after)
            and i + 2 < len(self.lines)
            and _is_our_analysis(self.lines[i + 2].text)
            and not _is_our_analysis(text)
        )

    def _wrapped_headline(self, i: int) -> bool:
        """Line `i` is an emoji headline whose quote closes on the next line, which the
        claim's quote or 'Our Analysis' follows."""
        if i + 2 >= len(self.lines) or not _EMOJI_LEAD.match(self.lines[i].text):
            return False
        first, second, then = (ln.text for ln in self.lines[i : i + 3])
        return _wraps(first, second) and (starts_with_quote(then) or _is_our_analysis(then))

    def _card(self, block: list[_Line], position: int, used_ids: set[str]) -> VerdictCard:
        head = block[0]
        if len(block) > 1 and _wraps(head.text, block[1].text):
            head = _Line(head.number, head.raw, f"{head.text} {block[1].text}")
            block = [head, *block[2:]]
        emoji_match = _EMOJI_LEAD.match(head.text)
        emoji = emoji_match["emoji"] if emoji_match else ""
        headline = strip_enclosing_quotes(emoji_match["rest"] if emoji_match else head.text)
        verdict_at = next((k for k, ln in enumerate(block) if _VERDICT.match(ln.text)), None)
        if verdict_at is None:
            raise self.review.error(
                f"the claim {headline!r} has no 'Verdict:' line", head.number, claim=headline
            )
        body = block[1:verdict_at]
        quote, speaker, body = _split_quote(body)
        label, justification, after = self._verdict(block, verdict_at, headline)
        rest = block[after:]
        if any(_VERDICT.match(ln.text) or _is_our_analysis(ln.text) for ln in rest):
            # Another claim inside this block (its headline not recognised) or the verdict
            # before the analysis: either way text would be lost.
            raise self.review.error(
                f"the claim {headline!r} goes on after its 'Verdict:' line (line "
                f"{block[verdict_at].number}): {_UNREAD_CLAIM}",
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
            rating=rate_verdict(label),
            line=head.number,
        )

    def _verdict(self, block: list[_Line], at: int, headline: str) -> tuple[str, str, int]:
        """The verdict's label and justification, and the index of the line after them."""
        match = _VERDICT.match(block[at].text)
        assert match is not None
        text = match["rest"].strip()
        after = at + 1
        if not text and at + 1 < len(block):
            text, after = block[at + 1].text, at + 2
        if not text:
            raise self.review.error(
                f"the claim {headline!r} has an empty 'Verdict:' line", block[at].number, headline
            )
        parts = _VERDICT_SEPARATOR.split(text, maxsplit=1)
        label = parts[0].strip().rstrip(".").strip()
        justification = parts[1].strip() if len(parts) > 1 else ""
        if not label:
            raise self.review.error(
                f"the claim {headline!r} has a verdict without a label", block[at].number, headline
            )
        return label, justification, after


_UNREAD_CLAIM = (
    "a claim here could not be read: a claim is an emoji headline, then the quote in double "
    "quotes, then 'Our Analysis', then the 'Verdict:' line, in that order"
)


def _clean(raw: str) -> str:
    """A line without surrounding white space (NBSP and BOM included)."""
    return raw.replace("\ufeff", "").strip()


def _wraps(first: str, second: str) -> bool:
    """`first` leaves a quote open that `second`, a plain line, closes: one headline."""
    if starts_with_quote(second) or _is_our_analysis(second) or _VERDICT.match(second):
        return False
    return _quote_open(first) and not _quote_open(f"{first} {second}")


def _quote_open(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def _is_our_analysis(text: str) -> bool:
    return text.casefold().rstrip(":").strip() == "our analysis"


def _split_quote(body: list[_Line]) -> tuple[str, str | None, list[_Line]]:
    """The quote that opens a claim block (lines up to 'Our Analysis'), and the rest."""
    if not body or not starts_with_quote(body[0].text):
        rest = body[1:] if body and _is_our_analysis(body[0].text) else body
        return "", None, rest
    end = next((k for k, ln in enumerate(body) if _is_our_analysis(ln.text)), None)
    if end is None:
        end = 1
        while end < len(body) and not body[end - 1].text.endswith(('"', "”", "»")):
            end += 1
    quote_text = " ".join(ln.text for ln in body[:end])
    speaker = None
    if match := _QUOTE_WITH_SPEAKER.match(quote_text):
        quote_text, speaker = match["quote"], match["speaker"].strip()
    rest = body[end:]
    if rest and _is_our_analysis(rest[0].text):
        rest = rest[1:]
    return strip_quote_marks(quote_text), speaker, rest


def _analysis(body: list[_Line]) -> list[AnalysisBlock]:
    """Paragraphs and bullets in order. Lines of one paragraph are joined; an indented line
    right after a bullet continues it (wrapped exports)."""
    # Lines are collected and joined once per block: joining as they come is quadratic in a
    # paragraph's length, which a hostile file can make a million lines long.
    blocks: list[tuple[list[str], bool]] = []  # (lines, is a bullet)
    previous: _Line | None = None
    for line in body:
        adjacent = previous is not None and line.number == previous.number + 1
        bullet = _BULLET.match(line.text)
        if bullet:
            blocks.append(([bullet["text"].strip()], True))
        elif adjacent and blocks and (not blocks[-1][1] or line.raw[:1].isspace()):
            blocks[-1][0].append(line.text)
        else:
            blocks.append(([line.text], False))
        previous = line
    joined = (AnalysisBlock(text=" ".join(parts), bullet=is_bullet) for parts, is_bullet in blocks)
    return [b for b in joined if b.text]


def _prose(section: tuple[int, list[_Line]] | None) -> str | None:
    if section is None:
        return None
    paragraphs: list[list[str]] = []
    previous = -1
    for line in section[1]:
        if line.number != previous + 1 or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
        previous = line.number
    return "\n\n".join(" ".join(p) for p in paragraphs) or None


_COMMENTARY_SECTIONS = ("quick_take", "believe", "bottom_line", "credentials")
_MIN_COMMENTARY_WORDS = 4  # skips name lines and stubs like "Key takeaways:"


def _commentary(sections: dict[str, tuple[int, list[_Line]]]) -> tuple[str, ...]:
    """Every paragraph or list item of the sections outside the claims, in file order."""
    paragraphs = []
    for name in _COMMENTARY_SECTIONS:
        for line in sections.get(name, (0, []))[1]:
            text = regex.sub(r"^(?:\d+[.)]|[•◦‣▪●·*-])\s*", "", line.text)
            if len(text.split()) >= _MIN_COMMENTARY_WORDS:
                paragraphs.append(text)
    return tuple(paragraphs)
