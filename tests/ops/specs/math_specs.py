"""Specs for elementwise math (`tf.math`)."""
import numpy as np

import eagerflow as tf
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
REALS = FLOATS + ("int32", "int64")


def two(shape_a=(3, 4), shape_b=(3, 4)):
    def make(rng, dt):
        return (_sample(rng, shape_a, dt), _sample(rng, shape_b, dt))
    return make


def one(shape=(3, 4), low=-2.0, high=2.0):
    def make(rng, dt):
        return (_sample(rng, shape, dt, low, high),)
    return make


def _sample(rng, shape, dt, low=-2.0, high=2.0):
    dt = np.dtype(dt)
    if dt.kind in "iu":
        return rng.integers(max(int(low), 0) if dt.kind == "u" else int(low) - 3, int(high) + 4, size=shape).astype(dt)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    return rng.uniform(low, high, size=shape).astype(dt)


SPECS = [
    OpSpec("add", tf.math.add, np.add, two(), REALS, differentiable=True, grad_args=(0, 1)),
    OpSpec("add_broadcast", tf.math.add, np.add, two((3, 1), (1, 4)), REALS, differentiable=True, grad_args=(0, 1)),
    OpSpec("subtract", tf.math.subtract, np.subtract, two(), REALS, differentiable=True, grad_args=(0, 1)),
    OpSpec("multiply", tf.math.multiply, np.multiply, two((2, 3), (3,)), REALS, differentiable=True, grad_args=(0, 1)),
    OpSpec("tanh", tf.math.tanh, np.tanh, one(), FLOATS, differentiable=True, rtol=1e-3),
    OpSpec("exp", tf.math.exp, np.exp, one(), FLOATS, differentiable=True, rtol=1e-3),
]
