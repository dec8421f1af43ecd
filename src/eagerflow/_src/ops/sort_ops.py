"""Sorting and selection: `tf.math.top_k`, `tf.math.in_top_k`, `tf.sort`, `tf.argsort`,
`tf.searchsorted`, `tf.math.approx_max_k`/`approx_min_k`, `tf.unique(_with_counts)`.

Orders are TF's: top_k breaks ties by the lower index; `sort` and `argsort` are built on
top_k along the last axis (so their gradient is top_k's), as TF builds them.
"""
from __future__ import annotations

import collections
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.array_args import INT32_64, invalid, scalar_int, static_shape
from eagerflow._src.ops.dtype_sets import REAL

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])
ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _descending_order(xp: Any, x: Any) -> Any:
    """Indices sorting the last axis in decreasing order, ties by the lower index (stable)."""
    n = x.shape[-1]
    flipped = xp.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    return (n - 1) - flipped


def _top_k(xp: Any, x: Any, k: int, sorted: bool = True, index_type: Any = np.int32) -> list:
    if x.ndim < 1:
        raise invalid(f"input must be >= 1-D, got shape [{','.join(str(d) for d in x.shape)}]")
    if k is None:  # every column (sort of a traced tensor whose last size is known at run time)
        k = x.shape[-1]
    if k < 0:
        raise invalid(f"Need k >= 0, got {k}")
    if x.shape[-1] < k:
        raise invalid(f"input must have at least k columns. Had {x.shape[-1]}, needed {k}")
    if x.dtype.kind == "f" or x.dtype.kind == "V":
        # NaN ranks highest, as in TF's top_k for k < n (its k == n sort path orders NaN otherwise).
        keys = x.astype(np.float64) if x.dtype.kind == "V" else x
        keys = xp.where(xp.isnan(keys), xp.inf, keys)
    else:
        keys = x
    n = x.shape[-1]
    if 0 < k and 4 * k < n:
        indices = _largest_k(xp, keys, k)
    else:
        indices = _descending_order(xp, keys)[..., :k]
    return [xp.take_along_axis(x, indices, axis=-1), indices.astype(index_type)]


def _largest_k(xp: Any, keys: Any, k: int) -> Any:
    """Indices of the `k` largest keys of the last axis in decreasing order, ties by lower index:
    a partition (linear time) picks them, then only those `k` are sorted."""
    n = keys.shape[-1]
    kth = xp.partition(keys, n - k, axis=-1)[..., n - k:n - k + 1]  # the k-th largest value
    greater = keys > kth
    equal = keys == kth
    room = k - xp.sum(greater, axis=-1, keepdims=True)  # how many ties at the boundary to keep
    take = greater | (equal & (xp.cumsum(equal, axis=-1) <= room))  # the lowest-index ties
    chosen = xp.nonzero(take.reshape(-1, n))[1].reshape(keys.shape[:-1] + (k,))  # ascending index
    values = xp.take_along_axis(keys, chosen, axis=-1)
    order = _descending_order(xp, values)  # stable: equal values keep index order
    return xp.take_along_axis(chosen, order, axis=-1)


def _top_k_grad(ctx: Any, dys: list) -> tuple:
    # TF's _TopKGrad: dy scattered back to the selected positions of the last axis.
    x = ctx.inputs[0]
    indices = ctx.output[1]
    shape = static_shape(x)
    if shape is None or None in shape or None in static_shape(indices):  # dims known only at run time
        return (execute(TOP_K_GRAD_LIKE, (dys[0], x, indices)), None)
    n = shape[-1] if shape else 1
    k = static_shape(indices)[-1] if static_shape(indices) else 1
    rows = int(np.prod(shape[:-1], dtype=np.int64))
    flat_idx = math_ops.add(math_ops.cast(array_ops.reshape(indices, (rows, k)), _dtypes.int64),
                            array_ops.reshape(array_ops.range(0, rows * n, n, dtype=_dtypes.int64), (rows, 1)))
    from eagerflow._src.ops.gather_scatter_ops import scatter_nd  # a sibling family

    flat = scatter_nd(array_ops.reshape(flat_idx, (-1, 1)), array_ops.reshape(dys[0], (-1,)),
                      np.asarray([rows * n], np.int64))
    return (array_ops.reshape(flat, shape), None)


