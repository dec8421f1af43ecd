"""Shape manipulation, slicing, gathering and construction (`tf.reshape`, `tf.gather`, ...).

Each op is declared once: TF's op name, its forward on `xp` (NumPy or CuPy), its gradient
written with eagerflow ops (so gradients of gradients work). Shape-like attrs are tuples of
Python ints computed before `execute`; arrays only ever go through `xp`.
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from eagerflow.framework import dtypes as _dtypes
from eagerflow.framework import errors
from eagerflow.framework.convert import is_tensor_like
from eagerflow.framework.execute import execute
from eagerflow.framework.op import Op, cpp_name
from eagerflow.framework.tensor import Tensor
from eagerflow.ops import conversion
from eagerflow.ops.dtype_sets import FLOAT

# math_ops/reduce_ops are used by gradients only, through their module objects (looked up at
# call time), so families that import array_ops for their own gradients do not cycle.
from eagerflow.ops import math_ops, reduce_ops  # noqa: E402,I001


def _invalid(message: str) -> errors.OpError:
    """A kernel error: execute() adds TF's `{{function_node ...}} ... [Op:Name]` decoration."""
    return errors.InvalidArgumentError(None, None, message)


def _dims_text(shape: Any) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _shape_arg(shape: Any) -> tuple[int, ...]:
    """A shape argument (list, tuple, TensorShape or 1-D int tensor) as a tuple of ints."""
    if is_tensor_like(shape):
        return tuple(int(d) for d in np.asarray(conversion.tensor(shape).numpy()).ravel())
    if hasattr(shape, "as_list"):
        return tuple(-1 if d is None else int(d) for d in shape.as_list())
    if np.ndim(shape) == 0:
        return (int(shape),)
    return tuple(int(d) for d in (np.asarray(d).item() if is_tensor_like(d) else d for d in shape))


def _int_list(value: Any) -> list[int]:
    """An int, list of ints or int tensor (axis, perm, multiples...) as a list of Python ints."""
    if value is None:
        return []
    if is_tensor_like(value):
        value = conversion.tensor(value).numpy()
    return [int(v) for v in np.asarray(value).ravel()]


def _scalar_int(value: Any) -> int:
    if is_tensor_like(value):
        value = conversion.tensor(value).numpy()
    return int(value)


def _shape(t: Tensor) -> tuple[int, ...]:
    return tuple(t._array.shape)


def _as_dtype_of(value: Any, like: Tensor) -> Tensor:
    """`value` as a tensor, taking `like`'s dtype when `value` is a Python value (TF's `T` attr)."""
    if is_tensor_like(value):
        return conversion.tensor(value)
    return conversion.tensor(value, like.dtype)


def _index_tensor(value: Any) -> Tensor:
    return conversion.tensor(value)


def _matching(op: Op, values: list, first_index: int = 0) -> list[Tensor]:
    """Operands sharing one dtype attr, converted as TF's eager fast path does: the first tensor's
    dtype (else the first value's) wins; Python values convert to it (TypeError when lossy); a
    tensor of another dtype is TF's InvalidArgumentError."""
    first = next((v for v in values if is_tensor_like(v)), None)
    dtype = conversion.tensor(first).dtype if first is not None else conversion.tensor(values[0]).dtype
    out = []
    for i, v in enumerate(values):
        t = conversion.tensor(v) if is_tensor_like(v) else conversion.tensor(v, dtype)
        if t.dtype != dtype:
            raise errors.op_error(
                errors.InvalidArgumentError,
                f"cannot compute {op.name} as input #{i + first_index}(zero-based) was expected to be a "
                f"{cpp_name(dtype)} tensor but is a {cpp_name(t.dtype)} tensor", op.name)
        out.append(t)
    return out


