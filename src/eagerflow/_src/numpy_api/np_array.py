"""tf.experimental.numpy arrays: creation, shape manipulation, indexing and sorting over our ops.

Index arithmetic that only depends on static shapes (repeat counts, sort orders) is computed
with NumPy; the values themselves always move through eagerflow ops (gather, reshape,
concat...), so gradients reach them.
"""
from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.numpy_api.np_dtypes import (
    asarray, default_float_type, promote_args, to_np, to_tf,
)
from eagerflow._src.ops import array_ops, gather_scatter_ops, indexing_ops, join_split_ops, math_ops

# --- creation -------------------------------------------------------------------------------


def _dtype_or(dtype: Any, fallback: Any) -> _dtypes.DType:
    return to_tf(to_np(dtype)) if dtype is not None else to_tf(fallback)


def _shape(shape: Any) -> list:
    return [int(shape)] if isinstance(shape, (int, np.integer)) else [int(d) for d in shape]


def array(val: Any, dtype: Any = None, copy: bool = True, ndmin: int = 0) -> Tensor:
    """A tensor from `val` with NumPy's dtype inference (float64, int64 by default)."""
    result = asarray(val, dtype)
    if copy and result is val:
        result = array_ops.identity(result)
    while len(result.shape) < ndmin:
        result = array_ops.expand_dims(result, 0)
    return result


def asanyarray(a: Any, dtype: Any = None) -> Tensor:
    return asarray(a, dtype)


def ascontiguousarray(a: Any, dtype: Any = None) -> Tensor:
    return array(a, dtype, ndmin=1)


def copy(a: Any) -> Tensor:
    return array(a, copy=True)


def zeros(shape: Any, dtype: Any = float) -> Tensor:
    return array_ops.zeros(_shape(shape), _dtype_or(dtype, default_float_type()))


def ones(shape: Any, dtype: Any = float) -> Tensor:
    return array_ops.ones(_shape(shape), _dtype_or(dtype, default_float_type()))


def empty(shape: Any, dtype: Any = float) -> Tensor:
    return zeros(shape, dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    value = asarray(fill_value, dtype)
    return array_ops.broadcast_to(value, _shape(shape))


def zeros_like(a: Any, dtype: Any = None) -> Tensor:
    a = asarray(a)
    return array_ops.zeros_like(a, dtype=None if dtype is None else to_tf(to_np(dtype)))


def ones_like(a: Any, dtype: Any = None) -> Tensor:
    a = asarray(a)
    return array_ops.ones_like(a, dtype=None if dtype is None else to_tf(to_np(dtype)))


def empty_like(a: Any, dtype: Any = None) -> Tensor:
    return zeros_like(a, dtype)


def full_like(a: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    a = asarray(a)
    dtype = a.dtype if dtype is None else to_tf(to_np(dtype))
    return array_ops.broadcast_to(asarray(fill_value, dtype), array_ops.shape(a))


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
    if stop is None:
        start, stop = 0, start
    values = np.arange(start, stop, step, dtype=None if dtype is None else to_np(dtype))
    if dtype is None and values.dtype == np.float64:
        values = values.astype(default_float_type())
    return constant(values)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = float, axis: int = 0) -> Any:
    start_t, stop_t = promote_args(start, stop)
    wide = start_t.dtype if start_t.dtype.is_floating else to_tf(default_float_type())
    start_t, stop_t = math_ops.cast(start_t, wide), math_ops.cast(stop_t, wide)
    divisor = num - 1 if endpoint else num
    step = math_ops.truediv(math_ops.subtract(stop_t, start_t), float(builtins.max(divisor, 1)))
    index = math_ops.cast(constant(np.arange(num)), wide)
    shape = [1] * len(start_t.shape)
    index = array_ops.reshape(index, [num] + shape) if shape else index
    result = math_ops.add(math_ops.multiply(index, step), start_t)
    if endpoint and num > 1:
        result = join_split_ops.concat([result[:-1], array_ops.expand_dims(stop_t, 0)], 0)
    if axis != 0:
        result = moveaxis(result, 0, axis)
    result = math_ops.cast(result, _dtype_or(dtype, default_float_type()))
    return (result, step) if retstep else result


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: float = 10.0,
             dtype: Any = None, axis: int = 0) -> Tensor:
    exponents = linspace(start, stop, num, endpoint, axis=axis)
    result = math_ops.pow(math_ops.cast(constant(base), exponents.dtype) + array_ops.zeros_like(exponents),
                          exponents)
    return result if dtype is None else math_ops.cast(result, to_tf(to_np(dtype)))


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Tensor:
    start_t, stop_t = (math_ops.cast(t, to_tf(default_float_type())) for t in promote_args(start, stop))
    logs = linspace(math_ops.log(start_t), math_ops.log(stop_t), num, endpoint, axis=axis)
    result = math_ops.exp(logs)
    return result if dtype is None else math_ops.cast(result, to_tf(to_np(dtype)))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = float) -> Tensor:  # noqa: N803
    return constant(np.eye(N, M, k, dtype=to_np(dtype) if dtype is not float else default_float_type()))


