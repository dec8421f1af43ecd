"""Convolutions and pooling: TF's geometry rules, errors, gradient ops and the patch reuse."""
import re

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.ops import conv_ops
from tests.ops.specs.conv_specs import conv_ref

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 7, 8, 3)).astype(np.float32)
W = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)


@pytest.mark.parametrize("n, k, s, d, out, pads", [
    (7, 3, 2, 1, 4, (1, 1)), (8, 3, 2, 1, 4, (0, 1)), (8, 3, 1, 2, 8, (2, 2)), (5, 1, 3, 1, 2, (0, 0)),
])
def test_same_padding_follows_tf_formula(n, k, s, d, out, pads):
    outs, got = conv_ops.geometry([n], [k], [s], [d], "SAME")
    assert outs == [out] and got == [pads]


def test_valid_output_size():
    assert conv_ops.geometry([7], [3], [2], [2], "VALID")[0] == [2]


def test_filter_larger_than_input_is_an_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Computed output size would be negative"):
        tf.nn.conv2d(X[:, :1, :1], W, 1, "VALID")


def test_filter_as_large_as_padded_input_gives_empty_output():
    assert tf.nn.conv2d(X[:, :2, :2], W, 1, "VALID").shape == (2, 0, 0, 4)


def test_depth_not_divisible_by_filter_depth():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("input depth must be evenly divisible by filter depth: 3 vs 2")):
        tf.nn.conv2d(X, W[:, :, :2], 1, "SAME")


def test_grouped_convolution_matches_per_group_convolutions():
    x = RNG.standard_normal((1, 5, 5, 4)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 2, 6)).astype(np.float32)
    got = tf.nn.conv2d(x, w, 1, "SAME").numpy()
    first = conv_ref(x[..., :2], w[..., :3], [1, 1], "SAME")
    second = conv_ref(x[..., 2:], w[..., 3:], [1, 1], "SAME")
    np.testing.assert_allclose(got, np.concatenate([first, second], -1), rtol=1e-5, atol=1e-5)


def test_bad_padding_string():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'padding' of \"FULL\" is not in the list"):
        tf.nn.conv2d(X, W, 1, "FULL")


def test_explicit_padding_rejects_batch_padding():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Nonzero explicit padding in the batch or depth"):
        tf.nn.conv2d(X, W, 1, [[1, 0], [1, 1], [1, 1], [0, 0]])


def test_strides_of_wrong_length():
    with pytest.raises(ValueError, match="strides should be of length 1, 2 or 4"):
        tf.nn.conv2d(X, W, [1, 1, 1], "SAME")


def test_conv2d_gradient_runs_tf_backprop_ops():
    x, w = tf.constant(X), tf.Variable(W)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.conv2d(x, w, 2, "SAME")
    dx, dw = tape.gradient(y, [x, w])
    dy = tf.ones_like(y)
    np.testing.assert_allclose(dx.numpy(), tf.nn.conv2d_transpose(dy, W, X.shape, 2, "SAME").numpy(), rtol=1e-5)
    direct = conv_ops.conv2d_backprop_filter(X, W.shape, dy, 2, "SAME")
    np.testing.assert_allclose(dw.numpy(), direct.numpy(), rtol=1e-5)


def test_filter_gradient_sees_its_own_input():
    x1, x2 = tf.constant(X), tf.constant(X * 2)
    w = tf.Variable(W)
    with tf.GradientTape() as tape:
        tf.nn.conv2d(x1, w, 1, "SAME")
        y = tf.nn.conv2d(x2, w, 1, "SAME")
    expected = conv_ops.conv2d_backprop_filter(X * 2, W.shape, tf.ones_like(y), 1, "SAME")
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), expected.numpy(), rtol=1e-5)


def test_half_precision_conv_keeps_dtype():
    y = tf.nn.conv2d(X.astype(np.float16), W.astype(np.float16), 1, "SAME")
    assert y.dtype == tf.float16


