"""TensorFlow's dtypes (`tf.dtypes`): one `DType` object per TF type, backed by a NumPy dtype."""
from __future__ import annotations

from typing import Any

import ml_dtypes
import numpy as np


class DType:
    """A TensorFlow element type: `tf.float32` prints `<dtype: 'float32'>`, reprs as `tf.float32`."""

    __slots__ = ("_name", "_enum", "_np", "_kind")

    def __init__(self, name: str, enum: int, np_dtype: Any, kind: str):
        self._name = name
        self._enum = enum
        self._np = np.dtype(np_dtype) if np_dtype is not None else None
        self._kind = kind  # "float" | "complex" | "int" | "uint" | "bool" | "string" | "quantized" | "opaque"

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def as_numpy_dtype(self) -> type:
        if self._np is None:
            raise TypeError(f"{self._name} has no NumPy equivalent")
        return self._np.type

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def real_dtype(self) -> "DType":
        if self is complex64:
            return float32
        if self is complex128:
            return float64
        return self

    @property
    def is_floating(self) -> bool:
        return self._kind == "float"

    @property
    def is_complex(self) -> bool:
        return self._kind == "complex"

    @property
    def is_integer(self) -> bool:
        return self._kind in ("int", "uint")

    @property
    def is_unsigned(self) -> bool:
        return self._kind == "uint" or self is bool

    @property
    def is_bool(self) -> bool:
        return self._kind == "bool"

    @property
    def is_quantized(self) -> bool:
        return self._kind == "quantized"

    @property
    def is_numeric(self) -> bool:
        return self._kind in ("float", "complex", "int", "uint", "quantized")

    @property
    def is_numpy_compatible(self) -> bool:
        return self._kind not in ("opaque",)

    @property
    def size(self) -> int:
        return 0 if self._np is None or self._kind == "string" else self._np.itemsize

    @property
    def min(self) -> Any:
        return _limits(self)[0]

    @property
    def max(self) -> Any:
        return _limits(self)[1]

    @property
    def limits(self) -> tuple:
        return _limits(self)

    def is_compatible_with(self, other: Any) -> bool:
        return self == as_dtype(other)

    def __eq__(self, other: Any) -> bool:
        if other is None:
            return False
        if type(other) is not DType:
            try:
                other = as_dtype(other)
            except TypeError:
                return False
        return self is other

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._enum

    def __repr__(self) -> str:
        return "tf." + self._name

    def __str__(self) -> str:
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return as_dtype, (self._name,)


def _limits(dt: DType) -> tuple:
    if dt._kind in ("int", "uint"):
        info = np.iinfo(dt._np)
        return info.min, info.max
    if dt._kind == "float":
        info = ml_dtypes.finfo(dt._np) if dt._np.type.__module__.startswith("ml_dtypes") else np.finfo(dt._np)
        return info.min, info.max
    raise TypeError(f"Cannot find minimum value of {dt} with type {dt}.")


