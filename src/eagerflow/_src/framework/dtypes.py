"""TensorFlow's dtypes (`tf.dtypes`): one `DType` object per TF type, backed by a NumPy dtype."""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class DType:
    """A TensorFlow element type: `tf.float32` prints `<dtype: 'float32'>`, reprs as `tf.float32`."""

    __slots__ = ("_name", "_enum", "_np", "_np_type", "_kind", "_numeric")

    def __init__(self, name: str, enum: int, np_type: Any, kind: str, numeric: builtins.bool = True):
        self._name = name
        self._enum = enum
        # What `as_numpy_dtype` returns (TF's `_TF_TO_NP`: a type, or a struct dtype for quantized).
        self._np_type = np_type
        self._np = None if np_type is None else np.dtype(np_type)
        self._kind = kind  # "float" | "complex" | "int" | "uint" | "bool" | "string" | "quantized" | "opaque"
        # TF's C++ `is_numeric` leaves out the narrow float8/float4/int4/int2 types.
        self._numeric = numeric and kind not in ("bool", "string", "opaque")

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def as_numpy_dtype(self) -> Any:
        if self._np_type is None:
            raise KeyError(self._enum)  # TF: a KeyError from its _TF_TO_NP table
        return self._np_type

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
    def is_floating(self) -> builtins.bool:
        return self._kind == "float"

    @property
    def is_complex(self) -> builtins.bool:
        return self._kind == "complex"

    @property
    def is_integer(self) -> builtins.bool:
        return self._kind in ("int", "uint")

    @property
    def is_unsigned(self) -> builtins.bool:
        return self._kind == "uint"

    @property
    def is_bool(self) -> builtins.bool:
        return self._kind == "bool"

    @property
    def is_quantized(self) -> builtins.bool:
        return self._kind == "quantized"

    @property
    def is_numeric(self) -> builtins.bool:
        return self._numeric

    @property
    def is_numpy_compatible(self) -> builtins.bool:
        return self._kind != "opaque"

    @property
    def size(self) -> int:
        return 0 if self._np is None or self._kind == "string" else self._np.itemsize

    @property
    def min(self) -> Any:
        return _extreme(self, "min", "minimum")

    @property
    def max(self) -> Any:
        return _extreme(self, "max", "maximum")

    @property
    def limits(self) -> tuple:
        """TF's image-intensity limits, with the minimum clipped to 0 (TF's `clip_negative`)."""
        try:
            high = _LIMITS[self._name]
        except KeyError:
            if self._np_type is None:
                raise KeyError(self._enum) from None
            raise ValueError(f"{self} does not have defined limits.") from None
        return 0, high

    def is_compatible_with(self, other: Any) -> builtins.bool:
        return self is as_dtype(other)

    def __eq__(self, other: Any) -> builtins.bool:
        if other is None:
            return False
        if type(other) is not DType:
            try:
                other = as_dtype(other)
            except TypeError:
                return False
        return self is other

    def __ne__(self, other: Any) -> builtins.bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._enum

    def __repr__(self) -> str:
        return "tf." + self._name

    def __str__(self) -> str:
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return as_dtype, (self._name,)

    def __copy__(self) -> "DType":
        return self

    def __deepcopy__(self, memo: dict) -> "DType":
        return self


class _LazyDType(DType):
    """A dtype backed by `ml_dtypes` (bfloat16, float8, float4, int4, int2) before its first use.

    `import eagerflow` must not pay for ml_dtypes' extension (0.7 s with ml_dtypes 0.7): the
    NumPy type is looked up on the first access, after which the object becomes a plain DType.
    """

    __slots__ = ()

    def __init__(self, name: str, enum: int, kind: str, numeric: builtins.bool = True):
        DType._name.__set__(self, name)
        DType._enum.__set__(self, enum)
        DType._kind.__set__(self, kind)
        DType._numeric.__set__(self, numeric and kind not in ("bool", "string", "opaque"))
        _PENDING.append(self)

    @property
    def _np(self) -> np.dtype:
        _load_ml_dtypes()
        return self._np

    @property
    def _np_type(self) -> Any:
        _load_ml_dtypes()
        return self._np_type


