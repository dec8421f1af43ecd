"""Feature configurations for `tf.io.parse_example` & co., as TF's namedtuples."""
from __future__ import annotations

import collections
from typing import Any

from eagerflow._src.framework import dtypes as _dtypes


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """Configuration for parsing a variable-length input feature into a `SparseTensor`."""


class FixedLenFeature(collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])):
    """Configuration for parsing a fixed-length input feature into a dense tensor."""

    def __new__(cls, shape: Any, dtype: Any, default_value: Any = None) -> "FixedLenFeature":
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """Configuration for parsing a variable-length sequence of fixed-shape values."""

    def __new__(cls, shape: Any, dtype: Any, allow_missing: bool = False,
                default_value: Any = None) -> "FixedLenSequenceFeature":
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class RaggedFeature(collections.namedtuple(
        "RaggedFeature", ["dtype", "value_key", "partitions", "row_splits_dtype", "validate"])):
    """Configuration for parsing a feature into a `RaggedTensor` (no partitions: one ragged
    dimension per example)."""

    def __new__(cls, dtype: Any, value_key: str | None = None, partitions: tuple = (),
                row_splits_dtype: Any = _dtypes.int32, validate: bool = False) -> "RaggedFeature":
        if partitions:
            raise NotImplementedError("RaggedFeature partitions are not supported yet")
        return super().__new__(cls, dtype, value_key, partitions, row_splits_dtype, validate)


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """Configuration for a sparse feature from index and value features (not parsed yet)."""

    def __new__(cls, index_key: Any, value_key: str, dtype: Any, size: Any,
                already_sorted: bool = False) -> "SparseFeature":
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)
