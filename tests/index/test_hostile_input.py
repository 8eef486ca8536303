"""Hostile and broken input: the parser returns a review or raises `ReviewFormatError` — never
anything else, never part of a file, never a hang — and any question gets an answer or a
`ClaimbotError` refusal.

Property-based (hypothesis): random bytes, random text, reviews assembled from the format's
line shapes in random order, and the real reviews mutated (truncated, lines deleted,
duplicated or swapped, sections repeated hundreds of times, odd Unicode inserted, huge lines,
CR/LF mixtures, NUL and invalid UTF-8 bytes). Each example has a deadline far above what a
linear parser needs, and a separate test feeds the worst shapes found at the size cap.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index import (
    Answer,
    ClaimbotError,
    ClaimIndex,
    Embedder,
    ParsedReview,
    ReviewFormatError,
    parse_review_bytes,
    reindex,
)
from index.parse import MAX_REVIEW_BYTES
from tests.conftest import REFERENCE_REVIEW, REPO, TEST_DATA
from tests.fakes import HashingEmbedder

REAL_REVIEWS = sorted(
    [
        REFERENCE_REVIEW,
        *(TEST_DATA / "reviews").glob("*.txt"),
        *(TEST_DATA / "variants").glob("*.txt"),
    ]
)
SOURCES = [path.read_bytes() for path in REAL_REVIEWS]
MUTATED_MAX_BYTES = 600_000  # repetition stops here; the size cap itself is tested below

PARSER_SETTINGS = settings(
    max_examples=200,
    deadline=timedelta(seconds=10),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _assert_review_or_format_error(data: bytes) -> None:
    """The parser's whole contract on any input."""
    try:
        review = parse_review_bytes(data, "hostile.txt")
    except ReviewFormatError as exc:
        assert str(exc).startswith("hostile.txt")
        return
    assert isinstance(review, ParsedReview)
    assert review.cards, "a review is returned only with at least one claim"
    assert len({card.id for card in review.cards}) == len(review.cards)
    assert [card.position for card in review.cards] == list(range(1, len(review.cards) + 1))
    assert all(card.verdict and card.headline for card in review.cards)


# -- reviews mutated ---------------------------------------------------------------------

ODD_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40
) | st.sampled_from(
    [
        "\u202e",  # right-to-left override
        "\u200d\u200b\ufeff",  # joiners, zero-width space, BOM mid-line
        "👩\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
        "e\u0301\u0301\u0301",
        "\u2028\u2029\x85\x0b\x0c",  # separators str.splitlines() would split on
        "Verdict:",
        "Key Claims Examined",
        "Our Analysis",
        "“",
        "← Back to",
    ]
)


