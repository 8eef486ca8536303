"""How the terminal words a reindex summary."""

from __future__ import annotations

from bot.cli.terminal_text import render_summary
from index import FewerClaims, ReindexSummary


def test_each_changed_file_that_lost_claims_is_named_with_both_counts() -> None:
    summary = ReindexSummary(
        changed=["a.txt", "b.txt"], fewer_claims=[FewerClaims(file="a.txt", before=8, after=3)]
    )
    assert (
        render_summary(summary).splitlines()[-1] == "Fewer claims than before: a.txt: 8 → 3 claims"
    )


def test_a_summary_without_lost_claims_says_nothing_of_them() -> None:
    assert "Fewer claims" not in render_summary(ReindexSummary(changed=["a.txt"]))
