"""Feature crosses (`tf.sparse.cross`, `tf.sparse.cross_hashed`, `tf.ragged.cross`): per row,
every combination of one value from each input, joined with a separator (or hashed), the last
input varying fastest (TF's order).

The crosses are ops over the inputs' component tensors (dense, or a SparseTensor's indices,
values and dense shape, or a RaggedTensor's values and row splits): the per-row work runs when
the op runs, so crosses work in traced functions and tf.data maps as they do eagerly.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.sparse.sparse_tensor import SparseTensor


def _as_bytes(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode()


def _components(value: Any) -> tuple[str, list]:
    """An input as (kind, component tensors): "sparse", "ragged" (one ragged dim) or "dense"."""
    if isinstance(value, SparseTensor):
        return "sparse", [value.indices, value.values, value.dense_shape]
    if hasattr(value, "flat_values"):
        if getattr(value, "ragged_rank", 1) != 1:
            raise ValueError("Inputs must be rank 2 (one ragged dimension)")
        return "ragged", [value.flat_values, value.row_splits]
    t = convert_to_tensor(value)
    if t.shape.rank is not None and t.shape.rank != 2:
        raise ValueError(f"Expected rank 2 inputs; got shape {tuple(t.shape.as_list())}")
    return "dense", [t]


def _host(array: Any) -> np.ndarray:
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _host_rows(arrays: tuple, kinds: tuple, convert: Callable[[Any], Any]) -> list[list[list[Any]]]:
    """Per input, the values of each row (through `convert`), from the inputs' host arrays."""
    columns, it = [], iter(arrays)
    for kind in kinds:
        if kind == "sparse":
            idx, vals, shape = _host(next(it)), _host(next(it)).tolist(), _host(next(it))
            rows: list[list[Any]] = [[] for _ in range(int(shape[0]))]
            for row, v in zip(idx[:, 0].tolist() if idx.size else [], vals):
                rows[row].append(convert(v))
        elif kind == "ragged":
            vals, splits = _host(next(it)).tolist(), _host(next(it)).tolist()
            rows = [[convert(v) for v in vals[a:b]] for a, b in zip(splits[:-1], splits[1:])]
        else:
            array = _host(next(it))
            if array.ndim != 2:
                raise errors.InvalidArgumentError(None, None, f"Expected rank 2 inputs; got shape {array.shape}")
            rows = [[convert(v) for v in row] for row in array.tolist()]
        columns.append(rows)
    if any(len(c) != len(columns[0]) for c in columns):
        raise errors.InvalidArgumentError(None, None, "Inputs must have the same number of rows")
    return columns


def _sparse_result(xp: Any, rows: list, dtype: Any) -> list:
    indices = np.asarray([[i, j] for i, row in enumerate(rows) for j in range(len(row))], np.int64).reshape(-1, 2)
    values = np.empty(len(indices), dtype=dtype)
    values[:] = [v for row in rows for v in row]
    width = max((len(r) for r in rows), default=0)
    return [xp.asarray(indices), values if dtype == object else xp.asarray(values),
            xp.asarray(np.asarray([len(rows), width], np.int64))]


def _cross_kernel(xp: Any, *arrays: Any, kinds: tuple, separator: bytes) -> list:
    columns = _host_rows(arrays, kinds, _as_bytes)
    rows = [[separator.join(combo) for combo in itertools.product(*(c[i] for c in columns))]
            for i in range(len(columns[0]))]
    return _sparse_result(xp, rows, object)


def _cross_shapes(inputs: Any, attrs: dict) -> list:
    dtype = np.dtype(object) if attrs.get("separator") is not None else np.dtype(np.int64)
    return [(np.dtype(np.int64), (None, 2)), (dtype, (None,)), (np.dtype(np.int64), (2,))]


# TF's SparseCrossV2 / SparseCrossHashed (inputs: each input's components, `kinds` naming them).
SPARSE_CROSS = Op("SparseCrossV2", _cross_kernel, num_outputs=3, shape_fn=_cross_shapes)


