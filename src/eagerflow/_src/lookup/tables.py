"""`tf.lookup`'s tables: StaticHashTable, StaticVocabularyTable and the mutable
MutableHashTable and DenseHashTable (`tf.lookup.experimental`).

Each table owns a `TableState` (table_ops) and reads and changes it only through the table ops,
so lookups inside a `tf.function` see the contents at call time. Initializers fill a static
table through `initializer.initialize(table)`, as TF's do (Keras subclasses them).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.lookup import table_ops
from eagerflow._src.lookup.initializers import KeyValueDtypes
from eagerflow._src.saved_model.resource import TrackableResource


def _np_dtype(dtype: _dtypes.DType) -> Any:
    return np.dtype(object) if dtype == _dtypes.string else dtype.as_numpy_dtype


def _is_composite(keys: Any) -> bool:
    name = type(keys).__name__
    return name in ("SparseTensor", "RaggedTensor")


def _with_values(keys: Any, values: Any) -> Any:
    """The lookup result of a sparse or ragged `keys`: the same structure over `values`."""
    if type(keys).__name__ == "SparseTensor":
        from eagerflow._src.sparse.sparse_tensor import SparseTensor

        return SparseTensor(keys.indices, values, keys.dense_shape)
    if type(keys).__name__ == "RaggedTensor":
        return keys.with_values(values)
    return values


def _convert(value: Any, dtype: _dtypes.DType, name: str) -> Any:
    """`convert_to_tensor`, its error prefixed with the argument's name as TF's ops do."""
    try:
        return convert_to_tensor(value, dtype=dtype, name=name)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None


def _check_key_dtype(keys: Any, key_dtype: _dtypes.DType) -> None:
    if keys.dtype.base_dtype != key_dtype:
        raise TypeError(f"Dtype of argument `keys` must be {key_dtype}, received: {keys.dtype}")


class LookupInterface(KeyValueDtypes, TrackableResource):
    """What every table has: key and value dtypes, `size`, `lookup`, `[]`. A
    `TrackableResource`, as TF's tables: a SavedModel recreates it on load."""

    @property
    def name(self) -> str | None:
        """The table's name: None when executing eagerly, as in TF."""
        return None

    @property
    def resource_handle(self) -> table_ops.TableState:
        """The table's contents (TF: a resource tensor; here the host-side state it names)."""
        return self._state

    def size(self, name: str | None = None) -> Any:
        """The number of elements in this table, a scalar int64 tensor."""
        return execute(table_ops.SIZE, (), {"table": self._state})

    def __getitem__(self, keys: Any) -> Any:
        return self.lookup(keys)


class StaticHashTable(LookupInterface):
    """A hash table filled once by an initializer, immutable afterwards (`tf.lookup.StaticHashTable`).

    Args:
      initializer: a `KeyValueTensorInitializer` or `TextFileInitializer` (or a subclass).
      default_value: the scalar value looked-up keys that are absent get.
      name: a name for the table (optional).
    """

    def __init__(self, initializer: Any, default_value: Any, name: str | None = None,
                 experimental_is_anonymous: bool = False) -> None:
        super().__init__(initializer.key_dtype, initializer.value_dtype)
        self._initializer = initializer
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        if self._default_value.shape.rank != 0:  # TF merges the shape with a scalar's
            raise ValueError(f"Shapes {self._default_value.shape} and () are not compatible")
        self._state = table_ops.TableState(_np_dtype(self._value_dtype), static=True)
        self._init_op = initializer.initialize(self)

    @property
    def default_value(self) -> Any:
        """The default value of the table."""
        return self._default_value

    def lookup(self, keys: Any, name: str | None = None) -> Any:
        """Looks up `keys` (a Tensor, SparseTensor or RaggedTensor); absent keys get the default."""
        flat = keys.values if _is_composite(keys) else keys
        _check_key_dtype(keys, self._key_dtype)
        values = execute(table_ops.FIND, (flat, self._default_value), {"table": self._state})
        return _with_values(keys, values)

    def export(self, name: str | None = None) -> tuple[Any, Any]:
        """Returns tensors of all keys and values in the table."""
        keys, values = execute(table_ops.EXPORT, (), {"table": self._state,
                                                       "key_dtype": _np_dtype(self._key_dtype)})
        return keys, values


