"""The FAISS index kind follows the vector count: flat while small, two-stage IVF when large,
and search and incremental removal by id stay correct across the switch (forced at a small
limit here)."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest

from index import ClaimIndex, reindex, vector_index
from index.store import VECTORS_FILE, read_manifest
from index.vector_index import (
    add_vectors,
    all_vectors,
    fit_to_size,
    new_vector_index,
    remove_ids,
)
from tests.conftest import REPO, TEST_DATA
from tests.fakes import HashingEmbedder

DIMENSION = 32


def _clustered(count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Normalized vectors around a few centres (like topics), with sparse, spread-out ids."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((12, DIMENSION))
    vectors = centres[rng.integers(0, 12, count)] + 0.3 * rng.standard_normal((count, DIMENSION))
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    faiss.normalize_L2(vectors)
    ids = np.arange(count, dtype=np.int64) * 64 + 5
    return ids, vectors


def _filled(count: int) -> tuple[faiss.Index, np.ndarray, np.ndarray]:
    ids, vectors = _clustered(count)
    index = new_vector_index(DIMENSION)
    index.add_with_ids(vectors, ids)
    return index, ids, vectors


def _is_ivf(index: faiss.Index) -> bool:
    return faiss.try_extract_index_ivf(index) is not None


def _stages(index: faiss.Index) -> tuple[faiss.IndexIVF, faiss.Index]:
    """A two-stage index's fast-scan IVF and its 8-bit store (views: keep `index` alive)."""
    refine = _refine_of(index)
    return faiss.extract_index_ivf(refine), faiss.downcast_index(refine.refine_index)


def test_an_index_below_the_limit_stays_flat() -> None:
    index, _, _ = _filled(500)
    assert fit_to_size(index, flat_limit=1000) is index


def test_a_flat_index_holds_float16_vectors_and_finds_each_first() -> None:
    index, ids, vectors = _filled(500)
    inner = faiss.downcast_index(faiss.downcast_index(index).index)
    assert inner.code_size == 2 * DIMENSION
    scores, found = index.search(vectors[:50], 1)
    assert np.array_equal(found[:, 0], ids[:50])
    assert np.allclose(scores[:, 0], 1.0, atol=1e-3)


def _of_an_older_format(kind: str) -> faiss.Index:
    """Vectors as format 1 held them for a while: float32 flat in an id map, or IVF lists of
    float32, float16 or 8-bit codes without a second stage."""
    ids, vectors = _clustered(2000)
    if kind == "flat float32":
        older = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSION))
    else:
        older = faiss.index_factory(DIMENSION, kind, faiss.METRIC_INNER_PRODUCT)
        older.train(vectors)
    older.add_with_ids(vectors, ids)
    return older


@pytest.mark.parametrize("kind", ["flat float32", "IVF16,Flat", "IVF16,SQfp16", "IVF16,SQ8"])
def test_kinds_only_an_older_format_held_are_refused_not_read(kind: str) -> None:
    older = _of_an_older_format(kind)
    for reader in (vector_index.kind_of, all_vectors, fit_to_size):
        with pytest.raises(ValueError, match="not a kind of index claimbot writes"):
            reader(older)


def test_both_kinds_built_here_are_known() -> None:
    index, _, _ = _filled(2000)
    assert vector_index.kind_of(index) == "flat"
    assert vector_index.kind_of(fit_to_size(index, flat_limit=1000)) == "two-stage"


def test_flat_removal_by_id_removes_exactly_those_vectors() -> None:
    index, ids, _ = _filled(500)
    index.remove_ids(faiss.IDSelectorArray(ids[:100]))
    got_ids, _ = all_vectors(index)
    assert sorted(got_ids) == sorted(ids[100:])


def test_an_index_at_the_limit_becomes_ivf_with_every_id_and_vector() -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    assert _is_ivf(fitted)
    got_ids, got_vectors = all_vectors(fitted)
    order = np.argsort(got_ids)
    assert np.array_equal(got_ids[order], ids)
    # 8-bit codes: each dimension within half a step of its trained range (at most 2/255).
    assert np.allclose(got_vectors[order], vectors, atol=5e-3)


def test_a_large_index_scans_4bit_codes_and_rescores_against_8bit_codes() -> None:
    index, _, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    scan, exact = _stages(fitted)
    assert isinstance(faiss.downcast_index(scan), faiss.IndexIVFPQFastScan)
    assert scan.code_size == DIMENSION // 4  # two dimensions per 4-bit code
    assert exact.code_size == DIMENSION