# The enum numbers are TF's DataType values (they appear in checkpoints).
float16 = DType("float16", 19, np.float16, "float")
half = float16
float32 = DType("float32", 1, np.float32, "float")
float64 = DType("float64", 2, np.float64, "float")
double = float64
bfloat16 = DType("bfloat16", 14, ml_dtypes.bfloat16, "float")
float8_e5m2 = DType("float8_e5m2", 24, ml_dtypes.float8_e5m2, "float")
float8_e4m3fn = DType("float8_e4m3fn", 25, ml_dtypes.float8_e4m3fn, "float")
float8_e4m3fnuz = DType("float8_e4m3fnuz", 26, ml_dtypes.float8_e4m3fnuz, "float")
float8_e4m3b11fnuz = DType("float8_e4m3b11fnuz", 27, ml_dtypes.float8_e4m3b11fnuz, "float")
float8_e5m2fnuz = DType("float8_e5m2fnuz", 28, ml_dtypes.float8_e5m2fnuz, "float")
complex64 = DType("complex64", 8, np.complex64, "complex")
complex128 = DType("complex128", 18, np.complex128, "complex")
int4 = DType("int4", 29, ml_dtypes.int4, "int")
uint4 = DType("uint4", 30, ml_dtypes.uint4, "uint")
int8 = DType("int8", 6, np.int8, "int")
int16 = DType("int16", 5, np.int16, "int")
int32 = DType("int32", 3, np.int32, "int")
int64 = DType("int64", 9, np.int64, "int")
uint8 = DType("uint8", 4, np.uint8, "uint")
uint16 = DType("uint16", 17, np.uint16, "uint")
uint32 = DType("uint32", 22, np.uint32, "uint")
uint64 = DType("uint64", 23, np.uint64, "uint")
bool = DType("bool", 10, np.bool_, "bool")  # noqa: A001 - TF's public name
string = DType("string", 7, object, "string")
qint8 = DType("qint8", 11, [("qint8", "i1")], "quantized")
quint8 = DType("quint8", 12, [("quint8", "u1")], "quantized")
qint16 = DType("qint16", 15, [("qint16", "<i2")], "quantized")
quint16 = DType("quint16", 16, [("quint16", "<u2")], "quantized")
qint32 = DType("qint32", 13, [("qint32", "<i4")], "quantized")
resource = DType("resource", 20, None, "opaque")
variant = DType("variant", 21, None, "opaque")

ALL: tuple[DType, ...] = (
    float16, float32, float64, bfloat16, float8_e5m2, float8_e4m3fn, float8_e4m3fnuz,
    float8_e4m3b11fnuz, float8_e5m2fnuz, complex64, complex128, int4, uint4, int8, int16,
    int32, int64, uint8, uint16, uint32, uint64, bool, string, qint8, quint8, qint16,
    quint16, qint32, resource, variant,
)

_BY_NAME: dict[str, DType] = {d.name: d for d in ALL}
_BY_NAME.update(half=float16, double=float64)
_BY_ENUM: dict[int, DType] = {d.as_datatype_enum: d for d in ALL}
# NumPy dtype -> DType; the hot path looks tensors' dtypes up here.
_BY_NP: dict[np.dtype, DType] = {d._np: d for d in ALL if d._np is not None}
_BY_NP[np.dtype(np.str_)] = string
_BY_NP[np.dtype(np.bytes_)] = string

FLOATING = frozenset(d for d in ALL if d.is_floating)
COMPLEX = frozenset((complex64, complex128))
INTEGER = frozenset(d for d in ALL if d.is_integer)
NUMERIC_REAL = FLOATING | INTEGER
NUMERIC = NUMERIC_REAL | COMPLEX


def from_numpy(np_dtype: np.dtype) -> DType:
    """The DType of a NumPy dtype (object, str and bytes arrays are `string`)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        if np_dtype.kind in "SUO":
            return string
        raise TypeError(f"Cannot convert {np_dtype!r} to EagerTensor of dtype") from None


def as_dtype(type_value: Any) -> DType:
    """Converts `type_value` (a DType, name, enum, NumPy dtype or type) to a `DType`."""
    if type(type_value) is DType:
        return type_value
    if isinstance(type_value, str):
        try:
            return _BY_NAME[type_value]
        except KeyError:
            pass
    elif isinstance(type_value, int) and not isinstance(type_value, (np.generic,)) and type_value is not True and type_value is not False:
        try:
            return _BY_ENUM[type_value]
        except KeyError:
            pass
    else:
        try:
            return _BY_NP[np.dtype(type_value)]
        except (TypeError, KeyError):
            if type_value in (str, bytes):
                return string
            if hasattr(type_value, "dtype") and not isinstance(type_value, type):
                return as_dtype(type_value.dtype)
    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType.")


QUANTIZED_DTYPES = frozenset((qint8, quint8, qint16, quint16, qint32))