def test_conv_transpose_dispatches_on_output_rank():
    x = RNG.standard_normal((2, 5, 4)).astype(np.float32)
    w = RNG.standard_normal((3, 2, 4)).astype(np.float32)
    a = tf.nn.conv_transpose(x, w, [2, 10, 2], 2)
    b = tf.nn.conv1d_transpose(x, w, [2, 10, 2], 2)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_separable_is_depthwise_then_pointwise():
    dw = RNG.standard_normal((3, 3, 3, 2)).astype(np.float32)
    pw = RNG.standard_normal((1, 1, 6, 5)).astype(np.float32)
    got = tf.nn.separable_conv2d(X, dw, pw, [1, 1, 1, 1], "SAME")
    want = tf.nn.conv2d(tf.nn.depthwise_conv2d(X, dw, [1, 1, 1, 1], "SAME"), pw, 1, "VALID")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)


def test_max_pool_gradient_goes_to_first_maximum():
    x = tf.constant(np.ones((1, 2, 2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy().ravel(), [1, 0, 0, 0])


def test_avg_pool_same_averages_only_real_inputs():
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)
    y = tf.nn.avg_pool2d(x, 2, 2, "SAME").numpy().ravel()
    np.testing.assert_allclose(y, [(0 + 1 + 3 + 4) / 4, (2 + 5) / 2, (6 + 7) / 2, 8])


def test_pool_on_batch_dimension_is_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError):
        tf.nn.max_pool2d(X, [2, 2, 2, 1], 1, "SAME")


def test_max_pool_with_argmax_indexes_flattened_input():
    x = np.array([[[[1.0], [5.0]], [[3.0], [2.0]]]], np.float32)
    out, argmax = tf.nn.max_pool_with_argmax(x, 2, 2, "VALID")
    assert out.numpy().ravel().tolist() == [5.0] and argmax.numpy().ravel().tolist() == [1]
    assert argmax.dtype == tf.int64


def test_pool_rejects_same_padding_with_dilation():
    with pytest.raises(ValueError, match="not implemented for `dilation_rate` > 1"):
        tf.nn.pool(X, [2, 2], "MAX", padding="SAME", dilations=[2, 2])


def test_large_inputs_are_convolved_in_chunks(monkeypatch):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 2048)  # forces sub-image chunks
    x = RNG.standard_normal((3, 9, 7, 3)).astype(np.float32)
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        w = tf.constant(W)
        tape.watch(w)
        y = tf.nn.conv2d(x_t, w, [2, 1], "SAME")
    dx, dw = tape.gradient(y, [x_t, w])
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 1 << 30)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        tape.watch(w)
        y_whole = tf.nn.conv2d(x_t, w, [2, 1], "SAME")
    dx_whole, dw_whole = tape.gradient(y_whole, [x_t, w])
    np.testing.assert_allclose(y.numpy(), conv_ref(x, W, [2, 1], "SAME"), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dx.numpy(), dx_whole.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw.numpy(), dw_whole.numpy(), rtol=1e-4, atol=1e-4)


def test_conv_and_pool_gradients_trace_in_tf_function():
    w = tf.Variable(W)

    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.nn.avg_pool2d(tf.nn.max_pool2d(tf.nn.conv2d(x, w, 2, "SAME"), 2, 1, "SAME"), 2, 2, "SAME")
            loss = tf.reduce_sum(y * y)
        return tape.gradient(loss, [x, w])

    x = tf.constant(X)
    eager = step(x)
    traced = tf.function(step)(x)
    for a, b in zip(traced, eager):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)


def test_traced_layers_keep_static_shapes():
    spec = tf.TensorSpec([None, 7, 8, 3], tf.float32)
    cases = {
        (None, 7, 8, 4): lambda x: tf.nn.conv2d(x, W, 1, "SAME"),
        (None, 4, 4, 3): lambda x: tf.nn.max_pool2d(x, 2, 2, "SAME"),
        (2, 14, 16, 3): lambda x: tf.nn.conv2d_transpose(tf.ones([2, 7, 8, 4]), W, [2, 14, 16, 3], 2, "SAME"),
        (None, 7, 8, 3): lambda x: tf.nn.dropout(x, 0.5),
    }
    for shape, fn in cases.items():
        assert tuple(tf.function(fn).get_concrete_function(spec).structured_outputs.shape) == shape


def _conv_step(x, w, strides, padding, g):
    x_t, w_t = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch([x_t, w_t])
        y = tf.nn.conv2d(x_t, w_t, strides, padding)
    return [v.numpy() for v in (y, *tape.gradient(y, [x_t, w_t], output_gradients=tf.constant(g)))]


