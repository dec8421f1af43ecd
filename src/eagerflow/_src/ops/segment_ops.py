"""Segment reductions (`tf.math.segment_*`, `tf.math.unsorted_segment_*`).

Sorted segment ops take increasing ids and make `max(id) + 1` rows; unsorted ones take
`num_segments` and drop negative ids. Empty segments hold TF's identities: 0 for sum, mean and
the sorted max/min, 1 for prod, the dtype's lowest/highest value for the unsorted max/min.
`unsorted_segment_sum` lives with gather (it is gather's gradient).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, dynamic_shape_ops, math_ops
from eagerflow._src.ops.array_args import INT32_64, invalid, scalar_int, static_shape
from eagerflow._src.ops.dtype_sets import NUMBER, REAL
from eagerflow._src.ops.gather_scatter_ops import gather, trailing_ones as _trailing_ones, unsorted_segment_sum


def _limits(dtype: Any) -> tuple:
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
    elif dtype.kind == "V":  # ml_dtypes' bfloat16: its own finfo (already loaded: the data uses it)
        import ml_dtypes

        info = ml_dtypes.finfo(dtype)
    else:
        info = np.finfo(dtype)
    return info.min, info.max


_UFUNC = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _reduce(xp: Any, data: Any, ids: Any, n: int, kind: str, empty_identity: bool) -> Any:
    """Rows of `data` combined per id (ids < 0 dropped) into `n` rows."""
    ufunc = _UFUNC[kind]
    tail = data.shape[ids.ndim:]
    if kind == "sum":
        init = 0
    elif kind == "prod":
        init = 1
    else:
        lo, hi = _limits(data.dtype)
        init = lo if kind == "max" else hi
    out = xp.full((n,) + tail, init, dtype=data.dtype)
    keep = ids >= 0
    flat_ids = ids[keep]
    rows = data[keep]
    if xp is np and flat_ids.size:
        # Rows grouped by id (a stable sort), then one ufunc.reduceat per group: much faster than
        # ufunc.at's element-by-element scatter.
        order = np.argsort(flat_ids, kind="stable")
        sorted_ids = flat_ids[order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
        out[sorted_ids[starts]] = ufunc(out[sorted_ids[starts]], ufunc.reduceat(rows[order], starts, axis=0))
    elif xp is not np:  # CuPy: its scatter helpers
        getattr(xp, f"scatter_{'add' if kind == 'sum' else kind}")(out, flat_ids, rows)
    if not empty_identity and kind in ("max", "min"):
        counts = xp.bincount(flat_ids.ravel(), minlength=n)[:n]
        out[counts == 0] = 0  # TF's sorted max/min: an empty segment is 0
    return out


def _check_sorted_ids(xp: Any, data: Any, ids: Any) -> int:
    if ids.ndim != 1:
        raise invalid("segment_ids should be a vector.")
    if ids.shape[0] != data.shape[0]:
        raise invalid("segment_ids should be the same size as dimension 0 of input.")
    if ids.size == 0:
        return 0
    n = int(ids[-1]) + 1
    if ids.size > 1 and bool(xp.any(ids[1:] < ids[:-1])):
        raise invalid("segment ids are not increasing")
    if int(ids[0]) < 0:
        raise invalid(f"Segment id {int(ids[0])} out of range [0, {n}), possibly because 'segment_ids' "
                      "input is not sorted.")
    return n


def _sorted_kernel(kind: str) -> Any:
    def forward(xp: Any, data: Any, ids: Any) -> Any:
        n = _check_sorted_ids(xp, data, ids)
        return _reduce(xp, data, ids, n, kind, empty_identity=False)
    return forward


def _segment_mean(xp: Any, data: Any, ids: Any) -> Any:
    n = _check_sorted_ids(xp, data, ids)
    total = _reduce(xp, data, ids, n, "sum", True)
    counts = xp.bincount(ids, minlength=n).reshape((n,) + (1,) * (data.ndim - 1))
    counts = xp.maximum(counts, 1)
    if data.dtype.kind in "iu":  # C++ integer division: truncated toward zero
        q = xp.abs(total) // counts.astype(data.dtype)
        return xp.where(total < 0, -q, q).astype(data.dtype)
    return (total / counts.astype(data.dtype)).astype(data.dtype)


def _unsorted_kernel(kind: str) -> Any:
    def forward(xp: Any, data: Any, ids: Any, num_segments: int) -> Any:
        bad = ids >= num_segments
        if bool(xp.any(bad)):
            position = tuple(int(i) for i in np.unravel_index(int(xp.argmax(bad.ravel())), ids.shape))
            text = "[" + ",".join(str(i) for i in position) + "]"
            raise invalid(f"segment_ids{text} = {int(ids[position])} is out of range [0, {num_segments})")
        return _reduce(xp, data, ids, num_segments, kind, empty_identity=True)
    return forward


# --- gradients (TF's) -------------------------------------------------------------------------------
def _broadcast_to_data(t: Tensor, data: Tensor) -> Tensor:
    shape = data._array.shape
    if shape is None or None in shape or t._array.shape is None or None in t._array.shape:
        return execute(dynamic_shape_ops.BROADCAST_LIKE, (t, data))
    return array_ops.broadcast_to(t, shape)


def _segment_sum_grad(ctx: Any, dy: Tensor) -> tuple:
    return gather(dy, ctx.inputs[1]), None


def _segment_mean_grad(ctx: Any, dy: Tensor) -> tuple:
    data, ids = ctx.inputs
    counts = segment_sum(_trailing_ones(array_ops.ones_like(ids, dtype=dy.dtype), data, ids), ids)
    return gather(math_ops.divide(dy, counts), ids), None


def _min_max_grad(ctx: Any, dy: Tensor, ids: Tensor, num_segments: Any) -> tuple:
    # TF's _SegmentMinOrMaxGrad: the gradient is shared evenly among the tied extreme values.
    data, out = ctx.inputs[0], ctx.output
    safe_ids = math_ops.maximum(ids, 0) if num_segments is not None else ids
    gathered_out = gather(out, safe_ids)
    is_selected = math_ops.equal(data, gathered_out)
    if num_segments is not None:
        valid = _trailing_ones(math_ops.greater_equal(ids, 0), data, ids)
        is_selected = math_ops.logical_and(is_selected, _broadcast_to_data(valid, data))
    selected = math_ops.cast(is_selected, dy.dtype)
    if num_segments is None:
        count = segment_sum(selected, ids)
    else:
        count = unsorted_segment_sum(selected, ids, num_segments)
    weighted = math_ops.divide(dy, count)
    grads = gather(weighted, safe_ids)
    zeros = array_ops.zeros_like(grads)
    return array_ops.where(is_selected, grads, zeros)


def _segment_min_max_grad(ctx: Any, dy: Tensor) -> tuple:
    return _min_max_grad(ctx, dy, ctx.inputs[1], None), None


def _unsorted_min_max_grad(ctx: Any, dy: Tensor) -> tuple:
    return _min_max_grad(ctx, dy, ctx.inputs[1], ctx.attrs["num_segments"]), None


def _prod_grad(ctx: Any, dy: Tensor, num_segments: Any) -> Tensor:
    # TF's _SegmentProdGrad / _UnsortedSegmentProdGrad: products of the other rows, with zeros
    # handled by counting them (one zero: its row gets the product of the rest; more: 0).
    data, ids = ctx.inputs
    is_zero = math_ops.equal(data, conversion.like(0, data))
    zeros_int = math_ops.cast(is_zero, _dtypes.int32)
    if num_segments is None:
        num_zeros = segment_sum(zeros_int, ids)
        non_zero = math_ops.select(is_zero, array_ops.ones_like(data), data)
        non_zero_prod = segment_prod(non_zero, ids)
        safe_ids = ids
    else:
        num_zeros = unsorted_segment_sum(zeros_int, ids, num_segments)
        non_zero = math_ops.select(is_zero, array_ops.ones_like(data), data)
        non_zero_prod = unsorted_segment_prod(non_zero, ids, num_segments)
        safe_ids = math_ops.maximum(ids, 0)
    gathered_prod = gather(ctx.output, safe_ids)
    gathered_non_zero_prod = gather(non_zero_prod, safe_ids)
    gathered_num_zeros = gather(num_zeros, safe_ids)
    prod_without_self = math_ops.select(is_zero, gathered_non_zero_prod,
                                        math_ops.divide_no_nan(gathered_prod, data))
    prod_without_self = math_ops.select(math_ops.greater(gathered_num_zeros, 1),
                                        array_ops.zeros_like(prod_without_self), prod_without_self)
    grad = math_ops.multiply(gather(dy, safe_ids), prod_without_self)
    if num_segments is not None:
        valid = _trailing_ones(math_ops.greater_equal(ids, 0), data, ids)
        grad = array_ops.where(_broadcast_to_data(valid, data), grad, array_ops.zeros_like(grad))
    return grad


SEGMENT_SUM = Op("SegmentSum", _sorted_kernel("sum"), grad=_segment_sum_grad, dtypes=NUMBER)
SEGMENT_PROD = Op("SegmentProd", _sorted_kernel("prod"), grad=lambda ctx, dy: (_prod_grad(ctx, dy, None), None),
                  dtypes=NUMBER)
SEGMENT_MAX = Op("SegmentMax", _sorted_kernel("max"), grad=_segment_min_max_grad, dtypes=REAL)
SEGMENT_MIN = Op("SegmentMin", _sorted_kernel("min"), grad=_segment_min_max_grad, dtypes=REAL)
SEGMENT_MEAN = Op("SegmentMean", _segment_mean, grad=_segment_mean_grad, dtypes=NUMBER)
UNSORTED_SEGMENT_MAX = Op("UnsortedSegmentMax", _unsorted_kernel("max"), grad=_unsorted_min_max_grad, dtypes=REAL)
UNSORTED_SEGMENT_MIN = Op("UnsortedSegmentMin", _unsorted_kernel("min"), grad=_unsorted_min_max_grad, dtypes=REAL)
UNSORTED_SEGMENT_PROD = Op("UnsortedSegmentProd", _unsorted_kernel("prod"),
                           grad=lambda ctx, dy: (_prod_grad(ctx, dy, ctx.attrs["num_segments"]), None),
                           dtypes=NUMBER)


# --- public functions ----------------------------------------------------------------------------
def _ids(op: Op, segment_ids: Any, fallback: bool) -> Tensor:
    (ids,) = conversion.typed_operands(op, "Tindices", [segment_ids], INT32_64, None, fallback)
    return ids


def _sorted(op: Op, data: Any, segment_ids: Any) -> Tensor:
    fallback = conversion.takes_fallback(data, segment_ids)
    return conversion.run(op, (conversion.tensor(data), _ids(op, segment_ids, fallback)), {}, fallback)


def _unsorted(op: Op, data: Any, segment_ids: Any, num_segments: Any) -> Tensor:
    fallback = conversion.takes_fallback(data, segment_ids, num_segments)
    (n,) = conversion.typed_operands(op, "Tnumsegments", [num_segments], INT32_64, _dtypes.int32, fallback)
    return conversion.run(op, (conversion.tensor(data), _ids(op, segment_ids, fallback)),
                          {"num_segments": scalar_int(n)}, fallback)


def segment_sum(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Sums of the rows of `data` per sorted segment id (`tf.math.segment_sum`)."""
    return _sorted(SEGMENT_SUM, data, segment_ids)