# --- reshape, identity, expand_dims, squeeze --------------------------------------------------
def _reshape(xp: Any, x: Any, shape: tuple) -> Any:
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1:
        raise _invalid(f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    known = math.prod(d for d in shape if d != -1)
    if unknown:
        if known == 0 or x.size % known:
            raise _invalid(f"Input to reshape is a tensor with {x.size} values, but the requested "
                           f"shape requires a multiple of {known}")
    elif known != x.size:
        raise _invalid(f"Input to reshape is a tensor with {x.size} values, but the requested shape has {known}")
    return x.reshape(shape)


def _reshape_grad(ctx: Any, dy: Tensor) -> tuple:
    return (reshape(dy, _shape(ctx.inputs[0])),)


def _expand_dims(xp: Any, x: Any, axis: int) -> Any:
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise _invalid(f"Tried to expand dim index {axis} for tensor with {x.ndim} dimensions.")
    return xp.expand_dims(x, axis)


def _squeeze(xp: Any, x: Any, squeeze_dims: tuple = ()) -> Any:
    axes = []
    for a in squeeze_dims:
        if not -x.ndim <= a < x.ndim:
            raise _invalid(f"Tried to squeeze dim index {a} for tensor with {x.ndim} dimensions.")
        a %= x.ndim
        if x.shape[a] != 1:
            raise _invalid(f"Can not squeeze dim[{a}], expected a dimension of 1, got {x.shape[a]}")
        axes.append(a)
    if not squeeze_dims:
        axes = [i for i, d in enumerate(x.shape) if d == 1]
    return x.reshape(tuple(d for i, d in enumerate(x.shape) if i not in axes))


RESHAPE = Op("Reshape", _reshape, grad=_reshape_grad)
IDENTITY = Op("Identity", lambda xp, x: x, grad=lambda ctx, dy: (dy,))
EXPAND_DIMS = Op("ExpandDims", _expand_dims, grad=_reshape_grad)
SQUEEZE = Op("Squeeze", _squeeze, grad=_reshape_grad)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """A tensor with the same values and a new shape; one dimension may be -1 (`tf.reshape`)."""
    return execute(RESHAPE, (conversion.tensor(tensor),), {"shape": _shape_arg(shape)})


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The same values as a new tensor (`tf.identity`)."""
    return execute(IDENTITY, (conversion.tensor(input),))


def expand_dims(input: Any, axis: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` with a dimension of size 1 inserted at `axis` (`tf.expand_dims`)."""
    return execute(EXPAND_DIMS, (conversion.tensor(input),), {"axis": _scalar_int(axis)})


def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` without its size-1 dimensions (those in `axis`, or all) (`tf.squeeze`)."""
    return execute(SQUEEZE, (conversion.tensor(input),), {"squeeze_dims": tuple(_int_list(axis))})


# --- construction: fill, zeros, ones, eye, range, linspace ----------------------------------
def _fill(xp: Any, value: Any, dims: tuple) -> Any:
    for d in dims:
        if d < 0:
            raise _invalid(f"Dimension {d} must be >= 0")
    if value.ndim != 0:
        raise _invalid(f"value must be a scalar, got a tensor of shape {_dims_text(value.shape)}")
    return xp.full(dims, value, dtype=value.dtype)


def _fill_grad(ctx: Any, dy: Tensor) -> tuple:
    return (reduce_ops.reduce_sum(dy),)


def _zeros_like(xp: Any, x: Any) -> Any:
    if x.dtype == object:
        return xp.full(x.shape, b"", dtype=object)
    return xp.zeros_like(x)


def _ones_like(xp: Any, x: Any) -> Any:
    if x.dtype == object:
        raise _invalid("ones_like is not defined for string tensors")
    return xp.ones_like(x)


FILL = Op("Fill", _fill, grad=_fill_grad)
ZEROS_LIKE = Op("ZerosLike", _zeros_like, grad=lambda ctx, dy: (None,))
ONES_LIKE = Op("OnesLike", _ones_like, grad=lambda ctx, dy: (None,))


def fill(dims: Any, value: Any, name: str | None = None, layout: Any = None) -> Tensor:
    """A tensor of shape `dims` filled with the scalar `value` (`tf.fill`)."""
    return execute(FILL, (conversion.tensor(value),), {"dims": _shape_arg(dims)})


def _filled(shape: Any, dtype: Any, value: Any) -> Tensor:
    dt = _dtypes.as_dtype(dtype)
    return execute(FILL, (conversion.tensor(value, dt),), {"dims": _shape_arg(shape)})


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
    x = conversion.tensor(input)
    if dtype is not None and _dtypes.as_dtype(dtype) != x.dtype:
        return zeros(_shape(x), dtype)
    return execute(ZEROS_LIKE, (x,))


def ones_like(input: Any, dtype: Any = None, name: str | None = None, layout: Any = None) -> Tensor:  # noqa: A002
    """Ones with the shape of `input` and its dtype, or `dtype` (`tf.ones_like`)."""
    x = conversion.tensor(input)
    if dtype is not None and _dtypes.as_dtype(dtype) != x.dtype:
        return ones(_shape(x), dtype)
    return execute(ONES_LIKE, (x,))


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
MATRIX_DIAG_PART = Op("MatrixDiagPartV3", _matrix_diag_part,
                      grad=lambda ctx, dy: (execute(MATRIX_DIAG, (dy,), {
                          "num_rows": _shape(ctx.inputs[0])[-2], "num_cols": _shape(ctx.inputs[0])[-1]}),))


def eye(num_rows: Any, num_columns: Any = None, batch_shape: Any = None, dtype: Any = _dtypes.float32,
        name: str | None = None) -> Tensor:
    """Identity matrices of shape `batch_shape + [num_rows, num_columns]` (`tf.eye`)."""
    rows = _scalar_int(num_rows)
    cols = rows if num_columns is None else _scalar_int(num_columns)
    batch = () if batch_shape is None else _shape_arg(batch_shape)
    diag = ones(batch + (min(rows, cols),), dtype)
    return execute(MATRIX_DIAG, (diag,), {"num_rows": rows, "num_cols": cols})


def _range(xp: Any, start: Any, limit: Any, delta: Any) -> Any:
    s, lim, d = start.item(), limit.item(), delta.item()
    if d == 0:
        raise _invalid(f"Requires delta != 0: {_num_text(d)}")
    if d > 0 and s > lim:
        raise _invalid(f"Requires start <= limit when delta > 0: {_num_text(s)}/{_num_text(lim)}")
    if d < 0 and s < lim:
        raise _invalid(f"Requires start >= limit when delta < 0: {_num_text(s)}/{_num_text(lim)}")
    if start.dtype.kind in "iu":
        size = (builtins.abs(lim - s) + builtins.abs(d) - 1) // builtins.abs(d)
    else:
        size = math.ceil(builtins.abs((lim - s) / d))
    # TF's kernel computes start + i * delta in the output type.
    return start + xp.arange(size).astype(start.dtype) * delta


def _num_text(v: Any) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


_RANGE_TYPES = (_dtypes.bfloat16, _dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)
RANGE = Op("Range", _range, dtypes=_RANGE_TYPES, grad=lambda ctx, dy: (None, None, None))
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
        raise _invalid(f"Requires num > 0: {num}")
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
    return execute(LINSPACE, (start_t, stop_t), {"num": _scalar_int(num), "axis": int(axis)})


# --- transpose, reverse -------------------------------------------------------------------
def _transpose(xp: Any, x: Any, perm: tuple) -> Any:
    if len(perm) != x.ndim:
        raise _invalid(f"transpose expects a vector of size {x.ndim}. But input(1) is a vector of size {len(perm)}")
    for p in perm:
        if not 0 <= p < x.ndim:
            raise _invalid(f"{p} is out of range [0 .. {x.ndim})")
    for i in builtins.range(x.ndim):
        if i not in perm:
            raise _invalid(f"{i} is missing from {{{','.join(str(p) for p in perm)}}}.")
    return xp.transpose(x, perm)


def _inverse_perm(perm: tuple) -> tuple:
    return tuple(int(i) for i in np.argsort(perm))


TRANSPOSE = Op("Transpose", _transpose,
               grad=lambda ctx, dy: (execute(TRANSPOSE, (dy,), {"perm": _inverse_perm(ctx.attrs["perm"])}),))
CONJUGATE_TRANSPOSE = Op(
    "ConjugateTranspose", lambda xp, x, perm: xp.conj(_transpose(xp, x, perm)),
    grad=lambda ctx, dy: (execute(CONJUGATE_TRANSPOSE, (dy,), {"perm": _inverse_perm(ctx.attrs["perm"])}),))


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str = "transpose") -> Tensor:
    """`a` with its dimensions permuted by `perm` (default: reversed) (`tf.transpose`)."""
    x = conversion.tensor(a)
    p = tuple(_int_list(perm)) if perm is not None else tuple(builtins.range(x.ndim - 1, -1, -1))
    op = CONJUGATE_TRANSPOSE if conjugate and x.dtype.is_complex else TRANSPOSE
    return execute(op, (x,), {"perm": p})


def _reverse(xp: Any, x: Any, axis: tuple) -> Any:
    seen = []
    for i, a in enumerate(axis):
        if not -x.ndim <= a < x.ndim:
            raise _invalid(f"'axis'[{i}] = {a} is out of valid range [0, {x.ndim - 1}")
        a %= x.ndim
        if a in seen:
            raise _invalid(f"axis {a} specified more than once.")
        seen.append(a)
    return xp.flip(x, axis=tuple(seen)) if seen else x


REVERSE = Op("ReverseV2", _reverse, grad=lambda ctx, dy: (execute(REVERSE, (dy,), ctx.attrs),))


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    """`tensor` with the dimensions in `axis` reversed (`tf.reverse`)."""
    return execute(REVERSE, (conversion.tensor(tensor),), {"axis": tuple(_int_list(axis))})


# --- concat, stack, unstack, split --------------------------------------------------------
def _concat(xp: Any, *arrays: Any, axis: int) -> Any:
    first = arrays[0]
    if first.ndim == 0:
        raise _invalid("ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -first.ndim <= axis < first.ndim:
        raise _invalid(f"ConcatOp : Expected concatenating dimensions in the range [{-first.ndim}, "
                       f"{first.ndim}), but got {axis}")
    axis %= first.ndim
    for i, a in enumerate(arrays[1:], 1):
        if a.ndim != first.ndim:
            raise _invalid(f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                           f"{_dims_text(first.shape)} vs. shape[{i}] = {_dims_text(a.shape)}")
        for d in builtins.range(first.ndim):
            if d != axis and a.shape[d] != first.shape[d]:
                raise _invalid(f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                               f"{_dims_text(first.shape)} vs. shape[{i}] = {_dims_text(a.shape)}")
    return xp.concatenate(arrays, axis=axis)


def _concat_grad(ctx: Any, dy: Tensor) -> tuple:
    axis = ctx.attrs["axis"] % len(_shape(dy))
    sizes = tuple(_shape(t)[axis] for t in ctx.inputs)
    return tuple(execute(SPLIT_V, (dy,), {"size_splits": sizes, "axis": axis}))


def _pack(xp: Any, *arrays: Any, axis: int) -> Any:
    first = arrays[0]
    for i, a in enumerate(arrays[1:], 1):
        if a.shape != first.shape:
            raise _invalid(f"Shapes of all inputs must match: values[0].shape = {_dims_text(first.shape)} "
                           f"!= values[{i}].shape = {_dims_text(a.shape)}")
    return xp.stack(arrays, axis=axis)


def _unstack(xp: Any, x: Any, axis: int = 0) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-x.ndim}, {x.ndim})")
    return [xp.take(x, i, axis=axis) for i in builtins.range(x.shape[axis])]


def _split(xp: Any, x: Any, num_split: int, axis: int) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise _invalid(f"-input rank(-{x.ndim}) <= split_dim < input rank ({x.ndim}), but got {axis}")
    if num_split < 1:
        raise _invalid(f"Value for attr 'num_split' of {num_split} must be at least minimum 1")
    size = x.shape[axis]
    if size % num_split:
        raise _invalid(f"Number of ways to split should evenly divide the split dimension, but got "
                       f"split_dim {axis % x.ndim} (size = {size}) and num_split {num_split}")
    return _split_v(xp, x, (size // num_split,) * num_split, axis)


def _split_v(xp: Any, x: Any, size_splits: tuple, axis: int, num: int | None = None) -> list:
    if num is not None and num != len(size_splits):
        raise _invalid(f"size of the split_tensor must be 1-D and have the same elements as outputs "
                       f"got 1 -D and {len(size_splits)} elements")
    if not -x.ndim <= axis < x.ndim:
        raise _invalid(f"-input rank(-{x.ndim}) <= split_dim < input rank ({x.ndim}), but got {axis}")
    axis %= x.ndim
    sizes = list(size_splits)
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    if len(unknown) > 1:
        raise _invalid("There can only be one -1 in the input.")
    total = x.shape[axis]
    known = builtins.sum(s for s in sizes if s != -1)
    if (unknown and known > total) or (not unknown and known != total):
        raise _invalid("Determined shape must either match input shape along split_dim exactly if fully "
                       "specified, or be less than the size of the input along split_dim if not fully "
                       f"specified.  Got: {known}")
    if unknown:
        sizes[unknown[0]] = total - known
    out, begin = [], 0
    for s in sizes:
        index = (builtins.slice(None),) * axis + (builtins.slice(begin, begin + s),)
        out.append(x[index])
        begin += s
    return out


def _split_grad(ctx: Any, dys: list) -> tuple:
    axis = ctx.attrs["axis"] % len(_shape(ctx.inputs[0]))
    return (execute(CONCAT, list(dys), {"axis": axis}),)


CONCAT = Op("ConcatV2", _concat, grad=_concat_grad)
PACK = Op("Pack", _pack, grad=lambda ctx, dy: tuple(execute(UNPACK, (dy,), {"axis": ctx.attrs["axis"]})))
UNPACK = Op("Unpack", _unstack, num_outputs=-1,
            grad=lambda ctx, dys: (execute(PACK, list(dys), {"axis": ctx.attrs["axis"]}),))
SPLIT = Op("Split", _split, num_outputs=-1, grad=_split_grad)
SPLIT_V = Op("SplitV", _split_v, num_outputs=-1, grad=_split_grad)


def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Joins `values` along `axis` (`tf.concat`)."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        return identity(values[0])  # TF returns an identity for one value
    if not values:
        raise _invalid("ConcatOp : Expected at least one input tensor to concatenate")
    return execute(CONCAT, _matching(CONCAT, list(values)), {"axis": _scalar_int(axis)})


def stack(values: Any, axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks rank-R tensors into one rank-(R+1) tensor along `axis` (`tf.stack`)."""
    if not values:
        return conversion.tensor(values)  # TF converts the (empty) list directly
    tensors = _matching(PACK, list(values))
    rank = tensors[0].ndim + 1
    axis = _scalar_int(axis)
    if not -rank <= axis < rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank}, {rank})")
    return execute(PACK, tensors, {"axis": axis % rank})


def unstack(value: Any, num: int | None = None, axis: int = 0, name: str = "unstack") -> list[Tensor]:
    """Splits `value` along `axis` into a list of tensors of rank R-1 (`tf.unstack`)."""
    x = conversion.tensor(value)
    if x.ndim == 0:
        raise ValueError("Cannot infer argument `num` from shape ()")
    axis = int(axis)
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-x.ndim}, {x.ndim})")
    return execute(UNPACK, (x,), {"axis": axis % x.ndim})


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: int | None = None,
          name: str = "split") -> list[Tensor]:
    """Splits `value` along `axis` into equal parts or parts of the given sizes (`tf.split`)."""
    x = conversion.tensor(value)
    axis = _scalar_int(axis)
    if isinstance(num_or_size_splits, (int, np.integer)) or (
            is_tensor_like(num_or_size_splits) and conversion.tensor(num_or_size_splits).ndim == 0):
        return execute(SPLIT, (x,), {"num_split": _scalar_int(num_or_size_splits), "axis": axis})
    sizes = tuple(_int_list(num_or_size_splits))
    attrs = {"size_splits": sizes, "axis": axis}
    if num is not None:
        attrs["num"] = int(num)
    return execute(SPLIT_V, (x,), attrs)


# --- tile, broadcast_to, pad --------------------------------------------------------------
def _tile(xp: Any, x: Any, multiples: tuple) -> Any:
    if len(multiples) != x.ndim:
        raise _invalid(f"Expected multiples argument to be a vector of length {x.ndim} but got length {len(multiples)}")
    for i, m in enumerate(multiples):
        if m < 0:
            raise _invalid(f"Expected multiples[{i}] >= 0, but got {m}")
    return xp.tile(x, multiples) if x.ndim else x.copy()


def _tile_grad(ctx: Any, dy: Tensor) -> tuple:
    shape = _shape(ctx.inputs[0])
    multiples = ctx.attrs["multiples"]
    split_shape = tuple(v for pair in zip(multiples, shape) for v in pair)
    summed = reduce_ops.reduce_sum(reshape(dy, split_shape), axis=list(builtins.range(0, 2 * len(shape), 2)))
    return (summed,)


def _broadcast_to(xp: Any, x: Any, shape: tuple) -> Any:
    try:
        np.broadcast_shapes(x.shape, shape)
        if len(shape) < x.ndim or np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise _invalid(f"Incompatible shapes: {_dims_text(x.shape)} vs. {_dims_text(shape)}") from None
    return xp.broadcast_to(x, shape)


def _broadcast_to_grad(ctx: Any, dy: Tensor) -> tuple:
    shape = _shape(ctx.inputs[0])
    out = _shape(dy)
    lead = len(out) - len(shape)
    axes = list(builtins.range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and out[lead + i] != 1]
    return (reshape(reduce_ops.reduce_sum(dy, axis=axes), shape) if axes else dy,)


TILE = Op("Tile", _tile, grad=_tile_grad)
BROADCAST_TO = Op("BroadcastTo", _broadcast_to, grad=_broadcast_to_grad)


def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` repeated `multiples[i]` times along each dimension i (`tf.tile`)."""
    return execute(TILE, (conversion.tensor(input),), {"multiples": tuple(_int_list(multiples))})


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` broadcast to `shape` (`tf.broadcast_to`)."""
    return execute(BROADCAST_TO, (conversion.tensor(input),), {"shape": _shape_arg(shape)})


def _check_paddings(x: Any, paddings: tuple) -> None:
    if len(paddings) != x.ndim:
        raise _invalid(f"The first dimension of paddings must be the rank of inputs"
                       f"{_dims_text((len(paddings), 2))} {_dims_text(x.shape)}")


def _pad(xp: Any, x: Any, paddings: tuple) -> Any:
    return _pad_v2(xp, x, _zeros_like(xp, xp.empty((), dtype=x.dtype)), paddings)


def _pad_v2(xp: Any, x: Any, constant_values: Any, paddings: tuple) -> Any:
    _check_paddings(x, paddings)
    for before, after in paddings:
        if before < 0 or after < 0:
            raise _invalid(f"Paddings must be non-negative: {before} {after}")
    out = xp.full(tuple(b + d + a for (b, a), d in zip(paddings, x.shape)), constant_values, dtype=x.dtype)
    out[tuple(builtins.slice(b, b + d) for (b, _), d in zip(paddings, x.shape))] = x
    return out


def _pad_grad(ctx: Any, dy: Tensor) -> tuple:
    paddings = ctx.attrs["paddings"]
    begin = tuple(b for b, _ in paddings)
    sliced = execute(SLICE, (dy,), {"begin": begin, "size": _shape(ctx.inputs[0])})
    return (sliced,) if len(ctx.inputs) == 1 else (sliced, None)


def _mirror_pad(xp: Any, x: Any, paddings: tuple, mode: str) -> Any:
    _check_paddings(x, paddings)
    offset = 1 if mode == "REFLECT" else 0
    for before, after in paddings:
        if before < 0 or after < 0:
            raise _invalid(f"Paddings must be non-negative: {before} {after}")
    for (before, after), d in zip(paddings, x.shape):
        if offset and (before >= d or after >= d):
            raise _invalid(f"paddings must be less than the dimension size: {before}, {after} not less than {d}")
        if not offset and (before > d or after > d):
            raise _invalid(f"paddings must be no greater than the dimension size: {before}, {after} greater than {d}")
    return xp.pad(x, paddings, mode="reflect" if offset else "symmetric")


def _mirror_pad_grad_kernel(xp: Any, dy: Any, paddings: tuple, mode: str) -> Any:
    """Folds the mirrored borders of `dy` back onto the values they copied (TF's MirrorPadGrad)."""
    offset = 1 if mode == "REFLECT" else 0
    out = dy
    for axis, (before, after) in enumerate(paddings):
        n = out.shape[axis] - before - after

        def part(lo: int, hi: int, step: int = 1) -> tuple:
            return (builtins.slice(None),) * axis + (builtins.slice(lo, hi, step),)

        folded = out[part(before, before + n)].copy()
        if before:
            folded[part(offset, offset + before)] += out[part(0, before)][part(None, None, -1)]
        if after:
            folded[part(n - after - offset, n - offset)] += out[part(before + n, None)][part(None, None, -1)]
        out = folded
    return out


PAD = Op("Pad", _pad, grad=_pad_grad)
PAD_V2 = Op("PadV2", _pad_v2, grad=_pad_grad)
MIRROR_PAD = Op("MirrorPad", _mirror_pad,
                grad=lambda ctx, dy: (execute(MIRROR_PAD_GRAD, (dy,), ctx.attrs),))
MIRROR_PAD_GRAD = Op("MirrorPadGrad", _mirror_pad_grad_kernel,
                     grad=lambda ctx, dy: (execute(MIRROR_PAD, (dy,), ctx.attrs),))


def _paddings_arg(paddings: Any) -> tuple:
    if is_tensor_like(paddings):
        paddings = conversion.tensor(paddings).numpy()
    array = np.asarray(paddings).reshape(-1, 2) if np.size(paddings) else np.zeros((0, 2), int)
    return tuple((int(a), int(b)) for a, b in array)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0,
        name: str | None = None) -> Tensor:
    """`tensor` padded by `paddings[i] = [before, after]` per dimension (`tf.pad`)."""
    x = conversion.tensor(tensor)
    mode_upper = str(mode).upper()
    pads = _paddings_arg(paddings)
    if mode_upper == "CONSTANT":
        if not is_tensor_like(constant_values) and np.ndim(constant_values) == 0 and constant_values == 0:
            return execute(PAD, (x,), {"paddings": pads})  # TF uses Pad (zeros, '' for strings) here
        return execute(PAD_V2, _matching(PAD_V2, [x, constant_values]), {"paddings": pads})
    if mode_upper in ("REFLECT", "SYMMETRIC"):
        return execute(MIRROR_PAD, (x,), {"paddings": pads, "mode": mode_upper})
    raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC". '
                     f"Received `mode` = {mode}")


