"""An index that cannot serve — damaged files, a manifest that lies, another model, format or
layout — is refused with an `IndexUnusableError` that tells the operator to run
`claimbot reindex` (one line on stderr, no traceback), and `claimbot reindex` then rebuilds it
in full."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest

from bot.cli import main
from index import ClaimIndex, IndexCorruptError, IndexMismatchError, Remedy, reindex
from index.store import (
    DATABASE_FILE,
    FORMAT_VERSION,
    LEXICON_FILE,
    MANIFEST,
    VECTORS_FILE,
    read_manifest,
)
from index.vector_index import all_vectors
from tests.conftest import REFERENCE_REVIEW
from tests.fakes import HashingEmbedder
from tests.two_corpora import Fingerprint, fingerprint

Damage = Callable[[Path], None]


def _generation(index_dir: Path) -> Path:
    return index_dir / read_manifest(index_dir).generation


def _truncate(name: str, keep: float) -> Damage:
    def damage(index_dir: Path) -> None:
        path = _generation(index_dir) / name
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])

    return damage


def _replace(name: str, content: Callable[[Path], bytes]) -> Damage:
    def damage(index_dir: Path) -> None:
        path = _generation(index_dir) / name
        path.write_bytes(content(path))

    return damage


def _delete(name: str) -> Damage:
    def damage(index_dir: Path) -> None:
        (_generation(index_dir) / name).unlink()

    return damage


def _edit_manifest(**changes: object) -> Damage:
    def damage(index_dir: Path) -> None:
        path = index_dir / MANIFEST
        data = json.loads(path.read_text("utf-8"))
        for key, value in changes.items():
            data[key] = value(data[key]) if callable(value) else value
        path.write_text(json.dumps(data), "utf-8")

    return damage


def _write_manifest(content: bytes) -> Damage:
    def damage(index_dir: Path) -> None:
        (index_dir / MANIFEST).write_bytes(content)

    return damage


def _lexicon_without_a_card(path: Path) -> bytes:
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays["rowids"] = arrays["rowids"][:-1]
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _lexicon_edited(path: Path, **edits: Callable[[np.ndarray], np.ndarray]) -> bytes:
    with np.load(path) as saved:
        arrays = {name: saved[name] for name in saved.files}
    for name, edit in edits.items():
        arrays[name] = edit(arrays[name])
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def _lexicon_folder(index_dir: Path) -> None:
    path = index_dir / read_manifest(index_dir).generation / LEXICON_FILE
    path.unlink()
    path.mkdir()


def _vectors_as_float32_flat(index_dir: Path) -> None:
    """The same vectors held as format 1 first held them (float32, flat), which no index of
    the current format holds."""
    path = _generation(index_dir) / VECTORS_FILE
    ids, vectors = all_vectors(faiss.read_index(str(path)))
    older = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    older.add_with_ids(vectors, ids)
    faiss.write_index(older, str(path))


def _as_format_1(index_dir: Path) -> None:
    """An index as format 1 wrote it at first: float32 flat vectors, no cards' words."""
    _vectors_as_float32_flat(index_dir)
    (_generation(index_dir) / LEXICON_FILE).unlink()
    _edit_manifest(format=1)(index_dir)


def _empty_sqlite(path: Path) -> bytes:
    path.unlink()
    sqlite3.connect(path).execute("PRAGMA user_version = 1").connection.commit()
    return path.read_bytes()


CORRUPT: dict[str, Damage] = {
    "vectors truncated to half": _truncate(VECTORS_FILE, 0.5),
    "vectors truncated to nothing": _truncate(VECTORS_FILE, 0.0),
    "vectors missing": _delete(VECTORS_FILE),
    "vectors replaced by the database": _replace(
        VECTORS_FILE, lambda p: (p.parent / DATABASE_FILE).read_bytes()
    ),
    "vectors of a kind only an older format held": _vectors_as_float32_flat,
    "database of garbage": _replace(DATABASE_FILE, lambda p: bytes(range(256)) * 64),
    "database truncated": _truncate(DATABASE_FILE, 0.3),
    "database without tables": _replace(DATABASE_FILE, _empty_sqlite),
    "database missing": _delete(DATABASE_FILE),
    "cards' words truncated": _truncate(LEXICON_FILE, 0.5),
    "cards' words of garbage": _replace(LEXICON_FILE, lambda p: bytes(range(256)) * 64),
    "cards' words of another generation": _replace(LEXICON_FILE, _lexicon_without_a_card),
    "cards' words of other cards": _replace(
        LEXICON_FILE, lambda p: _lexicon_edited(p, rowids=lambda a: a + 1000)
    ),
    "cards' words with rows past their arrays": _replace(
        LEXICON_FILE, lambda p: _lexicon_edited(p, bm25_indptr=lambda a: a[:3])
    ),
    "cards' words missing a card id": _replace(
        LEXICON_FILE, lambda p: _lexicon_edited(p, claim_indptr=lambda a: a[:5])
    ),
    "cards' words that are a folder": _lexicon_folder,
    "cards' words missing": _delete(LEXICON_FILE),
    "manifest with bad JSON": _write_manifest(b'{"model": "test/hashing-embedder", '),
    "manifest not UTF-8": _write_manifest(b"\xff\xfe\x00garbage\x81"),
    "manifest of the wrong shape": _write_manifest(b'["gen-000001"]'),
    "manifest empty": _write_manifest(b""),
    "manifest naming a missing generation": _edit_manifest(generation="gen-999999-gone"),
    "manifest naming a folder outside the index": _edit_manifest(generation="../elsewhere"),
    "manifest with another dimension": _edit_manifest(dimension=384),
    "manifest with another vector count": _edit_manifest(vectors=lambda n: n + 1),
    "manifest with another card count": _edit_manifest(cards=lambda n: n - 1),
}

