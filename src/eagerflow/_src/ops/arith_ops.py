"""Elementwise arithmetic beyond math_ops: `tf.math.rint`, `tf.truncatemod`, `tf.math.nextafter`,
`multiply_no_nan`, `reciprocal_no_nan`, `angle`, `log_sigmoid`, `polyval`, `accumulate_n`.

Ops TF has as kernels are declared here with their gradients; the rest are TF's compositions.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops
from eagerflow._src.ops.array_args import invalid
from eagerflow._src.ops.dtype_sets import COMPLEX, FLOAT, INEXACT
from eagerflow._src.ops.math_ops import broadcast_error

_F32_64 = (_dtypes.float32, _dtypes.float64)


def _truncatemod(xp: Any, x: Any, y: Any) -> Any:
    if x.dtype.kind in "iu":
        if not bool(xp.all(y)):
            raise invalid("Integer division by zero")
        return xp.fmod(x, y).astype(x.dtype)
    return xp.fmod(x, y)


def _truncatemod_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's _TruncateModGrad: d/dx = 1, d/dy = -trunc(x / y).
    x, y = ctx.inputs
    return dy, math_ops.multiply(dy, math_ops.negative(math_ops.truncatediv(x, y)))


def _mul_no_nan(xp: Any, x: Any, y: Any) -> Any:
    return xp.where(y == 0, xp.zeros((), dtype=x.dtype), x * y).astype(x.dtype)


def _mul_no_nan_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return multiply_no_nan(dy, y), multiply_no_nan(x, dy)


def _angle(xp: Any, x: Any, Tout: Any = None) -> Any:
    return xp.angle(x).astype(Tout or (np.float64 if x.dtype == np.complex128 else np.float32))


def _angle_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's _AngleGrad: -dy / (Im(x) + i Re(x)).
    x = ctx.inputs[0]
    re, im = math_ops.real(x), math_ops.imag(x)
    z = math_ops.reciprocal(math_ops.complex(im, re))
    zero = math_ops.zeros_like_same(dy)
    return (math_ops.multiply(math_ops.negative(math_ops.complex(dy, zero)), z),)


TRUNCATE_MOD = Op("TruncateMod", _truncatemod, grad=_truncatemod_grad,
                  dtypes=(_dtypes.int32, _dtypes.int64) + FLOAT, error=broadcast_error)
RINT = Op("Rint", lambda xp, x: xp.rint(x), grad=lambda ctx, dy: (None,), dtypes=FLOAT)
NEXT_AFTER = Op("NextAfter", lambda xp, x, y: xp.nextafter(x, y), dtypes=_F32_64, error=broadcast_error)
MUL_NO_NAN = Op("MulNoNan", _mul_no_nan, grad=_mul_no_nan_grad, dtypes=INEXACT, error=broadcast_error)
ANGLE = Op("Angle", _angle, grad=_angle_grad, dtypes=COMPLEX)


def truncatemod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Remainder of division rounded toward zero; the sign of `x` (`tf.truncatemod`)."""
    return execute(TRUNCATE_MOD, conversion.binary(TRUNCATE_MOD, x, y))


def rint(x: Any, name: str | None = None) -> Tensor:
    """Rounds to the nearest integer, halves to even (`tf.math.rint`)."""
    return conversion.run_unary(RINT, x)


def nextafter(x1: Any, x2: Any, name: str | None = None) -> Tensor:
    """The next representable value after `x1` toward `x2` (`tf.math.nextafter`)."""
    return execute(NEXT_AFTER, conversion.binary(NEXT_AFTER, x1, x2))


def multiply_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * y, 0 where y is 0 even if x is inf or nan (`tf.math.multiply_no_nan`)."""
    x = conversion.tensor(x)
    y = conversion.like(y, x)
    if x.dtype != y.dtype:
        raise ValueError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != {y.dtype!r}.")
    return execute(MUL_NO_NAN, (x, y))


def reciprocal_no_nan(x: Any, name: str | None = None) -> Tensor:
    """1 / x, 0 where x is 0 (`tf.math.reciprocal_no_nan`)."""
    x = conversion.tensor(x)
    return math_ops.divide_no_nan(conversion.like(1, x), x)


def angle(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The argument of complex numbers; for reals, pi where negative and 0 elsewhere (`tf.math.angle`)."""
    x = conversion.tensor(input)
    if x.dtype.is_complex:
        return execute(ANGLE, (x,), {"Tout": x.dtype.real_dtype.as_numpy_dtype})
    zero = math_ops.zeros_like_same(x)
    return math_ops.atan2(zero, x)


def log_sigmoid(x: Any, name: str | None = None) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), computed stably (`tf.math.log_sigmoid`)."""
    from eagerflow._src.ops.nn_ops import softplus  # the nn family

    x = conversion.tensor(x)
    return math_ops.negative(softplus(math_ops.negative(x)))


def polyval(coeffs: Any, x: Any, name: str | None = None) -> Tensor:
    """sum(coeffs[i] * x ** (n - 1 - i)) by Horner's rule (`tf.math.polyval`)."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    x = conversion.tensor(x)
    if not coeffs:
        return math_ops.zeros_like_same(x)
    coeffs = [conversion.like(c, x) for c in coeffs]
    out = coeffs[0]
    for c in coeffs[1:]:
        out = math_ops.add(c, math_ops.multiply(out, x))
    return out


def accumulate_n(inputs: list, shape: Any = None, tensor_dtype: Any = None, name: str | None = None) -> Tensor:
    """The sum of `inputs` (deprecated in TF in favour of `tf.math.add_n`)."""
    return math_ops.add_n(inputs)
