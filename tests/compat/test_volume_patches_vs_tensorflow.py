"""Differential test: tf.extract_volume_patches on eagerflow and TensorFlow 2.21: patches, dtypes,
gradients and errors."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

X = np.random.default_rng(2).standard_normal((2, 5, 6, 7, 3)).astype(np.float32)
CASES = [([1, 2, 2, 3, 1], [1, 1, 2, 2, 1]), ([1, 3, 4, 2, 1], [1, 2, 3, 1, 1]), ([1, 5, 1, 7, 1], [1, 4, 1, 3, 1])]


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("ksizes, strides", CASES)
@pytest.mark.parametrize("dtype", ["float32", "int32", "float16"])
def test_patches_and_gradients_match_tensorflow(ksizes, strides, padding, dtype):
    got = []
    for tf in (ef, tf_real):
        x = tf.cast(tf.constant(X * 10), dtype)
        with tf.GradientTape() as g:
            g.watch(x)
            r = tf.extract_volume_patches(x, ksizes, strides, padding)
            y = tf.reduce_sum(tf.cast(r, tf.float32) * tf.reshape(tf.range(tf.size(r), dtype=tf.float32) % 5,
                                                                   r.shape))
        grad = g.gradient(y, x) if dtype != "int32" else None
        got.append((r.dtype.name, r.numpy(), None if grad is None else grad.numpy()))
    assert got[0][0] == got[1][0]
    np.testing.assert_array_equal(got[0][1], got[1][1])
    if got[0][2] is not None:
        np.testing.assert_array_equal(got[0][2], got[1][2])


def _outcome(fn):
    try:
        return ("ok", fn().shape)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return (type(e).__name__, str(e))


ERRORS = [
    lambda tf: tf.extract_volume_patches(tf.constant(X), [2, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME"),
    lambda tf: tf.extract_volume_patches(tf.constant(X), [1, 2, 2, 3, 1], [2, 1, 2, 2, 1], "SAME"),
    lambda tf: tf.extract_volume_patches(tf.constant(X), [1, 2, 2, 3], [1, 1, 2, 2, 1], "SAME"),
    lambda tf: tf.extract_volume_patches(tf.constant(X[0]), [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME"),
    lambda tf: tf.extract_volume_patches(tf.constant(X), [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "FOO"),
    lambda tf: tf.extract_volume_patches(tf.constant(X), [1, 9, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"),
    lambda tf: tf.extract_volume_patches(tf.cast(tf.constant(X), tf.bool), [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "VALID"),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_tensorflow(index):
    ours = _outcome(lambda: ERRORS[index](ef))
    assert ours[0] != "ok"
    assert ours == _outcome(lambda: ERRORS[index](tf_real))
