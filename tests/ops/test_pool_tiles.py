"""The tiled-window max-pool kernels (ops/pool_tiles.py: windows == strides, no padding) against
explicit per-window loops and, bit for bit, against the general kernels of pooling_ops."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework.execute import execute
from eagerflow._src.ops import pool_tiles, pooling_ops

RNG = np.random.default_rng(7)

SHAPES = [  # batch, height, width, channels: odd sizes leave a last row/column in no window
    (3, 8, 10, 5),
    (2, 27, 27, 32),
    (5, 11, 11, 64),
    (4, 6, 6, 1),
    (3, 7, 9, 2),
]


def _inputs(shape, k=2):
    """Ties (small integers, zeros of both signs), negatives, NaN and infinities in x; NaN,
    infinities, -0.0 and negatives in the gradient."""
    x = RNG.integers(-2, 3, shape).astype(np.float32)
    x[RNG.random(shape) < 0.15] = -0.0
    x[RNG.random(shape) < 0.03] = np.nan
    x[RNG.random(shape) < 0.01] = np.inf
    x[RNG.random(shape) < 0.01] = -np.inf
    out = (shape[0], shape[1] // k, shape[2] // k, shape[3])
    g = RNG.standard_normal(out).astype(np.float32)
    g.ravel()[:4] = [np.nan, np.inf, -np.inf, -0.0]
    return x, g


def _attrs(k):
    return {"ksize": [1, k, k, 1], "strides": [1, k, k, 1], "padding": "VALID"}


def _window_loop(x, y, g, k, relu):
    """Each window's gradient to its first input equal to its output (row-major window order),
    with `relu` only where that input is > 0; every other input gets g * 0.0 (the kernels' mask
    product: -0.0 for a negative g, NaN for NaN and inf)."""
    dx = np.empty_like(x)
    dx[...] = 0
    for n, i, j, c in np.ndindex(*y.shape):
        window = [(r, q) for r in range(i * k, i * k + k) for q in range(j * k, j * k + k)]
        first = next((p for p in window if x[n, p[0], p[1], c] == y[n, i, j, c]), None)
        if relu and first is not None and not x[n, first[0], first[1], c] > 0:
            first = None
        for p in window:
            dx[n, p[0], p[1], c] = g[n, i, j, c] * np.float32(p == first)
    return dx


def _bits(a):
    return np.ascontiguousarray(a).tobytes()


@pytest.mark.parametrize("shape", SHAPES)
def test_tiled_max_pool_grad_sends_each_gradient_to_the_first_maximum(shape):
    x, g = _inputs(shape)
    y = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    dx = tf.raw_ops.MaxPoolGrad(orig_input=x, orig_output=y, grad=g, **_attrs(2)).numpy()
    assert _bits(dx) == _bits(_window_loop(x, y, g, 2, relu=False))


@pytest.mark.parametrize("shape", SHAPES)
def test_tiled_max_pool_grad_with_relu_grad_needs_a_positive_first_maximum(shape):
    x, g = _inputs(shape)
    y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    dx = execute(pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD, (tf.constant(x), y, tf.constant(g)), _attrs(2)).numpy()
    assert _bits(dx) == _bits(_window_loop(x, y.numpy(), g, 2, relu=True))


def test_tiled_max_pool_grad_takes_any_orig_output():
    shape = (3, 8, 10, 5)
    x, g = _inputs(shape)
    y = RNG.integers(-2, 3, g.shape).astype(np.float32)  # not the windows' maxima: some windows have no hit
    y[RNG.random(y.shape) < 0.1] = np.nan
    dx = tf.raw_ops.MaxPoolGrad(orig_input=x, orig_output=y, grad=g, **_attrs(2)).numpy()
    assert _bits(dx) == _bits(_window_loop(x, y, g, 2, relu=False))


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("k, shape", [(2, (2, 27, 27, 32)), (3, (2, 10, 11, 3)), (2, (3, 9, 7, 5))])
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64, np.int32])
def test_tiled_max_pool_grad_equals_the_general_kernel_bit_for_bit(monkeypatch, relu, k, shape, dtype):
    x, g = _inputs(shape, k)
    if np.dtype(dtype).kind == "i":
        x, g = np.nan_to_num(x, posinf=3, neginf=-3), RNG.integers(-4, 5, g.shape)
    x, g = x.astype(dtype), g.astype(dtype)
    y = tf.nn.max_pool2d(x, k, k, "VALID")
    inputs, attrs = (tf.constant(x), y, tf.constant(g)), {**_attrs(k), "data_format": "NHWC"}
    op = pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD if relu else pooling_ops.MAX_POOL_GRAD
    tiled = execute(op, inputs, attrs).numpy()
    monkeypatch.setattr(pool_tiles, "tiles", lambda spec: False)
    general = execute(op, inputs, attrs).numpy()
    assert _bits(tiled) == _bits(general)


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("relu", [False, True])
def test_tiled_max_pool_grad_over_several_batch_tasks_equals_the_window_loop(monkeypatch, threads, relu):
    x, g = _inputs((7, 12, 10, 8))
    y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    monkeypatch.setattr(pooling_ops, "_TASK_BYTES", 2000)  # one or two images a task
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", threads)
    op = pooling_ops.MAX_POOL_GRAD_WITH_RELU_GRAD if relu else pooling_ops.MAX_POOL_GRAD
    dx = execute(op, (tf.constant(x), y, tf.constant(g)), _attrs(2)).numpy()
    assert _bits(dx) == _bits(_window_loop(x, y.numpy(), g, 2, relu))


@pytest.mark.parametrize("shape", SHAPES)
def test_tiled_max_pool_is_each_window_maximum(shape):
    x, _ = _inputs(shape)
    y = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    want = np.empty(y.shape, np.float32)
    for n, i, j, c in np.ndindex(*y.shape):
        window = x[n, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c]
        want[n, i, j, c] = np.nan if np.isnan(window).any() else window.max()
    np.testing.assert_array_equal(y, want)  # NaN where a window holds one; -0.0 == 0.0


@pytest.mark.parametrize("k", [(2, 2), (3, 3), (1, 2), (2, 3)])
@pytest.mark.parametrize("shape", [(2, 27, 27, 32), (5, 11, 11, 64), (3, 7, 9, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int32, np.uint8])
def test_tiled_max_pool_equals_the_general_kernel_bit_for_bit(monkeypatch, k, shape, dtype):
    x, _ = _inputs(shape)
    if np.dtype(dtype).kind in "iu":
        x = np.nan_to_num(x, posinf=3, neginf=0) + 2
    x = x.astype(dtype)
    ksize = [1, *k, 1]
    tiled = tf.nn.max_pool2d(x, ksize, ksize, "VALID").numpy()
    monkeypatch.setattr(pool_tiles, "fast_max_pool", lambda spec, x: False)
    general = tf.nn.max_pool2d(x, ksize, ksize, "VALID").numpy()
    assert _bits(tiled) == _bits(general)


def test_tiled_max_pool_over_several_batch_tasks_equals_one_task(monkeypatch):
    x, _ = _inputs((9, 10, 12, 4))
    whole = tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()
    monkeypatch.setattr(pooling_ops, "_TASK_BYTES", 1024)
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    assert _bits(tf.nn.max_pool2d(x, 2, 2, "VALID").numpy()) == _bits(whole)