def identity(n: int, dtype: Any = float) -> Tensor:
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803
    return constant(np.tri(N, M, k, dtype=default_float_type() if dtype is None else to_np(dtype)))


def _triangle_mask(x: Tensor, k: int, lower: bool) -> Tensor:
    rows, cols = x.shape[-2], x.shape[-1]
    mask = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1, dtype=bool)
    return array_ops.where(constant(mask), x, array_ops.zeros_like(x))


def tril(m: Any, k: int = 0) -> Tensor:
    return _triangle_mask(asarray(m), k, True)


def triu(m: Any, k: int = 0) -> Tensor:
    return _triangle_mask(asarray(m), k, False)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    x = asarray(x)
    n = x.shape[0] if N is None else N
    powers = constant(np.arange(n) if increasing else np.arange(n)[::-1])
    return math_ops.pow(array_ops.expand_dims(x, 1), math_ops.cast(powers, x.dtype))


def diag(v: Any, k: int = 0) -> Tensor:
    v = asarray(v)
    if len(v.shape) == 1:
        n = v.shape[0] + builtins.abs(k)
        rows = np.arange(v.shape[0]) + builtins.max(-k, 0)
        cols = np.arange(v.shape[0]) + builtins.max(k, 0)
        return gather_scatter_ops.scatter_nd(constant(np.stack([rows, cols], 1)), v, [n, n])
    return diagonal(v, k)


def diagflat(v: Any, k: int = 0) -> Tensor:
    return diag(ravel(v), k)


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    a = moveaxis(asarray(a), [axis1, axis2], [-2, -1])
    rows, cols = a.shape[-2], a.shape[-1]
    r = np.arange(builtins.max(0, -offset), rows)
    c = r + offset
    keep = (c >= 0) & (c < cols)
    r, c = r[keep], c[keep]
    flat = array_ops.reshape(a, [-1, rows * cols])
    picked = gather_scatter_ops.gather(flat, constant(r * cols + c), axis=1)
    return array_ops.reshape(picked, a.shape.as_list()[:-2] + [len(r)])


def diag_indices(n: int, ndim: int = 2) -> tuple:
    index = constant(np.arange(n, dtype=np.int32))  # TF's tnp: int32
    return (index,) * ndim


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None) -> Tensor:
    from eagerflow._src.numpy_api.np_math import sum as _sum

    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def meshgrid(*xi: Any, **kwargs: Any) -> list:
    indexing = kwargs.get("indexing", "xy")
    arrays = [ravel(x) for x in xi]
    shape = [int(a.shape[0]) for a in arrays]
    if indexing == "xy" and len(arrays) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, a in enumerate(arrays):
        axis = i
        if indexing == "xy" and len(arrays) > 1 and i < 2:
            axis = 1 - i
        view = [1] * len(arrays)
        view[axis] = -1
        out.append(array_ops.broadcast_to(array_ops.reshape(a, view), shape))
    return out


