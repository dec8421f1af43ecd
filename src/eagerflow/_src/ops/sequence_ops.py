"""Reshuffling elements along axes: `tf.boolean_mask`, `tf.repeat`, `tf.roll`, `tf.sequence_mask`,
`tf.reverse_sequence`, `tf.meshgrid`, `tf.unravel_index`.

Ops TF has kernels for (Roll, ReverseSequence, UnravelIndex) are declared with their gradients;
the others are compositions of gather/reshape/broadcast, as TF writes them, so their gradients
come from the parts (boolean_mask's and repeat's are gather's IndexedSlices, as in TF).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ops import array_ops, conversion, dynamic_shape_ops, join_split_ops, math_ops
from eagerflow._src.ops.array_args import INT32_64, int_list, invalid, static_shape
from eagerflow._src.ops.gather_scatter_ops import gather


# --- boolean_mask / repeat -------------------------------------------------------------------------
def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: str = "boolean_mask") -> Tensor:
    """The entries of `tensor` where the boolean `mask` (over dims `axis ... axis + mask.ndim`)
    is true, those dims flattened into one (`tf.boolean_mask`)."""
    tensor = conversion.tensor(tensor)
    mask = conversion.tensor(mask, _dtypes.bool) if not conversion.is_tensor_like(mask) else conversion.tensor(mask)
    shape, mshape = static_shape(tensor), static_shape(mask)
    k = len(mshape)
    if k == 0:
        raise ValueError("mask cannot be scalar.")
    axis = 0 if axis is None else int(axis)
    if shape is not None:
        axis = axis + len(shape) if axis < 0 else axis
        if not TensorShape(shape[axis:axis + k]).is_compatible_with(mshape):
            raise ValueError(f"Shapes {TensorShape(shape[axis:axis + k])} and {TensorShape(mshape)} are incompatible")
    if shape is None or None in shape[:axis] + shape[axis + k:]:  # traced: the other dims at run time
        dims = array_ops.shape(tensor)
        target = join_split_ops.concat([dims[:axis], conversion.tensor([-1], _dtypes.int32), dims[axis + k:]], 0)
        flat = array_ops.reshape(tensor, target)
    else:
        merged = -1 if None in shape[axis:axis + k] else math.prod(shape[axis:axis + k])
        flat = array_ops.reshape(tensor, shape[:axis] + (merged,) + shape[axis + k:])
    indices = array_ops.reshape(array_ops.where(array_ops.reshape(mask, (-1,))), (-1,))
    return gather(flat, indices, axis=axis)


def repeat(input: Any, repeats: Any, axis: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    """Each element (or slice along `axis`) repeated `repeats` times (`tf.repeat`); without an
    axis the input is flattened first."""
    x = conversion.tensor(input)
    if axis is None:
        x = array_ops.reshape(x, (-1,))
        axis = 0
    axis = int(axis)
    shape = static_shape(x)
    if shape is not None:
        axis = axis + len(shape) if axis < 0 else axis
    repeats = conversion.tensor(repeats)
    if dynamic_shape_ops.run_time_shape(repeats):  # traced counts: the index built when the plan runs
        return gather(x, _run_time_repeat_index(x, repeats, axis), axis=axis)
    counts = np.asarray(dynamic_shape_ops.folded(repeats) if type(repeats) is not EagerTensor
                        else repeats.numpy()).reshape(-1)
    n = None if shape is None else shape[axis]
    if n is None:  # traced: the size along axis known only when the graph runs
        if counts.size == 1:  # row i // count, for i < n * count
            c = conversion.tensor(int(counts[0]), _dtypes.int64)
            total = math_ops.multiply(math_ops.cast(array_ops.shape(x)[axis], _dtypes.int64), c)
            index = math_ops.floordiv(array_ops.range(0, total, 1, dtype=_dtypes.int64), c)
            return gather(x, index, axis=axis)
        n = counts.size  # (one count per row: the gather checks the size when it runs)
    if counts.size == 1:
        counts = np.full(n, int(counts[0]))
    elif counts.size != n:
        raise invalid(f"Dimensions {counts.size} and {n} are not compatible")
    index = np.repeat(np.arange(n, dtype=np.int64), counts)
    return gather(x, conversion.tensor(index), axis=axis)


def _run_time_repeat_index(x: Tensor, repeats: Tensor, axis: int) -> Tensor:
    """The gather index of `tf.repeat` for counts known only when the graph runs: row i // c for
    one count c, else the row whose running total of counts first passes each output position."""
    from eagerflow._src.ops import reduce_ops, sort_ops

    counts = math_ops.cast(repeats, _dtypes.int64)
    if repeats._array.ndim == 0 or repeats._array.shape == (1,):
        c = array_ops.reshape(counts, ())
        total = math_ops.multiply(math_ops.cast(array_ops.shape(x)[axis], _dtypes.int64), c)
        return math_ops.floordiv(array_ops.range(0, total, 1, dtype=_dtypes.int64), math_ops.maximum(c, 1))
    ends = reduce_ops.cumsum(array_ops.reshape(counts, (-1,)))
    positions = array_ops.range(0, reduce_ops.reduce_sum(counts), 1, dtype=_dtypes.int64)
    return array_ops.reshape(sort_ops.searchsorted(ends[None], positions[None], side="right",
                                                   out_type=_dtypes.int64), (-1,))


# --- roll ------------------------------------------------------------------------------------------
def _roll(xp: Any, x: Any, shift: tuple, axis: tuple) -> Any:
    return xp.roll(x, shift, axis)


def _roll_grad(ctx: Any, dy: Tensor) -> tuple:
    return (execute_roll(dy, tuple(-s for s in ctx.attrs["shift"]), ctx.attrs["axis"]),)


ROLL = Op("Roll", _roll, grad=_roll_grad)


def execute_roll(x: Tensor, shift: tuple, axis: tuple) -> Tensor:
    return conversion.run(ROLL, (x,), {"shift": shift, "axis": axis}, False)


def roll(input: Any, shift: Any, axis: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Elements shifted cyclically by `shift` along `axis` (`tf.roll`)."""
    x = conversion.tensor(input)
    shifts, axes = int_list(shift), int_list(axis)
    if len(shifts) != len(axes):
        raise invalid("shift and axis must have the same size")
    rank = x._array.ndim
    if rank is None:  # traced with unknown rank: the kernel resolves the axes when it runs
        return execute_roll(x, tuple(shifts), tuple(axes))
    for a in axes:
        if not -rank <= a < rank:
            raise invalid(f"axis {a} is out of range")
    return execute_roll(x, tuple(shifts), tuple(a % rank for a in axes))


