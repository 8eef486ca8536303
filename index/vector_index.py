"""Which FAISS index holds the vectors, chosen by how many there are.

Below `FLAT_LIMIT` vectors an exact flat inner-product index is used: one query scans every
vector, which costs about 0.06 ms per thousand vectors on one core while they fit in cache, and
it needs no training. It holds them as float16 too (`IndexScalarQuantizer`, QT_fp16): at 10k
vectors 0.38 instead of 0.59 ms of search, and half the bytes for the encode before it to evict
(docs/performance.md); flat indexes written before that hold float32, are searched as they are,
and are converted by the next reindex that changes something. Above the limit the scan
dominates a question's cost (measured in docs/performance.md: ~8 ms at 50k vectors, ~19 ms at
100k), so the vectors move to an IVF index (inner product): k-means cells, of which a query
scans only `nprobe`. IVF lists hold the vectors as 8-bit codes (`SQ8`, a trained range per
dimension, not relative to their cell's centre): a quarter of float32's memory and bytes per
question. On the labelled questions asked of corpora embedded by the real model they answered
as many right as float16 lists (123 vs 124 of 145 at 10k cards, 119 vs 118 at 100k), and a
loaded 100k-card index takes 355 instead of 719 MB; a question is no faster end to end (the
decoding costs what the bytes save; docs/performance.md). IVF indexes written before
hold float16 (`SQfp16`) or float32 (`IndexIVFFlat`) lists: they are read as they are and
rebuilt with 8-bit lists by the next reindex that changes something. A rebuild decodes the
8-bit codes it has and encodes them anew, adding a little error each time; rebuilds come only
when the count doubles or halves.

IVF, not HNSW: an incremental reindex removes a changed review's vectors by id, which
`IndexIVF.remove_ids` supports and an HNSW graph does not. Both kinds take the caller's 64-bit
ids directly, and IVF's `nprobe` is saved in the file; `ClaimIndex` and each reindex set it by
the current rule (`refresh_probes`), so a file written under an older rule searches as a new
one would. Readers need not know which kind they hold.

`fit_to_size` is called once per reindex, after vectors are added and removed: it converts
between the kinds when the count crosses the limit (with some hysteresis), and retrains an IVF
index whose count has grown or shrunk far from what its cells were trained for.
"""

from __future__ import annotations

import math

import faiss
import numpy as np
import numpy.typing as npt

FLAT_LIMIT = 20_000
"""Vectors at or above which IVF replaces flat search (about 2,000 cards)."""

TRAINING_POINTS_PER_CELL = 40
"""k-means sample size per cell: FAISS warns below 39; more only slows training."""

TRAINING_ITERATIONS = 10

SCAN_VECTORS = 12_000
"""Vectors a question's IVF scan reads at the fewest: at 10k cards (99k vectors, 629 cells),
2,991 vectors (19 cells, the rule before) answered 112 of 145 labelled questions right where
every cell answered 126; 11,964 (76 cells) answered 124 (docs/performance.md)."""

