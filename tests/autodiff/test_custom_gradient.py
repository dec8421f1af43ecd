"""`tf.custom_gradient`: what TF's advanced-autodiff guide shows, with TF's numbers."""
import pytest

import eagerflow as tf


def test_forward_returning_its_input_routes_gradient_through_grad_fn_only():
    @tf.custom_gradient
    def passthrough(x):
        return x, lambda dy: dy * 2.0

    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = passthrough(x) * 3.0
    assert float(t.gradient(y, x)) == 6.0


def test_clip_gradient_example_of_tfs_guide_gives_two():
    @tf.custom_gradient
    def clip_gradients(y):
        def backward(dy):
            return tf.clip_by_norm(dy, 0.5)
        return y, backward

    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        output = clip_gradients(v * v)
    assert float(t.gradient(output, v)) == 2.0  # TF's advanced-autodiff guide: "clips 4 to 2"


def test_variable_argument_is_an_input_not_a_captured_variable():
    @tf.custom_gradient
    def half(a):
        return a * 1.0, lambda dy: dy * 0.5

    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = half(v)
    assert float(t.gradient(y, v)) == 0.5


def test_captured_variable_needs_variables_keyword():
    w = tf.Variable(3.0)

    @tf.custom_gradient
    def scale(x):
        return x * w, lambda dy: dy * w

    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        with pytest.raises(TypeError, match="grad_fn must accept a keyword argument 'variables'"):
            scale(x)


def test_grad_fn_takes_one_upstream_gradient_per_output():
    @tf.custom_gradient
    def two(x):
        return (x * 2.0, x * 3.0), lambda d1, d2: d1 * 2.0 + d2 * 3.0

    x = tf.constant(1.0)
    with tf.GradientTape() as t:
        t.watch(x)
        a, b = two(x)
        y = a + b
    assert float(t.gradient(y, x)) == 5.0


def test_grad_fn_takes_one_upstream_gradient_per_output_in_a_function():
    @tf.custom_gradient
    def two(x):
        return (x * 2.0, x * 3.0), lambda d1, d2: d1 * 2.0 + d2 * 3.0

    @tf.function
    def grad(x):
        with tf.GradientTape() as t:
            t.watch(x)
            a, b = two(x)
            y = a + b
        return t.gradient(y, x)

    assert float(grad(tf.constant(1.0))) == 5.0


def test_variable_argument_in_a_function_is_read_before_the_forward():
    # TF's graph mode converts arguments first: grad_fn answers for the variable as an input
    # (three gradients for three inputs), with no `variables` to return gradients for.
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x, var):
        def grad(dy, variables=None):
            assert variables is None
            return dy * 10.0, dy * 100.0
        return x * var, grad

    @tf.function
    def grads(x):
        with tf.GradientTape() as t:
            t.watch(x)
            y = f(x, v)
        return t.gradient(y, [x, v])

    gx, gv = grads(tf.constant(1.0))
    assert (float(gx), float(gv)) == (10.0, 100.0)


def test_forward_is_not_converted_by_autograph():
    @tf.custom_gradient
    def f(x):
        if x > 0:  # a tensor condition in Python: TF runs custom_gradient's forward as written
            return x, lambda dy: dy
        return -x, lambda dy: -dy

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        tf.function(f)(tf.constant(1.0))