# --- sequence_mask / reverse_sequence --------------------------------------------------------------
def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = _dtypes.bool, name: str | None = None) -> Tensor:
    """mask[..., j] = j < lengths[...] for j < maxlen (default: the largest length) (`tf.sequence_mask`)."""
    lengths = conversion.tensor(lengths)
    if maxlen is None:
        from eagerflow._src.ops import reduce_ops  # a sibling family

        maxlen = math_ops.maximum(reduce_ops.reduce_max(lengths), conversion.like(0, lengths))
    maxlen = conversion.like(maxlen, lengths) if not conversion.is_tensor_like(maxlen) else conversion.tensor(maxlen)
    positions = array_ops.range(0, maxlen, 1, dtype=maxlen.dtype)
    mask = math_ops.less(positions, math_ops.cast(array_ops.expand_dims(lengths, -1), maxlen.dtype))
    dtype = _dtypes.as_dtype(dtype)
    return mask if dtype == _dtypes.bool else math_ops.cast(mask, dtype)


def _reverse_sequence(xp: Any, x: Any, lengths: Any, seq_axis: int, batch_axis: int) -> Any:
    if lengths.shape[0] != x.shape[batch_axis]:
        raise invalid(f"Length of seq_lengths != input.dims({batch_axis}), ({lengths.shape[0]} vs. "
                      f"{x.shape[batch_axis]})")
    if bool(xp.any(lengths > x.shape[seq_axis])):
        raise invalid(f"seq_lens(0) > input.dims({seq_axis})")
    out = x.copy()
    for b, n in enumerate(lengths.tolist()):
        index = [slice(None)] * x.ndim
        index[batch_axis] = b
        index[seq_axis] = slice(0, int(n))
        rows = x[tuple(index)]
        flip_axis = seq_axis - (1 if batch_axis < seq_axis else 0)
        out[tuple(index)] = xp.flip(rows, axis=flip_axis)
    return out


