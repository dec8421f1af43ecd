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
