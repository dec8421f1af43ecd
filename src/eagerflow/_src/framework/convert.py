"""Turning Python values, NumPy arrays and variables into tensors, with TF 2.21's rules.

Inference: float -> float32, int -> int32 (int64 when it does not fit), complex -> complex128,
bool -> bool, str/bytes -> string, NumPy values keep their dtype. `dtype=` converts Python
values only without loss of kind (TF's TypeError otherwise); NumPy arrays are cast.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import context, devices
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import creation_device, log_placement
from eagerflow._src.framework.op import cpp_name
from eagerflow._src.framework import tensor_util as _tensor_util
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework import types_core
from eagerflow._src.framework.tensor_shape import TensorShape

_flags = context.flags
_thread = context.thread
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

def current_device() -> devices.Device:
    """The device new tensors and variables go to: the innermost scope's, else the default."""
    return creation_device()


# --- Python values: TF's py_seq_tensor.cc -------------------------------------------------------
# TF infers a dtype from the first scalar of a (nested) sequence, then converts every element
# with that dtype's converter; a few requested dtypes have a converter of their own, tried first.
_MIXED = "Can't convert Python sequence with mixed types to Tensor."
_INT_RANGE = "Can't convert Python sequence with out-of-range integer to Tensor."
_FLOAT_RANGE = "Can't convert Python sequence with a value out of range for a double-precision float."
_RAGGED = "Can't convert non-rectangular Python sequence to Tensor."
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_SEQUENCES = (list, tuple, range)
_EMPTY = object()  # the "first scalar" of an empty sequence
# The kind of a first scalar, by NumPy scalar kind (np.float64 and np.float16 are special-cased).
_NP_LEAF_KIND = {"f": "float", "V": "float", "i": "int", "u": "int", "b": "bool", "c": "complex",
                 "U": "string", "S": "string"}
# Which NumPy result kinds (of `np.array(value)`) each converter accepts.
_ACCEPTS = {
    "bool": "b", "int": "biu", "float": "biuf", "complex": "biufc", "string": "",
}
# Requested dtypes with a converter of their own (tried before the inferred one).
_DIRECT = {"float32": "float", "float64": "float", "float16": "float", "int32": "int",
           "int64": "int", "uint64": "int", "complex128": "complex", "string": "string",
           "bool": "bool"}
# TF's IsCompatible(desired, inferred): which inferred kinds may be cast to a requested kind.
_COMPATIBLE = {
    "int": {"int", "uint"}, "uint": {"int", "uint"}, "float": {"int", "uint", "float"},
    "complex": {"int", "uint", "float", "complex"}, "quantized": {"int", "uint"},
    "bool": set(), "string": set(), "opaque": set(),
}


class _ConversionError(Exception):
    """A converter gave up; `message` is TF's ValueError text."""

    def __init__(self, message: str) -> None:
        self.message = message


def _unsupported(value: Any) -> ValueError:
    return ValueError(f"Attempt to convert a value ({value!r}) with an unsupported type "
                      f"({type(value)!r}) to a Tensor.")


def _first_scalar(value: Any) -> Any:
    """The first scalar of a nested sequence (TF infers the dtype from it); `_EMPTY` when none."""
    v = value
    while True:
        if isinstance(v, (str, bytes)):
            return v
        if isinstance(v, _SEQUENCES):
            if len(v) == 0:
                return _EMPTY
            v = v[0]
            continue
        if isinstance(v, np.ndarray):
            if v.ndim == 0:
                return v[()]
            if v.size == 0:
                return _EMPTY
            return v.reshape(-1)[0]
        if type(v) is EagerTensor or hasattr(v, "_as_tensor"):
            v = np.asarray(v)
            continue
        return v


def _scalar_kind(v: Any) -> str:
    """TF's InferShapeAndType for one scalar: float, double, half, bool, int, complex, string."""
    if isinstance(v, np.generic):
        t = type(v)
        if t is np.float64:
            return "double"
        if t is np.float16:
            return "half"
        kind = _NP_LEAF_KIND.get(v.dtype.kind)
        if kind is not None:
            return kind
    elif isinstance(v, (str, bytes)):
        return "string"
    elif isinstance(v, float):
        return "float"
    elif isinstance(v, bool):
        return "bool"
    elif isinstance(v, int):
        return "int"
    elif isinstance(v, complex):
        return "complex"
    raise _unsupported(v)


