"""Shape manipulation and construction (`tf.reshape`, `tf.zeros`, `tf.tile`, `tf.where`, ...).

Each op is declared once: TF's op name, its forward on `xp` (NumPy or CuPy), its gradient
written with eagerflow ops (so gradients of gradients work). Shape-like attrs are tuples of
Python ints computed before `execute`; arrays only ever go through `xp`. Slicing and padding
live in `indexing_ops`, gather/scatter in `gather_scatter_ops`, concat/stack/split in
`join_split_ops`.
"""
from __future__ import annotations

import builtins
import math
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import is_tensor_like
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op, cpp_name
from eagerflow._src.framework.shape_inference import elementwise
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.ops import conversion, dispatch, dynamic_shape_ops, run_time_axis
from eagerflow._src.ops.array_args import (
    dims_text, index_operands, int_list, int_tuple, ints_of, invalid, matching, scalar_int, shape_arg, shape_tensor,
    static_shape, vector_attr, zeros_like_array,
)
from eagerflow._src.ops.dtype_sets import BOOL, FLOAT, NUMBER

# math_ops/reduce_ops are used by gradients only, through their module objects (looked up at
# call time), so families that import array_ops for their own gradients do not cycle.
from eagerflow._src.ops import math_ops, reduce_ops  # noqa: E402,I001


def _as_dtype_of(value: Any, like: Tensor) -> Tensor:
    """`value` as a tensor, taking `like`'s dtype when `value` is a Python value (TF's `T` attr)."""
    if is_tensor_like(value):
        return conversion.tensor(value)
    return conversion.tensor(value, like.dtype)


