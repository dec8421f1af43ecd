"""Elementwise arithmetic, comparisons, logic and casts (`tf.math`).

Each op is declared once: TF's op name, its forward on `xp`, the dtypes it accepts. The
gradient slot (`grad=`) is filled beside each forward by the autodiff work.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from eagerflow.framework import dtypes as _dtypes
from eagerflow.framework import errors
from eagerflow.framework.execute import execute
from eagerflow.framework.op import Op
from eagerflow.framework.tensor import Tensor
from eagerflow.ops import conversion
from eagerflow.ops.dtype_sets import BOOL, FLOAT, INEXACT, INT, NUMBER, REAL, SIGNED

# TF computes inf/nan silently; NumPy would warn from our kernels. Costs nothing unless raised.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"eagerflow\.ops\.")


def _shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def broadcast_error(exc: Exception, arrays: list) -> str:
    """TF's message when elementwise operands do not broadcast."""
    shapes = [getattr(a, "shape", ()) for a in arrays]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return f"Incompatible shapes: {_shape_text(shapes[0])} vs. {_shape_text(shapes[1])}"
    return str(exc)


def _check_int_divisor(xp: Any, y: Any) -> None:
    if y.dtype.kind in "iu" and not xp.all(y):
        raise errors.InvalidArgumentError(None, None, "Integer division by zero")


def _floordiv(xp: Any, x: Any, y: Any) -> Any:
    _check_int_divisor(xp, y)
    return xp.floor_divide(x, y)


def _floormod(xp: Any, x: Any, y: Any) -> Any:
    _check_int_divisor(xp, y)
    return xp.remainder(x, y)


def _truncatediv(xp: Any, x: Any, y: Any) -> Any:
    _check_int_divisor(xp, y)
    if x.dtype.kind in "iu":
        q = xp.abs(x) // xp.abs(y)
        return xp.where((x < 0) != (y < 0), -q, q).astype(x.dtype)
    return xp.trunc(x / y)


def _pow(xp: Any, x: Any, y: Any) -> Any:
    if y.dtype.kind == "i" and xp.any(y < 0):
        raise errors.InvalidArgumentError(None, None, "Integers to negative integer powers are not allowed")
    return xp.power(x, y)


def _sigmoid(xp: Any, x: Any) -> Any:
    # exp(-|x|) never overflows; same value as 1/(1+exp(-x)).
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def _erf(xp: Any, x: Any) -> Any:
    if xp is np:
        from math import erf

        return np.vectorize(erf, otypes=[x.dtype])(x) if x.size else x.copy()
    import cupyx.scipy.special as special  # GPU only

    return special.erf(x)


def _rsqrt(xp: Any, x: Any) -> Any:
    return (1 / xp.sqrt(x)).astype(x.dtype)


def _round(xp: Any, x: Any) -> Any:
    return xp.round(x) if x.dtype.kind in "fc" else x.copy()


def _sign(xp: Any, x: Any) -> Any:
    if x.dtype.kind == "c":
        mag = xp.abs(x)
        return xp.where(mag == 0, 0, x / xp.where(mag == 0, 1, mag)).astype(x.dtype)
    return xp.sign(x)


def _abs(xp: Any, x: Any) -> Any:
    return xp.abs(x)


def _invert(xp: Any, x: Any) -> Any:
    return xp.invert(x)


def _equal(xp: Any, x: Any, y: Any, incompatible_shape_error: bool = True) -> Any:
    if not incompatible_shape_error:
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            return xp.asarray(False)
    return xp.equal(x, y)


def _not_equal(xp: Any, x: Any, y: Any, incompatible_shape_error: bool = True) -> Any:
    if not incompatible_shape_error:
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            return xp.asarray(True)
    return xp.not_equal(x, y)


def _add(xp: Any, x: Any, y: Any) -> Any:
    if x.dtype == object:  # string concatenation (TF's Add on strings)
        return xp.frompyfunc(lambda a, b: a + b, 2, 1)(x, y).astype(object)
    return x + y


def _cast(xp: Any, x: Any, DstT: Any) -> Any:
    if DstT == x.dtype:
        return x
    if x.dtype.kind == "c" and DstT.kind != "c":
        x = x.real
    if DstT.kind == "b":
        return x != 0
    if DstT.kind in "iu" and x.dtype.kind == "f":
        # TF truncates toward zero and saturates NaN/inf to the integer limits' behaviour of C++.
        return xp.trunc(x).astype(DstT)
    return x.astype(DstT)


