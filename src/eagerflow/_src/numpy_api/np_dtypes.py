"""tf.experimental.numpy's dtype rules: NumPy's promotion over tensors, NumPy's defaults.

A Python scalar is weak (it takes the other operand's kind where it fits, as NumPy 2 does);
tensors and NumPy arrays are strong. A Python float becomes float64 unless
`experimental_enable_numpy_behavior(prefer_float32=True)` asked for float32; a Python int
becomes int64 (NumPy's default integer).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops

_state = {"prefer_float32": False}
_PY_SCALARS = (bool, int, float, complex)


def set_prefer_float32(value: bool) -> None:
    _state["prefer_float32"] = bool(value)


def is_prefer_float32() -> bool:
    return _state["prefer_float32"]


def default_float_type() -> np.dtype:
    return np.dtype(np.float32 if _state["prefer_float32"] else np.float64)


def to_tf(np_dtype: Any) -> _dtypes.DType:
    return _dtypes.as_dtype(np.dtype(np_dtype) if not isinstance(np_dtype, _dtypes.DType) else np_dtype)


def to_np(dtype: Any) -> np.dtype:
    """Any dtype spelling (tf.DType, NumPy type or dtype, string) as a NumPy dtype."""
    if isinstance(dtype, _dtypes.DType):
        return np.dtype(dtype.as_numpy_dtype)
    if dtype is float:
        return default_float_type()
    try:
        return np.dtype(dtype)
    except TypeError:  # a name NumPy learns only from ml_dtypes ("bfloat16", "float8_e4m3fn")
        return np.dtype(_dtypes.as_dtype(dtype).as_numpy_dtype)


def _operand(value: Any) -> Any:
    """What `np.result_type` should see for one operand."""
    if isinstance(getattr(value, "dtype", None), _dtypes.DType):  # tensors and variables
        return np.dtype(value.dtype.as_numpy_dtype)
    if isinstance(value, _PY_SCALARS):
        return value  # weak: NumPy 2 lets the other operands decide where it fits
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    if isinstance(value, (_dtypes.DType, np.dtype, type, str)):
        return to_np(value)
    return _numpy_value(value).dtype


def result_type(*arrays_and_dtypes: Any) -> _dtypes.DType:
    """NumPy's promotion of the operands, as a `tf.DType` (Python scalars are weak)."""
    operands = [_operand(a) for a in arrays_and_dtypes]
    if not operands:
        return to_tf(default_float_type())
    if all(isinstance(o, _PY_SCALARS) for o in operands):
        operands = [_numpy_value(o).dtype for o in operands]
    return to_tf(np.result_type(*operands))


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """NumPy's `promote_types` (returns a NumPy dtype, as TF's does)."""
    return np.promote_types(to_np(type1), to_np(type2))


def _numpy_value(value: Any) -> np.ndarray:
    """A Python value as the NumPy array tnp makes of it (float64 or float32, int64)."""
    array = np.asarray(value)
    if array.dtype == np.float64 and _state["prefer_float32"] and not isinstance(value, np.ndarray):
        array = array.astype(np.float32)
    return array


def asarray(value: Any, dtype: Any = None) -> Tensor:
    """`value` as a tensor with NumPy's dtype inference (a tensor is cast only if asked)."""
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == to_tf(to_np(dtype)) else \
            math_ops.cast(value, to_tf(to_np(dtype)))
    if hasattr(value, "read_value") and hasattr(value, "dtype"):  # a variable
        return asarray(value.read_value(), dtype)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in _flat(value)):
        from eagerflow._src.ops.join_split_ops import stack

        wanted = result_type(*_flat(value)) if dtype is None else to_tf(to_np(dtype))
        return stack([asarray(v, wanted) for v in value])
    array = _numpy_value(value) if dtype is None else np.asarray(value, dtype=to_np(dtype))
    if array.dtype.kind in "US":
        return constant(array.astype(object))
    return constant(array)


def _flat(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def promote_args(*values: Any) -> list[Tensor]:
    """The operands converted to tensors of their NumPy result type."""
    first = values[0]
    if isinstance(first, Tensor) and all(isinstance(v, Tensor) and v.dtype == first.dtype
                                         for v in values[1:]):
        return list(values)  # one dtype already: nothing to promote (the common case)
    if len(values) == 2:
        fast = _tensor_and_weak_scalar(*values)
        if fast is not None:
            return fast
    dtype = result_type(*values)
    return [asarray(v, dtype) for v in values]


def _weak_fits(dtype: _dtypes.DType, value: Any) -> bool:
    """Whether NumPy 2 keeps `dtype` for a tensor combined with the Python scalar `value`."""
    kind = type(value)
    if dtype.is_floating:
        return kind in (bool, int, float)
    if dtype.is_complex:
        return kind in (bool, int, float, complex)
    if dtype.is_integer:
        return kind in (bool, int)
    return dtype == _dtypes.bool and kind is bool


def _tensor_and_weak_scalar(a: Any, b: Any) -> list | None:
    """The pair promoted without NumPy when one is a tensor and the other a Python scalar that
    its dtype absorbs (`x * 2.0` on float32 stays float32); None otherwise."""
    if isinstance(a, Tensor) and type(b) in _PY_SCALARS and _weak_fits(a.dtype, b):
        return [a, conversion.scalar_like(b, a)]
    if isinstance(b, Tensor) and type(a) in _PY_SCALARS and _weak_fits(b.dtype, a):
        return [conversion.scalar_like(a, b), b]
    return None


def promote_inexact(value: Any) -> Tensor:
    """`value` as a tensor, integers and bools cast to the default float type (NumPy's ufuncs)."""
    tensor = asarray(value)
    if not (tensor.dtype.is_floating or tensor.dtype.is_complex):
        tensor = math_ops.cast(tensor, to_tf(default_float_type()))
    return tensor


def finfo(dtype: Any) -> np.finfo:
    """NumPy's `finfo` of a dtype (a tf.DType, NumPy type or tensor)."""
    if isinstance(dtype, Tensor):
        dtype = dtype.dtype
    return np.finfo(to_np(dtype))


def iinfo(int_type: Any) -> np.iinfo:
    """NumPy's `iinfo` of an integer dtype."""
    if isinstance(int_type, Tensor):
        int_type = int_type.dtype
    return np.iinfo(to_np(int_type))


def issubdtype(arg1: Any, arg2: Any) -> bool:
    """NumPy's `issubdtype`, accepting tf.DTypes too."""
    first = to_np(arg1) if isinstance(arg1, _dtypes.DType) else arg1
    second = to_np(arg2) if isinstance(arg2, _dtypes.DType) else arg2
    return bool(np.issubdtype(first, second))


# --- NumPy's types and constants as tnp names them (tnp.float32 is np.float32) --------------
bool_ = np.bool_
complex64, complex128, complex_ = np.complex64, np.complex128, np.complex128
float16, float32, float64, float_ = np.float16, np.float32, np.float64, np.float64
int8, int16, int32, int64, int_ = np.int8, np.int16, np.int32, np.int64, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
object_, string_, unicode_, inexact = np.object_, np.bytes_, np.str_, np.inexact
e, pi, inf, newaxis = np.e, np.pi, np.inf, None
ndarray = Tensor  # TF: tnp.ndarray is tf.Tensor
