"""tf.autodiff.ForwardAccumulator under eagerflow and TensorFlow: the same JVPs, Nones and errors."""
import numpy as np
import pytest

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

import eagerflow  # noqa: E402

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype(np.float32)
U = RNG.standard_normal((3, 4)).astype(np.float32)
B = RNG.standard_normal((4, 2)).astype(np.float32)

# Each function maps the watched (3, 4) float32 tensor to what the accumulator is asked about.
FUNCTIONS = {
    "sin_times_x": lambda tf, x: tf.sin(x) * x,
    "softplus": lambda tf, x: tf.nn.softplus(x),
    "gelu": lambda tf, x: tf.nn.gelu(x),
    "pow": lambda tf, x: (x + 3.0) ** 2.5,
    "matmul": lambda tf, x: tf.matmul(x, tf.constant(B)),
    "reduce_max": lambda tf, x: tf.reduce_max(x, 0),
    "reduce_prod": lambda tf, x: tf.reduce_prod(x, 1),
    "log_softmax": lambda tf, x: tf.nn.log_softmax(x),
    "strided_slice": lambda tf, x: x[1:, ::2],
    "gather_nd": lambda tf, x: tf.gather_nd(x, [[0, 1], [2, 3]]),
    "pad_tile": lambda tf, x: tf.tile(tf.pad(x, [[1, 0], [0, 2]]), [2, 1]),
    "where": lambda tf, x: tf.where(x > 0, x, x * x),
    "cumprod": lambda tf, x: tf.math.cumprod(x, 1),
    "split": lambda tf, x: tf.split(x, 2, 1),
    "top_k": lambda tf, x: tf.math.top_k(x, 2).values,
    "conv2d": lambda tf, x: tf.nn.conv2d(tf.reshape(x, [1, 3, 4, 1]), tf.ones([2, 2, 1, 2]), 1, "VALID"),
    "max_pool": lambda tf, x: tf.nn.max_pool2d(tf.reshape(x, [1, 3, 4, 1]), 2, 1, "VALID"),
    "moments": lambda tf, x: tf.nn.batch_normalization(x, *tf.nn.moments(x, [1], keepdims=True), None, None, 1e-3),
    "cholesky": lambda tf, x: tf.linalg.cholesky(tf.matmul(x, x, transpose_b=True) + tf.eye(3)),
    "svd": lambda tf, x: tf.linalg.svd(x, compute_uv=False),
    "cast_float64": lambda tf, x: tf.cast(x, tf.float64) * 2.0,
    "fft": lambda tf, x: tf.math.real(tf.signal.fft(tf.complex(x, x * 0.5))),
    "while_loop": lambda tf, x: tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (0, tf.ones_like(x)))[1],
    "traced_cond": lambda tf, x: tf.function(
        lambda a: tf.cond(tf.reduce_sum(a) > 0, lambda: tf.sin(a), lambda: a * 2.0))(x),
    "traced_while": lambda tf, x: tf.function(lambda a: tf.while_loop(
        lambda i, y: i < 3, lambda i, y: (i + 1, y * a), (0, tf.ones_like(a)))[1])(x),
    "map_fn": lambda tf, x: tf.map_fn(lambda r: r * r, x),
    "no_jvp_ops": lambda tf, x: [tf.stop_gradient(x), tf.round(x), tf.argmax(x), tf.zeros_like(x), tf.shape(x)],
}


def _jvps(tf, f):
    x = tf.constant(A)
    with tf.autodiff.ForwardAccumulator(x, tf.constant(U)) as acc:
        y = f(tf, x)
    return [None if t is None else (t.dtype.name, np.asarray(t)) for t in tf.nest.flatten(acc.jvp(y))]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_jvp_matches_tensorflow(name):
    flat_ours = _jvps(eagerflow, FUNCTIONS[name])
    flat_theirs = _jvps(tensorflow, FUNCTIONS[name])
    assert [t is None for t in flat_ours] == [t is None for t in flat_theirs]
    for a, b in zip(flat_ours, flat_theirs):
        if a is None:
            continue
        assert a[0] == b[0]
        np.testing.assert_allclose(a[1], b[1], rtol=2e-4, atol=2e-5)


def _hvp_and_nested(tf):
    v = tf.Variable([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.5])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.sin(v) * v ** 3.0)
        backward = tape.gradient(y, v)
    hvp = acc.jvp(backward)
    primal = tf.constant(1.1)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as outer:
        with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.0)) as inner:
            out = tf.exp(primal) * primal ** tf.constant(3.5)
    x = tf.constant(2.0)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc2:
            z = tf.tanh(x) * x
        jvp = acc2.jvp(z)
    return [hvp, acc.jvp(v), inner.jvp(out), outer.jvp(inner.jvp(out)), inner.jvp(outer.jvp(out)),
            t2.gradient(jvp, x)]


def test_hvp_nested_accumulators_and_backward_over_forward_match_tensorflow():
    ours, theirs = _hvp_and_nested(eagerflow), _hvp_and_nested(tensorflow)
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5)


ERRORS = [
    "tf.autodiff.ForwardAccumulator([x, x], [x, x])",
    "tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 2.0], tf.float64))",
    "tf.autodiff.ForwardAccumulator(None, None)",
    "tf.autodiff.ForwardAccumulator([1.0], [1.0])",
    "tf.autodiff.ForwardAccumulator(x, x).jvp(x, unconnected_gradients='bad')",
    "a = tf.autodiff.ForwardAccumulator(x, x)\nwith a:\n    a.__enter__()",
]


@pytest.mark.parametrize("code", ERRORS)
def test_errors_match_tensorflow(code):
    def run(tf):
        try:
            exec(code, {"tf": tf, "x": tf.constant([1.0, 2.0])})  # noqa: S102 - fixed snippets
        except Exception as e:  # noqa: BLE001 - the error itself is compared
            return type(e).__name__, str(e).replace("tensorflow", "eagerflow")
        return None

    assert run(eagerflow) == run(tensorflow)