def _binary(name: str, fn: Any, dtypes: Any) -> Op:
    return Op(name, fn, dtypes=dtypes, error=broadcast_error)


def _unary(name: str, fn: Any, dtypes: Any) -> Op:
    return Op(name, fn, dtypes=dtypes)


# --- declarations ---------------------------------------------------------------------------
ADD = Op("AddV2", _add, dtypes=NUMBER + (_dtypes.string,), error=broadcast_error)
SUB = _binary("Sub", lambda xp, x, y: x - y, NUMBER)
MUL = _binary("Mul", lambda xp, x, y: x * y, NUMBER)
REAL_DIV = _binary("RealDiv", lambda xp, x, y: (x / y).astype(x.dtype, copy=False), INEXACT)
DIV_NO_NAN = _binary("DivNoNan", lambda xp, x, y: xp.where(y == 0, 0, x / xp.where(y == 0, 1, y)).astype(x.dtype), INEXACT)
FLOOR_DIV = _binary("FloorDiv", _floordiv, REAL)
FLOOR_MOD = _binary("FloorMod", _floormod, REAL)
TRUNCATE_DIV = _binary("TruncateDiv", _truncatediv, REAL)
POW = _binary("Pow", _pow, NUMBER)
MAXIMUM = _binary("Maximum", lambda xp, x, y: xp.maximum(x, y), REAL)
MINIMUM = _binary("Minimum", lambda xp, x, y: xp.minimum(x, y), REAL)
SQUARED_DIFFERENCE = _binary("SquaredDifference", lambda xp, x, y: (x - y) * (x - y), NUMBER)
ATAN2 = _binary("Atan2", lambda xp, x, y: xp.arctan2(x, y), FLOAT)

EQUAL = Op("Equal", _equal, error=broadcast_error)
NOT_EQUAL = Op("NotEqual", _not_equal, error=broadcast_error)
LESS = _binary("Less", lambda xp, x, y: x < y, REAL)
LESS_EQUAL = _binary("LessEqual", lambda xp, x, y: x <= y, REAL)
GREATER = _binary("Greater", lambda xp, x, y: x > y, REAL)
GREATER_EQUAL = _binary("GreaterEqual", lambda xp, x, y: x >= y, REAL)

LOGICAL_AND = _binary("LogicalAnd", lambda xp, x, y: xp.logical_and(x, y), BOOL)
LOGICAL_OR = _binary("LogicalOr", lambda xp, x, y: xp.logical_or(x, y), BOOL)
LOGICAL_NOT = _unary("LogicalNot", lambda xp, x: xp.logical_not(x), BOOL)
BITWISE_AND = _binary("BitwiseAnd", lambda xp, x, y: x & y, INT)
BITWISE_OR = _binary("BitwiseOr", lambda xp, x, y: x | y, INT)
BITWISE_XOR = _binary("BitwiseXor", lambda xp, x, y: x ^ y, INT)
INVERT = _unary("Invert", _invert, INT)

