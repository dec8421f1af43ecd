"""The value-dependent parts of RaggedTensor as ops, so ragged work traces into `tf.function`.

Row partitions (splits, lengths, row ids) are integer bookkeeping: each computation that reads
their values is one op whose kernel runs host NumPy, with a shape rule that leaves the
value-dependent sizes unknown. Eagerly the wrappers call the same kernels through `execute`.
Values only move through `RaggedTensorToTensor`, its inverse `RaggedTensorFromTensor` and plain
gathers, so gradients reach the flat values (any order: each of the two is the other's gradient).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework import shape_inference


def _np(a: Any) -> np.ndarray:
    return np.asarray(a.get() if hasattr(a, "get") else a)


def _dev(xp: Any, arrays: Any) -> Any:
    """Host results moved to the kernel's device (a no-op on the host)."""
    if xp is np:
        return arrays
    return [xp.asarray(a) for a in arrays] if isinstance(arrays, list) else xp.asarray(arrays)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def dense_coords(nested_splits: Any) -> tuple[np.ndarray, list[int]]:
    """For each flat value row, its coordinates in the bounding box; and the box's outer dims."""
    first = _np(nested_splits[0]).astype(np.int64)
    n = max(first.shape[0] - 1, 0)
    coords = np.arange(n, dtype=np.int64)[:, None]
    dims = [n]
    for s in nested_splits:
        s = _np(s).astype(np.int64)
        lengths = np.diff(s)
        dims.append(int(lengths.max()) if lengths.size else 0)
        parent = np.repeat(np.arange(lengths.shape[0]), lengths)
        within = np.arange(s[-1] - s[0] if s.size else 0) - np.repeat(s[:-1] - s[0], lengths)
        coords = np.concatenate([coords[parent], within[:, None]], axis=1)
    return coords, dims


def _static_nrows(splits: Any) -> int | None:
    shape = splits._array.shape
    if shape is None or shape[0] is None:
        return None
    return shape[0] - 1


# --- RaggedTensorToTensor: (shape, values, default, *nested_splits) -> dense ---------------------
def _target(shape: np.ndarray, full: list) -> list:
    if shape.ndim == 0:
        return full
    if shape.shape[0] != len(full):
        raise _invalid(f"Shape {list(shape)} must have rank {len(full)}")
    return [f if int(s) < 0 else int(s) for s, f in zip(shape.tolist(), full)]


def _to_tensor(xp: Any, shape: Any, values: Any, default: Any, *nested_splits: Any) -> Any:
    coords, dims = dense_coords(nested_splits)
    inner = list(values.shape[1:])
    target = _target(_np(shape), dims + inner)
    if target[len(dims):] != inner:
        raise _invalid(f"Incompatible inner shapes: {inner} vs. {target[len(dims):]}")
    out = xp.empty(tuple(target), dtype=values.dtype)
    out[...] = default
    if coords.shape[0]:
        cut = [i for i, (t, d) in enumerate(zip(target, dims)) if t < d]
        if cut:  # a target smaller than the bounding box: drop the values outside it
            keep = coords[:, cut[0]] < target[cut[0]]
            for i in cut[1:]:
                keep &= coords[:, i] < target[i]
            values = values[xp.asarray(np.nonzero(keep)[0])]
            coords = coords[keep]
        if coords.shape[0]:
            out[tuple(xp.asarray(c) for c in coords.T)] = values
    return out


def _to_tensor_grad(ctx: Any, dy: Any) -> tuple:
    from eagerflow._src.ops import array_ops, math_ops, reduce_ops

    shape, values, default = ctx.inputs[:3]
    splits = ctx.inputs[3:]
    values_grad = execute(FROM_TENSOR, (dy, *splits)) if ctx.needs[1] else None
    default_grad = None
    if ctx.needs[2]:
        filled = execute(TO_TENSOR, (array_ops.shape(dy, out_type="int64"), array_ops.ones_like(values),
                                     array_ops.zeros([], values.dtype), *splits))
        unfilled = math_ops.multiply(dy, math_ops.subtract(array_ops.ones_like(filled), filled))
        outer = dy.shape.rank - default.shape.rank
        default_grad = reduce_ops.reduce_sum(unfilled, axis=list(range(outer)))
    return (None, values_grad, default_grad) + (None,) * len(splits)