def test_a_built_two_stage_index_owns_both_stages_as_a_read_one_does(tmp_path: Path) -> None:
    index, _, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    faiss.write_index(fitted, str(tmp_path / "v.faiss"))
    loaded = faiss.read_index(str(tmp_path / "v.faiss"))
    for whole in (fitted, loaded):
        refine = _refine_of(whole)
        # IndexRefine's destructor frees each stage only under its own flag.
        assert (refine.own_fields, refine.own_refine_index) == (True, True)
        assert faiss.downcast_index(whole).own_fields


def test_a_two_stage_search_scores_candidates_by_their_8bit_vectors() -> None:
    index, _, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    stored_ids, stored = all_vectors(fitted)
    by_id = dict(zip(stored_ids.tolist(), stored, strict=True))
    scores, found = fitted.search(vectors[:20], 5)
    for question, row_scores, row_ids in zip(vectors[:20], scores, found, strict=True):
        rescored = [float(by_id[i] @ question) for i in row_ids]
        assert np.allclose(row_scores, rescored, atol=1e-4)


def test_a_two_stage_index_answers_threads_at_once_as_it_answers_one() -> None:
    index, _, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    expected_scores, expected_ids = fitted.search(vectors[:200], 64)
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda row: fitted.search(vectors[row : row + 1], 64), range(200)))
    assert np.array_equal(np.concatenate([ids for _, ids in got]), expected_ids)
    assert np.array_equal(np.concatenate([scores for scores, _ in got]), expected_scores)


def test_ivf_search_finds_each_stored_vector_first() -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    # 64, as `ClaimIndex` fetches: the fast scan's candidates are a multiple of those wanted.
    _, found = fitted.search(vectors[:200], 64)
    assert np.array_equal(found[:, 0], ids[:200])


def test_ivf_removal_by_id_removes_exactly_those_vectors() -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids[:50])
    assert fitted.ntotal == 1950
    _, found = fitted.search(vectors[:50], 5)
    assert not set(found.ravel()) & set(ids[:50].tolist())


def test_ivf_removal_keeps_the_other_vectors_exactly_and_their_order() -> None:
    index, ids, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    before_ids, before = all_vectors(fitted)
    remove_ids(fitted, ids[::3])
    after_ids, after = all_vectors(fitted)
    kept = ~np.isin(before_ids, ids[::3])
    assert np.array_equal(after_ids, before_ids[kept])
    assert np.array_equal(after, before[kept])  # the kept 8-bit codes, untouched


def _cell_by_id(index: faiss.Index) -> dict[int, int]:
    """Each id's IVF cell in a two-stage index (its lists hold row numbers of the id map)."""
    scan, _ = _stages(index)
    ids = faiss.vector_to_array(faiss.downcast_index(index).id_map)
    lists = scan.invlists
    return {
        int(ids[row]): cell
        for cell in range(scan.nlist)
        for row in faiss.rev_swig_ptr(lists.get_ids(cell), lists.list_size(cell))
    }


def test_ivf_removal_keeps_every_other_vector_in_its_cell_and_finds_it() -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    before = _cell_by_id(fitted)
    removed = set(ids[::3].tolist())
    remove_ids(fitted, ids[::3])
    assert _cell_by_id(fitted) == {i: c for i, c in before.items() if i not in removed}
    _, found = fitted.search(vectors[1:600:3], 64)
    assert np.array_equal(found[:, 0], ids[1:600:3])


def _fast_scan_codes(index: faiss.Index) -> dict[int, bytes]:
    """Each row's 4-bit codes as the fast-scan lists hold them, unpacked."""
    ivf, _ = _stages(index)
    assert ivf.invlists is not None
    lists: Any = faiss.downcast_InvertedLists(ivf.invlists)
    packer = lists.packer
    stored: dict[int, bytes] = {}
    for cell in range(ivf.nlist):
        size = lists.list_size(cell)
        if not size:
            continue
        blocks = -(-size // packer.nvec)
        codes = faiss.rev_swig_ptr(lists.get_codes(cell), blocks * packer.block_size)
        rows = faiss.rev_swig_ptr(lists.get_ids(cell), size).tolist()
        for offset, row in enumerate(rows):
            code = packer.unpack_1(codes.reshape(blocks, packer.block_size), offset)
            stored[row] = code.tobytes()
    return stored


def test_vectors_added_after_a_removal_are_stored_with_their_own_codes() -> None:
    index, ids, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids[:500])  # leaves the moved entries' old codes past each list's end
    new_ids, new_vectors = _clustered(2300)[0][2000:] + 1, _clustered(2300)[1][2000:]
    add_vectors(fitted, new_vectors, new_ids)
    own = faiss.downcast_index(_refine_of(fitted).base_index).pq.compute_codes(new_vectors)
    stored = _fast_scan_codes(fitted)
    assert [stored[row] for row in range(1500, 1800)] == [code.tobytes() for code in own]