# --- slicing: slice, strided_slice, tensor[...] ---------------------------------------------
def _slice(xp: Any, x: Any, begin: tuple, size: tuple) -> Any:
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise _invalid(f"Expected begin and size arguments to be 1-D tensors of size {x.ndim}, but got "
                       f"shapes [{len(begin)}] and [{len(size)}] instead.")
    index = []
    for i, (b, s, d) in enumerate(zip(begin, size, x.shape)):
        if s == -1:
            s = d - b
        if not 0 <= b <= d:
            raise _invalid(f"Expected begin[{i}] in [0, {d}], but got {b}")
        if not 0 <= s or b + s > d:
            raise _invalid(f"Expected size[{i}] in [0, {d - b}], but got {s}")
        index.append(builtins.slice(b, b + s))
    return x[tuple(index)]


def _slice_grad(ctx: Any, dy: Tensor) -> tuple:
    shape = _shape(ctx.inputs[0])
    begin = ctx.attrs["begin"]
    pads = tuple((b, d - b - s) for b, s, d in zip(begin, _shape(dy), shape))
    return (execute(PAD, (dy,), {"paddings": pads}),)


SLICE = Op("Slice", _slice, grad=_slice_grad)


def slice(input_: Any, begin: Any, size: Any, name: str | None = None) -> Tensor:  # noqa: A001
    """The block of `input_` starting at `begin` with extent `size` (-1: to the end) (`tf.slice`)."""
    return execute(SLICE, (conversion.tensor(input_),),
                   {"begin": tuple(_int_list(begin)), "size": tuple(_int_list(size))})


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                "tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _index_item(item: Any) -> Any:
    if item is None or item is Ellipsis:
        return item
    if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
        return int(item)
    if isinstance(item, builtins.slice):
        return builtins.slice(*(None if v is None else _index_item(v) for v in (item.start, item.stop, item.step)))
    if is_tensor_like(item):
        t = conversion.tensor(item)
        if t.ndim == 0 and t.dtype in (_dtypes.int32, _dtypes.int64):
            return int(t.numpy())
    raise TypeError(_INDEX_ERROR.format(item))


