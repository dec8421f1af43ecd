"""GradientTape behaviour: watching, persistence, structures, higher order, what cuts the path."""
import logging

import numpy as np
import pytest

import eagerflow as tf


def test_trainable_variable_read_inside_tape_is_watched():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0
    assert tape.watched_variables() == ()  # a used non-persistent tape is released


def test_watched_variables_lists_variables_read():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        _ = a * b
    assert [v.name for v in tape.watched_variables()] == [a.name, b.name]


def test_non_trainable_variable_gets_none():
    step = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as tape:
        y = step * 2.0
    assert tape.gradient(y, step) is None


def test_explicit_watch_of_non_trainable_variable():
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 4.0


def test_watch_accessed_variables_off_needs_explicit_watch():
    v = tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_constants_are_not_watched():
    c = tf.constant(2.0)
    with tf.GradientTape() as tape:
        y = c * c
    assert tape.gradient(y, c) is None


def test_integer_tensor_is_not_differentiable(caplog):
    c = tf.constant(2)
    with caplog.at_level(logging.WARNING, logger="eagerflow"):
        with tf.GradientTape() as tape:
            tape.watch(c)
            y = c * c
    assert "must be floating" in caplog.text
    assert tape.gradient(y, c) is None


def test_second_gradient_on_non_persistent_tape_raises():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, x)


def test_persistent_tape_gives_several_gradients():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, x)) == 108.0


def test_sources_keep_nested_structure():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * 3.0
    grads = tape.gradient(y, [x, {"a": x, "b": (x,)}])
    assert isinstance(grads, list) and isinstance(grads[1], dict) and isinstance(grads[1]["b"], tuple)
    assert float(grads[1]["b"][0]) == 3.0


def test_non_scalar_target_is_summed():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0])


def test_output_gradients_weight_the_target():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=tf.constant([10.0, 1.0]))
    np.testing.assert_array_equal(g.numpy(), [20.0, 4.0])


def test_unconnected_gradients_zero():
    x, unused = tf.Variable(1.0), tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = x * 2.0
    _, g = tape.gradient(y, [x, unused], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])


def test_stop_recording_hides_ops():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            y = x * x
        z = x + 1.0
    assert tape.gradient([y, z], x).numpy() == 1.0  # only z's path was recorded


def test_reset_forgets_recorded_ops():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        tape.reset()
        tape.watch(x)
        z = x * 5.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 5.0


def test_nested_tapes_give_second_derivative():
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert float(dy) == 27.0 and float(d2y) == 18.0


def test_stop_gradient_blocks_the_path():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.stop_gradient(x * x) + x
    assert float(tape.gradient(y, x)) == 1.0


def test_assign_cuts_the_gradient_path():
    x = tf.Variable(3.0)
    y = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y.assign(x * 2.0)
        z = y * 1.0
    assert tape.gradient(z, x) is None


def test_numpy_cuts_the_gradient_path():
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.constant(x.numpy()) * 2.0
    assert tape.gradient(y, x) is None


def test_gradient_through_several_paths_accumulates():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * x + x * 3.0 + x
    assert float(tape.gradient(y, x)) == 8.0


def test_custom_gradient_replaces_the_gradient():
    @tf.custom_gradient
    def clip_grad(x):
        def grad(dy):
            return tf.clip_by_value(dy, -0.5, 0.5)
        return tf.identity(x), grad

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = clip_grad(x) * 10.0
    assert float(tape.gradient(y, x)) == 0.5


def test_custom_gradient_with_variables():
    w = tf.Variable(2.0)

    @tf.custom_gradient
    def scale(x):
        def grad(dy, variables):
            return dy * w, [dy * x * 100.0]
        return x * w, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gw = tape.gradient(y, [x, w])
    assert float(gx) == 2.0 and float(gw) == 300.0


def test_gather_gradient_is_dense():
    params = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(params, [0, 2, 0]))
    g = tape.gradient(y, params)
    np.testing.assert_array_equal(tf.convert_to_tensor(g).numpy(), [[2.0, 2.0], [0.0, 0.0], [1.0, 1.0]])


def test_jacobian_of_elementwise_square():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    j = tape.jacobian(y, x)
    np.testing.assert_array_equal(j.numpy(), np.diag([2.0, 4.0, 6.0]))


def test_batch_jacobian_keeps_examples_apart():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tf.constant([[1.0, 0.0, 2.0], [0.0, 1.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.matmul(x, w) * 2.0
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (2, 3, 2)
    np.testing.assert_array_equal(bj.numpy()[0], (2.0 * w.numpy()).T)


def test_tape_reentry_while_recording_raises():
    tape = tf.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="Tape is still recording"):
            tape.__enter__()


def test_gradient_flows_through_a_variable_slice():
    params = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(params[1:, ::2]) + tf.reduce_sum(params[0] * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, params).numpy(), [[2.0, 2.0, 2.0], [1.0, 0.0, 1.0]])


def test_tanh_gradient_of_a_scalar():
    """TanhGrad reuses its temporary for arrays; a 0-d product is a NumPy scalar and must not."""
    x = tf.constant(0.5)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(x)
    g = tape.gradient(y, x)
    assert g.shape == () and abs(float(g.numpy()) - (1 - np.tanh(0.5) ** 2)) < 1e-6


def test_gradient_of_a_variable_with_respect_to_itself_is_the_seed():
    """TF differentiates a variable target as its handle: ones (or output_gradients), watched or not."""
    v = tf.Variable([1.0, 2.0])
    u = tf.Variable(1.0, trainable=False)
    w = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = v * 2.0
    np.testing.assert_array_equal(tape.gradient(v, v).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(tape.gradient([v, y], v).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(tape.gradient(v, v, output_gradients=tf.constant([3.0, 4.0])).numpy(), [3.0, 4.0])
    assert tape.gradient(v, w) is None
    assert float(tape.gradient(u, u).numpy()) == 1.0


def test_gradient_of_none_target_is_tfs_type_error():
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
    with pytest.raises(TypeError, match="Argument `target` should be a list or nested structure"):
        t.gradient(None, x)
