"""Differential test: tf.nn.fractional_max_pool / fractional_avg_pool on eagerflow and TensorFlow
2.21 with a seed: pooling sequences, outputs and gradients, and errors."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow



@pytest.fixture(autouse=True)
def no_global_seed():
    ef.random.set_seed(None)
    tf_real.random.set_seed(None)


X = np.random.default_rng(0).uniform(-5, 5, (2, 11, 13, 3)).astype(np.float32)


def _run(tf, pool, x, ratio, pseudo_random, overlapping, seed):
    xt = tf.constant(x)
    with tf.GradientTape() as g:
        g.watch(xt)
        r = getattr(tf.nn, pool)(xt, ratio, pseudo_random=pseudo_random, overlapping=overlapping, seed=seed)
        weights = tf.reshape(tf.range(1.0, 1.0 + float(np.prod(r.output.shape))), r.output.shape)
        y = tf.reduce_sum(tf.cast(r.output, tf.float32) * weights)
    grad = g.gradient(y, xt) if x.dtype.kind == "f" else None
    return (r.output.numpy(), r.row_pooling_sequence.numpy(), r.col_pooling_sequence.numpy(),
            None if grad is None else grad.numpy())


@pytest.mark.parametrize("pool", ["fractional_max_pool", "fractional_avg_pool"])
@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("seed", [1, 7, 123])
def test_sequences_outputs_and_gradients_match_tensorflow(pool, pseudo_random, overlapping, seed):
    ratio = [1.0, 1.44, 1.73, 1.0]
    ours = _run(ef, pool, X, ratio, pseudo_random, overlapping, seed)
    theirs = _run(tf_real, pool, X, ratio, pseudo_random, overlapping, seed)
    np.testing.assert_array_equal(ours[1], theirs[1])
    np.testing.assert_array_equal(ours[2], theirs[2])
    if pool == "fractional_max_pool":
        np.testing.assert_array_equal(ours[0], theirs[0])
        np.testing.assert_array_equal(ours[3], theirs[3])
    else:
        np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.int64])
@pytest.mark.parametrize("pool", ["fractional_max_pool", "fractional_avg_pool"])
def test_other_dtypes_match_tensorflow(dtype, pool):
    x = (X * 10).astype(dtype)[:, :9, :10, :]
    ours = _run(ef, pool, x, [1.0, 2.2, 1.3, 1.0], False, False, 5)
    theirs = _run(tf_real, pool, x, [1.0, 2.2, 1.3, 1.0], False, False, 5)
    for a, b in zip(ours, theirs):
        if a is None:
            assert b is None
        else:
            np.testing.assert_array_equal(a, b)


def _outcome(fn):
    try:
        r = fn()
        return ("ok", r.output.numpy().tolist())
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return (type(e).__name__, str(e))


ERRORS = [
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), [1.0, 6.0, 1.5, 1.0], seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([5, 6, 1]), 1.5, seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1], tf.float16), 1.5, seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1], tf.uint8), [1.0, 1.5, 1.5, 1.0], seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), [1.5, 1.5], seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), [1.0, 1.5, 1.0], seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), [1.0, 0.5, 1.5, 1.0], seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), 0.5, seed=3),
    lambda tf: tf.nn.fractional_max_pool(tf.zeros([2, 5, 6, 1]), "a", seed=3),
    lambda tf: tf.nn.fractional_avg_pool(tf.zeros([2, 5, 6, 1]), 1.5, seed=3),
    lambda tf: tf.nn.fractional_avg_pool(tf.zeros([2, 5, 6, 1]), [1.5, 1.5], seed=2),
    lambda tf: tf.nn.fractional_avg_pool(tf.zeros([2, 5, 6, 1]), [1.0, 1.5, 1.5, 1.0, 1.0], seed=2),
    lambda tf: tf.nn.fractional_avg_pool(tf.zeros([2, 5, 6, 1]), [2.0, 1.5, 1.5, 1.0], seed=2),
    lambda tf: tf.nn.fractional_avg_pool(tf.zeros([2, 5, 6, 1]), [1.0, 0.5, 1.5, 1.0], seed=2),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_tensorflow(index):
    ours = _outcome(lambda: ERRORS[index](ef))
    assert ours[0] != "ok"
    assert ours == _outcome(lambda: ERRORS[index](tf_real))
