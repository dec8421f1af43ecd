"""Elementwise arithmetic, comparisons, logic and casts (`tf.math`).

Each op is declared once: TF's op name, its forward on `xp`, the dtypes it accepts. The
gradient slot (`grad=`) is filled beside each forward by the autodiff work.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute, execute_binary
from eagerflow._src.framework.op import Op, cpp_name
from eagerflow._src.framework.shape_inference import elementwise
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import conversion, dispatch
from eagerflow._src.ops.array_args import zeros_like_array
from eagerflow._src.ops.dtype_sets import COMPLEX as COMPLEX_TYPES, FLOAT, INEXACT, INT, NUMBER, REAL, SIGNED, SIGNED_INT

# TF computes inf/nan silently; NumPy would warn from our kernels. Costs nothing unless raised.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"eagerflow\._src\.ops\.")


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
    # A scalar divisor (loop counters: `i % 2` in a While body) is tested without a reduction.
    if y.dtype.kind in "iu" and (not y if y.ndim == 0 else not xp.all(y)):
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
    # exp(-|x|) never overflows; same value as 1/(1+exp(-x)). Half types round once, as TF's.
    wide = x.astype(np.float32) if x.dtype.itemsize == 2 and x.dtype.kind != "c" else x
    e = xp.exp(-xp.abs(wide))
    return xp.where(wide >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


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
    if not incompatible_shape_error and x.shape != y.shape:
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            return xp.asarray(False)
    return xp.equal(x, y)


def _not_equal(xp: Any, x: Any, y: Any, incompatible_shape_error: bool = True) -> Any:
    if not incompatible_shape_error and x.shape != y.shape:
        try:
            np.broadcast_shapes(x.shape, y.shape)
        except ValueError:
            return xp.asarray(True)
    return xp.not_equal(x, y)


_OBJECT = np.dtype(object)  # NumPy's builtin dtypes are singletons: `is` is the cheap test


def _add(xp: Any, x: Any, y: Any) -> Any:
    if x.dtype is _OBJECT:  # string concatenation (TF's Add on strings)
        return xp.asarray(xp.frompyfunc(lambda a, b: a + b, 2, 1)(x, y), dtype=object)  # 0-d too
    return x + y


def _cast(xp: Any, x: Any, DstT: Any) -> Any:
    if DstT == x.dtype:
        return x
    if x.dtype == object or DstT == object:  # TF's Cast has no string kernels
        src, dst = (cpp_name(_dtypes.from_numpy(d)) for d in (x.dtype, DstT))
        raise errors.UnimplementedError(None, None, f"Cast {src} to {dst} is not supported")
    if x.dtype.kind == "c" and DstT.kind != "c":
        x = x.real
    if DstT.kind == "b":
        return x != 0
    if DstT.kind in "iu" and x.dtype.kind == "f":
        # TF truncates toward zero and saturates NaN/inf to the integer limits' behaviour of C++.
        return xp.trunc(x).astype(DstT)
    return x.astype(DstT)


def _squared_difference(xp: Any, x: Any, y: Any) -> Any:
    d = x - y
    return d * xp.conj(d) if d.dtype.kind == "c" else d * d


def _atan2(xp: Any, y: Any, x: Any) -> Any:
    # Computed wide and rounded once, so float32 results are correctly rounded as TF's are.
    if y.dtype.itemsize < 8:
        return xp.arctan2(y.astype(np.float64), x.astype(np.float64)).astype(y.dtype)
    return xp.arctan2(y, x)


def _binary(name: str, fn: Any, dtypes: Any, grad: Any = None) -> Op:
    return Op(name, host_threads.elementwise(fn), grad=grad, dtypes=dtypes, error=broadcast_error,
              shape_fn=elementwise)


def _unary(name: str, fn: Any, dtypes: Any, grad: Any = None, ufunc: str | None = None) -> Op:
    # Large arrays are computed on every core (bit-identical; see backends/host_threads.py);
    # `ufunc`: fn is exactly that NumPy ufunc, so the chunks write straight into the output.
    return Op(name, host_threads.elementwise(fn, ufunc), grad=grad, dtypes=dtypes, shape_fn=elementwise)


# --- gradients ------------------------------------------------------------------------------
# Each returns one entry per input; the tape sums broadcast gradients back to input shapes.
# They call the public functions below, so gradients of gradients are recorded too.
def _add_grad(ctx: Any, dy: Tensor) -> tuple:
    return dy, dy


def _sub_grad(ctx: Any, dy: Tensor) -> tuple:
    return dy, negative(dy)


def _mul_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return multiply(dy, conj(y)), multiply(conj(x), dy)


def _real_div_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    return realdiv(dy, y), multiply(dy, realdiv(realdiv(negative(x), y), y))


def _div_no_nan_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    return divide_no_nan(dy, y), multiply(dy, divide_no_nan(divide_no_nan(negative(x), y), y))


def _floor_mod_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return dy, multiply(dy, negative(floordiv(x, y)))


def _no_grad(ctx: Any, dy: Tensor) -> tuple:
    """Piecewise-constant ops (floor, round, floordiv...): TF returns None for every input."""
    return (None,) * len(ctx.inputs)


def _pow_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    gx = multiply(dy, multiply(y, pow(x, subtract(y, 1))))
    # TF avoids the false singularity of log(x) at x <= 0: the y-gradient is 0 there.
    mask = not_equal(x, 0) if x.dtype.is_complex else greater(x, 0)
    safe_x = select(mask, x, ones_like_same(x))
    log_x = select(mask, log(safe_x), zeros_like_same(x))
    return gx, multiply(dy, multiply(conj(ctx.output), log_x))


def _selector_grad(selector: Any) -> Any:
    def grad(ctx: Any, dy: Tensor) -> tuple:
        # Ties go to x, as TF's Maximum/Minimum gradients do.
        x, y = ctx.inputs
        zeros = zeros_like_same(dy)
        mask = selector(x, y)
        return select(mask, dy, zeros), select(mask, zeros, dy)

    return grad


def _squared_difference_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    gx = multiply(multiply(dy, 2), subtract(x, y))
    return gx, negative(gx)


def _atan2_grad(ctx: Any, dy: Tensor) -> tuple:
    y, x = ctx.inputs  # atan2(y, x)
    inv = realdiv(dy, add(square(x), square(y)))
    return multiply(x, inv), multiply(negative(y), inv)


def _neg_grad(ctx: Any, dy: Tensor) -> tuple:
    return (negative(dy),)


def _abs_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, sign(ctx.inputs[0])),)


def _sign_grad(ctx: Any, dy: Tensor) -> tuple:
    return (zeros_like_same(ctx.inputs[0]),)


def _square_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, multiply(conj(ctx.inputs[0]), 2)),)


def _sqrt_grad(ctx: Any, dy: Tensor) -> tuple:
    return (realdiv(multiply(dy, 0.5), conj(ctx.output)),)


def _rsqrt_grad(ctx: Any, dy: Tensor) -> tuple:
    y = conj(ctx.output)
    return (multiply(multiply(dy, -0.5), multiply(square(y), y)),)


def _exp_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, conj(ctx.output)),)


def _expm1_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, exp(conj(ctx.inputs[0]))),)


def _log_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, reciprocal(conj(ctx.inputs[0]))),)


def _log1p_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, reciprocal(add(1, conj(ctx.inputs[0])))),)


def _sin_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, conj(cos(ctx.inputs[0]))),)


def _cos_grad(ctx: Any, dy: Tensor) -> tuple:
    return (negative(multiply(dy, conj(sin(ctx.inputs[0])))),)


def _tan_grad(ctx: Any, dy: Tensor) -> tuple:
    sec = reciprocal(cos(conj(ctx.inputs[0])))
    return (multiply(dy, square(sec)),)


def _tanh_grad(ctx: Any, dy: Tensor) -> tuple:
    y = ctx.output
    return (execute(TANH_GRAD, (conj(y) if y._array.dtype.kind == "c" else y, dy)),)


def _tanh_grad_grad(ctx: Any, g: Tensor) -> tuple:
    # TF's _TanhGradGrad: inputs (y, dy) of TanhGrad = dy * (1 - y^2).
    y, dy = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    return (multiply(multiply(g, -2.0), multiply(dy, y)), execute(TANH_GRAD, (y, g)))


def _sigmoid_grad(ctx: Any, dy: Tensor) -> tuple:
    return (execute(SIGMOID_GRAD, (conj(ctx.output), dy)),)


def _sigmoid_grad_grad(ctx: Any, g: Tensor) -> tuple:
    # TF's _SigmoidGradGrad: inputs (y, dy) of SigmoidGrad = dy * y * (1 - y).
    y, dy = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    gb = multiply(g, dy)
    return (subtract(gb, multiply(multiply(gb, 2.0), y)), execute(SIGMOID_GRAD, (y, g)))


# One fused op each for the gradients of tanh and sigmoid, as TF has (fewer ops on the tape).
def _tanh_grad_kernel(xp: Any, y: Any, dy: Any) -> Any:
    """dy * (1 - y^2), reusing the one temporary (y and dy have one shape here)."""
    out = y * y
    if not dy.ndim or out.shape != dy.shape or out.dtype != dy.dtype:  # 0-d: NumPy gives a scalar
        return dy * (1 - out)
    xp.subtract(1, out, out=out)
    return xp.multiply(dy, out, out=out)


TANH_GRAD = Op("TanhGrad", _tanh_grad_kernel, dtypes=INEXACT, grad=_tanh_grad_grad, shape_fn=elementwise)
SIGMOID_GRAD = Op("SigmoidGrad", lambda xp, y, dy: dy * (y * (1 - y)), dtypes=INEXACT,
                  grad=_sigmoid_grad_grad, shape_fn=elementwise)


def _erf_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, multiply(2 / np.sqrt(np.pi), exp(negative(square(x))))),)


def _reciprocal_grad(ctx: Any, dy: Tensor) -> tuple:
    y = conj(ctx.output)
    return (multiply(negative(dy), square(y)),)


def _conj_grad(ctx: Any, dy: Tensor) -> tuple:
    return (conj(dy),)


def _real_grad(ctx: Any, dy: Tensor) -> tuple:
    return (complex(dy, zeros_like_same(dy)),)


def _imag_grad(ctx: Any, dy: Tensor) -> tuple:
    return (complex(zeros_like_same(dy), dy),)


def _complex_grad(ctx: Any, dy: Tensor) -> tuple:
    return real(dy), imag(dy)


def _complex_abs_grad(ctx: Any, dy: Tensor) -> tuple:
    y = ctx.output
    return (divide_no_nan(multiply(complex(dy, zeros_like_same(dy)), ctx.inputs[0]),
                          complex(y, zeros_like_same(y))),)


def _cast_grad(ctx: Any, dy: Tensor) -> tuple:
    # Only float/complex -> float/complex passes a gradient (TF's _CastGrad).
    src = ctx.inputs[0].dtype
    if (src.is_floating or src.is_complex) and (dy.dtype.is_floating or dy.dtype.is_complex):
        return (cast(dy, src),)
    return (None,)


def _select_grad(ctx: Any, dy: Tensor) -> tuple:
    zeros = zeros_like_same(dy)
    condition = ctx.inputs[0]
    return None, select(condition, dy, zeros), select(condition, zeros, dy)


def _add_n_grad(ctx: Any, dy: Tensor) -> tuple:
    return (dy,) * len(ctx.inputs)


# --- declarations ---------------------------------------------------------------------------
ADD = Op("AddV2", _add, grad=_add_grad, dtypes=NUMBER + (_dtypes.string,), error=broadcast_error,
         shape_fn=elementwise)
SUB = _binary("Sub", lambda xp, x, y: x - y, NUMBER, _sub_grad)
MUL = _binary("Mul", lambda xp, x, y: x * y, NUMBER, _mul_grad)
REAL_DIV = _binary("RealDiv", lambda xp, x, y: (x / y).astype(x.dtype, copy=False), INEXACT, _real_div_grad)
DIV_NO_NAN = _binary("DivNoNan", lambda xp, x, y: xp.where(y == 0, 0, x / xp.where(y == 0, 1, y)).astype(x.dtype),
                     INEXACT, _div_no_nan_grad)
FLOOR_DIV = _binary("FloorDiv", _floordiv, REAL, _no_grad)
FLOOR_MOD = _binary("FloorMod", _floormod, REAL, _floor_mod_grad)
TRUNCATE_DIV = _binary("TruncateDiv", _truncatediv, REAL, _no_grad)
POW = _binary("Pow", _pow, SIGNED, _pow_grad)  # TF: no unsigned ints
MAXIMUM = _binary("Maximum", lambda xp, x, y: xp.maximum(x, y), REAL, _selector_grad(lambda x, y: greater_equal(x, y)))
MINIMUM = _binary("Minimum", lambda xp, x, y: xp.minimum(x, y), REAL, _selector_grad(lambda x, y: less_equal(x, y)))
SQUARED_DIFFERENCE = _binary("SquaredDifference", _squared_difference,
                             FLOAT + (_dtypes.int32, _dtypes.int64) + COMPLEX_TYPES, _squared_difference_grad)
ATAN2 = _binary("Atan2", _atan2, FLOAT, _atan2_grad)
COMPLEX = _binary("Complex", lambda xp, re, im: re + 1j * im if re.dtype == np.float64 else
                  (re + np.complex64(1j) * im).astype(np.complex64), (_dtypes.float32, _dtypes.float64),
                  _complex_grad)
SELECT = Op("SelectV2", lambda xp, c, x, y: xp.where(c, x, y), grad=_select_grad, error=broadcast_error,
            shape_fn=elementwise)

EQUAL = Op("Equal", _equal, error=broadcast_error, shape_fn=elementwise)
NOT_EQUAL = Op("NotEqual", _not_equal, error=broadcast_error, shape_fn=elementwise)
LESS = _binary("Less", lambda xp, x, y: x < y, REAL)
LESS_EQUAL = _binary("LessEqual", lambda xp, x, y: x <= y, REAL)
GREATER = _binary("Greater", lambda xp, x, y: x > y, REAL)
GREATER_EQUAL = _binary("GreaterEqual", lambda xp, x, y: x >= y, REAL)

# Logical ops take bool only (no `T` attr): wrong inputs get TF's "cannot compute" message.
LOGICAL_AND = _binary("LogicalAnd", lambda xp, x, y: xp.logical_and(x, y), None)
LOGICAL_OR = _binary("LogicalOr", lambda xp, x, y: xp.logical_or(x, y), None)
LOGICAL_NOT = _unary("LogicalNot", lambda xp, x: xp.logical_not(x), None)
BITWISE_AND = _binary("BitwiseAnd", lambda xp, x, y: x & y, INT)
BITWISE_OR = _binary("BitwiseOr", lambda xp, x, y: x | y, INT)
BITWISE_XOR = _binary("BitwiseXor", lambda xp, x, y: x ^ y, INT)
# TF's CPU kernels: a left shift by the width or more gives 0; a right shift clamps the amount to
# width - 1 (the sign fill for signed types).
LEFT_SHIFT = _binary("LeftShift", lambda xp, x, y: xp.where(
    (y >= 0) & (y < x.dtype.itemsize * 8), x << xp.clip(y, 0, x.dtype.itemsize * 8 - 1), 0).astype(x.dtype), INT)
RIGHT_SHIFT = _binary("RightShift", lambda xp, x, y: x >> xp.clip(y, 0, x.dtype.itemsize * 8 - 1).astype(y.dtype),
                      INT)
INVERT = _unary("Invert", _invert, INT)

NEG = _unary("Neg", lambda xp, x: -x, SIGNED, _neg_grad)
ABS = _unary("Abs", _abs, FLOAT + SIGNED_INT, _abs_grad)
COMPLEX_ABS = _unary("ComplexAbs", _abs, COMPLEX_TYPES, _complex_abs_grad)
SIGN = _unary("Sign", _sign, SIGNED, _sign_grad)
SQUARE = _unary("Square", lambda xp, x: x * x, SIGNED, _square_grad)
SQRT = _unary("Sqrt", lambda xp, x: xp.sqrt(x), INEXACT, _sqrt_grad, ufunc="sqrt")
RSQRT = _unary("Rsqrt", _rsqrt, INEXACT, _rsqrt_grad)
EXP = _unary("Exp", lambda xp, x: xp.exp(x), INEXACT, _exp_grad, ufunc="exp")
EXPM1 = _unary("Expm1", lambda xp, x: xp.expm1(x), INEXACT, _expm1_grad, ufunc="expm1")
LOG = _unary("Log", lambda xp, x: xp.log(x), INEXACT, _log_grad, ufunc="log")
LOG1P = _unary("Log1p", lambda xp, x: xp.log1p(x), INEXACT, _log1p_grad, ufunc="log1p")
SIN = _unary("Sin", lambda xp, x: xp.sin(x), INEXACT, _sin_grad, ufunc="sin")
COS = _unary("Cos", lambda xp, x: xp.cos(x), INEXACT, _cos_grad, ufunc="cos")
TAN = _unary("Tan", lambda xp, x: xp.tan(x), INEXACT, _tan_grad, ufunc="tan")
TANH = _unary("Tanh", lambda xp, x: xp.tanh(x), INEXACT, _tanh_grad, ufunc="tanh")
SIGMOID = _unary("Sigmoid", _sigmoid, INEXACT, _sigmoid_grad)
ERF = _unary("Erf", _erf, FLOAT, _erf_grad)
RECIPROCAL = _unary("Reciprocal", lambda xp, x: (1 / x).astype(x.dtype), INEXACT, _reciprocal_grad)
ROUND = _unary("Round", _round, SIGNED, _no_grad)  # TF: no unsigned ints
FLOOR = _unary("Floor", lambda xp, x: xp.floor(x), FLOAT, _no_grad, ufunc="floor")
CEIL = _unary("Ceil", lambda xp, x: xp.ceil(x), FLOAT, _no_grad, ufunc="ceil")
IS_FINITE = _unary("IsFinite", lambda xp, x: xp.isfinite(x), FLOAT)
IS_NAN = _unary("IsNan", lambda xp, x: xp.isnan(x), FLOAT)
IS_INF = _unary("IsInf", lambda xp, x: xp.isinf(x), FLOAT)
REAL_PART = _unary("Real", lambda xp, x: xp.real(x).copy(), COMPLEX_TYPES, _real_grad)
IMAG_PART = _unary("Imag", lambda xp, x: xp.imag(x).copy(), COMPLEX_TYPES, _imag_grad)
CONJ = _unary("Conj", lambda xp, x: xp.conj(x), COMPLEX_TYPES, _conj_grad)
CAST = Op("Cast", host_threads.elementwise(_cast), grad=_cast_grad, shape_fn=elementwise)


# --- public functions -----------------------------------------------------------------------
def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x + y elementwise, with broadcasting (`tf.math.add`)."""
    # TF converts y with x's dtype as a hint only: a mismatch is the op's InvalidArgumentError.
    if type(x) is EagerTensor and type(y) is EagerTensor and x._array.dtype is y._array.dtype:
        return execute_binary(ADD, x, y)  # `a + b`: nothing to convert
    try:
        return execute(ADD, conversion.binary(ADD, x, y, strict=False))
    except (TypeError, ValueError):
        if dispatch.composite_in(x, y):  # RaggedTensor/SparseTensor operands (TF's dispatch)
            return dispatch.elementwise(add, x, y)
        raise


