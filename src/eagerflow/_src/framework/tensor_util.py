"""Tensors as values and as `TensorProto`s: `tf.get_static_value`, `tf.make_tensor_proto`,
`tf.make_ndarray`, and `tf.register_tensor_conversion_function` (conversion of user types).

The protobuf messages live with tf.io (`_src/io/example_protos.py`) and load on first use.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import EagerTensor, Tensor

_VAL_FIELDS = {
    "float32": "float_val", "float64": "double_val", "int32": "int_val", "int16": "int_val", "int8": "int_val",
    "uint8": "int_val", "uint16": "int_val", "int64": "int64_val", "uint32": "uint32_val",
    "uint64": "uint64_val", "bool": "bool_val", "complex64": "scomplex_val", "complex128": "dcomplex_val",
    "float16": "half_val", "bfloat16": "half_val", "string": "string_val",
}


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    """The value of `tensor` as NumPy when known without running anything: an eager tensor's
    value; a non-tensor is returned as given; a variable (or graph tensor) gives None."""
    if type(tensor) is EagerTensor:
        return tensor.numpy()
    if isinstance(tensor, Tensor) or hasattr(tensor, "assign"):
        return None
    return tensor


def make_tensor_proto(values: Any, dtype: Any = None, shape: Any = None, verify_shape: bool = False,
                      allow_broadcast: bool = False) -> Any:
    """A `TensorProto` holding `values` (`tf.make_tensor_proto`): packed `tensor_content` for
    several numbers, the typed `*_val` field for one value (broadcast to `shape`) and strings."""
    from eagerflow._src.framework.convert import convert_to_tensor
    from eagerflow._src.io import example_protos  # protobuf: first use only

    dt = None if dtype is None else _dtypes.as_dtype(dtype)
    tensor = convert_to_tensor(values, dt)
    array = np.asarray(tensor.numpy())
    dt = tensor.dtype
    if shape is None:
        dims = list(array.shape)
    else:
        dims = [int(d) for d in shape]
        count = int(np.prod(dims)) if dims else 1
        if verify_shape and tuple(dims) != array.shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, but got {array.shape}.")
        if array.size > count:
            raise ValueError(f"Too many elements provided. Takes at most {count}, but got {array.size}.")
        if array.size != count and array.size != 1 and not allow_broadcast:
            raise ValueError(f"Too many elements provided. Takes at most {count}, but got {array.size}.")
    proto = example_protos.TensorProto(dtype=dt.as_datatype_enum)
    proto.tensor_shape.SetInParent()
    for d in dims:
        proto.tensor_shape.dim.add(size=d)
    same_size = array.size == (int(np.prod(dims)) if dims else 1)
    if dt == _dtypes.string:
        proto.string_val.extend(array.reshape(-1).tolist())
    elif same_size and array.size > 1:
        proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    else:
        flat = array.reshape(-1)
        field = getattr(proto, _VAL_FIELDS[dt.name])
        if dt.is_complex:
            field.extend(float(p) for v in flat.tolist() for p in (v.real, v.imag))
        elif dt.name in ("float16", "bfloat16"):
            field.extend(flat.view(np.uint16).tolist())
        else:
            field.extend(flat.tolist())
    return proto


def make_ndarray(tensor: Any) -> np.ndarray:
    """The NumPy array a `TensorProto` holds (`tf.make_ndarray`)."""
    if not hasattr(tensor, "tensor_shape"):
        raise AttributeError(f"'{type(tensor).__module__}.{type(tensor).__name__}' object has no attribute "
                             "'tensor_shape'")
    from eagerflow._src.io.io_ops import parse_tensor  # tf.io reads TensorProtos

    value = parse_tensor(tensor.SerializeToString(), _dtypes.as_dtype(tensor.dtype))
    return np.asarray(value.numpy())


# --- user conversion functions ----------------------------------------------------------------------
CONVERSION_FUNCTIONS: list = []  # (priority, order, base_type, fn), sorted by priority then order


def register_tensor_conversion_function(base_type: Any, conversion_func: Callable, priority: int = 100) -> None:
    """Makes `tf.convert_to_tensor` (and every op) convert instances of `base_type` with
    `conversion_func(value, dtype=None, name=None, as_ref=False)`; lower priorities run first
    (`tf.register_tensor_conversion_function`)."""
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if any(not isinstance(t, type) for t in types):
        raise TypeError("Argument `base_type` must be a type or a tuple of types. Obtained: "
                        f"{base_type}")
    if any(issubclass(t, (np.ndarray, np.generic, float, int, str, bytes, bool)) for t in types):
        raise TypeError("Cannot register conversions for Python numeric types and NumPy scalars and arrays.")
    if not callable(conversion_func):
        raise TypeError("Argument `conversion_func` must be callable. Received "
                        f"{conversion_func}.")
    CONVERSION_FUNCTIONS.append((priority, len(CONVERSION_FUNCTIONS), types, conversion_func))
    CONVERSION_FUNCTIONS.sort(key=lambda entry: (entry[0], entry[1]))


def registered_conversion(value: Any, dtype: Any) -> Any:
    """The tensor a registered conversion function makes of `value`, or None when none applies.
    Called by `convert_to_tensor` only for values it cannot convert itself."""
    for _, _, types, fn in CONVERSION_FUNCTIONS:
        if isinstance(value, types):
            result = fn(value, dtype=dtype, name=None, as_ref=False)
            if result is NotImplemented:
                continue
            if not isinstance(result, Tensor):
                raise RuntimeError(f"Conversion function {fn!r} for type {type(value)} returned non-Tensor: "
                                   f"{result!r}")
            if dtype is not None and result.dtype != dtype:
                raise RuntimeError(f"Conversion function {fn!r} for type {type(value)} returned incompatible "
                                   f"dtype: requested = {dtype.name}, actual = {result.dtype.name}")
            return result
    return None
