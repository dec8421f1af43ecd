"""tf.experimental.numpy math: elementwise functions, reductions and products over our ops.

Operands are promoted with NumPy's rules (np_dtypes); unary float functions take integers to
the default float type as NumPy's ufuncs do. Everything differentiable goes through eagerflow
ops, so tapes see it; integer-only helpers (gcd, lcm, nextafter) run on NumPy.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.numpy_api.np_dtypes import (
    asarray, default_float_type, promote_args, promote_inexact, result_type, to_np, to_tf,
)
from eagerflow._src.ops import array_ops, linalg_ops, math_ops, reduce_ops

# --- elementwise binary ---------------------------------------------------------------------


def _binary(fn: Callable, x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return fn(a, b)


def add(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return math_ops.logical_or(a, b) if a.dtype == _dtypes.bool else math_ops.add(a, b)


def subtract(x1: Any, x2: Any) -> Tensor:
    return _binary(math_ops.subtract, x1, x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return math_ops.logical_and(a, b) if a.dtype == _dtypes.bool else math_ops.multiply(a, b)


def true_divide(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    if not (a.dtype.is_floating or a.dtype.is_complex):
        a, b = (math_ops.cast(t, to_tf(default_float_type())) for t in (a, b))
    return math_ops.truediv(a, b)


divide = true_divide


def floor_divide(x1: Any, x2: Any) -> Tensor:
    return _binary(math_ops.floordiv, x1, x2)


def mod(x1: Any, x2: Any) -> Tensor:
    return _binary(math_ops.floormod, x1, x2)


remainder = mod


def divmod(x1: Any, x2: Any) -> tuple:  # noqa: A001 - NumPy's name
    return floor_divide(x1, x2), mod(x1, x2)


def power(x1: Any, x2: Any) -> Tensor:
    return _binary(math_ops.pow, x1, x2)


def float_power(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    if not (a.dtype.is_floating or a.dtype.is_complex):
        return math_ops.pow(a, b)  # TF's tnp keeps integers (NumPy would give float64)
    wide = _dtypes.complex128 if a.dtype.is_complex else _dtypes.float64
    return math_ops.pow(math_ops.cast(a, wide), math_ops.cast(b, wide))


def maximum(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return math_ops.logical_or(a, b) if a.dtype == _dtypes.bool else math_ops.maximum(a, b)


def minimum(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return math_ops.logical_and(a, b) if a.dtype == _dtypes.bool else math_ops.minimum(a, b)


def arctan2(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(promote_inexact(x1), promote_inexact(x2))
    return math_ops.atan2(a, b)


def hypot(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(promote_inexact(x1), promote_inexact(x2))
    return math_ops.sqrt(math_ops.add(math_ops.square(a), math_ops.square(b)))


def logaddexp(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(promote_inexact(x1), promote_inexact(x2))
    high = math_ops.maximum(a, b)
    return math_ops.add(high, math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(
        math_ops.subtract(a, b))))))


def logaddexp2(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(promote_inexact(x1), promote_inexact(x2))
    ln2 = np.log(2.0)
    return math_ops.truediv(logaddexp(math_ops.multiply(a, ln2), math_ops.multiply(b, ln2)), ln2)


def heaviside(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    zero = array_ops.zeros_like(a)
    return array_ops.where(math_ops.less(a, zero), zero,
                           array_ops.where(math_ops.equal(a, zero), b + zero, array_ops.ones_like(a)))


def _logical(fn: Callable, x1: Any, x2: Any) -> Tensor:
    return fn(math_ops.cast(asarray(x1), _dtypes.bool), math_ops.cast(asarray(x2), _dtypes.bool))


def logical_and(x1: Any, x2: Any) -> Tensor:
    return _logical(math_ops.logical_and, x1, x2)


def logical_or(x1: Any, x2: Any) -> Tensor:
    return _logical(math_ops.logical_or, x1, x2)


def logical_xor(x1: Any, x2: Any) -> Tensor:
    return _logical(math_ops.logical_xor, x1, x2)


def logical_not(x: Any) -> Tensor:
    return math_ops.logical_not(math_ops.cast(asarray(x), _dtypes.bool))


def _bitwise(fn: Callable, logical: Callable, x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return logical(a, b) if a.dtype == _dtypes.bool else fn(a, b)


def bitwise_and(x1: Any, x2: Any) -> Tensor:
    return _bitwise(math_ops.bitwise_and, math_ops.logical_and, x1, x2)


def bitwise_or(x1: Any, x2: Any) -> Tensor:
    return _bitwise(math_ops.bitwise_or, math_ops.logical_or, x1, x2)


def bitwise_xor(x1: Any, x2: Any) -> Tensor:
    return _bitwise(math_ops.bitwise_xor, math_ops.logical_xor, x1, x2)


def bitwise_not(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.logical_not(x) if x.dtype == _dtypes.bool else math_ops.invert(x)


def _compare(fn: Callable, x1: Any, x2: Any) -> Tensor:
    return _binary(fn, x1, x2)


def equal(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.equal, x1, x2)


def not_equal(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.not_equal, x1, x2)


def greater(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.greater, x1, x2)


def greater_equal(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.greater_equal, x1, x2)


def less(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.less, x1, x2)


def less_equal(x1: Any, x2: Any) -> Tensor:
    return _compare(math_ops.less_equal, x1, x2)


def _from_numpy(fn: Callable, *values: Any) -> Tensor:
    """An integer/bool-valued helper computed by NumPy (no gradient flows through these)."""
    arrays = [asarray(v).numpy() for v in values]
    return constant(np.asarray(fn(*arrays)))


def gcd(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return _from_numpy(np.gcd, a, b)


def lcm(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    return _from_numpy(np.lcm, a, b)


def nextafter(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(promote_inexact(x1), promote_inexact(x2))
    return _from_numpy(np.nextafter, a, b)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    x, y = promote_args(promote_inexact(a), promote_inexact(b))
    close = math_ops.less_equal(math_ops.abs(math_ops.subtract(x, y)),
                                math_ops.add(math_ops.multiply(math_ops.abs(y), rtol), atol))
    close = math_ops.logical_or(math_ops.equal(x, y), close)  # infinities of one sign
    if equal_nan:
        close = math_ops.logical_or(close, math_ops.logical_and(math_ops.is_nan(x), math_ops.is_nan(y)))
    return close


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    return reduce_ops.reduce_all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1: Any, a2: Any) -> Tensor:
    x, y = promote_args(a1, a2)
    if x.shape.as_list() != y.shape.as_list():
        return constant(False)
    return reduce_ops.reduce_all(math_ops.equal(x, y))


# --- elementwise unary ----------------------------------------------------------------------


def _float_unary(fn: Callable) -> Callable:
    def apply(x: Any) -> Tensor:
        return fn(promote_inexact(x))
    return apply


def _math(name: str, fallback: Callable) -> Callable:
    """eagerflow's op `name` when math_ops has it, else `fallback` (composed from ops)."""
    def apply(x: Any) -> Tensor:
        op = getattr(math_ops, name, None)
        return (op or fallback)(promote_inexact(x))
    return apply