def _run_binary(op: Op, x: Any, y: Any) -> Tensor:
    """`op(x, y)` through TF's wrapper conversion; errors worded as on the path TF took (a list
    argument drops ` name: `)."""
    try:
        if type(x) is EagerTensor and type(y) is EagerTensor and x._array.dtype is y._array.dtype:
            return execute_binary(op, x, y)  # nothing to convert
        return execute(op, conversion.binary(op, x, y))
    except errors.OpError as e:
        raise conversion.worded(e, x, y) from None
    except (TypeError, ValueError):
        if dispatch.composite_in(x, y):  # RaggedTensor/SparseTensor operands (TF's dispatch)
            return dispatch.elementwise(lambda a, b: _run_binary(op, a, b), x, y)
        raise


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x - y elementwise (`tf.math.subtract`)."""
    return _run_binary(SUB, x, y)


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y elementwise (`tf.math.multiply`)."""
    return _run_binary(MUL, x, y)


# TF's _TRUEDIV_TABLE, in its order: integers are cast to a float first; other dtypes are TF's
# TypeError (see _truediv_cast).
_TRUEDIV_TABLE = {_dtypes.as_dtype(k): v for k, v in (
    ("uint8", _dtypes.float32), ("int8", _dtypes.float32), ("uint16", _dtypes.float32),
    ("int16", _dtypes.float32), ("uint32", _dtypes.float64), ("int32", _dtypes.float64),
    ("uint64", _dtypes.float64), ("int64", _dtypes.float64), ("bfloat16", None), ("float16", None),
    ("float32", None), ("float64", None), ("complex64", None), ("complex128", None))}