def test_ivf_removal_then_additions_survive_writing_and_reading(tmp_path: Path) -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids[:500])
    # Around the same centres (8-bit ranges are trained once), with odd ids: new to the index.
    new_ids, new_vectors = _clustered(2300)[0][2000:] + 1, _clustered(2300)[1][2000:]
    add_vectors(fitted, new_vectors, new_ids)
    faiss.write_index(fitted, str(tmp_path / "v.faiss"))
    loaded = faiss.read_index(str(tmp_path / "v.faiss"))
    assert loaded.ntotal == 1800
    _, kept = loaded.search(vectors[500:700], 64)
    _, added = loaded.search(new_vectors[:200], 64)
    assert np.array_equal(kept[:, 0], ids[500:700])
    assert np.array_equal(added[:, 0], new_ids[:200])
    assert not set(all_vectors(loaded)[0].tolist()) & set(ids[:500].tolist())


def test_removing_ids_an_ivf_index_does_not_hold_changes_nothing() -> None:
    index, ids, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids[:10] + 1)  # odd ids: none stored
    assert fitted.ntotal == 2000


def test_removing_every_vector_leaves_an_empty_ivf_index_that_takes_more() -> None:
    index, ids, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids)
    assert fitted.ntotal == 0
    fitted.add_with_ids(vectors[:5], ids[:5])
    assert np.array_equal(fitted.search(vectors[:5], 1)[1][:, 0], ids[:5])


def test_ivf_settings_survive_writing_and_reading(tmp_path: Path) -> None:
    index, _, vectors = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    faiss.write_index(fitted, str(tmp_path / "v.faiss"))
    loaded = faiss.read_index(str(tmp_path / "v.faiss"))
    assert faiss.extract_index_ivf(loaded).nprobe == faiss.extract_index_ivf(fitted).nprobe
    assert _refine_of(loaded).k_factor == _refine_of(fitted).k_factor > 1
    assert np.array_equal(loaded.search(vectors[:20], 3)[1], fitted.search(vectors[:20], 3)[1])


@pytest.mark.parametrize(
    ("cells", "count"),
    [(282, 20_000), (629, 99_024), (1_987, 987_636), (6_324, 10_000_000)],
)
def test_a_question_scans_at_least_scan_vectors_and_a_share_of_the_cells(
    cells: int, count: int
) -> None:
    probes = vector_index.probes_for(cells, count)
    assert probes * count / cells >= min(count, vector_index.SCAN_VECTORS)
    assert probes >= cells / vector_index.PROBE_SHARE
    assert probes - 1 < max(
        cells / vector_index.PROBE_SHARE, vector_index.SCAN_VECTORS * cells / count
    )


def test_probes_never_exceed_the_cells() -> None:
    assert vector_index.probes_for(100, 4_000) == 100


def test_a_scan_of_few_vectors_rescores_fewer_candidates_per_result() -> None:
    # 10k cards: 153 of 629 cells, ~24k of 99k vectors scanned.
    assert vector_index.candidate_factor(153, 629, 99_024) == (
        vector_index.SMALL_SCAN_CANDIDATE_FACTOR
    )


def test_a_scan_of_many_vectors_rescores_the_full_candidate_factor() -> None:
    # 100k cards: 249 of 1,987 cells, ~124k of 988k vectors scanned.
    assert vector_index.candidate_factor(249, 1_987, 987_636) == vector_index.CANDIDATE_FACTOR
    assert vector_index.CANDIDATE_FACTOR > vector_index.SMALL_SCAN_CANDIDATE_FACTOR


