"""`tf.nn.fractional_max_pool` / `fractional_avg_pool`: TF 2.21's pooling sequences for a seed
(printed by TF 2.21), the sequence rules, pooled values, gradient routing and errors."""
import numpy as np
import pytest

import eagerflow as tf

X = np.random.default_rng(0).uniform(-5, 5, (2, 11, 13, 3)).astype(np.float32)
GRID = tf.reshape(tf.range(2 * 5 * 6 * 1), [2, 5, 6, 1])


@pytest.fixture(autouse=True)
def no_global_seed():
    """The expected sequences are TF's for an op seed with no global seed set (other tests set one)."""
    tf.random.set_seed(None)


def test_random_sequences_for_a_seed_are_tfs():
    r = tf.nn.fractional_max_pool(X, [1.0, 1.44, 1.73, 1.0], seed=1)
    assert r.row_pooling_sequence.numpy().tolist() == [0, 2, 3, 4, 6, 8, 9, 11]
    assert r.col_pooling_sequence.numpy().tolist() == [0, 2, 4, 6, 7, 9, 11, 13]


def test_pseudo_random_sequences_for_a_seed_are_tfs():
    r = tf.nn.fractional_avg_pool(X, [1.0, 1.44, 1.73, 1.0], pseudo_random=True, seed=7)
    assert r.row_pooling_sequence.numpy().tolist() == [0, 2, 4, 5, 7, 9, 10, 11]
    assert r.col_pooling_sequence.numpy().tolist() == [0, 2, 4, 6, 7, 9, 11, 13]


