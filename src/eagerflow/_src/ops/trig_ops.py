"""Inverse trigonometric and hyperbolic functions (`tf.math.acos`, `asinh`, `cosh`, ...).

One row per op, as in math_ops: TF's op name, the kernel on `xp`, TF's dtypes and TF's
gradient beside it (written with eagerflow ops, so second order works).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.dtype_sets import INEXACT
from eagerflow._src.ops.math_ops import conj, cos, multiply, negative, realdiv, reciprocal, sqrt, square, subtract


def _wide(fn: Any) -> Any:
    """`fn` computed in float32 for 16-bit floats (NumPy has no bfloat16 kernels), rounded once."""
    def forward(xp: Any, x: Any) -> Any:
        if x.dtype.itemsize == 2 and x.dtype.kind != "c":
            return fn(xp, x.astype(np.float32)).astype(x.dtype)
        return fn(xp, x)
    return forward


def _unary(name: str, fn: Any, grad: Any) -> Op:
    return Op(name, host_threads.elementwise(_wide(fn)), grad=grad, dtypes=INEXACT)


def _one_minus_square(x: Tensor) -> Tensor:
    return subtract(conversion.like(1, x), square(x))


def _acos_grad(ctx: Any, dy: Tensor) -> tuple:
    return (negative(multiply(dy, reciprocal(sqrt(_one_minus_square(conj(ctx.inputs[0])))))),)


def _asin_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, reciprocal(sqrt(_one_minus_square(conj(ctx.inputs[0]))))),)


def _atan_grad(ctx: Any, dy: Tensor) -> tuple:
    x = conj(ctx.inputs[0])
    return (multiply(dy, reciprocal(conversion.like(1, x) + square(x))),)


def _acosh_grad(ctx: Any, dy: Tensor) -> tuple:
    return (realdiv(dy, sinh(conj(ctx.output))),)


def _asinh_grad(ctx: Any, dy: Tensor) -> tuple:
    return (realdiv(dy, cosh(conj(ctx.output))),)


def _atanh_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, reciprocal(_one_minus_square(conj(ctx.inputs[0])))),)


def _sinh_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, cosh(conj(ctx.inputs[0]))),)


def _cosh_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, sinh(conj(ctx.inputs[0]))),)


ACOS = _unary("Acos", lambda xp, x: xp.arccos(x), _acos_grad)
ASIN = _unary("Asin", lambda xp, x: xp.arcsin(x), _asin_grad)
ATAN = _unary("Atan", lambda xp, x: xp.arctan(x), _atan_grad)
ACOSH = _unary("Acosh", lambda xp, x: xp.arccosh(x), _acosh_grad)
ASINH = _unary("Asinh", lambda xp, x: xp.arcsinh(x), _asinh_grad)
ATANH = _unary("Atanh", lambda xp, x: xp.arctanh(x), _atanh_grad)
SINH = _unary("Sinh", lambda xp, x: xp.sinh(x), _sinh_grad)
COSH = _unary("Cosh", lambda xp, x: xp.cosh(x), _cosh_grad)


def acos(x: Any, name: str | None = None) -> Tensor:
    """arccos(x) elementwise (`tf.math.acos`)."""
    return conversion.run_unary(ACOS, x)


def asin(x: Any, name: str | None = None) -> Tensor:
    """arcsin(x) elementwise (`tf.math.asin`)."""
    return conversion.run_unary(ASIN, x)


def atan(x: Any, name: str | None = None) -> Tensor:
    """arctan(x) elementwise (`tf.math.atan`)."""
    return conversion.run_unary(ATAN, x)


def acosh(x: Any, name: str | None = None) -> Tensor:
    """Inverse hyperbolic cosine (`tf.math.acosh`)."""
    return conversion.run_unary(ACOSH, x)


def asinh(x: Any, name: str | None = None) -> Tensor:
    """Inverse hyperbolic sine (`tf.math.asinh`)."""
    return conversion.run_unary(ASINH, x)


def atanh(x: Any, name: str | None = None) -> Tensor:
    """Inverse hyperbolic tangent (`tf.math.atanh`)."""
    return conversion.run_unary(ATANH, x)


def sinh(x: Any, name: str | None = None) -> Tensor:
    """Hyperbolic sine (`tf.math.sinh`)."""
    return conversion.run_unary(SINH, x)


def cosh(x: Any, name: str | None = None) -> Tensor:
    """Hyperbolic cosine (`tf.math.cosh`)."""
    return conversion.run_unary(COSH, x)
