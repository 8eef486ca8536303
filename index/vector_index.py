"""Which FAISS index holds the vectors, chosen by how many there are (decision record 4).

Below `FLAT_LIMIT` vectors an exact flat inner-product index over float16 copies: a scan of
every vector is cheap while they fit in cache, and it needs no training. Above it the scan
would dominate a question's cost, so the vectors move to a two-stage index:

1. candidates from IVF (k-means cells, of which a question scans `nprobe`) whose lists hold
   4-bit product-quantizer codes laid out for SIMD "fast scan" (`PQ{d/2}x4fs`): scanning is
   bound by memory, and these are the fewest bytes that kept the answers;
2. the best `candidate_factor` × k candidates re-scored against the vectors as 8-bit codes
   (`IndexRefine` over a flat `SQ8` index), so the ranking a question sees is (nearly) exact.

These two kinds are the only ones an index of the current format holds (`kind_of` refuses any
other); files of other kinds belong to an older format, which a reindex rebuilds in full.

IVF, not HNSW: an incremental reindex removes a changed review's vectors by id. The fast-scan
lists support that (`IndexIVF.remove_ids`); `IndexRefine`, whose 8-bit store is addressed by
row, does not, so `remove_ids` here compacts the parts itself. The caller's 64-bit ids live in
the `IndexIDMap` around it. `nprobe` and the candidate factor are saved in the
file; opening a generation sets them by the current rule (`refresh_probes`), so a file
written under an older rule searches as a new one would. Readers need not know which kind
they hold: each is searched with `search(vectors, k)`.

`fit_to_size` is called once per reindex, after vectors are added and removed: it converts
between the kinds when the count crosses the limit (with some hysteresis), and retrains an IVF
index whose count has grown or shrunk far from what its cells were trained for.
"""

from __future__ import annotations

import math
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

FLAT_LIMIT = 20_000
"""Vectors at or above which IVF replaces flat search (about 2,000 cards)."""

TRAINING_POINTS_PER_CELL = 40
"""k-means sample size per cell: FAISS warns below 39; more only slows training."""

TRAINING_ITERATIONS = 10

SCAN_VECTORS = 24_000
"""Vectors a question's IVF scan reads at the fewest: with fewer, labelled questions asked of
a 10k-card corpus lost answers that exact search found."""

PROBE_SHARE = 8
"""A question scans at least this fraction (1/8) of the cells, which kept the answers of a
100k-card corpus within one of a 16th's at well under the target's cost."""

CANDIDATE_FACTOR = 16
"""Fast-scan candidates re-scored per result wanted (`IndexRefine.k_factor`): 1,024 for the 64
passages a question fetches; enough that the exact best passage is nearly always among them,
even among many near-ties."""

SMALL_SCAN_CANDIDATE_FACTOR = 8
"""The candidate factor of a question that scans at most `2 * SCAN_VECTORS` vectors: fewer
4-bit scores compete, so fewer candidates hold the best ones."""

IdArray = npt.NDArray[np.int64]
VectorArray = npt.NDArray[np.float32]