@pytest.mark.parametrize("pseudo_random", [False, True])
def test_sequences_start_at_0_end_at_the_size_and_step_by_k_or_k_plus_1(pseudo_random):
    r = tf.nn.fractional_max_pool(tf.zeros([1, 23, 17, 1]), [1.0, 1.7, 1.3, 1.0], pseudo_random=pseudo_random)
    for seq, size, ratio in ((r.row_pooling_sequence, 23, 1.7), (r.col_pooling_sequence, 17, 1.3)):
        s = seq.numpy()
        out = int(np.floor(size / ratio))
        assert s[0] == 0 and s[-1] == size and len(s) == out + 1
        assert set(np.diff(s)) <= {size // out, size // out + 1}


def test_max_pool_takes_each_regions_maximum():
    r = tf.nn.fractional_max_pool(GRID, [1.0, 1.5, 1.5, 1.0], seed=3)
    assert r.output.dtype == tf.int32 and r.output.shape == (2, 3, 4, 1)
    assert r.output.numpy().ravel()[:6].tolist() == [0, 2, 3, 5, 12, 14]
    assert r.row_pooling_sequence.numpy().tolist() == [0, 1, 3, 5]


def test_avg_pool_averages_each_region_in_integer_dtypes_too():
    r = tf.nn.fractional_avg_pool(GRID, [1.0, 1.5, 1.5, 1.0], seed=3)
    assert r.output.numpy().ravel()[:6].tolist() == [0, 1, 3, 4, 9, 10]


def test_overlapping_regions_share_their_boundary():
    r = tf.nn.fractional_max_pool(tf.cast(GRID, tf.float32), [1.0, 1.5, 1.5, 1.0], seed=3, overlapping=True)
    assert r.output.numpy().ravel()[:8].tolist() == [7.0, 9.0, 10.0, 11.0, 19.0, 21.0, 22.0, 23.0]
    assert r.col_pooling_sequence.numpy().tolist() == [0, 1, 3, 4, 6]


def test_a_seed_gives_the_same_sequences_on_every_call():
    a = tf.nn.fractional_max_pool(X, [1.0, 1.44, 1.73, 1.0], seed=9)
    b = tf.nn.fractional_max_pool(X, [1.0, 1.44, 1.73, 1.0], seed=9)
    assert a.row_pooling_sequence.numpy().tolist() == b.row_pooling_sequence.numpy().tolist()
    np.testing.assert_array_equal(a.output.numpy(), b.output.numpy())


def test_max_pool_gradient_goes_to_each_regions_first_maximum():
    x = tf.constant([[[[1.0], [3.0], [3.0]], [[0.0], [2.0], [5.0]], [[4.0], [4.0], [1.0]]]])
    with tf.GradientTape() as g:
        g.watch(x)
        r = tf.nn.fractional_max_pool(x, [1.0, 1.5, 1.5, 1.0], seed=4, overlapping=True)
        y = tf.reduce_sum(r.output * tf.constant([[[[1.0], [10.0]], [[100.0], [1000.0]]]]))
    dx = g.gradient(y, x).numpy()[0, :, :, 0]
    rows, cols = r.row_pooling_sequence.numpy(), r.col_pooling_sequence.numpy()
    expected = np.zeros((3, 3))
    weights = [[1.0, 10.0], [100.0, 1000.0]]
    xs = x.numpy()[0, :, :, 0]
    for i in range(2):
        for j in range(2):
            region = xs[rows[i]:rows[i + 1] + 1, cols[j]:cols[j + 1] + 1]
            a, b = np.unravel_index(np.argmax(region), region.shape)
            expected[rows[i] + a, cols[j] + b] += weights[i][j]
    np.testing.assert_array_equal(dx, expected)


def test_avg_pool_gradient_spreads_evenly_over_each_region():
    x = tf.constant(X[:1, :7, :5, :1])
    with tf.GradientTape() as g:
        g.watch(x)
        r = tf.nn.fractional_avg_pool(x, [1.0, 1.6, 1.6, 1.0], seed=2)
    dx = g.gradient(r.output, x).numpy()[0, :, :, 0]
    rows, cols = r.row_pooling_sequence.numpy(), r.col_pooling_sequence.numpy()
    expected = np.zeros((7, 5))
    for i in range(len(rows) - 1):
        for j in range(len(cols) - 1):
            cells = (rows[i + 1] - rows[i]) * (cols[j + 1] - cols[j])
            expected[rows[i]:rows[i + 1], cols[j]:cols[j + 1]] += 1.0 / cells
    np.testing.assert_allclose(dx, expected, rtol=1e-6)


def test_fractional_pool_traces_inside_tf_function():
    f = tf.function(lambda v: tf.nn.fractional_max_pool(v, [1.0, 1.5, 1.5, 1.0], seed=3, overlapping=True))
    r = f(tf.cast(GRID, tf.float32))
    assert r.output.numpy().ravel()[:4].tolist() == [7.0, 9.0, 10.0, 11.0]


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Pooling ratio is higher than input dimension size for "
                       r"dimension 1\. Input dim size: 5 pooling ratio: 6 \[Op:FractionalMaxPool\] name: $"):
        tf.nn.fractional_max_pool(GRID, [1.0, 6.0, 1.5, 1.0], seed=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"tensor_in must be 4-dimensional \[Op:FractionalMaxPool\]$"):
        tf.nn.fractional_max_pool(tf.zeros([5, 6, 1]), 1.5, seed=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of half is not in the list"):
        tf.nn.fractional_max_pool(tf.zeros([1, 5, 6, 1], tf.float16), 1.5)
    with pytest.raises(ValueError, match="should have first and last elements with value 1.0"):
        tf.nn.fractional_max_pool(GRID, [1.5, 1.5])
    with pytest.raises(TypeError, match="Expected list for 'pooling_ratio' argument to 'fractional_avg_pool' Op"):
        tf.nn.fractional_avg_pool(GRID, 1.5)
    with pytest.raises(tf.errors.UnimplementedError, match="Fractional average pooling is not yet supported on the "
                       "batch nor channel dimension"):
        tf.nn.fractional_avg_pool(GRID, [2.0, 1.5, 1.5, 1.0])