def _leaves(value: Any, shape: tuple) -> list:
    """All scalars of a rectangular nested sequence of `shape`, in order (raises TF's errors)."""
    out: list = []

    def walk(v: Any, depth: int) -> None:
        if depth == len(shape):
            if isinstance(v, _SEQUENCES) or (isinstance(v, np.ndarray) and v.ndim):
                raise _ConversionError(_MIXED)  # a sequence where a scalar belongs
            out.append(v[()] if isinstance(v, np.ndarray) else v)
            return
        if isinstance(v, np.ndarray) and v.ndim:
            v = list(v)
        if not isinstance(v, _SEQUENCES) or len(v) != shape[depth]:
            raise _ConversionError(_RAGGED)
        for item in v:
            walk(item, depth + 1)

    walk(value, 0)
    return out


def _inferred_shape(value: Any) -> tuple:
    shape = []
    v = value
    while isinstance(v, _SEQUENCES) or (isinstance(v, np.ndarray) and v.ndim):
        if isinstance(v, np.ndarray):
            return tuple(shape) + v.shape
        shape.append(len(v))
        if not len(v):
            break
        v = v[0]
    return tuple(shape)


def _numeric_array(value: Any, first: Any) -> np.ndarray:
    """`np.array(value)`, with TF's errors for ragged input and a sequence-in-place-of-scalar.

    Python ints too large for int64 stay exact (an object array), where NumPy would make floats.
    """
    try:
        with np.errstate(all="ignore"):
            array = np.array(value)
        if array.dtype.kind != "f" or type(first) is not int or not isinstance(value, _SEQUENCES):
            return array
    except (ValueError, OverflowError):
        pass
    shape = _inferred_shape(value)
    leaves = _leaves(value, shape)  # raises TF's error for ragged/mixed nesting
    array = np.empty(len(leaves), dtype=object)
    array[:] = leaves
    return array.reshape(shape)


def _object_leaves_kind(array: np.ndarray) -> str:
    """For an object array of Python numbers: 'int' (ints/bools only), 'float', or 'other'."""
    kinds = set()
    for v in array.ravel().tolist():
        if isinstance(v, bool) or isinstance(v, int):
            kinds.add("int")
        elif isinstance(v, float):
            kinds.add("float")
        else:
            return "other"
    return "float" if "float" in kinds else "int"


def _run_converter(value: Any, array: np.ndarray, converter: str, np_dtype: Any,
                   first: Any) -> np.ndarray:
    """One of TF's converters (bool, int, float, complex, string) producing `np_dtype`."""
    kind = array.dtype.kind
    if converter == "string":
        leaves = _leaves(value, array.shape) if kind not in "biufc" or array.ndim else None
        if leaves is None or not all(isinstance(v, (str, bytes)) for v in leaves):
            raise _ConversionError(_MIXED)
        out = np.empty(len(leaves), dtype=object)
        out[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in leaves]
        return out.reshape(array.shape)
    if converter != "bool" and isinstance(first, np.bool_):
        raise _ConversionError(_MIXED)  # TF's numeric converters take Python bools, not NumPy's
    if kind == "O":
        leaves_kind = _object_leaves_kind(array)
        if leaves_kind == "other" or converter == "bool":
            raise _ConversionError(_MIXED)
        if converter == "int":
            if leaves_kind == "float":
                raise _ConversionError("float")
            try:
                return np.array(array.tolist(), dtype=np_dtype)
            except OverflowError:
                raise _ConversionError(_INT_RANGE) from None
        with np.errstate(over="ignore"):
            return np.array([float(v) for v in array.ravel().tolist()]).astype(np_dtype).reshape(array.shape)
    if kind not in _ACCEPTS[converter]:
        if converter == "int" and kind == "f":
            raise _ConversionError("float")
        raise _ConversionError(_MIXED)
    if converter == "int" and kind in "iu" and array.size:
        info = np.iinfo(np_dtype)
        low, high = int(array.min()), int(array.max())
        if low < info.min or high > info.max:
            if np_dtype == np.int32 and _INT64_MIN <= low and high <= _INT64_MAX:
                raise _ConversionError("int64")
            raise _ConversionError(_INT_RANGE)
    with np.errstate(over="ignore", invalid="ignore"):
        return array.astype(np_dtype)


