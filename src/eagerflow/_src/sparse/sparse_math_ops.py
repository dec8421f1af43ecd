"""`tf.sparse` arithmetic and reductions: add, maximum/minimum, sparse_dense_matmul, reduce_sum/max,
softmax, segment ops, bincount (structure and conversions are in sparse_ops)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, gather_scatter_ops, join_split_ops, math_ops, reduce_ops
from eagerflow._src.sparse.sparse_ops import (
    SPARSE_TO_DENSE, check_sparse, host, index_text, invalid, make_sparse, on_host, take, to_dense,
)
from eagerflow._src.sparse.sparse_tensor import SparseTensor


# --- arithmetic -----------------------------------------------------------------------------------
def _union(a: SparseTensor, b: SparseTensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted union of both index sets, and where each input's entries land in it."""
    ia, ib = host(a.indices), host(b.indices)
    shape = np.maximum(host(a.dense_shape), host(b.dense_shape))
    both = np.concatenate([ia, ib])
    flat = np.ravel_multi_index(both.T, shape) if both.size else np.zeros(both.shape[0], np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    indices = np.stack(np.unravel_index(unique, shape), axis=1) if unique.size else np.zeros((0, shape.shape[0]))
    return indices, inverse[:ia.shape[0]], inverse[ia.shape[0]:]


def _union_kernel(xp: Any, ia: Any, ib: Any, shape_a: Any, shape_b: Any) -> list:
    sa, sb = on_host(shape_a).astype(np.int64), on_host(shape_b).astype(np.int64)
    if not np.array_equal(sa, sb):
        raise invalid(f"Operands do not have the same ranks; got shapes: {index_text(sa)} and {index_text(sb)}")
    ia, ib = on_host(ia).astype(np.int64), on_host(ib).astype(np.int64)
    both = np.concatenate([ia.reshape(-1, sa.shape[0]), ib.reshape(-1, sa.shape[0])])
    flat = np.ravel_multi_index(both.T, sa) if both.size else np.zeros(both.shape[0], np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    indices = np.stack(np.unravel_index(unique, sa), axis=1) if unique.size else np.zeros((0, sa.shape[0]), np.int64)
    return [xp.asarray(indices.astype(np.int64)), xp.asarray(inverse.reshape(-1).astype(np.int64)),
            xp.asarray(np.int64(unique.shape[0]))]


# The union of two index sets (row-major) and where each entry of `a` then `b` lands in it: runs
# when the graph runs; the values are summed into it by ops (their gradient).
SPARSE_UNION = Op("SparseAddIndices", _union_kernel, num_outputs=3,
                  shape_fn=lambda inputs, attrs: [(np.dtype(np.int64), (None, inputs[2]._array.shape[0]
                                                                      if inputs[2]._array.shape else None)),
                                                  (np.dtype(np.int64), (None,)), (np.dtype(np.int64), ())])


def add(a: Any, b: Any, threshold: Any = 0, thresh: Any = None) -> Any:
    """a + b (`tf.sparse.add`): sparse + sparse is sparse (sums below `threshold` in magnitude
    dropped); with a dense operand the result is dense."""
    if thresh is not None:
        threshold = thresh
    if not isinstance(a, SparseTensor):
        a, b = b, a
    if not isinstance(b, SparseTensor):
        return math_ops.add(to_dense(a), convert_to_tensor(b, a.dtype))
    indices, ids, count = execute(SPARSE_UNION, (a.indices, b.indices, a.dense_shape, b.dense_shape))
    joined = join_split_ops.concat([a.values, b.values], 0)
    if type(count).__name__ == "EagerTensor":
        values = gather_scatter_ops.unsorted_segment_sum(joined, ids, int(count.numpy()))
    else:
        zeros = array_ops.zeros(array_ops.reshape(count, [1]), joined.dtype)
        values = gather_scatter_ops.tensor_scatter_nd_add(zeros, array_ops.reshape(ids, [-1, 1]), joined)
    limit = float(host(convert_to_tensor(threshold)))
    if limit > 0:
        keep = array_ops.reshape(array_ops.where(math_ops.greater_equal(math_ops.abs(values),
                                                                        math_ops.cast(limit, values.dtype))), [-1])
        indices, values = gather_scatter_ops.gather(indices, keep), gather_scatter_ops.gather(values, keep)
    out = SparseTensor(indices, values, a.dense_shape)
    if type(a.dense_shape).__name__ != "EagerTensor":
        out._static_shape = a.shape.merge_with(b.shape)
    return out


def _extreme(a: Any, b: Any, fn: Callable[..., Tensor]) -> SparseTensor:
    a, b = check_sparse(a), check_sparse(b)
    indices, pos_a, pos_b = _union(a, b)
    n = indices.shape[0]
    zeros = array_ops.zeros([n], a.dtype)
    dense_a = gather_scatter_ops.tensor_scatter_nd_update(zeros, constant(pos_a[:, None].astype(np.int64)), a.values)
    dense_b = gather_scatter_ops.tensor_scatter_nd_update(zeros, constant(pos_b[:, None].astype(np.int64)), b.values)
    return make_sparse(indices, fn(dense_a, dense_b), host(a.dense_shape))


def maximum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    """Elementwise max of two SparseTensors; a missing entry counts as zero (`tf.sparse.maximum`)."""
    return _extreme(sp_a, sp_b, math_ops.maximum)


def minimum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    return _extreme(sp_a, sp_b, math_ops.minimum)


def _sparse_matmul(xp: Any, indices: Any, values: Any, shape: Any, b: Any, adjoint_a: bool = False,
                   adjoint_b: bool = False) -> Any:
    idx = on_host(indices)
    rows_n, cols_n = (int(d) for d in on_host(shape))
    rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    out_rows, inner = (cols_n, rows_n) if adjoint_a else (rows_n, cols_n)
    if adjoint_a and values.dtype.kind == "c":
        values = xp.conj(values)
    if adjoint_b:
        b = xp.conj(b.T) if b.dtype.kind == "c" else b.T
    if b.shape[0] != inner:
        raise invalid(f"Cannot multiply A and B because inner dimension does not match: {inner} vs. {b.shape[0]}.  "
                       f"Did you forget a transpose?  Dimensions of A: [{out_rows}, {inner}).  Dimensions of B: "
                       f"[{b.shape[0]},{b.shape[1]}]")
    bad = np.nonzero((rows < 0) | (rows >= out_rows))[0]
    if bad.size:
        i = int(bad[0])
        raise invalid(f"m ({int(rows[i])}) from index[{i},{1 if adjoint_a else 0}] out of bounds (>={out_rows})")
    bad = np.nonzero((cols < 0) | (cols >= inner))[0]
    if bad.size:
        i = int(bad[0])
        raise invalid(f"k ({int(cols[i])}) from index[{i},{0 if adjoint_a else 1}] out of bounds (>={inner})")
    if xp is np and values.dtype.kind in "fc":
        import scipy.sparse  # first use only: `import eagerflow` does not load SciPy

        wide = values.dtype == np.float16  # SciPy has no float16: the product in float32, rounded back
        matrix = scipy.sparse.csr_matrix((values.astype(np.float32) if wide else values, (rows, cols)),
                                         shape=(out_rows, inner))
        return np.asarray(matrix @ (b.astype(np.float32) if wide else b)).astype(b.dtype, copy=False)
    out = xp.zeros((out_rows, b.shape[1]), dtype=b.dtype)
    products = b[xp.asarray(cols)] * values[:, None]
    if xp is np:
        np.add.at(out, rows, products)
    else:
        import cupyx  # GPU only

        cupyx.scatter_add(out, xp.asarray(rows), products)
    return out


def _sparse_matmul_grad(ctx: Any, dy: Tensor) -> tuple:
    """TF's gradient: for b, A^T (or A) times dy; for the values, the dot product of dy's row and
    b's row each entry links."""
    indices, values, shape, b = ctx.inputs
    adjoint_a, adjoint_b = ctx.attrs.get("adjoint_a", False), ctx.attrs.get("adjoint_b", False)
    grad_b = None
    if ctx.needs[3]:
        grad_b = execute(SPARSE_MATMUL, (indices, values, shape, dy), {"adjoint_a": not adjoint_a})
        if adjoint_b:
            grad_b = array_ops.transpose(grad_b)
    grad_values = None
    if ctx.needs[1]:
        idx = host(indices)
        rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
        dense_b = array_ops.transpose(b) if adjoint_b else b
        parts = math_ops.multiply(take(dy, rows), take(dense_b, cols))
        grad_values = reduce_ops.reduce_sum(parts, axis=1)
    return None, grad_values, None, grad_b


def _sparse_matmul_shape(inputs: Any, attrs: dict) -> list | None:
    if inputs[1]._array.shape is None or None in inputs[1]._array.shape or inputs[3]._array.shape is None \
            or None in inputs[3]._array.shape:  # traced with unknown dims: a matrix of b's dtype
        return [(inputs[3]._array.dtype, (None, None))]
    return None


SPARSE_MATMUL = Op("SparseTensorDenseMatMul", _sparse_matmul, grad=_sparse_matmul_grad,
                   shape_fn=_sparse_matmul_shape)


def sparse_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False, adjoint_b: bool = False,
                        name: str | None = None) -> Tensor:
    """Sparse matrix times dense matrix (`tf.sparse.sparse_dense_matmul`); a dense `sp_a` with a
    sparse `b` works too."""
    if not isinstance(sp_a, SparseTensor):
        # dense a times sparse b: (b^T a^T)^T
        return array_ops.transpose(sparse_dense_matmul(b, convert_to_tensor(sp_a), adjoint_a=not adjoint_b,
                                                       adjoint_b=not adjoint_a))
    b = convert_to_tensor(b, sp_a.dtype)
    return execute(SPARSE_MATMUL, (sp_a.indices, sp_a.values, sp_a.dense_shape, b),
                   {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)})