class StaticVocabularyTable(LookupInterface):
    """String or integer keys to int64 ids, out-of-vocabulary keys hashed into `num_oov_buckets`
    buckets after the vocabulary (`tf.lookup.StaticVocabularyTable`)."""

    def __init__(self, initializer: Any, num_oov_buckets: int, lookup_key_dtype: Any = None,
                 name: str | None = None, experimental_is_anonymous: bool = False) -> None:
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if name:
            name = name.rstrip("/")
        if initializer:
            lookup_key_dtype = _dtypes.as_dtype(lookup_key_dtype or initializer.key_dtype)
            supported = (_dtypes.int64, _dtypes.string)
            if initializer.key_dtype not in supported:
                raise TypeError(f"Invalid `key_dtype`, expected one of (tf.int64, tf.string), but got "
                                f"{initializer.key_dtype}.")
            if initializer.key_dtype.is_integer != lookup_key_dtype.is_integer:
                raise TypeError(f"Invalid `key_dtype`, expected "
                                f"{'integer' if lookup_key_dtype.is_integer else 'non-integer'} but got "
                                f"{initializer.key_dtype}.")
            if initializer.value_dtype != _dtypes.int64:
                raise TypeError(f"Invalid `value_dtype`, expected {_dtypes.int64} but got "
                                f"{initializer.value_dtype}.")
            self._initializer = initializer
            self._table = StaticHashTable(initializer, default_value=-1)
        else:
            lookup_key_dtype = _dtypes.string
            self._table = None
            name = name or "hash_bucket"
        lookup_key_dtype = _dtypes.as_dtype(lookup_key_dtype)
        if not lookup_key_dtype.is_integer and lookup_key_dtype != _dtypes.string:
            raise TypeError(f"Invalid `key_dtype`, expected integer or string, got {lookup_key_dtype}")
        self._num_oov_buckets = num_oov_buckets
        self._table_name = name.split("/")[-1] if name is not None else None
        super().__init__(lookup_key_dtype, _dtypes.int64)

    @property
    def name(self) -> str | None:
        return self._table_name

    @property
    def resource_handle(self) -> Any:
        return self._table.resource_handle if self._table is not None else None

    def size(self, name: str | None = None) -> Any:
        """The vocabulary size plus the number of out-of-vocabulary buckets."""
        from eagerflow._src.ops.math_ops import add

        base = self._table.size() if self._table is not None else convert_to_tensor(0, _dtypes.int64)
        return add(base, convert_to_tensor(self._num_oov_buckets, _dtypes.int64))

    def lookup(self, keys: Any, name: str | None = None) -> Any:
        """Ids of `keys`: their vocabulary index, or vocabulary size + Fingerprint64 bucket."""
        from eagerflow._src.ops.array_ops import where
        from eagerflow._src.ops.math_ops import add, cast, not_equal
        from eagerflow._src.ops.string_ops import as_string, to_hash_bucket_fast

        _check_key_dtype(keys, self._key_dtype)
        values = keys.values if _is_composite(keys) else keys
        if self._table is not None and self._table.key_dtype == _dtypes.int64:
            values = cast(values, _dtypes.int64)
        text = values if values.dtype == _dtypes.string else as_string(values)
        buckets = to_hash_bucket_fast(text, self._num_oov_buckets)
        if self._table is not None:
            ids = self._table.lookup(values)
            buckets = add(buckets, self._table.size())
            ids = where(not_equal(ids, self._table.default_value), ids, buckets)
        else:
            ids = buckets
        return _with_values(keys, ids)


