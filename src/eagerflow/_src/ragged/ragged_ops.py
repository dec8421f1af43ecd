"""Ops on RaggedTensors: elementwise ops and reductions through dispatch, and `tf.ragged.*`.

Elementwise ops run once on the flat values (dense operands broadcast into the ragged layout by
gathering along each ragged level); reductions pad to the bounding box with the reduction's
identity, reduce with the dense op and cut the result back to its ragged shape. Gradients reach
the flat values through gather, the padding op and the dense ops.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, dispatch, gather_scatter_ops, join_split_ops, math_ops, reduce_ops
from eagerflow._src.ragged.ragged_getitem import gather_rows
from eagerflow._src.framework.execute import execute
from eagerflow._src.ragged import ragged_kernels as _kernels
from eagerflow._src.ragged.ragged_tensor import (RaggedTensor, _concat_splits, _host, _nrows_tensor, _splits_tensor,
                                                 _symbolic)

_PYTHON_SCALARS = (int, float, bool, complex, str, bytes, np.generic)


# --- elementwise --------------------------------------------------------------------------------
def _same_splits(a: RaggedTensor, b: RaggedTensor) -> bool:
    sa, sb = a.nested_row_splits, b.nested_row_splits
    if len(sa) == len(sb) and _symbolic(*sa, *sb):  # compared when the graph runs (TF asserts there)
        return all(x.shape.is_compatible_with(y.shape) for x, y in zip(sa, sb))
    return len(sa) == len(sb) and all(np.array_equal(_host(x), _host(y)) for x, y in zip(sa, sb))


def _splits_mismatch(a: RaggedTensor, b: RaggedTensor) -> errors.InvalidArgumentError:
    """TF's assert_equal text for row splits that differ."""
    x, y = _host(a.row_splits), _host(b.row_splits)
    if x.shape != y.shape:
        return errors.InvalidArgumentError(None, None, f"Incompatible shapes: [{x.shape[0]}] vs. [{y.shape[0]}]")
    where = np.nonzero(x != y)[0]
    return errors.InvalidArgumentError(
        None, None, "Condition x == y did not hold.\n"
        f"Indices of first {where.shape[0]} different values:\n{where[:, None]}\n"
        f"Corresponding x values:\n{x[where]}\nCorresponding y values:\n{y[where]}\n"
        f"First {x.shape[0]} elements of x:\n{x}\nFirst {y.shape[0]} elements of y:\n{y}")


def _broadcast_dense(rt: RaggedTensor, t: Tensor) -> Tensor:
    """Dense `t` laid out as `rt`'s flat values (TF broadcasts a dense operand into the rows)."""
    inner_rank = rt.flat_values.shape.rank - 1
    if t.shape.rank <= inner_rank:
        return t  # it meets the uniform inner dims only: NumPy broadcasting does the rest
    rank = rt.shape.rank
    if t.shape.rank > rank:
        raise ValueError(f"Shapes {rt.shape} and {t.shape} are incompatible")
    dims = [1] * (rank - t.shape.rank) + t.shape.as_list()
    if rank != t.shape.rank:
        t = array_ops.reshape(t, dims if dims.count(None) == 0 else [-1 if d is None else d for d in dims]
                              if dims.count(None) == 1 else _concat_splits(
                                  [constant(np.ones(rank - t.shape.rank, np.int32)), array_ops.shape(t)], _dtypes.int32))
    nrows = rt.nrows_int()
    if dims[0] != nrows and dims[0] is not None:
        if dims[0] != 1:
            if nrows is not None:
                raise errors.InvalidArgumentError(None, None, f"Incompatible shapes: {rt.shape} vs. {t.shape}")
        else:
            rows = nrows if nrows is not None else array_ops.reshape(_nrows_tensor(rt, _dtypes.int32), [1])
            target = [rows] + dims[1:] if nrows is not None else _concat_splits(
                [rows, constant(np.asarray(dims[1:], np.int32))], _dtypes.int32)
            t = array_ops.broadcast_to(t, target)
    level: Any = rt
    while isinstance(level, RaggedTensor):
        if t.shape[1] != 1:
            raise errors.InvalidArgumentError(
                None, None, f"Incompatible shapes: a dense dimension of size {t.shape[1]} cannot broadcast "
                "to a ragged dimension")
        t = array_ops.squeeze(t, axis=[1])
        t = gather_scatter_ops.gather(t, level.value_rowids())
        level = level.values
    return t