PROBE_SHARE = 16
"""A question scans at least this fraction (1/16) of the cells: at 100k cards (988k vectors,
1,987 cells) 62 cells (a 32nd, the rule before) answered 112 where every cell answered 124,
124 cells 117 and 248 cells 121, at 2.7, 4.9 and 9.6 ms per answer. With a 16th, onnx there
is 0.82x the bare PyTorch encode at a bot's pace and 1.21x at a script's; an 8th would double
the scan (docs/performance.md)."""

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

    Flat stays flat below `flat_limit` (default `FLAT_LIMIT`, read at call time); IVF stays
    IVF down to half of it (so a count hovering near the limit does not rebuild at every
    reindex) and while its cell count is within a factor of two of the ideal for its size and
    its lists hold 8-bit codes (older float16 and float32 lists are rebuilt once).
    """
    flat_limit = FLAT_LIMIT if flat_limit is None else flat_limit
    count = index.ntotal
    ivf = _as_ivf(index)
    if ivf is None:
        if count < flat_limit and _is_float16_flat(index):
            return index
    elif count >= flat_limit // 2 and _is_8bit_ivf(ivf):
        ideal = cells_for(count)
        if ideal / 2 <= ivf.nlist <= ideal * 2:
            refresh_probes(index)
            return index
    ids, vectors = all_vectors(index)
    fresh = new_vector_index(index.d) if count < flat_limit else build_ivf(vectors)
    if count:
        fresh.add_with_ids(vectors, ids)
    return fresh


def cells_for(count: int) -> int:
    """IVF cells for `count` vectors: ~2·√n keeps both the centroid scan and the lists scanned
    small, and keeps k-means training (sampled) well under a minute at a million vectors."""
    return max(16, min(int(2 * math.sqrt(count)), count // TRAINING_POINTS_PER_CELL))


def probes_for(cells: int, count: int) -> int:
    """Cells scanned per question: enough that about `SCAN_VECTORS` vectors are read, and at
    least a `PROBE_SHARE`-th of the cells (16 at the fewest). Set from the labelled questions
    asked of a corpus embedded by the real model (`benchmarks/haystack.py`,
    docs/performance.md)."""
    per_cell = max(1.0, count / max(cells, 1))
    wanted = max(16, math.ceil(cells / PROBE_SHARE), math.ceil(SCAN_VECTORS / per_cell))
    return min(cells, wanted)


def refresh_probes(index: faiss.Index) -> None:
    """Set an IVF index's `nprobe` by the current rule (`probes_for`). Files keep the `nprobe`
    they were written with; indexes are opened and reindexed through this, so an older file
    searches as a new one would."""
    ivf = _as_ivf(index)
    if ivf is not None:
        ivf.nprobe = probes_for(ivf.nlist, ivf.ntotal)


def build_ivf(vectors: VectorArray) -> faiss.IndexIVF:
    """An empty IVF index trained on (a sample of) `vectors`."""
    count, dimension = vectors.shape
    cells = cells_for(count)
    # The factory builds the coarse quantizer owned by the index (no lifetime juggling).
    index = faiss.index_factory(dimension, f"IVF{cells},SQ8", faiss.METRIC_INNER_PRODUCT)
    assert isinstance(index, faiss.IndexIVFScalarQuantizer)
    # Codes of the vector itself, not of its offset from the cell's centre: all_vectors can
    # decode a list without the centroids. The 8-bit ranges (per dimension) are trained on the
    # same sample as the cells; a later vector outside them is clipped to them.
    index.by_residual = False
    index.cp.niter = TRAINING_ITERATIONS
    sample = min(count, cells * TRAINING_POINTS_PER_CELL)
    rng = np.random.default_rng(0)  # a rebuild of the same vectors gives the same cells
    rows = np.sort(rng.choice(count, size=sample, replace=False))
    index.train(np.ascontiguousarray(vectors[rows]))
    index.nprobe = probes_for(cells, count)
    return index


def all_vectors(index: faiss.Index) -> tuple[IdArray, VectorArray]:
    """Every (id, vector) an index built here holds, in no particular order."""
    ivf = _as_ivf(index)
    if ivf is None:
        flat = faiss.downcast_index(index)
        assert isinstance(flat, faiss.IndexIDMap2), f"unexpected index {type(flat).__name__}"
        ids = faiss.vector_to_array(flat.id_map).astype(np.int64)
        inner = faiss.downcast_index(flat.index)
        vectors = inner.reconstruct_n(0, inner.ntotal) if inner.ntotal else _empty(index.d)
        return ids, np.ascontiguousarray(vectors, dtype=np.float32)
    lists = ivf.invlists
    assert lists is not None  # every IVF index built here owns its lists
    id_parts: list[IdArray] = []
    vector_parts: list[VectorArray] = []
    for cell in range(ivf.nlist):
        size = lists.list_size(cell)
        if not size:
            continue
        id_parts.append(
            faiss.rev_swig_ptr(lists.get_ids(cell), size).astype(np.int64)  # copies
        )
        codes = faiss.rev_swig_ptr(lists.get_codes(cell), size * lists.code_size)
        vector_parts.append(_decode(ivf, np.asarray(codes).reshape(size, lists.code_size)))
    if not id_parts:
        return np.zeros(0, dtype=np.int64), _empty(ivf.d)
    return np.concatenate(id_parts), np.concatenate(vector_parts)


def _decode(ivf: faiss.IndexIVF, codes: npt.NDArray[np.uint8]) -> VectorArray:
    """The vectors of one IVF list's codes: 8-bit (`SQ8`, built here), float16 (`SQfp16`,
    older files) or float32 (older still, `IndexIVFFlat`)."""
    if isinstance(ivf, faiss.IndexIVFScalarQuantizer):
        assert not ivf.by_residual, "residual codes need their cell's centroid"
        decoded: VectorArray = ivf.sq.decode(np.ascontiguousarray(codes))
        return decoded.astype(np.float32, copy=False)
    return codes.view(np.float32).copy()  # (size, 4·d) bytes → (size, d) floats


def _is_8bit_ivf(ivf: faiss.IndexIVF) -> bool:
    """False for the IVF indexes written before lists held 8-bit codes (float16, float32)."""
    return (
        isinstance(ivf, faiss.IndexIVFScalarQuantizer)
        and ivf.sq.qtype == faiss.ScalarQuantizer.QT_8bit
    )


def _is_float16_flat(index: faiss.Index) -> bool:
    """False for the float32 flat indexes written before flat ones held float16."""
    concrete = faiss.downcast_index(index)
    return isinstance(concrete, faiss.IndexIDMap2) and isinstance(
        faiss.downcast_index(concrete.index), faiss.IndexScalarQuantizer
    )


def _as_ivf(index: faiss.Index) -> faiss.IndexIVF | None:
    concrete = faiss.downcast_index(index)
    return concrete if isinstance(concrete, faiss.IndexIVF) else None


def _empty(dimension: int) -> VectorArray:
    return np.zeros((0, dimension), dtype=np.float32)
