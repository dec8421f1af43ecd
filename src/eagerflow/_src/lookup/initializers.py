"""Table initializers (`tf.lookup.KeyValueTensorInitializer`, `tf.lookup.TextFileInitializer`):
each fills a static table through `initialize(table)`, as TF's do."""
from __future__ import annotations

from typing import Any

from eagerflow._src.checkpoint.trackable import Trackable
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.lookup import table_ops


def check_table_dtypes(table: Any, key_dtype: _dtypes.DType, value_dtype: _dtypes.DType) -> None:
    """TF's TypeError when an initializer's dtypes differ from its table's."""
    if key_dtype.base_dtype != table.key_dtype:
        raise TypeError(f"Invalid key dtype for table, expected {table.key_dtype} but got {key_dtype}.")
    if value_dtype.base_dtype != table.value_dtype:
        raise TypeError(f"Invalid value dtype for table, expected {table.value_dtype} but got {value_dtype}.")


class KeyValueDtypes(Trackable):
    """A key dtype and a value dtype (tables, and the initializers that fill them)."""

    def __init__(self, key_dtype: Any, value_dtype: Any) -> None:
        self._key_dtype = _dtypes.as_dtype(key_dtype)
        self._value_dtype = _dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self) -> _dtypes.DType:
        """The table key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self) -> _dtypes.DType:
        """The table value dtype."""
        return self._value_dtype


class TableInitializerBase(KeyValueDtypes):
    """Base of table initializers: the key and value dtypes they fill a table with."""

    def initialize(self, table: Any) -> Any:
        """Fills `table`."""
        raise NotImplementedError


class KeyValueTensorInitializer(TableInitializerBase):
    """Initializes a table from a keys tensor and a values tensor of the same length."""

    def __init__(self, keys: Any, values: Any, key_dtype: Any = None, value_dtype: Any = None,
                 name: str | None = None) -> None:
        self._keys = convert_to_tensor(keys, dtype=key_dtype, name="keys")
        self._values = convert_to_tensor(values, dtype=value_dtype, name="values")
        self._name = name if name is not None else "key_value_init"
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table: Any) -> None:
        check_table_dtypes(table, self._keys.dtype, self._values.dtype)
        return execute(table_ops.IMPORT, (self._keys, self._values), {"table": table.resource_handle})


class TextFileIndex:
    """Which part of a line a `TextFileInitializer` takes: the whole line, its number, or a
    column (an index >= 0)."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer(TableInitializerBase):
    """Initializes a table from a text file, one key-value pair per line (`tf.lookup.TextFileInitializer`)."""

    def __init__(self, filename: Any, key_dtype: Any, key_index: int, value_dtype: Any, value_index: int,
                 vocab_size: int | None = None, delimiter: str = "\t", name: str | None = None,
                 value_index_offset: int = 0) -> None:
        if not isinstance(filename, Tensor) and not filename:
            raise ValueError("`filename` argument required for tf.lookup.TextFileInitializer")
        key_dtype = _dtypes.as_dtype(key_dtype)
        value_dtype = _dtypes.as_dtype(value_dtype)
        if key_index < -2:
            raise ValueError(f"`key_index` should be >= -2, received: {key_index}.")
        if key_index == TextFileIndex.LINE_NUMBER and key_dtype != _dtypes.int64:
            raise ValueError("`key_dtype` must be int64 if `key_index` is "
                             f"{TextFileIndex.LINE_NUMBER}, received: {key_dtype}")
        if key_index == TextFileIndex.WHOLE_LINE and not key_dtype.is_integer and key_dtype != _dtypes.string:
            raise ValueError("`key_dtype` should be either integer or string for `key_index` "
                             f"{TextFileIndex.WHOLE_LINE}, received: {key_dtype}")
        if value_index < -2:
            raise ValueError(f"`value_index` should be >= -2, received: {value_index}")
        if value_index == TextFileIndex.LINE_NUMBER and value_dtype != _dtypes.int64:
            raise ValueError("`value_dtype` must be int64 for `value_index` "
                             f"{TextFileIndex.LINE_NUMBER}, received: {value_dtype}")
        if value_index == TextFileIndex.WHOLE_LINE and not value_dtype.is_integer \
                and value_dtype != _dtypes.string:
            raise ValueError("`value_dtype` should be either integer or string for `value_index` "
                             f"{TextFileIndex.WHOLE_LINE}, received: {value_dtype}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`vocab_size` should be > 0, received: {vocab_size}")
        self._filename = filename
        self._key_index = key_index
        self._value_index = value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name
        self._offset = value_index_offset
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table: Any) -> None:
        from eagerflow._src.lookup.tables import _np_dtype

        check_table_dtypes(table, self.key_dtype, self.value_dtype)
        filename = convert_to_tensor(self._filename, _dtypes.string, name="asset_filepath")
        keys, values = execute(table_ops.READ_TEXT_FILE, (filename,), {
            "key_index": self._key_index, "value_index": self._value_index,
            "vocab_size": -1 if self._vocab_size is None else self._vocab_size,
            "delimiter": self._delimiter, "offset": self._offset,
            "key_dtype": _np_dtype(self.key_dtype), "value_dtype": _np_dtype(self.value_dtype)})
        return execute(table_ops.IMPORT, (keys, values), {"table": table.resource_handle})