def _half(x: Tensor) -> Tensor:
    return math_ops.multiply(x, 0.5)


sqrt = _float_unary(math_ops.sqrt)
exp = _float_unary(math_ops.exp)
expm1 = _float_unary(math_ops.expm1)
log = _float_unary(math_ops.log)
log1p = _float_unary(math_ops.log1p)
sin = _float_unary(math_ops.sin)
cos = _float_unary(math_ops.cos)
tan = _float_unary(math_ops.tan)
tanh = _float_unary(math_ops.tanh)
reciprocal = _float_unary(math_ops.reciprocal)
sinh = _math("sinh", lambda x: _half(math_ops.subtract(math_ops.exp(x), math_ops.exp(math_ops.negative(x)))))
cosh = _math("cosh", lambda x: _half(math_ops.add(math_ops.exp(x), math_ops.exp(math_ops.negative(x)))))
arcsin = _math("asin", lambda x: math_ops.atan2(x, math_ops.sqrt(math_ops.subtract(1.0, math_ops.square(x)))))
arccos = _math("acos", lambda x: math_ops.atan2(math_ops.sqrt(math_ops.subtract(1.0, math_ops.square(x))), x))
arctan = _math("atan", lambda x: math_ops.atan2(x, array_ops.ones_like(x)))
arcsinh = _math("asinh", lambda x: math_ops.log(math_ops.add(x, math_ops.sqrt(math_ops.add(math_ops.square(x), 1.0)))))
arccosh = _math("acosh", lambda x: math_ops.log(math_ops.add(x, math_ops.sqrt(math_ops.subtract(math_ops.square(x), 1.0)))))
arctanh = _math("atanh", lambda x: _half(math_ops.log(math_ops.truediv(math_ops.add(1.0, x), math_ops.subtract(1.0, x)))))


