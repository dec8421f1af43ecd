"""tf.autodiff.ForwardAccumulator: JVPs, what has none, nesting with tapes and accumulators."""
import gc

import numpy as np
import pytest

import eagerflow as tf

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)
U = RNG.standard_normal((3, 4)).astype(np.float32)


def _jacobian_times(f, x, u):
    """J(f)(x) @ u from reverse mode: the full jacobian contracted with the tangent."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    jac = tape.jacobian(y, x).numpy()
    return np.tensordot(jac, u, axes=u.ndim)


def test_jvp_of_elementwise_function_is_derivative_times_tangent():
    x, u = tf.constant(X), tf.constant(U)
    with tf.autodiff.ForwardAccumulator(x, u) as acc:
        y = tf.sin(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), np.cos(X) * U, rtol=1e-6)


@pytest.mark.parametrize("f", [
    lambda x: tf.matmul(x, x, transpose_b=True),
    lambda x: tf.nn.softmax(x),
    lambda x: tf.reduce_logsumexp(x, axis=1),
    lambda x: tf.gather(x, [2, 0, 0]) * 3.0,
    lambda x: x + tf.constant([1.0, 2.0, 3.0, 4.0]),
    lambda x: tf.nn.relu(tf.matmul(x, tf.ones([4, 2]))) ** 2.0,
    lambda x: tf.linalg.inv(tf.matmul(x, x, transpose_b=True) + tf.eye(3)),
    lambda x: tf.concat([x, tf.tanh(x)], axis=0),
], ids=["matmul", "softmax", "logsumexp", "gather", "broadcast_add", "mlp", "inv", "concat"])
def test_jvp_matches_reverse_mode_jacobian(f):
    x, u = tf.constant(X), tf.constant(U)
    with tf.autodiff.ForwardAccumulator(x, u) as acc:
        y = f(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), _jacobian_times(f, x, U), rtol=1e-4, atol=1e-5)


def test_tangents_on_both_operands_of_a_broadcast_add_sum():
    a, b = tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([10.0, 20.0])
    with tf.autodiff.ForwardAccumulator([a, b], [tf.ones([2, 2]), tf.constant([1.0, -1.0])]) as acc:
        y = a * b
    # d(a*b) = da * b + a * db
    np.testing.assert_allclose(acc.jvp(y).numpy(), [[10.0 + 1.0, 20.0 - 2.0], [10.0 + 3.0, 20.0 - 4.0]])


def test_jvp_of_the_primal_is_its_tangent():
    x, u = tf.constant(X), tf.constant(U)
    with tf.autodiff.ForwardAccumulator(x, u) as acc:
        pass
    assert acc.jvp(x) is u


def test_unconnected_tensor_has_none_or_zeros():
    x = tf.constant(X)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(U)) as acc:
        other = tf.constant([1.0, 2.0]) * 2.0
    assert acc.jvp(other) is None
    zeros = acc.jvp(other, unconnected_gradients="zero")
    assert zeros.dtype == tf.float32 and zeros.numpy().tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="'bad' is not a valid UnconnectedGradients"):
        acc.jvp(other, unconnected_gradients="bad")


@pytest.mark.parametrize("f", [tf.stop_gradient, tf.round, tf.zeros_like, lambda x: tf.argmax(x),
                               lambda x: tf.cast(x, tf.int32)],
                         ids=["stop_gradient", "round", "zeros_like", "argmax", "cast_int"])
def test_ops_without_a_gradient_give_no_jvp(f):
    x = tf.constant(X)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(U)) as acc:
        y = f(x)
    assert acc.jvp(y) is None


def test_cast_to_float64_carries_a_float64_tangent():
    x = tf.constant(X)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(U)) as acc:
        y = tf.cast(x, tf.float64)
    assert acc.jvp(y).dtype == tf.float64
    np.testing.assert_allclose(acc.jvp(y).numpy(), U)


def test_multi_output_op_gives_one_tangent_per_output():
    x = tf.constant(X)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(U)) as acc:
        rows = tf.unstack(x)
    for k, t in enumerate(acc.jvp(rows)):
        np.testing.assert_allclose(t.numpy(), U[k])


def test_jvp_keeps_the_structure_of_its_argument():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        y = x * x
    result = acc.jvp({"a": y, "b": [x, tf.constant(3.0)]})
    assert float(result["a"]) == 4.0 and float(result["b"][0]) == 1.0 and result["b"][1] is None


def test_variable_primal_gives_tangents_to_its_reads():
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.5])) as acc:
        y = tf.reduce_sum(v * v)
    assert float(acc.jvp(y)) == 2 * 1.0 * 1.0 + 2 * 2.0 * 0.5
    assert acc.jvp(v).numpy().tolist() == [1.0, 0.5]


def test_forward_over_backward_hessian_vector_product():
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v ** 3.0)
        backward = tape.gradient(y, v)
    assert backward.numpy().tolist() == [3.0, 12.0]
    assert acc.jvp(backward).numpy().tolist() == [6.0, 0.0]  # diag(6 v) @ [1, 0]


def test_backward_over_forward_differentiates_the_jvp():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
            y = x ** 3.0
        jvp = acc.jvp(y)
    assert float(jvp) == 12.0  # 3 x^2
    assert float(tape.gradient(jvp, x)) == 12.0  # 6 x


def test_tape_entered_inside_accumulator_does_not_see_its_jvps():
    x = tf.constant(2.0)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3.0
            jvp = acc.jvp(y)
    assert tape.gradient(jvp, x) is None


def test_outer_accumulator_takes_higher_order_jvps_of_inner_one():
    primal = tf.constant(1.1)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as outer:
        with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as inner:
            y = primal ** tf.constant(3.5)
    np.testing.assert_allclose(float(inner.jvp(y)), 3.5 * 1.1 ** 2.5, rtol=1e-6)
    np.testing.assert_allclose(float(outer.jvp(inner.jvp(y))), 3.5 * 2.5 * 1.1 ** 1.5, rtol=1e-6)
    assert inner.jvp(outer.jvp(y)) is None


def test_ops_after_exit_are_not_tracked():
    x = tf.constant(1.0)
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant(1.0))
    with acc:
        y = x * 2.0
    z = x * 3.0
    assert float(acc.jvp(y)) == 2.0 and acc.jvp(z) is None


def test_custom_gradient_jvp_transposes_its_grad_fn():
    @tf.custom_gradient
    def scaled(x):
        return tf.identity(x), lambda dy: 5.0 * dy

    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 1.0])) as acc:
        y = scaled(x)
    assert acc.jvp(y).numpy().tolist() == [5.0, 5.0]


def test_accumulator_inside_tf_function():
    @tf.function
    def f(x):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            y = tf.tanh(x)
        return acc.jvp(y)

    x = np.array([0.5, 1.0], np.float32)
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), 1 - np.tanh(x) ** 2, rtol=1e-5)


def test_tf_function_called_under_accumulator():
    f = tf.function(lambda x: tf.sin(x) * x)
    x, u = tf.constant(X), tf.constant(U)
    with tf.autodiff.ForwardAccumulator(x, u) as acc:
        y = f(x)
    np.testing.assert_allclose(acc.jvp(y).numpy(), (np.cos(X) * X + np.sin(X)) * U, rtol=1e-5, atol=1e-6)


def test_complex_jvp_is_the_holomorphic_derivative():
    z = tf.constant([1 + 2j, 3 - 1j])
    u = tf.constant([1 + 0j, 1j])
    with tf.autodiff.ForwardAccumulator(z, u) as acc:
        y = z * z
    np.testing.assert_allclose(acc.jvp(y).numpy(), 2 * z.numpy() * u.numpy())


def test_primal_listed_twice_raises():
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="was specified as a primal multiple times"):
        tf.autodiff.ForwardAccumulator([x, x], [tf.constant(1.0), tf.constant(1.0)])


def test_tangent_of_another_dtype_raises():
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.autodiff.ForwardAccumulator(tf.constant([1.0]), tf.constant([1.0], tf.float64))


def test_reentering_a_recording_accumulator_raises():
    acc = tf.autodiff.ForwardAccumulator(tf.constant(1.0), tf.constant(1.0))
    with acc:
        with pytest.raises(ValueError, match="Accumulator is already recording."):
            acc.__enter__()


def test_non_floating_primal_logs_a_warning(caplog):
    with caplog.at_level("WARNING", logger="eagerflow"):
        tf.autodiff.ForwardAccumulator(tf.constant(1), tf.constant(1))
    assert "The dtype of the watched primal must be floating" in caplog.text


def test_tangents_are_dropped_with_their_primals():
    x = tf.constant(X)
    acc = tf.autodiff.ForwardAccumulator(x, tf.constant(U))
    with acc:
        ys = [tf.sin(x) for _ in range(5)]
    kept = len(acc._tangents)
    del ys
    gc.collect()
    assert len(acc._tangents) == kept - 5