def normalize_index(key: Any) -> tuple:
    """A Python index expression as a tuple of ints, slices, Ellipsis and None (TF's rules).

    The tuple is a valid NumPy basic index with TF's meaning, so the StridedSlice kernel (and
    the variable slice-assign) apply it directly.
    """
    if isinstance(key, (bool, np.bool_)):
        raise ValueError("mask cannot be scalar.")  # TF treats a bool key as a boolean mask
    items = key if isinstance(key, (tuple, list)) else (key,)  # TF reads a list key as a tuple
    return tuple(_index_item(item) for item in items)


def _strided_slice(xp: Any, x: Any, index: tuple, error: str | None = None) -> Any:
    if error is not None:
        raise _invalid(error)
    if index.count(Ellipsis) > 1:
        raise _invalid("Multiple ellipses in slice spec not allowed")
    consuming = [i for i, item in enumerate(index) if item is not None and item is not Ellipsis]
    if len(consuming) > x.ndim:
        raise _invalid(f"Index out of range using input dim {x.ndim}; input has only {x.ndim} dims")
    dim = 0
    for pos, item in enumerate(index):
        if item is Ellipsis:
            dim = x.ndim - builtins.sum(1 for i in consuming if i > pos)
        elif isinstance(item, int):
            size = x.shape[dim]
            if not -size <= item < size:
                raise _invalid(f"slice index {item + size if item < 0 else item} of dimension {dim} out of bounds.")
            dim += 1
        elif isinstance(item, builtins.slice):
            if item.step == 0:
                raise _invalid(f"strides[{pos}] must be non-zero")
            dim += 1
    return xp.asarray(x[index])