def log2(x: Any) -> Tensor:
    return math_ops.truediv(log(x), np.log(2.0))


def log10(x: Any) -> Tensor:
    return math_ops.truediv(log(x), np.log(10.0))


def exp2(x: Any) -> Tensor:
    x = promote_inexact(x)
    return math_ops.pow(array_ops.fill(array_ops.shape(x), constant(2, x.dtype)), x)


def cbrt(x: Any) -> Tensor:
    x = promote_inexact(x)
    return math_ops.multiply(math_ops.sign(x), math_ops.pow(math_ops.abs(x), 1.0 / 3.0))


def deg2rad(x: Any) -> Tensor:
    return math_ops.multiply(promote_inexact(x), np.pi / 180.0)


def rad2deg(x: Any) -> Tensor:
    return math_ops.multiply(promote_inexact(x), 180.0 / np.pi)


def sinc(x: Any) -> Tensor:
    x = promote_inexact(x)
    zero = math_ops.equal(x, 0.0)
    safe = array_ops.where(zero, array_ops.ones_like(x), math_ops.multiply(x, np.pi))
    return array_ops.where(zero, array_ops.ones_like(x), math_ops.truediv(math_ops.sin(safe), safe))


def absolute(x: Any) -> Tensor:
    x = asarray(x)
    return x if x.dtype == _dtypes.bool or x.dtype.is_unsigned else math_ops.abs(x)


abs = absolute  # noqa: A001 - NumPy's name


def fabs(x: Any) -> Tensor:
    return math_ops.abs(promote_inexact(x))


def negative(x: Any) -> Tensor:
    return math_ops.negative(asarray(x))


def positive(x: Any) -> Tensor:
    return asarray(x)


def sign(x: Any) -> Tensor:
    return math_ops.sign(asarray(x))


def signbit(x: Any) -> Tensor:
    x = asarray(x)
    if x.dtype == _dtypes.bool or x.dtype.is_unsigned:
        return math_ops.cast(array_ops.zeros_like(x), _dtypes.bool)
    if x.dtype.is_integer:
        return math_ops.less(x, 0)
    return _from_numpy(np.signbit, x)