TOP_K = Op("TopKV2", _top_k, grad=_top_k_grad, dtypes=REAL, num_outputs=2)


def _top_k_grad_like(xp: Any, dy: Any, x: Any, indices: Any) -> Any:
    out = xp.zeros(x.shape, dtype=dy.dtype)
    if out.ndim == 0:
        return dy.reshape(()).copy()
    xp.put_along_axis(out, indices.astype(np.int64), dy, axis=-1)
    return out


def _take_along_last(xp: Any, g: Any, indices: Any) -> Any:
    return g.copy() if g.ndim == 0 else xp.take_along_axis(g, indices.astype(np.int64), axis=-1)


# top_k's gradient over dims known only when the graph runs: dy put at the chosen positions of
# zeros like x; its gradient takes those positions back (and that one's, puts them again).
TOP_K_GRAD_LIKE = Op("TopKGradDynamic", _top_k_grad_like,
                     shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, inputs[1]._array.shape)],
                     grad=lambda ctx, g: (execute(TAKE_ALONG_LAST, (g, ctx.inputs[2])), None, None))
TAKE_ALONG_LAST = Op("TakeAlongLastAxis", _take_along_last,
                     shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, inputs[1]._array.shape)],
                     grad=lambda ctx, g: (execute(TOP_K_GRAD_LIKE, (g, ctx.inputs[0], ctx.inputs[1])), None))


def top_k(input: Any, k: int = 1, sorted: bool = True, index_type: Any = _dtypes.int32,  # noqa: A002
          name: str | None = None) -> TopKV2:
    """The `k` largest entries of the last axis and their indices (`tf.math.top_k`)."""
    fallback = conversion.takes_fallback(input, k)
    x = conversion.tensor(input)
    index_type = _dtypes.as_dtype(index_type)
    values, indices = conversion.run(TOP_K, (x,), {"k": scalar_int(k), "sorted": bool(sorted),
                                                   "index_type": index_type.as_numpy_dtype}, fallback)
    return TopKV2(values, indices)


def _in_top_k(xp: Any, predictions: Any, targets: Any, k: int) -> Any:
    rows = xp.arange(predictions.shape[0])
    valid = (targets >= 0) & (targets < predictions.shape[1])
    safe = xp.where(valid, targets, 0)
    target_values = predictions[rows, safe]
    finite = xp.isfinite(target_values)
    # A target ties with the boundary class counts as in: count only strictly larger entries.
    larger = xp.sum(predictions > target_values[:, None], axis=1)
    return valid & finite & (larger < k)


IN_TOP_K = Op("InTopKV2", _in_top_k)


def in_top_k(targets: Any, predictions: Any, k: Any, name: str | None = None) -> Tensor:
    """Whether each target class is among the row's `k` largest predictions (`tf.math.in_top_k`)."""
    p = conversion.tensor(predictions)
    t = conversion.tensor(targets)
    return conversion.run(IN_TOP_K, (p, t), {"k": scalar_int(k)}, False)


def _check_direction(direction: str) -> None:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError("Argument `direction` should be one of ASCENDING, DESCENDING. "
                         f"Received: direction={direction}")


def _to_last(values: Tensor, axis: int) -> tuple[Tensor, list | None]:
    rank = len(static_shape(values))
    axis = axis + rank if axis < 0 else axis
    if axis == rank - 1:
        return values, None
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return array_ops.transpose(values, perm), perm


def _top_all(values: Tensor, k: Any = None) -> TopKV2:
    """top_k over every column of the last axis (k an attr of None: the size found at run time)."""
    return TopKV2(*execute(TOP_K, (values,), {"k": None, "sorted": True, "index_type": np.int32}))


