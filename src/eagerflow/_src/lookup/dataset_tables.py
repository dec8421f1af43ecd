"""Lookup tables filled from a `tf.data.Dataset` (`tf.data.experimental.DatasetInitializer`,
`table_from_dataset`, `index_table_from_dataset`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor_spec import TensorSpec
from eagerflow._src.lookup import table_ops
from eagerflow._src.lookup.initializers import TableInitializerBase, check_table_dtypes
from eagerflow._src.lookup.tables import LookupInterface, StaticHashTable, _check_key_dtype, _is_composite, \
    _np_dtype, _with_values

_BASE_ERROR = ("Datasets used to initialize lookup tables must produce elements in the form (key, value), "
               "where the keys and values are scalar tensors. ")


def _check_element_spec(spec: Any) -> None:
    if len(spec) != 2:
        raise ValueError(_BASE_ERROR + f"However, the given dataset produces {len(spec)} components instead "
                         f"of two (key, value) components. Full dataset element spec: {spec}.")
    for what, part in (("keys", spec[0]), ("values", spec[1])):
        if not isinstance(part, TensorSpec):
            raise ValueError(_BASE_ERROR + f"However, the given dataset produces non-Tensor {what} of type "
                             f"{type(part)}.")
    for what, part in (("key", spec[0]), ("value", spec[1])):
        if part.shape.rank not in (None, 0):
            raise ValueError(_BASE_ERROR + f"However, the given dataset produces non-scalar {what} Tensors "
                             f"of rank {part.shape.rank}.")


class DatasetInitializer(TableInitializerBase):
    """Fills a table from a dataset of scalar (key, value) pairs."""

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset
        spec = dataset.element_spec
        _check_element_spec(spec)
        super().__init__(spec[0].dtype, spec[1].dtype)

    def initialize(self, table: Any) -> None:
        check_table_dtypes(table, self.key_dtype, self.value_dtype)
        keys, values = [], []
        for key, value in self.dataset:
            keys.append(key.numpy())
            values.append(value.numpy())
        keys_t = constant(np.array(keys, dtype=_np_dtype(self.key_dtype)).reshape(len(keys)), self.key_dtype)
        values_t = constant(np.array(values, dtype=_np_dtype(self.value_dtype)).reshape(len(values)),
                            self.value_dtype)
        return execute(table_ops.IMPORT, (keys_t, values_t), {"table": table.resource_handle})


class _IdTableWithHashBuckets(LookupInterface):
    """A table's ids, out-of-vocabulary keys hashed (Fingerprint64) into buckets after its size."""

    def __init__(self, table: Any, num_oov_buckets: int, key_dtype: Any) -> None:
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        super().__init__(table.key_dtype if key_dtype is None else key_dtype, _dtypes.int64)
        self._key_dtype = table.key_dtype

    @property
    def resource_handle(self) -> Any:
        return self._table.resource_handle

    def size(self, name: str | None = None) -> Any:
        from eagerflow._src.ops.math_ops import add

        return add(self._table.size(), constant(self._num_oov_buckets, _dtypes.int64))

    def lookup(self, keys: Any, name: str | None = None) -> Any:
        from eagerflow._src.ops.array_ops import where
        from eagerflow._src.ops.math_ops import add, not_equal
        from eagerflow._src.ops.string_ops import as_string, to_hash_bucket_fast

        _check_key_dtype(keys, self._key_dtype)
        values = keys.values if _is_composite(keys) else keys
        text = values if values.dtype == _dtypes.string else as_string(values)
        buckets = add(to_hash_bucket_fast(text, self._num_oov_buckets), self._table.size())
        ids = self._table.lookup(values)
        return _with_values(keys, where(not_equal(ids, self._table.default_value), ids, buckets))


def table_from_dataset(dataset: Any = None, num_oov_buckets: int = 0, vocab_size: int | None = None,
                       default_value: Any = None, hasher_spec: Any = None, key_dtype: Any = _dtypes.string,
                       name: str | None = None) -> Any:
    """A lookup table of a dataset's (key, value) pairs; with `num_oov_buckets`, absent keys are
    hashed into buckets after the vocabulary."""
    spec = dataset.element_spec
    _check_element_spec(spec)
    if default_value is None:
        default_value = -1
        if not (spec[1].dtype.is_integer or spec[1].dtype.is_floating):
            raise ValueError("`default_value` must be specified when creating a table from a dataset that "
                             f"produces values of type {spec[1].dtype}.")
    if num_oov_buckets < 0:
        raise ValueError(f"`num_oov_buckets` must be greater than or equal to 0, got {num_oov_buckets}.")
    if vocab_size is not None and not hasattr(vocab_size, "numpy") and vocab_size < 1:
        raise ValueError(f"`vocab_size` must be greater than 0, got {vocab_size}.")
    key_dtype = _dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype != _dtypes.string:
        raise TypeError(f"`key_dtype` must be either an integer or string type, but got {key_dtype}")
    if vocab_size is not None:
        dataset = dataset.take(vocab_size)
    table = StaticHashTable(DatasetInitializer(dataset), default_value)
    if num_oov_buckets:
        return _IdTableWithHashBuckets(table, num_oov_buckets, key_dtype)
    return table


def index_table_from_dataset(dataset: Any = None, num_oov_buckets: int = 0, vocab_size: int | None = None,
                             default_value: Any = -1, hasher_spec: Any = None, key_dtype: Any = _dtypes.string,
                             name: str | None = None) -> Any:
    """A table from each key of `dataset` to its position."""
    return table_from_dataset(dataset.enumerate().map(lambda v, k: (k, v)), num_oov_buckets, vocab_size,
                              default_value, hasher_spec, key_dtype, name)
