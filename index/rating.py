"""Verdict labels, as written by reviewers, mapped onto one 1-5 scale with a colour.

Labels are open-ended ("Accurate", "Mostly true", "Half-baked", "Falso", "錯誤", ...). Known
words (`index.verdict_words`, many languages) carry a base score, qualifiers ("largely",
"teilweise", "not") move it, and anything unrecognised lands in the middle of the scale: a
label is never rejected, and is always kept as written.
"""

from __future__ import annotations

import regex
from pydantic import BaseModel, ConfigDict

from index.text import fold_accents
from index.verdict_words import QUALIFIER_WORDS, VERDICT_WORDS, Qualifier


class PublisherRating(BaseModel):
    """A verdict's rating on its publisher's own scale (2 on a scale of 1 to 6), kept beside
    claimbot's 1-5 rating so an export says what the publisher said."""

    model_config = ConfigDict(frozen=True)

    value: float
    worst: float
    best: float


def whole(value: float) -> int | float:
    """A rating's number as publishers write it: `2`, not `2.0`; `2.5` stays."""
    return int(value) if value == int(value) else value


RATING_NAMES: dict[int, str] = {
    5: "accurate",
    4: "mostly accurate",
    3: "mixed",
    2: "misleading",
    1: "false",
}
# Discord embed colours: green → red.
RATING_COLOURS: dict[int, int] = {
    5: 0x2ECC71,
    4: 0x8BC34A,
    3: 0xF1C40F,
    2: 0xE67E22,
    1: 0xE74C3C,
}

# A Han character is a token of its own: Chinese is written without spaces, so a phrase
# (錯誤) is found inside a longer label (部分錯誤) as a run of tokens.
_LETTERS = r"[[\p{L}\p{M}\p{N}\u200c\u200d]--\p{Han}]+"
_WORD = regex.compile(rf"\p{{Han}}|{_LETTERS}(?:-{_LETTERS})*", regex.V1)
# Arabic vowel marks are optional in writing: "جزئياً" and "جزئيا" are one word.
_ARABIC_MARKS = regex.compile(r"[\u064b-\u065f\u0670\u0640]")
# A label longer than this reads as a sentence (see `_lead`).
_LABEL_WORDS = 6
_CLAUSE_END = regex.compile(r"[.:;!?。：；！？，,—–«»“”\"()]|\s-\s")

Meaning = int | Qualifier


def _tokens(text: str) -> list[str]:
    """The words of `text` as matched: case and Latin accents folded, Arabic marks dropped."""
    words: list[str] = _WORD.findall(_ARABIC_MARKS.sub("", fold_accents(text).casefold()))
    return words


def _lexicon() -> dict[tuple[str, ...], Meaning]:
    lexicon: dict[tuple[str, ...], Meaning] = {}
    for ratings in VERDICT_WORDS.values():
        for rating, words in ratings.items():
            lexicon.update((tuple(_tokens(word)), rating) for word in words)
    for qualifiers in QUALIFIER_WORDS.values():
        for kind, words in qualifiers.items():
            lexicon.update((tuple(_tokens(word)), kind) for word in words)
    return lexicon


_LEXICON = _lexicon()
_LONGEST = max(len(phrase) for phrase in _LEXICON)


def _meanings(words: list[str]) -> list[Meaning]:
    """The known phrases in `words`, in order, each the longest one starting where it does."""
    found: list[Meaning] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            meaning = _LEXICON.get(tuple(words[i : i + n]))
            if meaning is not None:
                found.append(meaning)
                i += n
                break
        else:
            i += 1
    return found


def _word_count(words: list[str]) -> int:
    """Words as a reader counts them: two Han characters make about one Chinese word."""
    han = sum(1 for w in words if regex.fullmatch(r"\p{Han}", w))
    return len(words) - han + (han + 1) // 2


def rate_verdict(label: str, publisher_rating: PublisherRating | None = None) -> int:
    """The 1-5 rating of a verdict label: 5 for "Accurate", 1 for "False". A label no table
    knows takes the publisher's number, when there is one, on the 1-5 scale; else 3."""
    known = rate_label(label)
    if known is not None:
        return known
    if publisher_rating is not None:
        return scaled_rating(publisher_rating)
    return 3


def scaled_rating(rating: PublisherRating) -> int:
    """A rating on its publisher's scale (worst to best, either way round) as 1-5."""
    return 1 + round(4 * (rating.value - rating.worst) / (rating.best - rating.worst))


def rate_label(label: str) -> int | None:
    """The 1-5 rating of a verdict label, or None when no known word is in it."""
    if _word_count(_tokens(label)) > _LABEL_WORDS:
        clauses = [_lead(label)]
    else:
        clauses = [_tokens(clause) for clause in _CLAUSE_END.split(label)]
    found = [_clause_meanings(words) for words in clauses]
    rated = [(meanings, words) for meanings, words in found if _scores(meanings)]
    if not rated:
        return None
    # Qualifiers move the verdict of their own clause: "False, not from 2024" is false.
    meanings, words = rated[0]
    score = _scores(meanings)[0]
    kinds = {m for m in meanings if isinstance(m, str)}
    every_kind = {m for meanings, _ in found for m in meanings if isinstance(m, str)}
    if "but" in every_kind and len({s for m, _ in rated for s in _scores(m)}) > 1:
        return 3
    in_part = "in part" in " ".join(words) or {"not", "entirely"} <= kinds
    if ("partly" in kinds or in_part) and score in (1, 5):  # "partially true"; "half-baked" is low
        return 3
    if "not" in kinds:
        score = 6 - score
    if "mostly" in kinds:
        score = 4 if score == 5 else 2 if score == 1 else score
    return max(1, min(5, score))


def _clause_meanings(words: list[str]) -> tuple[list[Meaning], list[str]]:
    """A clause's known phrases and its words; the parts of hyphenated words ("half-true",
    "pants-on-fire") when the words themselves hold no verdict."""
    meanings = _meanings(words)
    if _scores(meanings):
        return meanings, words
    parts = [p for w in words for p in w.split("-")]
    return _meanings(parts), parts + words


def _scores(meanings: list[Meaning]) -> list[int]:
    return [m for m in meanings if isinstance(m, int)]


def _lead(label: str) -> list[str]:
    """The words that rate a sentence-long label: its first clause, when that is label-length
    and opens with a verdict or a qualifier ("False: the photo is from 2015"); else none, so
    a verdict word somewhere in a sentence is not taken for the verdict."""
    first = next((c for c in _CLAUSE_END.split(label) if c.strip()), "")
    words = _tokens(first)
    opens = any(tuple(words[:n]) in _LEXICON for n in range(1, min(_LONGEST, len(words)) + 1))
    return words if opens and _word_count(words) <= _LABEL_WORDS else []


def rating_colour(rating: int) -> int:
    """The RGB colour for a 1-5 rating."""
    return RATING_COLOURS[max(1, min(5, rating))]