def _truediv_cast(x: Tensor, y: Tensor, target: Any, where: str) -> tuple[Tensor, Tensor]:
    """Both operands cast to `target` (TF's float for an integer dtype); TF's TypeError for a
    dtype its table lacks (`target` False)."""
    if target is False:
        expected = ", ".join(repr(d) for d in _TRUEDIV_TABLE)
        raise TypeError(f"Invalid dtype {x.dtype!r} in {where}. Expected one of {{{expected}}}.")
    return cast(x, target), cast(y, target)


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, casting integer operands to float first (`tf.math.truediv`)."""
    if type(x) is EagerTensor and type(y) is EagerTensor and x._array.dtype == y._array.dtype:
        pass
    elif dispatch.composite_in(x, y):  # RaggedTensor/SparseTensor operands (TF's dispatch)
        return dispatch.elementwise(truediv, x, y)
    else:
        x = conversion.tensor(x)
        y = conversion.like(y, x, strict=False)
        if x._array.dtype != y._array.dtype:
            raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
    target = _TRUEDIV_TABLE.get(x.dtype, False)
    if target is not None:
        x, y = _truediv_cast(x, y, target, "__truediv__")
    return execute(REAL_DIV, (x, y))


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y elementwise (`tf.math.divide`); a Python `x` must fit a tensor `y`'s dtype."""
    if type(x) is not EagerTensor and conversion.is_tensor_like(y):
        x = conversion.like(x, conversion.tensor(y))
    return truediv(x, y)


def realdiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(REAL_DIV, x, y)


def divide_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, 0 where y is 0 (`tf.math.divide_no_nan`); integers are cast to a float first, as
    `truediv` casts them."""
    if type(x) is not EagerTensor and conversion.is_tensor_like(y):
        x = conversion.like(x, conversion.tensor(y))
    x = conversion.tensor(x)
    y = conversion.like(y, x, strict=False)
    if x._array.dtype != y._array.dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
    target = _TRUEDIV_TABLE.get(x.dtype, False)
    if target is not None:  # integers divide as TF's truediv table casts them
        x, y = _truediv_cast(x, y, target, "tf.math.divide_no_nan")
    return execute(DIV_NO_NAN, (x, y))


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


def _require_bool(op: Op, *tensors: Tensor) -> None:
    for index, t in enumerate(tensors):
        if t._array.dtype != np.bool_:
            raise errors.op_error(
                errors.InvalidArgumentError,
                f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a bool "
                f"tensor but is a {cpp_name(t.dtype)} tensor", op.name)


def _logical(op: Op, x: Any, y: Any) -> Tensor:
    if dispatch.composite_in(x, y):  # RaggedTensor/SparseTensor operands (TF's dispatch)
        return dispatch.elementwise(lambda a, b: _logical(op, a, b), x, y)
    xt = conversion.tensor(x, _dtypes.bool) if not conversion.is_tensor_like(x) else conversion.tensor(x)
    yt = conversion.tensor(y, _dtypes.bool) if not conversion.is_tensor_like(y) else conversion.tensor(y)
    try:
        _require_bool(op, xt, yt)
        return execute(op, (xt, yt))
    except errors.OpError as e:
        if conversion.takes_fallback(x, y):
            conversion.tensor(xt, _dtypes.bool)  # TF's fallback converts every operand to bool: its ValueError
            conversion.tensor(yt, _dtypes.bool)
        raise conversion.worded(e, x, y) from None


def logical_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _logical(LOGICAL_AND, x, y)


def logical_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _logical(LOGICAL_OR, x, y)


def logical_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    """(x | y) & ~(x & y), as TF composes it."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


