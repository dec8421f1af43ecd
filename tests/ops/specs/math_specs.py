"""Specs for elementwise math (`tf.math`): values per dtype, and gradients in float64.

Differentiable specs draw their inputs away from kinks and poles (|x| >= 0.2 for abs/sign,
x > 0.2 for log/sqrt/pow, no ties for maximum/minimum) so central differences are exact enough.
"""
import math

import numpy as np

import eagerflow as tf
from eagerflow._src.ops import math_ops
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
FLOATS_BF = FLOATS + ("bfloat16",)
INTS = ("int8", "int16", "int32", "int64", "uint8")
REALS = FLOATS + ("int32", "int64")
COMPLEX = ("complex64", "complex128")


def _sample(rng, shape, dt, low=-2.0, high=2.0):
    dt = np.dtype(dt)
    if dt.kind in "iu":
        lo = max(int(low), 0) if dt.kind == "u" else int(low) - 3
        return rng.integers(lo, int(high) + 4, size=shape).astype(dt)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind == "c":
        return (rng.uniform(low, high, size=shape) + 1j * rng.uniform(low, high, size=shape)).astype(dt)
    return rng.uniform(low, high, size=shape).astype(dt)


def _away_from_zero(rng, shape, dt, low=0.2, high=2.0):
    """Magnitudes in [low, high] with random signs (integers: nonzero)."""
    dt = np.dtype(dt)
    signs = np.where(rng.random(shape) > 0.5, 1, -1)
    if dt.kind == "u":
        return rng.integers(1, 6, size=shape).astype(dt)
    if dt.kind == "i":
        return (signs * rng.integers(1, 6, size=shape)).astype(dt)
    return (signs * rng.uniform(low, high, size=shape)).astype(dt)


def two(shape_a=(3, 4), shape_b=(3, 4), low=-2.0, high=2.0):
    def make(rng, dt):
        return (_sample(rng, shape_a, dt, low, high), _sample(rng, shape_b, dt, low, high))
    return make


def one(shape=(3, 4), low=-2.0, high=2.0):
    def make(rng, dt):
        return (_sample(rng, shape, dt, low, high),)
    return make


def nonzero(shape=(3, 4)):
    def make(rng, dt):
        return (_away_from_zero(rng, shape, dt),)
    return make


def divisor(shape_a=(3, 4), shape_b=(3, 4)):
    def make(rng, dt):
        return (_sample(rng, shape_a, dt), _away_from_zero(rng, shape_b, dt, 0.5, 2.0))
    return make


def distinct(shape_a=(3, 4), shape_b=(3, 4)):
    """Two inputs that differ by at least 0.1 everywhere (no ties for maximum/minimum)."""
    def make(rng, dt):
        x = _sample(rng, shape_a, dt)
        gap = _away_from_zero(rng, np.broadcast_shapes(shape_a, shape_b), dt, 0.1, 1.0)
        y = x + gap if shape_a == shape_b else _sample(rng, shape_b, dt) + 0.05
        return x, np.asarray(y, dtype=dt)
    return make


def _floor_mod(x, y):
    return np.remainder(x, y)


def _truncatediv(x, y):
    if np.dtype(x.dtype).kind in "iu":
        return (np.trunc(x / y)).astype(x.dtype)
    return np.trunc(x / y).astype(x.dtype)


def _truediv(x, y):
    out = np.true_divide(x, y)
    if np.dtype(x.dtype).kind in "iu":
        return out.astype(np.float32 if x.dtype.itemsize <= 2 else np.float64)
    return out.astype(x.dtype)


