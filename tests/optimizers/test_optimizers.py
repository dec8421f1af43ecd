"""SGD and Adam: Keras 3 update rules, slots as non-trainable variables, in-place updates."""
import numpy as np
import pytest

import eagerflow as tf


def _buffer(v):
    return v._array.__array_interface__["data"][0]


def test_sgd_without_momentum_is_plain_descent():
    v = tf.Variable([1.0, 2.0])
    opt = tf.optimizers.SGD(learning_rate=0.1)
    opt.apply_gradients([(tf.constant([1.0, -1.0]), v)])
    np.testing.assert_allclose(v.numpy(), [0.9, 2.1], rtol=1e-6)
    assert int(opt.iterations.numpy()) == 1


def test_sgd_momentum_matches_keras_rule():
    v = tf.Variable([1.0, 2.0], name="w")
    opt = tf.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    g = tf.constant([1.0, 1.0])
    opt.apply_gradients([(g, v)])
    opt.apply_gradients([(g, v)])
    # m1 = -0.1; w1 = w0 - 0.1; m2 = 0.9*m1 - 0.1 = -0.19; w2 = w1 - 0.19
    np.testing.assert_allclose(v.numpy(), [1.0 - 0.29, 2.0 - 0.29], rtol=1e-6)


def test_sgd_nesterov():
    v = tf.Variable([0.0])
    opt = tf.optimizers.SGD(learning_rate=0.1, momentum=0.5, nesterov=True)
    opt.apply_gradients([(tf.constant([1.0]), v)])
    # m = -0.1; w += 0.5 * m - 0.1 = -0.15
    np.testing.assert_allclose(v.numpy(), [-0.15], rtol=1e-6)


def test_adam_matches_reference_formula():
    v = tf.Variable([1.0, 2.0])
    opt = tf.optimizers.Adam(learning_rate=0.1)
    w = np.array([1.0, 2.0])
    m = np.zeros(2)
    s = np.zeros(2)
    g = np.array([1.0, -1.0])
    for step in (1, 2, 3):
        opt.apply_gradients([(tf.constant(g.astype(np.float32)), v)])
        alpha = 0.1 * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
        m += (g - m) * 0.1
        s += (g * g - s) * 0.001
        w -= alpha * m / (np.sqrt(s) + 1e-7)
    np.testing.assert_allclose(v.numpy(), w, rtol=1e-5)


def test_slots_are_non_trainable_variables_named_after_their_variable():
    v = tf.Variable([1.0], name="w")
    opt = tf.optimizers.Adam()
    opt.apply_gradients([(tf.constant([1.0]), v)])
    names = [x.name for x in opt.variables]
    assert names == ["iteration:0", "learning_rate:0", "w_0_momentum:0", "w_0_velocity:0"]
    assert not any(x.trainable for x in opt.variables)
    assert all(x.device == v.device for x in opt.variables[2:])


def test_updates_write_the_variable_buffer_in_place():
    v = tf.Variable(np.ones(16, np.float32))
    opt = tf.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    opt.apply_gradients([(tf.ones([16]), v)])
    before = _buffer(v)
    opt.apply_gradients([(tf.ones([16]), v)])
    assert _buffer(v) == before


def test_update_never_changes_a_tensor_read_earlier():
    v = tf.Variable([1.0, 2.0])
    snapshot = v.read_value()
    tf.optimizers.Adam(learning_rate=0.5).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(snapshot.numpy(), [1.0, 2.0])
    assert not np.array_equal(v.numpy(), [1.0, 2.0])


def test_none_gradients_are_skipped():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    tf.optimizers.SGD(learning_rate=1.0).apply_gradients([(None, a), (tf.constant(1.0), b)])
    assert float(a.numpy()) == 1.0 and float(b.numpy()) == 1.0


def test_all_none_gradients_raise():
    with pytest.raises(ValueError, match="No gradients provided"):
        tf.optimizers.SGD().apply_gradients([(None, tf.Variable(1.0))])


def test_minimize_with_callable_loss():
    v = tf.Variable(3.0)
    opt = tf.optimizers.SGD(learning_rate=0.25)
    for _ in range(30):
        opt.minimize(lambda: (v - 1.0) * (v - 1.0), [v])
    assert abs(float(v.numpy()) - 1.0) < 1e-3


