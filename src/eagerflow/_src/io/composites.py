"""The one place tf.io and tf.data build `SparseTensor` and `RaggedTensor` values.

Uses the framework's classes when they exist; until then, a small stand-in holding the same
component tensors (swap here only).
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _tensor(array: Any) -> Any:
    from eagerflow._src.framework.convert import constant

    return constant(array)


def _sparse_class() -> Any:
    try:
        from eagerflow._src.sparse.sparse_tensor import SparseTensor
    except ImportError:
        return None
    return SparseTensor


def _ragged_class() -> Any:
    try:
        from eagerflow._src.ragged.ragged_tensor import RaggedTensor
    except ImportError:
        return None
    return RaggedTensor


class _SparseStandIn:
    """Holds `indices`, `values`, `dense_shape` with TF's repr (until tf.SparseTensor lands)."""

    def __init__(self, indices: Any, values: Any, dense_shape: Any) -> None:
        self.indices, self.values, self.dense_shape = indices, values, dense_shape

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self.indices}, values={self.values}, "
                f"dense_shape={self.dense_shape})")


class _RaggedStandIn:
    """Holds `values` and `row_splits` (until tf.RaggedTensor lands)."""

    def __init__(self, values: Any, row_splits: Any) -> None:
        self.values, self.row_splits = values, row_splits

    @property
    def dtype(self) -> Any:
        return self.values.dtype

    def to_list(self) -> list:
        splits = np.asarray(self.row_splits)
        vals = self.values.to_list() if isinstance(self.values, _RaggedStandIn) else np.asarray(self.values).tolist()
        return [vals[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]

    def __repr__(self) -> str:
        return f"<tf.RaggedTensor {self.to_list()}>"


def sparse(indices: np.ndarray, values: np.ndarray, dense_shape: Any) -> Any:
    """A `tf.SparseTensor` from int64 indices [N, rank], values [N] and a dense shape."""
    cls = _sparse_class() or _SparseStandIn
    return cls(indices=_tensor(np.asarray(indices, np.int64)), values=_tensor(values),
               dense_shape=_tensor(np.asarray(dense_shape, np.int64)))


def ragged(values: Any, row_splits: np.ndarray) -> Any:
    """A `tf.RaggedTensor` from flat values (array or ragged) and row splits."""
    cls = _ragged_class()
    if cls is not None:
        return cls.from_row_splits(values if not isinstance(values, np.ndarray) else _tensor(values),
                                   _tensor(row_splits), validate=False)
    return _RaggedStandIn(values if not isinstance(values, np.ndarray) else _tensor(values),
                          _tensor(row_splits))