_LazyDType.__name__ = _LazyDType.__qualname__ = "DType"
_PENDING: list[DType] = []
_ON_LOAD: list[Any] = []


def is_loaded(dt: DType) -> builtins.bool:
    """Whether `dt`'s NumPy type is known without importing ml_dtypes."""
    return type(dt) is DType


def when_loaded(callback: Any) -> None:
    """Calls `callback()` now, and again once ml_dtypes' types are loaded (if they are not yet)."""
    callback()
    if _PENDING:
        _ON_LOAD.append(callback)


def _load_ml_dtypes() -> None:
    """Imports ml_dtypes and turns every pending lazy dtype into a plain DType."""
    if not _PENDING:
        return
    import ml_dtypes

    for dt in tuple(_PENDING):
        np_type = getattr(ml_dtypes, dt._name)
        DType._np_type.__set__(dt, np_type)
        DType._np.__set__(dt, np.dtype(np_type))
        dt.__class__ = DType
        _BY_NP[np.dtype(np_type)] = dt
        _BY_NP_TYPE[np.dtype(np_type).type] = dt
        _ANY[np.dtype(np_type).type] = dt
    _PENDING.clear()
    for callback in _ON_LOAD:
        callback()
    _ON_LOAD.clear()


def _extreme(dt: DType, attr: str, word: str) -> Any:
    if dt._kind in ("quantized", "bool", "string", "complex"):
        kind = "quantized type" if dt._kind == "quantized" else "type"
        raise TypeError(f"Cannot find {word} value of {dt} with {kind} {dt}.")
    if dt._kind == "float":
        if dt._np.kind == "f":
            return getattr(np.finfo(dt._np), attr)
        import ml_dtypes

        return getattr(ml_dtypes.finfo(dt._np), attr)
    if dt._kind in ("int", "uint"):
        if dt._np.kind in "iu":
            return getattr(np.iinfo(dt._np), attr)
        import ml_dtypes

        return getattr(ml_dtypes.iinfo(dt._np), attr)
    raise TypeError(f"Cannot find {word} value of {dt}.")


# The upper end of TF's `dtype_range` (its lower end is clipped to 0 by `limits`).
_LIMITS = {
    "bool": True, "uint8": 255, "uint16": 65535, "int8": 127, "int16": 32767,
    "int64": 2**63 - 1, "uint64": 2**64 - 1, "int32": 2**31 - 1, "uint32": 2**32 - 1,
    "float32": 1, "float64": 1,
}

# The enum numbers are TF's DataType values (they appear in checkpoints).
float16 = DType("float16", 19, np.float16, "float")
half = float16
float32 = DType("float32", 1, np.float32, "float")
float64 = DType("float64", 2, np.float64, "float")
double = float64
bfloat16 = _LazyDType("bfloat16", 14, "float")
float8_e5m2 = _LazyDType("float8_e5m2", 24, "float", numeric=False)
float8_e4m3fn = _LazyDType("float8_e4m3fn", 25, "float", numeric=False)
float8_e4m3fnuz = _LazyDType("float8_e4m3fnuz", 26, "float", numeric=False)
float8_e4m3b11fnuz = _LazyDType("float8_e4m3b11fnuz", 27, "float", numeric=False)
float8_e5m2fnuz = _LazyDType("float8_e5m2fnuz", 28, "float", numeric=False)
float4_e2m1fn = _LazyDType("float4_e2m1fn", 33, "float", numeric=False)
complex64 = DType("complex64", 8, np.complex64, "complex")
complex128 = DType("complex128", 18, np.complex128, "complex")
int2 = _LazyDType("int2", 31, "int", numeric=False)
uint2 = _LazyDType("uint2", 32, "uint", numeric=False)
int4 = _LazyDType("int4", 29, "int", numeric=False)
uint4 = _LazyDType("uint4", 30, "uint", numeric=False)
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
qint8 = DType("qint8", 11, np.dtype([("qint8", np.int8)]), "quantized")
quint8 = DType("quint8", 12, np.dtype([("quint8", np.uint8)]), "quantized")
qint16 = DType("qint16", 15, np.dtype([("qint16", np.int16)]), "quantized")
quint16 = DType("quint16", 16, np.dtype([("quint16", np.uint16)]), "quantized")
qint32 = DType("qint32", 13, np.dtype([("qint32", np.int32)]), "quantized")
resource = DType("resource", 20, None, "opaque")
variant = DType("variant", 21, None, "opaque")