def ix_(*args: Any) -> tuple:
    n = len(args)
    result = []
    for i, a in enumerate(args):
        a = asarray(a)
        if a.dtype == _dtypes.bool:
            a = constant(np.nonzero(a.numpy())[0])
        shape = [1] * n
        shape[i] = -1
        result.append(array_ops.reshape(a, shape))
    return tuple(result)


# --- shape ----------------------------------------------------------------------------------


def shape(a: Any) -> Any:
    return asarray(a).shape


def ndim(a: Any) -> int:
    return len(asarray(a).shape)


def size(x: Any, axis: Any = None) -> Any:
    s = asarray(x).shape.as_list()
    return np.int64(np.prod(s)) if axis is None else s[axis]


def isscalar(num: Any) -> bool:
    return ndim(num) == 0


def reshape(a: Any, newshape: Any, order: str = "C") -> Tensor:
    if order != "C":
        raise ValueError("Unsupported order argument {}".format(order))
    return array_ops.reshape(asarray(a), _shape(newshape))


def ravel(a: Any) -> Tensor:
    return array_ops.reshape(asarray(a), [-1])


def flatten(a: Any, order: str = "C") -> Tensor:
    return ravel(a)


def transpose(a: Any, axes: Any = None) -> Tensor:
    a = asarray(a)
    return array_ops.transpose(a, None if axes is None else list(axes))


def _norm_axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis


def moveaxis(a: Any, source: Any, destination: Any) -> Tensor:
    a = asarray(a)
    rank = len(a.shape)
    sources = [_norm_axis(s, rank) for s in np.atleast_1d(source).tolist()]
    destinations = [_norm_axis(d, rank) for d in np.atleast_1d(destination).tolist()]
    order = [i for i in range(rank) if i not in sources]
    for dst, src in sorted(zip(destinations, sources)):
        order.insert(dst, src)
    return a if order == list(range(rank)) else array_ops.transpose(a, order)


def swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    a = asarray(a)
    order = list(range(len(a.shape)))
    i, j = _norm_axis(axis1, len(order)), _norm_axis(axis2, len(order))
    order[i], order[j] = order[j], order[i]
    return array_ops.transpose(a, order)


def squeeze(a: Any, axis: Any = None) -> Tensor:
    return array_ops.squeeze(asarray(a), axis)


def expand_dims(a: Any, axis: int) -> Tensor:
    return array_ops.expand_dims(asarray(a), axis)


def broadcast_to(array: Any, shape: Any) -> Tensor:
    return array_ops.broadcast_to(asarray(array), _shape(shape))


def broadcast_arrays(*args: Any, **kwargs: Any) -> list:
    tensors = [asarray(a) for a in args]
    target = np.broadcast_shapes(*[tuple(t.shape.as_list()) for t in tensors])
    return [array_ops.broadcast_to(t, list(target)) for t in tensors]


def atleast_1d(*arys: Any) -> Any:
    out = [reshape(a, [1]) if ndim(a) == 0 else asarray(a) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys: Any) -> Any:
    out = []
    for a in arys:
        a = asarray(a)
        out.append(array_ops.reshape(a, [1] * (2 - len(a.shape)) + a.shape.as_list())
                   if len(a.shape) < 2 else a)
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys: Any) -> Any:
    out = []
    for a in arys:
        a = asarray(a)
        dims = a.shape.as_list()
        if len(dims) == 0:
            a = array_ops.reshape(a, [1, 1, 1])
        elif len(dims) == 1:
            a = array_ops.reshape(a, [1, dims[0], 1])
        elif len(dims) == 2:
            a = array_ops.reshape(a, dims + [1])
        out.append(a)
    return out[0] if len(out) == 1 else out


def concatenate(arys: Sequence, axis: int = 0) -> Tensor:
    tensors = promote_args(*arys)
    if axis is None:
        tensors, axis = [ravel(t) for t in tensors], 0
    return join_split_ops.concat(tensors, axis)