def _to_tensor_shape(inputs: Any, attrs: dict) -> list:
    shape, values, _ = inputs[:3]
    splits = inputs[3:]
    vshape = values._array.shape
    inner = None if vshape is None else list(vshape[1:])
    wanted = shape_inference.shape_value(shape) if shape._array.shape != () else None
    outer: list = [_static_nrows(splits[0])] + [None] * len(splits)
    if wanted is not None and inner is not None and len(wanted) == len(outer) + len(inner):
        dims = [None if d is None or d < 0 else d for d in wanted]
        outer = [d if d is not None else o for d, o in zip(dims, outer)]
        inner = [d if d is not None else i for d, i in zip(dims[len(outer):], inner)]
    return [(values._array.dtype, None if inner is None else tuple(outer + inner))]


TO_TENSOR = Op("RaggedTensorToTensor", _to_tensor, grad=_to_tensor_grad, shape_fn=_to_tensor_shape)


# --- RaggedTensorFromTensor: (dense, *nested_splits) -> flat values (zeros where cut off) ---------
def _from_tensor(xp: Any, dense: Any, *nested_splits: Any) -> Any:
    coords, dims = dense_coords(nested_splits)
    depth = len(dims)
    out = xp.zeros((coords.shape[0],) + tuple(dense.shape[depth:]), dtype=dense.dtype)
    if coords.shape[0]:
        inside = np.ones(coords.shape[0], bool)
        for i in range(depth):
            if dense.shape[i] < dims[i]:
                inside &= coords[:, i] < dense.shape[i]
        where = np.nonzero(inside)[0]
        if where.shape[0]:
            picked = coords[where]
            out[xp.asarray(where)] = dense[tuple(xp.asarray(c) for c in picked.T)]
    return out


def _from_tensor_grad(ctx: Any, dy: Any) -> tuple:
    from eagerflow._src.ops import array_ops

    dense = ctx.inputs[0]
    splits = ctx.inputs[1:]
    grad = execute(TO_TENSOR, (array_ops.shape(dense, out_type="int64"), dy, array_ops.zeros([], dy.dtype),
                               *splits))
    return (grad,) + (None,) * len(splits)


def _from_tensor_shape(inputs: Any, attrs: dict) -> list:
    dense = inputs[0]._array
    depth = len(inputs)  # nrows dim plus one per ragged level
    inner = None if dense.shape is None else tuple(dense.shape[depth:])
    return [(dense.dtype, None if inner is None else (None,) + inner)]


FROM_TENSOR = Op("RaggedTensorFromTensor", _from_tensor, grad=_from_tensor_grad, shape_fn=_from_tensor_shape)


# --- row ids and splits ---------------------------------------------------------------------------
def _value_rowids(xp: Any, splits: Any) -> Any:
    s = _np(splits)
    lengths = np.diff(s.astype(np.int64))
    return _dev(xp, np.repeat(np.arange(lengths.shape[0], dtype=s.dtype), lengths))


def _unknown_vector_like_first(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, (None,))]


VALUE_ROWIDS = Op("RaggedValueRowIds", _value_rowids, shape_fn=_unknown_vector_like_first)


def _rowids_to_splits(xp: Any, ids: Any, nrows: Any) -> Any:
    ids = _np(ids)
    n = int(_np(nrows))
    if n < 0:
        n = int(ids[-1]) + 1 if ids.size else 0
    return _dev(xp, np.searchsorted(ids.astype(np.int64), np.arange(n + 1), side="left").astype(ids.dtype))


def _rowids_to_splits_shape(inputs: Any, attrs: dict) -> list:
    value = shape_inference.constant_value(inputs[1])
    n = None if value is None or int(value) < 0 else int(value) + 1
    return [(inputs[0]._array.dtype, (n,))]


ROWIDS_TO_SPLITS = Op("RaggedValueRowIdsToSplits", _rowids_to_splits, shape_fn=_rowids_to_splits_shape)


# --- gathering rows: (indices, *nested_splits) -> (*new_nested_splits, flat value indices) --------
def gather_indices(indices: np.ndarray, nested_splits: Any) -> tuple[list, np.ndarray]:
    """Rows `indices` of a ragged tensor: the new nested splits and which flat values they hold."""
    rows = indices.astype(np.int64)
    new_splits = []
    for s in nested_splits:
        s = _np(s).astype(np.int64)
        lengths = (s[1:] - s[:-1])[rows]
        starts = s[:-1][rows]
        total = int(lengths.sum())
        rows = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(total)
        new_splits.append(np.concatenate([[0], np.cumsum(lengths)]))
    return new_splits, rows


