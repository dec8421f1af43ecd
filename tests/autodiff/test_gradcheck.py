"""Analytic gradients (first and second order) against central finite differences, float64.

Driven by the op spec table: every spec marked `differentiable` is checked here.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eagerflow as tf
from tests.ops.specs import ALL_SPECS

DIFFERENTIABLE = [s for s in ALL_SPECS if s.differentiable]
EPS = 1e-6


def _weighted_sum(spec, args, weights):
    out = spec.fn(*args, **spec.kwargs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    total = tf.constant(0.0, dtype=tf.float64)
    for o, w in zip(outs, weights):
        total = total + tf.reduce_sum(tf.cast(o, tf.float64) * w)
    return total


def _numeric(f, x):
    """Central differences of scalar f at array x."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat = grad.reshape(-1)
    for i in range(x.size):
        up = x.copy().reshape(-1)
        down = x.copy().reshape(-1)
        up[i] += EPS
        down[i] -= EPS
        flat[i] = (f(up.reshape(x.shape)) - f(down.reshape(x.shape))) / (2 * EPS)
    return grad


def _setup(spec):
    rng = np.random.default_rng(1)
    args = list(spec.make_args(rng, np.dtype("float64")))
    out = spec.fn(*[tf.constant(a) if isinstance(a, np.ndarray) else a for a in args], **spec.kwargs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    weights = [tf.constant(rng.uniform(0.5, 1.5, size=o.shape)) for o in outs]
    return args, weights


def _call(spec, args, weights, replace=None):
    values = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]
    if replace is not None:
        index, value = replace
        values[index] = value
    return _weighted_sum(spec, values, weights)


@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=str)
def test_first_order_gradient_matches_finite_differences(spec):
    args, weights = _setup(spec)
    for index in spec.grad_args:
        x = tf.constant(args[index])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = _call(spec, args, weights, (index, x))
        analytic = tape.gradient(y, x)
        assert analytic is not None, f"{spec.name}: no gradient for argument {index}"

        def f(value, index=index):
            return float(_call(spec, args, weights, (index, tf.constant(value))).numpy())

        np.testing.assert_allclose(tf.convert_to_tensor(analytic).numpy(), _numeric(f, np.asarray(args[index], np.float64)),
                                   rtol=1e-4, atol=1e-6, err_msg=f"{spec.name} d/darg{index}")


@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=str)
def test_second_order_gradient_matches_finite_differences(spec):
    args, weights = _setup(spec)
    index = spec.grad_args[0]
    rng = np.random.default_rng(2)
    direction = tf.constant(rng.uniform(-1, 1, size=np.shape(args[index])))

    def first_order_dot(value):
        x = tf.constant(value)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = _call(spec, args, weights, (index, x))
        g = tape.gradient(y, x)
        return float(tf.reduce_sum(g * direction).numpy())

    x = tf.constant(args[index])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = _call(spec, args, weights, (index, x))
        g = inner.gradient(y, x)
        gv = tf.reduce_sum(g * direction)
    analytic = outer.gradient(gv, x)
    numeric = _numeric(first_order_dot, np.asarray(args[index], np.float64))
    if analytic is None:  # a linear op: the gradient does not depend on x
        np.testing.assert_allclose(numeric, 0.0, atol=1e-5, err_msg=spec.name)
        return
    np.testing.assert_allclose(tf.convert_to_tensor(analytic).numpy(), numeric, rtol=1e-3, atol=1e-5, err_msg=spec.name)


BINARY = {
    "add": (tf.math.add, lambda a, b: (np.ones_like(a), np.ones_like(b))),
    "subtract": (tf.math.subtract, lambda a, b: (np.ones_like(a), -np.ones_like(b))),
    "multiply": (tf.math.multiply, lambda a, b: (b, a)),
    "divide": (tf.math.divide, lambda a, b: (1 / b, -a / b**2)),
}


def _broadcast_shapes():
    dims = st.integers(1, 3)
    return st.lists(dims, min_size=0, max_size=3).flatmap(
        lambda shape: st.tuples(st.just(tuple(shape)),
                                st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)),
                                st.integers(0, len(shape))))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(BINARY)), shapes=_broadcast_shapes(), seed=st.integers(0, 1000))
def test_broadcast_gradients_sum_back_to_input_shapes(name, shapes, seed):
    full, ones_mask, drop = shapes
    shape_b = tuple(1 if m else d for d, m in zip(full, ones_mask))[drop:]
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 2.0, size=full)
    b = rng.uniform(0.5, 2.0, size=shape_b)
    fn, partials = BINARY[name]
    ta, tb = tf.constant(a), tf.constant(b)
    with tf.GradientTape() as tape:
        tape.watch([ta, tb])
        y = tf.reduce_sum(fn(ta, tb))
    ga, gb = tape.gradient(y, [ta, tb])
    da, db = partials(*np.broadcast_arrays(a, b))
    assert ga.shape == a.shape and gb.shape == b.shape
    np.testing.assert_allclose(ga.numpy(), _sum_to(da, a.shape), rtol=1e-10)
    np.testing.assert_allclose(gb.numpy(), _sum_to(db, b.shape), rtol=1e-10)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g