def _strided_slice_grad_kernel(xp: Any, dy: Any, shape: tuple, index: tuple) -> Any:
    out = xp.zeros(shape, dtype=dy.dtype)
    out[index] = dy
    return out


STRIDED_SLICE = Op("StridedSlice", _strided_slice,
                   grad=lambda ctx, dy: (execute(STRIDED_SLICE_GRAD, (dy,), {
                       "shape": _shape(ctx.inputs[0]), "index": ctx.attrs["index"]}),))
STRIDED_SLICE_GRAD = Op("StridedSliceGrad", _strided_slice_grad_kernel,
                        grad=lambda ctx, dy: (execute(STRIDED_SLICE, (dy,), {"index": ctx.attrs["index"]}),))


def getitem(tensor: Any, key: Any) -> Tensor:
    """`tensor[key]` with TF's indexing rules (ints, slices, `...`, `tf.newaxis`, int tensors)."""
    return execute(STRIDED_SLICE, (conversion.tensor(tensor),), {"index": normalize_index(key)})


def _masks_to_index(begin: list, end: list, strides: list, begin_mask: int, end_mask: int,
                    ellipsis_mask: int, new_axis_mask: int, shrink_axis_mask: int) -> tuple[tuple, str | None]:
    """TF's strided_slice spec (begin/end/strides + bit masks) as a NumPy basic index."""
    index: list = []
    error = None
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            if s <= 0 and error is None:
                error = "only stride 1 allowed on non-range indexing."
            index.append(b)
        else:
            index.append(builtins.slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return tuple(index), error


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None, name: str | None = None) -> Tensor:
    """The strided slice of `input_` described by begin/end/strides and TF's masks (`tf.strided_slice`)."""
    x = conversion.tensor(input_)
    b, e = _int_list(begin), _int_list(end)
    s = _int_list(strides) if strides is not None else [1] * len(b)
    if not len(b) == len(e) == len(s):
        index, error = (), (f"Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
                            f"[{len(b)}], [{len(e)}], and [{len(s)}] instead.")
    else:
        index, error = _masks_to_index(b, e, s, int(begin_mask), int(end_mask), int(ellipsis_mask),
                                       int(new_axis_mask), int(shrink_axis_mask))
    attrs = {"index": index} if error is None else {"index": index, "error": error}
    return execute(STRIDED_SLICE, (x,), attrs)


