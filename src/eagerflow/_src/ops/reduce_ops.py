"""Reductions, arg-reductions and scans (`tf.math.reduce_*`, `argmax`, `cumsum`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import dynamic_shape_ops
from eagerflow._src.ops import array_ops, conversion, dispatch, math_ops
from eagerflow._src.ops.array_args import INT32_64, dims_text, int_tuple
from eagerflow._src.ops.dtype_sets import BOOL, FLOAT, NUMBER, REAL


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """`axis` (None, int or list) as sorted non-negative ints, with TF's errors."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int:
        axes = [axis]
    elif (type(axis) is tuple or type(axis) is list) and all(type(a) is int for a in axis):
        axes = axis  # the usual forms (gradients pass tuples): no NumPy round trip
    else:
        axes = [int(axis)] if np.ndim(axis) == 0 else [int(a) for a in np.asarray(axis).ravel()]
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction dimension ({a} for input with {ndim} dimension(s)")
        a = a % ndim
        if a in out:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction arguments: Axes contains duplicate dimension: {a}")
        out.append(a)
    return tuple(sorted(out))


_SHORT_ROW = 32
_MANY_VALUES = 512  # below this the transposed copy costs more than it saves
_UFUNCS = {"max": np.maximum, "min": np.minimum, "sum": np.add}


def along(xp: Any, name: str, x: Any, axis: int = -1, keepdims: bool = True) -> Any:
    """`xp.<name>(x, axis)` ("max", "min" or "sum") over one axis.

    NumPy reduces a short contiguous last axis about 10x slower than the same numbers laid out
    as columns (max over 256x10: 19 us against 2.6 us), so on NumPy rows of up to 32 values are
    reduced from a transposed copy: each step is then one vectorised pass over all rows (for
    arrays of at least 512 values; smaller ones go straight to NumPy).
    """
    ndim = x.ndim
    if xp is np and ndim >= 2 and (axis == -1 or axis == ndim - 1) and 0 < x.shape[-1] <= _SHORT_ROW \
            and x.size >= _MANY_VALUES:
        n = x.shape[-1]
        out = _UFUNCS[name].reduce(np.ascontiguousarray(x.reshape(-1, n).T), axis=0)
        return out.reshape(x.shape[:-1] + (1,) if keepdims else x.shape[:-1])
    return getattr(xp, name)(x, axis=axis, keepdims=keepdims)


def _reducer(fn: Any) -> Any:
    def forward(xp: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        axes = normalize_axes(axis, x.ndim)
        return fn(xp, x, axes, keepdims)

    return forward


def _sum(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    if xp is np:  # the ufunc directly: np.sum's Python wrapper costs as much as a small sum
        return np.asarray(np.add.reduce(x, axis=axes, dtype=x.dtype, keepdims=keepdims))
    return xp.asarray(xp.sum(x, axis=axes, keepdims=keepdims, dtype=x.dtype))


def _mean(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    count = 1
    for a in axes:
        count *= x.shape[a]
    if x.dtype.kind in "iu":
        total = xp.sum(x, axis=axes, keepdims=keepdims, dtype=np.int64 if x.dtype.kind == "i" else np.uint64)
        if count == 0:
            return xp.asarray(total).astype(x.dtype)
        if x.dtype.kind == "u":
            return xp.asarray(total // count).astype(x.dtype)
        # C++ integer division truncates toward zero.
        q = xp.abs(total) // count
        return xp.asarray(xp.where(total < 0, -q, q)).astype(x.dtype)
    acc = np.float32 if x.dtype.itemsize < 4 and x.dtype.kind == "f" else x.dtype
    if xp is np and count and x.dtype.kind == "f":
        # np.mean's arithmetic without its Python wrapper: the sum, then one division (np.mean
        # divides in float64 and rounds; one correctly rounded float division gives the same).
        total = np.add.reduce(x, axis=axes, dtype=acc, keepdims=keepdims)
        return np.asarray(np.true_divide(total, count, dtype=acc)).astype(x.dtype, copy=False)
    return xp.asarray(xp.mean(x, axis=axes, keepdims=keepdims, dtype=acc)).astype(x.dtype, copy=False)


def _extreme(fn_name: str, identity: str) -> Any:
    def reduce(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
        if x.size == 0:
            shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keepdims else \
                tuple(d for i, d in enumerate(x.shape) if i not in axes)
            if x.dtype.kind == "f" or x.dtype.kind == "V":
                fill = -np.inf if identity == "min" else np.inf
            else:
                info = np.iinfo(x.dtype) if x.dtype.kind in "iu" else None
                fill = (info.min if identity == "min" else info.max) if info else (identity != "min")
            return xp.full(shape, fill, dtype=x.dtype)
        if len(axes) == 1 and x.ndim >= 2:
            return along(xp, fn_name, x, axes[0], keepdims)
        return xp.asarray(getattr(xp, fn_name)(x, axis=axes, keepdims=keepdims))

    return reduce


def _prod(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    return xp.asarray(xp.prod(x, axis=axes, keepdims=keepdims, dtype=x.dtype))


def _any(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    return xp.asarray(xp.any(x, axis=axes, keepdims=keepdims))


def _all(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    return xp.asarray(xp.all(x, axis=axes, keepdims=keepdims))


def _logsumexp(xp: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
    if x.size == 0:
        return _sum(xp, x, axes, keepdims) - xp.asarray(np.inf, dtype=x.dtype)
    m = xp.max(x, axis=axes, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    out = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True)) + m
    if not keepdims:
        out = out.reshape(tuple(d for i, d in enumerate(x.shape) if i not in axes))
    return xp.asarray(out).astype(x.dtype, copy=False)


# --- gradients ------------------------------------------------------------------------------
def _kept_dims(dy: Tensor, x: Tensor, axes: tuple, keepdims: bool) -> Tensor:
    """`dy` reshaped to the reduction's keepdims shape, so it broadcasts against `x`."""
    if keepdims or not axes:
        return dy
    if dynamic_shape_ops.has_unknown(x._array.shape):  # a graph shape known at run time only
        return execute(dynamic_shape_ops.KEPT_DIMS, (dy, x), {"axes": tuple(axes)})
    shape = tuple(1 if i in axes else d for i, d in enumerate(x._array.shape))
    return array_ops.reshape(dy, shape)


def _axes(ctx: Any) -> tuple | None:
    ndim = ctx.inputs[0]._array.ndim
    if ndim is None:  # a graph input of unknown rank: None (all axes) or the axes as given,
        axis = ctx.attrs.get("axis")  # resolved against the rank when the graph runs
        return None if axis is None else tuple(int(a) for a in np.asarray(axis).ravel())
    return normalize_axes(ctx.attrs.get("axis"), ndim)


def _broadcast_like(dy: Tensor, x: Tensor) -> Tensor:
    """`dy` broadcast to `x`'s shape (BroadcastTo: its gradient sums back, for higher orders)."""
    shape = x._array.shape
    if dynamic_shape_ops.has_unknown(shape) or dynamic_shape_ops.has_unknown(dy._array.shape):
        return execute(dynamic_shape_ops.BROADCAST_LIKE, (dy, x))  # a graph shape known at run time
    if dy._array.shape == shape:
        return dy
    return execute(array_ops.BROADCAST_TO, (dy,), {"shape": shape})


def _sum_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    if dy._array.size == 1 and (x._array.ndim is None or dy._array.ndim <= x._array.ndim):
        return (_broadcast_like(dy, x),)  # one value (a full sum): no reshape needed first
    return (_broadcast_like(_kept_dims(dy, x, _axes(ctx), ctx.attrs.get("keepdims", False)), x),)


def _mean_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    axes = _axes(ctx)
    dx = _broadcast_like(_kept_dims(dy, x, axes, ctx.attrs.get("keepdims", False)), x)
    if dynamic_shape_ops.has_unknown(x._array.shape):  # a graph shape known at run time only
        count = math_ops.realdiv(math_ops.cast(array_ops.size(x), dx.dtype),
                                 math_ops.cast(array_ops.size(ctx.output), dx.dtype))
        return (math_ops.realdiv(dx, count),)
    count = 1
    for a in axes:
        count *= x._array.shape[a]
    return (math_ops.realdiv(dx, math_ops.cast(max(count, 1), dx.dtype)),)


def _extreme_grad(ctx: Any, dy: Tensor) -> tuple:
    """TF's _MinOrMaxGrad: the gradient is split equally among tied extremes."""
    x = ctx.inputs[0]
    axes = _axes(ctx)
    keepdims = ctx.attrs.get("keepdims", False)
    y = _kept_dims(ctx.output, x, axes, keepdims)
    dy = _kept_dims(dy, x, axes, keepdims)
    indicators = math_ops.cast(math_ops.equal(y, x), dy.dtype)
    num_selected = reduce_sum(indicators, axis=None if axes is None else list(axes), keepdims=True)
    return (math_ops.multiply(math_ops.realdiv(indicators, num_selected), dy),)


def _product_of_others(x: Tensor, axes: tuple) -> Tensor:
    """For each element, the product of the other elements of its reduction group.

    One axis is two exclusive cumprods; more axes peel one off at a time, so zeros in the
    input are handled exactly (unlike prod / x).
    """
    if not axes:
        return math_ops.ones_like_same(x)
    last = axes[-1]
    along = math_ops.multiply(cumprod(x, last, exclusive=True), cumprod(x, last, exclusive=True, reverse=True))
    if len(axes) == 1:
        return along
    rest = _product_of_others(reduce_prod(x, axis=last, keepdims=True), axes[:-1])
    return math_ops.multiply(along, rest)


def _prod_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    axes = _axes(ctx)
    dy = _kept_dims(dy, x, axes, ctx.attrs.get("keepdims", False))
    if axes is None:  # every axis of an input of unknown rank: the others' product over its elements
        flat = _product_of_others(array_ops.reshape(x, (-1,)), (0,))
        return (math_ops.multiply(dy, math_ops.conj(execute(dynamic_shape_ops.RESHAPE_LIKE, (flat, x)))),)
    return (math_ops.multiply(dy, math_ops.conj(_product_of_others(x, axes))),)


def _logsumexp_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    axes = _axes(ctx)
    keepdims = ctx.attrs.get("keepdims", False)
    out = _kept_dims(ctx.output, x, axes, keepdims)
    softmax = math_ops.exp(math_ops.subtract(x, out))
    return (math_ops.multiply(_kept_dims(dy, x, axes, keepdims), softmax),)


def _cumsum_grad(ctx: Any, dy: Tensor) -> tuple:
    attrs = ctx.attrs
    return (cumsum(dy, attrs.get("axis", 0), exclusive=attrs.get("exclusive", False),
                   reverse=not attrs.get("reverse", False)),)


def _cumprod_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's _CumprodGrad, including its division by x (zeros in x give 0 there).
    x = ctx.inputs[0]
    axis = ctx.attrs.get("axis", 0)
    exclusive = ctx.attrs.get("exclusive", False)
    reverse = ctx.attrs.get("reverse", False)
    prod = cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    out = cumsum(math_ops.multiply(prod, dy), axis, exclusive=exclusive, reverse=not reverse)
    return (math_ops.divide_no_nan(out, x),)


SUM = Op("Sum", _reducer(_sum), grad=_sum_grad, dtypes=NUMBER)
MEAN = Op("Mean", _reducer(_mean), grad=_mean_grad, dtypes=NUMBER)
MAX = Op("Max", _reducer(_extreme("max", "min")), grad=_extreme_grad, dtypes=REAL)
MIN = Op("Min", _reducer(_extreme("min", "max")), grad=_extreme_grad, dtypes=REAL)
PROD = Op("Prod", _reducer(_prod), grad=_prod_grad, dtypes=NUMBER)
ANY = Op("Any", _reducer(_any), dtypes=BOOL)
ALL = Op("All", _reducer(_all), dtypes=BOOL)
LOGSUMEXP = Op("ReduceLogSumExp", _reducer(_logsumexp), grad=_logsumexp_grad, dtypes=FLOAT)


def _arg(fn_name: str) -> Any:
    def forward(xp: Any, x: Any, axis: int = 0, output_type: Any = np.int64) -> Any:
        nd = x.ndim
        if not -nd <= axis < nd:
            raise errors.InvalidArgumentError(
                None, None, f"Expected dimension in the range [{-nd}, {nd}), but got {axis}")
        return xp.asarray(getattr(xp, fn_name)(x, axis=axis)).astype(output_type)

    return forward


ARG_MAX = Op("ArgMax", _arg("argmax"), dtypes=REAL + (_dtypes.bool,))
ARG_MIN = Op("ArgMin", _arg("argmin"), dtypes=REAL + (_dtypes.bool,))


def _cumsum(xp: Any, x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False) -> Any:
    nd = x.ndim
    if not -nd <= axis < nd:
        raise errors.InvalidArgumentError(None, None, f"ScanOp: Expected scan axis in the range [{-nd}, {nd}), but got {axis}")
    if reverse:
        x = xp.flip(x, axis)
    out = xp.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        out = xp.concatenate([xp.zeros_like(xp.take(out, [0], axis=axis)),
                              xp.take(out, range(out.shape[axis] - 1), axis=axis)], axis=axis) \
            if out.shape[axis] else out
    if reverse:
        out = xp.flip(out, axis)
    return xp.ascontiguousarray(out)


def _cumprod(xp: Any, x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False) -> Any:
    if reverse:
        x = xp.flip(x, axis)
    out = xp.cumprod(x, axis=axis, dtype=x.dtype)
    if exclusive and out.shape[axis]:
        ones = xp.ones_like(xp.take(out, [0], axis=axis))
        out = xp.concatenate([ones, xp.take(out, range(out.shape[axis] - 1), axis=axis)], axis=axis)
    if reverse:
        out = xp.flip(out, axis)
    return xp.ascontiguousarray(out)


CUMSUM = Op("Cumsum", _cumsum, grad=_cumsum_grad, dtypes=NUMBER)
CUMPROD = Op("Cumprod", _cumprod, grad=_cumprod_grad, dtypes=NUMBER)


# Reductions by kind, for composite values (dispatch.REDUCE).
_REDUCE_KINDS = {"Sum": "sum", "Mean": "mean", "Max": "max", "Min": "min", "Prod": "prod", "Any": "any",
                 "All": "all", "ReduceLogSumExp": "logsumexp"}


def _reduce(op: Op, input_tensor: Any, axis: Any, keepdims: bool) -> Tensor:
    if type(input_tensor) is not EagerTensor and dispatch.composite_in(input_tensor):
        return dispatch.reduce(_REDUCE_KINDS[op.name], input_tensor, axis, keepdims)
    if op is ANY or op is ALL:
        x = _bool_input(op, input_tensor)
    else:
        x = conversion.tensor(input_tensor)
    dims = axis
    if axis is not None and type(axis) is not int and int_tuple(axis) is None:
        # A tensor, NumPy value or list of other values: TF's reduction_indices input (type attr Tidx).
        fallback = conversion.takes_fallback(input_tensor, axis)
        (t,) = conversion.typed_operands(op, "Tidx", [axis], INT32_64, _dtypes.int32, fallback)
        dims = t.numpy().tolist()
    try:
        return execute(op, (x,), {"axis": dims, "keepdims": bool(keepdims)})
    except errors.OpError as e:
        # TF passes no axis (None) on as its own: a range tensor takes the fast path.
        raise (conversion.worded(e, input_tensor) if axis is None else conversion.worded(e, input_tensor, axis)) \
            from None


def _bool_input(op: Op, value: Any) -> Tensor:
    """The input of Any/All as TF's wrapper converts it: Python and NumPy values to bool (TF's
    TypeError when they do not fit); a tensor of another dtype is TF's InvalidArgumentError."""
    if not conversion.is_tensor_like(value):
        return conversion.tensor(value, _dtypes.bool)
    x = conversion.tensor(value)
    if x._array.dtype != np.bool_:
        raise errors.op_error(
            errors.InvalidArgumentError,
            f"cannot compute {op.name} as input #0(zero-based) was expected to be a bool tensor "
            f"but is a {x.dtype.name} tensor", op.name)
    return x


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Sum over `axis` (all axes when None) (`tf.math.reduce_sum`)."""
    return _reduce(SUM, input_tensor, axis, keepdims)


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Mean over `axis`; integer inputs give the truncated integer mean, as in TF."""
    return _reduce(MEAN, input_tensor, axis, keepdims)


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return _reduce(MAX, input_tensor, axis, keepdims)


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return _reduce(MIN, input_tensor, axis, keepdims)


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return _reduce(PROD, input_tensor, axis, keepdims)


def reduce_any(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return _reduce(ANY, input_tensor, axis, keepdims)


def reduce_all(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return _reduce(ALL, input_tensor, axis, keepdims)


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """log(sum(exp(x))) over `axis`, computed stably (`tf.math.reduce_logsumexp`).

    Raises:
      InvalidArgumentError: as TF's composition raises it: its first step, Max, rejects a bad axis
        and strings, bools and complex numbers; the IsFinite step after it rejects integers.
    """
    try:
        x = conversion.tensor(input_tensor)
    except (TypeError, ValueError):
        if dispatch.composite_in(input_tensor):  # RaggedTensor (TF's dispatch)
            return dispatch.reduce("logsumexp", input_tensor, axis, keepdims)
        raise
    if not x.dtype.is_floating:
        reduce_max(input_tensor, axis, keepdims=True)
        raise errors.op_error(errors.InvalidArgumentError, math_ops.IS_FINITE.unsupported_dtype_message(x.dtype),
                              "IsFinite")
    try:
        return _reduce(LOGSUMEXP, x, axis, keepdims)
    except errors.InvalidArgumentError:
        reduce_max(input_tensor, axis, keepdims=True)  # raises TF's error for a bad axis, from Max
        raise


def argmax(input: Any, axis: Any = None, output_type: Any = _dtypes.int64, name: str | None = None) -> Tensor:  # noqa: A002
    """Index of the largest value along `axis` (default 0) (`tf.math.argmax`).

    Raises:
      TypeError: an axis that is neither an int nor an integer tensor (TF's own check).
    """
    return _arg_reduce(ARG_MAX, input, axis, output_type)


def argmin(input: Any, axis: Any = None, output_type: Any = _dtypes.int64, name: str | None = None) -> Tensor:  # noqa: A002
    """Index of the smallest value along `axis` (default 0) (`tf.math.argmin`)."""
    return _arg_reduce(ARG_MIN, input, axis, output_type)


_ARG_AXIS_TYPES = (_dtypes.int8, _dtypes.uint8, _dtypes.int16, _dtypes.uint16, _dtypes.int32, _dtypes.int64)


def _arg_reduce(op: Op, input: Any, axis: Any, output_type: Any) -> Tensor:  # noqa: A002
    x = conversion.tensor(input)
    if axis is None:
        axis = 0
    dtype = None if type(axis) is int else getattr(axis, "dtype", None)
    if dtype is None:
        if not isinstance(axis, int):
            raise TypeError("axis must be int or Tensor with integer datatype")
        dim = int(axis)  # a bool too, as in TF
    elif not isinstance(dtype, _dtypes.DType) or dtype not in _ARG_AXIS_TYPES:
        raise TypeError(f"axis tensor dtypes {dtype} is not supported")  # NumPy values too, as in TF
    else:
        t = conversion.tensor(axis)
        if t._array.ndim:
            raise conversion.kernel_error(
                op, (x,), f"dim must be a scalar, but received tensor of shape: {dims_text(t._array.shape)}",
                conversion.takes_fallback(input))
        dim = int(t.numpy())
    try:
        return execute(op, (x,), {"axis": dim, "output_type": _dtypes.as_dtype(output_type).as_numpy_dtype})
    except errors.OpError as e:
        raise conversion.worded(e, input) from None


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None) -> Tensor:
    """Cumulative sum along `axis` (`tf.math.cumsum`)."""
    return _scan(CUMSUM, x, axis, exclusive, reverse)


def cumprod(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None) -> Tensor:
    """Cumulative product along `axis` (`tf.math.cumprod`)."""
    return _scan(CUMPROD, x, axis, exclusive, reverse)


def _scan(op: Op, x: Any, axis: Any, exclusive: bool, reverse: bool) -> Tensor:
    x = conversion.tensor(x)  # TF converts x first; axis goes to the op as given
    if type(axis) is int:
        dim = axis
    else:
        fallback = conversion.takes_fallback(axis)
        (t,) = conversion.typed_operands(op, "Tidx", [axis], INT32_64, _dtypes.int32, fallback)
        if t._array.ndim:
            raise conversion.kernel_error(op, (x,), f"ScanOp: axis must be a scalar, not {dims_text(t._array.shape)}",
                                          fallback)
        dim = int(t.numpy())
    try:
        return execute(op, (x,), {"axis": dim, "exclusive": bool(exclusive), "reverse": bool(reverse)})
    except errors.OpError as e:
        raise conversion.worded(e, axis) from None


def count_nonzero(input: Any, axis: Any = None, keepdims: bool = False, dtype: Any = _dtypes.int64, name: str | None = None) -> Tensor:  # noqa: A002
    x = conversion.tensor(input)
    nonzero = math_ops.not_equal(x, math_ops.zeros_like_same(x))
    return reduce_sum(math_ops.cast(nonzero, dtype), axis=axis, keepdims=keepdims)


