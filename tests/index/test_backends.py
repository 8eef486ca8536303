"""The ONNX backends: exported once into a cache folder, loaded from it afterwards, and giving
the same vectors as PyTorch (so an index built with one backend is searched with another)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import Embedder, SentenceTransformerEmbedder
from index.onnx_encoder import OnnxEncoder
from index.onnx_export import ONNX_FILE, OPTIMIZED_ONNX_FILE, int8_target

pytestmark = pytest.mark.model

TEXTS = [
    "are nvidia margins really that high?",
    "DeepSeek kicked off a movement in China like ChatGPT did in the US",
    "Meta's Llama community license requires reporting above 700M monthly active users.",
    "what is the best pizza in naples",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module", params=["onnx", "onnx-int8"])
def onnx_embedder(request: pytest.FixtureRequest, cache_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(backend=request.param, cache_dir=cache_dir)


def test_onnx_backends_give_the_torch_vectors(
    onnx_embedder: SentenceTransformerEmbedder, real_embedder: Embedder
) -> None:
    cosines = (onnx_embedder.embed(TEXTS) * real_embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99, cosines


def test_onnx_backends_return_normalized_float32_rows(
    onnx_embedder: SentenceTransformerEmbedder,
) -> None:
    vectors = onnx_embedder.embed(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_every_backend_records_the_same_model_name(
    onnx_embedder: SentenceTransformerEmbedder, real_embedder: Embedder
) -> None:
    assert onnx_embedder.name == real_embedder.name


def test_a_second_load_reuses_the_export_instead_of_exporting_again(
    onnx_embedder: SentenceTransformerEmbedder, cache_dir: Path
) -> None:
    onnx_embedder.embed(TEXTS[:1])
    exported = sorted(cache_dir.rglob("*.onnx"))
    stamps = [p.stat().st_mtime_ns for p in exported]
    again = SentenceTransformerEmbedder(backend=onnx_embedder.backend, cache_dir=cache_dir)
    again.embed(TEXTS[:1])
    assert sorted(cache_dir.rglob("*.onnx")) == exported
    assert [p.stat().st_mtime_ns for p in exported] == stamps


def test_the_export_lands_in_the_cache_folder_without_leftovers(
    onnx_embedder: SentenceTransformerEmbedder, cache_dir: Path
) -> None:
    onnx_embedder.embed(TEXTS[:1])
    folder = onnx_embedder.onnx_folder()
    assert folder.parent == cache_dir and (folder / ONNX_FILE).is_file()
    if onnx_embedder.backend == "onnx-int8":
        assert (folder / f"onnx/model_int8_{int8_target()}.onnx").is_file()
    else:
        assert (folder / OPTIMIZED_ONNX_FILE).is_file()
    assert not [p for p in cache_dir.iterdir() if p.name.startswith("tmp-")]


def test_the_int8_preset_is_one_sentence_transformers_knows() -> None:
    assert int8_target() in {"arm64", "avx2", "avx512", "avx512_vnni"}


def test_the_onnx_backend_runs_without_sentence_transformers_once_exported(
    onnx_embedder: SentenceTransformerEmbedder,
) -> None:
    from index.onnx_encoder import OnnxEncoder

    assert isinstance(onnx_embedder.model, OnnxEncoder)


def test_a_text_gets_the_same_vector_whatever_batch_it_is_padded_in(
    onnx_embedder: SentenceTransformerEmbedder,
) -> None:
    texts = [*TEXTS, " ".join(TEXTS * 60)]  # short ones, and one at the model's 256 tokens
    alone = np.concatenate([onnx_embedder.embed([t]) for t in texts])
    together = onnx_embedder.embed(texts)
    if onnx_embedder.backend == "onnx-int8":
        # Dynamic int8 scales activations by each run's range, so the batch moves a vector
        # (cosine ~0.99 here): one reason its retrieval trails float32's.
        assert (alone * together).sum(axis=1).min() >= 0.98
    else:
        assert np.allclose(alone, together, atol=1e-5)


def test_pytorch_gives_a_text_the_same_vector_whatever_batch_it_is_padded_in(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    texts = [*TEXTS, " ".join(TEXTS * 60)]
    alone = np.concatenate([real_embedder.embed([t]) for t in texts])
    assert np.allclose(alone, real_embedder.embed(texts), atol=1e-5)


def test_pytorch_vectors_are_sentence_transformers_own_encode(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    """The PyTorch backend runs the model's modules itself (not `encode`, which re-walks the
    model at every call): the vectors must be what `encode` gives, short and long texts alike."""
    texts = [*TEXTS, " ".join(TEXTS * 60), "  padded with spaces  "]
    model = real_embedder.model
    assert not isinstance(model, OnnxEncoder)
    expected = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    assert np.allclose(real_embedder.embed(texts), expected, atol=1e-6)


def test_a_model_with_a_default_prompt_is_encoded_with_it(
    real_embedder: SentenceTransformerEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = real_embedder.model
    assert not isinstance(model, OnnxEncoder)
    monkeypatch.setattr(model, "prompts", {"query": "query: "})
    monkeypatch.setattr(model, "default_prompt_name", "query")
    prompted = model.encode(TEXTS[:2], normalize_embeddings=True, convert_to_numpy=True)
    assert np.allclose(real_embedder.embed(TEXTS[:2]), prompted, atol=1e-6)


def test_questions_from_other_threads_meanwhile_a_batch_embeds_never_collide(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    """Counting a batch's tokens must not touch the tokenizer questions use ("Already
    borrowed" from the Rust tokenizer when it did)."""
    import threading

    errors: list[BaseException] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                real_embedder.embed([TEXTS[0]])
            except BaseException as exc:  # any error at all is the failure
                errors.append(exc)
                return

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for asker in askers:
        asker.start()
    try:
        for _ in range(3):
            real_embedder.embed([" ".join(TEXTS * n) for n in range(1, 40)])
    finally:
        done.set()
        for asker in askers:
            asker.join()
    assert errors == []