def new_vector_index(dimension: int) -> faiss.Index:
    """An empty index for a new generation: flat until it holds enough to need IVF."""
    flat = faiss.IndexScalarQuantizer(
        dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    return faiss.IndexIDMap2(flat)


def fit_to_size(index: faiss.Index, flat_limit: int | None = None) -> faiss.Index:
    """`index`, or a new index holding the same ids and vectors whose kind suits their count.

    Flat stays flat below `flat_limit` (default `FLAT_LIMIT`, read at call time); two-stage
    IVF stays so down to half of it (so a count hovering near the limit does not rebuild at
    every reindex) and while its cell count is within a factor of two of the ideal for its
    size.
    """
    kind_of(index)  # a kind of an older format is never carried into a new generation
    flat_limit = FLAT_LIMIT if flat_limit is None else flat_limit
    count = index.ntotal
    two_stage = _two_stage_ivf(index)
    if two_stage is None:
        if count < flat_limit:
            return index
    elif count >= flat_limit // 2:
        ideal = cells_for(count)
        if ideal / 2 <= two_stage.nlist <= ideal * 2:
            refresh_probes(index)
            return index
    ids, vectors = all_vectors(index)
    fresh = new_vector_index(index.d) if count < flat_limit else build_ivf(vectors)
    if count:
        fresh.add_with_ids(vectors, ids)
    return fresh


def add_vectors(index: faiss.Index, vectors: VectorArray, ids: IdArray) -> None:
    """Add `vectors` under `ids` to an index built here.

    FAISS writes a two-stage index's new 4-bit codes into its lists by OR-ing them into the
    slots after each list's last entry, which it takes to be zero; a removal leaves the
    moved entries' old codes there (faiss-cpu 1.15), and vectors added over them got codes
    that were neither theirs nor the old ones', so a question found them late or not at all.
    Those slots are cleared first; `tests/index/test_vector_index.py` checks the codes."""
    ivf = _two_stage_ivf(index)
    if ivf is not None:
        _clear_free_slots(ivf)
    index.add_with_ids(vectors, ids)


def _clear_free_slots(ivf: faiss.IndexIVF) -> None:
    """Zero every fast-scan list's slots past its last entry (in its last, partial block)."""
    assert ivf.invlists is not None  # every index built here owns its lists
    # A BlockInvertedLists, which faiss's type stubs do not describe.
    lists: Any = faiss.downcast_InvertedLists(ivf.invlists)
    packer: faiss.CodePacker = lists.packer
    keep = _free_slot_masks(packer)
    for cell in range(lists.nlist):
        size = lists.list_size(cell)
        used = size % packer.nvec
        if used:
            blocks = -(-size // packer.nvec)
            codes = faiss.rev_swig_ptr(lists.get_codes(cell), blocks * packer.block_size)
            codes[-packer.block_size :] &= keep[used]


def _free_slot_masks(packer: faiss.CodePacker) -> npt.NDArray[np.uint8]:
    """Row u: the bytes to AND a block with to zero its slots from u on. Found by packing an
    all-ones code into each slot of an empty block, so it holds for whatever layout FAISS
    packs codes in."""
    ones = np.full(packer.code_size, 0xFF, dtype=np.uint8)
    footprints = np.zeros((packer.nvec, packer.block_size), dtype=np.uint8)
    for slot in range(packer.nvec):
        packer.pack_1(ones, slot, footprints[slot : slot + 1])  # a (1, block) array
    # Row u of the reversed running OR: the footprints of slots u, u + 1, ... together.
    from_slot = np.bitwise_or.accumulate(footprints[::-1], axis=0)[::-1]
    return np.invert(from_slot)


def remove_ids(index: faiss.Index, ids: IdArray) -> None:
    """Remove the vectors of `ids` (those present) from an index built here, in place."""
    refine = _refine(index)
    if refine is None:
        # faiss's Python wrapper turns an id array into an IDSelectorBatch.
        index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))  # type: ignore[arg-type]
    else:
        _remove_from_two_stage(index, refine, ids)


def _remove_from_two_stage(index: faiss.Index, refine: faiss.IndexRefine, ids: IdArray) -> None:
    """FAISS cannot remove from `IndexRefine`: its 8-bit store is addressed by row, and the
    fast-scan lists hold row numbers. Each part is compacted here instead: the rows leave the
    store (`remove_ids`, which keeps the others in order) and the lists, whose entries are
    then renumbered to the rows' new places; the id map drops the same rows and the counts
    follow. Every other vector keeps its codes and its cell, so no cell is searched for again."""
    outer = faiss.downcast_index(index)
    assert isinstance(outer, faiss.IndexIDMap)  # as `_refine` found it
    scan = faiss.extract_index_ivf(refine.base_index)
    stored = faiss.vector_to_array(outer.id_map)
    rows = np.flatnonzero(np.isin(stored, ids))  # ascending
    if not len(rows):
        return
    selector = faiss.IDSelectorBatch(rows)
    scan.remove_ids(selector)
    store = faiss.downcast_index(refine.refine_index)
    store.remove_ids(selector)
    lists = scan.invlists
    assert lists is not None
    for cell in range(scan.nlist):
        size = lists.list_size(cell)
        if size:
            # A view of the list's ids (no copy): each row moves down by the removed below it.
            labels = faiss.rev_swig_ptr(lists.get_ids(cell), size)
            labels -= np.searchsorted(rows, labels)
    faiss.copy_array_to_vector(np.delete(stored, rows), outer.id_map)
    refine.ntotal = outer.ntotal = store.ntotal


