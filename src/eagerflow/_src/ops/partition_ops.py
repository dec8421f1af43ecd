"""Splitting rows into groups and merging them back: `tf.dynamic_partition`, `tf.dynamic_stitch`,
and the block moves between space and batch (`tf.space_to_batch(_nd)`, `tf.batch_to_space`,
`tf.required_space_to_batch_paddings`).

All are compositions of gather, concat, pad, reshape and transpose (TF's gradients of these ops
are exactly the gradients of those parts: stitch for partition, gather for stitch, the inverse
block move for each block move), so differentiation needs no rule of its own.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, indexing_ops, join_split_ops, math_ops
from eagerflow._src.ops.array_args import invalid, static_shape
from eagerflow._src.ops.gather_scatter_ops import gather


def _op_error(op_name: str, message: str) -> errors.OpError:
    return errors.op_error(errors.InvalidArgumentError, message, op_name)


def _rows_shape(t: Tensor, k: int, n: int) -> Tensor:
    """[n] + the run-time dims of `t` after its first k (a graph tensor's shape)."""
    dims = array_ops.shape(t, out_type=_dtypes.int32)[k:]
    return join_split_ops.concat([conversion.tensor([n], _dtypes.int32), dims], 0)


def dynamic_partition(data: Any, partitions: Any, num_partitions: int, name: str | None = None) -> list:
    """`num_partitions` tensors: the slices of `data` whose `partitions` entry is i, in order
    (`tf.dynamic_partition`)."""
    data = conversion.tensor(data)
    parts = np.asarray(conversion.tensor(partitions).numpy())
    shape = static_shape(data)
    k = parts.ndim
    if shape is None or None in shape:  # traced: data's dims checked and read when the graph runs
        rows = array_ops.reshape(data, _rows_shape(data, k, -1))
        shape = None
    elif shape[:k] != parts.shape:
        raise _op_error("DynamicPartition", f"data.shape must start with partitions.shape, got data.shape = "
                        f"[{','.join(map(str, shape))}], partitions.shape = [{','.join(map(str, parts.shape))}]")
    flat_parts = parts.reshape(-1)
    bad = (flat_parts < 0) | (flat_parts >= num_partitions)
    if bad.any():
        i = int(np.argmax(bad))
        raise _op_error("DynamicPartition", f"partitions[{i}] = {int(flat_parts[i])} is not in [0, {num_partitions})")
    if shape is not None:
        rows = array_ops.reshape(data, (math.prod(shape[:k]),) + shape[k:])
    return [gather(rows, conversion.tensor(np.flatnonzero(flat_parts == p).astype(np.int64)))
            for p in range(int(num_partitions))]


def dynamic_stitch(indices: list, data: list, name: str | None = None) -> Tensor:
    """merged[indices[m][i]] = data[m][i]; where an index repeats, the later one wins
    (`tf.dynamic_stitch`)."""
    if len(indices) != len(data):
        raise ValueError(f"List argument 'data' to 'DynamicStitch' Op with length {len(data)} must match "
                         f"length {len(indices)} of argument 'indices'.")
    idx_arrays = [np.asarray(conversion.tensor(i).numpy()).reshape(-1) for i in indices]
    tensors = [conversion.tensor(d) for d in data]
    rows = []
    tail = None
    for idx, t, raw in zip(idx_arrays, tensors, indices):
        shape = static_shape(t)
        k = len(np.shape(conversion.tensor(raw).numpy()))
        if shape is None or None in shape[k:]:  # traced: the row shape known when the graph runs
            tail = (t, k) if tail is None else tail
            rows.append(array_ops.reshape(t, _rows_shape(t, k, idx.size)))
            continue
        tail = shape[k:] if tail is None else tail
        rows.append(array_ops.reshape(t, (idx.size,) + shape[k:]))
    flat_idx = np.concatenate(idx_arrays) if idx_arrays else np.zeros(0, np.int64)
    size = int(flat_idx.max()) + 1 if flat_idx.size else 0
    # The source row of each output position: the last (m, i) that writes it.
    source = np.full(size, -1, dtype=np.int64)
    source[flat_idx] = np.arange(flat_idx.size)  # NumPy assigns in order: later writes win
    missing = source < 0
    merged = join_split_ops.concat(rows, 0)
    if missing.any():  # positions nobody writes are zeros
        zero_shape = _rows_shape(tail[0], tail[1], 1) if tail and isinstance(tail[0], Tensor) else (1,) + tail
        merged = join_split_ops.concat([merged, array_ops.zeros(zero_shape, dtype=merged.dtype)], 0)
        source[missing] = flat_idx.size
    return gather(merged, conversion.tensor(source))


# --- space <-> batch ---------------------------------------------------------------------------------
def _block_args(block_shape: Any, pads: Any) -> tuple[list, np.ndarray]:
    block = [int(b) for b in np.asarray(conversion.tensor(block_shape).numpy()).reshape(-1)]
    pads = np.asarray(conversion.tensor(pads).numpy()).reshape(len(block), 2).astype(np.int64)
    return block, pads


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Spatial blocks of `block_shape` moved into the batch dim after zero `paddings`
    (`tf.space_to_batch_nd`)."""
    x = conversion.tensor(input)
    block, pads = _block_args(block_shape, paddings)
    m = len(block)
    shape = static_shape(x)
    full_pads = np.zeros((len(shape), 2), np.int64)
    full_pads[1:1 + m] = pads
    padded = indexing_ops.pad(x, full_pads)
    pshape = static_shape(padded)
    if None in pshape:  # traced: sizes known only when the graph runs (the reshapes check them)
        return _space_to_batch_dynamic(padded, block)
    for i, b in enumerate(block):
        if pshape[1 + i] % b:
            raise invalid(f"padded_shape[{i}]={pshape[1 + i]} is not divisible by block_shape[{i}]={b}")
    batch, rest = pshape[0], pshape[1 + m:]
    split = [batch]
    for i, b in enumerate(block):
        split += [pshape[1 + i] // b, b]
    y = array_ops.reshape(padded, tuple(split) + rest)
    # (batch, s1/b1, b1, s2/b2, b2, ..., rest) -> (b1, b2, ..., batch, s1/b1, s2/b2, ..., rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    perm += list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = array_ops.transpose(y, perm)
    return array_ops.reshape(y, (batch * math.prod(block),) + tuple(pshape[1 + i] // b for i, b in enumerate(block))
                             + rest)


def _int32(value: int) -> Tensor:
    return conversion.tensor(value, _dtypes.int32)


def _space_to_batch_dynamic(padded: Tensor, block: list) -> Tensor:
    """space_to_batch_nd's reshape / transpose / reshape over the padded input's run-time shape."""
    m, rank = len(block), padded._array.ndim
    dims = array_ops.shape(padded, out_type=_dtypes.int32)
    inner = [math_ops.floordiv(dims[1 + i], _int32(b)) for i, b in enumerate(block)]
    split = [dims[0]] + [v for i, b in enumerate(block) for v in (inner[i], _int32(b))]
    y = array_ops.reshape(padded, join_split_ops.concat([join_split_ops.stack(split), dims[1 + m:]], 0))
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, m + rank))
    y = array_ops.transpose(y, perm)
    batch = math_ops.multiply(dims[0], _int32(math.prod(block)))
    return array_ops.reshape(y, join_split_ops.concat([join_split_ops.stack([batch] + inner), dims[1 + m:]], 0))


def _batch_to_space_dynamic(x: Tensor, block: list, crop: np.ndarray) -> Tensor:
    """batch_to_space's reshape / transpose / reshape / crop over the input's run-time shape."""
    m, rank = len(block), x._array.ndim
    dims = array_ops.shape(x, out_type=_dtypes.int32)
    batch = math_ops.floordiv(dims[0], _int32(math.prod(block)))
    head = join_split_ops.stack([_int32(b) for b in block] + [batch])
    y = array_ops.reshape(x, join_split_ops.concat([head, dims[1:]], 0))
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(1 + 2 * m, m + rank))
    y = array_ops.transpose(y, perm)
    full = [math_ops.multiply(dims[1 + i], _int32(b)) for i, b in enumerate(block)]
    y = array_ops.reshape(y, join_split_ops.concat([join_split_ops.stack([batch] + full), dims[1 + m:]], 0))
    key = (slice(None),) + tuple(slice(int(c[0]), -int(c[1]) if int(c[1]) else None) for c in crop)
    return y[key]


def space_to_batch(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`tf.space_to_batch` (TF 2's is `space_to_batch_nd`)."""
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input: Any, block_shape: Any, crops: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The inverse of `space_to_batch_nd`: batch blocks moved back into space, then `crops`
    removed (`tf.batch_to_space`)."""
    x = conversion.tensor(input)
    block, crop = _block_args(block_shape, crops)
    m = len(block)
    shape = static_shape(x)
    prod = math.prod(block)
    if shape is not None and None in shape:  # traced: sizes known only when the graph runs
        return _batch_to_space_dynamic(x, block, crop)
    if shape[0] % prod:
        raise invalid(f"Input batch dimension ({shape[0]}) is not divisible by product of block sizes ({prod})")
    batch, spatial, rest = shape[0] // prod, shape[1:1 + m], shape[1 + m:]
    y = array_ops.reshape(x, tuple(block) + (batch,) + spatial + rest)
    # (b1, ..., bm, batch, s1, ..., sm, rest) -> (batch, s1, b1, s2, b2, ..., rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    y = array_ops.transpose(y, perm)
    full = tuple(s * b for s, b in zip(spatial, block))
    y = array_ops.reshape(y, (batch,) + full + rest)
    begin = [0] + [int(c[0]) for c in crop] + [0] * len(rest)
    size = [batch] + [f - int(c[0]) - int(c[1]) for f, c in zip(full, crop)] + list(rest)
    return indexing_ops.slice(y, begin, size)


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any, base_paddings: Any = None,
                                     name: str | None = None) -> tuple:
    """(paddings, crops) making `input_shape` divisible by `block_shape` after `base_paddings`
    (`tf.required_space_to_batch_paddings`)."""
    shape = np.asarray(conversion.tensor(input_shape).numpy()).reshape(-1)
    block = np.asarray(conversion.tensor(block_shape).numpy()).reshape(-1)
    base = np.zeros((block.size, 2), shape.dtype) if base_paddings is None else \
        np.asarray(conversion.tensor(base_paddings).numpy()).reshape(block.size, 2)
    padded = shape + base[:, 0] + base[:, 1]
    extra = (block - padded % block) % block
    pads = np.stack([base[:, 0], base[:, 1] + extra], axis=1).astype(shape.dtype)
    crops = np.stack([np.zeros_like(extra), extra], axis=1).astype(shape.dtype)
    return conversion.tensor(pads), conversion.tensor(crops)