def _inferred(value: Any, array: np.ndarray, first: Any, requested: bool) -> np.ndarray:
    """TF's conversion by the first scalar's kind; with `requested`, a cast follows."""
    kind = _scalar_kind(first)
    if kind == "int":
        try:
            return _run_converter(value, array, "int", np.int64 if requested else np.int32, first)
        except _ConversionError as e:
            if e.message == "int64":
                return _run_converter(value, array, "int", np.int64, first)
            if e.message != "float":
                raise
        kind = "float"
    if kind == "float":
        if requested:
            return _run_converter(value, array, "float", np.float64, first)
        out = _run_converter(value, array, "float", np.float32, first)
        if out.size and not np.isfinite(out).all():
            finite = np.isfinite(array.astype(np.float64)) if array.dtype != object else \
                np.isfinite(np.array([float(v) for v in array.ravel().tolist()]))
            if (finite.reshape(-1) & ~np.isfinite(out).reshape(-1)).any():
                raise _ConversionError(_FLOAT_RANGE)
        return out
    converter, np_dtype = {
        "double": ("float", np.float64), "half": ("float", np.float16), "bool": ("bool", np.bool_),
        "complex": ("complex", np.complex128), "string": ("string", object),
    }[kind]
    return _run_converter(value, array, converter, np_dtype, first)


def _finite_float32_floats(values: list) -> bool:
    """A non-empty flat list of Python floats that all fit float32 (NaN and inf excluded)."""
    if not values:
        return False
    for v in values:
        if type(v) is not float or not -_FLOAT32_MAX <= v <= _FLOAT32_MAX:
            return False
    return True


def python_to_array(value: Any, dtype: _dtypes.DType | None = None) -> np.ndarray:
    """A Python value (scalar or nested sequence) as a NumPy array, with TF 2.21's rules.

    Raises:
      ValueError: TF's texts for mixed types, ragged sequences, out-of-range values, or an
        unsupported type.
      TypeError: `Cannot convert ... to EagerTensor of dtype ...` when `dtype` would change the
        value's kind (TF's IsCompatible).
    """
    if dtype is None:
        t = type(value)
        if t is float:
            if -_FLOAT32_MAX <= value <= _FLOAT32_MAX or value != value or value in (math.inf, -math.inf):
                return np.array(value, dtype=np.float32)
        elif t is int:
            if _INT32_MIN <= value <= _INT32_MAX:
                return np.array(value, dtype=np.int32)
        elif t is bool:
            return np.array(value, dtype=np.bool_)
        elif t is list and _finite_float32_floats(value):
            return np.array(value, dtype=np.float32)  # [1.0, 2.0, 3.0]: TF's float32, no checks left
    first = _first_scalar(value)
    if first is _EMPTY:
        shape = _inferred_shape(value)
        return np.zeros(shape, dtype=np.float32 if dtype is None else dtype._np)
    if not (isinstance(value, (_SEQUENCES, str, bytes, np.generic, np.ndarray, Tensor))
            or hasattr(value, "_as_tensor")):
        _scalar_kind(value)  # a scalar of a type TF knows, or TF's "unsupported type"
    try:
        array = _numeric_array(value, first) if not isinstance(first, (str, bytes)) else np.empty(
            _inferred_shape(value), dtype=object)
        if dtype is not None:
            direct = _DIRECT.get(dtype.name)
            if direct is not None:
                try:
                    return _run_converter(value, array, direct, dtype._np, first)
                except _ConversionError:
                    pass
            out = _inferred(value, array, first, requested=True)
            source = _dtypes.from_numpy(out.dtype)
            if source is dtype:
                return out
            if source._kind not in _COMPATIBLE[dtype._kind]:
                raise _cannot_convert(value, dtype)
            with np.errstate(over="ignore", invalid="ignore"):
                return out.astype(dtype._np)
        return _inferred(value, array, first, requested=False)
    except _ConversionError as e:
        message = _INT_RANGE if e.message == "int64" else (_MIXED if e.message == "float" else e.message)
        raise ValueError(message) from None


def _cannot_convert(value: Any, dtype: _dtypes.DType) -> TypeError:
    return TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {cpp_name(dtype)}")


