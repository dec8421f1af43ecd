"""Turning Python values, NumPy arrays and variables into tensors, with TF 2.21's rules.

Inference: float -> float32, int -> int32 (int64 when it does not fit), complex -> complex128,
bool -> bool, str/bytes -> string, NumPy values keep their dtype. `dtype=` converts Python
values only without loss of kind (TF's TypeError otherwise); NumPy arrays are cast.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow.framework import context, devices, errors
from eagerflow.framework import dtypes as _dtypes
from eagerflow.framework.op import cpp_name
from eagerflow.framework.tensor import Tensor

_flags = context.flags
_thread = context.thread
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

# Which kind of Python value may become which kind of dtype when `dtype=` is given.
_ALLOWED_KINDS = {
    "bool": {"bool", "int", "uint", "float", "complex"},
    "int": {"int", "uint", "float", "complex", "quantized"},
    "float": {"float", "complex"},
    "complex": {"complex"},
    "string": {"string"},
}


def current_device() -> devices.Device:
    """The device new tensors and variables go to: the innermost scope's, else the default."""
    name = _thread.device_name
    if name:
        from eagerflow.framework.execute import resolve_scope

        return resolve_scope(name)
    device = _flags.default_device
    if device is None:
        device = _flags.default_device = devices.default_device()
    return device


def _python_kind(array: np.ndarray) -> str:
    kind = array.dtype.kind
    return {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex", "O": "string",
            "S": "string", "U": "string"}.get(kind, "other")


def _to_bytes_array(array: np.ndarray) -> np.ndarray:
    flat = [v.encode("utf-8") if isinstance(v, str) else v for v in array.ravel().tolist()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(array.shape)


def python_to_array(value: Any) -> np.ndarray:
    """A Python value (scalar or nested sequence) as a NumPy array, types inferred as TF does."""
    t = type(value)
    if t is float:
        return np.array(value, dtype=np.float32)
    if t is int:
        if _INT32_MIN <= value <= _INT32_MAX:
            return np.array(value, dtype=np.int32)
        if _INT64_MIN <= value <= _INT64_MAX:
            return np.array(value, dtype=np.int64)
        raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")
    if t is bool:
        return np.array(value, dtype=np.bool_)
    if t is complex:
        return np.array(value, dtype=np.complex128)
    if t is str or t is bytes:
        out = np.empty((), dtype=object)
        out[()] = value.encode("utf-8") if t is str else value
        return out
    array = _raw_array(value)
    kind = array.dtype.kind
    if kind == "f" and array.dtype == np.float64:
        return array.astype(np.float32)
    if kind in "iu" and array.dtype.itemsize == 8:
        if array.size == 0 or (array.min() >= _INT32_MIN and array.max() <= _INT32_MAX):
            return array.astype(np.int32)
        return array
    if kind in "SU":
        return _to_bytes_array(array)
    if kind == "O":
        if all(isinstance(v, (bytes, str)) for v in array.ravel().tolist()):
            return _to_bytes_array(array)
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")
    return array


def _raw_array(value: Any) -> np.ndarray:
    try:
        array = np.array(value)
    except ValueError as e:
        if "inhomogeneous" in str(e):
            raise ValueError("Can't convert non-rectangular Python sequence to Tensor.") from None
        raise
    except OverflowError:
        raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.") from None
    if array.dtype.kind in "iub" and isinstance(value, (list, tuple)) and array.size:
        _check_no_mixed_bool(value, array)
    if array.size == 0 and isinstance(value, (list, tuple)):
        return array.astype(np.float32)
    return array


def _check_no_mixed_bool(value: Any, array: np.ndarray) -> None:
    if array.dtype.kind == "b":
        return
    flat = array.ravel().tolist() if array.size < 64 else None
    if flat is None:
        return
    items = _flatten(value)
    has_bool = any(type(v) is bool or isinstance(v, np.bool_) for v in items)
    if has_bool:
        raise ValueError("Can't convert Python sequence with mixed types to Tensor.")


def _flatten(value: Any) -> list:
    out = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            out.append(v)
    return out


def _cannot_convert(value: Any, dtype: _dtypes.DType) -> TypeError:
    return TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {cpp_name(dtype)}")


def to_array(value: Any, dtype: _dtypes.DType | None) -> np.ndarray:
    """The host array for `value` (not a Tensor/Variable) with TF's conversion rules."""
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "SU":
            array = _to_bytes_array(array)
        if dtype is not None and array.dtype != dtype._np:
            if dtype is _dtypes.string or array.dtype.kind == "O":
                raise _cannot_convert(value, dtype)
            array = array.astype(dtype._np)
        elif array.base is not None or array is value:
            array = array.copy()  # the tensor must own its buffer
        return array
    if hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        return to_array(np.asarray(value), dtype)
    if dtype is None:
        return python_to_array(value)
    if type(value) is float and dtype._kind == "float":
        return np.array(value, dtype=dtype._np)
    try:
        array = _raw_array(value) if not isinstance(value, (str, bytes)) else python_to_array(value)
    except ValueError:
        raise
    source = _python_kind(array)
    if source == "other" or dtype._kind not in _ALLOWED_KINDS.get(source, ()):
        raise _cannot_convert(value, dtype)
    if source == "string":
        return array if array.dtype.kind == "O" else _to_bytes_array(array)
    if array.dtype.kind in "iu" and dtype._kind in ("int", "uint") and array.size:
        try:
            return np.array(value, dtype=dtype._np)
        except OverflowError:
            return array.astype(dtype._np)  # TF wraps out-of-range ints
    return array.astype(dtype._np)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    """Creates a constant tensor from a Python value, NumPy array or tensor (`tf.constant`)."""
    dt = None if dtype is None else _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if dt is not None and t.dtype != dt:
            from eagerflow.ops import math_ops  # the cast op lives a layer up

            t = math_ops.cast(t, dt)
        array = t._array
        device = t._device
    else:
        array = to_array(value, dt)
        device = current_device()
        array = device.backend.from_host(array, device.backend_index)
    if shape is not None:
        array = _reshape_for_constant(value, array, shape, device)
    return Tensor(array, device)


def _reshape_for_constant(value: Any, array: Any, shape: Any, device: devices.Device) -> Any:
    dims = tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else
                                  (shape.as_list() if hasattr(shape, "as_list") else [shape])))
    wanted = math.prod(dims)
    if array.size == wanted:
        return array.reshape(dims)
    if array.size == 1:
        return device.xp.broadcast_to(array.reshape(()), dims).copy()
    raise TypeError(
        f"Eager execution of tf.constant with unsupported shape. Tensor {value!r} (converted from "
        f"{value!r}) has {array.size} elements, but got `shape` {dims} with {wanted} elements).")