# --- reshape, identity, expand_dims, squeeze --------------------------------------------------
def _reshape(xp: Any, x: Any, shape: tuple) -> Any:
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1:
        raise invalid(f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    known = math.prod(d for d in shape if d != -1)
    if unknown:
        if known == 0 or x.size % known:
            raise invalid(f"Input to reshape is a tensor with {x.size} values, but the requested "
                          f"shape requires a multiple of {known}")
    elif known != x.size:
        raise invalid(f"Input to reshape is a tensor with {x.size} values, but the requested shape has {known}")
    return x.reshape(shape)


def _reshape_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    dims = x._array.shape
    if dims is None or None in dims:
        return (reshape(dy, shape(x)),)  # a graph input of unknown dims: its run-time shape, as TF
    return (reshape(dy, static_shape(x)),)


def _expand_dims(xp: Any, x: Any, axis: int) -> Any:
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise invalid(f"Tried to expand dim index {axis} for tensor with {x.ndim} dimensions.")
    return xp.expand_dims(x, axis)


def _squeeze(xp: Any, x: Any, squeeze_dims: tuple = ()) -> Any:
    axes = []
    for a in squeeze_dims:
        if not -x.ndim <= a < x.ndim:
            raise invalid(f"Tried to squeeze dim index {a} for tensor with {x.ndim} dimensions.")
        a %= x.ndim
        if x.shape[a] != 1:
            raise invalid(f"Can not squeeze dim[{a}], expected a dimension of 1, got {x.shape[a]}")
        axes.append(a)
    if not squeeze_dims:
        axes = [i for i, d in enumerate(x.shape) if d == 1]
    return x.reshape(tuple(d for i, d in enumerate(x.shape) if i not in axes))


def _reshape_static_shape(inputs: Any, attrs: dict) -> Any:
    """Reshape of an input whose shape is not fully known: the target's dims, -1 unknown (TF's
    shape function); None (the default dummy runs, which check sizes) for a known input."""
    dims = inputs[0]._array.shape
    if dims is not None and None not in dims:
        return None
    return [(inputs[0]._array.dtype, tuple(None if d == -1 else d for d in attrs["shape"]))]


RESHAPE = Op("Reshape", _reshape, grad=_reshape_grad, shape_fn=_reshape_static_shape)
IDENTITY = Op("Identity", lambda xp, x: x, grad=lambda ctx, dy: (dy,))
EXPAND_DIMS = Op("ExpandDims", _expand_dims, grad=_reshape_grad)
SQUEEZE = Op("Squeeze", _squeeze, grad=_reshape_grad)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """A tensor with the same values and a new shape; one dimension may be -1 (`tf.reshape`).

    Raises:
      InvalidArgumentError: a shape that is not int32/int64 or does not fit the values.
      TypeError: a Python float shape (TF converts it to its int32 default).
    """
    x = conversion.tensor(tensor)
    shape = dynamic_shape_ops.packed(shape)
    if dynamic_shape_ops.run_time_shape(shape):  # in a graph, a shape known when the plan runs
        return execute(dynamic_shape_ops.RESHAPE_TO, (x, shape))
    shape = dynamic_shape_ops.folded(shape)
    dims, fallback = _int_list_input(RESHAPE, "Tshape", shape, tensor, x)
    return conversion.run(RESHAPE, (x,), {"shape": dims}, fallback)


def _int_list_input(op: Op, attr: str, value: Any, operand: Any, x: Tensor) -> tuple[tuple[int, ...], bool]:
    """An int-vector input (a shape, tile multiples) of `op` on `x` as TF's wrapper converts it,
    with whether TF takes its fallback path (a list or tuple argument does; a list of plain ints
    is a vector and skips every check)."""
    ints = int_tuple(value)
    if ints is not None:
        return ints, True
    fallback = conversion.takes_fallback(operand, value)
    return vector_attr(op, attr, value, fallback, (x,)), fallback


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The same values as a new tensor (`tf.identity`)."""
    try:
        return execute(IDENTITY, (conversion.tensor(input),))
    except (TypeError, ValueError):
        if dispatch.composite_in(input):  # RaggedTensor (TF's dispatch)
            return dispatch.call("identity", input)
        raise


def expand_dims(input: Any, axis: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` with a dimension of size 1 inserted at `axis` (`tf.expand_dims`); `axis` is an
    int32/int64 value of one element, of any rank (TF's InvalidArgumentError otherwise)."""
    try:
        x = conversion.tensor(input)
    except (TypeError, ValueError):
        if dispatch.composite_in(input):  # RaggedTensor (TF's dispatch)
            return dispatch.call("expand_dims", input, axis)
        raise
    if type(axis) is int:
        dim = axis
    else:
        fallback = conversion.takes_fallback(input, axis)
        (t,) = index_operands(EXPAND_DIMS, "Tdim", [axis], _dtypes.int32, fallback)
        if t._array.size != 1:
            raise conversion.kernel_error(EXPAND_DIMS, (x,), "'dim' must be a tensor with a single value", fallback)
        dim = run_time_axis.folded(t) if isinstance(t, SymbolicTensor) else int(t._array.reshape(()))
        if isinstance(dim, SymbolicTensor):
            return run_time_axis.switch_over_axis(
                dim, x, 1, "Tried to expand dim index {axis} for tensor with {dims} dimensions.",
                lambda a: execute(EXPAND_DIMS, (x,), {"axis": a}))
    try:
        return execute(EXPAND_DIMS, (x,), {"axis": dim})
    except errors.OpError as e:
        raise conversion.worded(e, input, axis) from None


def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` without its size-1 dimensions (those in `axis`, or all) (`tf.squeeze`)."""
    dims = tuple(int_list(axis))
    try:
        return execute(SQUEEZE, (conversion.tensor(input),), {"squeeze_dims": dims})
    except errors.OpError as e:
        # `axis` is an attr: TF's fast path takes Python ints only (a float or NumPy int falls back).
        items = axis if isinstance(axis, (list, tuple)) else () if axis is None else (axis,)
        attr_falls_back = builtins.any(type(a) is not int for a in items)
        raise (errors.fallback_error(e) if attr_falls_back else conversion.worded(e, input)) from None


# --- construction: fill, zeros, ones, eye, range, linspace ----------------------------------
def _fill(xp: Any, value: Any, dims: tuple) -> Any:
    if value.ndim:
        if value.shape != (1,):  # TF's kernel takes a one-element vector too
            raise invalid(f"value must represent a scalar, got shape {dims_text(value.shape)}")
        value = value.reshape(())
    for d in dims:
        if d < 0:
            raise invalid(f"Dimension {d} must be >= 0")
    return xp.full(dims, value, dtype=value.dtype)


def _fill_grad(ctx: Any, dy: Tensor) -> tuple:
    total = reduce_ops.reduce_sum(dy)
    value = ctx.inputs[0]
    # A one-element vector value: TF's gradient stays a scalar; the tape wants the value's shape.
    if value._array.ndim == 0:
        return (total,)
    return (execute(dynamic_shape_ops.RESHAPE_LIKE, (total, value)) if dynamic_shape_ops.has_unknown(
        value._array.shape) else reshape(total, static_shape(value)),)


FILL = Op("Fill", _fill, grad=_fill_grad)
ZEROS_LIKE = Op("ZerosLike", zeros_like_array, grad=lambda ctx, dy: (None,))
ONES_LIKE = Op("OnesLike", lambda xp, x: xp.ones_like(x), dtypes=NUMBER + BOOL, grad=lambda ctx, dy: (None,))


def fill(dims: Any, value: Any, name: str | None = None, layout: Any = None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value` (`tf.fill`); `dims` must be
    int32/int64 (TF's InvalidArgumentError otherwise)."""
    v = conversion.tensor(value)
    dims = dynamic_shape_ops.packed(dims)
    if dynamic_shape_ops.run_time_shape(dims):  # in a graph, a shape known when the plan runs
        return execute(dynamic_shape_ops.FILL_TO, (dims, v))
    dims = dynamic_shape_ops.folded(dims)
    shape = int_tuple(dims)
    fallback = True if shape is not None else conversion.takes_fallback(dims, value)
    if shape is None:
        shape = vector_attr(FILL, "index_type", dims, fallback, (v,))
    return conversion.run(FILL, (v,), {"dims": shape}, fallback)


def _filled(shape: Any, dtype: _dtypes.DType, value: Any) -> Tensor:
    dims = int_tuple(shape)
    if dims is None:
        # TF's zeros/ones: a shape that is not a tensor becomes one (via TensorShape where it
        # can, else as int32), then goes to tf.fill with the value.
        if not is_tensor_like(shape):
            shape = shape_tensor(shape)
        return fill(shape, conversion.tensor(value, dtype))
    return execute(FILL, (conversion.tensor(value, dtype),), {"dims": dims})


def zeros(shape: Any, dtype: Any = _dtypes.float32, name: str | None = None, layout: Any = None) -> Tensor:
    """A tensor of `shape` with all elements zero (b'' for strings) (`tf.zeros`)."""
    dt = _dtypes.as_dtype(dtype)
    return _filled(shape, dt, b"" if dt == _dtypes.string else (False if dt == _dtypes.bool else 0))


def ones(shape: Any, dtype: Any = _dtypes.float32, name: str | None = None, layout: Any = None) -> Tensor:
    """A tensor of `shape` with all elements one (`tf.ones`)."""
    dt = _dtypes.as_dtype(dtype)
    return _filled(shape, dt, True if dt == _dtypes.bool else 1)


def zeros_like(input: Any, dtype: Any = None, name: str | None = None, layout: Any = None) -> Tensor:  # noqa: A002
    """Zeros with the shape of `input` and its dtype, or `dtype` (`tf.zeros_like`)."""
    return _filled_like(ZEROS_LIKE, zeros, "zeros_like", input, dtype)


def ones_like(input: Any, dtype: Any = None, name: str | None = None, layout: Any = None) -> Tensor:  # noqa: A002
    """Ones with the shape of `input` and its dtype, or `dtype` (`tf.ones_like`)."""
    return _filled_like(ONES_LIKE, ones, "ones_like", input, dtype)


def _filled_like(op: Op, filled: Callable, tf_name: str, input: Any, dtype: Any) -> Tensor:  # noqa: A002
    try:
        x = conversion.tensor(input)
    except (TypeError, ValueError):
        if dispatch.composite_in(input):  # RaggedTensor (TF's dispatch)
            return dispatch.call(tf_name, input, dtype=dtype)
        raise
    if dtype is not None and _dtypes.as_dtype(dtype) != x.dtype:
        return filled(shape(x) if dynamic_shape_ops.has_unknown(x._array.shape) else static_shape(x), dtype)
    return execute(op, (x,))


def _matrix_diag(xp: Any, diagonal: Any, num_rows: int, num_cols: int) -> Any:
    out = xp.zeros(diagonal.shape[:-1] + (num_rows, num_cols), dtype=diagonal.dtype)
    n = min(num_rows, num_cols, diagonal.shape[-1])
    i = xp.arange(n)
    out[..., i, i] = diagonal[..., :n]
    return out


def _matrix_diag_part(xp: Any, x: Any) -> Any:
    return xp.diagonal(x, axis1=-2, axis2=-1)


MATRIX_DIAG = Op("MatrixDiagV3", _matrix_diag,
                 grad=lambda ctx, dy: (execute(MATRIX_DIAG_PART, (dy,)),))
def _matrix_diag_part_grad(ctx: Any, dy: Tensor) -> tuple:
    dims = ctx.inputs[0]._array.shape
    if dynamic_shape_ops.has_unknown(dims):  # the matrix's size is known only at run time
        from eagerflow._src.ops import linalg_structure_ops

        return (execute(linalg_structure_ops.MATRIX_SET_DIAG, (zeros_like(ctx.inputs[0]), dy)),)
    return (execute(MATRIX_DIAG, (dy,), {"num_rows": dims[-2], "num_cols": dims[-1]}),)


MATRIX_DIAG_PART = Op("MatrixDiagPartV3", _matrix_diag_part, grad=_matrix_diag_part_grad)


def eye(num_rows: Any, num_columns: Any = None, batch_shape: Any = None, dtype: Any = _dtypes.float32,
        name: str | None = None) -> Tensor:
    """Identity matrices of shape `batch_shape + [num_rows, num_columns]` (`tf.eye`)."""
    rows = scalar_int(num_rows)
    cols = rows if num_columns is None else scalar_int(num_columns)
    batch = () if batch_shape is None else shape_arg(batch_shape)
    diag = ones(batch + (min(rows, cols),), dtype)
    return execute(MATRIX_DIAG, (diag,), {"num_rows": rows, "num_cols": cols})


def _range(xp: Any, start: Any, limit: Any, delta: Any) -> Any:
    s, lim, d = start.item(), limit.item(), delta.item()
    if d == 0:
        raise invalid(f"Requires delta != 0: {_num_text(d)}")
    if d > 0 and s > lim:
        raise invalid(f"Requires start <= limit when delta > 0: {_num_text(s)}/{_num_text(lim)}")
    if d < 0 and s < lim:
        raise invalid(f"Requires start >= limit when delta < 0: {_num_text(s)}/{_num_text(lim)}")
    if start.dtype.kind in "iu":
        size = (builtins.abs(lim - s) + builtins.abs(d) - 1) // builtins.abs(d)
    else:
        # In the input's dtype, as TF's kernel: range(0.1, 1.1, 0.1) in float32 has 10 elements.
        size = math.ceil(builtins.abs(((limit - start) / delta).item()))
    # TF's kernel computes start + i * delta in the output type.
    return start + xp.arange(size).astype(start.dtype) * delta


def _num_text(v: Any) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


_RANGE_TYPES = (_dtypes.bfloat16, _dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)
def _range_shape(inputs: Any, attrs: dict) -> list | None:
    # TF: the length when start, limit and delta are all known, else one unknown dim
    from eagerflow._src.framework.shape_inference import constant_value

    values = [constant_value(t) for t in inputs]
    if all(v is not None for v in values):
        return None  # the kernel runs on the folded values
    return [(inputs[0]._array.dtype, (None,))]


RANGE = Op("Range", _range, dtypes=_RANGE_TYPES, grad=lambda ctx, dy: (None, None, None), shape_fn=_range_shape)
# TF's Python range picks the widest argument dtype in this order.
_RANGE_HIERARCHY = ("int32", "int64", "float16", "bfloat16", "float32", "float64")


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: str = "range") -> Tensor:  # noqa: A001
    """The sequence start, start + delta, ... up to (not including) limit (`tf.range`)."""
    if limit is None:
        start, limit = 0, start
    dt = None if dtype is None else _dtypes.as_dtype(dtype)
    args = [a if is_tensor_like(a) else conversion.tensor(a, dt) for a in (start, limit, delta)]
    args = [conversion.tensor(a) for a in args]
    if dt is None:
        if not builtins.all(a.dtype.name in _RANGE_HIERARCHY for a in args):
            raise AssertionError()  # TF asserts the same
        dt = builtins.max((a.dtype for a in args), key=lambda d: _RANGE_HIERARCHY.index(d.name))
    args = [math_ops.cast(a, dt) for a in args]
    return execute(RANGE, args)


def _linspace(xp: Any, start: Any, stop: Any, num: int, axis: int) -> Any:
    if num < 0:
        raise invalid(f"Requires num > 0: {num}")
    start, stop = xp.broadcast_arrays(start, stop)
    steps = xp.arange(num, dtype=start.dtype).reshape((num,) + (1,) * start.ndim)
    if num > 1:
        step = (stop - start) / xp.asarray(num - 1, dtype=start.dtype)
        out = (start + steps * step).astype(start.dtype)
        out[-1] = stop
    else:
        out = (start + steps * 0).astype(start.dtype)
    return xp.moveaxis(out, 0, axis % (start.ndim + 1))


LINSPACE = Op("LinSpace", _linspace, dtypes=FLOAT, grad=lambda ctx, dy: (None, None))


def linspace(start: Any, stop: Any, num: Any, name: str | None = None, axis: int = 0) -> Tensor:
    """`num` evenly spaced values from start to stop inclusive, along `axis` (`tf.linspace`)."""
    start_t = conversion.tensor(start)
    if not start_t.dtype.is_floating:
        start_t = math_ops.cast(start_t, _dtypes.float64)  # TF's linspace works in float64 for ints
    stop_t = _as_dtype_of(stop, start_t)
    if stop_t.dtype != start_t.dtype:
        stop_t = math_ops.cast(stop_t, start_t.dtype)
    return execute(LINSPACE, (start_t, stop_t), {"num": scalar_int(num), "axis": int(axis)})


# --- transpose, reverse -------------------------------------------------------------------
def _transpose(xp: Any, x: Any, perm: tuple) -> Any:
    if len(perm) != x.ndim:
        raise invalid(f"transpose expects a vector of size {x.ndim}. But input(1) is a vector of size {len(perm)}")
    for p in perm:
        if not 0 <= p < x.ndim:
            raise invalid(f"{p} is out of range [0 .. {x.ndim})")
    for i in builtins.range(x.ndim):
        if i not in perm:
            raise invalid(f"{i} is missing from {{{','.join(str(p) for p in perm)}}}.")
    return xp.transpose(x, perm)


def _inverse_perm(perm: tuple) -> tuple:
    return tuple(int(i) for i in np.argsort(perm))


TRANSPOSE = Op("Transpose", _transpose,
               grad=lambda ctx, dy: (execute(TRANSPOSE, (dy,), {"perm": _inverse_perm(ctx.attrs["perm"])}),))
CONJUGATE_TRANSPOSE = Op(
    "ConjugateTranspose", lambda xp, x, perm: xp.conj(_transpose(xp, x, perm)),
    grad=lambda ctx, dy: (execute(CONJUGATE_TRANSPOSE, (dy,), {"perm": _inverse_perm(ctx.attrs["perm"])}),))


def _reversed_shape(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    return [(x.dtype, None if x.shape is None else tuple(reversed(x.shape)))]


# tf.transpose(x) of a traced x of unknown rank (TF builds the reversed perm from Rank at run time).
REVERSED_TRANSPOSE = Op("TransposeReversed", lambda xp, x: xp.ascontiguousarray(xp.transpose(x)),
                        shape_fn=_reversed_shape, grad=lambda ctx, dy: (execute(REVERSED_TRANSPOSE, (dy,)),))
CONJUGATE_REVERSED_TRANSPOSE = Op(
    "ConjugateTransposeReversed", lambda xp, x: xp.conj(xp.transpose(x)), shape_fn=_reversed_shape,
    grad=lambda ctx, dy: (execute(CONJUGATE_REVERSED_TRANSPOSE, (dy,)),))


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str = "transpose") -> Tensor:
    """`a` with its dimensions permuted by `perm` (default: reversed) (`tf.transpose`)."""
    x = conversion.tensor(a)
    op = CONJUGATE_TRANSPOSE if conjugate and x.dtype.is_complex else TRANSPOSE
    if perm is None:
        if x._array.ndim is None:  # traced with unknown rank: all dims reversed when it runs
            return execute(CONJUGATE_REVERSED_TRANSPOSE if op is CONJUGATE_TRANSPOSE else REVERSED_TRANSPOSE, (x,))
        return execute(op, (x,), {"perm": tuple(builtins.range(x.ndim - 1, -1, -1))})
    p = int_tuple(perm)
    fallback = True if p is not None else conversion.takes_fallback(perm)
    if p is None:
        p = vector_attr(op, "Tperm", perm, fallback, (x,))
    return conversion.run(op, (x,), {"perm": p}, fallback)


def _reverse(xp: Any, x: Any, axis: tuple) -> Any:
    if x.ndim == 0 or x.size == 0:
        return x  # TF's kernel returns these as they are, whatever the axis
    seen = []
    for i, a in enumerate(axis):
        if not -x.ndim <= a < x.ndim:
            raise invalid(f"'axis'[{i}] = {a} is out of valid range [0, {x.ndim - 1}")
        a %= x.ndim
        if a in seen:
            raise invalid(f"axis {a} specified more than once.")
        seen.append(a)
    return xp.flip(x, axis=tuple(seen)) if seen else x


REVERSE = Op("ReverseV2", _reverse, grad=lambda ctx, dy: (execute(REVERSE, (dy,), ctx.attrs),))


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    """`tensor` with the dimensions in `axis` reversed (`tf.reverse`); `axis` is an int32/int64
    vector (TF's InvalidArgumentError otherwise)."""
    x = conversion.tensor(tensor)
    dims = int_tuple(axis)
    if dims is None:
        fallback = conversion.takes_fallback(tensor, axis)
        (t,) = index_operands(REVERSE, "Tidx", [axis], _dtypes.int32, fallback)
        if t._array.ndim != 1 and x._array.size and x._array.ndim:  # TF returns empties and scalars as they are
            raise conversion.kernel_error(REVERSE, (x,), f"'dims' must be 1-dimension, not {t._array.ndim}", fallback)
        dims = ints_of(t)
    try:
        return execute(REVERSE, (x,), {"axis": dims})
    except errors.OpError as e:
        raise conversion.worded(e, tensor, axis) from None


# --- tile, broadcast_to -------------------------------------------------------------------
def _tile(xp: Any, x: Any, multiples: tuple) -> Any:
    if len(multiples) != x.ndim:
        raise invalid(f"Expected multiples argument to be a vector of length {x.ndim} but got length {len(multiples)}")
    for i, m in enumerate(multiples):
        if m < 0:
            raise invalid(f"Expected multiples[{i}] >= 0, but got {m}")
    return xp.tile(x, multiples) if x.ndim else x.copy()


def _tile_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    multiples = ctx.attrs["multiples"]
    if dynamic_shape_ops.has_unknown(x._array.shape):  # dims known only at run time: (m0, d0, m1, d1, ...)
        from eagerflow._src.ops import join_split_ops

        split_shape = reshape(join_split_ops.stack(
            [conversion.tensor(np.asarray(multiples, np.int32)), shape(x, out_type=_dtypes.int32)], axis=1), (-1,))
        summed = reduce_ops.reduce_sum(reshape(dy, split_shape), axis=list(builtins.range(0, 2 * len(multiples), 2)))
        return (summed,)
    shape_ = static_shape(x)
    split_shape = tuple(v for pair in zip(multiples, shape_) for v in pair)
    summed = reduce_ops.reduce_sum(reshape(dy, split_shape), axis=list(builtins.range(0, 2 * len(shape_), 2)))
    return (summed,)


def _broadcast_to(xp: Any, x: Any, shape: tuple) -> Any:
    for d in shape:
        if d < 0:
            raise invalid(f"Dimension {d} must be >= 0")
    if x.size == 1 and x.ndim <= len(shape):
        # One value (a reduction's gradient, mostly): filling a new array costs a fraction of
        # broadcast_to (and of `full`, which wraps these two calls in Python).
        if xp is not np:
            return xp.full(shape, x.reshape(()), dtype=x.dtype)
        out = np.empty(shape, dtype=x.dtype)
        np.copyto(out, x.reshape(()))  # not fill(): it would store a 0-d array in object arrays
        return out
    if len(shape) < x.ndim:
        raise invalid(f"Rank of input ({x.ndim}) must be no greater than rank of output shape ({len(shape)}).")
    try:
        if np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise invalid(f"Incompatible shapes: {dims_text(x.shape)} vs. {dims_text(shape)}") from None
    return xp.broadcast_to(x, shape)


def _broadcast_to_grad(ctx: Any, dy: Tensor) -> tuple:
    if dynamic_shape_ops.has_unknown(ctx.inputs[0]._array.shape) or dynamic_shape_ops.has_unknown(dy._array.shape):
        return (execute(dynamic_shape_ops.UNBROADCAST, (dy, ctx.inputs[0])),)
    shape = static_shape(ctx.inputs[0])
    out = static_shape(dy)
    lead = len(out) - len(shape)
    axes = list(builtins.range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and out[lead + i] != 1]
    return (reshape(reduce_ops.reduce_sum(dy, axis=axes), shape) if axes else dy,)


def _tile_by_grad(ctx: Any, dy: Tensor) -> tuple:
    # multiples known when the plan runs: dy as (m0, d0, m1, d1, ...), summed over each m
    from eagerflow._src.ops import join_split_ops

    x, multiples = ctx.inputs
    split_shape = reshape(join_split_ops.stack(
        [math_ops.cast(multiples, _dtypes.int32), shape(x, out_type=_dtypes.int32)], axis=1), (-1,))
    rank = multiples._array.shape[0] if multiples._array.shape and multiples._array.shape[0] is not None \
        else x._array.ndim
    return reduce_ops.reduce_sum(reshape(dy, split_shape), axis=list(builtins.range(0, 2 * rank, 2))), None


TILE = Op("Tile", _tile, grad=_tile_grad)
# Tile whose multiples are a graph tensor known only when the plan runs (TF's Tile takes them
# as an input); registered apart from the attr-shaped Tile, shown in graphs as "Tile".
TILE_BY = dynamic_shape_ops.tf_named(Op("DynamicTile", lambda xp, x, m: _tile(xp, x, tuple(int(v) for v in m.reshape(-1).tolist())),
                                        grad=_tile_by_grad, shape_fn=dynamic_shape_ops.tile_rule), "Tile")
BROADCAST_TO = Op("BroadcastTo", _broadcast_to, grad=_broadcast_to_grad)


def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` repeated `multiples[i]` times along each dimension i (`tf.tile`); `multiples`
    must be int32/int64 (TF's InvalidArgumentError otherwise)."""
    x = conversion.tensor(input)
    multiples = dynamic_shape_ops.packed(multiples)
    if dynamic_shape_ops.run_time_shape(multiples):  # in a graph, multiples known when the plan runs
        return execute(TILE_BY, (x, multiples))
    multiples = dynamic_shape_ops.folded(multiples)
    m, fallback = _int_list_input(TILE, "Tmultiples", multiples, input, x)
    return conversion.run(TILE, (x,), {"multiples": m}, fallback)


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` broadcast to `shape` (`tf.broadcast_to`); `shape` must be an int32/int64 vector
    (TF's InvalidArgumentError otherwise)."""
    x = conversion.tensor(input)
    shape = dynamic_shape_ops.packed(shape)
    if dynamic_shape_ops.run_time_shape(shape):  # in a graph, a shape known when the plan runs
        return execute(dynamic_shape_ops.BROADCAST_TO_SHAPE, (x, shape))
    shape = dynamic_shape_ops.folded(shape)
    dims, fallback = _int_list_input(BROADCAST_TO, "Tidx", shape, input, x)
    return conversion.run(BROADCAST_TO, (x,), {"shape": dims}, fallback)


# --- where, one_hot -----------------------------------------------------------------------
def _where_coords(xp: Any, condition: Any) -> Any:
    if condition.ndim == 0:
        raise invalid("WhereOp : Unhandled input dimensions: 0")
    return xp.argwhere(condition).astype(xp.int64)


def _select(xp: Any, condition: Any, x: Any, y: Any) -> Any:
    try:
        np.broadcast_shapes(condition.shape, x.shape, y.shape)
    except ValueError:
        raise invalid(f"condition {dims_text(condition.shape)}, then {dims_text(x.shape)}, and else "
                      f"{dims_text(y.shape)} must be broadcastable") from None
    return xp.where(condition, x, y)


def _select_grad(ctx: Any, dy: Tensor) -> tuple:
    condition = ctx.inputs[0]
    none = zeros_like(dy)
    return (None, where(condition, dy, none), where(condition, none, dy))


WHERE = Op("Where", _where_coords, grad=lambda ctx, dy: (None,))
SELECT_V2 = Op("SelectV2", _select, grad=_select_grad, shape_fn=elementwise)  # broadcast shape


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """With x and y: elements of x where `condition`, else y, broadcast (`SelectV2`). Alone: the
    int64 coordinates of the true (non-zero) elements of `condition` (`tf.where`)."""
    if x is None and y is None:
        try:
            return execute(WHERE, (conversion.tensor(condition),))
        except errors.OpError as e:
            raise conversion.worded(e, condition) from None
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    try:
        c = conversion.tensor(condition, _dtypes.bool) if not is_tensor_like(condition) else conversion.tensor(condition)
    except (TypeError, ValueError):
        if dispatch.composite_in(condition):  # a RaggedTensor condition (TF's dispatch)
            return dispatch.call("where", condition, x, y)
        raise
    if c._array.dtype != np.bool_:
        if conversion.takes_fallback(condition, x, y):
            conversion.tensor(c, _dtypes.bool)  # TF's fallback converts the condition to bool: its ValueError
        raise errors.op_error(
            errors.InvalidArgumentError, f"cannot compute SelectV2 as input #0(zero-based) was expected to be a "
            f"bool tensor but is a {cpp_name(c.dtype)} tensor", "SelectV2")
    try:
        xt, yt = matching(SELECT_V2, [x, y], first_index=1)
        return execute(SELECT_V2, (c, xt, yt))
    except errors.OpError as e:
        raise conversion.worded(e, condition, x, y) from None
    except (TypeError, ValueError):
        if dispatch.composite_in(x, y):  # RaggedTensor operands (TF's dispatch)
            return dispatch.call("where", condition, x, y)
        raise


def _one_hot(xp: Any, indices: Any, on_value: Any, off_value: Any, depth: int, axis: int) -> Any:
    if depth < 0:
        raise invalid(f"depth must be non-negative, got: {depth}")
    if not -1 <= axis <= indices.ndim:
        raise invalid(f"Expected axis to be -1 or between [0, {indices.ndim + 1}).  But received: {axis}")
    hot = indices[..., None] == xp.arange(depth, dtype=indices.dtype)
    out = xp.where(hot, on_value, off_value).astype(on_value.dtype)
    return out if axis == -1 else xp.moveaxis(out, -1, axis)


ONE_HOT = Op("OneHot", _one_hot, grad=lambda ctx, dy: (None, None, None))
_ONE_HOT_INDEX_TYPES = (_dtypes.uint8, _dtypes.int8, _dtypes.int32, _dtypes.int64)


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None, axis: Any = None,
            dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot vectors for `indices` along `axis` (default last); out-of-range ids give all
    `off_value` (`tf.one_hot`)."""
    dt = None if dtype is None else _dtypes.as_dtype(dtype)
    on = None if on_value is None else conversion.tensor(on_value, dt if not is_tensor_like(on_value) else None)
    off = None if off_value is None else conversion.tensor(off_value, dt if not is_tensor_like(off_value) else None)
    if on is not None and off is not None and on.dtype != off.dtype:
        raise TypeError(f"dtype <dtype: '{on.dtype.name}'> of on_value does not match "
                        f"dtype <dtype: '{off.dtype.name}'> of off_value")
    if dt is None:
        dt = on.dtype if on is not None else off.dtype if off is not None else _dtypes.float32
    if on is not None and on.dtype != dt:
        raise TypeError(f"dtype <dtype: '{on.dtype.name}'> of on_value does not match dtype parameter "
                        f"<dtype: '{dt.name}'>")
    if off is not None and off.dtype != dt:
        raise TypeError(f"dtype <dtype: '{off.dtype.name}'> of off_value does not match dtype parameter "
                        f"<dtype: '{dt.name}'>")
    on = on if on is not None else conversion.tensor(True if dt == _dtypes.bool else 1, dt)
    off = off if off is not None else conversion.tensor(False if dt == _dtypes.bool else 0, dt)
    fallback = conversion.takes_fallback(indices, depth)
    (idx,) = conversion.typed_operands(ONE_HOT, "TI", [indices], _ONE_HOT_INDEX_TYPES, _dtypes.int64, fallback)
    attrs = {"depth": scalar_int(depth), "axis": -1 if axis is None else int(axis)}
    return conversion.run(ONE_HOT, (idx, on, off), attrs, fallback)


# --- shape, rank, size --------------------------------------------------------------------
def _shape_of_shape(inputs: Any, attrs: dict) -> list:
    dims = inputs[0]._array.shape  # a vector as long as the rank, whether or not it is known
    return [(np.dtype(attrs["out_type"]), (None if dims is None else len(dims),))]


SHAPE = Op("Shape", lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type), grad=lambda ctx, dy: (None,),
           shape_fn=_shape_of_shape)
SIZE = Op("Size", lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type), grad=lambda ctx, dy: (None,),
          shape_fn=lambda inputs, attrs: [(np.dtype(attrs["out_type"]), ())])
RANK = Op("Rank", lambda xp, x: xp.asarray(x.ndim, dtype=xp.int32), grad=lambda ctx, dy: (None,),
          shape_fn=lambda inputs, attrs: [(np.dtype(np.int32), ())])
SHAPE_N = Op("ShapeN", lambda xp, *xs, out_type: [xp.asarray(x.shape, dtype=out_type) for x in xs],
             num_outputs=-1, grad=lambda ctx, dys: (None,) * len(ctx.inputs))


def _out_type(out_type: Any) -> Any:
    dt = _dtypes.int32 if out_type is None else _dtypes.as_dtype(out_type)
    return np.dtype(dt.as_numpy_dtype)


def shape(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """The shape of `input` as a 1-D int32 (or `out_type`) tensor (`tf.shape`)."""
    if not isinstance(input, Tensor) and dispatch.composite_in(input) is not None:
        if hasattr(input, "dense_shape") and hasattr(input, "indices"):  # SparseTensor: TF casts dense_shape
            return math_ops.cast(input.dense_shape, _out_type(out_type))
        return dispatch.call("shape", input, out_type)
    return execute(SHAPE, (conversion.tensor(input),), {"out_type": _out_type(out_type)})


def shape_n(input: Any, out_type: Any = _dtypes.int32, name: str | None = None) -> list[Tensor]:  # noqa: A002
    """The shapes of a list of tensors (`tf.shape_n`)."""
    return execute(SHAPE_N, [conversion.tensor(t) for t in input], {"out_type": _out_type(out_type)})


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of dimensions of `input` as an int32 scalar (`tf.rank`)."""
    try:
        return execute(RANK, (conversion.tensor(input),))
    except (TypeError, ValueError):
        if dispatch.composite_in(input):  # RaggedTensor (TF's dispatch)
            return dispatch.call("rank", input)
        raise


def size(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of elements of `input` as an int32 (or `out_type`) scalar (`tf.size`)."""
    try:
        return execute(SIZE, (conversion.tensor(input),), {"out_type": _out_type(out_type)})
    except (TypeError, ValueError):
        if dispatch.composite_in(input):  # RaggedTensor (TF's dispatch)
            return dispatch.call("size", input, out_type or _dtypes.int32)
        raise