def cells_for(count: int) -> int:
    """IVF cells for `count` vectors: ~2·√n keeps both the centroid scan and the lists scanned
    small, and keeps k-means training (sampled) well under a minute at a million vectors."""
    return max(16, min(int(2 * math.sqrt(count)), count // TRAINING_POINTS_PER_CELL))


def probes_for(cells: int, count: int) -> int:
    """Cells scanned per question: enough that about `SCAN_VECTORS` vectors are read, and at
    least a `PROBE_SHARE`-th of the cells (16 at the fewest)."""
    per_cell = max(1.0, count / max(cells, 1))
    wanted = max(16, math.ceil(cells / PROBE_SHARE), math.ceil(SCAN_VECTORS / per_cell))
    return min(cells, wanted)


def refresh_probes(index: faiss.Index) -> None:
    """Set an IVF index's `nprobe` (and a two-stage one's candidate factor) by the current
    rule (`probes_for`). Files keep the settings they were written with; indexes are opened
    and reindexed through this, so an older file searches as a new one would."""
    refine = _refine(index)
    if refine is not None:
        ivf = faiss.extract_index_ivf(refine.base_index)
        ivf.nprobe = probes_for(ivf.nlist, ivf.ntotal)
        refine.k_factor = candidate_factor(ivf.nprobe, ivf.nlist, ivf.ntotal)


def candidate_factor(probes: int, cells: int, count: int) -> int:
    """Candidates re-scored per result wanted, for a scan of `probes` of `cells` cells."""
    scanned = probes * count / max(cells, 1)
    return SMALL_SCAN_CANDIDATE_FACTOR if scanned <= 2 * SCAN_VECTORS else CANDIDATE_FACTOR


def build_ivf(vectors: VectorArray) -> faiss.Index:
    """An empty two-stage index (fast-scan IVF candidates, re-scored against 8-bit codes),
    trained on (a sample of) `vectors`."""
    count, dimension = vectors.shape
    cells = cells_for(count)
    sample_size = min(count, cells * TRAINING_POINTS_PER_CELL)
    rng = np.random.default_rng(0)  # a rebuild of the same vectors gives the same cells
    sample = np.ascontiguousarray(vectors[np.sort(rng.choice(count, sample_size, replace=False))])
    # Two dimensions per 4-bit code: one per four dimensions lost answers even with four
    # times as many candidates re-scored.
    subquantizers = dimension // 2 if dimension % 2 == 0 else dimension
    scan = faiss.index_factory(
        dimension, f"IVF{cells},PQ{subquantizers}x4fs", faiss.METRIC_INNER_PRODUCT
    )
    ivf = faiss.extract_index_ivf(scan)
    ivf.cp.niter = TRAINING_ITERATIONS
    # Codes of the vector itself, not of its offset from the cell's centre: residual codes
    # answered 116 instead of 120 of 145 at 100k cards, in the same time.
    ivf.by_residual = False
    scan.train(sample)
    # The second stage's 8-bit ranges (per dimension) come from the same sample; a later
    # vector outside them is clipped to them.
    exact = faiss.IndexScalarQuantizer(
        dimension, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    exact.train(sample)
    refine = faiss.IndexRefine(scan, exact)
    ivf.nprobe = probes_for(cells, count)
    refine.k_factor = candidate_factor(ivf.nprobe, cells, count)
    # IndexIDMap, not IDMap2: no id → position hash table (43 MB at a million vectors), which
    # only reconstructing one vector by id would need.
    index = faiss.IndexIDMap(refine)
    _give_parts(refine, scan, exact)
    _give_parts(index, refine)
    return index


def _give_parts(owner: faiss.IndexRefine | faiss.IndexIDMap, *parts: faiss.Index) -> None:
    """Make the C++ `owner` free its `parts`, as it does once read from a file, so a Python
    view of a part (downcast_index, extract_index_ivf) stays valid while the whole lives.
    `IndexRefine` frees its second stage only under a flag of its own: without it each
    two-stage index built here leaked its 8-bit store (384 bytes a vector)."""
    owner.own_fields = True
    if isinstance(owner, faiss.IndexRefine):
        owner.own_refine_index = True
    for part in parts:
        part.this.disown()  # type: ignore[attr-defined]


def kind_of(index: faiss.Index) -> str:
    """Which kind built here `index` is: "flat" or "two-stage"; `ValueError` for any other (a
    file of an older format, or no claimbot index at all)."""
    if _two_stage_ivf(index) is not None:
        return "two-stage"
    concrete = faiss.downcast_index(index)
    if isinstance(concrete, faiss.IndexIDMap2):
        inner = faiss.downcast_index(concrete.index)
        fp16 = faiss.ScalarQuantizer.QT_fp16
        if isinstance(inner, faiss.IndexScalarQuantizer) and inner.sq.qtype == fp16:
            return "flat"
    raise ValueError(f"a {type(concrete).__name__}, not a kind of index claimbot writes")


def all_vectors(index: faiss.Index) -> tuple[IdArray, VectorArray]:
    """Every (id, vector) an index built here holds, in the order they were added."""
    kind_of(index)
    outer = faiss.downcast_index(index)
    assert isinstance(outer, faiss.IndexIDMap)  # both kinds keep their ids in one
    ids = faiss.vector_to_array(outer.id_map).astype(np.int64)
    inner = faiss.downcast_index(outer.index)
    if isinstance(inner, faiss.IndexRefine):
        inner = faiss.downcast_index(inner.refine_index)
    vectors = inner.reconstruct_n(0, inner.ntotal) if inner.ntotal else _empty(index.d)
    return ids, np.ascontiguousarray(vectors, dtype=np.float32)


def _refine(index: faiss.Index) -> faiss.IndexRefine | None:
    concrete = faiss.downcast_index(index)
    if not isinstance(concrete, faiss.IndexIDMap):  # or IndexIDMap2, a subclass
        return None
    inner = faiss.downcast_index(concrete.index)
    return inner if isinstance(inner, faiss.IndexRefine) else None


def _two_stage_ivf(index: faiss.Index) -> faiss.IndexIVF | None:
    """The fast-scan IVF of a two-stage index, None for any other kind."""
    refine = _refine(index)
    return None if refine is None else faiss.extract_index_ivf(refine.base_index)


def _empty(dimension: int) -> VectorArray:
    return np.zeros((0, dimension), dtype=np.float32)
