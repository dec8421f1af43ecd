"""`tf.random_index_shuffle`: TF 2.21's values (printed by TF 2.21), bijectivity, broadcasting, errors."""
import numpy as np
import pytest

import eagerflow as tf


def test_values_are_tfs():
    assert tf.random_index_shuffle(tf.range(10), [1, 2, 3], 9).numpy().tolist() == [2, 0, 6, 4, 8, 1, 7, 9, 5, 3]
    assert int(tf.random_index_shuffle(5, [1, 2, 3], 100000)) == 36952
    r = tf.random_index_shuffle(tf.constant(5, tf.uint64), tf.constant([-1, 2**31, 3], tf.int64),
                                tf.constant(2**40, tf.uint64))
    assert r.dtype == tf.uint64 and int(r) == 1066792714292
    assert tf.random_index_shuffle(tf.range(10), [1, 2, 3], 9, rounds=6).numpy().tolist() == [1, 6, 3, 7, 0, 5, 9, 2,
                                                                                             8, 4]


@pytest.mark.parametrize("max_index", [0, 1, 6, 255, 1000])
def test_is_a_permutation_of_0_to_max_index(max_index):
    out = tf.random_index_shuffle(tf.range(max_index + 1, dtype=tf.int64), tf.constant([7, 8, 9], tf.int64),
                                  tf.constant(max_index, tf.int64)).numpy()
    assert sorted(out.tolist()) == list(range(max_index + 1))


def test_per_row_seeds_match_one_seed_each():
    seeds = np.array([[1, 2, 3], [4, 5, 6], [1, 2, 3]], np.int32)
    rows = tf.random_index_shuffle(tf.constant([3, 3, 3]), seeds, 9).numpy().tolist()
    single = [int(tf.random_index_shuffle(3, s.tolist(), 9)) for s in seeds]
    assert rows == single and rows[0] == rows[2]


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Seed must be a vector of size \[3\] or a matrix of size "
                       r"\[10, 3\] but got \[2\]\. \[Op:RandomIndexShuffle\]$"):
        tf.random_index_shuffle(tf.range(10), [1, 2], 9)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"max_index must be >= index, but 0 < 1"):
        tf.random_index_shuffle(tf.range(3), [1, 2, 3], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'dtype' of float is not in the list"):
        tf.random_index_shuffle(tf.range(10.0), [1, 2, 3], 9.0)
