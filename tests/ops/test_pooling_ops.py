"""Pooling kernels: the tiled fast paths against plain window loops, and the fused
MaxPoolGradWithReluGrad op against the two ops it replaces."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework.execute import execute
from eagerflow._src.ops import pooling_ops

RNG = np.random.default_rng(0)


def _special(shape, dtype):
    """Small integers (ties in most windows), zeros of both signs, negatives and NaN."""
    x = RNG.integers(-3, 4, shape).astype(dtype)
    if np.dtype(dtype).kind == "f":
        x[RNG.random(shape) < 0.1] = -0.0
        x[RNG.random(shape) < 0.03] = np.nan
    return x


def _grads(shape, dtype):
    g = RNG.standard_normal(shape).astype(dtype) if np.dtype(dtype).kind == "f" else \
        RNG.integers(-4, 5, shape).astype(dtype)
    if np.dtype(dtype).kind == "f":
        g.ravel()[:5] = [np.nan, np.inf, -np.inf, -0.0, -1]
    return g


def _attrs(k, s, padding, fmt):
    spatial = len(fmt) - 2
    ksize = [1] + [k] * spatial + [1] if fmt.endswith("C") else [1, 1] + [k] * spatial
    strides = [1] + [s] * spatial + [1] if fmt.endswith("C") else [1, 1] + [s] * spatial
    return {"ksize": ksize, "strides": strides, "padding": padding, "data_format": fmt}


def _bits(a):
    return np.ascontiguousarray(a).tobytes()


CASES = [  # shape, ksize, stride, padding, data_format, dtype
    ((3, 8, 8, 4), 2, 2, "VALID", "NHWC", np.float32),
    ((2, 9, 7, 5), 2, 2, "VALID", "NHWC", np.float32),  # rows and columns past the last window
    ((2, 9, 7, 5), 2, 2, "SAME", "NHWC", np.float32),
    ((2, 8, 8, 6), 2, 2, "SAME", "NHWC", np.float64),
    ((2, 9, 9, 3), 3, 2, "SAME", "NHWC", np.float64),  # overlapping windows
    ((2, 3, 8, 8), 2, 2, "VALID", "NCHW", np.float32),
    ((2, 12, 12, 8), 3, 3, "VALID", "NHWC", np.float16),
    ((2, 8, 8, 3), 2, 2, "VALID", "NHWC", np.int32),
    ((20, 26, 26, 32), 2, 2, "VALID", "NHWC", np.float32),
]


@pytest.mark.parametrize("shape, k, s, padding, fmt, dtype", CASES)
def test_fused_max_pool_grad_with_relu_grad_is_the_two_ops_bit_for_bit(shape, k, s, padding, fmt, dtype):
    x = tf.constant(_special(shape, dtype))
    attrs = _attrs(k, s, padding, fmt)
    y = tf.nn.max_pool2d(x, k, s, padding, data_format=fmt)
    g = tf.constant(_grads(y.shape, dtype))
    want = tf.raw_ops.ReluGrad(gradients=tf.raw_ops.MaxPoolGrad(orig_input=x, orig_output=y, grad=g, **attrs),
                               features=x)
    got = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (x, y, g), attrs)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert _bits(got.numpy()) == _bits(want.numpy())


def test_fused_op_passes_the_gradient_only_to_a_positive_first_maximum():
    x = np.array([[0.0, 0.0, 0.0, 2.0], [0.0, 0.0, 2.0, 1.0]], np.float32).reshape(1, 2, 4, 1)
    y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    got = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (tf.constant(x), y, tf.constant([[[[-3.0], [5.0]]]])),
                  _attrs(2, 2, "VALID", "NHWC")).numpy()
    np.testing.assert_array_equal(got[0, :, :, 0], [[0, 0, 0, 5], [0, 0, 0, 0]])


@pytest.mark.parametrize("threads", ["1", "2"])
def test_fused_op_on_several_batch_tasks_equals_one_task(monkeypatch, threads):
    x = tf.constant(_special((9, 10, 10, 8), np.float32))
    y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    g = tf.constant(_grads(y.shape, np.float32))
    attrs = _attrs(2, 2, "VALID", "NHWC")
    whole = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (x, y, g), attrs).numpy()
    monkeypatch.setattr(pooling_ops, "_TASK_BYTES", 1024)
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", threads)
    tasks = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (x, y, g), attrs).numpy()
    assert _bits(tasks) == _bits(whole)


def test_fused_op_has_the_input_shape_in_a_trace():
    attrs = _attrs(2, 2, "VALID", "NHWC")

    @tf.function
    def run(x, g):
        out = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (x, tf.nn.max_pool2d(x, 2, 2, "VALID"), g), attrs)
        assert out.shape.as_list() == [2, 6, 6, 3]
        return out

    x = _special((2, 6, 6, 3), np.float32)
    assert run(x, _grads((2, 3, 3, 3), np.float32)).shape == (2, 6, 6, 3)


def test_fused_op_is_not_a_raw_op():
    assert not hasattr(tf.raw_ops, "MaxPoolGradWithReluGrad")


def _window_walk(x, y, g, k, s):
    """MaxPoolGrad of VALID windows by loops: each window's gradient to its first maximum."""
    dx = np.zeros_like(x)
    for n, i, j, c in np.ndindex(*y.shape):
        window = [(r, q) for r in range(i * s, i * s + k) for q in range(j * s, j * s + k)]
        first = next((p for p in window if x[n, p[0], p[1], c] == y[n, i, j, c]), None)
        if first is not None:
            dx[n, first[0], first[1], c] += g[n, i, j, c]
    return dx


@pytest.mark.parametrize("k, shape", [(2, (3, 8, 10, 5)), (2, (2, 9, 7, 4)), (3, (2, 9, 9, 2))])
def test_tiled_max_pool_and_gradient_follow_the_window_loops(k, shape):
    x = RNG.integers(-2, 3, shape).astype(np.float32)  # many ties
    y = tf.nn.max_pool2d(x, k, k, "VALID").numpy()
    oh, ow = shape[1] // k, shape[2] // k
    windows = x[:, :oh * k, :ow * k].reshape(shape[0], oh, k, ow, k, shape[3])
    np.testing.assert_array_equal(y, windows.max(axis=(2, 4)))
    g = RNG.standard_normal(y.shape).astype(np.float32)
    dx = tf.raw_ops.MaxPoolGrad(orig_input=x, orig_output=y, grad=g, **_attrs(k, k, "VALID", "NHWC")).numpy()
    np.testing.assert_array_equal(dx, _window_walk(x, y, g, k, k))


def test_tiled_max_pool_propagates_nan():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    x[0, 1, 0, 0] = np.nan
    y = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy().ravel()
    np.testing.assert_array_equal(y, [np.nan, 7, 13, 15])