def elementwise(apply: Callable[..., Any], args: tuple) -> Any:
    """`apply` on the flat values of the ragged operands and the broadcast dense ones."""
    ref = next(a for a in args if isinstance(a, RaggedTensor))
    flats = []
    for a in args:
        if isinstance(a, RaggedTensor):
            if a is not ref and not _same_splits(a, ref):
                raise _splits_mismatch(ref, a)
            flats.append(a.flat_values)
        elif a is None:
            flats.append(a)
        else:
            if not isinstance(a, Tensor) and not hasattr(a, "_as_tensor"):
                a = convert_to_tensor(a, dtype_hint=ref.dtype)  # TF's preferred dtype: the ragged one's
            flats.append(_broadcast_dense(ref, convert_to_tensor(a)))
    return ref.with_flat_values(apply(*flats))


# --- reductions ---------------------------------------------------------------------------------
def _level_masks(rt: RaggedTensor) -> list[np.ndarray]:
    """For level l (0 = rows), a bool array over the bounding box's first l+1 dims: which exist."""
    return _kernels.level_masks([_host(s) for s in rt.nested_row_splits])


def _from_masked(dense: Tensor, masks: list[np.ndarray], splits_dtype: _dtypes.DType) -> Any:
    """The ragged tensor whose level masks are `masks` (masks[0]: all rows), values from `dense`."""
    splits, coords = _kernels.masked_layout(masks)
    result: Any = gather_scatter_ops.gather_nd(dense, constant(coords))
    for s in reversed(splits):
        result = RaggedTensor._from_splits(result, _splits_tensor(s, splits_dtype))
    return result


_DENSE_REDUCE = {
    "sum": reduce_ops.reduce_sum, "prod": reduce_ops.reduce_prod, "max": reduce_ops.reduce_max,
    "min": reduce_ops.reduce_min, "any": reduce_ops.reduce_any, "all": reduce_ops.reduce_all,
    "mean": reduce_ops.reduce_mean, "logsumexp": reduce_ops.reduce_logsumexp,
}


def _identity(kind: str, dtype: _dtypes.DType) -> Any:
    if kind in ("sum", "mean"):
        return 0 if not dtype.is_bool else False
    if kind == "prod":
        return 1
    if kind == "any":
        return False
    if kind == "all":
        return True
    if kind == "logsumexp":
        return -np.inf
    np_dtype = dtype.as_numpy_dtype
    info = np.finfo(np_dtype) if dtype.is_floating else np.iinfo(np_dtype)
    return info.min if kind == "max" else info.max


def reduce(kind: str, rt: RaggedTensor, axis: Any, keepdims: bool) -> Any:
    """`tf.reduce_<kind>` of a RaggedTensor over `axis` (ints; None for all)."""
    if axis is None:
        if keepdims:
            return reduce(kind, rt, list(range(rt.shape.rank)), keepdims)
        flat = rt.flat_values
        if kind == "mean":
            return math_ops.truediv(reduce_ops.reduce_sum(flat), math_ops.cast(array_ops.size(flat), flat.dtype))
        return _DENSE_REDUCE[kind](flat)
    if isinstance(axis, Tensor):
        if _symbolic(axis):
            from eagerflow._src.framework import shape_inference

            found = shape_inference.constant_value(axis)
            if found is None:
                raise ValueError("The axis of a ragged reduction must be known while tracing")
            axis = np.asarray(found).tolist()
        else:
            axis = _host(axis).tolist()
    axes = sorted({a % rt.shape.rank if a < 0 else a for a in (axis if isinstance(axis, (list, tuple)) else [axis])},
                  reverse=True)
    result: Any = rt
    for a in axes:
        if a >= rt.shape.rank:
            raise ValueError(f"axis={a} out of bounds: expected {-rt.shape.rank}<=axis<{rt.shape.rank}")
        result = _reduce_one(kind, result, a) if isinstance(result, RaggedTensor) else \
            _DENSE_REDUCE[kind](result, axis=a)
        if keepdims:  # axes go from the last: the ones still to reduce keep their positions
            result = _expand(result, a)
    return result