def _numpy_to_array(value: Any, dtype: _dtypes.DType | None) -> np.ndarray:
    """NumPy arrays and scalars keep their dtype; `dtype=` force-casts them, as TF does."""
    array = np.asarray(value)
    if dtype is not None and array.dtype != dtype._np:
        if dtype is _dtypes.string:
            if array.dtype.kind not in "SUO":
                raise ValueError("Failed to convert a NumPy array to a Tensor (Unsupported "
                                 f"object type {type(array.reshape(-1)[0].item()).__name__}).")
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                return array.astype(dtype._np)
    if array.dtype.kind in "SU" or (array.dtype.kind == "O" and array.size):
        return _strings_array(array)
    if array is value or array.base is not None:
        array = array.copy()  # the tensor must own its buffer
    return array


def _strings_array(array: np.ndarray) -> np.ndarray:
    flat = array.ravel().tolist()
    for v in flat:
        if not isinstance(v, (bytes, str)):
            raise ValueError("Failed to convert a NumPy array to a Tensor (Unsupported object "
                             f"type {type(v).__name__}).")
    out = np.empty(len(flat), dtype=object)
    out[:] = [v.encode("utf-8") if isinstance(v, str) else v for v in flat]
    return out.reshape(array.shape)


def to_array(value: Any, dtype: _dtypes.DType | None) -> np.ndarray:
    """The host array for `value` (not a Tensor/Variable) with TF's conversion rules."""
    if isinstance(value, (np.ndarray, np.generic)):
        return _numpy_to_array(value, dtype)
    if hasattr(value, "__array__") and not isinstance(value, _SEQUENCES):
        return _numpy_to_array(np.asarray(value), dtype)
    return python_to_array(value, dtype)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None) -> Tensor:
    """Creates a constant tensor (`tf.constant`); see `make_constant`."""
    if type(value) is list and _holds_tensor(value):
        # TF's tf.constant cannot pack eager tensors (tf.convert_to_tensor and tf.stack can).
        raise ValueError("TypeError: Scalar tensor has no `len()`")
    return make_constant(value, dtype, shape)


def make_constant(value: Any, dtype: Any = None, shape: Any = None) -> Tensor:
    """Creates a constant tensor from a Python value, NumPy array or tensor (`tf.constant`).

    Args:
      value: a Python scalar or nested sequence, a NumPy array, or a tensor.
      dtype: the element type; Python values convert only without loss of kind, NumPy arrays
        are cast, tensors must already have it.
      shape: reshapes the value (same number of elements) or fills it (one element).

    Raises:
      TypeError: a lossy `dtype`, a tensor of another dtype, or an incompatible `shape`.
      ValueError: values TF cannot convert (mixed types, ragged sequences, out of range).
    """
    dt = None if dtype is None else _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dt is not None and value.dtype != dt:
            raise TypeError(f"Expected tensor {value} with dtype {dtype!r}, but got dtype {value.dtype!r}.")
        array = value._array
        device = value._device
        t = value
    elif hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if dt is not None and t.dtype != dt:
            from eagerflow._src.ops import math_ops  # the cast op lives a layer up

            t = math_ops.cast(t, dt)
        array = t._array
        device = t._device
    else:
        array = to_array(value, dt)
        device = creation_device(array.dtype)
        if _flags.log_device_placement:
            log_placement("_EagerConst", device)  # TF logs every tensor made from host values
        array = device.backend.from_host(array, device.backend_index)
        t = None
    if shape is not None:
        array = _reshape_for_constant(value, EagerTensor(array, device) if t is None else t, shape, device)
    elif t is not None:
        return t
    return EagerTensor(array, device)


def _holds_tensor(value: Any) -> bool:
    for v in value:
        t = type(v)
        if t is float or t is int:
            continue
        if t is list or t is tuple:
            if _holds_tensor(v):
                return True
        elif isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
            return True
    return False


def _reshape_for_constant(value: Any, t: Tensor, shape: Any, device: devices.Device) -> Any:
    """TF's `_constant_eager_impl`: reshape when sizes match, fill from one element, else error."""
    from eagerflow._src.framework.tensor_shape import as_shape

    shape = as_shape(shape)
    array = t._array
    if shape.dims is not None and tuple(shape.dims) == array.shape:
        return array
    wanted = shape.num_elements()
    if wanted == array.size:
        return array.reshape(tuple(shape.as_list()))
    if array.size == 1:
        return device.xp.broadcast_to(array.reshape(()), tuple(shape.as_list())).copy()
    raise TypeError(
        f"Eager execution of tf.constant with unsupported shape. Tensor {t} (converted from "
        f"{value}) has {array.size:d} elements, but got `shape` {shape} with {wanted} elements).")