def test_invalid_momentum_raises():
    with pytest.raises(ValueError, match="momentum"):
        tf.optimizers.SGD(momentum=-1.0)


def _keras_adam_reference(var, grads, lr, beta_1=0.9, beta_2=0.999, eps=1e-7):
    """Keras 3's Adam update in float32, operation by operation (bias correction included)."""
    f = np.float32
    m = np.zeros_like(var)
    v = np.zeros_like(var)
    for step, g in enumerate(grads, start=1):
        alpha = f(lr) * np.sqrt(f(1) - f(np.float64(f(beta_2)) ** step)) / (f(1) - f(np.float64(f(beta_1)) ** step))
        m = m + (g - m) * f(1 - beta_1)
        v = v + (g * g - v) * f(1 - beta_2)
        var = var - (m * alpha) / (np.sqrt(v) + f(eps))
    return var


def test_adam_follows_keras_formulas_in_float32():
    grads = [np.array([0.5, 1.0, -0.5], np.float32)] * 5
    a = tf.Variable([0.0, 1.0, -2.0])
    opt = tf.optimizers.Adam(0.1)
    for g in grads:
        opt.apply_gradients([(tf.constant(g), a)])
    want = _keras_adam_reference(np.array([0.0, 1.0, -2.0], np.float32), grads, 0.1)
    np.testing.assert_array_equal(a.numpy(), want)


@pytest.mark.parametrize("make", [lambda: tf.optimizers.SGD(0.1), lambda: tf.optimizers.SGD(0.1, momentum=0.9),
                                  lambda: tf.optimizers.Adam(0.1)])
def test_gradient_of_wrong_shape_is_invalid_argument_and_changes_nothing(make):
    w = tf.Variable([1.0, 2.0])
    other = tf.Variable([5.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[2\]|\[3\]"):
        make().apply_gradients([(tf.constant([1.0]), other), (tf.constant([1.0, 2.0, 3.0]), w)])
    assert w.numpy().tolist() == [1.0, 2.0] and other.numpy().tolist() == [5.0]


def test_learning_rate_string_is_tfs_value_error():
    with pytest.raises(ValueError, match="Argument `learning_rate` should be float"):
        tf.optimizers.SGD("fast")


def _steps(make, traced, n=3):
    opt = make()
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))

    if traced:
        step = tf.function(step)
    for _ in range(n):
        step(tf.ones([1, 2]))
    opt.learning_rate.assign(0.01)  # a traced step reads the new rate on its next call
    step(tf.ones([1, 2]))
    return w.numpy(), int(opt.iterations.numpy())


@pytest.mark.parametrize("make", [
    lambda: tf.optimizers.SGD(0.1),
    lambda: tf.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    lambda: tf.optimizers.Adam(0.1),
    lambda: tf.optimizers.Adam(0.05, clipnorm=1.0),
], ids=["sgd", "nesterov", "adam", "adam-clipnorm"])
def test_apply_gradients_inside_tf_function_matches_eager_steps(make):
    eager_w, eager_steps = _steps(make, traced=False)
    traced_w, traced_steps = _steps(make, traced=True)
    np.testing.assert_allclose(traced_w, eager_w, rtol=1e-6, atol=1e-6)
    assert traced_steps == eager_steps == 4


def test_clipnorm_scales_each_gradient_to_the_norm():
    w = tf.Variable([3.0, 4.0])
    tf.optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(tf.constant([3.0, 4.0]), w)])
    np.testing.assert_allclose(w.numpy(), [3.0 - 0.6, 4.0 - 0.8], rtol=1e-6)


def test_global_clipnorm_scales_all_gradients_together():
    a, b = tf.Variable([0.0]), tf.Variable([0.0])
    tf.optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients(
        [(tf.constant([3.0]), a), (tf.constant([4.0]), b)])
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0]], [-0.6, -0.8], rtol=1e-6)


def test_only_one_clipping_argument_may_be_set():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and `global_clipnorm`"):
        tf.optimizers.SGD(0.1, clipnorm=1.0, clipvalue=0.5)
