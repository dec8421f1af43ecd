"""`tf.nn.with_space_to_batch`: run an op on a dilation-rate-times coarser grid.

The block moves themselves (`tf.space_to_batch_nd`, `tf.batch_to_space`,
`tf.required_space_to_batch_paddings`) live in partition_ops.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion
from eagerflow._src.ops.partition_ops import (
    batch_to_space, required_space_to_batch_paddings, space_to_batch_nd,
)


def _ints(values: Any) -> list:
    return [int(v) for v in np.asarray(values.tolist() if hasattr(values, "tolist") else values).ravel()]


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
    paddings, crops = required_space_to_batch_paddings([int(d) for d in moved.shape[1:1 + n]], rate, base)
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