def _reverse_sequence_grad(ctx: Any, dy: Tensor) -> tuple:
    return (execute_reverse_sequence(dy, ctx.inputs[1], ctx.attrs["seq_dim"], ctx.attrs["batch_dim"]), None)


REVERSE_SEQUENCE = Op("ReverseSequence", lambda xp, x, lengths, seq_dim, batch_dim: _reverse_sequence(
    xp, x, lengths, seq_dim, batch_dim), grad=_reverse_sequence_grad)


def execute_reverse_sequence(x: Tensor, lengths: Tensor, seq_dim: int, batch_dim: int) -> Tensor:
    return conversion.run(REVERSE_SEQUENCE, (x, lengths), {"seq_dim": seq_dim, "batch_dim": batch_dim}, False)


def reverse_sequence(input: Any, seq_lengths: Any, seq_axis: Any = None, batch_axis: Any = None,  # noqa: A002
                     name: str | None = None) -> Tensor:
    """The first `seq_lengths[b]` entries along `seq_axis` reversed, per batch entry b (`tf.reverse_sequence`)."""
    x = conversion.tensor(input)
    lengths = conversion.tensor(seq_lengths)
    rank = x._array.ndim
    if rank is None:  # traced with unknown rank: TF's attrs take the axes as given
        seq_axis = int(seq_axis) if seq_axis is not None else 0
        batch_axis = int(batch_axis) if batch_axis is not None else 0
    else:
        seq_axis = int(seq_axis) % rank if seq_axis is not None else 0
        batch_axis = int(batch_axis) % rank if batch_axis is not None else 0
    if seq_axis == batch_axis:
        raise invalid(f"seq_dim == batch_dim == {seq_axis}")
    return execute_reverse_sequence(x, lengths, seq_axis, batch_axis)


# --- meshgrid / unravel_index ----------------------------------------------------------------------
def meshgrid(*args: Any, **kwargs: Any) -> list:
    """Coordinate grids from 1-D coordinate vectors; `indexing='xy'` (default) swaps the first
    two output dims, as NumPy's (`tf.meshgrid`)."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        key = list(kwargs)[0]
        raise TypeError(f"'{key}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Argument `indexing` parameter must be either 'xy' or 'ij', got '{indexing}'")
    tensors = [array_ops.reshape(conversion.tensor(a), (-1,)) for a in args]
    n = len(tensors)
    sizes = [static_shape(t)[0] for t in tensors]
    if None in sizes:  # traced: lengths known only when the graph runs
        sizes = join_split_ops.stack([array_ops.size(t, out_type=_dtypes.int32) for t in tensors])
        if indexing == "xy" and n > 1:
            sizes = gather(sizes, [1, 0] + list(range(2, n)))
    elif indexing == "xy" and n > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    outputs = []
    for i, t in enumerate(tensors):
        position = i
        if indexing == "xy" and n > 1 and i < 2:
            position = 1 - i
        shape = [1] * n
        shape[position] = -1
        ones = array_ops.ones(sizes if isinstance(sizes, Tensor) else tuple(sizes), dtype=t.dtype)
        outputs.append(math_ops.multiply(array_ops.reshape(t, tuple(shape)), ones))
    return outputs


def _unravel_index(xp: Any, indices: Any, dims: Any) -> Any:
    total = int(np.prod(dims.tolist())) if dims.size else 1
    if bool(xp.any((indices < 0) | (indices >= total))):
        raise invalid("index is out of bound as with dims")
    out = xp.stack(xp.unravel_index(indices, tuple(int(d) for d in dims.tolist())))
    return out.astype(indices.dtype)


UNRAVEL_INDEX = Op("UnravelIndex", _unravel_index, dtypes=INT32_64)


def unravel_index(indices: Any, dims: Any, name: str | None = None) -> Tensor:
    """Flat indices into `dims` as coordinate rows, one row per dim (`tf.unravel_index`)."""
    fallback = conversion.takes_fallback(indices, dims)
    idx = conversion.tensor(indices)
    d = conversion.like(dims, idx)
    return conversion.run(UNRAVEL_INDEX, (idx, d), {}, fallback)
