"""Feature crosses (`tf.sparse.cross`, `tf.ragged.cross`): per row, every combination of one value
from each input, joined with a separator, the last input varying fastest (TF's order)."""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.sparse.sparse_tensor import SparseTensor


def _as_bytes(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode()


def _rows(value: Any, convert: Any = _as_bytes) -> list[list[Any]]:
    """The values of each row of a 2-D dense, sparse or ragged input, each through `convert` (as bytes)."""
    if isinstance(value, SparseTensor):
        idx = np.asarray(value.indices.numpy())
        vals = value.values.numpy().tolist()
        out: list[list[Any]] = [[] for _ in range(int(value.dense_shape.numpy()[0]))]
        for (row, _), v in zip(idx.tolist(), vals):
            out[row].append(convert(v))
        return out
    if hasattr(value, "flat_values"):
        return [[convert(v) for v in row] for row in value.to_list()]
    array = np.asarray(convert_to_tensor(value).numpy())
    if array.ndim != 2:
        raise ValueError(f"Expected rank 2 inputs; got shape {array.shape}")
    return [[convert(v) for v in row] for row in array.tolist()]


def crossed_rows(inputs: Any, separator: str) -> list[list[bytes]]:
    columns = [_rows(v) for v in inputs]
    if not columns:
        raise ValueError("inputs must be a non-empty list")
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("Inputs must have the same number of rows")
    sep = separator.encode() if isinstance(separator, str) else bytes(separator)
    return [[sep.join(combo) for combo in itertools.product(*(c[i] for c in columns))] for i in range(n)]


def sparse_cross(inputs: Any, name: str | None = None, separator: str | None = None) -> SparseTensor:
    """String crosses of the inputs' rows as a SparseTensor (`tf.sparse.cross`)."""
    rows = crossed_rows(inputs, "_X_" if separator is None else separator)
    indices = [[i, j] for i, row in enumerate(rows) for j in range(len(row))]
    values = np.empty(len(indices), dtype=object)
    values[:] = [v for row in rows for v in row]
    width = max((len(r) for r in rows), default=0)
    return SparseTensor(constant(np.asarray(indices, np.int64).reshape(-1, 2)), constant(values),
                        constant(np.asarray([len(rows), width], np.int64)))


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


def _feature_hashes(value: Any) -> list[list[int]]:
    """Each row's features as TF's hashed cross reads them: strings fingerprinted, ints as is."""
    from eagerflow._src.ops.string_hash import fingerprint64

    def one(v: Any) -> int:
        if isinstance(v, (bytes, str)):
            return fingerprint64(v if isinstance(v, bytes) else v.encode())
        return int(v) & _M64

    return _rows(value, one)


def sparse_cross_hashed(inputs: Any, num_buckets: int = 0, hash_key: Any = None,
                        name: str | None = None) -> SparseTensor:
    """Hashed crosses of the inputs' rows as an int64 SparseTensor (`tf.sparse.cross_hashed`):
    TF's FingerprintCat64 chain over each combination, modulo `num_buckets` (or int64 max)."""
    columns = [_feature_hashes(v) for v in inputs]
    if not columns:
        raise ValueError("inputs must be a non-empty list")
    n = len(columns[0])
    key = _HASH_KEY if hash_key is None else int(hash_key)
    modulus = int(num_buckets) if num_buckets and num_buckets > 0 else (1 << 63) - 1
    rows = []
    for i in range(n):
        row = []
        for combo in itertools.product(*(c[i] for c in columns)):
            h = key
            for f in combo:
                h = _fingerprint_cat64(h, f)
            row.append(h % modulus)
        rows.append(row)
    indices = [[i, j] for i, row in enumerate(rows) for j in range(len(row))]
    width = max((len(r) for r in rows), default=0)
    return SparseTensor(constant(np.asarray(indices, np.int64).reshape(-1, 2)),
                        constant(np.asarray([v for row in rows for v in row], np.int64)),
                        constant(np.asarray([n, width], np.int64)))
