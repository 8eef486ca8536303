"""Which language a text is in, and which languages the embedding model reads.

An English-only model matches a Sinhala card to an English question about something else, and
a Hindi question to a random English card: the engine only matches a question or card whose
language the model serves. Detection (lingua) answers only when it is sure; `None` means "do
not know", which the engine treats as servable.
"""

from __future__ import annotations

import textwrap
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from lingua import LanguageDetector

    from index.models import Episode, VerdictCard

# The languages lingua chooses among. Every language of a script other than Latin costs
# nothing until a text in its script comes; each Latin one costs load time and memory on the
# first Latin text (docs/languages.md: these cost a third of all 75) and is one more language
# a short English text can be mistaken for. These are the Latin-script languages
# fact-checkers publish in most; a text in another one is called one of them, or none.
_LATIN = (
    "en", "es", "pt", "fr", "de", "it", "nl", "da", "sv",
    "id", "ms", "tl", "vi", "tr", "pl", "ro", "sw",
)  # fmt: skip
_OTHER_SCRIPTS = (
    "ar", "be", "bg", "bn", "el", "fa", "gu", "he", "hi", "hy", "ja", "ka", "kk", "ko",
    "mk", "mn", "mr", "pa", "ru", "sr", "ta", "te", "th", "uk", "ur", "zh",
)  # fmt: skip
DETECTED = frozenset(_LATIN + _OTHER_SCRIPTS)
"""Every language `detect_language` can return besides `BY_SCRIPT`'s."""

BY_SCRIPT = {
    "Sinhala": "si",
    "Malayalam": "ml",
    "Kannada": "kn",
    "Oriya": "or",
    "Khmer": "km",
    "Myanmar": "my",
    "Lao": "lo",
    "Ethiopic": "am",
    "Tibetan": "bo",
    "Thaana": "dv",
}
"""Scripts lingua has no language of, each written by one main language: the script is enough."""

MIN_CONFIDENCE = 0.5
"""The share of lingua's confidence the best language needs. Chosen on the CheckThat! tweets
(English) and made-up sentences: no English tweet reaches it as another language; short texts
("GPT-5 vs Claude?") stay far below (about 0.2)."""
MIN_WORDS = 3
"""Fewer words of letters than this are too few to tell Latin-script languages apart."""
PIECE_CHARS = 120
"""Lingua reads a text of up to this many characters with all its n-gram models."""
MAX_CHARS = 480
"""Detection reads this much of a text: a card's first paragraphs say its language."""