def square(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.logical_and(x, x) if x.dtype == _dtypes.bool else math_ops.square(x)


def _keep_ints(fn: Callable) -> Callable:
    def apply(x: Any) -> Tensor:
        x = asarray(x)
        if x.dtype.is_integer or x.dtype == _dtypes.bool:
            return math_ops.cast(x, to_tf(default_float_type())) if x.dtype == _dtypes.bool else x
        return fn(x)
    return apply


ceil = _keep_ints(math_ops.ceil)
floor = _keep_ints(math_ops.floor)


def fix(x: Any) -> Tensor:
    x = promote_inexact(x)
    return array_ops.where(math_ops.less(x, 0.0), math_ops.ceil(x), math_ops.floor(x))


def around(a: Any, decimals: int = 0) -> Tensor:
    """Rounds half to even at `decimals` places (NumPy's rule); integers stay integers."""
    a = asarray(a)
    if a.dtype.is_integer or a.dtype == _dtypes.bool:
        return a
    if decimals == 0:
        return math_ops.round(a)
    factor = 10.0 ** decimals
    return math_ops.truediv(math_ops.round(math_ops.multiply(a, factor)), factor)


round = around  # noqa: A001 - NumPy's name


def clip(a: Any, a_min: Any, a_max: Any) -> Tensor:
    if a_min is None and a_max is None:
        raise ValueError("Not more than one of `a_min` and `a_max` may be `None`.")
    x = asarray(a)
    if a_min is not None:
        x = maximum(x, a_min)
    if a_max is not None:
        x = minimum(x, a_max)
    return x


def real(val: Any) -> Tensor:
    x = asarray(val)
    return math_ops.real(x) if x.dtype.is_complex else x


def imag(val: Any) -> Tensor:
    x = asarray(val)
    return math_ops.imag(x) if x.dtype.is_complex else array_ops.zeros_like(x)


def conj(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.conj(x) if x.dtype.is_complex else x


conjugate = conj


def angle(z: Any, deg: bool = False) -> Tensor:
    z = promote_inexact(z)
    result = math_ops.atan2(imag(z), real(z))
    return rad2deg(result) if deg else result


def isnan(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.is_nan(x) if x.dtype.is_floating else math_ops.cast(array_ops.zeros_like(x), _dtypes.bool)


def isinf(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.is_inf(x) if x.dtype.is_floating else math_ops.cast(array_ops.zeros_like(x), _dtypes.bool)


def isfinite(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.is_finite(x) if x.dtype.is_floating else math_ops.cast(array_ops.ones_like(x), _dtypes.bool)


def isposinf(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.logical_and(isinf(x), math_ops.greater(x, 0) if not x.dtype.is_floating else math_ops.greater(x, 0.0))


def isneginf(x: Any) -> Tensor:
    x = asarray(x)
    return math_ops.logical_and(isinf(x), math_ops.less(x, 0) if not x.dtype.is_floating else math_ops.less(x, 0.0))


def iscomplex(x: Any) -> Tensor:
    x = asarray(x)
    if not x.dtype.is_complex:
        return math_ops.cast(array_ops.zeros_like(x), _dtypes.bool)
    return math_ops.not_equal(math_ops.imag(x), 0.0)


def isreal(x: Any) -> Tensor:
    return math_ops.logical_not(iscomplex(x))


def iscomplexobj(x: Any) -> bool:
    return asarray(x).dtype.is_complex


def isrealobj(x: Any) -> bool:
    return not iscomplexobj(x)


# --- reductions -----------------------------------------------------------------------------


def _axis(axis: Any) -> Any:
    return list(axis) if isinstance(axis, tuple) else axis


def _sum_dtype(x: Tensor, dtype: Any) -> Any:
    """NumPy's accumulator for sum/prod/cumsum: small ints and bools widen to (u)int64."""
    if dtype is not None:
        return to_tf(to_np(dtype))
    if x.dtype == _dtypes.bool or (x.dtype.is_integer and not x.dtype.is_unsigned and x.dtype.size < 8):
        return _dtypes.int64
    if x.dtype.is_unsigned and x.dtype.size < 8:
        return _dtypes.uint64
    return x.dtype


def sum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    x = asarray(a)
    return reduce_ops.reduce_sum(math_ops.cast(x, _sum_dtype(x, dtype)), _axis(axis), keepdims)


def prod(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    x = asarray(a)
    return reduce_ops.reduce_prod(math_ops.cast(x, _sum_dtype(x, dtype)), _axis(axis), keepdims)


def _mean_input(a: Any, dtype: Any) -> Tensor:
    x = asarray(a)
    if dtype is not None:
        return math_ops.cast(x, to_tf(to_np(dtype)))
    if not (x.dtype.is_floating or x.dtype.is_complex):
        return math_ops.cast(x, to_tf(default_float_type()))
    return x


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False) -> Tensor:
    return reduce_ops.reduce_mean(_mean_input(a, dtype), _axis(axis), keepdims)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False) -> Any:
    if weights is None:
        avg = mean(a, axis)
        total = math_ops.cast(array_ops.size(asarray(a)), avg.dtype) if axis is None else \
            math_ops.cast(array_ops.shape(asarray(a))[axis], avg.dtype)
        total = array_ops.fill(array_ops.shape(avg), total)
    else:
        x, w = promote_args(_mean_input(a, None), weights)
        if axis is not None and len(w.shape) == 1 and len(x.shape) > 1:
            shape = [1] * len(x.shape)
            shape[axis] = -1
            w = array_ops.reshape(w, shape)
        w = array_ops.broadcast_to(w, array_ops.shape(x))
        total = reduce_ops.reduce_sum(w, axis)
        avg = math_ops.truediv(reduce_ops.reduce_sum(math_ops.multiply(x, w), axis), total)
    return (avg, total) if returned else avg


def var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
        keepdims: bool = False) -> Tensor:
    x = _mean_input(a, dtype)
    centered = math_ops.subtract(x, reduce_ops.reduce_mean(x, _axis(axis), True))
    squares = math_ops.real(math_ops.multiply(centered, math_ops.conj(centered))) \
        if x.dtype.is_complex else math_ops.square(centered)
    total = reduce_ops.reduce_sum(squares, _axis(axis), keepdims)
    count = np.prod([x.shape[i] for i in (range(len(x.shape)) if axis is None else np.atleast_1d(axis))])
    return math_ops.truediv(total, constant(float(count - ddof), total.dtype))


def std(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return math_ops.sqrt(var(a, axis=axis, keepdims=keepdims))


def amax(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Tensor:
    x = asarray(a)
    if x.dtype == _dtypes.bool:
        return reduce_ops.reduce_any(x, _axis(axis), keepdims)
    return reduce_ops.reduce_max(x, _axis(axis), keepdims)


def amin(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Tensor:
    x = asarray(a)
    if x.dtype == _dtypes.bool:
        return reduce_ops.reduce_all(x, _axis(axis), keepdims)
    return reduce_ops.reduce_min(x, _axis(axis), keepdims)


max = amax  # noqa: A001 - NumPy's name
min = amin  # noqa: A001 - NumPy's name


def ptp(a: Any, axis: Any = None, keepdims: Any = None) -> Tensor:
    return subtract(amax(a, axis, keepdims=bool(keepdims)), amin(a, axis, keepdims=bool(keepdims)))


def all(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return reduce_ops.reduce_all(math_ops.cast(asarray(a), _dtypes.bool), _axis(axis), keepdims)


def any(a: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return reduce_ops.reduce_any(math_ops.cast(asarray(a), _dtypes.bool), _axis(axis), keepdims)


def count_nonzero(a: Any, axis: Any = None) -> Tensor:
    nonzero = math_ops.cast(math_ops.cast(asarray(a), _dtypes.bool), _dtypes.int64)
    return reduce_ops.reduce_sum(nonzero, _axis(axis))


def _flat_if_none(x: Tensor, axis: Any) -> tuple[Tensor, int]:
    return (array_ops.reshape(x, [-1]), 0) if axis is None else (x, axis)


def argmax(a: Any, axis: Any = None) -> Tensor:
    x, axis = _flat_if_none(asarray(a), axis)
    return reduce_ops.argmax(x, axis=axis, output_type=_dtypes.int64)


def argmin(a: Any, axis: Any = None) -> Tensor:
    x, axis = _flat_if_none(asarray(a), axis)
    return reduce_ops.argmin(x, axis=axis, output_type=_dtypes.int64)


def cumsum(a: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    x = asarray(a)
    x, axis = _flat_if_none(math_ops.cast(x, _sum_dtype(x, dtype)), axis)
    return reduce_ops.cumsum(x, axis=axis)


def cumprod(a: Any, axis: Any = None, dtype: Any = None) -> Tensor:
    x = asarray(a)
    x, axis = _flat_if_none(math_ops.cast(x, _sum_dtype(x, dtype)), axis)
    return reduce_ops.cumprod(x, axis=axis)


def _nan_to(a: Any, value: float) -> Tensor:
    x = asarray(a)
    if not x.dtype.is_floating:
        return x
    return array_ops.where(math_ops.is_nan(x), array_ops.fill(array_ops.shape(x), constant(value, x.dtype)), x)


def nansum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    return sum(_nan_to(a, 0.0), axis, dtype, keepdims)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    return prod(_nan_to(a, 1.0), axis, dtype, keepdims)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, keepdims: Any = None) -> Tensor:
    x = _mean_input(a, dtype)
    if not x.dtype.is_floating:
        return mean(x, axis, keepdims=bool(keepdims))
    valid = math_ops.cast(math_ops.logical_not(math_ops.is_nan(x)), x.dtype)
    total = reduce_ops.reduce_sum(_nan_to(x, 0.0), _axis(axis), bool(keepdims))
    return math_ops.truediv(total, reduce_ops.reduce_sum(valid, _axis(axis), bool(keepdims)))


# --- products -------------------------------------------------------------------------------


def matmul(x1: Any, x2: Any) -> Tensor:
    a, b = promote_args(x1, x2)
    if len(a.shape) == 0 or len(b.shape) == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions")
    if len(a.shape) == 1 and len(b.shape) == 1:
        return reduce_ops.reduce_sum(math_ops.multiply(a, b))
    if len(b.shape) == 1:
        return array_ops.squeeze(linalg_ops.matmul(a, array_ops.expand_dims(b, -1)), -1)
    if len(a.shape) == 1:
        return array_ops.squeeze(linalg_ops.matmul(array_ops.expand_dims(a, 0), b), -2)
    return linalg_ops.matmul(a, b)


def dot(a: Any, b: Any) -> Tensor:
    x, y = promote_args(a, b)
    if len(x.shape) == 0 or len(y.shape) == 0:
        return math_ops.multiply(x, y)
    if len(y.shape) <= 2:
        return matmul(x, y)
    return linalg_ops.tensordot(x, y, [[len(x.shape) - 1], [len(y.shape) - 2]])


def vdot(a: Any, b: Any) -> Tensor:
    x, y = promote_args(a, b)
    return dot(array_ops.reshape(conj(x), [-1]), array_ops.reshape(y, [-1]))


def inner(a: Any, b: Any) -> Tensor:
    x, y = promote_args(a, b)
    if len(x.shape) == 0 or len(y.shape) == 0:
        return math_ops.multiply(x, y)
    return linalg_ops.tensordot(x, y, [[len(x.shape) - 1], [len(y.shape) - 1]])


def outer(a: Any, b: Any) -> Tensor:
    x, y = promote_args(a, b)
    return math_ops.multiply(array_ops.reshape(x, [-1, 1]), array_ops.reshape(y, [1, -1]))


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    x, y = promote_args(a, b)
    return linalg_ops.tensordot(x, y, axes)


def kron(a: Any, b: Any) -> Tensor:
    x, y = promote_args(a, b)
    rank = builtins.max(len(x.shape), len(y.shape))
    x = array_ops.reshape(x, [1] * (rank - len(x.shape)) + x.shape.as_list())
    y = array_ops.reshape(y, [1] * (rank - len(y.shape)) + y.shape.as_list())
    xs, ys = x.shape.as_list(), y.shape.as_list()
    x = array_ops.reshape(x, [d for s in xs for d in (s, 1)])
    y = array_ops.reshape(y, [d for s in ys for d in (1, s)])
    return array_ops.reshape(math_ops.multiply(x, y), [p * q for p, q in zip(xs, ys)])


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> Tensor:
    from eagerflow._src.numpy_api.np_array import moveaxis

    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = promote_args(a, b)
    x, y = moveaxis(x, axisa, -1), moveaxis(y, axisb, -1)
    if x.shape[-1] == 2:
        x = _pad3(x)
    if y.shape[-1] == 2:
        y = _pad3(y)
    x0, x1, x2 = x[..., 0], x[..., 1], x[..., 2]
    y0, y1, y2 = y[..., 0], y[..., 1], y[..., 2]
    from eagerflow._src.ops.join_split_ops import stack

    result = stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], axis=-1)
    return moveaxis(result, -1, axisc)


def _pad3(x: Tensor) -> Tensor:
    from eagerflow._src.ops.indexing_ops import pad

    return pad(x, [[0, 0]] * (len(x.shape) - 1) + [[0, 1]])


def einsum(subscripts: str, *operands: Any, casting: str = "safe", optimize: Any = None) -> Tensor:
    return linalg_ops.einsum(subscripts, *promote_args(*operands))


def polyval(p: Any, x: Any) -> Tensor:
    coefficients, x = promote_args(p, x)
    result = array_ops.zeros_like(x)
    for i in range(coefficients.shape[0]):
        result = math_ops.add(math_ops.multiply(result, x), coefficients[i])
    return result

