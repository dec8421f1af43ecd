"""`tf.random.stateless_gamma`: deterministic in its seed, TF's shapes, dtypes and errors,
the gamma distribution's moments (draws are not bit-exact with TF)."""
import numpy as np
import pytest

import eagerflow as tf


def test_same_seed_same_draws_other_seed_other_draws():
    a = tf.random.stateless_gamma([4, 3], [1, 2], alpha=[1.0, 2.0, 3.0])
    b = tf.random.stateless_gamma([4, 3], [1, 2], alpha=[1.0, 2.0, 3.0])
    c = tf.random.stateless_gamma([4, 3], [1, 3], alpha=[1.0, 2.0, 3.0])
    assert np.array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())


def test_output_has_the_given_shape_and_dtype():
    x = tf.random.stateless_gamma([2, 3], [1, 2], alpha=2.0, beta=[1.0, 2.0, 4.0], dtype=tf.float64)
    assert (x.shape.as_list(), x.dtype) == ([2, 3], tf.float64)


def test_moments_are_alpha_over_beta_and_alpha_over_beta_squared():
    x = tf.random.stateless_gamma([40000], [5, 6], alpha=3.0, beta=2.0).numpy()
    assert abs(x.mean() - 1.5) < 0.03
    assert abs(x.var() - 0.75) < 0.05


def test_traced_draws_equal_eager_draws():
    eager = tf.random.stateless_gamma([2, 3], [7, 8], alpha=[1.0, 2.0, 3.0])
    traced = tf.function(lambda: tf.random.stateless_gamma([2, 3], [7, 8], alpha=[1.0, 2.0, 3.0]))()
    assert np.array_equal(eager.numpy(), traced.numpy())


def test_bfloat16_is_refused_with_tfs_attr_error():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Value for attr 'dtype' of bfloat16 is not in the list of allowed values: half, float, double"):
        tf.random.stateless_gamma([2], [1, 2], alpha=2.0, dtype=tf.bfloat16)


def test_shape_not_ending_with_alphas_shape_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shape passed in must end with broadcasted shape"):
        tf.random.stateless_gamma([2, 3], [1, 2], alpha=[1.0, 2.0])


def test_traced_shape_known_at_run_time_gives_unknown_dims_and_eager_draws():
    seen = []

    @tf.function
    def draw(n, alpha):
        out = tf.random.stateless_gamma([n, 2], [7, 8], alpha=alpha)
        seen.append(out.shape.as_list())
        return out

    eager = tf.random.stateless_gamma([3, 2], [7, 8], alpha=[1.0, 2.0])
    traced = draw.get_concrete_function(tf.TensorSpec([], tf.int32), tf.TensorSpec([None]))(
        tf.constant(3), tf.constant([1.0, 2.0]))
    assert seen == [[None, 2]]
    assert np.array_equal(traced.numpy(), eager.numpy())