def _sorted_last(values: Tensor, direction: str) -> TopKV2:
    n = static_shape(values)[-1]
    # (n None: traced, every column however many there are when the graph runs)
    pick = top_k if n is not None else _top_all
    if direction == "DESCENDING":
        return pick(values, n)
    if values.dtype.is_unsigned:
        flipped = math_ops.subtract(conversion.like(int(values.dtype.max), values), values)
        got = pick(flipped, n)
        return TopKV2(math_ops.subtract(conversion.like(int(values.dtype.max), values), got.values), got.indices)
    got = pick(math_ops.negative(values), n)
    return TopKV2(math_ops.negative(got.values), got.indices)


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name: str | None = None) -> Tensor:
    """`values` sorted along `axis` (`tf.sort`)."""
    _check_direction(direction)
    values = conversion.tensor(values)
    moved, perm = _to_last(values, scalar_int(axis))
    out = _sorted_last(moved, direction).values
    return out if perm is None else array_ops.transpose(out, perm)


def argsort(values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name: str | None = None) -> Tensor:
    """Indices that sort `values` along `axis`, ties in index order (`tf.argsort`)."""
    _check_direction(direction)
    values = conversion.tensor(values)
    moved, perm = _to_last(values, scalar_int(axis))
    out = _sorted_last(moved, direction).indices
    return out if perm is None else array_ops.transpose(out, perm)


def _approx(operand: Any, k: int, reduction_dimension: int, largest: bool) -> ApproxTopK:
    # TF's approximate kernels are exact on CPU; so are these.
    x = conversion.tensor(operand)
    moved, perm = _to_last(x, reduction_dimension)
    if largest:
        got = top_k(moved, k)
    else:
        neg = top_k(math_ops.negative(moved), k)
        got = TopKV2(math_ops.negative(neg.values), neg.indices)
    if perm is None:
        return ApproxTopK(got.values, got.indices)
    return ApproxTopK(array_ops.transpose(got.values, perm), array_ops.transpose(got.indices, perm))


def approx_max_k(operand: Any, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name: str | None = None) -> ApproxTopK:
    """The `k` largest values along `reduction_dimension` and their indices (`tf.math.approx_max_k`)."""
    return _approx(operand, k, reduction_dimension, True)


def approx_min_k(operand: Any, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name: str | None = None) -> ApproxTopK:
    """The `k` smallest values along `reduction_dimension` and their indices (`tf.math.approx_min_k`)."""
    return _approx(operand, k, reduction_dimension, False)


# --- searchsorted ----------------------------------------------------------------------------------
def _bound(side: str) -> Any:
    def forward(xp: Any, sorted_inputs: Any, values: Any, out_type: Any = np.int32) -> Any:
        if sorted_inputs.shape[0] != values.shape[0]:
            raise invalid("Leading dim_size of both tensors must match.")
        out = xp.empty(values.shape, dtype=out_type)
        for row in range(values.shape[0]):
            out[row] = xp.searchsorted(sorted_inputs[row], values[row], side=side)
        return out
    return forward


LOWER_BOUND = Op("LowerBound", _bound("left"))
UPPER_BOUND = Op("UpperBound", _bound("right"))


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left", out_type: Any = _dtypes.int32,
                 name: str | None = None) -> Tensor:
    """Insertion points of `values` in each row of `sorted_sequence` (`tf.searchsorted`)."""
    if side not in ("left", "right"):
        raise ValueError(f"Argument `side` must be either 'right' or 'left'. Received: `side` = {side}.")
    seq = conversion.tensor(sorted_sequence)
    vals = conversion.like(values, seq)
    seq_shape, val_shape = static_shape(seq), static_shape(vals)
    seq2 = array_ops.reshape(seq, (-1, seq_shape[-1])) if len(seq_shape) != 2 else seq
    val2 = array_ops.reshape(vals, (-1, val_shape[-1])) if len(val_shape) != 2 else vals
    op = LOWER_BOUND if side == "left" else UPPER_BOUND
    out = conversion.run(op, (seq2, val2), {"out_type": _dtypes.as_dtype(out_type).as_numpy_dtype}, False)
    return array_ops.reshape(out, val_shape) if len(val_shape) != 2 else out