def logical_not(x: Any, name: str | None = None) -> Tensor:
    # TF's wrapper converts a Python value to bool (its TypeError when that does not fit).
    if type(x) is not EagerTensor and dispatch.composite_in(x):
        return dispatch.elementwise(logical_not, x)
    xt = conversion.tensor(x) if conversion.is_tensor_like(x) else conversion.tensor(x, _dtypes.bool)
    _require_bool(LOGICAL_NOT, xt)
    try:
        return execute(LOGICAL_NOT, (xt,))
    except errors.OpError as e:
        raise conversion.worded(e, x) from None


def bitwise_and(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_AND, x, y)


def bitwise_or(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_OR, x, y)


def bitwise_xor(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(BITWISE_XOR, x, y)


def left_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(LEFT_SHIFT, x, y)


def right_shift(x: Any, y: Any, name: str | None = None) -> Tensor:
    return _run_binary(RIGHT_SHIFT, x, y)


def invert(x: Any, name: str | None = None) -> Tensor:
    return execute(INVERT, (conversion.tensor(x),))


def _run_converted(op: Op, x: Any) -> Tensor:
    """`op` on `x` where TF's Python function converts `x` first (its errors keep ` name: `)."""
    if type(x) is not EagerTensor and dispatch.composite_in(x):
        return dispatch.elementwise(lambda a: _run_converted(op, a), x)
    return execute(op, (x if type(x) is EagerTensor else conversion.tensor(x),))


def negative(x: Any, name: str | None = None) -> Tensor:
    """-x elementwise (`tf.math.negative`)."""
    return conversion.run_unary(NEG, x)


def abs(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """|x|; complex inputs give their real magnitude (`tf.math.abs`)."""
    if type(x) is not EagerTensor and dispatch.composite_in(x):
        return dispatch.elementwise(abs, x)
    x = conversion.tensor(x)
    return execute(COMPLEX_ABS if x.dtype.is_complex else ABS, (x,))


def sign(x: Any, name: str | None = None) -> Tensor:
    return _run_converted(SIGN, x)


def square(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(SQUARE, x)


def sqrt(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(SQRT, x)


def rsqrt(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(RSQRT, x)


def exp(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(EXP, x)


def expm1(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(EXPM1, x)


def log(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(LOG, x)


def log1p(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(LOG1P, x)


def sin(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(SIN, x)


def cos(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(COS, x)


def tan(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(TAN, x)


def tanh(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(TANH, x)


def sigmoid(x: Any, name: str | None = None) -> Tensor:
    return _run_converted(SIGMOID, x)


def erf(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(ERF, x)


def reciprocal(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(RECIPROCAL, x)


def round(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """Rounds half to even (`tf.math.round`); integers come back unchanged, as TF's wrapper
    returns them without running Round."""
    if type(x) is not EagerTensor and dispatch.composite_in(x):
        return dispatch.call("round", x)
    t = x if type(x) is EagerTensor else conversion.tensor(x)
    return t if t.dtype.is_integer else execute(ROUND, (t,))


def floor(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(FLOOR, x)


def ceil(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(CEIL, x)


def is_finite(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(IS_FINITE, x)


def is_nan(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(IS_NAN, x)


def is_inf(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(IS_INF, x)


def real(x: Any, name: str | None = None) -> Tensor:
    """The real part of a complex `x`; a real number tensor itself; TF's TypeError for bool and
    string (`tf.math.real`)."""
    x = conversion.tensor(x)
    if x.dtype.is_complex:
        return execute(REAL_PART, (x,))
    if x.dtype.is_bool or x.dtype == _dtypes.string:
        raise TypeError(f"input must be a numeric tensor, but got tensor with dtype {x.dtype}")
    return x


def imag(x: Any, name: str | None = None) -> Tensor:
    """The imaginary part of a complex `x`, else zeros like `x` (b"" for strings) (`tf.math.imag`)."""
    x = conversion.tensor(x)
    if x.dtype.is_complex:
        return execute(IMAG_PART, (x,))
    return EagerTensor(zeros_like_array(x._device.xp, x._array), x._device)


def conj(x: Any, name: str | None = None) -> Tensor:
    """The complex conjugate of `x`; a real number tensor itself; TF's TypeError for bool and
    string (`tf.math.conj`)."""
    x = conversion.tensor(x)
    if x.dtype.is_complex:
        return execute(CONJ, (x,))
    if x.dtype.is_bool or x.dtype == _dtypes.string:
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x.dtype!r}.")
    return x


def zeros_like_same(x: Tensor) -> Tensor:
    """Zeros with `x`'s shape, dtype and device (a constant: no op is recorded; in a graph,
    a ZerosLike op)."""
    if type(x) is not EagerTensor:
        return _graph_like("ZerosLike", x)
    return EagerTensor(x._device.xp.zeros_like(x._array), x._device)


def ones_like_same(x: Tensor) -> Tensor:
    """Ones with `x`'s shape, dtype and device (a constant: no op is recorded; in a graph,
    a OnesLike op)."""
    if type(x) is not EagerTensor:
        return _graph_like("OnesLike", x)
    return EagerTensor(x._device.xp.ones_like(x._array), x._device)


def _graph_like(op_name: str, x: Tensor) -> Tensor:
    from eagerflow._src.framework.op import REGISTRY  # ZerosLike/OnesLike live in array_ops

    return execute(REGISTRY[op_name], (conversion.tensor(x),))


def select(condition: Any, x: Any, y: Any, name: str | None = None) -> Tensor:
    """Elements of `x` where `condition`, else of `y`, broadcasting all three (TF's SelectV2)."""
    x, y = conversion.binary(SELECT, x, y)
    condition = conversion.tensor(condition)
    if condition._array.dtype != np.bool_:
        raise errors.op_error(
            errors.InvalidArgumentError,
            f"cannot compute SelectV2 as input #0(zero-based) was expected to be a bool tensor "
            f"but is a {cpp_name(condition.dtype)} tensor", "SelectV2")
    return execute(SELECT, (condition, x, y))


def complex(real: Any, imag: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """real + imag * 1j; float32 parts give complex64, float64 parts complex128 (`tf.complex`).

    Raises:
      TypeError: parts that are not both float32 or both float64 (each converts on its own).
    """
    re, im = conversion.tensor(real), conversion.tensor(imag)
    if re._array.dtype != im._array.dtype or re.dtype not in (_dtypes.float32, _dtypes.float64):
        raise TypeError(f"The `real` and `imag` components have incorrect types: {re.dtype.name} {im.dtype.name}. "
                        f"They must be consistent, and one of [tf.float32, tf.float64]")
    return execute(COMPLEX, (re, im))


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """`x` converted to `dtype` (`tf.cast`); floats to ints truncate toward zero."""
    dt = _dtypes.as_dtype(dtype)
    if type(x) is not EagerTensor and dispatch.composite_in(x):
        return dispatch.elementwise(lambda a: cast(a, dt), x)
    if isinstance(x, IndexedSlices):  # stays sparse: its values cast (TF's cast)
        return IndexedSlices(cast(x.values, dt), x.indices, x.dense_shape)
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
        raise ValueError("Inputs must be an iterable of at least one Tensor/IndexedSlices with the same dtype and shape.")
    try:
        tensors = conversion.same_dtype(ADD_N, list(inputs))
    except (TypeError, ValueError):
        if dispatch.composite_in(inputs):  # RaggedTensor (TF's dispatch)
            return dispatch.call("add_n", inputs)
        raise
    first = tensors[0]._array.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._array.shape != first:
            # TF names the kernel AddN_N_<count> in this message, and only in it.
            device = tensors[0]._device.name
            raise errors.InvalidArgumentError(
                None, None, f"{{{{function_node __wrapped__AddN_N_{len(tensors)}_device_{device}}}}} "
                f"Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: {_shape_text(first)} != input {i}: {_shape_text(t._array.shape)} [Op:AddN] name: ")
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


ADD_N = Op("AddN", _add_n, grad=_add_n_grad, dtypes=NUMBER)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None) -> Tensor:
    """Clips values elementwise to [min, max] (`tf.clip_by_value`)."""
    try:
        t = conversion.tensor(t)
    except (TypeError, ValueError):
        if dispatch.composite_in(t):  # RaggedTensor (TF's dispatch)
            return dispatch.call("clip_by_value", t, clip_value_min, clip_value_max)
        raise
    # TF applies the maximum bound first, then the minimum, and refuses to grow `t` by broadcasting.
    t_min = minimum(t, clip_value_max)
    _assert_same_shape(t, t_min)
    t_max = maximum(t_min, clip_value_min)
    _assert_same_shape(t, t_max)
    return t_max


def _assert_same_shape(t: Tensor, clipped: Tensor) -> None:
    if t._array.shape != clipped._array.shape:
        raise ValueError(f"Shapes {t.shape} and {clipped.shape} are incompatible")


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor:
    """scalar * x, where `scalar` must be 0-D (`tf.math.scalar_mul`)."""
    shape = np.shape(scalar._array if isinstance(scalar, Tensor) else scalar)
    if shape != ():
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {tuple(shape)}.")
    return multiply(scalar, x)