# in_depth 8 < 16 out: dx by scatter-add; 16 >= 16: dx as a correlation; stride 2: scatter-add;
# in_depth 1 and 3: tap-major patches.
@pytest.mark.parametrize("c_in, c_out, strides", [(8, 16, 1), (16, 16, 1), (8, 4, 2), (1, 8, 1), (3, 4, 2)])
def test_chunked_conv_on_two_host_threads_equals_one_thread(monkeypatch, c_in, c_out, strides):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 4096)  # many chunk tasks
    x = RNG.standard_normal((5, 11, 9, c_in)).astype(np.float32)
    w = RNG.standard_normal((3, 3, c_in, c_out)).astype(np.float32)
    g = RNG.standard_normal((5, -(-11 // strides), -(-9 // strides), c_out)).astype(np.float32)
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    two = _conv_step(x, w, strides, "SAME", g)
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "1")
    one = _conv_step(x, w, strides, "SAME", g)
    for a, b in zip(two, one):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("c_in, c_out, strides", [(8, 16, 1), (16, 16, 1), (8, 4, 2), (1, 8, 1), (3, 4, 2)])
def test_chunked_conv_gradients_are_the_adjoints_of_the_forward(monkeypatch, c_in, c_out, strides):
    # conv is linear in x and in w: sum(conv(x, w) * g) == sum(x * dx) == sum(w * dw).
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 4096)
    x = RNG.standard_normal((5, 11, 9, c_in)).astype(np.float32)
    w = RNG.standard_normal((3, 3, c_in, c_out)).astype(np.float32)
    g = RNG.standard_normal((5, -(-11 // strides), -(-9 // strides), c_out)).astype(np.float32)
    y, dx, dw = _conv_step(x, w, strides, "SAME", g)
    np.testing.assert_allclose(y, conv_ref(x, w, [strides] * 2, "SAME"), rtol=1e-4, atol=1e-4)
    total = np.sum(y.astype(np.float64) * g)
    np.testing.assert_allclose(np.sum(x.astype(np.float64) * dx), total, rtol=1e-4)
    np.testing.assert_allclose(np.sum(w.astype(np.float64) * dw), total, rtol=1e-4)


@pytest.mark.parametrize("ksize, strides, padding", [(2, 2, "VALID"), (2, 2, "SAME"), (3, 2, "SAME"), (3, 3, "VALID")])
def test_max_pool_gradient_with_ties_goes_to_each_windows_first_maximum(monkeypatch, ksize, strides, padding):
    from eagerflow._src.ops import pooling_ops

    monkeypatch.setattr(pooling_ops, "_TASK_BYTES", 1024)  # several batch tasks
    x = np.maximum(np.round(RNG.standard_normal((6, 9, 7, 5)) * 2), 0).astype(np.float32)  # ties, zeros
    g = RNG.standard_normal((6, -(-9 // strides) if padding == "SAME" else (9 - ksize) // strides + 1,
                             -(-7 // strides) if padding == "SAME" else (7 - ksize) // strides + 1, 5)).astype(np.float32)
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        y = tf.nn.max_pool2d(x_t, ksize, strides, padding)
    dx = tape.gradient(y, x_t, output_gradients=tf.constant(g)).numpy()
    want = np.zeros_like(x)
    top = 0 if padding == "VALID" else max((g.shape[1] - 1) * strides + ksize - 9, 0) // 2
    left = 0 if padding == "VALID" else max((g.shape[2] - 1) * strides + ksize - 7, 0) // 2
    for n, i, j, c in np.ndindex(*g.shape):
        rows = range(max(i * strides - top, 0), min(i * strides - top + ksize, 9))
        cols = range(max(j * strides - left, 0), min(j * strides - left + ksize, 7))
        window = [(r, q) for r in rows for q in cols]
        r, q = max(window, key=lambda p: (x[n, p[0], p[1], c], -window.index(p)))
        np.testing.assert_equal(y.numpy()[n, i, j, c], x[n, r, q, c])
        want[n, r, q, c] += g[n, i, j, c]
    np.testing.assert_allclose(dx, want, rtol=1e-6, atol=1e-6)


def test_single_threaded_blas_holds_one_thread_and_restores_the_count():
    control = conv_ops._blas_control()
    if not control:
        pytest.skip("no handle on this NumPy's OpenBLAS threads")
    get, set_ = control
    before = get()
    set_(2)
    try:
        with conv_ops.single_threaded_blas():
            assert get() == 1
        assert get() == 2
    finally:
        set_(before)