def _gather(xp: Any, indices: Any, *nested_splits: Any) -> list:
    idx = _np(indices).astype(np.int64).reshape(-1)
    n = _np(nested_splits[0]).shape[0] - 1
    bad = np.nonzero((idx < 0) | (idx >= n))[0]
    if bad.size:
        raise _invalid(f"indices[{int(bad[0])}] = {int(idx[bad[0]])} is not in [0, {n})")
    new_splits, rows = gather_indices(idx, nested_splits)
    return _dev(xp, [s.astype(_np(o).dtype) for s, o in zip(new_splits, nested_splits)] + [rows])


def _gather_shape(inputs: Any, attrs: dict) -> list:
    idx = inputs[0]._array.shape
    first = None if idx is None or idx[0] is None else idx[0] + 1
    out = [(inputs[1]._array.dtype, (first,))]
    out += [(s._array.dtype, (None,)) for s in inputs[2:]]
    return out + [(np.dtype(np.int64), (None,))]


GATHER = Op("RaggedGatherIndices", _gather, num_outputs=-1, shape_fn=_gather_shape)


def gather(indices: Any, nested_splits: tuple) -> list:
    """Executes GATHER: [*new nested splits, flat value indices]."""
    return execute(GATHER, (indices, *nested_splits))


# --- tf.ragged.range ----------------------------------------------------------------------------
def _range(xp: Any, starts: Any, limits: Any, deltas: Any, splits_dtype: Any) -> list:
    s, lim, d = np.broadcast_arrays(_np(starts), _np(limits), _np(deltas))
    if np.any(d == 0):
        raise _invalid("Requires delta != 0")
    dtype = s.dtype
    rows = [np.arange(a, b, c, dtype=dtype) for a, b, c in zip(s.ravel(), lim.ravel(), d.ravel())]
    values = np.concatenate(rows) if rows else np.zeros(0, dtype)
    splits = np.concatenate([[0], np.cumsum([r.shape[0] for r in rows], dtype=np.int64)])
    return _dev(xp, [splits.astype(splits_dtype), values.astype(dtype)])


def _range_shape(inputs: Any, attrs: dict) -> list:
    shapes = [x._array.shape for x in inputs]
    n = None
    if all(s is not None for s in shapes):
        sizes = {s[0] if s else 1 for s in shapes}
        known = {v for v in sizes if v is not None and v != 1}
        n = known.pop() + 1 if len(known) == 1 and None not in sizes else (2 if sizes == {1} else None)
    return [(np.dtype(attrs["splits_dtype"]), (n,)), (inputs[0]._array.dtype, (None,))]


RANGE = Op("RaggedRange", _range, num_outputs=2, shape_fn=_range_shape)


# --- to_sparse: (*nested_splits, flat) -> (indices, dense_shape) ----------------------------------
def _to_sparse(xp: Any, *args: Any) -> list:
    *nested_splits, flat = args
    coords, dims = dense_coords(nested_splits)
    inner = list(flat.shape[1:])
    if inner:
        grid = np.stack(np.meshgrid(*[np.arange(d) for d in inner], indexing="ij"), -1).reshape(-1, len(inner))
        coords = np.concatenate([np.repeat(coords, grid.shape[0], axis=0), np.tile(grid, (coords.shape[0], 1))], 1)
    return _dev(xp, [coords.astype(np.int64).reshape(-1, len(dims) + len(inner)), np.asarray(dims + inner, np.int64)])


def _to_sparse_shape(inputs: Any, attrs: dict) -> list:
    flat = inputs[-1]._array.shape
    rank = None if flat is None else len(inputs) - 1 + len(flat)
    return [(np.dtype(np.int64), (None, rank)), (np.dtype(np.int64), (rank,))]


TO_SPARSE = Op("RaggedTensorToSparse", _to_sparse, num_outputs=2, shape_fn=_to_sparse_shape)


# --- from_tensor: (dense, lengths) -> (splits, coords of the kept values) -------------------------
def _from_dense(xp: Any, dense: Any, lengths: Any, padding: Any, mode: str, splits_dtype: Any) -> list:
    shape = dense.shape
    nrows, ncols = shape[0], shape[1]
    if mode == "padding":
        d, pad = _np(dense), _np(padding)
        same = d == pad
        same = same.reshape(nrows, ncols, -1).all(axis=-1) if same.ndim > 2 or pad.ndim else same
        keep = ~same
        row_len = np.where(keep.any(axis=1), ncols - np.argmax(keep[:, ::-1], axis=1), 0) if ncols else \
            np.zeros(nrows, np.int64)
    elif mode == "lengths":
        row_len = _np(lengths).astype(np.int64)
        if row_len.ndim == 0:
            row_len = np.full(nrows, int(row_len))
        row_len = np.minimum(row_len, ncols)
    else:
        row_len = np.full(nrows, ncols, np.int64)
    rows = np.repeat(np.arange(nrows), row_len)
    starts = np.concatenate([[0], np.cumsum(row_len)[:-1]]) if nrows else np.zeros(0, np.int64)
    cols = np.arange(rows.shape[0]) - np.repeat(starts, row_len)
    splits = np.concatenate([[0], np.cumsum(row_len)]).astype(splits_dtype)
    return _dev(xp, [splits, np.stack([rows, cols], axis=1).astype(np.int64).reshape(-1, 2)])


