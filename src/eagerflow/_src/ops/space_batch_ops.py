"""Space-to-batch and back (`tf.space_to_batch(_nd)`, `tf.batch_to_space`, `tf.nn.with_space_to_batch`).

SpaceToBatchND pads the spatial dimensions and moves each block offset into the batch: one pad,
reshape and transpose. BatchToSpaceND is its inverse, and each is the other's gradient.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _ints(values: Any) -> list:
    return [int(v) for v in np.asarray(values.tolist() if hasattr(values, "tolist") else values).ravel()]


def _space_to_batch(xp: Any, x: Any, block_shape: Any, paddings: Any) -> Any:
    block = _ints(block_shape)
    pads = np.asarray(_ints(paddings), np.int64).reshape(-1, 2)
    m = len(block)
    if x.ndim < 1 + m:
        raise _invalid(f"input rank should be >= {1 + m} instead of {x.ndim}")
    if (pads < 0).any() or any(b < 1 for b in block):
        raise _invalid("Negative padding or block size")
    widths = [(0, 0)] + [tuple(p) for p in pads.tolist()] + [(0, 0)] * (x.ndim - 1 - m)
    padded = xp.pad(x, widths) if pads.any() else x
    spatial = padded.shape[1:1 + m]
    for i, (size, b) in enumerate(zip(spatial, block)):
        if size % b:
            raise _invalid(f"padded_shape[{i}]={size} is not divisible by block_shape[{i}]={b}")
    batch, rest = x.shape[0], padded.shape[1 + m:]
    shape = [batch]
    for size, b in zip(spatial, block):
        shape += [size // b, b]
    y = padded.reshape(*shape, *rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, y.ndim))
    y = y.transpose(perm)
    return xp.ascontiguousarray(y).reshape(batch * int(np.prod(block)), *[s // b for s, b in zip(spatial, block)],
                                           *rest)


def _batch_to_space(xp: Any, x: Any, block_shape: Any, crops: Any) -> Any:
    block = _ints(block_shape)
    crop = np.asarray(_ints(crops), np.int64).reshape(-1, 2)
    m = len(block)
    prod = int(np.prod(block))
    if x.shape[0] % prod:
        raise _invalid(f"Input batch dimension ({x.shape[0]}) is not divisible by product of block sizes ({prod})")
    batch = x.shape[0] // prod
    spatial, rest = x.shape[1:1 + m], x.shape[1 + m:]
    y = x.reshape(*block, batch, *spatial, *rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(1 + 2 * m, y.ndim))
    y = y.transpose(perm).reshape(batch, *[s * b for s, b in zip(spatial, block)], *rest)
    index = (slice(None),) + tuple(slice(lo, y.shape[1 + i] - hi) for i, (lo, hi) in enumerate(crop.tolist()))
    return xp.ascontiguousarray(y[index])


SPACE_TO_BATCH_ND = Op("SpaceToBatchND", _space_to_batch,
                       grad=lambda ctx, dy: (execute(BATCH_TO_SPACE_ND, (dy, ctx.inputs[1], ctx.inputs[2])), None, None))
BATCH_TO_SPACE_ND = Op("BatchToSpaceND", _batch_to_space,
                       grad=lambda ctx, dy: (execute(SPACE_TO_BATCH_ND, (dy, ctx.inputs[1], ctx.inputs[2])), None, None))


def _int_tensor(value: Any) -> Tensor:
    t = conversion.tensor(value)
    if not t.dtype.is_integer:
        raise TypeError(f"Expected int32 or int64, got {t.dtype!r}")
    return t


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Pads the M spatial dimensions, then moves block offsets into the batch (`tf.space_to_batch_nd`)."""
    return execute(SPACE_TO_BATCH_ND, (conversion.tensor(input), _int_tensor(block_shape), _int_tensor(paddings)))


def space_to_batch(input: Any, block_shape: Any, paddings: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """TF 2's `tf.space_to_batch` (and `tf.nn.space_to_batch`): space_to_batch_nd."""
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input: Any, block_shape: Any, crops: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Moves batch blocks back into space and crops (`tf.batch_to_space`, BatchToSpaceND)."""
    return execute(BATCH_TO_SPACE_ND, (conversion.tensor(input), _int_tensor(block_shape), _int_tensor(crops)))


batch_to_space_nd = batch_to_space


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any, base_paddings: Any = None,
                                     name: str | None = None) -> tuple:
    """(paddings, crops) making input_shape + paddings divisible by block_shape
    (`tf.required_space_to_batch_paddings`); extra padding goes at the end and is cropped back."""
    shape = np.asarray(_ints(input_shape), np.int32)
    block = np.asarray(_ints(block_shape), np.int32)
    base = np.zeros((len(block), 2), np.int32) if base_paddings is None else \
        np.asarray(_ints(base_paddings), np.int32).reshape(-1, 2)
    full = shape + base[:, 0] + base[:, 1]
    extra = (block - full % block) % block
    paddings = np.stack([base[:, 0], base[:, 1] + extra], 1)
    crops = np.stack([np.zeros_like(extra), extra], 1)
    return conversion.tensor(paddings), conversion.tensor(crops)


def with_space_to_batch(input: Any, dilation_rate: Any, padding: str, op: Any, filter_shape: Any = None,  # noqa: A002
                        spatial_dims: Any = None, data_format: str | None = None) -> Tensor:
    """op(space_to_batch(input), num_spatial_dims, "VALID" or padding) mapped back with batch_to_space,
    so `op` sees a dilation_rate-times coarser grid (`tf.nn.with_space_to_batch`)."""
    x = conversion.tensor(input)
    rate = _ints(dilation_rate)
    n = len(rate)
    if spatial_dims is None:
        spatial_dims = list(range(2, n + 2)) if data_format is not None and data_format.startswith("NC") \
            else list(range(1, n + 1))
    if list(spatial_dims) != list(range(spatial_dims[0], spatial_dims[0] + n)):
        raise ValueError(f"spatial_dims must be consecutive, got {spatial_dims}")
    if any(r < 1 for r in rate):
        raise ValueError(f"dilation_rate must be positive. Received: dilation_rate={rate}")
    if all(r == 1 for r in rate):
        return op(x, n, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("filter_shape must be specified for SAME padding")
        eff = [(int(k) - 1) * r + 1 for k, r in zip(_ints(filter_shape), rate)]
        base = [[(e - 1) // 2, e - 1 - (e - 1) // 2] for e in eff]
    elif padding == "VALID":
        base = [[0, 0]] * n
    else:
        raise ValueError(f"Invalid padding method {padding!r}")
    start = spatial_dims[0]
    moved = x
    if start != 1:  # bring the spatial dimensions right after the batch
        perm = [0] + list(spatial_dims) + [d for d in range(1, x.ndim) if d not in spatial_dims]
        moved = array_ops.transpose(x, perm)
    paddings, crops = required_space_to_batch_paddings(moved.shape[1:1 + n], rate, base)
    converted = space_to_batch_nd(moved, rate, paddings)
    if start != 1:
        converted = array_ops.transpose(converted, list(np.argsort(perm)))
    result = op(converted, n, "VALID")
    if start != 1:
        result = array_ops.transpose(result, perm)
    back = batch_to_space(result, rate, crops)
    if start != 1:
        back = array_ops.transpose(back, list(np.argsort(perm)))
    return back