NEG = _unary("Neg", lambda xp, x: -x, SIGNED)
ABS = _unary("Abs", _abs, FLOAT + INT)
COMPLEX_ABS = _unary("ComplexAbs", _abs, (_dtypes.complex64, _dtypes.complex128))
SIGN = _unary("Sign", _sign, NUMBER)
SQUARE = _unary("Square", lambda xp, x: x * x, NUMBER)
SQRT = _unary("Sqrt", lambda xp, x: xp.sqrt(x), INEXACT)
RSQRT = _unary("Rsqrt", _rsqrt, INEXACT)
EXP = _unary("Exp", lambda xp, x: xp.exp(x), INEXACT)
EXPM1 = _unary("Expm1", lambda xp, x: xp.expm1(x), INEXACT)
LOG = _unary("Log", lambda xp, x: xp.log(x), INEXACT)
LOG1P = _unary("Log1p", lambda xp, x: xp.log1p(x), INEXACT)
SIN = _unary("Sin", lambda xp, x: xp.sin(x), INEXACT)
COS = _unary("Cos", lambda xp, x: xp.cos(x), INEXACT)
TAN = _unary("Tan", lambda xp, x: xp.tan(x), INEXACT)
TANH = _unary("Tanh", lambda xp, x: xp.tanh(x), INEXACT)
SIGMOID = _unary("Sigmoid", _sigmoid, INEXACT)
ERF = _unary("Erf", _erf, FLOAT)
RECIPROCAL = _unary("Reciprocal", lambda xp, x: (1 / x).astype(x.dtype), INEXACT)
ROUND = _unary("Round", _round, NUMBER)
FLOOR = _unary("Floor", lambda xp, x: xp.floor(x), FLOAT)
CEIL = _unary("Ceil", lambda xp, x: xp.ceil(x), FLOAT)
IS_FINITE = _unary("IsFinite", lambda xp, x: xp.isfinite(x), FLOAT)
IS_NAN = _unary("IsNan", lambda xp, x: xp.isnan(x), FLOAT)
IS_INF = _unary("IsInf", lambda xp, x: xp.isinf(x), FLOAT)
REAL_PART = _unary("Real", lambda xp, x: xp.real(x).copy(), COMPLEX_ABS.dtypes)
IMAG_PART = _unary("Imag", lambda xp, x: xp.imag(x).copy(), COMPLEX_ABS.dtypes)
CONJ = _unary("Conj", lambda xp, x: xp.conj(x), NUMBER)
CAST = Op("Cast", _cast)


# --- public functions -----------------------------------------------------------------------
def _run_binary(op: Op, x: Any, y: Any) -> Tensor:
    return execute(op, conversion.binary(op, x, y))


def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x + y elementwise, with broadcasting (`tf.math.add`)."""
    return _run_binary(ADD, x, y)


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x - y elementwise (`tf.math.subtract`)."""
    return _run_binary(SUB, x, y)


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y elementwise (`tf.math.multiply`)."""
    return _run_binary(MUL, x, y)


# Integer true division casts first, as TF's truediv does.
_TRUEDIV_FLOAT = {"int8": _dtypes.float32, "uint8": _dtypes.float32, "int16": _dtypes.float32,
                  "uint16": _dtypes.float32, "int32": _dtypes.float64, "uint32": _dtypes.float64,
                  "int64": _dtypes.float64, "uint64": _dtypes.float64}


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, casting integer operands to float first (`tf.math.truediv`)."""
    x, y = conversion.binary(REAL_DIV, x, y)
    target = _TRUEDIV_FLOAT.get(x.dtype.name)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    return execute(REAL_DIV, (x, y))


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y elementwise (`tf.math.divide`)."""
    return truediv(x, y)


def realdiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(REAL_DIV, x, y)


def divide_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, 0 where y is 0 (`tf.math.divide_no_nan`)."""
    return _run_binary(DIV_NO_NAN, x, y)


def floordiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x // y rounding toward negative infinity (`tf.math.floordiv`)."""
    return _run_binary(FLOOR_DIV, x, y)


def floormod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Remainder of floor division, sign of y (`tf.math.floormod`)."""
    return _run_binary(FLOOR_MOD, x, y)


mod = floormod


def truncatediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(TRUNCATE_DIV, x, y)


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """x ** y elementwise (`tf.math.pow`)."""
    return _run_binary(POW, x, y)


def maximum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise max (`tf.math.maximum`)."""
    return _run_binary(MAXIMUM, x, y)


def minimum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elementwise min (`tf.math.minimum`)."""
    return _run_binary(MINIMUM, x, y)


def squared_difference(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(SQUARED_DIFFERENCE, x, y)


def atan2(y: Any, x: Any, name: str | None = None) -> Tensor:
    return _run_binary(ATAN2, y, x)


def equal(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x == y elementwise (`tf.math.equal`)."""
    return _run_binary(EQUAL, x, y)


def not_equal(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x != y elementwise (`tf.math.not_equal`)."""
    return _run_binary(NOT_EQUAL, x, y)


def less(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(LESS, x, y)


def less_equal(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(LESS_EQUAL, x, y)


def greater(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(GREATER, x, y)


def greater_equal(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(GREATER_EQUAL, x, y)


def logical_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(LOGICAL_AND, x, y)


def logical_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(LOGICAL_OR, x, y)


def logical_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    """(x | y) & ~(x & y), as TF composes it."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


def logical_not(x: Any, name: str | None = None) -> Tensor:
    return execute(LOGICAL_NOT, (conversion.tensor(x),))


def bitwise_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_AND, x, y)


