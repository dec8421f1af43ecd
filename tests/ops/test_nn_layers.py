"""tf.nn helpers around layers: dropout's RNG semantics, embeddings, average losses, errors."""
import numpy as np
import pytest

import eagerflow as tf

X = np.arange(1, 25, dtype=np.float32).reshape(4, 6)


def test_dropout_zero_rate_returns_input():
    x = tf.constant(X)
    assert tf.nn.dropout(x, 0.0) is x


def test_dropout_keeps_or_scales():
    y = tf.nn.dropout(X, 0.25, seed=1).numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], X[kept] / 0.75, rtol=1e-6)


def test_dropout_same_op_seed_differs_between_calls():
    tf.random.set_seed(7)
    a, b = tf.nn.dropout(X, 0.5, seed=3), tf.nn.dropout(X, 0.5, seed=3)
    assert not np.array_equal(a.numpy(), b.numpy())


def test_dropout_global_seed_repeats_sequence():
    tf.random.set_seed(7)
    a = tf.nn.dropout(X, 0.5, seed=3)
    tf.random.set_seed(7)
    b = tf.nn.dropout(X, 0.5, seed=3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_dropout_noise_shape_broadcasts_mask():
    y = tf.nn.dropout(X, 0.5, noise_shape=[4, 1], seed=2).numpy()
    assert all(len(set((row != 0).tolist())) == 1 for row in y)


@pytest.mark.parametrize("rate", [-0.1, 1.0])
def test_dropout_rate_out_of_range(rate):
    with pytest.raises(ValueError, match=r"`rate` must be a scalar tensor or a float in the range \[0, 1\)"):
        tf.nn.dropout(X, rate)


def test_dropout_rejects_integers():
    with pytest.raises(ValueError, match="`x.dtype` must be a floating point tensor"):
        tf.nn.dropout(tf.constant([1, 2]), 0.5)


def test_stateless_dropout_is_deterministic():
    a = tf.nn.experimental.stateless_dropout(X, 0.5, seed=[1, 2])
    b = tf.nn.experimental.stateless_dropout(X, 0.5, seed=[1, 2])
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_general_dropout_uses_given_sampler():
    y = tf.nn.experimental.general_dropout(X, 0.5, lambda shape, dtype: tf.zeros(shape, dtype))
    assert not y.numpy().any()


def test_embedding_lookup_gradient_is_rows_of_ids():
    table = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.embedding_lookup(table, [1, 1, 3]))
    g = tf.convert_to_tensor(tape.gradient(y, table)).numpy()
    np.testing.assert_array_equal(g.sum(axis=1), [0, 12, 0, 6])


def test_embedding_lookup_max_norm_clips_rows():
    y = tf.nn.embedding_lookup(X, [0, 3], max_norm=1.0).numpy()
    np.testing.assert_allclose(np.linalg.norm(y, axis=1), [1.0, 1.0], rtol=1e-6)


def test_compute_average_loss_divides_by_global_batch():
    assert float(tf.nn.compute_average_loss([1.0, 2.0, 3.0], global_batch_size=6)) == 1.0


def test_compute_average_loss_rejects_scalars():
    with pytest.raises(ValueError, match="Expected a tensor with at least rank 1"):
        tf.nn.compute_average_loss(1.0)


def test_compute_average_loss_zero_batch_is_zero():
    assert float(tf.nn.compute_average_loss([1.0], global_batch_size=0)) == 0.0


def test_zero_fraction():
    assert float(tf.nn.zero_fraction([0.0, 1.0, 0.0, 2.0])) == 0.5


def test_lrn_rejects_float64():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of double"):
        tf.nn.lrn(np.ones((1, 1, 1, 3)))


def test_depth_to_space_depth_not_divisible():
    with pytest.raises(tf.errors.InvalidArgumentError, match="should be divisible by: 4"):
        tf.nn.depth_to_space(np.ones((1, 2, 2, 6), np.float32), 2)


def test_isotonic_regression_pools_violators():
    out, segments = tf.nn.isotonic_regression([[1.0, 3.0, 2.0, 0.0]])
    np.testing.assert_allclose(out.numpy(), [[2.0, 2.0, 2.0, 0.0]])
    assert segments.numpy().tolist() == [[0, 0, 1, 2]]  # equal neighbouring means stay apart


def test_isotonic_regression_gradient_averages_segments():
    x = tf.constant([[1.0, 3.0, 2.0, 0.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.nn.isotonic_regression(x)[0] * tf.constant([[3.0, 0.0, 0.0, 1.0]]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[1.5, 1.5, 0.0, 1.0]])