ALL: tuple[DType, ...] = (
    float16, float32, float64, bfloat16, float8_e5m2, float8_e4m3fn, float8_e4m3fnuz,
    float8_e4m3b11fnuz, float8_e5m2fnuz, float4_e2m1fn, complex64, complex128, int2, uint2,
    int4, uint4, int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, string, qint8,
    quint8, qint16, quint16, qint32, resource, variant,
)

_BY_NAME: dict[str, DType] = {d.name: d for d in ALL}
_BY_NAME.update(half=float16, float=float32, double=float64)
_BY_ENUM: dict[int, DType] = {d.as_datatype_enum: d for d in ALL}
# NumPy dtype -> DType; the hot path looks tensors' dtypes up here.
_BY_NP: dict[np.dtype, DType] = {d._np: d for d in ALL if not isinstance(d, _LazyDType) and d._np is not None}
_BY_NP[np.dtype(np.str_)] = string
_BY_NP[np.dtype(np.bytes_)] = string
# NumPy scalar type -> DType (TF's `_NP_TO_TF`, keyed by `np.dtype(x).type`).
_BY_NP_TYPE: dict[Any, DType] = {d._np.type: d for d in ALL
                                 if not isinstance(d, _LazyDType) and d._np is not None and d._kind != "quantized"}
_BY_NP_TYPE.update({np.str_: string, np.bytes_: string})
# Everything TF's `as_dtype` looks up by hash: enums, names, a few Python types, NumPy types.
# As in TF, `True` and `1.0` hash like the enum 1 (float32).
_ANY: dict[Any, DType] = {}
_ANY.update(_BY_ENUM)
_ANY.update(_BY_NAME)
_ANY.update({builtins.float: float32, builtins.bool: bool, builtins.object: string})
_ANY.update(_BY_NP_TYPE)
_ANY.update({d._np_type: d for d in ALL if d._kind == "quantized"})

FLOATING = frozenset(d for d in ALL if d.is_floating)
COMPLEX = frozenset((complex64, complex128))
INTEGER = frozenset(d for d in ALL if d.is_integer)
NUMERIC_REAL = FLOATING | INTEGER
NUMERIC = NUMERIC_REAL | COMPLEX
QUANTIZED_DTYPES = frozenset((qint8, quint8, qint16, quint16, qint32))


def from_numpy(np_dtype: np.dtype) -> DType:
    """The DType of a NumPy dtype (object, str and bytes arrays are `string`)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        if _PENDING:
            _load_ml_dtypes()
            return from_numpy(np_dtype)
        if np_dtype.kind in "SUO":
            return string
        raise TypeError(f"Cannot convert the argument `type_value`: {np_dtype!r} to a TensorFlow DType.") from None


def as_dtype(type_value: Any) -> DType:
    """Converts `type_value` to a `DType` (`tf.as_dtype`).

    Accepts a DType, a DataType enum, a name ('float32', 'float', 'half', 'double'), a NumPy
    dtype or scalar type, `float`, `bool`, `object`, or anything with a NumPy `.dtype`.

    Raises:
      TypeError: if `type_value` names no TensorFlow dtype.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, np.dtype):
        found = _BY_NP_TYPE.get(type_value.type)
        if found is not None:
            return found
    try:
        return _ANY[type_value]
    except (KeyError, TypeError):  # TypeError: unhashable
        pass
    if hasattr(type_value, "dtype"):
        try:
            found = _BY_NP_TYPE.get(np.dtype(type_value.dtype).type)
        except TypeError:
            found = None
        if found is not None:
            return found
    if _PENDING:  # an ml_dtypes type (bfloat16, float8, ...) asked for before its first use
        _load_ml_dtypes()
        return as_dtype(type_value)
    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType.")
