"""Joining and splitting tensors (`tf.concat`, `tf.stack`, `tf.unstack`, `tf.split`).

Each op is declared once with its gradient beside it (concat's gradient splits, split's
concatenates). TF names these ops' errors after the list length (`ConcatV2_N_2`,
`Split_num_split_2`, `Unpack_num_3`), which `conversion.numbered` reproduces.
"""
from __future__ import annotations

import builtins
import numbers
from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import is_tensor_like
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.ops import conversion, dispatch, run_time_axis
from eagerflow._src.ops.array_args import (
    dims_text, index_operands, int_tuple, ints_of, invalid, matching, scalar_int, static_shape,
)
from eagerflow._src.ops.array_ops import identity


# --- concat, stack, unstack, split --------------------------------------------------------
def _concat(xp: Any, *arrays: Any, axis: int) -> Any:
    first = arrays[0]
    if first.ndim == 0:
        raise invalid("ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -first.ndim <= axis < first.ndim:
        raise invalid(f"ConcatOp : Expected concatenating dimensions in the range [{-first.ndim}, "
                      f"{first.ndim}), but got {axis}")
    axis %= first.ndim
    for i, a in enumerate(arrays[1:], 1):
        if a.ndim != first.ndim:
            raise invalid(f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                          f"{dims_text(first.shape)} vs. shape[{i}] = {dims_text(a.shape)}")
        for d in builtins.range(first.ndim):
            if d != axis and a.shape[d] != first.shape[d]:
                raise invalid(f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                              f"{dims_text(first.shape)} vs. shape[{i}] = {dims_text(a.shape)}")
    return xp.concatenate(arrays, axis=axis)


def _concat_grad(ctx: Any, dy: Tensor) -> tuple:
    if any(t._array.shape is None or t._array.shape[ctx.attrs["axis"]] is None for t in ctx.inputs):
        # sizes known only when the graph runs: dy split like the inputs (TF's ConcatOffset + Slice)
        return tuple(execute(SPLIT_LIKE, (dy, *ctx.inputs), {"axis": ctx.attrs["axis"]}))
    axis = ctx.attrs["axis"] % len(static_shape(dy))
    sizes = tuple(static_shape(t)[axis] for t in ctx.inputs)
    return tuple(execute(SPLIT_V, (dy,), {"size_splits": sizes, "axis": axis}))


def _pack(xp: Any, *arrays: Any, axis: int) -> Any:
    first = arrays[0]
    for i, a in enumerate(arrays[1:], 1):
        if a.shape != first.shape:
            raise invalid(f"Shapes of all inputs must match: values[0].shape = {dims_text(first.shape)} "
                          f"!= values[{i}].shape = {dims_text(a.shape)}")
    return xp.stack(arrays, axis=axis)


def _unstack(xp: Any, x: Any, axis: int = 0, num: int | None = None) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise invalid(f"axis = {axis} not in [{-x.ndim}, {x.ndim})")
    axis %= x.ndim
    if num is not None and x.shape[axis] != num:
        raise invalid(f"Input shape axis {axis} must equal {num}, got shape {dims_text(x.shape)}")
    return [xp.take(x, i, axis=axis) for i in builtins.range(x.shape[axis])]


def _split(xp: Any, x: Any, num_split: int, axis: int) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise invalid(f"-input rank(-{x.ndim}) <= split_dim < input rank ({x.ndim}), but got {axis}")
    size = x.shape[axis]
    if size % num_split:
        raise invalid(f"Number of ways to split should evenly divide the split dimension, but got "
                      f"split_dim {axis % x.ndim} (size = {size}) and num_split {num_split}")
    return _split_v(xp, x, (size // num_split,) * num_split, axis)


def _split_v(xp: Any, x: Any, size_splits: tuple, axis: int) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise invalid(f"-input rank(-{x.ndim}) <= split_dim < input rank ({x.ndim}), but got {axis}")
    axis %= x.ndim
    sizes = list(size_splits)
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    if len(unknown) > 1:
        raise invalid("There can only be one -1 in the input.")
    total = x.shape[axis]
    known = builtins.sum(s for s in sizes if s != -1)
    if (unknown and known > total) or (not unknown and known != total):
        raise invalid("Determined shape must either match input shape along split_dim exactly if fully "
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
    rank = ctx.inputs[0]._array.ndim
    axis = ctx.attrs["axis"] if rank is None else ctx.attrs["axis"] % rank
    return (execute(CONCAT, list(dys), {"axis": axis}),)


def _split_like(xp: Any, dy: Any, *likes: Any, axis: int) -> list:
    axis %= dy.ndim
    out, begin = [], 0
    for like in likes:
        index = (builtins.slice(None),) * axis + (builtins.slice(begin, begin + like.shape[axis]),)
        out.append(xp.ascontiguousarray(dy[index]))
        begin += like.shape[axis]
    return out


def _split_like_shape(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, like._array.shape) for like in inputs[1:]]


# dy split along `axis` into pieces the sizes of the other inputs (the gradient of a concat whose
# sizes are known only when the graph runs); its gradient is the concat of the pieces' gradients.
SPLIT_LIKE = Op("ConcatGradSplit", _split_like, num_outputs=-1, shape_fn=_split_like_shape,
                grad=lambda ctx, dys: (execute(CONCAT, list(dys), {"axis": ctx.attrs["axis"]}),)
                + (None,) * (len(ctx.inputs) - 1))


CONCAT = Op("ConcatV2", _concat, grad=_concat_grad)
def _unpack_shape(inputs: Any, attrs: dict) -> list | None:
    x = inputs[0]._array
    if x.shape is None and attrs.get("num") is not None:  # unknown rank: `num` pieces of unknown shape
        return [(x.dtype, None)] * attrs["num"]
    return None


PACK = Op("Pack", _pack, grad=lambda ctx, dy: tuple(execute(UNPACK, (dy,), {
    "axis": ctx.attrs["axis"], "num": len(ctx.inputs)})))
UNPACK = Op("Unpack", _unstack, num_outputs=-1, shape_fn=_unpack_shape,
            grad=lambda ctx, dys: (execute(PACK, list(dys), {"axis": ctx.attrs["axis"]}),))
def _split_shape(inputs: Any, attrs: dict) -> list | None:
    x = inputs[0]._array
    if x.shape is None:  # unknown rank: as many pieces of unknown shape as asked for
        return [(x.dtype, None)] * (attrs["num_split"] if "num_split" in attrs else len(attrs["size_splits"]))
    return None


SPLIT = Op("Split", _split, num_outputs=-1, grad=_split_grad, shape_fn=_split_shape)
SPLIT_V = Op("SplitV", _split_v, num_outputs=-1, grad=_split_grad, shape_fn=_split_shape)


# The errors of these list ops name TF's wrapped function after the list's length (`ConcatV2_N_2`)
# and, on TF's fast path, end with the Python function's name (`name: concat`).
def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Joins `values` along `axis` (`tf.concat`); `axis` is an int32/int64 scalar or one-element
    vector (TF's InvalidArgumentError otherwise)."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:  # TF checks the axis is a scalar, then returns an identity
        if type(axis) is not int:
            shape = conversion.tensor(axis, _dtypes.int32).shape
            if shape.rank != 0:
                raise ValueError(f"Shape {shape} must have rank 0")
        return identity(values[0])
    if not values:
        raise invalid("ConcatOp : Expected at least one input tensor to concatenate")
    if dispatch.composite_in(values):  # RaggedTensor/SparseTensor inputs (TF's dispatch)
        return dispatch.concat(values, axis)
    try:
        tensors = matching(CONCAT, list(values))
        dim = axis if type(axis) is int else _concat_axis(axis, tensors, conversion.takes_fallback(*values))
        if isinstance(dim, SymbolicTensor):
            known = [t for t in tensors if t.ndim is not None]
            return run_time_axis.switch_over_axis(
                dim, (known or tensors)[0], 0, "ConcatOp : Expected concatenating dimensions in the range "
                "[-{rank}, {rank}), but got {axis}", lambda a: execute(CONCAT, tensors, {"axis": a}))
        return execute(CONCAT, tensors, {"axis": dim})
    except errors.OpError as e:
        raise conversion.worded(conversion.numbered(e, CONCAT, "N", len(values)), *values, axis, name=name) from None


def _concat_axis(axis: Any, tensors: list, fallback: bool) -> int:
    """ConcatV2's axis input (type attr Tidx) as TF's wrapper converts it and its kernel reads it
    (errors worded by `concat`): on TF's fallback path (values given as lists) a float axis is
    inferred as float and fails the attr check, on its fast path it fails conversion to int32."""
    (t,) = index_operands(CONCAT, "Tidx", [axis], _dtypes.int32, fallback)
    if t._array.size != 1 or t._array.ndim > 1:
        raise conversion.kernel_error(
            CONCAT, tensors, f"axis tensor should be a scalar integer, but got shape {dims_text(t._array.shape)}")
    if isinstance(t, SymbolicTensor):  # an int when folded while tracing, else known when it runs
        return run_time_axis.folded(t)
    return int(t._array.reshape(()))


def stack(values: Any, axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks rank-R tensors into one rank-(R+1) tensor along `axis` (`tf.stack`)."""
    if not values:
        return conversion.tensor(values)  # TF converts the (empty) list directly
    if dispatch.composite_in(values):  # RaggedTensor inputs (TF's dispatch to tf.ragged.stack)
        return dispatch.call("stack", list(values), axis)
    axis = scalar_int(axis)
    try:
        tensors = matching(PACK, list(values))
    except errors.OpError as e:
        raise _stack_error(e, values, axis, name) from None
    rank = None if tensors[0]._array.ndim is None else tensors[0].ndim + 1
    if rank is not None and not -rank <= axis < rank:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-rank}, {rank})")
    try:  # (unknown rank: the kernel resolves a negative axis, as TF's)
        return execute(PACK, tensors, {"axis": axis if rank is None else axis % rank})
    except errors.OpError as e:
        raise _stack_error(e, values, axis, name) from None


def _stack_error(e: errors.OpError, values: Any, axis: int, name: str) -> errors.OpError:
    """Pack's error as tf.stack words it: at axis 0 TF first converts the whole list, which packs
    it when it holds a tensor (a variable counts), under an empty name unless all are tensors."""
    e = conversion.numbered(e, PACK, "N", len(values))
    if axis == 0:
        packed = [is_tensor_like(v) for v in values]
        if builtins.all(packed):
            return conversion.worded(e, name=name)
        if builtins.any(packed):
            return e
    return conversion.worded(e, *values, name=name)


def unstack(value: Any, num: int | None = None, axis: int = 0, name: str = "unstack") -> list[Tensor]:
    """Splits `value` along `axis` into a list of tensors of rank R-1 (`tf.unstack`); with `num`
    given, the kernel checks `axis` and that dimension (TF's InvalidArgumentError)."""
    x = conversion.tensor(value)
    axis = int(axis)
    ndim = x._array.ndim
    if num is None:
        if ndim is None:
            raise ValueError(f"Cannot infer argument `num` from shape {x.shape}")
        if not -ndim <= axis < ndim:
            raise ValueError(f"Argument `axis` = {axis} not in range [{-ndim}, {ndim})")
        return execute(UNPACK, (x,), {"axis": axis % ndim})
    try:
        return execute(UNPACK, (x,), {"axis": axis, "num": int(num)})
    except errors.OpError as e:
        raise conversion.worded(conversion.numbered(e, UNPACK, "num", int(num)), value, name=name) from None


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: int | None = None,
          name: str = "split") -> list[Tensor]:
    """Splits `value` along `axis` into equal parts or parts of the given sizes (`tf.split`).

    Raises:
      ValueError: a scalar tensor as `num_or_size_splits` (TF takes a Python int only).
      InvalidArgumentError: sizes that are not an int vector of `num` elements or do not add up;
        an axis out of range.
    """
    x = conversion.tensor(value)
    if type(num_or_size_splits) is int or isinstance(num_or_size_splits, numbers.Integral):
        count = int(num_or_size_splits)
        op, attrs = SPLIT, {"num_split": count}
        # num_split is an attr: TF's fast path takes a Python int >= 0 only (others fall back).
        args = (value, axis) if type(num_or_size_splits) is int and count >= 0 else (value, axis, None)
    else:
        op, attrs, args = SPLIT_V, {}, (value, axis)
        sizes = int_tuple(num_or_size_splits)  # a list of ints: an int32 vector already
        if not sizes:
            sizes = conversion.tensor(num_or_size_splits)  # TF converts it first: a tensor from then on
            if sizes._array.ndim == 0:
                raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
                                 f"Argument provided: {num_or_size_splits!s}")
        count = len(sizes) if num is None else int(num)
    try:
        if count < 1 and op is SPLIT:  # TF checks the attr against its OpDef before anything else
            raise errors.op_error(errors.InvalidArgumentError, f"Value for attr 'num_split' of {count} must be at "
                                  f"least minimum 1\n\t; NodeDef: {{{{node Split}}}}; {_SPLIT_OPDEF}", "Split")
        attrs["axis"] = _split_axis(op, axis, x)
        if op is SPLIT_V:
            attrs["size_splits"] = _size_splits(sizes, count, x)
        return execute(op, (x,), attrs)
    except errors.OpError as e:
        raise conversion.worded(conversion.numbered(e, op, "num_split", count), *args, name=name) from None


def _split_axis(op: Op, axis: Any, x: Tensor) -> int:
    """Split's and SplitV's int32 split_dim input as their kernels read it (errors worded by `split`)."""
    if type(axis) is int:
        return axis
    t = conversion.tensor(axis) if is_tensor_like(axis) else conversion.tensor(axis, _dtypes.int32)
    if op is SPLIT and t._array.ndim:
        raise conversion.kernel_error(op, (x,), f"split_dim must be a scalar but has rank {t._array.ndim}")
    if op is SPLIT_V and t._array.size != 1:
        raise conversion.kernel_error(op, (x,), "split_dim_tensor must have exactly one element.")
    return int(t._array.reshape(()))


_SPLIT_SIZE_TYPES = (_dtypes.int8, _dtypes.int32, _dtypes.int64)  # SplitV's Tlen
_SPLIT_OPDEF = ("Op<name=Split; signature=split_dim:int32, value:T -> output:num_split*T; attr=num_split:int,min=1; "
                "attr=T:type>")


def _size_splits(sizes: Tensor, count: int, x: Tensor) -> tuple[int, ...]:
    """SplitV's size_splits input as its kernel reads it (errors worded by `split`); a tuple of ints
    is a vector already."""
    if type(sizes) is tuple:
        if len(sizes) != count:
            raise conversion.kernel_error(SPLIT_V, (x,), f"size of the split_tensor must be 1-D and have the same "
                                                         f"elements as outputs got 1 -D and {len(sizes)} elements")
        return sizes
    if sizes.dtype not in _SPLIT_SIZE_TYPES:
        raise conversion.attr_error(SPLIT_V, sizes.dtype, "Tlen")
    shape = sizes._array.shape
    if len(shape) != 1 or shape[0] != count:
        raise conversion.kernel_error(SPLIT_V, (x,), f"size of the split_tensor must be 1-D and have the same "
                                                     f"elements as outputs got {len(shape)} -D and {sizes._array.size} "
                                                     f"elements")
    return ints_of(sizes)