def _sigmoid(x):
    return (1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def _cast_to(dtype):
    def fn(x):
        return tf.cast(x, dtype)
    return fn


def _clip(x):
    return tf.clip_by_value(x, -1.0, 1.0)


def _same(fn):
    """NumPy's result cast back to the input dtype (NumPy promotes float16 in some ufuncs)."""
    def ref(x, *rest):
        return np.asarray(fn(x, *rest)).astype(x.dtype)
    return ref


SPECS = [
    # --- binary arithmetic ---------------------------------------------------------------------
    OpSpec("add", tf.math.add, np.add, two(), REALS + INTS + ("bfloat16",) + COMPLEX,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("add_broadcast", tf.math.add, np.add, two((3, 1), (1, 4)), REALS, differentiable=True, grad_args=(0, 1)),
    OpSpec("add_scalar_broadcast", tf.math.add, np.add, two((3, 4), ()), FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("subtract", tf.math.subtract, np.subtract, two(), REALS + ("int8", "bfloat16") + COMPLEX,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("subtract_broadcast", tf.math.subtract, np.subtract, two((2, 3, 1), (4,)), FLOATS,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("multiply", tf.math.multiply, np.multiply, two((2, 3), (3,)), REALS + INTS + COMPLEX + ("bfloat16",),
           differentiable=True, grad_args=(0, 1)),
    OpSpec("truediv", tf.math.truediv, _truediv, divisor(), FLOATS + ("int32", "int64", "int8", "int16") + COMPLEX,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("divide_broadcast", tf.math.divide, _truediv, divisor((2, 3), (3,)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("realdiv", tf.realdiv, _same(np.true_divide), divisor(), FLOATS + ("bfloat16",),
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("divide_no_nan", tf.math.divide_no_nan, _same(np.true_divide), divisor(), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("divide_no_nan_zero", tf.math.divide_no_nan,
           lambda x, y: np.where(y == 0, 0, x / np.where(y == 0, 1, y)).astype(x.dtype),
           lambda rng, dt: (_sample(rng, (3, 4), dt), np.where(rng.random((3, 4)) > 0.5, 0, 1.5).astype(dt)),
           FLOATS),
    OpSpec("floordiv", tf.math.floordiv, np.floor_divide, divisor(), REALS + ("int8", "uint8")),
    OpSpec("floormod", tf.math.floormod, _floor_mod, divisor(), REALS + ("int8", "uint8"), rtol=1e-4),
    OpSpec("floormod_grad", tf.math.floormod, _floor_mod,
           lambda rng, dt: (rng.uniform(0.1, 0.9, (3, 4)).astype(dt) + rng.integers(-3, 3, (3, 4)),
                            np.full((3, 4), 1.0, dt)),
           ("float64",), differentiable=True, grad_args=(0, 1)),
    OpSpec("truncatediv", tf.truncatediv, _truncatediv, divisor(), ("int32", "int64", "int8")),
    OpSpec("pow", tf.math.pow, _same(np.power), lambda rng, dt: (rng.uniform(0.3, 2.0, (3, 4)).astype(dt),
                                                                  rng.uniform(-2, 2, (3, 4)).astype(dt)),
           FLOATS + COMPLEX, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("pow_int", tf.math.pow, np.power, lambda rng, dt: (rng.integers(-3, 4, (3, 4)).astype(dt),
                                                               rng.integers(0, 4, (3, 4)).astype(dt)),
           ("int32", "int64")),
    OpSpec("maximum", tf.math.maximum, np.maximum, distinct(), REALS + ("int8", "uint8", "bfloat16"),
           differentiable=True, grad_args=(0, 1)),
    OpSpec("minimum", tf.math.minimum, np.minimum, distinct(), REALS + ("int8", "uint8", "bfloat16"),
           differentiable=True, grad_args=(0, 1)),
    OpSpec("maximum_broadcast", tf.math.maximum, np.maximum, distinct((3, 4), (4,)), FLOATS,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("squared_difference", tf.math.squared_difference, lambda x, y: (x - y) * (x - y), two(),
           REALS + ("bfloat16",), differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("atan2", tf.math.atan2, _same(np.arctan2), divisor(), FLOATS, differentiable=True, grad_args=(0, 1)),
    # --- unary ----------------------------------------------------------------------------------
    OpSpec("negative", tf.math.negative, np.negative, one(), REALS + ("int8", "bfloat16") + COMPLEX,
           differentiable=True),
    OpSpec("abs", tf.math.abs, np.abs, nonzero(), REALS + ("int8", "int16", "bfloat16"), differentiable=True),
    OpSpec("abs_complex", tf.math.abs, np.abs, one(), COMPLEX, rtol=1e-5),
    OpSpec("sign", tf.math.sign, np.sign, nonzero(), REALS + ("int8",), differentiable=True),
    OpSpec("square", tf.math.square, np.square, one(), REALS + ("int8", "bfloat16") + COMPLEX, differentiable=True),
    OpSpec("sqrt", tf.math.sqrt, np.sqrt, one(low=0.2, high=3.0), FLOATS_BF + COMPLEX, differentiable=True,
           rtol=1e-4),
    OpSpec("rsqrt", tf.math.rsqrt, _same(lambda x: 1 / np.sqrt(x)), one(low=0.2, high=3.0), FLOATS,
           differentiable=True, rtol=1e-4),
    OpSpec("exp", tf.math.exp, np.exp, one(), FLOATS_BF + COMPLEX, differentiable=True, rtol=1e-3),
    OpSpec("expm1", tf.math.expm1, np.expm1, one(), FLOATS, differentiable=True, rtol=1e-3),
    OpSpec("log", tf.math.log, np.log, one(low=0.2, high=3.0), FLOATS_BF + COMPLEX, differentiable=True, rtol=1e-4),
    OpSpec("log1p", tf.math.log1p, np.log1p, one(low=-0.5, high=3.0), FLOATS, differentiable=True, rtol=1e-4),
    OpSpec("sin", tf.math.sin, np.sin, one(), FLOATS_BF, differentiable=True, rtol=1e-4),
    OpSpec("cos", tf.math.cos, np.cos, one(), FLOATS_BF, differentiable=True, rtol=1e-4),
    OpSpec("tan", tf.math.tan, np.tan, one(low=-1.2, high=1.2), FLOATS, differentiable=True, rtol=1e-4),
    OpSpec("tanh", tf.math.tanh, np.tanh, one(), FLOATS_BF + COMPLEX, differentiable=True, rtol=1e-3),
    OpSpec("sigmoid", tf.math.sigmoid, _sigmoid, one(low=-5, high=5), FLOATS_BF, differentiable=True, rtol=1e-4),
    OpSpec("erf", tf.math.erf, _erf, one(), FLOATS, differentiable=True, rtol=1e-4),
    OpSpec("reciprocal", tf.math.reciprocal, _same(np.reciprocal), nonzero(), FLOATS + COMPLEX,
           differentiable=True, rtol=1e-4),
    OpSpec("round", tf.math.round, np.round, one(low=-5, high=5), FLOATS + ("int32",)),
    OpSpec("floor", tf.math.floor, np.floor, one(low=-5, high=5), FLOATS_BF),
    OpSpec("ceil", tf.math.ceil, np.ceil, one(low=-5, high=5), FLOATS_BF),
    OpSpec("is_finite", tf.math.is_finite, np.isfinite,
           lambda rng, dt: (np.array([1.0, np.inf, -np.inf, np.nan, 0.0], dt),), FLOATS),
    OpSpec("is_nan", tf.math.is_nan, np.isnan, lambda rng, dt: (np.array([1.0, np.inf, np.nan], dt),), FLOATS),
    OpSpec("is_inf", tf.math.is_inf, np.isinf, lambda rng, dt: (np.array([1.0, -np.inf, np.nan], dt),), FLOATS),
    OpSpec("real", tf.math.real, np.real, one(), COMPLEX),
    OpSpec("imag", tf.math.imag, np.imag, one(), COMPLEX),
    OpSpec("conj", tf.math.conj, np.conj, one(), COMPLEX),
    OpSpec("complex", math_ops.complex, lambda re, im: re + 1j * im if re.dtype == np.float64
           else (re + 1j * im).astype(np.complex64), two(), ("float32", "float64")),
    # --- comparisons and logic ------------------------------------------------------------------
    OpSpec("equal", tf.math.equal, np.equal, two(low=-1, high=1), REALS + ("bool",) + COMPLEX),
    OpSpec("not_equal", tf.math.not_equal, np.not_equal, two(low=-1, high=1), REALS + ("bool",)),
    OpSpec("less", tf.math.less, np.less, two(low=-1, high=1), REALS + ("uint8",)),
    OpSpec("less_equal", tf.math.less_equal, np.less_equal, two(low=-1, high=1), REALS),
    OpSpec("greater", tf.math.greater, np.greater, two(low=-1, high=1), REALS),
    OpSpec("greater_equal", tf.math.greater_equal, np.greater_equal, two(low=-1, high=1), REALS),
    OpSpec("logical_and", tf.math.logical_and, np.logical_and, two(), ("bool",)),
    OpSpec("logical_or", tf.math.logical_or, np.logical_or, two(), ("bool",)),
    OpSpec("logical_xor", tf.math.logical_xor, np.logical_xor, two(), ("bool",)),
    OpSpec("logical_not", tf.math.logical_not, np.logical_not, one(), ("bool",)),
    OpSpec("bitwise_and", tf.bitwise.bitwise_and,
           np.bitwise_and, two(), INTS),
    OpSpec("bitwise_or", tf.bitwise.bitwise_or, np.bitwise_or, two(), INTS),
    OpSpec("bitwise_xor", tf.bitwise.bitwise_xor, np.bitwise_xor, two(), INTS),
    OpSpec("invert", tf.bitwise.invert, np.invert, one(), INTS),
    # --- casts and composites -------------------------------------------------------------------
    OpSpec("cast_to_float32", _cast_to(tf.float32), lambda x: x.astype(np.float32), one(),
           ("float64", "float16", "int32", "int64", "bool")),
    OpSpec("cast_to_int32", _cast_to(tf.int32), lambda x: np.trunc(x).astype(np.int32), one(low=-5, high=5),
           ("float32", "float64", "int64", "bool")),
    OpSpec("cast_to_bool", _cast_to(tf.bool), lambda x: x != 0, one(), ("float32", "int32")),
    OpSpec("cast_to_float64", _cast_to(tf.float64), lambda x: x.astype(np.float64), one(),
           ("float32", "bfloat16", "int8", "uint8")),
    OpSpec("cast_complex_to_real", _cast_to(tf.float64), lambda x: x.real.astype(np.float64), one(), COMPLEX),
    OpSpec("add_n", lambda a, b, c: tf.math.add_n([a, b, c]), lambda a, b, c: a + b + c,
           lambda rng, dt: tuple(_sample(rng, (2, 3), dt) for _ in range(3)), REALS,
           differentiable=True, grad_args=(0, 1, 2)),
    OpSpec("clip_by_value", _clip, lambda x: np.clip(x, -1, 1), one(), ("float32", "float64"), differentiable=True),
    OpSpec("clip_by_value_tensors", tf.clip_by_value, np.clip,
           lambda rng, dt: (_sample(rng, (3, 4), dt), (np.full((3, 4), -1.0) + rng.uniform(-.05, .05, (3, 4))).astype(dt),
                            np.full((4,), 1.0, dt)),
           ("float32", "float64"), differentiable=True, grad_args=(0, 1, 2)),
    OpSpec("scalar_mul", tf.math.scalar_mul, lambda s, x: (s * x).astype(x.dtype),
           lambda rng, dt: (2.5, _sample(rng, (2, 3), dt)), ("float32", "float64"), differentiable=True,
           grad_args=(1,)),
]