@st.composite
def mutated_review(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(SOURCES)).decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 4))):
        n = len(lines)
        i = draw(st.integers(0, max(n - 1, 0)))
        j = draw(st.integers(i, min(n, i + 60)))
        match draw(st.sampled_from(["delete", "duplicate", "repeat", "swap", "insert", "huge"])):
            case "delete":
                del lines[i:j]
            case "duplicate":
                lines[i:i] = lines[i : i + 1] * draw(st.integers(1, 50))
            case "repeat":  # e.g. a whole claim, or the claims section, many times over
                block = lines[i:j] or [""]
                size = sum(len(x) + 1 for x in block)
                times = min(draw(st.integers(2, 500)), MUTATED_MAX_BYTES // max(size, 1))
                lines[i:j] = block * max(times, 1)
            case "swap" if lines:
                k = max(i, j - 1)
                lines[i], lines[k] = lines[k], lines[i]
            case "insert":
                at = lines[i] if lines else ""
                col = draw(st.integers(0, len(at)))
                lines[i : i + 1] = [at[:col] + draw(ODD_TEXT) + at[col:]]
            case "huge":
                unit = draw(st.sampled_from(["a", " ", "-", '"', "🔥", "“", "é", "word "]))
                lines.insert(i, unit * draw(st.integers(1_000, 200_000 // len(unit.encode()))))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if ending == "mixed":
        rng = draw(st.randoms(use_true_random=False))
        text = "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in lines)
    else:
        text = ending.join(lines)
    data = text.encode("utf-8")
    if draw(st.booleans()):  # cut anywhere, even inside a multi-byte character
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at]
            + draw(st.sampled_from([b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf"]))
            + data[at:]
        )
    return data


@PARSER_SETTINGS
@given(mutated_review())
def test_a_mutated_real_review_parses_or_raises_the_format_error(data: bytes) -> None:
    _assert_review_or_format_error(data)


# -- reviews assembled from the format's line shapes ------------------------------------

LINE_SHAPES = st.sampled_from(
    [
        "",
        "Episode #7",
        "Published: January 31, 2026 ~3 hours Highly Credible",
        "Published: ~",
        "Guests: A (x, “y”) & B and C, (",
        "Quick Take",
        "Key Claims Examined",
        "What Should We Believe?",
        "The Bottom Line",
        "Guest Credentials",
        "🔥 A headline",
        "🔥",
        "1️⃣ Numbered",
        '"A quote"',
        '"An unclosed quote',
        "“Curly” — Speaker Name",
        "Our Analysis",
        "Our Analysis:",
        "• a bullet",
        "- a dash bullet",
        "  an indented continuation",
        "Verdict: Accurate — because",
        "Verdict:",
        "Verdict: —",
        "Verdict: - -",
        "plain prose line",
    ]
)


CANONICAL_CLAIM = ["🔥 A headline", '"A quote"', "Our Analysis", "prose", "Verdict: Accurate — y"]
CLAIM_BLOCK = (
    st.permutations(CANONICAL_CLAIM)  # the right lines, in any order
    | st.lists(LINE_SHAPES | ODD_TEXT, max_size=8).map(lambda body: ["🔥 H", *body])
    | st.just(CANONICAL_CLAIM)
)


@st.composite
def assembled_review(draw: st.DrawFn) -> bytes:
    head = draw(st.sampled_from(["← Back to The Pod"] * 4 + ["Back to: X", "<-- back to", ""]))
    lines = [head, draw(st.just("A title") | ODD_TEXT)]
    lines += draw(st.lists(LINE_SHAPES, max_size=5))
    if draw(st.integers(0, 9)):
        lines.append("Key Claims Examined")
    for block in draw(st.lists(CLAIM_BLOCK, max_size=8)):
        lines += block
    lines += draw(st.lists(LINE_SHAPES | ODD_TEXT, max_size=10))
    return "\n".join(lines).encode("utf-8")


@PARSER_SETTINGS
@given(assembled_review())
def test_a_review_assembled_from_random_line_shapes_parses_or_raises_the_format_error(
    data: bytes,
) -> None:
    _assert_review_or_format_error(data)


@settings(max_examples=100, deadline=timedelta(seconds=10), database=None)
@given(st.binary(max_size=20_000) | st.text(max_size=5_000).map(str.encode))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\x00" * 100)
@example(b"\n\r" * 1000)
def test_random_bytes_parse_or_raise_the_format_error(data: bytes) -> None:
    _assert_review_or_format_error(data)


# -- the worst shapes at the size cap ----------------------------------------------------

_CAP_SHAPES = {
    # One headline repeated ~40k times: numbering duplicate ids one by one was quadratic and
    # took minutes here; linear, it takes seconds.
    "one claim repeated": "head + '🔥 H\\n\"q\"\\nVerdict: X\\n' * ((cap // 2 - len(head)) // 25)",
    # A single line as long as the cap allows, through every line regex.
    "one huge line": "head + '🔥' * ((cap - len(head)) // 4 - 1)",
}
# (A paragraph of a million short lines was quadratic too, but in memcpy: ~40 s at the cap,
# not enough above the linear ~4 s to tell apart here without a flaky timing threshold.)


@pytest.mark.parametrize("shape", _CAP_SHAPES.values(), ids=_CAP_SHAPES.keys())
def test_the_worst_shapes_near_the_size_cap_parse_in_bounded_time(shape: str) -> None:
    """Run in a child so that a hang is killed after a minute, not waited for."""
    head = REFERENCE_REVIEW.read_text("utf-8").split("Key Claims Examined")[0]
    script = (
        "from index import parse_review_bytes\n"
        f"head, cap = {head + 'Key Claims Examined' + chr(10)!r}, {MAX_REVIEW_BYTES - 100}\n"
        f"data = ({shape}).encode()\n"
        "assert len(data) <= cap + 100, len(data)\n"
        "print(len(parse_review_bytes(data, 'cap.txt').cards))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 or "ReviewFormatError" in done.stderr, done.stderr


# -- questions ---------------------------------------------------------------------------

NASTY_QUESTIONS = [
    "",
    " \t\n\r ",
    "a" * 10_000,
    "why " * 2_500,
    "\x00\x01\x02\x1b[31mred\x1b[0m\x7f",
    "@everyone @here <@123456789012345678> <@&42> <#99>",
    "**bold** _it_ `code` ```py\nprint('x')\n``` [link](https://example.com) > quote ||spoiler||",
    "هل هوامش أرباح إنفيديا مرتفعة حقًا؟",
    "\u202eevil\u202c are margins high?",
    "🔥🔥🔥 👩\u200d👩\u200d👧 🏳️\u200d🌈",
    "\u200b" * 500,
    "e" + "\u0301" * 5_000,
    "\ufeff\ufffe\uffff\U0010ffff",
    "Nvidia margins?" * 700,
]


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> ClaimIndex:
    root = tmp_path_factory.mktemp("questions")
    (root / "reviews").mkdir()
    (root / "reviews" / REFERENCE_REVIEW.name).write_bytes(REFERENCE_REVIEW.read_bytes())
    reindex(root / "reviews", root / "index", HashingEmbedder())
    return ClaimIndex.open(root / "index", HashingEmbedder())


def _assert_answer_or_refusal(index: ClaimIndex, question: str) -> None:
    try:
        answer = index.ask(question)
    except ClaimbotError as exc:
        assert str(exc)
        return
    assert isinstance(answer, Answer) and answer.question == question
    assert len(answer.hits) <= 3
    assert not answer.answered or answer.hits


@settings(max_examples=200, deadline=timedelta(seconds=5), database=None)
@given(st.text(max_size=10_000) | st.text(st.characters(codec="utf-8"), max_size=200))
def test_any_question_gets_an_answer_or_a_refusal(fake_index: ClaimIndex, question: str) -> None:
    _assert_answer_or_refusal(fake_index, question)


@pytest.mark.parametrize("question", NASTY_QUESTIONS, ids=range(len(NASTY_QUESTIONS)))
def test_nasty_questions_get_an_answer_or_a_refusal(fake_index: ClaimIndex, question: str) -> None:
    _assert_answer_or_refusal(fake_index, question)


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder) -> ClaimIndex:
    root = tmp_path_factory.mktemp("questions-real")
    (root / "reviews").mkdir()
    (root / "reviews" / REFERENCE_REVIEW.name).write_bytes(REFERENCE_REVIEW.read_bytes())
    reindex(root / "reviews", root / "index", real_embedder)
    return ClaimIndex.open(root / "index", real_embedder)


@pytest.mark.model
@pytest.mark.parametrize(
    "question",
    [
        *NASTY_QUESTIONS,
        "margins \ud800 high?",  # a lone surrogate: valid in JSON input, not in UTF-8
    ],
    ids=[*map(str, range(len(NASTY_QUESTIONS))), "lone-surrogate"],
)
def test_nasty_questions_through_the_real_model_get_an_answer_or_a_refusal(
    real_index: ClaimIndex, question: str
) -> None:
    _assert_answer_or_refusal(real_index, question)


def test_the_reviews_that_are_mutated_start_out_valid() -> None:
    assert len(SOURCES) >= 10 and all(parse_review_bytes(s, "ok.txt").cards for s in SOURCES)
