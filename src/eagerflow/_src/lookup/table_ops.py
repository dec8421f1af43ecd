"""The lookup-table ops (TF's `LookupTableFindV2`, `LookupTableInsertV2`, ...) over a host-side
table state.

A table's contents live in a `TableState` (a Python dict from key to value, as TF's CPU
`HashTable` kernels keep theirs in a hash map); each op names the state in its `table` attr, so
a traced `tf.function` reads the contents at call time. Keys and values are plain arrays: string
keys are `bytes`, numbers are their Python values (`tolist`), so one dict serves every dtype.
Kernels use NumPy: TF keeps its tables in host memory; outputs move to the op's device.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.op import Op


def _host(array: Any) -> np.ndarray:
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _to_device(xp: Any, array: np.ndarray) -> Any:
    return array if xp is np or array.dtype == object else xp.asarray(array)


def _shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


class TableState:
    """One table's contents: key -> value row (a scalar, or an array of `value_shape`).

    `static` tables (HashTable) take their contents once, by import, and refuse a key imported
    twice with another value; `empty_key`/`deleted_key` are DenseHashTable's reserved keys.
    """

    def __init__(self, value_dtype: Any, value_shape: tuple = (), static: bool = False,
                 empty_key: Any = None, deleted_key: Any = None, num_buckets: int = 0) -> None:
        self.entries: dict = {}
        self.np_dtype = value_dtype
        self.value_shape = tuple(value_shape)
        self.static = static
        self.initialized = not static
        self.empty_key = empty_key
        self.deleted_key = deleted_key
        self.num_buckets = num_buckets
        self.tombstones: list = []  # DenseHashTable: values of removed keys, in deleted buckets

    def check_keys(self, keys: list) -> None:
        """TF's DenseHashTable refuses its reserved keys in every operation."""
        if self.empty_key is None:
            return
        for key in keys:
            if key == self.empty_key:
                raise errors.InvalidArgumentError(None, None, "Using the empty_key as a table key is not allowed")
            if key == self.deleted_key:
                raise errors.InvalidArgumentError(None, None, "Using the deleted_key as a table key is not allowed")

    def check_values(self, keys: np.ndarray, values: np.ndarray) -> None:
        expected = keys.shape + self.value_shape
        if values.shape != expected:
            raise errors.InvalidArgumentError(
                None, None, f"Expected shape {_shape_text(expected)} for value, got {_shape_text(values.shape)}")

    def rows(self, keys: np.ndarray, values: np.ndarray) -> tuple[list, list]:
        flat_keys = keys.ravel().tolist()
        if self.value_shape:
            flat_values = list(values.reshape((len(flat_keys),) + self.value_shape))
        else:
            flat_values = values.ravel().tolist()
        return flat_keys, flat_values

    def grow(self, extra: int) -> None:
        """DenseHashTable doubles its buckets past a load factor of 0.8, as TF's kernel does."""
        if self.num_buckets:
            while len(self.entries) + extra > 0.8 * self.num_buckets:
                self.num_buckets *= 2


def check_num_buckets(num_buckets: int) -> None:
    """TF's MutableDenseHashTable needs a power-of-two bucket count of at least 4."""
    if num_buckets < 4 or num_buckets & (num_buckets - 1):
        raise errors.InvalidArgumentError(
            None, None, f"Number of buckets must be at least 4 and a power of 2, got: {num_buckets}")


# --- kernels ------------------------------------------------------------------------------------
def _find(xp: Any, keys: Any, default: Any, table: TableState) -> Any:
    if not table.initialized:
        raise errors.FailedPreconditionError(None, None, "Table not initialized.")
    keys = _host(keys)
    default = _host(default)
    flat = keys.ravel().tolist()
    table.check_keys(flat)
    out_shape = keys.shape + table.value_shape
    if default.shape == out_shape and default.shape != table.value_shape:
        defaults = default.reshape((len(flat),) + table.value_shape)  # one default per key
        found = [table.entries.get(k, defaults[i]) for i, k in enumerate(flat)]
    elif default.shape == table.value_shape:
        fallback = default if table.value_shape else default.item()
        found = [table.entries.get(k, fallback) for k in flat]
    else:
        raise errors.InvalidArgumentError(
            None, None, f"Expected shape {_shape_text(table.value_shape)} or {_shape_text(out_shape)} for "
                        f"default value, got {_shape_text(default.shape)}")
    out = np.empty(out_shape, dtype=table.np_dtype)
    if flat:
        out.reshape((len(flat),) + table.value_shape)[...] = np.asarray(
            found, dtype=table.np_dtype).reshape((len(flat),) + table.value_shape)
    return _to_device(xp, out)


