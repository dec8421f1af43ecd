"""Fusions of traced plans (function/remapper.py): what is fused, what is not, and that fused
plans return what the unfused graph returns, bit for bit."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.function import remapper

RNG = np.random.default_rng(7)


def _plan_types(fn, *args) -> list:
    cf = fn.get_concrete_function(*args)
    cf(*args)
    return [node.type for node in cf._plan._lines.values()]


def _conv_inputs(channels=3):
    x = tf.constant(RNG.standard_normal((2, 9, 9, channels), dtype=np.float32))
    f = tf.constant(RNG.standard_normal((3, 3, channels, 8), dtype=np.float32))
    b = tf.constant(RNG.standard_normal(8, dtype=np.float32))
    return x, f, b


@pytest.mark.parametrize("channels", [1, 3, 32])
@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_conv_bias_relu_runs_as_one_fused_conv_with_the_same_values(channels, padding):
    x, f, b = _conv_inputs(channels)

    def block(x, f, b):
        return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, 1, padding), b))

    traced = tf.function(block)
    types = _plan_types(traced, x, f, b)
    assert "_FusedConv2D" in types and "Conv2D" not in types and "Relu" not in types
    np.testing.assert_array_equal(traced(x, f, b).numpy(), block(x, f, b).numpy())


def test_conv_bias_without_activation_fuses_the_bias_only():
    x, f, b = _conv_inputs()
    traced = tf.function(lambda x, f, b: tf.nn.bias_add(tf.nn.conv2d(x, f, 2, "SAME"), b) * 2.0)
    types = _plan_types(traced, x, f, b)
    assert "_FusedConv2D" in types and "BiasAdd" not in types
    np.testing.assert_array_equal(traced(x, f, b).numpy(),
                                  (tf.nn.bias_add(tf.nn.conv2d(x, f, 2, "SAME"), b) * 2.0).numpy())


def test_a_conv_output_read_elsewhere_is_not_fused():
    x, f, b = _conv_inputs()

    @tf.function
    def both(x, f, b):
        y = tf.nn.conv2d(x, f, 1, "VALID")
        return tf.nn.relu(tf.nn.bias_add(y, b)), y

    types = _plan_types(both, x, f, b)
    assert "_FusedConv2D" not in types and "Conv2D" in types
    out, y = both(x, f, b)
    np.testing.assert_array_equal(y.numpy(), tf.nn.conv2d(x, f, 1, "VALID").numpy())


def test_a_bias_add_returned_by_the_function_keeps_relu_separate():
    x, f, b = _conv_inputs()

    @tf.function
    def both(x, f, b):
        z = tf.nn.bias_add(tf.nn.conv2d(x, f, 1, "VALID"), b)
        return tf.nn.relu(z), z

    types = _plan_types(both, x, f, b)
    assert "Relu" in types and "_FusedConv2D" in types
    out, z = both(x, f, b)
    np.testing.assert_array_equal(out.numpy(), tf.nn.relu(z).numpy())


def test_channels_first_chains_are_left_alone():
    traced = tf.function(lambda x, f, b: tf.nn.relu(tf.nn.bias_add(x, b, data_format="NCHW")))
    x = tf.constant(RNG.standard_normal((2, 8, 5, 5), dtype=np.float32))
    b = tf.constant(RNG.standard_normal(8, dtype=np.float32))
    assert "_FusedConv2D" not in _plan_types(traced, x, x, b)


def _pool_relu_grads(x, f, b):
    with tf.GradientTape() as tape:
        tape.watch([f, b])
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, 1, "VALID"), b))
        loss = tf.reduce_sum(tf.nn.max_pool2d(h, 2, 2, "VALID") ** 2)
    return tape.gradient(loss, [f, b])


def test_gradient_of_relu_then_max_pool_runs_fused_with_the_same_values():
    x, f, b = _conv_inputs(3)
    traced = tf.function(_pool_relu_grads)
    types = _plan_types(traced, x, f, b)
    assert "MaxPoolGradWithReluGrad" in types and "ReluGrad" not in types and "MaxPoolGrad" not in types
    for got, want in zip(traced(x, f, b), _pool_relu_grads(x, f, b)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_filter_and_bias_gradients_of_one_conv_run_as_one_op():
    x, f, b = _conv_inputs(3)
    traced = tf.function(_pool_relu_grads)
    types = _plan_types(traced, x, f, b)
    assert "_Conv2DBackpropFilterWithBias" in types and "BiasAddGrad" not in types
    got_f, got_b = traced(x, f, b)
    want_f, want_b = _pool_relu_grads(x, f, b)
    np.testing.assert_allclose(got_f.numpy(), want_f.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_b.numpy(), want_b.numpy(), rtol=1e-5, atol=1e-5)


def test_remapper_off_runs_the_graph_as_built(monkeypatch):
    monkeypatch.setenv("EAGERFLOW_REMAPPER", "0")
    x, f, b = _conv_inputs()
    traced = tf.function(lambda x, f, b: tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, 1, "VALID"), b)))
    types = _plan_types(traced, x, f, b)
    assert "_FusedConv2D" not in types and {"Conv2D", "BiasAdd", "Relu"} <= set(types)


def test_fused_ops_stay_out_of_the_graph_the_user_sees():
    x, f, b = _conv_inputs()
    traced = tf.function(lambda x, f, b: tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, 1, "VALID"), b)))
    cf = traced.get_concrete_function(x, f, b)
    cf(x, f, b)
    graph_types = [op.type for op in cf.graph.get_operations()]
    assert {"Conv2D", "BiasAdd", "Relu"} <= set(graph_types) and "_FusedConv2D" not in graph_types


def test_keras_conv_model_trains_the_same_fused_and_unfused(monkeypatch):
    keras = tf.keras
    x = RNG.random((16, 12, 12, 1), dtype=np.float32)
    y = RNG.integers(0, 3, 16)

    def fit_weights():
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((12, 12, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                                  keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dense(3)])
        model.compile(optimizer=keras.optimizers.Adam(1e-2),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        return [w.numpy() for w in model.weights]

    fused = fit_weights()
    monkeypatch.setattr(remapper, "enabled", lambda: False)
    for a, b in zip(fused, fit_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_unknown_batch_gradients_still_fuse_and_match_eager():
    x, f, b = _conv_inputs(3)
    spec = [tf.TensorSpec([None, 9, 9, 3]), tf.TensorSpec([3, 3, 3, 8]), tf.TensorSpec([8])]
    traced = tf.function(_pool_relu_grads, input_signature=spec)
    types = _plan_types(traced, x, f, b)
    # The tape's UnbroadcastGradient nodes around the chain (a None batch) sum nothing: dropped,
    # they no longer read the convolution's output, so the chain fuses.
    assert {"_FusedConv2D", "MaxPoolGradWithReluGrad"} <= set(types) and "Conv2D" not in types
    for got, want in zip(traced(x, f, b), _pool_relu_grads(x, f, b)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


def test_a_gradient_that_sums_a_broadcast_batch_is_still_summed():
    @tf.function(input_signature=[tf.TensorSpec([None, 3]), tf.TensorSpec([None, 3])])
    def grad(x, y):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.nn.relu(x + y) * 2.0)
        return tape.gradient(loss, x)

    x = tf.constant([[1.0, -2.0, 3.0]])
    y = tf.constant(RNG.standard_normal((4, 3), dtype=np.float32))
    np.testing.assert_array_equal(grad(x, y).numpy(), (2.0 * (x + y > 0).numpy()).sum(0, keepdims=True))


def test_unknown_batch_gradients_through_many_shape_rules_match_eager():
    # Broadcasts hidden behind None dims (a [None, 1] scale against [None, 4, 4, 3]) must still be
    # summed; shape-keeping ops (sigmoid, tanh, softmax, avg-pool gradients) must not fool the
    # shape classes.
    def grads(x, s, f, b):
        with tf.GradientTape() as tape:
            tape.watch([x, s, f, b])
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, f, 1, "SAME"), b))
            h = tf.nn.avg_pool2d(tf.sigmoid(h), 2, 1, "SAME") * tf.reshape(s, [-1, 1, 1, 1])
            z = tf.nn.softmax(tf.tanh(tf.reshape(h, [tf.shape(h)[0], -1])))
            loss = tf.reduce_sum(z * tf.range(1.0, 129.0))
        return tape.gradient(loss, [x, s, f, b])

    x = tf.constant(RNG.standard_normal((3, 4, 4, 3), dtype=np.float32))
    s = tf.constant(RNG.standard_normal((1,), dtype=np.float32))  # broadcast over the batch
    f = tf.constant(RNG.standard_normal((3, 3, 3, 8), dtype=np.float32))
    b = tf.constant(RNG.standard_normal(8, dtype=np.float32))
    spec = [tf.TensorSpec([None, 4, 4, 3]), tf.TensorSpec([None]), tf.TensorSpec([3, 3, 3, 8]),
            tf.TensorSpec([8])]
    traced = tf.function(grads, input_signature=spec)
    for got, want in zip(traced(x, s, f, b), grads(x, s, f, b)):
        assert got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-6)
