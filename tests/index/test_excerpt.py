"""Error messages quote a file only as a short, cleaned excerpt of a line, with anything shaped
like a secret masked, wherever the parser quotes it."""

from __future__ import annotations

import pytest

from index import ReviewFormatError, parse_review_bytes
from index.errors import ClaimReviewFieldError
from index.excerpt import EXCERPT_CHARS, HIDDEN, clean_line, excerpt, mask_secrets
from tests.conftest import REFERENCE_REVIEW

DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.k3yk3yk3yk3yk3yk3yk3yk3yk3y"
REFERENCE = REFERENCE_REVIEW.read_text("utf-8")


@pytest.mark.parametrize(
    "line",
    [
        f"CLAIMBOT_DISCORD_TOKEN={DISCORD_TOKEN}",
        "DB_PASSWORD = correct horse battery staple",
        "api_key: sk_live_51Habc",
        "Authorization Token: abc",
        "client_secret=x",
    ],
)
def test_the_value_of_a_secret_setting_is_masked(line: str) -> None:
    masked = mask_secrets(line)
    assert (
        masked.endswith(HIDDEN)
        and line.rsplit("=" if "=" in line else ":", 1)[1].strip() not in masked
    )


@pytest.mark.parametrize(
    "token",
    [
        DISCORD_TOKEN,
        "ghp_A1b2C3d4E5f6G7h8I9j0KlMnOpQr",  # base64-ish, mixed case and digits
        "0123456789abcdef0123456789abcdef",  # hex
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ],
)
def test_a_token_shaped_string_is_masked_wherever_it_is(token: str) -> None:
    assert mask_secrets(f"the value {token} here") == f"the value {HIDDEN} here"


@pytest.mark.parametrize(
    "text",
    [
        "https://lexfridman.com/state-of-ai-in-2026-lex-fridman-podcast-490",
        "Key Claims Examined",
        "Authors: Jane Doe",
        "NVIDIA's gross margins have ranged from 60-75% in recent quarters",
    ],
)
def test_ordinary_review_text_is_not_masked(text: str) -> None:
    assert mask_secrets(text) == text


def test_control_and_direction_characters_are_dropped() -> None:
    assert clean_line("a\x1b[31mb\u202ec\u2066d\te") == "a[31mbcd e"


def test_emoji_sequences_keep_their_joiner() -> None:
    assert clean_line("👨\u200d💻 code") == "👨\u200d💻 code"


def test_a_long_line_is_cut_with_an_ellipsis() -> None:
    shown = clean_line("word " * 100)
    assert len(shown) == EXCERPT_CHARS and shown.endswith("…")


def test_a_token_is_masked_before_the_line_is_cut() -> None:
    shown = clean_line(f"x {DISCORD_TOKEN}", 20)
    assert DISCORD_TOKEN[:10] not in shown


def test_an_excerpt_is_quoted_as_repr_quotes() -> None:
    assert (excerpt("plain"), excerpt("it's")) == ("'plain'", '"it\'s"')


# -- every place the parser quotes a file ------------------------------------------------------


def _error_of(text: str) -> ReviewFormatError:
    with pytest.raises(ReviewFormatError) as caught:
        parse_review_bytes(text.encode(), "r.txt")
    return caught.value


def test_a_first_line_holding_a_token_is_not_quoted() -> None:
    error = _error_of(f"CLAIMBOT_DISCORD_TOKEN={DISCORD_TOKEN}\n{REFERENCE}")
    assert "found 'CLAIMBOT_DISCORD_TOKEN=[hidden]'" in str(error)
    assert DISCORD_TOKEN[:8] not in str(error)


def test_a_headline_holding_a_token_is_masked_in_the_message_and_the_claim() -> None:
    headline = next(ln for ln in REFERENCE.splitlines() if ln.startswith("💰"))
    verdict = "Verdict: Accurate — verified by public financial data"
    text = REFERENCE.replace(headline, f"{headline} {DISCORD_TOKEN}").replace(verdict, "")
    error = _error_of(text)
    assert DISCORD_TOKEN[:8] not in str(error) and DISCORD_TOKEN[:8] not in (error.claim or "")
    assert "no 'Verdict:' line" in str(error)


def test_a_provenance_value_holding_a_token_is_masked() -> None:
    title_line = next(ln for ln in REFERENCE.splitlines() if ln.startswith("State of AI"))
    text = REFERENCE.replace(title_line, f"{title_line}\nURL: {DISCORD_TOKEN}", 1)
    error = _error_of(text)
    assert "web address" in str(error) and DISCORD_TOKEN[:8] not in str(error)


def test_an_imported_claim_holding_a_token_is_masked() -> None:
    error = ClaimReviewFieldError("in.json", 0, "reviewRating", "missing", f"x {DISCORD_TOKEN}")
    assert DISCORD_TOKEN[:8] not in str(error)