_scalar_cache: dict = {}


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: str | None = None, preferred_dtype: Any = None) -> Tensor:
    """Converts `value` to a Tensor (`tf.convert_to_tensor`)."""
    t = type(value)
    if t is EagerTensor:
        if dtype is not None and value.dtype != dtype:
            dt = _dtypes.as_dtype(dtype)
            raise ValueError(f"Tensor conversion requested dtype {dt.name} for Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(None if dtype is None else _dtypes.as_dtype(dtype))
    if (t is list or t is tuple) and _thread.graph is not None and _holds_graph_tensor(value):
        return _autopack(value, None if dtype is None else _dtypes.as_dtype(dtype))
    if t is TensorShape:  # TF's conversion of a fully known shape: its dims as an int32 vector
        if not value.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {_shape_text(value)} to a Tensor.")
        return scalar_or_constant(value.as_list(), _dtypes.as_dtype(dtype) if dtype is not None else _dtypes.int32)
    tf_tensor = getattr(value, "__tf_tensor__", None)
    if tf_tensor is not None:  # TF's conversion protocol for tensor-like classes (Keras's variable)
        return convert_to_tensor(tf_tensor(None if dtype is None else _dtypes.as_dtype(dtype), name),
                                 dtype)
    if _tensor_util.CONVERSION_FUNCTIONS:  # tf.register_tensor_conversion_function's, when any
        converted = _tensor_util.registered_conversion(value, None if dtype is None else _dtypes.as_dtype(dtype))
        if converted is not None:
            return converted
    if dtype is None and (dtype_hint is not None or preferred_dtype is not None):
        hint = _dtypes.as_dtype(dtype_hint if dtype_hint is not None else preferred_dtype)
        try:
            return scalar_or_constant(value, hint)
        except (TypeError, ValueError):
            pass
    return scalar_or_constant(value, None if dtype is None else _dtypes.as_dtype(dtype))


def _shape_text(shape: Any) -> str:
    dims = tuple(shape.as_list()) if shape.rank is not None else None
    return "<unknown>" if dims is None else str(dims).replace(",)", ")")


def _holds_graph_tensor(value: Any) -> bool:
    for v in value:
        if type(v) is list or type(v) is tuple:
            if _holds_graph_tensor(v):
                return True
        elif isinstance(v, Tensor) and type(v) is not EagerTensor:
            return True
    return False


def _first_graph_dtype(value: Any) -> Any:
    for v in value:
        if type(v) is list or type(v) is tuple:
            found = _first_graph_dtype(v)
            if found is not None:
                return found
        elif isinstance(v, Tensor):
            return v.dtype
    return None


def _autopack(value: Any, dtype: _dtypes.DType | None) -> Tensor:
    """A list or tuple holding graph tensors as one tensor (TF's autopacking conversion: a Pack
    op of the items, each converted to the first tensor's dtype)."""
    from eagerflow._src.ops.join_split_ops import stack  # ops sit a layer up

    if dtype is not None:  # a requested dtype: TF casts the tensors among the items to it
        from eagerflow._src.ops.math_ops import cast

        value = [cast(v, dtype) if isinstance(v, Tensor) and v.dtype != dtype else v for v in value]
    dtype = dtype or _first_graph_dtype(value)
    return stack([_autopack(v, dtype) if type(v) is list or type(v) is tuple else convert_to_tensor(v, dtype)
                  for v in value])


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
        tensor = make_constant(value, dtype)
        if len(_scalar_cache) > 4096:
            _scalar_cache.clear()
        _scalar_cache[key] = tensor
        return tensor
    return make_constant(value, dtype)


def is_tensor_like(value: Any) -> bool:
    return type(value) is EagerTensor or hasattr(value, "_as_tensor")


def is_tensor(x: Any) -> bool:
    """Whether `x` is a tensor, a variable, a composite tensor (sparse, ragged) or declares itself
    tensor-like (`is_tensor_like`), as `tf.is_tensor`; NumPy arrays and Python values are not."""
    from eagerflow._src.framework.composite_tensor import CompositeTensor
    from eagerflow._src.framework.indexed_slices import IndexedSlices  # a composite tensor in TF

    return isinstance(x, (types_core.Tensor, CompositeTensor, IndexedSlices)) \
        or bool(getattr(x, "is_tensor_like", False))
