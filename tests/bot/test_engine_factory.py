"""Settings → embedders: which backend a large reindex uses."""

from __future__ import annotations

import pytest

from bot import engine_factory as engine
from bot.settings import Settings
from index import SentenceTransformerEmbedder


def test_auto_reindexes_in_bfloat16_where_the_cpu_has_bfloat16_units(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "has_fast_bf16", lambda: True)
    assert engine.reindex_backend(Settings(backend="onnx")) == "torch-bf16"


def test_auto_reindexes_with_the_question_backend_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "has_fast_bf16", lambda: False)
    assert engine.reindex_backend(Settings(backend="onnx")) == "onnx"
    assert engine.make_bulk_embedder(Settings(backend="onnx")) is None


def test_a_named_reindex_backend_wins_over_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "has_fast_bf16", lambda: True)
    settings = Settings(backend="onnx", reindex_backend="onnx")
    assert engine.reindex_backend(settings) == "onnx"
    assert engine.make_bulk_embedder(settings) is None


def test_the_bulk_embedder_is_the_same_model_on_the_reindex_backend() -> None:
    settings = Settings(backend="onnx", reindex_backend="torch-bf16")
    bulk = engine.make_bulk_embedder(settings)
    assert isinstance(bulk, SentenceTransformerEmbedder)
    assert bulk.backend == "torch-bf16"
    assert bulk.name == engine.make_embedder(settings).name


def test_an_unknown_reindex_backend_is_refused_by_the_settings() -> None:
    with pytest.raises(ValueError, match="reindex_backend"):
        Settings(reindex_backend="cuda")  # type: ignore[arg-type]