def _crossed(op: Op, inputs: Any, attrs: dict) -> SparseTensor:
    if not inputs:
        raise ValueError("inputs must be a non-empty list")
    kinds, tensors = [], []
    for value in inputs:
        kind, parts = _components(value)
        kinds.append(kind)
        tensors.extend(parts)
    indices, values, shape = execute(op, tuple(tensors), {"kinds": tuple(kinds), **attrs})
    return SparseTensor(indices, values, shape)


def crossed_rows(inputs: Any, separator: str) -> list[list[bytes]]:
    sp = sparse_cross(inputs, separator=separator)
    rows: list[list[bytes]] = [[] for _ in range(int(sp.dense_shape.numpy()[0]))]
    for (row, _), v in zip(sp.indices.numpy().tolist(), sp.values.numpy().tolist()):
        rows[row].append(v)
    return rows


def sparse_cross(inputs: Any, name: str | None = None, separator: str | None = None) -> SparseTensor:
    """String crosses of the inputs' rows as a SparseTensor (`tf.sparse.cross`)."""
    separator = "_X_" if separator is None else separator
    sep = separator.encode() if isinstance(separator, str) else bytes(separator)
    return _crossed(SPARSE_CROSS, inputs, {"separator": sep})


def ragged_cross(inputs: Any, name: str | None = None) -> Any:
    """String crosses of the inputs' rows as a RaggedTensor (`tf.ragged.cross`)."""
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    rows = crossed_rows(inputs, "_X_")
    values = np.empty(sum(len(r) for r in rows), dtype=object)
    values[:] = [v for row in rows for v in row]
    return RaggedTensor.from_row_lengths(constant(values), constant(np.asarray([len(r) for r in rows], np.int64)))


_HASH_KEY = 0xDECAFCAFFE  # TF's default hash_key for cross_hashed
_MUL = 0xC6A4A7935BD1E995
_M64 = (1 << 64) - 1


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def _fingerprint_cat64(fp1: int, fp2: int) -> int:
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _M64) * _MUL) & _M64
    result = (result * _MUL) & _M64
    result = (_shift_mix(result) * _MUL) & _M64
    return _shift_mix(result)


def _hash_of(v: Any) -> int:
    """A feature as TF's hashed cross reads it: strings fingerprinted, ints as is."""
    from eagerflow._src.ops.string_hash import fingerprint64

    if isinstance(v, (bytes, str)):
        return fingerprint64(v if isinstance(v, bytes) else v.encode())
    return int(v) & _M64


def _cross_hashed_kernel(xp: Any, *arrays: Any, kinds: tuple, num_buckets: int, hash_key: int) -> list:
    columns = _host_rows(arrays, kinds, _hash_of)
    modulus = num_buckets if num_buckets > 0 else (1 << 63) - 1
    rows = []
    for i in range(len(columns[0])):
        row = []
        for combo in itertools.product(*(c[i] for c in columns)):
            h = hash_key
            for f in combo:
                h = _fingerprint_cat64(h, f)
            row.append(h % modulus)
        rows.append(row)
    return _sparse_result(xp, rows, np.int64)


SPARSE_CROSS_HASHED = Op("SparseCrossHashed", _cross_hashed_kernel, num_outputs=3, shape_fn=_cross_shapes)


def sparse_cross_hashed(inputs: Any, num_buckets: int = 0, hash_key: Any = None,
                        name: str | None = None) -> SparseTensor:
    """Hashed crosses of the inputs' rows as an int64 SparseTensor (`tf.sparse.cross_hashed`):
    TF's FingerprintCat64 chain over each combination, modulo `num_buckets` (or int64 max)."""
    return _crossed(SPARSE_CROSS_HASHED, inputs, {
        "num_buckets": int(num_buckets) if num_buckets and num_buckets > 0 else 0,
        "hash_key": _HASH_KEY if hash_key is None else int(hash_key)})
