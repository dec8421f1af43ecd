"""Gradients of every order through loops: graph While (tf.while_loop and autograph in a
tf.function) and eager tf.while_loop."""
import numpy as np
import pytest

import eagerflow as tf

X = np.array([0.5, -1.5, 2.0], np.float32)


def _cube_loop(x):
    # x ** 3 as three multiplications in a loop.
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, tf.ones_like(x)])[1]


def _autograph_loop(x):
    a = tf.ones_like(x)
    for _ in tf.range(3):
        a = a * x
    return a


def _nested_loop(x):
    def outer(i, a):
        return i + 1, tf.while_loop(lambda j, b: j < 2, lambda j, b: (j + 1, b * x), [0, a])[1]

    return tf.while_loop(lambda i, a: i < 2, outer, [0, x])[1]  # x ** 5


def _derivatives(fn, x, order):
    tapes = [tf.GradientTape() for _ in range(order)]
    for tape in tapes:
        tape.__enter__()
        tape.watch(x)
    y = fn(x)
    found = []
    for tape in reversed(tapes):
        tape.__exit__(None, None, None)
        y = tape.gradient(y, x)
        found.append(y)
    return found


CASES = {
    "while_loop": (_cube_loop, lambda v: [3 * v ** 2, 6 * v, 6 + 0 * v]),
    "autograph_for": (_autograph_loop, lambda v: [3 * v ** 2, 6 * v, 6 + 0 * v]),
    "nested": (_nested_loop, lambda v: [5 * v ** 4, 20 * v ** 3, 60 * v ** 2]),
}


@pytest.mark.parametrize("name,traced", [(name, traced) for name in sorted(CASES) for traced in (False, True)
                                          if traced or name != "autograph_for"])
def test_three_orders_through_a_loop(name, traced):
    fn, expected = CASES[name]
    got = _derivatives(tf.function(fn) if traced else fn, tf.constant(X), 3)
    for g, e in zip(got, expected(X.astype(np.float64))):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-5)


def test_second_order_of_a_loop_with_nested_tapes_inside_the_function():
    @tf.function
    def second(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = _cube_loop(x)
            dx = inner.gradient(y, x)
        return dx, outer.gradient(dx, x)

    dx, ddx = second(tf.constant(X))
    np.testing.assert_allclose(dx.numpy(), 3 * X ** 2, rtol=1e-6)
    np.testing.assert_allclose(ddx.numpy(), 6 * X, rtol=1e-6)


def test_second_order_reaches_a_tensor_the_loop_body_captures():
    @tf.function
    def f(x, c):
        return tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * c * x), [0, x])[1]  # c^2 x^3

    x, c = tf.constant(1.5), tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(c)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x, c)
        dx = inner.gradient(y, x)  # 3 c^2 x^2
    np.testing.assert_allclose(outer.gradient(dx, c).numpy(), 6 * 2.0 * 1.5 ** 2, rtol=1e-6)


def _accumulating_loop(u):
    def loop(x):
        def body(i, a):
            u.assign_add(x)
            return i + 1, a + u * x
        return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
    return loop


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "tf_function"])
def test_variable_updated_in_a_loop_body_gets_the_gradients_of_its_reads(traced):
    # u takes 3, 5, 7 (x = 2): r = 2 * (3 + 5 + 7); each read's gradient is x (TF 2.21's values).
    u = tf.Variable(1.0)
    fn = _accumulating_loop(u)
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        r = (tf.function(fn) if traced else fn)(x)
    assert r.numpy() == 30.0
    assert tape.gradient(r, x).numpy() == 15.0
    assert tape.gradient(r, u).numpy() == 6.0


def test_gradient_of_a_loop_updating_a_variable_does_not_rerun_the_updates():
    u = tf.Variable(1.0)
    f = tf.function(_accumulating_loop(u))
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        r = f(x)
    tape.gradient(r, [x, u])
    assert u.numpy() == 7.0


def test_tape_inside_a_function_sees_reads_before_and_after_updates_in_a_loop():
    u = tf.Variable([1.0, 2.0])

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            def body(i, a):
                a = a + tf.reduce_sum(u * u) * x
                u.assign_add(x * [1.0, 0.5])
                return i + 1, a
            r = tf.while_loop(lambda i, a: i < 2, body, [0, tf.constant(0.0)])[1]
        return r, tape.gradient(r, u)

    r, g = step(tf.constant(1.5))
    # reads u = [1, 2] then [2.5, 2.75]; d/du sum(u*u) * x = 2 u x per read.
    np.testing.assert_allclose(r.numpy(), (5.0 + 6.25 + 7.5625) * 1.5)
    np.testing.assert_allclose(g.numpy(), [2 * 1.5 * (1.0 + 2.5), 2 * 1.5 * (2.0 + 2.75)])
    np.testing.assert_allclose(u.numpy(), [4.0, 3.5])