def _insert(xp: Any, keys: Any, values: Any, table: TableState) -> None:
    keys, values = _host(keys), _host(values)
    table.check_values(keys, values)
    flat_keys, flat_values = table.rows(keys, values)
    table.check_keys(flat_keys)
    new = sum(k not in table.entries for k in set(flat_keys))
    del table.tombstones[:new]  # new keys take deleted buckets first
    table.grow(new)
    table.entries.update(zip(flat_keys, flat_values))


def _import(xp: Any, keys: Any, values: Any, table: TableState) -> None:
    keys, values = _host(keys), _host(values)
    if table.num_buckets:  # DenseHashTable: all buckets (keys [n, 1]); empty and deleted ones skipped
        n = keys.shape[0] if keys.ndim else 1
        keys = keys.reshape(n)
        values = values.reshape((n,) + table.value_shape)
        check_num_buckets(n)
        live = [k not in (table.empty_key, table.deleted_key) for k in keys.tolist()]
        table.num_buckets = n
        table.tombstones = []
        keys, values = keys[np.asarray(live, bool)], values[np.asarray(live, bool)]
    table.check_values(keys, values)
    flat_keys, flat_values = table.rows(keys, values)
    if not table.static:
        table.entries = dict(zip(flat_keys, flat_values))
        return
    for key, value in zip(flat_keys, flat_values):
        previous = table.entries.setdefault(key, value)
        if not np.array_equal(previous, value):
            raise errors.FailedPreconditionError(
                None, None, f"HashTable has different value for same key. Key {_text(key)} has "
                            f"{_text(previous)} and trying to add value {_text(value)}")
    table.initialized = True


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _remove(xp: Any, keys: Any, table: TableState) -> None:
    flat = _host(keys).ravel().tolist()
    table.check_keys(flat)
    for key in flat:
        if key in table.entries:
            value = table.entries.pop(key)
            if table.num_buckets:
                table.tombstones.append(value)


def _size(xp: Any, table: TableState) -> Any:
    return _to_device(xp, np.asarray(len(table.entries), dtype=np.int64))


def _export(xp: Any, table: TableState, key_dtype: Any) -> list:
    n = len(table.entries)
    keys = np.empty((n,), dtype=key_dtype)
    values = np.empty((n,) + table.value_shape, dtype=table.np_dtype)
    if n:
        keys[...] = np.asarray(list(table.entries), dtype=key_dtype)
        values[...] = np.asarray(list(table.entries.values()), dtype=table.np_dtype).reshape(values.shape)
    if table.num_buckets:  # DenseHashTable: every bucket, empty ones holding empty_key
        width = int(np.prod(table.value_shape)) if table.value_shape else 1
        all_keys = np.full((table.num_buckets, 1), table.empty_key, dtype=key_dtype)
        all_values = np.zeros((table.num_buckets, width), dtype=table.np_dtype)
        rows = _dense_buckets(list(table.entries), table.num_buckets)
        all_keys[rows, 0] = keys
        all_values[rows] = values.reshape(n, width)
        free = np.setdiff1d(np.arange(table.num_buckets), rows)
        dead = table.tombstones[:len(free)]
        if dead:
            all_keys[free[:len(dead)], 0] = table.deleted_key
            all_values[free[:len(dead)]] = np.asarray(dead, dtype=table.np_dtype).reshape(len(dead), width)
        keys, values = all_keys, all_values
    return [_to_device(xp, keys), _to_device(xp, values)]