# --- gather, gather_nd, scatter -----------------------------------------------------------
def _first_bad(xp: Any, bad: Any) -> tuple | None:
    """The multi-index of the first True in `bad`, or None."""
    if not bool(xp.any(bad)):
        return None
    flat = int(xp.argmax(bad.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, bad.shape))


def _position_text(position: tuple) -> str:
    return "[" + ",".join(str(i) for i in position) + "]" if position else ""


def _gather(xp: Any, params: Any, indices: Any, axis: int, batch_dims: int) -> Any:
    if params.ndim < axis + 1:
        raise _invalid(f"Shape must be at least rank {axis + 1} but is rank {params.ndim}")
    if batch_dims > axis:
        raise _invalid(f"batch_dims ({batch_dims}) must be less than or equal to axis ({axis}).")
    limit = params.shape[axis]
    position = _first_bad(xp, (indices < 0) | (indices >= limit))
    if position is not None:
        value = int(indices[position])
        raise _invalid(f"indices{_position_text(position)} = {value} is not in [0, {limit})")
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    batch = params.shape[:batch_dims]
    nb = math.prod(batch)
    p = params.reshape((nb,) + params.shape[batch_dims:])
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    p = xp.moveaxis(p, axis - batch_dims + 1, 1)  # (nb, N, outer..., inner...)
    rows = xp.arange(nb).reshape((nb,) + (1,) * (idx.ndim - 1))
    out = p[rows, idx]  # (nb, I..., outer..., inner...)
    n_i = idx.ndim - 1
    n_outer = axis - batch_dims
    perm = [0] + [1 + n_i + k for k in builtins.range(n_outer)] + [1 + k for k in builtins.range(n_i)]
    perm += list(builtins.range(1 + n_i + n_outer, out.ndim))
    out = xp.transpose(out, perm)
    return out.reshape(batch + out.shape[1:])


def _gather_grad(ctx: Any, dy: Tensor) -> tuple:
    params, indices = ctx.inputs
    axis, bd = ctx.attrs["axis"], ctx.attrs["batch_dims"]
    pshape = _shape(params)
    batch, outer, n, inner = pshape[:bd], pshape[bd:axis], pshape[axis], pshape[axis + 1:]
    ishape = _shape(indices)[bd:]
    nb, ni = math.prod(batch), math.prod(ishape)
    n_outer, n_i = len(outer), len(ishape)
    # dy is batch + outer + I + inner: bring I forward, flatten, and sum rows into segments.
    perm = list(builtins.range(bd)) + [bd + n_outer + k for k in builtins.range(n_i)]
    perm += [bd + k for k in builtins.range(n_outer)] + list(builtins.range(bd + n_outer + n_i, len(_shape(dy))))
    rows = reshape(transpose(dy, perm), (nb * ni,) + outer + inner)
    ids = reshape(indices, (nb, ni))
    if nb > 1:
        offsets = reshape(range(0, nb * n, n, dtype=indices.dtype), (nb, 1))
        ids = math_ops.add(ids, offsets)
    summed = unsorted_segment_sum(rows, reshape(ids, (-1,)), nb * n)
    summed = reshape(summed, batch + (n,) + outer + inner)
    back = list(builtins.range(bd)) + [bd + 1 + k for k in builtins.range(n_outer)] + [bd]
    back += list(builtins.range(bd + 1 + n_outer, bd + 1 + n_outer + len(inner)))
    return (transpose(summed, back), None)


_INDEX_TYPES = (_dtypes.int16, _dtypes.int32, _dtypes.int64)
GATHER = Op("GatherV2", _gather, grad=_gather_grad)


def _check_index_dtype(op: Op, indices: Tensor, attr: str = "Tindices", allowed: tuple = _INDEX_TYPES) -> None:
    if indices.dtype not in allowed:
        names = ", ".join(cpp_name(d) for d in allowed)
        raise errors.op_error(errors.InvalidArgumentError,
                              f"Value for attr '{attr}' of {cpp_name(indices.dtype)} is not in the list of "
                              f"allowed values: {names}\n\t; NodeDef: {{{{node {op.name}}}}}", op.name)


def gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None, batch_dims: int = 0,
           name: str | None = None) -> Tensor:
    """Slices of `params` along `axis` at `indices` (`tf.gather`)."""
    p = conversion.tensor(params)
    idx = _index_tensor(indices)
    _check_index_dtype(GATHER, idx)
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += idx.ndim
    axis = batch_dims if axis is None else _scalar_int(axis)
    if axis < 0:
        axis += p.ndim
    return execute(GATHER, (p, idx), {"axis": axis, "batch_dims": batch_dims})


def _nd_index(indices: Any) -> tuple:
    return tuple(indices[..., k] for k in builtins.range(indices.shape[-1]))


def _check_nd_indices(xp: Any, indices: Any, shape: tuple, what: str) -> None:
    depth = indices.shape[-1]
    bounds = xp.asarray(shape[:depth], dtype=indices.dtype)
    bad = xp.any((indices < 0) | (indices >= bounds), axis=-1)
    position = _first_bad(xp, bad)
    if position is not None:
        values = ", ".join(str(int(v)) for v in indices[position])
        raise _invalid(f"indices{_position_text(position) or '[0]'} = [{values}] does not index into {what} {_dims_text(shape)}")


def _gather_nd(xp: Any, params: Any, indices: Any, batch_dims: int = 0) -> Any:
    batch = params.shape[:batch_dims]
    nb = math.prod(batch)
    p = params.reshape((nb,) + params.shape[batch_dims:])
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    inner = p.shape[1:]
    if idx.shape[-1] > len(inner):
        raise _invalid(f"index innermost dimension length must be <= params rank; saw: {idx.shape[-1]} vs. {len(inner)}")
    position = _first_bad(xp, xp.any((idx < 0) | (idx >= xp.asarray(inner[:idx.shape[-1]], dtype=idx.dtype)), axis=-1))
    if position is not None:
        position = np.unravel_index(np.ravel_multi_index(position, idx.shape[:-1]), indices.shape[:-1])
        values = ", ".join(str(int(v)) for v in indices[tuple(position)])
        raise _invalid(f"indices{_position_text(tuple(int(i) for i in position))} = [{values}] does not index "
                       f"into param shape {_dims_text(params.shape)}, node name: GatherNd")
    rows = xp.arange(nb).reshape((nb,) + (1,) * (idx.ndim - 2))
    out = p[(rows,) + _nd_index(idx)]
    return out.reshape(batch + out.shape[1:])