def bitwise_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_OR, x, y)


def bitwise_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_XOR, x, y)


def invert(x: Any, name: str | None = None) -> Tensor:
    return execute(INVERT, (conversion.tensor(x),))


def _run_unary(op: Op, x: Any) -> Tensor:
    return execute(op, (x if type(x) is Tensor else conversion.tensor(x),))


def negative(x: Any, name: str | None = None) -> Tensor:
    """-x elementwise (`tf.math.negative`)."""
    return _run_unary(NEG, x)


def abs(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """|x|; complex inputs give their real magnitude (`tf.math.abs`)."""
    x = conversion.tensor(x)
    return execute(COMPLEX_ABS if x.dtype.is_complex else ABS, (x,))


def sign(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(SIGN, x)


def square(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(SQUARE, x)


def sqrt(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(SQRT, x)


def rsqrt(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(RSQRT, x)


def exp(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(EXP, x)


def expm1(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(EXPM1, x)


def log(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(LOG, x)


def log1p(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(LOG1P, x)


def sin(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(SIN, x)


def cos(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(COS, x)


def tan(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(TAN, x)


def tanh(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(TANH, x)


def sigmoid(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(SIGMOID, x)


def erf(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(ERF, x)


def reciprocal(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(RECIPROCAL, x)


def round(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """Rounds half to even (`tf.math.round`)."""
    return _run_unary(ROUND, x)


def floor(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(FLOOR, x)


def ceil(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(CEIL, x)


def is_finite(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(IS_FINITE, x)


def is_nan(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(IS_NAN, x)


def is_inf(x: Any, name: str | None = None) -> Tensor:
    return _run_unary(IS_INF, x)


def real(x: Any, name: str | None = None) -> Tensor:
    x = conversion.tensor(x)
    return execute(REAL_PART, (x,)) if x.dtype.is_complex else x


def imag(x: Any, name: str | None = None) -> Tensor:
    x = conversion.tensor(x)
    return execute(IMAG_PART, (x,)) if x.dtype.is_complex else zeros_like_same(x)


def conj(x: Any, name: str | None = None) -> Tensor:
    x = conversion.tensor(x)
    return execute(CONJ, (x,)) if x.dtype.is_complex else x


def zeros_like_same(x: Tensor) -> Tensor:
    return Tensor(x._device.xp.zeros_like(x._array), x._device)


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """`x` converted to `dtype` (`tf.cast`); floats to ints truncate toward zero."""
    dt = _dtypes.as_dtype(dtype)
    x = conversion.tensor(x)
    if x._array.dtype == dt._np:
        return x
    return execute(CAST, (x,), {"DstT": dt._np})


def saturate_cast(value: Any, dtype: Any, name: str | None = None) -> Tensor:
    dt = _dtypes.as_dtype(dtype)
    value = conversion.tensor(value)
    if dt.is_integer or dt.is_floating:
        lo, hi = dt.min, dt.max
        src = value.dtype
        if src.is_integer or src.is_floating:
            lo = max(lo, src.min)
            hi = min(hi, src.max)
            value = clip_by_value(value, lo, hi)
    return cast(value, dt)


def add_n(inputs: list, name: str | None = None) -> Tensor:
    """Sum of a list of same-shape, same-dtype tensors (`tf.math.add_n`)."""
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape")
    tensors = conversion.same_dtype(ADD_N, list(inputs))
    return execute(ADD_N, tensors)


def _add_n(xp: Any, *arrays: Any) -> Any:
    first = arrays[0]
    for a in arrays[1:]:
        if a.shape != first.shape:
            raise errors.InvalidArgumentError(
                None, None, f"Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: {_shape_text(first.shape)} != input 1: {_shape_text(a.shape)}")
    out = first.copy()
    for a in arrays[1:]:
        out += a
    return out


ADD_N = Op("AddN", _add_n, dtypes=NUMBER)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None) -> Tensor:
    """Clips values elementwise to [min, max] (`tf.clip_by_value`)."""
    t = conversion.tensor(t)
    return minimum(maximum(t, clip_value_min), clip_value_max)


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor:
    return multiply(scalar, x)
