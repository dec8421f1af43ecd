"""space_to_batch / batch_to_space: round trips, shapes, errors, each the other's gradient."""
import numpy as np
import pytest

import eagerflow as tf

X = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3)


def test_space_to_batch_shape():
    y = tf.space_to_batch(X, [2, 3], [[0, 0], [0, 0]])
    assert y.shape == (12, 2, 2, 3)


def test_space_to_batch_then_batch_to_space_round_trips():
    y = tf.space_to_batch_nd(X, [2, 2], [[1, 1], [2, 0]])
    np.testing.assert_array_equal(tf.batch_to_space(y, [2, 2], [[1, 1], [2, 0]]).numpy(), X)


def test_block_offsets_go_to_the_batch():
    x = np.arange(4, dtype=np.float32).reshape(1, 2, 2, 1)
    y = tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]]).numpy().ravel()
    assert y.tolist() == [0, 1, 2, 3]


def test_gradient_is_the_inverse_move():
    x = tf.constant(X)
    weights = tf.constant(np.random.default_rng(0).standard_normal((12, 2, 2, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.space_to_batch(x, [2, 3], [[0, 0], [0, 0]]) * weights)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), tf.batch_to_space(weights, [2, 3], [[0, 0], [0, 0]]))


def test_padded_size_must_divide_by_block():
    with pytest.raises(tf.errors.InvalidArgumentError, match="is not divisible by block_shape"):
        tf.space_to_batch(X, [3, 1], [[0, 0], [0, 0]])


def test_required_paddings_round_up_to_blocks():
    paddings, crops = tf.required_space_to_batch_paddings([5, 6], [2, 4])
    assert paddings.numpy().tolist() == [[0, 1], [0, 2]] and crops.numpy().tolist() == [[0, 1], [0, 2]]


def test_with_space_to_batch_equals_dilated_convolution():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 7, 7, 2)).astype(np.float32)
    w = rng.standard_normal((3, 3, 2, 2)).astype(np.float32)
    got = tf.nn.with_space_to_batch(x, [2, 2], "SAME", lambda v, n, p: tf.nn.conv2d(v, w, 1, p), filter_shape=[3, 3])
    want = tf.nn.conv2d(x, w, 1, "SAME", dilations=2)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