def _gather_nd_grad(ctx: Any, dy: Tensor) -> tuple:
    params, indices = ctx.inputs
    bd = ctx.attrs["batch_dims"]
    pshape = _shape(params)
    if bd == 0:
        return (scatter_nd(indices, dy, pshape), None)
    batch, rest = pshape[:bd], pshape[bd:]
    nb = math.prod(batch)
    ishape = _shape(indices)
    nj, depth = math.prod(ishape[bd:-1]), ishape[-1]
    idx = reshape(indices, (nb, nj, depth))
    rows = broadcast_to(reshape(range(nb, dtype=indices.dtype), (nb, 1, 1)), (nb, nj, 1))
    full = concat([rows, idx], -1)
    updates = reshape(dy, (nb, nj) + rest[depth:])
    return (reshape(scatter_nd(full, updates, (nb,) + rest), pshape), None)


GATHER_ND = Op("GatherNd", _gather_nd, grad=_gather_nd_grad)


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name: str | None = None) -> Tensor:
    """Slices of `params` at the coordinates in `indices`' last dimension (`tf.gather_nd`)."""
    idx = _index_tensor(indices)
    _check_index_dtype(GATHER_ND, idx)
    return execute(GATHER_ND, (conversion.tensor(params), idx), {"batch_dims": int(batch_dims)})


def _scatter_at(xp: Any, ufunc: str, target: Any, index: tuple, values: Any) -> None:
    """`target[index] op= values` with repeated indices combined (NumPy's ufunc.at; cupyx on GPU)."""
    fn = getattr(xp, ufunc)
    if hasattr(fn, "at"):
        fn.at(target, index, values)
        return
    import cupyx  # GPU only

    getattr(cupyx, {"add": "scatter_add", "minimum": "scatter_min", "maximum": "scatter_max"}[ufunc])(
        target, index, values)


def _check_updates(indices: Any, updates: Any, shape: tuple, op_name: str) -> None:
    outer = indices.shape[:-1]
    expected = outer + tuple(shape[indices.shape[-1]:])
    if updates.shape != expected:
        if op_name == "ScatterNd":
            raise _invalid(f"Dimensions [0,{len(outer)}) of indices[shape={_dims_text(indices.shape)}] must "
                           f"match dimensions [0,{len(outer)}) of updates[shape={_dims_text(updates.shape)}]")
        raise _invalid(f"Outer dimensions of indices and update must match. Indices shape: "
                       f"{_dims_text(indices.shape)}, updates shape:{_dims_text(updates.shape)}")


def _scatter_nd(xp: Any, indices: Any, updates: Any, shape: tuple) -> Any:
    _check_updates(indices, updates, shape, "ScatterNd")
    _check_nd_indices(xp, indices, shape, "shape")
    out = _zeros_like(xp, xp.empty(shape, dtype=updates.dtype))
    _scatter_at(xp, "add", out, _nd_index(indices), updates)
    return out


def _tensor_scatter(ufunc: str | None, op_name: str) -> Any:
    def forward(xp: Any, tensor: Any, indices: Any, updates: Any) -> Any:
        _check_updates(indices, updates, tensor.shape, op_name)
        _check_nd_indices(xp, indices, tensor.shape, "shape")
        out = tensor.copy()
        if ufunc is None:
            out[_nd_index(indices)] = updates
        elif ufunc == "subtract":
            _scatter_at(xp, "add", out, _nd_index(indices), -updates)
        else:
            _scatter_at(xp, ufunc, out, _nd_index(indices), updates)
        return out

    return forward


def _tensor_scatter_update_grad(ctx: Any, dy: Tensor) -> tuple:
    _, indices, updates = ctx.inputs
    cleared = execute(TENSOR_SCATTER_UPDATE, (dy, indices, zeros_like(updates)))
    return (cleared, None, gather_nd(dy, indices))


def _tensor_scatter_min_max_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's rule: the gradient is shared among the inputs that equal the chosen output.
    tensor, indices, updates = ctx.inputs
    out = ctx.output
    x_hit = math_ops.cast(math_ops.equal(tensor, out), dy.dtype)
    y_hit = math_ops.cast(math_ops.equal(updates, gather_nd(out, indices)), dy.dtype)
    hits = math_ops.add(x_hit, scatter_nd(indices, y_hit, _shape(tensor)))
    share = math_ops.divide(dy, hits)
    return (math_ops.multiply(share, x_hit), None, math_ops.multiply(gather_nd(share, indices), y_hit))


SCATTER_ND = Op("ScatterNd", _scatter_nd, grad=lambda ctx, dy: (None, gather_nd(dy, ctx.inputs[0])))
TENSOR_SCATTER_UPDATE = Op("TensorScatterUpdate", _tensor_scatter(None, "TensorScatterUpdate"),
                           grad=_tensor_scatter_update_grad)
TENSOR_SCATTER_ADD = Op("TensorScatterAdd", _tensor_scatter("add", "TensorScatterAdd"),
                        grad=lambda ctx, dy: (dy, None, gather_nd(dy, ctx.inputs[1])))
TENSOR_SCATTER_SUB = Op("TensorScatterSub", _tensor_scatter("subtract", "TensorScatterSub"),
                        grad=lambda ctx, dy: (dy, None, math_ops.negative(gather_nd(dy, ctx.inputs[1]))))
TENSOR_SCATTER_MIN = Op("TensorScatterMin", _tensor_scatter("minimum", "TensorScatterMin"),
                        grad=_tensor_scatter_min_max_grad)
TENSOR_SCATTER_MAX = Op("TensorScatterMax", _tensor_scatter("maximum", "TensorScatterMax"),
                        grad=_tensor_scatter_min_max_grad)


def scatter_nd(indices: Any, updates: Any, shape: Any, name: str | None = None) -> Tensor:
    """Zeros of `shape` with `updates` summed in at `indices` (`tf.scatter_nd`)."""
    idx = _index_tensor(indices)
    _check_index_dtype(SCATTER_ND, idx)
    return execute(SCATTER_ND, (idx, conversion.tensor(updates)), {"shape": _shape_arg(shape)})


def _run_tensor_scatter(op: Op, tensor: Any, indices: Any, updates: Any) -> Tensor:
    t = conversion.tensor(tensor)
    idx = _index_tensor(indices)
    _check_index_dtype(op, idx)
    t, u = _matching(op, [t, updates])
    return execute(op, (t, idx, u))


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with the slices at `indices` replaced by `updates` (`tf.tensor_scatter_nd_update`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_UPDATE, tensor, indices, updates)


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with `updates` added at `indices` (`tf.tensor_scatter_nd_add`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_ADD, tensor, indices, updates)


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with `updates` subtracted at `indices` (`tf.tensor_scatter_nd_sub`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_SUB, tensor, indices, updates)