def _from_dense_shape(inputs: Any, attrs: dict) -> list:
    shape = inputs[0]._array.shape
    n = None if shape is None or shape[0] is None else shape[0] + 1
    return [(np.dtype(attrs["splits_dtype"]), (n,)), (np.dtype(np.int64), (None, 2))]


FROM_DENSE = Op("RaggedTensorFromDenseIndices", _from_dense, num_outputs=2, shape_fn=_from_dense_shape)


# --- reductions over a ragged axis of ragged rank > 1: the result's layout ------------------------
def level_masks(nested_splits: Any) -> list[np.ndarray]:
    """For level l (0 = rows), a bool array over the bounding box's first l+1 dims: which exist."""
    _, dims = dense_coords(nested_splits)
    coords = np.arange(dims[0])[:, None]
    masks = [np.ones(dims[:1], bool)]
    for depth, s in enumerate(nested_splits, 1):
        s = _np(s).astype(np.int64)
        lengths = np.diff(s)
        parent = np.repeat(np.arange(lengths.shape[0]), lengths)
        within = np.arange(s[-1]) - np.repeat(s[:-1], lengths)
        coords = np.concatenate([coords[parent], within[:, None]], axis=1)
        mask = np.zeros(dims[:depth + 1], bool)
        if coords.shape[0]:
            mask[tuple(coords.T)] = True
        masks.append(mask)
    return masks


def masked_layout(masks: list) -> tuple[list, np.ndarray]:
    """The nested splits of the ragged tensor whose level masks are `masks`, and the coordinates
    of its flat values in the dense box."""
    last = masks[-1]
    coords = np.argwhere(last).astype(np.int64).reshape(-1, last.ndim)
    splits = []
    for level in range(1, len(masks)):
        lengths = masks[level].sum(axis=-1)[masks[level - 1]]
        splits.append(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
    return splits, coords


def _reduce_layout(xp: Any, *nested_splits: Any, axis: int) -> list:
    masks = level_masks(nested_splits)
    r = len(nested_splits)
    new_masks = masks[:axis] + [masks[level + 1].any(axis=axis) for level in range(axis, r)]
    splits, coords = masked_layout(new_masks)
    return _dev(xp, [s.astype(_np(nested_splits[0]).dtype) for s in splits] + [coords])


def _reduce_layout_shape(inputs: Any, attrs: dict) -> list:
    r = len(inputs)
    dtype = inputs[0]._array.dtype
    return [(dtype, (None,))] * (r - 1) + [(np.dtype(np.int64), (None, r))]


REDUCE_LAYOUT = Op("RaggedReduceLayout", _reduce_layout, num_outputs=-1, shape_fn=_reduce_layout_shape)


# --- slicing inside rows: (splits) -> (new splits, indices of the kept values) --------------------
def _slice_rows(xp: Any, splits: Any, start: Any, stop: Any, step: Any) -> list:
    s = _np(splits).astype(np.int64)
    pieces, lengths = [], []
    key = slice(start, stop, step)
    for i in range(s.shape[0] - 1):
        take = np.arange(s[i], s[i + 1])[key]
        pieces.append(take)
        lengths.append(take.shape[0])
    taken = np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, np.int64)
    new = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(_np(splits).dtype)
    return _dev(xp, [new, taken])


def _slice_rows_shape(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, inputs[0]._array.shape), (np.dtype(np.int64), (None,))]


SLICE_ROWS = Op("RaggedSliceRows", _slice_rows, num_outputs=2, shape_fn=_slice_rows_shape)


# --- stack_dynamic_partitions: the items in partition order (stable) ------------------------------
def _partition_order(xp: Any, partitions: Any) -> Any:
    return _dev(xp, np.argsort(_np(partitions).reshape(-1), kind="stable").astype(np.int64))


PARTITION_ORDER = Op("RaggedPartitionOrder", _partition_order,
                     shape_fn=lambda inputs, attrs: [(np.dtype(np.int64), (None,))])