class MutableHashTable(LookupInterface):
    """A table whose contents change with `insert` and `remove`
    (`tf.lookup.experimental.MutableHashTable`); values may be tensors of the default's shape."""

    # Checkpoints save the contents as TF does: one attribute "table", tensors `table-keys`/`-values`.
    _checkpoint_saveable_name = "table"

    def __init__(self, key_dtype: Any, value_dtype: Any, default_value: Any,
                 name: str = "MutableHashTable", checkpoint: bool = True,
                 experimental_is_anonymous: bool = False) -> None:
        super().__init__(key_dtype, value_dtype)
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        self._value_shape = self._default_value.shape
        self._checkpoint = checkpoint
        self._name = name
        self._state = self._make_state()

    def _make_state(self) -> table_ops.TableState:
        return table_ops.TableState(_np_dtype(self._value_dtype), tuple(self._value_shape.as_list()))

    @property
    def default_value(self) -> Any:
        return self._default_value

    def lookup(self, keys: Any, dynamic_default_values: Any = None, name: str | None = None) -> Any:
        """Values of `keys` (any shape); absent keys get the default (or `dynamic_default_values`)."""
        keys = _convert(keys, self._key_dtype, "keys")
        default = self._default_value if dynamic_default_values is None else \
            convert_to_tensor(dynamic_default_values, dtype=self._value_dtype)
        return execute(table_ops.FIND, (keys, default), {"table": self._state})

    def insert(self, keys: Any, values: Any, name: str | None = None) -> None:
        """Associates `keys` with `values` (shape: keys' shape + the value shape)."""
        keys = _convert(keys, self._key_dtype, "keys")
        values = _convert(values, self._value_dtype, "values")
        return execute(table_ops.INSERT, (keys, values), {"table": self._state})

    def remove(self, keys: Any, name: str | None = None) -> None:
        """Removes `keys` and their values; absent keys are ignored."""
        if keys.dtype != self._key_dtype:
            raise TypeError(f"Dtype of argument `keys` must be {self._key_dtype}, received: {keys.dtype}")
        return execute(table_ops.REMOVE, (keys,), {"table": self._state})

    def export(self, name: str | None = None) -> tuple[Any, Any]:
        """Returns tensors of all keys and values in the table."""
        keys, values = execute(table_ops.EXPORT, (), {"table": self._state,
                                                       "key_dtype": _np_dtype(self._key_dtype)})
        return keys, values

    def _serialize_to_tensors(self) -> dict[str, Any]:
        keys, values = self.export()
        return {"-keys": keys, "-values": values}

    def _restore_from_tensors(self, restored_tensors: dict[str, Any]) -> None:
        execute(table_ops.IMPORT, (restored_tensors["-keys"], restored_tensors["-values"]),
                {"table": self._state})


class DenseHashTable(MutableHashTable):
    """A mutable table with reserved `empty_key` and `deleted_key` (`tf.lookup.experimental.DenseHashTable`);
    `export` returns every bucket, the empty ones holding `empty_key`."""

    def __init__(self, key_dtype: Any, value_dtype: Any, default_value: Any, empty_key: Any,
                 deleted_key: Any, initial_num_buckets: int | None = None,
                 name: str = "MutableDenseHashTable", checkpoint: bool = True,
                 experimental_is_anonymous: bool = False) -> None:
        self._empty_key = convert_to_tensor(empty_key, dtype=key_dtype, name="empty_key")
        self._deleted_key = convert_to_tensor(deleted_key, dtype=key_dtype, name="deleted_key")
        self._initial_num_buckets = initial_num_buckets
        super().__init__(key_dtype, value_dtype, default_value, name, checkpoint, experimental_is_anonymous)

    def _make_state(self) -> table_ops.TableState:
        empty, deleted = np.asarray(self._empty_key.numpy()), np.asarray(self._deleted_key.numpy())
        if np.array_equal(empty, deleted):
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(None, None, "empty_key and deleted_key cannot be equal")
        table_ops.check_num_buckets(self._initial_num_buckets or 131072)
        return table_ops.TableState(_np_dtype(self._value_dtype), tuple(self._value_shape.as_list()),
                                    empty_key=empty.tolist(), deleted_key=deleted.tolist(),
                                    num_buckets=self._initial_num_buckets or 131072)

    def insert_or_assign(self, keys: Any, values: Any, name: str | None = None) -> None:
        """Associates `keys` with `values`."""
        return MutableHashTable.insert(self, keys, values, name)

    def erase(self, keys: Any, name: str | None = None) -> None:
        """Removes `keys` and their values; absent keys are ignored."""
        if keys.dtype != self._key_dtype:
            raise TypeError(f"Signature mismatch. Keys must be dtype {self._key_dtype}, got {keys.dtype}.")
        return execute(table_ops.REMOVE, (keys,), {"table": self._state})

    def remove(self, keys: Any, name: str | None = None) -> None:
        return self.erase(keys, name)
