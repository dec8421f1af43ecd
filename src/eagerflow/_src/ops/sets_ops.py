"""`tf.sets`: set operations along the last dimension of dense or sparse tensors.

Each row (all dims but the last) is a set of its values; results are SparseTensors whose rows
hold the sorted members, as TF's set ops return them. Sets are host work (like TF's CPU-only
kernels): the kernels use NumPy directly.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.sparse.sparse_tensor import SparseTensor

_SET_DTYPES = (_dtypes.int8, _dtypes.int16, _dtypes.int32, _dtypes.int64, _dtypes.uint8, _dtypes.uint16,
               _dtypes.string)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _on_host(array: Any) -> np.ndarray:
    """A kernel's input as NumPy (CuPy arrays are copied): sets are host work."""
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _dims(shape: Any) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _dense_rows(a: np.ndarray) -> tuple[tuple, dict]:
    if a.ndim < 2:
        raise _invalid(f"Shape {_dims(a.shape)} has rank {a.ndim} < 2")
    outer = a.shape[:-1]
    rows = {i: set(a[i].tolist()) for i in np.ndindex(*outer)}
    return outer, rows


def _sparse_rows(indices: np.ndarray, values: np.ndarray, shape: np.ndarray) -> tuple[tuple, dict]:
    if shape.shape[0] < 2:
        raise _invalid(f"Shape {_dims(shape)} has rank {shape.shape[0]} < 2")
    outer = tuple(int(d) for d in shape[:-1])
    rows: dict = {}
    for index, value in zip(indices.tolist(), values.tolist()):
        rows.setdefault(tuple(index[:-1]), set()).add(value)
    return outer, rows


def _combine(a: tuple, b: tuple, set_operation: str) -> list:
    outer_a, rows_a = a
    outer_b, rows_b = b
    if outer_a != outer_b:
        raise _invalid(f"Mismatched shapes {_dims(outer_a)} vs {_dims(outer_b)}")
    op = {"a-b": lambda x, y: x - y, "b-a": lambda x, y: y - x, "intersection": lambda x, y: x & y,
          "union": lambda x, y: x | y}[set_operation]
    indices, values, width = [], [], 0
    for row in np.ndindex(*outer_a):
        members = sorted(op(rows_a.get(row, set()), rows_b.get(row, set())))
        width = max(width, len(members))
        for j, v in enumerate(members):
            indices.append(list(row) + [j])
            values.append(v)
    return [indices, values, list(outer_a) + [width]]


def _output(xp: Any, result: list, dtype: np.dtype) -> list:
    indices, values, shape = result
    rank = len(shape)
    if dtype == object:  # strings stay on the host
        out_values = np.empty(len(values), dtype=object)
        out_values[:] = values
    else:
        out_values = xp.asarray(np.asarray(values, dtype=dtype))
    return [xp.asarray(np.asarray(indices, np.int64).reshape(len(values), rank)), out_values,
            xp.asarray(np.asarray(shape, np.int64))]


def _dense_dense(xp: Any, a: Any, b: Any, set_operation: str) -> list:
    return _output(xp, _combine(_dense_rows(_on_host(a)), _dense_rows(_on_host(b)), set_operation), a.dtype)


def _dense_sparse(xp: Any, a: Any, b_indices: Any, b_values: Any, b_shape: Any, set_operation: str) -> list:
    b = _sparse_rows(_on_host(b_indices), _on_host(b_values), _on_host(b_shape))
    return _output(xp, _combine(_dense_rows(_on_host(a)), b, set_operation), a.dtype)


def _sparse_sparse(xp: Any, a_indices: Any, a_values: Any, a_shape: Any, b_indices: Any, b_values: Any,
                   b_shape: Any, set_operation: str) -> list:
    a = _sparse_rows(_on_host(a_indices), _on_host(a_values), _on_host(a_shape))
    b = _sparse_rows(_on_host(b_indices), _on_host(b_values), _on_host(b_shape))
    return _output(xp, _combine(a, b, set_operation), a_values.dtype)


def _set_size(xp: Any, indices: Any, values: Any, shape: Any) -> Any:
    outer, rows = _sparse_rows(_on_host(indices), _on_host(values), _on_host(shape))
    out = np.zeros(outer, np.int32)
    for row, members in rows.items():
        out[row] = len(members)
    return xp.asarray(out)


DENSE_TO_DENSE = Op("DenseToDenseSetOperation", _dense_dense, num_outputs=3)
DENSE_TO_SPARSE = Op("DenseToSparseSetOperation", _dense_sparse, num_outputs=3)
SPARSE_TO_SPARSE = Op("SparseToSparseSetOperation", _sparse_sparse, num_outputs=3)
SET_SIZE = Op("SetSize", _set_size)


def _check_dtype(t: Any, name: str) -> None:
    if t.dtype not in _SET_DTYPES:
        allowed = ", ".join(repr(d) for d in _SET_DTYPES)
        raise TypeError(f"'{name}' has invalid dtype `{t.dtype!r}` not in supported dtypes: `frozenset({{{allowed}}})`.")


def size(a: Any, validate_indices: bool = True) -> Any:
    """The number of unique values in each row of the SparseTensor `a` (`tf.sets.size`), int32."""
    if not isinstance(a, SparseTensor):
        raise TypeError(f"Expected `SparseTensor`, got {a!s}.")
    _check_dtype(a.values, "a")
    return execute(SET_SIZE, (a.indices, a.values, a.dense_shape))


def _as_input(value: Any) -> Any:
    return value if isinstance(value, SparseTensor) else convert_to_tensor(value)


def _set_operation(a: Any, b: Any, set_operation: str) -> SparseTensor:
    a, b = _as_input(a), _as_input(b)
    dtype_a = a.dtype
    _check_dtype(a.values if isinstance(a, SparseTensor) else a, "a")
    if b.dtype != dtype_a:
        raise TypeError(f"Types don't match, {dtype_a!s} vs {b.dtype!s}.")
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        a, b = b, a  # TF's kernel takes the dense operand first
        set_operation = {"a-b": "b-a", "b-a": "a-b"}.get(set_operation, set_operation)
    attrs = {"set_operation": set_operation}
    if isinstance(a, SparseTensor):
        out = execute(SPARSE_TO_SPARSE, (a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape), attrs)
    elif isinstance(b, SparseTensor):
        out = execute(DENSE_TO_SPARSE, (a, b.indices, b.values, b.dense_shape), attrs)
    else:
        out = execute(DENSE_TO_DENSE, (a, b), attrs)
    return SparseTensor(*out)


def intersection(a: Any, b: Any, validate_indices: bool = True) -> SparseTensor:
    """Members in both rows (`tf.sets.intersection`)."""
    return _set_operation(a, b, "intersection")


def union(a: Any, b: Any, validate_indices: bool = True) -> SparseTensor:
    """Members in either row (`tf.sets.union`)."""
    return _set_operation(a, b, "union")


def difference(a: Any, b: Any, aminusb: bool = True, validate_indices: bool = True) -> SparseTensor:
    """Members of `a`'s rows not in `b`'s (or the reverse when `aminusb` is False) (`tf.sets.difference`)."""
    return _set_operation(a, b, "a-b" if aminusb else "b-a")
