"""Gradients and tf.function: tapes inside traced functions, tapes around calls, higher order."""
import numpy as np

import eagerflow as tf


def test_tape_around_call_differentiates_inputs_and_captured_variables():
    v = tf.Variable(1.5)

    @tf.function
    def f(x):
        return x * v * v

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    assert float(gx) == 1.5 * 1.5
    assert float(gv) == 2 * 3.0 * 1.5


def test_second_order_through_a_call():
    @tf.function
    def cube(x):
        return x * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        g = inner.gradient(y, x)
    assert float(g) == 12.0
    assert float(outer.gradient(g, x)) == 12.0


def test_tape_inside_traced_function_gives_eager_gradients():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    w_traced = tf.Variable(rng.standard_normal((3, 2)).astype(np.float32))
    w_eager = tf.Variable(w_traced.numpy())

    def step(w):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.tanh(x @ w))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    traced = tf.function(step)
    for _ in range(3):
        np.testing.assert_allclose(traced(w_traced).numpy(), step(w_eager).numpy(), rtol=1e-5)
    np.testing.assert_allclose(w_traced.numpy(), w_eager.numpy(), rtol=1e-5)


def test_second_order_inside_traced_function():
    @tf.function
    def derivatives(x):
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = x * x * x
            g = t1.gradient(y, x)
        return g, t2.gradient(g, x)

    g, gg = derivatives(tf.constant(2.0))
    assert (float(g), float(gg)) == (12.0, 12.0)


def test_gradient_with_unknown_batch_dimension_sums_broadcast_bias():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def grad_of_bias(x):
        b = tf.constant([1.0, 2.0, 3.0])
        with tf.GradientTape() as tape:
            tape.watch(b)
            y = tf.reduce_sum((x + b) * 2.0)
        return tape.gradient(y, b)

    np.testing.assert_array_equal(grad_of_bias(tf.ones((5, 3))).numpy(), [10.0, 10.0, 10.0])
    np.testing.assert_array_equal(grad_of_bias(tf.ones((2, 3))).numpy(), [4.0, 4.0, 4.0])


def test_gradient_through_call_with_unknown_dimension():
    f = tf.function(lambda x: tf.reduce_sum(x * x), input_signature=[tf.TensorSpec([None], tf.float32)])
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])
