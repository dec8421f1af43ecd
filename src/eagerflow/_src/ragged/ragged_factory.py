"""`tf.ragged.constant`: a RaggedTensor from nested Python lists."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant as _dense_constant
from eagerflow._src.ragged.ragged_tensor import RaggedTensor, _splits_tensor


def _is_list(v: Any) -> bool:
    return isinstance(v, (list, tuple)) or (isinstance(v, np.ndarray) and v.ndim > 0)


def _scalar_depths(value: Any, depth: int, scalars: set, lists: set) -> None:
    if _is_list(value):
        if len(value) == 0:
            lists.add(depth + 1)
        for v in value:
            _scalar_depths(v, depth + 1, scalars, lists)
    else:
        scalars.add(depth)


def constant(pylist: Any, dtype: Any = None, ragged_rank: int | None = None, inner_shape: Any = None,
             name: str | None = None, row_splits_dtype: Any = _dtypes.int64) -> Any:
    """A RaggedTensor holding `pylist` (`tf.ragged.constant`); rank-0 ragged gives a dense tensor."""
    splits_dtype = _dtypes.as_dtype(row_splits_dtype)
    if splits_dtype not in (_dtypes.int32, _dtypes.int64):
        raise ValueError(f"row_splits_dtype must be int32 or int64; got {splits_dtype!r}")
    if isinstance(pylist, RaggedTensor):
        raise TypeError("pylist may not be a RaggedTensor or RaggedTensorValue.")
    scalars: set = set()
    lists: set = set()
    _scalar_depths(pylist, 0, scalars, lists)
    if len(scalars) > 1:
        raise ValueError("all scalar values must have the same nesting depth")
    if scalars:
        depth = scalars.pop()
        if lists and max(lists) > depth:
            raise ValueError("all scalar values must have the same nesting depth")
    else:
        depth = max(lists) if lists else 0
    inner_rank = len(inner_shape) if inner_shape is not None else None
    if ragged_rank is None:
        ragged_rank = max(0, depth - 1 - (inner_rank or 0))
    if ragged_rank < 0:
        raise ValueError(f"Invalid ragged_rank={ragged_rank}: must be nonnegative")
    if scalars and ragged_rank >= depth and depth > 0:
        raise ValueError(f"Invalid pylist={pylist!r}: incompatible with ragged_rank={ragged_rank}")
    level = pylist
    nested_lengths = []
    for _ in range(ragged_rank):
        if not all(_is_list(v) for v in level):
            raise ValueError("all scalar values must have the same nesting depth")
        nested_lengths.append([len(v) for v in level])
        level = [x for v in level for x in v]
    level = list(level) if ragged_rank else level
    if ragged_rank and not level:
        shape = (0,) + tuple(inner_shape or ()) if inner_shape is not None else \
            (0,) + (0,) * max(0, depth - 1 - ragged_rank)
        np_dtype = _dtypes.as_dtype(dtype or _dtypes.float32).as_numpy_dtype
        values = _dense_constant(np.zeros(shape, dtype=np_dtype if np_dtype is not bytes else object),
                                 dtype or _dtypes.float32)
    else:
        try:
            values = _dense_constant(level, dtype)
        except ValueError as e:
            if ragged_rank and "non-rectangular" in str(e):
                raise ValueError(f"inner values have inconsistent shape") from None
            raise
        if inner_shape is not None and tuple(values.shape.as_list()[1 if ragged_rank else 0:]) != tuple(inner_shape):
            from eagerflow._src.ops import array_ops

            values = array_ops.reshape(values, ([-1] if ragged_rank else []) + list(inner_shape))
    if not ragged_rank:
        return values
    result = values
    for lengths in reversed(nested_lengths):
        splits = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        result = RaggedTensor._from_splits(result, _splits_tensor(splits, splits_dtype))
    return result
