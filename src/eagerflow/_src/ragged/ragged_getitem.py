"""`rt[key]`: TF's indexing rules for RaggedTensor (rows by int or slice; ragged dims by slice only)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import gather_scatter_ops
from eagerflow._src.ragged import ragged_kernels as _kernels
from eagerflow._src.ragged.ragged_tensor import RaggedTensor, _splits_tensor, _symbolic


def gather_rows(value: Any, rows: Any) -> Any:
    """Rows `rows` (host int64 array or int64 tensor) of a tensor or RaggedTensor, nested rows included."""
    idx = rows if isinstance(rows, Tensor) else constant(np.asarray(rows, np.int64).reshape(-1))
    if not isinstance(value, RaggedTensor):
        return gather_scatter_ops.gather(value, idx)
    *splits, value_indices = _kernels.gather(idx, value.nested_row_splits)
    result: Any = gather_scatter_ops.gather(value.flat_values, value_indices)
    for s in reversed(splits):
        result = RaggedTensor._from_splits(result, s)
    return result


def _row_slice(rt: RaggedTensor, i: Any) -> Any:
    if _symbolic(rt.row_splits) or isinstance(i, Tensor):
        from eagerflow._src.ops import array_ops, math_ops

        start, stop = rt.row_splits[i], rt.row_splits[math_ops.add(i, 1) if isinstance(i, Tensor) else i + 1]
        if isinstance(rt.values, RaggedTensor):
            return gather_rows(rt.values, array_ops.range(math_ops.cast(start, "int64"),
                                                          math_ops.cast(stop, "int64"), dtype="int64"))
        return rt.values[start:stop]
    s = rt._splits_np()
    if isinstance(rt._values, RaggedTensor):
        return gather_rows(rt._values, np.arange(s[i], s[i + 1]))
    return rt._values[int(s[i]):int(s[i + 1])]


def _index(key: Any) -> Any:
    if isinstance(key, Tensor):
        if _symbolic(key):
            return key
        key = key.numpy()
        return int(key) if np.ndim(key) == 0 else key
    return key


def getitem(rt: RaggedTensor, key: Any) -> Any:
    keys = list(key) if isinstance(key, tuple) else [key]
    keys = [_index(k) for k in keys]
    if any(k is Ellipsis for k in keys):
        at = keys.index(Ellipsis)
        fill = rt.shape.rank - (len(keys) - 1)
        keys = keys[:at] + [slice(None)] * fill + keys[at + 1:]
    if not keys:
        return rt
    if len(keys) > rt.shape.rank:
        raise ValueError("Too many indices for RaggedTensor")
    first, rest = keys[0], keys[1:]
    n = rt.nrows_int()
    if isinstance(first, Tensor):  # a graph tensor: no bounds check before the graph runs
        from eagerflow._src.ops import array_ops, math_ops

        count = rt.nrows()
        i = math_ops.floormod(math_ops.cast(first, count.dtype), count)
        row = _row_slice(rt, i)
        return row[tuple(rest)] if rest else row
    if isinstance(first, (int, np.integer)):
        i = int(first)
        if n is None:
            if i < 0:
                from eagerflow._src.ops import math_ops

                i = math_ops.add(rt.nrows(), constant(np.asarray(i, rt.row_splits_dtype.as_numpy_dtype)))
            row = _row_slice(rt, i)
            return row[tuple(rest)] if rest else row
        if not -n <= i < n:
            raise IndexError(f"Row key {first} out of bounds")
        row = _row_slice(rt, i % n if n else i)
        return row[tuple(rest)] if rest else row
    if isinstance(first, slice):
        if n is None:
            from eagerflow._src.ops import array_ops

            if first == slice(None):
                sliced = rt
            else:
                sliced = gather_rows(rt, array_ops.range(rt.nrows(out_type="int64"), dtype="int64")[first])
            return _inner(sliced, rest) if rest else sliced
        rows = np.arange(n)[first]
        sliced = rt if rows.shape[0] == n and np.array_equal(rows, np.arange(n)) else gather_rows(rt, rows)
        return _inner(sliced, rest) if rest else sliced
    if first is None:
        raise ValueError("Cannot index into an inner ragged dimension.")
    raise TypeError(f"Cannot slice a RaggedTensor with {first!r}")


def _inner(rt: RaggedTensor, keys: list) -> Any:
    """Keys for dims 1.. of `rt` (all rows kept)."""
    key = keys[0]
    if not isinstance(key, slice):
        raise ValueError("Cannot index into an inner ragged dimension.")
    splits, taken = execute(_kernels.SLICE_ROWS, (rt.row_splits,), {"start": key.start, "stop": key.stop,
                                                                    "step": key.step})
    values = gather_rows(rt._values, taken)
    rest = keys[1:]
    if rest:
        values = _inner(values, rest) if isinstance(values, RaggedTensor) else values[(slice(None), *rest)]
    return RaggedTensor._from_splits(values, splits)