# --- unique --------------------------------------------------------------------------------------
def _unique(xp: Any, x: Any, out_idx: Any = np.int32, counts: bool = False) -> list:
    if x.ndim != 1:
        raise invalid("unique expects a 1D vector.")
    # np.unique sorts: order the unique values by first appearance, as TF does.
    y_sorted, first, inverse, count = np.unique(np.asarray(x) if xp is np else x.get(), return_index=True,
                                                return_inverse=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    y = xp.asarray(y_sorted[order]).astype(x.dtype)
    idx = xp.asarray(rank[inverse.ravel()]).astype(out_idx)
    if counts:
        return [y, idx, xp.asarray(count[order]).astype(out_idx)]
    return [y, idx]


UNIQUE = Op("Unique", _unique, num_outputs=2)
UNIQUE_WITH_COUNTS = Op("UniqueWithCounts", lambda xp, x, out_idx=np.int32: _unique(xp, x, out_idx, True),
                        num_outputs=3)


def unique(x: Any, out_idx: Any = _dtypes.int32, name: str | None = None) -> Unique:
    """The distinct values of 1-D `x` in order of first appearance, and each element's index
    into them (`tf.unique`)."""
    t = conversion.tensor(x)
    dtype = _dtypes.as_dtype(out_idx)
    if dtype not in INT32_64:
        raise TypeError(f"Value passed to parameter 'out_idx' has DataType {dtype.name} not in list of "
                        "allowed values: int32, int64")
    y, idx = conversion.run(UNIQUE, (t,), {"out_idx": dtype.as_numpy_dtype}, False)
    return Unique(y, idx)


def unique_with_counts(x: Any, out_idx: Any = _dtypes.int32, name: str | None = None) -> UniqueWithCounts:
    """`unique` plus how often each distinct value occurs (`tf.unique_with_counts`)."""
    t = conversion.tensor(x)
    dtype = _dtypes.as_dtype(out_idx)
    y, idx, count = conversion.run(UNIQUE_WITH_COUNTS, (t,), {"out_idx": dtype.as_numpy_dtype}, False)
    return UniqueWithCounts(y, idx, count)


# --- order checks and permutations ---------------------------------------------------------------
def _is_ordered(x: Any, strict: bool) -> Tensor:
    x = conversion.tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_integer or x.dtype.is_complex):
        raise TypeError("Expected x to be numeric.")
    flat = array_ops.reshape(x, (-1,))
    n = static_shape(flat)[0]
    if n < 2:
        return conversion.tensor(True)
    from eagerflow._src.ops import indexing_ops, reduce_ops  # sibling families

    head = indexing_ops.slice(flat, [0], [n - 1])
    tail = indexing_ops.slice(flat, [1], [n - 1])
    compare = math_ops.less if strict else math_ops.less_equal
    return reduce_ops.reduce_all(compare(head, tail))


def is_non_decreasing(x: Any, name: str | None = None) -> Tensor:
    """Whether x[i] <= x[i + 1] throughout `x` flattened (`tf.math.is_non_decreasing`)."""
    return _is_ordered(x, False)


def is_strictly_increasing(x: Any, name: str | None = None) -> Tensor:
    """Whether x[i] < x[i + 1] throughout `x` flattened (`tf.math.is_strictly_increasing`)."""
    return _is_ordered(x, True)


def _invert_permutation(xp: Any, x: Any) -> Any:
    if x.ndim != 1:
        raise invalid("invert_permutation expects a 1D vector.")
    n = x.shape[0]
    out = xp.full(n, -1, dtype=x.dtype)
    for i, d in enumerate(x.tolist()):
        if not 0 <= d < n:
            raise invalid(f"{d} is not between 0 and {n}")
        if out[d] != -1:
            raise invalid(f"{d} is duplicated in the input.")
        out[d] = i
    return out


INVERT_PERMUTATION = Op("InvertPermutation", _invert_permutation, dtypes=INT32_64)


def invert_permutation(x: Any, name: str | None = None) -> Tensor:
    """The inverse permutation: y[x[i]] = i (`tf.math.invert_permutation`)."""
    fallback = conversion.takes_fallback(x)
    return conversion.run(INVERT_PERMUTATION, (conversion.tensor(x),), {}, fallback)


def approx_top_k(input: Any, k: int, reduction_dimension: int = -1, recall_target: float = 0.95,  # noqa: A002
                 is_max_k: bool = True, reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name: str | None = None) -> ApproxTopK:
    """The ApproxTopK op itself (`tf.approx_top_k`): exact here, the largest (`is_max_k`) or
    smallest `k` along `reduction_dimension` (TF's CPU kernels take only the largest)."""
    return _approx(input, k, reduction_dimension, bool(is_max_k))