def _groups(sp: SparseTensor, axis: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Entries grouped by their coordinates outside `axis`: group of each entry, the groups' kept
    coordinates, the kept dims."""
    shape = host(sp.dense_shape).astype(np.int64)
    rank = shape.shape[0]
    axes = list(range(rank)) if axis is None else sorted({int(a) % rank for a in np.atleast_1d(axis)})
    keep = [d for d in range(rank) if d not in axes]
    idx = host(sp.indices)[:, keep]
    if idx.shape[1]:
        flat = np.ravel_multi_index(idx.T, shape[keep]) if idx.shape[0] else np.zeros(0, np.int64)
    else:
        flat = np.zeros(idx.shape[0], np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    coords = np.stack(np.unravel_index(unique, shape[keep]), axis=1) if keep else np.zeros((unique.shape[0], 0))
    return inverse, coords.astype(np.int64), shape, axes


def _sparse_reduce(sp_input: Any, axis: Any, keepdims: bool, output_is_sparse: bool, kind: str) -> Any:
    sp = check_sparse(sp_input)
    groups, coords, shape, axes = _groups(sp, axis)
    keep = [d for d in range(shape.shape[0]) if d not in axes]
    n = coords.shape[0]
    if kind == "sum":
        values = gather_scatter_ops.unsorted_segment_sum(sp.values, constant(groups.astype(np.int64)), n)
    else:
        # The max of each group's entries (implicit zeros do not count), through the dense op.
        counts = np.bincount(groups, minlength=n) if groups.size else np.zeros(n, np.int64)
        width = int(counts.max()) if counts.size else 0
        order = np.argsort(groups, kind="stable")
        slot = np.arange(groups.shape[0]) - np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        where = np.zeros((groups.shape[0], 2), np.int64)
        where[order, 0] = groups[order]
        where[order, 1] = slot
        dtype = sp.dtype.as_numpy_dtype
        lowest = np.finfo(dtype).min if sp.dtype.is_floating else np.iinfo(dtype).min
        padded = execute(SPARSE_TO_DENSE, (constant(where), sp.values, constant(np.asarray(lowest, dtype))),
                         {"shape": (n, width), "validate_indices": False})
        values = reduce_ops.reduce_max(padded, axis=1)
    out_shape = shape[keep]
    if keepdims:
        full = np.zeros((n, shape.shape[0]), np.int64)
        full[:, keep] = coords
        coords = full
        out_shape = shape.copy()
        out_shape[axes] = 1
    if output_is_sparse:
        return make_sparse(coords, values, out_shape)
    return to_dense(make_sparse(coords, values, out_shape), validate_indices=False)


def reduce_sum(sp_input: Any, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: str | None = None) -> Any:
    """Sum over `axis` (all when None) (`tf.sparse.reduce_sum`); dense unless `output_is_sparse`."""
    return _sparse_reduce(sp_input, axis, bool(keepdims), output_is_sparse, "sum")


def reduce_max(sp_input: Any, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: str | None = None) -> Any:
    """Max over the entries present along `axis` (`tf.sparse.reduce_max`); an empty group gives 0."""
    return _sparse_reduce(sp_input, axis, bool(keepdims), output_is_sparse, "max")


def softmax(sp_input: Any, name: str | None = None) -> SparseTensor:
    """Softmax over the entries present in each innermost row (`tf.sparse.softmax`)."""
    sp = check_sparse(sp_input)
    groups, _, _, _ = _groups(sp, -1)
    n = int(groups.max()) + 1 if groups.size else 0
    ids = constant(groups.astype(np.int64))
    row_max = reduce_max(sp, axis=-1, output_is_sparse=True).values
    shifted = math_ops.exp(math_ops.subtract(sp.values, gather_scatter_ops.gather(row_max, ids)))
    totals = gather_scatter_ops.unsorted_segment_sum(shifted, ids, n)
    return sp.with_values(math_ops.truediv(shifted, gather_scatter_ops.gather(totals, ids)))


def mask(a: Any, mask_indices: Any, name: str | None = None) -> Any:
    """The slices of an IndexedSlices whose indices are not in `mask_indices` (`tf.sparse.mask`)."""
    from eagerflow._src.framework.indexed_slices import IndexedSlices

    indices = host(a.indices)
    keep = np.nonzero(~np.isin(indices, host(convert_to_tensor(mask_indices))))[0]
    return IndexedSlices(take(a.values, keep), constant(indices[keep]), a.dense_shape)


def _segment(data: Any, indices: Any, segment_ids: Any, num_segments: Any, scale: str) -> Tensor:
    rows = gather_scatter_ops.gather(convert_to_tensor(data), indices)
    ids = convert_to_tensor(segment_ids)
    host_ids = host(ids).astype(np.int64)
    n = int(host(convert_to_tensor(num_segments))) if num_segments is not None else \
        (int(host_ids.max()) + 1 if host_ids.size else 0)
    total = gather_scatter_ops.unsorted_segment_sum(rows, ids, n)
    if scale == "sum":
        return total
    counts = np.bincount(host_ids, minlength=n)[:n].astype(rows.dtype.as_numpy_dtype)
    counts = np.maximum(counts, 1)
    if scale == "sqrt_n":
        counts = np.sqrt(counts)
    shape = [n] + [1] * (rows.shape.rank - 1)
    return math_ops.truediv(total, constant(counts.reshape(shape)))


def segment_sum(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    """Sums of `data[indices]` rows per segment (`tf.sparse.segment_sum`)."""
    return _segment(data, indices, segment_ids, num_segments, "sum")


def segment_mean(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    return _segment(data, indices, segment_ids, num_segments, "mean")


def segment_sqrt_n(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    return _segment(data, indices, segment_ids, num_segments, "sqrt_n")


def bincount(values: Any, weights: Any = None, axis: int = 0, minlength: Any = None, maxlength: Any = None,
             binary_output: bool = False, name: str | None = None) -> SparseTensor:
    """Counts (or summed `weights`) of each value, over everything (`axis=0`) or per row
    (`axis=-1`), as a SparseTensor (`tf.sparse.bincount`). `values` may be dense, ragged or sparse."""
    def parts(v: Any) -> tuple[np.ndarray | None, np.ndarray, Any]:
        if isinstance(v, SparseTensor):
            idx = host(v.indices)
            return (idx[:, 0] if idx.shape[1] > 1 else None), host(v.values), v.dtype
        if hasattr(v, "flat_values"):  # a RaggedTensor
            return host(v.value_rowids()), host(v.flat_values), v.dtype
        t = convert_to_tensor(v)
        array = host(t)
        if array.ndim > 1:
            return np.repeat(np.arange(array.shape[0]), array.shape[1]), array.reshape(-1), t.dtype
        return None, array.reshape(-1), t.dtype

    rows, items, dtype = parts(values)
    nrows = (int(host(values.dense_shape)[0]) if isinstance(values, SparseTensor) else
             values.nrows_int() if hasattr(values, "flat_values") else
             (convert_to_tensor(values).shape[0] if convert_to_tensor(values).shape.rank > 1 else None))
    if weights is not None:
        _, w, out_dtype = parts(weights)
    else:
        w, out_dtype = np.ones(items.shape[0]), dtype
    items = items.astype(np.int64)
    keep = items >= 0
    if maxlength is not None:
        keep &= items < int(maxlength)
    size = int(items[keep].max()) + 1 if keep.any() else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    per_row = axis in (-1, 1) and rows is not None
    keys = np.stack([rows[keep], items[keep]], 1) if per_row else items[keep][:, None]
    unique, inverse = np.unique(keys, axis=0, return_inverse=True) if keys.size else \
        (np.zeros((0, keys.shape[1]), np.int64), np.zeros(0, np.int64))
    sums = np.zeros(unique.shape[0])
    np.add.at(sums, inverse.reshape(-1), w[keep] if not binary_output else 1)
    if binary_output:
        sums = np.ones_like(sums)
    shape = [nrows, size] if per_row else [size]
    return make_sparse(unique, constant(sums.astype(out_dtype.as_numpy_dtype)), shape)