def _dense_buckets(keys: list, num_buckets: int) -> np.ndarray:
    """The bucket of each key in TF's MutableDenseHashTable layout (its hash masked to the
    power-of-two bucket count, triangular probing), so TF finds the keys of a table it imports
    from an export of ours (TF imports the buckets as they are)."""
    from eagerflow._src.ops.string_hash import hash64

    mask = num_buckets - 1
    taken = np.zeros(num_buckets, bool)
    rows = np.empty(len(keys), np.int64)
    for i, key in enumerate(keys):
        # TF hashes a number with std::hash (its value), a string with its Hash64
        h = hash64(key) if isinstance(key, bytes) else int(key) & 0xFFFFFFFFFFFFFFFF
        bucket, probes = h & mask, 0
        while taken[bucket] and probes < num_buckets:
            probes += 1
            bucket = (bucket + probes) & mask
        if taken[bucket]:  # (never with a power-of-two count: the probes visit every bucket)
            bucket = int(np.flatnonzero(~taken)[0])
        taken[bucket] = True
        rows[i] = bucket
    return rows


def _text_file_rows(xp: Any, filename: Any, key_index: int, value_index: int, vocab_size: int,
                    delimiter: str, offset: int, key_dtype: Any, value_dtype: Any) -> list:
    """TF's InitializeTableFromTextFileV2, parsing only: the file's (keys, values)."""
    path = _host(filename).item()
    path = path.decode() if isinstance(path, bytes) else str(path)
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if vocab_size > 0:
        if len(lines) < vocab_size:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid vocab_size in {path}: expected {vocab_size} but got {len(lines)}")
        lines = lines[:vocab_size]
    sep = delimiter.encode()

    def column(index: int, dtype: Any, line_number: int, line: bytes, what: str) -> Any:
        if index == -1:  # TextFileIndex.LINE_NUMBER
            return line_number + (offset if what == "value" else 0)
        if index == -2:  # TextFileIndex.WHOLE_LINE
            text = line
        else:
            fields = line.split(sep)
            if index >= len(fields):
                raise errors.InvalidArgumentError(
                    None, None, f"Invalid number of columns in {path} line {line_number} ({line.decode()}) : "
                                f"expected at least {index + 1} got {len(fields)}")
            text = fields[index]
        if dtype == object:
            return text
        try:
            number = int(text) if np.issubdtype(dtype, np.integer) else float(text)
        except ValueError:
            raise errors.InvalidArgumentError(
                None, None, f"Field {text.decode()} in line {line_number} is not a valid "
                            f"{'int64' if np.issubdtype(dtype, np.integer) else 'float'}.") from None
        return number

    keys = [column(key_index, key_dtype, i, line, "key") for i, line in enumerate(lines)]
    values = [column(value_index, value_dtype, i, line, "value") for i, line in enumerate(lines)]
    return [_to_device(xp, np.asarray(keys, dtype=key_dtype).reshape(len(keys))),
            _to_device(xp, np.asarray(values, dtype=value_dtype).reshape(len(values)))]


def _find_shape(inputs: Any, attrs: dict) -> list:
    """The keys' shape and the table's value shape, in the table's value dtype."""
    table = attrs["table"]
    keys = inputs[0]._array.shape
    return [(np.dtype(table.np_dtype), None if keys is None else tuple(keys) + tuple(table.value_shape))]


def _size_shape(inputs: Any, attrs: dict) -> list:
    return [(np.dtype(np.int64), ())]


def _export_shape(inputs: Any, attrs: dict) -> list:
    table = attrs["table"]
    rank = 2 if table.num_buckets else 1 + len(table.value_shape)
    keys = (None, 1) if table.num_buckets else (None,)
    values = (None,) * rank if table.num_buckets else (None,) + tuple(table.value_shape)
    return [(np.dtype(attrs["key_dtype"]), keys), (np.dtype(table.np_dtype), values)]


FIND = Op("LookupTableFindV2", _find, stateful=True, shape_fn=_find_shape)
INSERT = Op("LookupTableInsertV2", _insert, num_outputs=0, stateful=True)
IMPORT = Op("LookupTableImportV2", _import, num_outputs=0, stateful=True)
REMOVE = Op("LookupTableRemoveV2", _remove, num_outputs=0, stateful=True)
SIZE = Op("LookupTableSizeV2", _size, stateful=True, shape_fn=_size_shape)
EXPORT = Op("LookupTableExportV2", _export, num_outputs=2, stateful=True, shape_fn=_export_shape)
READ_TEXT_FILE = Op("InitializeTableFromTextFileV2", _text_file_rows, num_outputs=2, stateful=True)
