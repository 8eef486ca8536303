"""Cards as Discord embeds: within every limit Discord enforces, whatever the review says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import discord
import pytest

from bot.discordbot.embeds import (
    DESCRIPTION_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    NOT_A_MATCH,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    answer_embeds,
    card_embed,
    cut,
    fit,
    summary_embed,
    verdicts_embed,
    without_paths,
)
from bot.wording import LANGUAGE_TITLE
from index import (
    AnalysisBlock,
    Answer,
    Episode,
    FewerClaims,
    Hit,
    LanguageMismatch,
    Party,
    ReindexSummary,
    ReviewFormatError,
    VerdictCard,
    rate_verdict,
    rating_colour,
)

EPISODE = Episode(
    podcast="Gut Feeling",
    number=37,
    title="Fasting",
    published=date(2026, 3, 7),
    source_file="g.txt",
)


def card(n: int = 1, verdict: str = "Accurate", **changes: object) -> VerdictCard:
    fields: dict[str, object] = {
        "id": f"gut-feeling-37/claim-{n}",
        "episode_key": EPISODE.key,
        "position": n,
        "emoji": "⏰",
        "headline": f"Claim {n}",
        "quote": "Fasting burns more fat.",
        "speaker": "Dr. A",
        "analysis": (
            AnalysisBlock(text="Trials disagree."),
            AnalysisBlock(text="TREAT", bullet=True),
        ),
        "verdict": verdict,
        "justification": "calories matched",
        "rating": rate_verdict(verdict),
        "line": 10,
        **changes,
    }
    return VerdictCard.model_validate(fields)


def hit(c: VerdictCard, score: float = 0.8, confidence: float = 0.9) -> Hit:
    return Hit(card=c, episode=EPISODE, score=score, confidence=confidence)


def within_limits(embed: discord.Embed) -> bool:
    return (
        len(embed.title or "") <= TITLE_LIMIT
        and len(embed.description or "") <= DESCRIPTION_LIMIT
        and all(len(f.value or "") <= FIELD_VALUE_LIMIT for f in embed.fields)
        and len(embed.footer.text or "") <= FOOTER_LIMIT
        and len(embed.fields) <= FIELD_COUNT_LIMIT
        and len(embed) <= TOTAL_LIMIT
    )


def test_a_card_shows_badge_colour_quote_analysis_and_episode() -> None:
    embed = card_embed(hit(card()))
    assert embed.title == "⏰ Claim 1"
    assert embed.colour == discord.Colour(rating_colour(5))
    assert embed.fields[0].value == "✅ Accurate — calories matched"
    assert embed.description == "> “Fasting burns more fat.” — Dr. A\n\nTrials disagree.\n• TREAT"
    assert embed.footer.text == "Gut Feeling #37: Fasting · 2026-03-07 · gut-feeling-37/claim-1"


def test_enormous_texts_are_cut_to_every_limit() -> None:
    huge = card(
        headline="Headline " * 100,
        quote="quote " * 2000,
        analysis=tuple(AnalysisBlock(text="word " * 300, bullet=True) for _ in range(40)),
        justification="because " * 500,
        verdict="Accurate " + "really " * 300,
    )
    episode = EPISODE.model_copy(update={"title": "Title " * 600})
    for full in (False, True):
        embed = card_embed(Hit(card=huge, episode=episode, score=1.0), full=full)
        assert within_limits(embed)
        assert embed.title and embed.title.endswith("…")
        assert embed.fields[0].value and embed.fields[0].value.endswith("…")


def test_cutting_ends_at_a_word_with_an_ellipsis() -> None:
    assert cut("the quick brown fox", 12) == "the quick…"
    assert cut("short", 12) == "short"
    assert len(cut("x" * 50, 10)) == 10


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("cannot read /srv/claimbot/reviews/ep-9.txt: denied", "cannot read ep-9.txt: denied"),
        ("no index in /var/lib/claimbot/index/ yet", "no index in index yet"),
        (
            "see https://example.org/a/b and `/reindex`",
            "see https://example.org/a/b and `/reindex`",
        ),
        ("rated 3/5 in ../reviews", "rated 3/5 in ../reviews"),
        (
            "cannot write the new index in /home/Ann Lee/claim bot/index: No space left",
            "cannot write the new index in index: No space left",
        ),
        ("moved /srv/a to /srv/b", "moved a to b"),
    ],
)
def test_server_paths_are_cut_to_their_last_name_and_nothing_else_is(text: str, shown: str) -> None:
    assert without_paths(text) == shown


def test_an_unknown_verdict_label_is_shown_as_written_with_a_middle_badge() -> None:
    embed = card_embed(hit(card(verdict="Zorptastic, honestly")))
    assert embed.fields[0].value.startswith("⚖️ Zorptastic, honestly")  # type: ignore[union-attr]
    assert embed.colour == discord.Colour(rating_colour(3))


def test_an_answer_lists_up_to_two_more_relevant_cards() -> None:
    answer = Answer(question="q", answered=True, hits=tuple(hit(card(n)) for n in range(1, 5)))
    [embed] = answer_embeds(answer)
    also = embed.fields[-1]
    assert also.name == "Also relevant"
    assert (also.value or "").count("\n") == 1 and "Claim 2" in (also.value or "")


@pytest.mark.parametrize(
    ("confidence", "words"),
    [(0.93, "Close match (confidence 0.93)"), (0.61, "Related claim (confidence 0.61)")],
)
def test_an_answer_says_how_sure_it_is(confidence: float, words: str) -> None:
    answer = Answer(question="q", answered=True, hits=(hit(card(1), confidence=confidence),))
    [embed] = answer_embeds(answer)
    assert embed.author.name == words


def test_each_further_relevant_card_is_worded_by_its_own_confidence() -> None:
    hits = (hit(card(1), confidence=0.95), hit(card(2), confidence=0.55))
    [embed] = answer_embeds(Answer(question="q", answered=True, hits=hits))
    assert "*(related claim)*" in (embed.fields[-1].value or "")


def test_an_abstention_marks_every_closest_card_as_not_a_match() -> None:
    answer = Answer(question="q", answered=False, hits=(hit(card(1), 0.2), hit(card(2), 0.1)))
    [embed] = answer_embeds(answer)
    lines = (embed.fields[0].value or "").splitlines()
    assert len(lines) == 2 and all(NOT_A_MATCH in line for line in lines)


def test_an_abstention_on_an_empty_index_says_nothing_is_indexed() -> None:
    [embed] = answer_embeds(Answer(question="q", answered=False, hits=()))
    assert "Nothing is indexed yet" in (embed.description or "")


def test_a_question_in_another_language_is_told_which_languages_are_read() -> None:
    mismatch = LanguageMismatch(question_language="hi", served=("en",))
    [embed] = answer_embeds(Answer(question="q", answered=False, hits=(), language=mismatch))
    assert embed.title == LANGUAGE_TITLE and "Hindi" in (embed.description or "")


def test_a_long_verdict_list_says_how_many_lines_were_left_out() -> None:
    cards = [card(n, headline="A long headline " * 20) for n in range(1, 40)]
    embed = verdicts_embed(EPISODE, cards, 1, 1)
    assert within_limits(embed)
    assert (embed.description or "").splitlines()[-1].startswith("… and ")


def test_a_verdict_list_whose_first_headline_is_huge_stays_within_limits() -> None:
    cards = [card(1, headline="A very long headline " * 250), card(2), card(3)]
    embed = verdicts_embed(EPISODE, cards, 1, 1)
    assert within_limits(embed)
    assert (embed.description or "").splitlines()[-1] == "… and 2 more"


def test_a_reindex_summary_of_broken_files_with_huge_messages_stays_within_limits() -> None:
    failed = [
        ReviewFormatError(Path(f"broken-{n}.txt"), "the claim " + "x" * 1100 + " has no verdict")
        for n in range(2)
    ]
    summary = ReindexSummary(failed=failed)
    assert within_limits(summary_embed(summary))


def test_a_reindex_summary_names_each_broken_file_and_its_line() -> None:
    summary = ReindexSummary(
        added=["a.txt"],
        changed=[],
        removed=[],
        unchanged=1,
        failed=[ReviewFormatError(Path("broken.txt"), "a claim has no verdict", line=29)],
        episodes=2,
        cards=9,
        embedded_cards=3,
        seconds=1.5,
        version=4,
    )
    embed = summary_embed(summary)
    broken = embed.fields[-1]
    assert "broken.txt, line 29: a claim has no verdict" in (broken.value or "")
    assert within_limits(embed)


@pytest.mark.parametrize("fields", [30, 5])
def test_fit_keeps_an_embed_within_field_count_and_total(fields: int) -> None:
    embed = discord.Embed(title="t", description="d" * 4096)
    for n in range(fields):
        embed.add_field(name=f"f{n}", value="v" * 1024)
    assert within_limits(fit(embed))


def test_a_reindex_summary_names_each_file_that_lost_claims() -> None:
    summary = ReindexSummary(
        changed=["lex-fridman-490.txt"],
        fewer_claims=[FewerClaims(file="lex-fridman-490.txt", before=8, after=3)],
    )
    embed = summary_embed(summary)
    [field] = [f for f in embed.fields if (f.name or "").startswith("Fewer claims")]
    assert field.value == "lex-fridman-490.txt: 8 → 3 claims"


def _source(embed: discord.Embed) -> str:
    return next(f.value or "" for f in embed.fields if f.name == "Source")


def test_a_huge_review_address_leaves_room_for_who_made_the_claim() -> None:
    huge = card(
        url="https://reviews.example/" + "a" * 2000,
        claimant=Party(name="Mara Voss"),
        claimed=date(2026, 3, 1),
    )
    embed = card_embed(hit(huge))

    assert _source(embed).splitlines()[-1] == "Claimed by Mara Voss, 2026-03-01"
    assert within_limits(embed)


def test_a_claimant_s_markup_is_shown_as_written_not_as_a_link_or_emphasis() -> None:
    sneaky = card(claimant=Party(name="**Bold** [AFP](https://evil.example) <@1>", kind="person"))
    source = _source(card_embed(hit(sneaky)))

    assert source == r"Claimed by \*\*Bold\*\* \[AFP\](https://evil.example) \<@1\>"