def tensor_scatter_nd_min(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """Elementwise min of `tensor` and `updates` at `indices` (`tf.tensor_scatter_nd_min`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_MIN, tensor, indices, updates)


def tensor_scatter_nd_max(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """Elementwise max of `tensor` and `updates` at `indices` (`tf.tensor_scatter_nd_max`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_MAX, tensor, indices, updates)


def _unsorted_segment_sum(xp: Any, data: Any, segment_ids: Any, num_segments: int) -> Any:
    position = _first_bad(xp, segment_ids >= num_segments)
    if position is not None:
        raise _invalid(f"segment_ids{_position_text(position)} = {int(segment_ids[position])} is out of range "
                       f"[0, {num_segments})")
    out = xp.zeros((num_segments,) + data.shape[segment_ids.ndim:], dtype=data.dtype)
    keep = segment_ids >= 0  # TF drops negative ids
    _scatter_at(xp, "add", out, segment_ids[keep], data[keep])
    return out


def _unsorted_segment_sum_grad(ctx: Any, dy: Tensor) -> tuple:
    ids = ctx.inputs[1]
    gathered = gather(dy, math_ops.maximum(ids, 0))
    keep = math_ops.greater_equal(ids, 0)
    extra = len(_shape(gathered)) - len(_shape(ids))
    keep = reshape(keep, _shape(ids) + (1,) * extra)
    return (where(keep, gathered, zeros_like(gathered)), None)


UNSORTED_SEGMENT_SUM = Op("UnsortedSegmentSum", _unsorted_segment_sum, grad=_unsorted_segment_sum_grad)


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Sums of the rows of `data` per segment id; negative ids are dropped (`tf.math.unsorted_segment_sum`)."""
    ids = _index_tensor(segment_ids)
    return execute(UNSORTED_SEGMENT_SUM, (conversion.tensor(data), ids), {"num_segments": _scalar_int(num_segments)})


# --- where, one_hot -----------------------------------------------------------------------
def _where_coords(xp: Any, condition: Any) -> Any:
    if condition.ndim == 0:
        raise _invalid("WhereOp : Unhandled input dimensions: 0")
    return xp.argwhere(condition).astype(xp.int64)


def _select(xp: Any, condition: Any, x: Any, y: Any) -> Any:
    try:
        np.broadcast_shapes(condition.shape, x.shape, y.shape)
    except ValueError:
        raise _invalid(f"condition {_dims_text(condition.shape)}, then {_dims_text(x.shape)}, and else "
                       f"{_dims_text(y.shape)} must be broadcastable") from None
    return xp.where(condition, x, y)


def _select_grad(ctx: Any, dy: Tensor) -> tuple:
    condition = ctx.inputs[0]
    none = zeros_like(dy)
    return (None, where(condition, dy, none), where(condition, none, dy))


WHERE = Op("Where", _where_coords, grad=lambda ctx, dy: (None,))
SELECT_V2 = Op("SelectV2", _select, grad=_select_grad)


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """With x and y: elements of x where `condition`, else y, broadcast (`SelectV2`). Alone: the
    int64 coordinates of the true (non-zero) elements of `condition` (`tf.where`)."""
    if x is None and y is None:
        return execute(WHERE, (conversion.tensor(condition),))
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = conversion.tensor(condition, _dtypes.bool) if not is_tensor_like(condition) else conversion.tensor(condition)
    xt, yt = _matching(SELECT_V2, [x, y], first_index=1)
    return execute(SELECT_V2, (c, xt, yt))


def _one_hot(xp: Any, indices: Any, on_value: Any, off_value: Any, depth: int, axis: int) -> Any:
    if depth < 0:
        raise _invalid(f"depth must be non-negative, got: {depth}")
    if not -1 <= axis <= indices.ndim:
        raise _invalid(f"Expected axis to be -1 or between [0, {indices.ndim + 1}).  But received: {axis}")
    hot = indices[..., None] == xp.arange(depth, dtype=indices.dtype)
    out = xp.where(hot, on_value, off_value).astype(on_value.dtype)
    return out if axis == -1 else xp.moveaxis(out, -1, axis)


ONE_HOT = Op("OneHot", _one_hot, grad=lambda ctx, dy: (None, None, None))
_ONE_HOT_INDEX_TYPES = (_dtypes.uint8, _dtypes.int8, _dtypes.int32, _dtypes.int64)


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None, axis: Any = None,
            dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot vectors for `indices` along `axis` (default last); out-of-range ids give all
    `off_value` (`tf.one_hot`)."""
    idx = _index_tensor(indices)
    _check_index_dtype(ONE_HOT, idx, "TI", _ONE_HOT_INDEX_TYPES)
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
    return execute(ONE_HOT, (idx, on, off), {"depth": _scalar_int(depth), "axis": -1 if axis is None else int(axis)})


# --- shape, rank, size --------------------------------------------------------------------
SHAPE = Op("Shape", lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type), grad=lambda ctx, dy: (None,))
SIZE = Op("Size", lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type), grad=lambda ctx, dy: (None,))
RANK = Op("Rank", lambda xp, x: xp.asarray(x.ndim, dtype=xp.int32), grad=lambda ctx, dy: (None,))
SHAPE_N = Op("ShapeN", lambda xp, *xs, out_type: [xp.asarray(x.shape, dtype=out_type) for x in xs],
             num_outputs=-1, grad=lambda ctx, dys: (None,) * len(ctx.inputs))


def _out_type(out_type: Any) -> Any:
    dt = _dtypes.int32 if out_type is None else _dtypes.as_dtype(out_type)
    return np.dtype(dt.as_numpy_dtype)


def shape(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """The shape of `input` as a 1-D int32 (or `out_type`) tensor (`tf.shape`)."""
    return execute(SHAPE, (conversion.tensor(input),), {"out_type": _out_type(out_type)})


def shape_n(input: Any, out_type: Any = _dtypes.int32, name: str | None = None) -> list[Tensor]:  # noqa: A002
    """The shapes of a list of tensors (`tf.shape_n`)."""
    return execute(SHAPE_N, [conversion.tensor(t) for t in input], {"out_type": _out_type(out_type)})


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of dimensions of `input` as an int32 scalar (`tf.rank`)."""
    return execute(RANK, (conversion.tensor(input),))


def size(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """The number of elements of `input` as an int32 (or `out_type`) scalar (`tf.size`)."""
    return execute(SIZE, (conversion.tensor(input),), {"out_type": _out_type(out_type)})