def _expand(value: Any, axis: int) -> Any:
    """`value` with a dimension of size 1 inserted at `axis` (ragged or dense)."""
    if not isinstance(value, RaggedTensor):
        return array_ops.expand_dims(value, axis)
    n = value.nrows_int()
    dtype = value.row_splits_dtype
    if n is None:
        count = value.nrows(out_type=dtype)
        if axis == 0:
            return RaggedTensor._from_splits(value, _concat_splits([constant(np.zeros(1, dtype.as_numpy_dtype)),
                                                                    array_ops.reshape(count, [1])], dtype))
        if axis == 1:
            return RaggedTensor._from_splits(value, array_ops.range(
                math_ops.add(count, constant(np.asarray(1, dtype.as_numpy_dtype))), dtype=dtype))
    if axis == 0:
        return RaggedTensor._from_splits(value, _splits_tensor(np.asarray([0, n]), dtype))
    if axis == 1:
        return RaggedTensor._from_splits(value, _splits_tensor(np.arange(n + 1), dtype))
    return value.with_values(_expand(value.values, axis - 1))


def _reduce_one(kind: str, rt: RaggedTensor, axis: int) -> Any:
    r = rt.ragged_rank
    if axis > r:  # a uniform inner dimension
        return rt.with_flat_values(_DENSE_REDUCE[kind](rt.flat_values, axis=axis - r))
    dtype = rt.dtype
    if kind == "mean":
        total = _reduce_one("sum", rt, axis)
        ones = rt.with_flat_values(array_ops.ones_like(rt.flat_values))
        count = _reduce_one("sum", ones, axis)
        if isinstance(total, RaggedTensor):
            return total.with_flat_values(math_ops.truediv(total.flat_values, count.flat_values))
        return math_ops.truediv(total, count)
    dense = rt.to_tensor(default_value=_identity(kind, dtype))
    reduced = _DENSE_REDUCE[kind](dense, axis=axis)
    if r == 1:
        return reduced
    if _symbolic(*rt.nested_row_splits):
        *splits, coords = execute(_kernels.REDUCE_LAYOUT, tuple(rt.nested_row_splits), {"axis": axis})
        result: Any = gather_scatter_ops.gather_nd(reduced, coords)
        for s in reversed(splits):
            result = RaggedTensor._from_splits(result, s)
        return result
    masks = _level_masks(rt)
    new_masks = masks[:axis] + [masks[level + 1].any(axis=axis) for level in range(axis, r)]
    return _from_masked(reduced, new_masks, rt.row_splits_dtype)


