"""Large reindexes embed with the bulk embedder (the same model on a backend faster in bulk);
small ones keep the question embedder, whose model is already loaded."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

from index import ClaimIndex, has_fast_bf16, reindex
from tests.fakes import HashingEmbedder

# The package exports the function under the module's name; the threshold lives in the module.
reindex_module = importlib.import_module("index.reindex")


@pytest.fixture
def bulk() -> HashingEmbedder:
    return HashingEmbedder()  # same name and vectors as the `embedder` fixture


@pytest.fixture
def reindex_with_bulk(
    reviews_dir: Path,
    index_dir: Path,
    embedder: HashingEmbedder,
    bulk: HashingEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[int], None]:
    """Reindexes the reference review with `bulk` as the bulk embedder, from a threshold."""

    def run(threshold: int) -> None:
        monkeypatch.setattr(reindex_module, "BULK_MIN_PASSAGES", threshold)
        reindex(reviews_dir, index_dir, embedder, bulk_embedder=bulk)

    return run


def test_a_reindex_of_many_passages_embeds_them_with_the_bulk_embedder(
    reindex_with_bulk: Callable[[int], None], embedder: HashingEmbedder, bulk: HashingEmbedder
) -> None:
    reindex_with_bulk(10)
    assert bulk.texts_embedded > 10
    assert embedder.texts_embedded == 0


def test_a_reindex_of_few_passages_keeps_the_question_embedder(
    reindex_with_bulk: Callable[[int], None], embedder: HashingEmbedder, bulk: HashingEmbedder
) -> None:
    reindex_with_bulk(10_000)
    assert embedder.texts_embedded > 0
    assert bulk.calls == []


def test_vectors_from_the_bulk_embedder_answer_questions_from_the_other(
    reindex_with_bulk: Callable[[int], None], index_dir: Path, embedder: HashingEmbedder
) -> None:
    reindex_with_bulk(1)
    answer = ClaimIndex.open(index_dir, embedder).ask("Chinese open-weight model licenses")
    assert answer.hits and "licens" in answer.hits[0].card.headline.casefold()


def test_a_bulk_embedder_of_another_model_is_refused_before_anything_is_written(
    reviews_dir: Path, index_dir: Path, embedder: HashingEmbedder
) -> None:
    other = HashingEmbedder(name="test/another-model")
    with pytest.raises(ValueError, match="another-model"):
        reindex(reviews_dir, index_dir, embedder, bulk_embedder=other)
    assert not index_dir.exists() or not any(index_dir.iterdir())


@pytest.mark.parametrize(
    ("flags", "fast"),
    [
        ("fpu sse avx2 avx512f amx_bf16 amx_tile", True),
        ("fpu sse avx2 avx512f avx512_bf16", True),
        ("fpu sse avx2 avx512f avx512_vnni", False),
        ("fp asimd bf16", False),  # an Arm CPU's flags line names other features
    ],
)
def test_fast_bfloat16_is_read_from_the_cpu_flags(flags: str, fast: bool, tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {flags}\n\n", "ascii")
    assert has_fast_bf16(cpuinfo) is fast


def test_without_a_cpuinfo_file_bfloat16_is_not_assumed_fast(tmp_path: Path) -> None:
    assert has_fast_bf16(tmp_path / "missing") is False