def append(arr: Any, values: Any, axis: Any = None) -> Tensor:
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], 0)
    return concatenate([arr, values], axis)


def stack(arrays: Sequence, axis: int = 0) -> Tensor:
    return join_split_ops.stack(promote_args(*arrays), axis)


def hstack(tup: Sequence) -> Tensor:
    tensors = [atleast_1d(t) for t in tup]
    return concatenate(tensors, 0 if len(tensors[0].shape) == 1 else 1)


def vstack(tup: Sequence) -> Tensor:
    return concatenate([atleast_2d(t) for t in tup], 0)


def dstack(tup: Sequence) -> Tensor:
    return concatenate([atleast_3d(t) for t in tup], 2)


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    ary = asarray(ary)
    length = ary.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if length % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        bounds = list(range(0, length + 1, length // indices_or_sections))
    else:
        bounds = [0] + [builtins.min(int(i), length) for i in indices_or_sections] + [length]
    sizes = [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]
    return join_split_ops.split(ary, sizes, axis)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    return split(ary, indices_or_sections, 0 if ndim(ary) == 1 else 1)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    return split(ary, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    return split(ary, indices_or_sections, 2)


def flip(m: Any, axis: Any = None) -> Tensor:
    m = asarray(m)
    axes = list(range(len(m.shape))) if axis is None else [int(a) for a in np.atleast_1d(axis)]
    return array_ops.reverse(m, axes)


def fliplr(m: Any) -> Tensor:
    return flip(m, 1)


def flipud(m: Any) -> Tensor:
    return flip(m, 0)


def rot90(m: Any, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
    m = asarray(m)
    k %= 4
    a0, a1 = axes
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    if k == 1:
        return swapaxes(flip(m, a1), a0, a1)
    return flip(swapaxes(m, a0, a1), a1)


def roll(a: Any, shift: Any, axis: Any = None) -> Tensor:
    a = asarray(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape.as_list())
    shifts, axes = np.broadcast_arrays(np.atleast_1d(shift), np.atleast_1d(axis))
    for s, ax in zip(shifts.tolist(), axes.tolist()):
        n = a.shape[ax]
        if n == 0:
            continue
        s %= n
        if s:
            head, tail = join_split_ops.split(a, [n - s, s], ax)
            a = join_split_ops.concat([tail, head], ax)
    return a


def tile(a: Any, reps: Any) -> Tensor:
    a = asarray(a)
    reps = [int(r) for r in np.atleast_1d(reps)]
    rank = builtins.max(len(a.shape), len(reps))
    a = array_ops.reshape(a, [1] * (rank - len(a.shape)) + a.shape.as_list())
    return array_ops.tile(a, [1] * (rank - len(reps)) + reps)


def repeat(a: Any, repeats: Any, axis: Any = None) -> Tensor:
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    counts = np.broadcast_to(np.asarray(repeats.numpy() if isinstance(repeats, Tensor) else repeats),
                             (a.shape[axis],))
    index = np.repeat(np.arange(a.shape[axis]), counts)
    return gather_scatter_ops.gather(a, constant(index), axis=axis)


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    x = asarray(array)
    widths = np.broadcast_to(np.asarray(pad_width), (len(x.shape), 2)).tolist()
    modes = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}
    if mode not in modes:
        raise ValueError(f"Unsupported padding mode: {mode}")
    value = kwargs.get("constant_values", 0)
    return indexing_ops.pad(x, widths, modes[mode], constant_values=value)


# --- indexing -------------------------------------------------------------------------------


def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "clip") -> Tensor:
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    indices = asarray(indices)
    n = a.shape[axis]
    if mode == "clip":
        indices = math_ops.minimum(math_ops.maximum(indices, constant(0, indices.dtype)),
                                   constant(n - 1, indices.dtype))
    elif mode == "wrap":
        indices = math_ops.floormod(indices, constant(n, indices.dtype))
    return gather_scatter_ops.gather(a, indices, axis=axis)


def take_along_axis(arr: Any, indices: Any, axis: Any) -> Tensor:
    arr = asarray(arr)
    indices = asarray(indices)
    if axis is None:
        return take(arr, indices)
    rank = len(arr.shape)
    axis = _norm_axis(axis, rank)
    arr_last, idx_last = moveaxis(arr, axis, -1), moveaxis(indices, axis, -1)
    n = arr_last.shape[-1]
    out_shape = np.broadcast_shapes(tuple(arr_last.shape.as_list()[:-1]),
                                    tuple(idx_last.shape.as_list()[:-1]))
    arr_b = array_ops.broadcast_to(arr_last, list(out_shape) + [n])
    idx_b = array_ops.broadcast_to(idx_last, list(out_shape) + [idx_last.shape[-1]])
    rows = int(np.prod(out_shape))
    flat_index = math_ops.add(
        array_ops.reshape(math_ops.cast(idx_b, _dtypes.int64), [rows, -1]),
        constant((np.arange(rows, dtype=np.int64) * n)[:, None]))
    picked = gather_scatter_ops.gather(array_ops.reshape(arr_b, [-1]), flat_index)
    return moveaxis(array_ops.reshape(picked, list(out_shape) + [idx_last.shape[-1]]), -1, axis)


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    condition = math_ops.cast(asarray(condition), _dtypes.bool)
    if x is None and y is None:
        return nonzero(condition)
    if x is None or y is None:
        raise ValueError("Both x and y must be ndarrays, or both must be None.")
    a, b = promote_args(x, y)
    shape = np.broadcast_shapes(tuple(condition.shape.as_list()), tuple(a.shape.as_list()),
                                tuple(b.shape.as_list()))
    return array_ops.where(array_ops.broadcast_to(condition, list(shape)),
                           array_ops.broadcast_to(a, list(shape)), array_ops.broadcast_to(b, list(shape)))


def nonzero(a: Any) -> tuple:
    a = asarray(a)
    rank = len(a.shape)
    if rank == 0:  # NumPy treats a scalar as a 1-element vector here
        a, rank = array_ops.reshape(a, [1]), 1
    indices = array_ops.where(math_ops.cast(a, _dtypes.bool))  # TF's Where: [n, rank] int64
    return tuple(indices[:, i] for i in range(rank))


def compress(condition: Any, a: Any, axis: Any = None) -> Tensor:
    keep = nonzero(ravel(math_ops.cast(asarray(condition), _dtypes.bool)))[0]
    return take(a, keep, axis=axis)


def select(condlist: Sequence, choicelist: Sequence, default: Any = 0) -> Tensor:
    result = asarray(default)
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = where(condition, choice, result)
    return result


def diff(a: Any, n: int = 1, axis: int = -1) -> Tensor:
    a = asarray(a)
    for _ in range(n):
        length = a.shape[axis]
        head, _tail = join_split_ops.split(a, [length - 1, 1], axis)
        _first, tail = join_split_ops.split(a, [1, length - 1], axis)
        a = math_ops.logical_xor(tail, head) if a.dtype == _dtypes.bool else math_ops.subtract(tail, head)
    return a


# --- sorting --------------------------------------------------------------------------------


def argsort(a: Any, axis: int = -1, kind: str = "quicksort", order: Any = None) -> Tensor:
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), -1
    if not hasattr(a, "numpy"):  # traced in a tf.function: the sort op (eagerly NumPy's is stable)
        from eagerflow._src.ops import sort_ops

        return math_ops.cast(sort_ops.argsort(a, axis=axis, stable=True), _dtypes.int64)
    return constant(np.argsort(a.numpy(), axis=axis, kind="stable").astype(np.int64))


def sort(a: Any, axis: int = -1, kind: str = "quicksort", order: Any = None) -> Tensor:
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), -1
    return take_along_axis(a, argsort(a, axis), axis)