_SENTENCE_END = regex.compile(r"(?<=[.!?…।۔。！？])\s+|\n+")
_LETTERS = regex.compile(r"\p{L}")
_WORD = regex.compile(r"\p{L}{2,}")
_IGNORED = regex.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*|[@#][\w.]+", regex.I)
# A capitalised word that does not open a sentence, with the particles joining the parts of a
# name ("Tarcísio de Freitas", "Ciudad de México").
_NAME = regex.compile(
    r"(?<![.!?…:;¿¡\"“«(]\s*)(?<!^\s*)(?<![\p{L}\p{M}'’-])\p{Lu}[\p{L}\p{M}'’-]*"
    r"(?:\s+(?:(?:d[aeiou]|d[aeo]s|del|della|van|von|der|den|bin|al|el|la|le|y|e)\s+)?"
    r"\p{Lu}[\p{L}\p{M}'’-]*)*"
)

_detector: LanguageDetector | None = None
_detector_lock = threading.Lock()


@lru_cache(maxsize=4096)  # a reindex reads again the cards of every changed review
def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is in ("en", "hi"), or None when unsure
    (too short, names and numbers only, or no language clearly ahead)."""
    text = _IGNORED.sub(" ", text[:MAX_CHARS]).strip()
    letters = _LETTERS.findall(text)
    if not letters:
        return None
    by_script = _script_language(letters)
    if by_script is not None:
        return by_script
    latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f")
    if latin * 2 > len(letters) and len(_WORD.findall(text)) < MIN_WORDS:
        return None
    # Past 120 characters lingua weighs trigrams alone, and its confidence goes to 1.0 for
    # whichever language wins, right or not (an English sentence said twice read as
    # Tagalog): a longer text is read in pieces of a sentence or so, and must agree.
    votes: Counter[str | None] = Counter()
    for piece in _pieces(text):
        votes[_confident(piece)] += len(piece)
    best, weight = max(votes.items(), key=lambda vote: (vote[0] is not None, vote[1]))
    return best if best is not None and weight * 2 > sum(votes.values()) else None


def unread_language(question: str, languages: ModelLanguages) -> str | None:
    """The language of a question confidently in one the model does not read, else None.
    Names say nothing of the words around them ("Did Mette Frederiksen resign?" reads as
    Danish), so a question is refused only when its words besides names lean that way too."""
    language = detect_language(question)
    if language is None or languages.serves(language):
        return None
    rest = _IGNORED.sub(" ", question[:MAX_CHARS])
    letters = _LETTERS.findall(rest)
    if sum(1 for c in letters if c.isupper()) * 2 <= len(letters):  # not shouted in capitals
        rest = _NAME.sub(" ", rest)
    if not _WORD.search(rest):
        return None
    values = _lingua().compute_language_confidence_values(rest)
    leaning = values[0].language.iso_code_639_1.name.lower() if values else None
    return None if leaning is not None and languages.serves(leaning) else language


def _confident(text: str) -> str | None:
    values = _lingua().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    code: str = values[0].language.iso_code_639_1.name.lower()
    return code


def _pieces(text: str) -> list[str]:
    """The text cut into pieces of at most `PIECE_CHARS`, at sentence ends where it can."""
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        for piece in textwrap.wrap(sentence, PIECE_CHARS, break_long_words=False):
            if pieces and len(pieces[-1]) + 1 + len(piece) <= PIECE_CHARS:
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
    return pieces


def card_language(card: VerdictCard, episode: Episode) -> str | None:
    """A card's language: as its claim or its review declares it (BCP 47), else the one its
    own words (headline, quote, analysis) are confidently in, else None."""
    declared = card.language or episode.language
    if declared:
        return declared
    return detect_language("\n".join([card.headline, card.quote, card.analysis_text()]))


def _script_language(letters: list[str]) -> str | None:
    """The language of a script lingua does not know, when most letters are in it."""
    for script, code in BY_SCRIPT.items():
        pattern = _SCRIPT_PATTERNS[script]
        if sum(1 for c in letters if pattern.match(c)) * 2 > len(letters):
            return code
    return None


_SCRIPT_PATTERNS = {script: regex.compile(rf"\p{{Script={script}}}") for script in BY_SCRIPT}


def load_language_detector() -> None:
    """Load the detector and its Latin-script models now (seconds), not on a first question."""
    _lingua().compute_language_confidence_values("loading the language models now")


def _lingua() -> LanguageDetector:
    """The one detector of this process, built on first use: its models load lazily, per
    script, as texts need them."""
    global _detector
    with _detector_lock:
        if _detector is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, code.upper()) for code in sorted(DETECTED)]
            _detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        return _detector


def primary(tag: str) -> str:
    """A BCP 47 tag's language ("pt-BR" → "pt"), lower case; a three-letter ISO 639 code
    as its two-letter one where there is one ("eng" → "en"), as detection names it."""
    code = tag.split("-")[0].split("_")[0].strip().lower()
    return _two_letter(code) if len(code) == 3 else code


@lru_cache(maxsize=256)
def _two_letter(code: str) -> str:
    from lingua import IsoCode639_3, Language

    iso = getattr(IsoCode639_3, code.upper(), None)
    if iso is None:
        return code
    return str(Language.from_iso_code_639_3(iso).iso_code_639_1.name.lower())


def language_name(code: str) -> str:
    """The English name of a language code ("hi" → "Hindi"); the code itself if unknown."""
    script = next((s for s, c in BY_SCRIPT.items() if c == code), None)
    if script is not None:
        return _SCRIPT_NAMES.get(script, script)
    from lingua import IsoCode639_1, Language

    iso = getattr(IsoCode639_1, primary(code).upper(), None)
    if iso is None:
        return code
    return Language.from_iso_code_639_1(iso).name.capitalize()


_SCRIPT_NAMES = {"Oriya": "Odia", "Myanmar": "Burmese", "Ethiopic": "Amharic", "Thaana": "Dhivehi"}


@dataclass(frozen=True)
class ModelLanguages:
    """The languages an embedding model reads: some ISO 639-1 codes, or all (`codes` None)."""

    codes: frozenset[str] | None

    @classmethod
    def of(cls, codes: Iterable[str]) -> ModelLanguages:
        return cls(frozenset(primary(c) for c in codes))

    @classmethod
    def parse(cls, text: str) -> ModelLanguages:
        """`"*"` or `"all"` → all; `"en"`, `"en,de"` → those. Raises ValueError on a code
        that is not two or three letters."""
        text = text.strip()
        if text.casefold() in {"*", "all"}:
            return ALL_LANGUAGES
        codes = [primary(c) for c in text.split(",") if c.strip()]
        bad = [c for c in codes if not regex.fullmatch(r"[a-z]{2,3}", c)]
        if not codes or bad:
            raise ValueError(
                f"expected '*' or language codes such as 'en' or 'en,de', not {text!r}"
            )
        return cls(frozenset(codes))

    @property
    def every(self) -> bool:
        return self.codes is None

    def serves(self, language: str | None) -> bool:
        """Whether the model reads `language` (a BCP 47 tag); an unknown language it may."""
        return language is None or self.codes is None or primary(language) in self.codes

    def __str__(self) -> str:
        return "*" if self.codes is None else ",".join(sorted(self.codes))


ALL_LANGUAGES = ModelLanguages(None)
ENGLISH = ModelLanguages(frozenset({"en"}))

_MULTILINGUAL_NAMES = regex.compile(
    r"multilingual|labse|xlm|(?<![a-z0-9])m3(?![a-z0-9])|jina-embeddings-v3|qwen3-embedding"
    r"|embeddinggemma|arctic-embed-[a-z]+-v2|nomic-embed-text-v2",
    regex.I,
)


def languages_of_model(model: str) -> ModelLanguages:
    """What a model reads, guessed from its name: all languages for multilingual models
    ("paraphrase-multilingual-MiniLM-L12-v2", "LaBSE", "xlm-r", "bge-m3"), else English (the
    packaged MiniLM and most sentence-transformers models)."""
    return ALL_LANGUAGES if _MULTILINGUAL_NAMES.search(model) else ENGLISH