# --- tf.ragged.* --------------------------------------------------------------------------------
def map_flat_values(op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`op` applied to the flat values of the RaggedTensors in args (all partitioned alike)."""
    found: list[RaggedTensor] = []

    def swap(v: Any) -> Any:
        if isinstance(v, RaggedTensor):
            if found and not _same_splits(v, found[0]):
                raise ValueError("Input RaggedTensors have mismatched row partitions.")
            found.append(v)
            return v.flat_values
        if isinstance(v, list):
            return [swap(w) for w in v]
        if isinstance(v, tuple):
            return tuple(swap(w) for w in v)
        if isinstance(v, dict):
            return {k: swap(w) for k, w in v.items()}
        return v

    new_args = swap(list(args))
    new_kwargs = swap(dict(kwargs))
    if not found:
        return op(*new_args, **new_kwargs)
    return found[0].with_flat_values(op(*new_args, **new_kwargs))


def ragged_range(starts: Any, limits: Any = None, deltas: Any = 1, dtype: Any = None, name: str | None = None,
          row_splits_dtype: Any = _dtypes.int64) -> RaggedTensor:
    """Row i is `range(starts[i], limits[i], deltas[i])` (`tf.ragged.range`)."""
    if limits is None:
        starts, limits = 0, starts
    ts = [convert_to_tensor(v, dtype) if dtype is not None else convert_to_tensor(v) for v in (starts, limits, deltas)]
    if dtype is None:  # TF's promotion among the three: the widest of int32 < int64 < float32 < float64
        order = [_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64]
        dtype = max((t.dtype for t in ts), key=lambda d: order.index(d) if d in order else 0)
        ts = [math_ops.cast(t, dtype) for t in ts]
    splits, values = execute(_kernels.RANGE, tuple(ts), {"splits_dtype": _dtypes.as_dtype(row_splits_dtype).as_numpy_dtype})
    return RaggedTensor._from_splits(values, splits)


def _as_ragged(value: Any, ragged_rank: int, splits_dtype: _dtypes.DType) -> RaggedTensor:
    if isinstance(value, RaggedTensor):
        return value
    return RaggedTensor.from_tensor(convert_to_tensor(value), ragged_rank=ragged_rank, row_splits_dtype=splits_dtype)


def _concat_rows(values: list[Any]) -> Any:
    """Rows of each input one after another (axis 0), at every nested level."""
    if not isinstance(values[0], RaggedTensor):
        return join_split_ops.concat(values, axis=0)
    if _symbolic(*(v.row_splits for v in values)):
        dtype = values[0].row_splits_dtype
        pieces, offset = [], None
        for v in values:
            s = math_ops.cast(v.row_splits, dtype)
            pieces.append(s if offset is None else math_ops.add(s[1:], offset))
            offset = s[-1] if offset is None else math_ops.add(s[-1], offset)
        inner = _concat_rows([v.values for v in values])
        return RaggedTensor._from_splits(inner, _concat_splits(pieces, dtype))
    offsets, parts = 0, []
    for v in values:
        s = v._splits_np()
        parts.append((s[1:] if parts else s) + offsets)
        offsets += s[-1]
    inner = _concat_rows([v.values for v in values])
    return RaggedTensor._from_splits(inner, _splits_tensor(np.concatenate(parts), values[0].row_splits_dtype))


def _ragged_inputs(values: list[Any]) -> list[RaggedTensor]:
    ragged = [v for v in values if isinstance(v, RaggedTensor)]
    rank = max(v.shape.rank for v in ragged)
    rr = max(v.ragged_rank for v in ragged)
    out = []
    for v in values:
        r = _as_ragged(v, min(rr, (v.shape.rank if isinstance(v, RaggedTensor) else convert_to_tensor(v).shape.rank) - 1),
                       ragged[0].row_splits_dtype)
        if v is not None and getattr(v, "shape", None) is not None and v.shape.rank != rank:
            raise ValueError(f"Tensor shapes must have the same rank; got {rank} and {v.shape.rank}")
        out.append(r)
    return out


def stack(values: Any, axis: int = 0, name: str | None = None) -> RaggedTensor:
    """Stacks ragged or dense tensors of one rank along a new `axis` (0 or 1) (`tf.ragged.stack`)."""
    if not isinstance(values, (list, tuple)):
        raise TypeError("values must be a list or tuple")
    values = list(values)
    if not values:
        raise ValueError("values must not be empty")
    if not any(isinstance(v, RaggedTensor) for v in values):
        dense = [convert_to_tensor(v) for v in values]
        if axis in (0, -2) and all(v.shape.rank == 1 for v in dense):  # vectors of any lengths: their rows
            lengths = join_split_ops.stack([math_ops.cast(array_ops.size(v), _dtypes.int64) for v in dense])
            return RaggedTensor.from_row_lengths(join_split_ops.concat(dense, 0), lengths)
        if all(v.shape.rank == 1 for v in dense):  # axis 1 of vectors: TF's dense stack
            return join_split_ops.stack(dense, axis=axis)
        values[0] = RaggedTensor.from_tensor(dense[0])
    inputs = _ragged_inputs(values)
    rank = inputs[0].shape.rank
    if axis < 0:
        axis += rank + 1
    dtype = inputs[0].row_splits_dtype
    if any(v.nrows_int() is None for v in inputs):
        return _stack_ops(inputs, axis, dtype)
    if axis == 0:
        rows = _concat_rows(inputs)
        counts = np.asarray([0] + [v.nrows_int() for v in inputs]).cumsum()
        return RaggedTensor._from_splits(rows, _splits_tensor(counts, inputs[0].row_splits_dtype))
    if axis == 1:
        n = inputs[0].nrows_int()
        if any(v.nrows_int() != n for v in inputs):
            raise errors.InvalidArgumentError(None, None, "Input tensors at index 0 (=x) and 1 (=y) have "
                                              "incompatible shapes.")
        rows = _concat_rows(inputs)
        k = len(inputs)
        order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
        stacked = gather_rows(rows, order.astype(np.int64))
        return RaggedTensor._from_splits(stacked, _splits_tensor(np.arange(n + 1) * k, inputs[0].row_splits_dtype))
    raise NotImplementedError("tf.ragged.stack supports axis 0 and 1 here")


def _stack_ops(inputs: list, axis: int, dtype: _dtypes.DType) -> RaggedTensor:
    """`stack` when the row counts are known only when the graph runs."""
    rows = _concat_rows(inputs)
    counts = [array_ops.reshape(v.nrows(out_type=dtype), [1]) for v in inputs]
    zero = constant(np.zeros(1, dtype.as_numpy_dtype))
    if axis == 0:
        from eagerflow._src.ops import reduce_ops

        return RaggedTensor._from_splits(rows, _concat_splits([zero, reduce_ops.cumsum(_concat_splits(counts, dtype))],
                                                              dtype))
    if axis != 1:
        raise NotImplementedError("tf.ragged.stack supports axis 0 and 1 here")
    k = len(inputs)
    n = counts[0][0]
    order = array_ops.reshape(array_ops.transpose(array_ops.reshape(
        array_ops.range(math_ops.multiply(n, constant(np.asarray(k, dtype.as_numpy_dtype))), dtype=dtype),
        join_split_ops.stack([constant(np.asarray(k, dtype.as_numpy_dtype)), n]))), [-1])
    stacked = gather_rows(rows, math_ops.cast(order, _dtypes.int64))
    step = constant(np.asarray(k, dtype.as_numpy_dtype))
    one = constant(np.asarray(1, dtype.as_numpy_dtype))
    return RaggedTensor._from_splits(stacked, math_ops.multiply(array_ops.range(math_ops.add(n, one), dtype=dtype),
                                                                step))


def concat(values: Any, axis: Any) -> RaggedTensor:
    """`tf.concat` with RaggedTensors: rows after rows (axis 0) or each row joined (axis 1)."""
    values = list(values)
    inputs = _ragged_inputs(values)
    rank = inputs[0].shape.rank
    axis = int(_host(convert_to_tensor(axis))) if not isinstance(axis, int) else axis
    if axis < 0:
        axis += rank
    if axis == 0:
        return _concat_rows(inputs)
    if axis == 1:
        return stack(inputs, axis=1).merge_dims(1, 2)
    raise NotImplementedError("concat of RaggedTensors supports axis 0 and 1 here")


def boolean_mask(data: Any, mask: Any, name: str | None = None) -> Any:
    """Keeps the items of `data` where `mask` is True; masked dims become ragged (`tf.ragged.boolean_mask`)."""
    if not isinstance(mask, RaggedTensor):
        mask = convert_to_tensor(mask)
        if mask.dtype != _dtypes.bool:
            raise ValueError(f"mask.dtype must be bool; got {mask.dtype!r}")
        if mask.shape.rank == 1 and _symbolic(mask):
            keep_t = array_ops.reshape(array_ops.where(mask), [-1])
            if isinstance(data, RaggedTensor):
                return gather_rows(data, keep_t)
            return gather_scatter_ops.gather(convert_to_tensor(data), keep_t)
        if mask.shape.rank == 1:
            keep = np.nonzero(_host(mask))[0].astype(np.int64)
            if isinstance(data, RaggedTensor):
                return gather_rows(data, keep)
            return gather_scatter_ops.gather(convert_to_tensor(data), constant(keep))
        mask = RaggedTensor.from_tensor(mask, ragged_rank=mask.shape.rank - 1)
    elif mask.dtype != _dtypes.bool:
        raise ValueError(f"mask.dtype must be bool; got {mask.dtype!r}")
    if not isinstance(data, RaggedTensor):
        data = RaggedTensor.from_tensor(convert_to_tensor(data), ragged_rank=mask.ragged_rank)
    return _mask_levels(data, mask)


def _mask_levels(data: RaggedTensor, mask: RaggedTensor) -> RaggedTensor:
    if _symbolic(*data.nested_row_splits, *mask.nested_row_splits, mask.flat_values):
        if isinstance(mask.values, RaggedTensor):
            return data.with_values(_mask_levels(data.values, mask.values))
        keep = array_ops.reshape(array_ops.where(mask.values), [-1])
        dtype = data.row_splits_dtype
        kept = RaggedTensor._from_splits(math_ops.cast(mask.values, dtype), data.row_splits)
        counts = reduce("sum", kept, 1, False)
        from eagerflow._src.ragged.ragged_tensor import _cumsum_splits

        return RaggedTensor._from_splits(gather_rows(data.values, keep), _cumsum_splits(counts))
    s_data, s_mask = data._splits_np(), mask._splits_np()
    if not np.array_equal(s_data, s_mask):
        raise _splits_mismatch(data, mask)
    if isinstance(mask.values, RaggedTensor):
        return data.with_values(_mask_levels(data.values, mask.values))
    keep = _host(mask.values)
    ids = np.repeat(np.arange(s_mask.shape[0] - 1), np.diff(s_mask))
    lengths = np.bincount(ids[keep], minlength=s_mask.shape[0] - 1)
    values = gather_rows(data.values, np.nonzero(keep)[0].astype(np.int64))
    splits = np.concatenate([[0], np.cumsum(lengths)])
    return RaggedTensor._from_splits(values, _splits_tensor(splits, data.row_splits_dtype))


def _partition_tensor(value: Any) -> Tensor:
    """A tensor as given; Python and NumPy values as int64 (TF converts them so)."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        return convert_to_tensor(value)
    return convert_to_tensor(value, _dtypes.int64)


def stack_dynamic_partitions(data: Any, partitions: Any, num_partitions: int, name: str | None = None) -> RaggedTensor:
    """Row i holds the items of `data` whose partition is i, in order (`tf.ragged.stack_dynamic_partitions`)."""
    parts_t = convert_to_tensor(partitions)
    data_t = data if isinstance(data, RaggedTensor) else convert_to_tensor(data)
    if _symbolic(parts_t, *(data_t.nested_row_splits if isinstance(data_t, RaggedTensor) else (data_t,))):
        from eagerflow._src.ops import stats_ops
        from eagerflow._src.ragged.ragged_tensor import _cumsum_splits

        flat_parts = math_ops.cast(array_ops.reshape(parts_t, [-1]), _dtypes.int64)
        order = execute(_kernels.PARTITION_ORDER, (flat_parts,))

        counts = stats_ops.bincount(flat_parts, minlength=int(num_partitions), maxlength=int(num_partitions),
                                    dtype=_dtypes.int64)
        return RaggedTensor._from_splits(gather_rows(data_t, order), _cumsum_splits(counts))
    parts = _host(parts_t).astype(np.int64).ravel()
    n = int(num_partitions)
    if parts.size and (parts.min() < 0 or parts.max() >= n):
        raise errors.InvalidArgumentError(None, None, f"partitions must be in [0, {n})")
    order = np.argsort(parts, kind="stable")
    rows = gather_rows(data if isinstance(data, RaggedTensor) else convert_to_tensor(data), order)
    splits = np.concatenate([[0], np.cumsum(np.bincount(parts, minlength=n))])
    return RaggedTensor._from_splits(rows, _splits_tensor(splits, _dtypes.int64))


def segment_ids_to_row_splits(segment_ids: Any, num_segments: Any = None, out_type: Any = None,
                              name: str | None = None) -> Tensor:
    ids_t = _partition_tensor(segment_ids)
    if ids_t.shape.rank != 1:
        raise ValueError(f"Shape {ids_t.shape} must have rank 1")
    if out_type is None:
        out_type = ids_t.dtype if ids_t.dtype in (_dtypes.int32, _dtypes.int64) else _dtypes.int64
    if _symbolic(ids_t, num_segments):
        n_t = constant(np.asarray(-1, np.int64)) if num_segments is None else convert_to_tensor(num_segments, _dtypes.int64)
        splits = execute(_kernels.ROWIDS_TO_SPLITS, (math_ops.cast(ids_t, _dtypes.int64), n_t))
        return math_ops.cast(splits, out_type)
    ids = _host(ids_t).astype(np.int64)
    n = int(_host(convert_to_tensor(num_segments))) if num_segments is not None else (int(ids.max()) + 1 if ids.size else 0)
    counts = np.bincount(ids, minlength=n)[:n] if ids.size else np.zeros(n, np.int64)
    return constant(np.concatenate([[0], np.cumsum(counts)]).astype(_dtypes.as_dtype(out_type).as_numpy_dtype))


def row_splits_to_segment_ids(splits: Any, name: str | None = None, out_type: Any = None) -> Tensor:
    s_t = _partition_tensor(splits)
    if s_t.shape.rank != 1:
        raise ValueError(f"Shape {s_t.shape} must have rank 1")
    if out_type is None:
        out_type = s_t.dtype if s_t.dtype in (_dtypes.int32, _dtypes.int64) else _dtypes.int64
    if _symbolic(s_t):
        return math_ops.cast(execute(_kernels.VALUE_ROWIDS, (s_t,)), out_type)
    s = _host(s_t).astype(np.int64)
    ids = np.repeat(np.arange(max(s.shape[0] - 1, 0)), np.diff(s))
    return constant(ids.astype(_dtypes.as_dtype(out_type).as_numpy_dtype))


# --- Python operators on RaggedTensor -----------------------------------------------------------
def _binary_operator(fn: Callable[..., Any], reflected: bool = False) -> Callable[..., Any]:
    if reflected:
        return lambda x, y: fn(y, x)
    return lambda x, y: fn(x, y)


def _install_operators() -> None:
    cls = RaggedTensor
    for name, fn in (("add", math_ops.add), ("sub", math_ops.subtract), ("mul", math_ops.multiply),
                     ("truediv", math_ops.truediv), ("floordiv", math_ops.floordiv), ("mod", math_ops.floormod),
                     ("pow", math_ops.pow), ("and", math_ops.logical_and), ("or", math_ops.logical_or),
                     ("xor", math_ops.logical_xor)):
        setattr(cls, f"__{name}__", _binary_operator(fn))
        setattr(cls, f"__r{name}__", _binary_operator(fn, reflected=True))
    cls.__eq__ = _binary_operator(math_ops.equal)
    cls.__ne__ = _binary_operator(math_ops.not_equal)
    cls.__hash__ = None  # TF's RaggedTensor is unhashable (it defines ==)
    cls.__lt__ = _binary_operator(math_ops.less)
    cls.__le__ = _binary_operator(math_ops.less_equal)
    cls.__gt__ = _binary_operator(math_ops.greater)
    cls.__ge__ = _binary_operator(math_ops.greater_equal)
    cls.__neg__ = lambda x: math_ops.negative(x)
    cls.__abs__ = lambda x: math_ops.abs(x)
    cls.__invert__ = lambda x: math_ops.logical_not(x)


def _flat_api(fn: Callable[..., Any]) -> Callable[..., Any]:
    """An op on a RaggedTensor as the same op on its flat values (ones_like, identity, ...)."""
    def handler(rt: Any, *args: Any, **kwargs: Any) -> Any:
        return rt.with_flat_values(fn(rt.flat_values, *args, **kwargs))

    return handler


def _size(rt: RaggedTensor, out_type: Any = _dtypes.int32, name: str | None = None) -> Tensor:
    return math_ops.cast(array_ops.size(rt.flat_values, out_type=_dtypes.int64), out_type)


def _shape(rt: RaggedTensor, out_type: Any = None, name: str | None = None) -> Any:
    from eagerflow._src.ragged.dynamic_ragged_shape import DynamicRaggedShape

    return DynamicRaggedShape(rt, out_type)


def _rank(rt: RaggedTensor, name: str | None = None) -> Tensor:
    return constant(np.int32(rt.shape.rank))


def _expand_dims(rt: RaggedTensor, axis: int, name: str | None = None) -> Any:
    return _expand(rt, axis % (rt.shape.rank + 1))


def _gather_by_ragged(params: Any, indices: RaggedTensor, axis: int) -> Any:
    """tf.gather of dense `params` at ragged `indices` (TF's ragged dispatch): the indices' ragged
    structure replaces `params`' axis; on axis k > 0 each leading index gives one such result,
    stacked into uniform outer dims (eagerly; traced only on axis 0)."""
    from eagerflow._src.ops.gather_scatter_ops import gather

    params = convert_to_tensor(params)
    rank = params.shape.rank
    if axis < 0 and rank is not None:
        axis += rank
    if axis == 0:
        return indices.with_flat_values(gather(params, indices.flat_values))
    if _symbolic(params, indices.flat_values):
        raise NotImplementedError("tf.gather of dense params at ragged indices in a graph supports axis 0 here")
    return stack([_gather_by_ragged(params[i], indices, axis - 1) for i in range(int(params.shape[0]))])


def _gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None, batch_dims: int = 0,
            name: str | None = None) -> Any:
    if isinstance(indices, RaggedTensor) and not isinstance(params, RaggedTensor) and not batch_dims:
        return _gather_by_ragged(params, indices, 0 if axis is None else int(axis))
    if not isinstance(params, RaggedTensor) or isinstance(indices, RaggedTensor) or axis not in (None, 0) \
            or batch_dims:
        raise NotImplementedError("tf.gather of a RaggedTensor supports dense indices on axis 0 here")
    idx_t = convert_to_tensor(indices)
    if _symbolic(idx_t, params.row_splits):
        if idx_t.shape.rank != 1:
            raise NotImplementedError("tf.gather of a RaggedTensor in a graph supports 1-D indices here")
        return gather_rows(params, math_ops.cast(idx_t, _dtypes.int64))
    idx = _host(idx_t).astype(np.int64)
    n = params.nrows_int()
    bad = np.nonzero((idx < 0) | (idx >= n))[0] if idx.ndim else np.nonzero([not 0 <= int(idx) < n])[0]
    if bad.size:
        raise errors.InvalidArgumentError(None, None, f"indices[{int(bad[0])}] = {int(idx.ravel()[bad[0]])} is not "
                                          f"in [0, {n})")
    if idx.ndim == 0:
        return params[int(idx)]
    rows = gather_rows(params, idx.ravel())
    for d in reversed(idx.shape[1:]):
        rows = RaggedTensor._from_splits(rows, _splits_tensor(np.arange(rows.nrows_int() // d + 1) * d,
                                                              params.row_splits_dtype))
    return rows


def _where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Any:
    if x is None and y is None:
        raise NotImplementedError("tf.where(ragged_condition) with one argument is not supported here")
    return elementwise(lambda c, a, b: array_ops.where(c, a, b), (condition, x, y))


def _softmax(rt: RaggedTensor, axis: Any = None, name: str | None = None) -> RaggedTensor:
    """Softmax over the last axis: within each innermost ragged row (or the uniform last dim)."""
    from eagerflow._src.ops import nn_ops

    if axis not in (None, -1, rt.shape.rank - 1):
        raise NotImplementedError("softmax of a RaggedTensor runs over its last axis here")
    if rt.flat_values.shape.rank > 1:
        return rt.with_flat_values(nn_ops.softmax(rt.flat_values))
    inner = rt
    while isinstance(inner.values, RaggedTensor):
        inner = inner.values
    ids = inner.value_rowids()
    flat = inner.values
    peak = reduce("max", inner, 1, False)
    shifted = math_ops.exp(math_ops.subtract(flat, gather_scatter_ops.gather(peak, ids)))
    n = inner.nrows_int()
    totals = gather_scatter_ops.unsorted_segment_sum(shifted, ids, n) if n is not None else \
        reduce("sum", inner.with_flat_values(shifted), 1, False)
    return rt.with_flat_values(math_ops.truediv(shifted, gather_scatter_ops.gather(totals, ids)))


def _register_api() -> None:
    for name, fn in (("ones_like", array_ops.ones_like), ("zeros_like", array_ops.zeros_like),
                     ("identity", array_ops.identity), ("round", math_ops.round)):
        dispatch.API[(RaggedTensor, name)] = _flat_api(fn)
    dispatch.API[(RaggedTensor, "softmax")] = _softmax
    dispatch.API[(RaggedTensor, "size")] = _size
    dispatch.API[(RaggedTensor, "rank")] = _rank
    dispatch.API[(RaggedTensor, "shape")] = _shape
    dispatch.API[(RaggedTensor, "stack")] = lambda values, axis=0, name=None: stack(values, axis)
    dispatch.API[(RaggedTensor, "expand_dims")] = _expand_dims
    dispatch.API[(RaggedTensor, "gather")] = _gather
    dispatch.API[(RaggedTensor, "where")] = _where
    dispatch.API[(RaggedTensor, "clip_by_value")] = lambda t, lo, hi, name=None: elementwise(
        lambda a, b, c: math_ops.clip_by_value(a, b, c), (t, lo, hi))
    dispatch.API[(RaggedTensor, "add_n")] = lambda inputs, name=None: elementwise(
        lambda *flat: math_ops.add_n(list(flat)), tuple(inputs))


_install_operators()
_register_api()
dispatch.ELEMENTWISE[RaggedTensor] = elementwise
dispatch.REDUCE[RaggedTensor] = reduce
dispatch.CONCAT[RaggedTensor] = concat