@pytest.fixture
def ivf_index_dir(all_reviews: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real reviews indexed with a flat limit so low that they make an IVF index."""
    monkeypatch.setattr(vector_index, "FLAT_LIMIT", 100)
    reindex(all_reviews, index_dir, HashingEmbedder())
    return index_dir


def test_an_ivf_file_written_with_fewer_probes_is_searched_by_the_current_rule(
    ivf_index_dir: Path,
) -> None:
    older = faiss.read_index(str(_vectors_file(ivf_index_dir)))
    faiss.extract_index_ivf(older).nprobe = 1
    faiss.write_index(older, str(_vectors_file(ivf_index_dir)))
    opened = faiss.extract_index_ivf(ClaimIndex.open(ivf_index_dir, HashingEmbedder()).vectors)
    assert opened.nprobe == vector_index.probes_for(opened.nlist, opened.ntotal) > 1


def test_a_reindex_that_keeps_an_ivf_index_writes_the_current_probes() -> None:
    index, _, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    faiss.extract_index_ivf(fitted).nprobe = 1
    _refine_of(fitted).k_factor = 1
    kept_index = fit_to_size(fitted, flat_limit=1000)
    kept = faiss.extract_index_ivf(kept_index)
    assert kept.nprobe == vector_index.probes_for(kept.nlist, kept.ntotal) > 1
    assert _refine_of(kept_index).k_factor == vector_index.candidate_factor(
        kept.nprobe, kept.nlist, kept.ntotal
    )


def test_an_ivf_index_that_shrinks_far_below_the_limit_goes_back_to_flat() -> None:
    index, ids, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    remove_ids(fitted, ids[:1700])
    shrunk = fit_to_size(fitted, flat_limit=1000)
    assert not _is_ivf(shrunk)
    assert np.array_equal(np.sort(all_vectors(shrunk)[0]), ids[1700:])


def test_an_ivf_index_that_grows_far_is_retrained_with_more_cells() -> None:
    index, _, _ = _filled(2000)
    fitted = fit_to_size(index, flat_limit=1000)
    more_ids, more_vectors = _clustered(30_000, seed=1)
    fitted.add_with_ids(more_vectors, more_ids + 1)  # odd ids: distinct from the first 2000
    grown = fit_to_size(fitted, flat_limit=1000)
    assert faiss.extract_index_ivf(grown).nlist > faiss.extract_index_ivf(fitted).nlist
    assert grown.ntotal == 32_000


@pytest.fixture
def all_reviews(tmp_path: Path) -> Path:
    folder = tmp_path / "reviews"
    folder.mkdir()
    for path in [*(REPO / "data" / "reviews").glob("*.txt"), *(TEST_DATA / "reviews").glob("*")]:
        shutil.copy(path, folder / path.name)
    return folder


def test_reindex_past_the_limit_serves_the_same_answers_as_flat(
    all_reviews: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashingEmbedder()
    reindex(all_reviews, tmp_path / "flat", embedder)
    monkeypatch.setattr(vector_index, "FLAT_LIMIT", 100)
    reindex(all_reviews, tmp_path / "ivf", embedder)
    flat = ClaimIndex.open(tmp_path / "flat", embedder)
    ivf = ClaimIndex.open(tmp_path / "ivf", embedder)
    assert _is_ivf(faiss.read_index(str(_vectors_file(tmp_path / "ivf"))))
    for question in ("nvidia margins", "deepseek movement china", "claude code programming"):
        assert [h.card.id for h in ivf.ask(question).hits] == [
            h.card.id for h in flat.ask(question).hits
        ]


def test_incremental_reindex_of_an_ivf_index_removes_a_deleted_reviews_cards(
    all_reviews: Path, ivf_index_dir: Path
) -> None:
    embedder = HashingEmbedder()
    index_dir = ivf_index_dir
    before = read_manifest(index_dir)
    (all_reviews / "lex-fridman-490.txt").unlink()
    summary = reindex(all_reviews, index_dir, embedder)
    assert summary.removed == ["lex-fridman-490.txt"]
    index = ClaimIndex.open(index_dir, embedder)
    vectors = faiss.read_index(str(_vectors_file(index_dir)))
    assert _is_ivf(vectors)
    assert vectors.ntotal == index.manifest.vectors < before.vectors
    hits = index.ask("nvidia chips margin is insane google tpu", k=10).hits
    assert all(h.episode.number != 490 for h in hits)


def _refine_of(index: faiss.Index) -> faiss.IndexRefine:
    refine = faiss.downcast_index(faiss.downcast_index(index).index)
    assert isinstance(refine, faiss.IndexRefine)
    return refine


def _vectors_file(index_dir: Path) -> Path:
    return index_dir / read_manifest(index_dir).generation / VECTORS_FILE