def segment_prod(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Products per sorted segment id; empty segments are 1 (`tf.math.segment_prod`)."""
    return _sorted(SEGMENT_PROD, data, segment_ids)


def segment_max(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Maxima per sorted segment id; empty segments are 0 (`tf.math.segment_max`)."""
    return _sorted(SEGMENT_MAX, data, segment_ids)


def segment_min(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Minima per sorted segment id; empty segments are 0 (`tf.math.segment_min`)."""
    return _sorted(SEGMENT_MIN, data, segment_ids)


def segment_mean(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """Means per sorted segment id; empty segments are 0 (`tf.math.segment_mean`)."""
    return _sorted(SEGMENT_MEAN, data, segment_ids)


def unsorted_segment_max(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Maxima per segment id; empty segments hold the dtype's lowest value (`tf.math.unsorted_segment_max`)."""
    return _unsorted(UNSORTED_SEGMENT_MAX, data, segment_ids, num_segments)


def unsorted_segment_min(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Minima per segment id; empty segments hold the dtype's highest value (`tf.math.unsorted_segment_min`)."""
    return _unsorted(UNSORTED_SEGMENT_MIN, data, segment_ids, num_segments)


def unsorted_segment_prod(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Products per segment id; empty segments are 1 (`tf.math.unsorted_segment_prod`)."""
    return _unsorted(UNSORTED_SEGMENT_PROD, data, segment_ids, num_segments)


def _segment_counts(data: Tensor, segment_ids: Any, num_segments: Any) -> Tensor:
    """max(count, 1) per segment, shaped to broadcast against the summed rows (TF's _unsorted_segment_N)."""
    ids = conversion.tensor(segment_ids)
    counts = unsorted_segment_sum(array_ops.ones_like(ids, dtype=data.dtype), ids, num_segments)
    counts = _trailing_ones(counts, data, ids)
    return math_ops.maximum(counts, conversion.like(1, counts))


def unsorted_segment_mean(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Means per segment id (sum / count, integers divided as `truediv`) (`tf.math.unsorted_segment_mean`)."""
    data = conversion.tensor(data)
    total = unsorted_segment_sum(data, segment_ids, num_segments)
    return math_ops.truediv(total, _segment_counts(data, segment_ids, num_segments))


def unsorted_segment_sqrt_n(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Sums per segment id divided by sqrt(count) (`tf.math.unsorted_segment_sqrt_n`)."""
    data = conversion.tensor(data)
    total = unsorted_segment_sum(data, segment_ids, num_segments)
    return math_ops.truediv(total, math_ops.sqrt(_segment_counts(data, segment_ids, num_segments)))
