"""How the ONNX encoder groups texts into runs: by length, within a count and a token budget."""

from __future__ import annotations

from index.onnx_encoder import batches


def test_every_text_is_in_exactly_one_batch_shortest_first() -> None:
    lengths = [30, 5, 200, 5, 64, 12]
    grouped = batches(lengths, most=64, tokens=1024)
    flat = [i for batch in grouped for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)


def test_a_batch_never_pads_beyond_the_token_budget() -> None:
    lengths = [256] * 10 + [16] * 100
    for batch in batches(lengths, most=64, tokens=1024):
        assert len(batch) * max(lengths[i] for i in batch) <= 1024


def test_short_texts_fill_batches_up_to_the_count() -> None:
    assert [len(b) for b in batches([10] * 130, most=64, tokens=1024)] == [64, 64, 2]


def test_long_texts_go_four_to_a_batch_at_1024_tokens() -> None:
    assert [len(b) for b in batches([256] * 10, most=64, tokens=1024)] == [4, 4, 2]


def test_a_text_longer_than_the_budget_runs_alone() -> None:
    assert batches([3000, 10], most=64, tokens=1024) == [[1], [0]]


def test_no_texts_no_batches() -> None:
    assert batches([], most=64, tokens=1024) == []