def test_long_texts_are_truncated_like_sentence_transformers_does(
    onnx_embedder: SentenceTransformerEmbedder, real_embedder: Embedder
) -> None:
    long_text = " ".join(TEXTS * 60)  # far beyond the model's 256 tokens
    cosine = float((onnx_embedder.embed([long_text]) @ real_embedder.embed([long_text]).T)[0, 0])
    assert cosine >= 0.99


def test_a_one_shot_ask_on_the_onnx_backend_never_imports_torch(
    onnx_embedder: SentenceTransformerEmbedder, cache_dir: Path, tmp_path: Path
) -> None:
    """Importing torch costs seconds at every start; `claimbot ask` must not pay it."""
    import os
    import subprocess
    import sys

    from index import reindex
    from tests.conftest import REPO

    onnx_embedder.embed(TEXTS[:1])  # the export exists in cache_dir
    reindex(REPO / "data" / "reviews", tmp_path / "index", onnx_embedder)
    index = str(tmp_path / "index")
    script = (
        "import sys; from bot.cli import main; "
        f"code = main(['ask', 'nvidia margins', '--json', '--index', {index!r}]); "
        "assert 'torch' not in sys.modules, 'torch was imported'; sys.exit(code)"
    )
    backend, xdg = onnx_embedder.backend, str(tmp_path / "xdg")
    env = {**os.environ, "CLAIMBOT_BACKEND": backend, "XDG_CACHE_HOME": xdg}
    # The embedder reads its cache folder from XDG_CACHE_HOME: point it at this test's export.
    (tmp_path / "xdg" / "claimbot").mkdir(parents=True)
    (tmp_path / "xdg" / "claimbot" / "models").symlink_to(cache_dir, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300,
        cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"answered": true' in done.stdout


IDLE_CPU_SCRIPT = """
import sys, time
from pathlib import Path
from index import SentenceTransformerEmbedder
embedder = SentenceTransformerEmbedder(backend=sys.argv[1], cache_dir=Path(sys.argv[2]))
idle = []
for _ in range(3):
    embedder.embed(["are nvidia margins really that high?"])
    started = time.process_time()
    time.sleep(0.3)
    idle.append(time.process_time() - started)
print(sorted(idle)[1])
"""


def test_onnx_threads_stop_spinning_when_a_question_returns(
    onnx_embedder: SentenceTransformerEmbedder, cache_dir: Path
) -> None:
    """ONNX Runtime's workers spin while a call runs (each operator would wake them otherwise)
    but not after it: left spinning they burned ~27 ms of CPU after every question, which a
    bot's event loop and other processes need. Measured in a process of its own, where no
    other library's threads run."""
    import subprocess
    import sys

    from tests.conftest import REPO

    onnx_embedder.embed(TEXTS[:1])  # the export exists in cache_dir
    done = subprocess.run(
        [sys.executable, "-c", IDLE_CPU_SCRIPT, onnx_embedder.backend, str(cache_dir)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    idle_cpu = float(done.stdout.split()[-1])
    assert idle_cpu < 0.010, f"{idle_cpu * 1000:.1f} ms of CPU in 0.3 s idle after a question"


def test_the_bfloat16_backend_gives_the_float32_vectors(real_embedder: Embedder) -> None:
    """Bulk reindexes may embed in bfloat16 while questions are embedded in float32: the two
    must stay close enough to rank alike (docs/performance.md measures the same answers)."""
    bf16 = SentenceTransformerEmbedder(backend="torch-bf16")
    vectors = bf16.embed(TEXTS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    cosines = (vectors * real_embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    assert bf16.name == real_embedder.name


@pytest.fixture
def unoptimized_cache(cache_dir: Path, tmp_path: Path) -> Path:
    """A cache folder holding a copy of the plain export without its optimized file."""
    import shutil

    exported = SentenceTransformerEmbedder(backend="onnx", cache_dir=cache_dir).onnx_folder()
    shutil.copytree(exported, tmp_path / exported.name)
    (tmp_path / exported.name / OPTIMIZED_ONNX_FILE).unlink(missing_ok=True)
    return tmp_path


def _optimizer_raises(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    import sentence_transformers

    def refuse(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(sentence_transformers, "export_optimized_onnx_model", refuse)


def test_a_model_the_onnx_optimizer_does_not_know_runs_from_the_plain_export(
    unoptimized_cache: Path, real_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _optimizer_raises(monkeypatch, ValueError("model type not supported by the optimizer"))
    embedder = SentenceTransformerEmbedder(backend="onnx", cache_dir=unoptimized_cache)
    cosines = (embedder.embed(TEXTS) * real_embedder.embed(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99
    folder = embedder.onnx_folder()
    assert not (folder / OPTIMIZED_ONNX_FILE).exists()
    marker = folder / f"{OPTIMIZED_ONNX_FILE}.unsupported"
    assert "not supported" in marker.read_text("utf-8")


def test_a_disk_error_while_optimizing_fails_the_load_and_is_retried_next_time(
    unoptimized_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import ModelLoadError

    _optimizer_raises(monkeypatch, OSError(28, "No space left on device"))
    embedder = SentenceTransformerEmbedder(backend="onnx", cache_dir=unoptimized_cache)
    with pytest.raises(ModelLoadError, match="No space left"):
        embedder.embed(TEXTS[:1])
    assert not (embedder.onnx_folder() / f"{OPTIMIZED_ONNX_FILE}.unsupported").exists()


def test_a_damaged_cached_export_fails_the_load_saying_what_to_delete_and_marks_nothing(
    unoptimized_cache: Path,
) -> None:
    from index import ModelLoadError

    embedder = SentenceTransformerEmbedder(backend="onnx", cache_dir=unoptimized_cache)
    folder = embedder.onnx_folder()
    source = folder / ONNX_FILE
    source.write_bytes(source.read_bytes()[:1000])  # a truncated file, as after a full disk
    with pytest.raises(ModelLoadError, match="delete that folder"):
        embedder.embed(TEXTS[:1])
    # Not mistaken for a model the optimizer does not know: nothing remembered.
    assert not (folder / f"{OPTIMIZED_ONNX_FILE}.unsupported").exists()