MISMATCHED: dict[str, Damage] = {
    "another model": _edit_manifest(model="sentence-transformers/all-mpnet-base-v2"),
    "another format version": _edit_manifest(format=99),
    "format 1, as an older claimbot wrote it": _as_format_1,
    "an unknown passage layout": _edit_manifest(layout="from-the-future-v9"),
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Fingerprint]:
    """A healthy index of the reference review, built once, and what it answers."""
    root = tmp_path_factory.mktemp("reference")
    (root / "reviews").mkdir()
    shutil.copy(REFERENCE_REVIEW, root / "reviews")
    reindex(root / "reviews", root / "index", HashingEmbedder())
    index = ClaimIndex.open(root / "index", HashingEmbedder())
    answers = fingerprint(index)
    index.close()
    return root / "index", answers


@pytest.fixture
def built(reference: tuple[Path, Fingerprint], index_dir: Path) -> Path:
    """A private copy of the healthy index, for a test to damage."""
    shutil.copytree(reference[0], index_dir)
    return index_dir


@pytest.mark.parametrize("damage", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_damaged_index_is_refused_with_a_corrupt_error_saying_to_reindex(
    damage: Damage, built: Path
) -> None:
    damage(built)
    with pytest.raises(IndexCorruptError) as refused:
        ClaimIndex.open(built, HashingEmbedder())
    assert refused.value.remedy is Remedy.REINDEX and "\n" not in str(refused.value)


@pytest.mark.parametrize("damage", MISMATCHED.values(), ids=MISMATCHED.keys())
def test_an_index_from_another_model_format_or_layout_is_refused_saying_to_reindex(
    damage: Damage, built: Path
) -> None:
    damage(built)
    with pytest.raises(IndexMismatchError) as refused:
        ClaimIndex.open(built, HashingEmbedder())
    assert refused.value.remedy is Remedy.REINDEX


@pytest.mark.parametrize(
    "damage", [*CORRUPT.values(), *MISMATCHED.values()], ids=[*CORRUPT, *MISMATCHED]
)
def test_the_cli_reports_an_unusable_index_in_one_line_and_reindex_rebuilds_it(
    damage: Damage,
    built: Path,
    reference: tuple[Path, Fingerprint],
    reviews_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    embedder = HashingEmbedder()
    damage(built)
    capsys.readouterr()

    assert main(["ask", "are Nvidia margins high?", "--index", str(built)], embedder) == 1
    err = capsys.readouterr().err
    assert "claimbot reindex" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1

    assert main(["reindex", "--index", str(built), "--reviews", str(reviews_dir)], embedder) == 0
    assert main(["ask", "are Nvidia margins high?", "--index", str(built)], embedder) == 0
    rebuilt = ClaimIndex.open(built, embedder)
    assert fingerprint(rebuilt) == reference[1]
    assert not (tmp_path / "elsewhere").exists()


def test_reindex_over_a_damaged_index_embeds_everything_again(
    built: Path, reviews_dir: Path
) -> None:
    CORRUPT["vectors truncated to half"](built)
    embedder = HashingEmbedder()
    summary = reindex(reviews_dir, built, embedder)
    assert summary.full_rebuild and "damaged" in (summary.rebuild_reason or "")
    assert summary.embedded_cards == summary.cards == 6


def test_a_manifest_that_names_another_folder_never_makes_reindex_delete_it(
    built: Path, reviews_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(_generation(built), outside)
    _edit_manifest(generation="../elsewhere")(built)
    reindex(reviews_dir, built, HashingEmbedder())
    assert outside.is_dir() and (outside / VECTORS_FILE).is_file()


def test_an_index_of_format_1_is_refused_and_the_next_reindex_rebuilds_it_saying_why(
    built: Path, reviews_dir: Path
) -> None:
    _as_format_1(built)
    embedder = HashingEmbedder()
    reason = (
        f"the index is format 1 (written by an older claimbot), this claimbot reads format "
        f"{FORMAT_VERSION}"
    )
    with pytest.raises(IndexMismatchError) as refused:
        ClaimIndex.open(built, embedder)
    assert str(refused.value) == reason
    summary = reindex(reviews_dir, built, embedder)
    assert summary.full_rebuild and summary.rebuild_reason == reason
    assert summary.embedded_cards == summary.cards == 6
    assert read_manifest(built).format == FORMAT_VERSION == 4
    assert ClaimIndex.open(built, embedder).manifest.cards == 6