_scalar_cache: dict = {}


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: str | None = None, preferred_dtype: Any = None) -> Tensor:
    """Converts `value` to a Tensor (`tf.convert_to_tensor`)."""
    t = type(value)
    if t is Tensor:
        if dtype is not None and value.dtype != dtype:
            dt = _dtypes.as_dtype(dtype)
            raise ValueError(f"Tensor conversion requested dtype {dt.name} for Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(None if dtype is None else _dtypes.as_dtype(dtype))
    if dtype is None and (dtype_hint is not None or preferred_dtype is not None):
        hint = _dtypes.as_dtype(dtype_hint if dtype_hint is not None else preferred_dtype)
        try:
            return scalar_or_constant(value, hint)
        except (TypeError, ValueError):
            pass
    return scalar_or_constant(value, None if dtype is None else _dtypes.as_dtype(dtype))


def scalar_or_constant(value: Any, dtype: _dtypes.DType | None) -> Tensor:
    """`constant(value, dtype)`, with Python scalars cached per (value, dtype, device), as TF does."""
    t = type(value)
    if t is float or t is int or t is bool:
        if t is float and value == 0.0:
            key = (t, math.copysign(1.0, value), "zero", dtype, _thread.device_name)
        else:
            key = (t, value, dtype, _thread.device_name)
        cached = _scalar_cache.get(key)
        if cached is not None and cached._device is current_device():
            return cached
        tensor = constant(value, dtype)
        if len(_scalar_cache) > 4096:
            _scalar_cache.clear()
        _scalar_cache[key] = tensor
        return tensor
    return constant(value, dtype)


def is_tensor_like(value: Any) -> bool:
    return type(value) is Tensor or hasattr(value, "_as_tensor")
