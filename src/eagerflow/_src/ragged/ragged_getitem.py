"""`rt[key]`: TF's indexing rules for RaggedTensor (rows by int or slice; ragged dims by slice only)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import gather_scatter_ops
from eagerflow._src.ragged.ragged_tensor import RaggedTensor, _splits_tensor


def gather_rows(value: Any, rows: np.ndarray) -> Any:
    """Rows `rows` (host int64) of a tensor or RaggedTensor, nested rows included."""
    if not isinstance(value, RaggedTensor):
        return gather_scatter_ops.gather(value, constant(rows.astype(np.int64)))
    s = value._splits_np()
    lengths = (s[1:] - s[:-1])[rows]
    starts = s[:-1][rows]
    inner = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
    splits = np.concatenate([[0], np.cumsum(lengths)])
    return RaggedTensor._from_splits(gather_rows(value._values, inner.astype(np.int64)),
                                     _splits_tensor(splits, value.row_splits_dtype))


def _row_slice(rt: RaggedTensor, i: int) -> Any:
    s = rt._splits_np()
    if isinstance(rt._values, RaggedTensor):
        return gather_rows(rt._values, np.arange(s[i], s[i + 1]))
    return rt._values[int(s[i]):int(s[i + 1])]


def _index(key: Any) -> Any:
    if isinstance(key, Tensor):
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
    if isinstance(first, (int, np.integer)):
        i = int(first)
        if not -n <= i < n:
            raise IndexError(f"Row key {first} out of bounds")
        row = _row_slice(rt, i % n if n else i)
        return row[tuple(rest)] if rest else row
    if isinstance(first, slice):
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
    s = rt._splits_np()
    pieces, lengths = [], []
    for i in range(s.shape[0] - 1):
        take = np.arange(s[i], s[i + 1])[key]
        pieces.append(take)
        lengths.append(take.shape[0])
    taken = np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, np.int64)
    values = gather_rows(rt._values, taken)
    rest = keys[1:]
    if rest:
        values = _inner(values, rest) if isinstance(values, RaggedTensor) else values[(slice(None), *rest)]
    splits = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    return RaggedTensor._from_splits(values, _splits_tensor(splits, rt.row_splits_dtype))
