"""Differential test: tf.random_index_shuffle on eagerflow and TensorFlow 2.21: values over dtypes,
seed shapes, block sizes and rounds; errors."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow


@pytest.mark.parametrize("dtype", ["int32", "uint32", "int64", "uint64"])
@pytest.mark.parametrize("max_index", [1, 9, 70000, 2**31 - 1])
@pytest.mark.parametrize("rounds", [4, 8])
def test_values_match_tensorflow(dtype, max_index, rounds):
    index = np.linspace(0, max_index, 40).astype(np.int64)
    got = []
    for tf in (ef, tf_real):
        seeds = tf.constant(np.arange(120).reshape(40, 3) * 7919 - 300, tf.int64)
        a = tf.random_index_shuffle(tf.constant(index, dtype), seeds, tf.constant(max_index, dtype), rounds=rounds)
        b = tf.random_index_shuffle(tf.constant(index, dtype), tf.constant([5, -6, 7], tf.int32),
                                    tf.constant(max_index, dtype), rounds=rounds)
        got.append((a.dtype.name, a.numpy().tolist(), b.numpy().tolist()))
    assert got[0] == got[1]


def test_64_bit_indices_match_tensorflow():
    index = np.array([0, 1, 2**40, 2**62, 2**63 - 1], np.uint64)
    got = [tf.random_index_shuffle(tf.constant(index), tf.constant([1, 2, 3], tf.uint64),
                                   tf.constant(2**64 - 1, tf.uint64)).numpy().tolist() for tf in (ef, tf_real)]
    assert got[0] == got[1]


def _outcome(fn):
    try:
        return ("ok", fn().numpy().tolist())
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return (type(e).__name__, str(e))


ERRORS = [
    lambda tf: tf.random_index_shuffle(tf.range(10), [1, 2], 9),
    lambda tf: tf.random_index_shuffle(tf.range(10), [1, 2, 3], [9, 8]),
    lambda tf: tf.random_index_shuffle(tf.constant([[1]]), [1, 2, 3], 9),
    lambda tf: tf.random_index_shuffle(tf.range(10), [1, 2, 3], tf.constant(9, tf.int64)),
    lambda tf: tf.random_index_shuffle(tf.range(10.0), [1, 2, 3], 9.0),
    lambda tf: tf.random_index_shuffle(tf.range(3), [1, 2, 3], 0),
    lambda tf: tf.random_index_shuffle(tf.range(3), tf.constant([1.0, 2, 3]), 5),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_tensorflow(index):
    ours = _outcome(lambda: ERRORS[index](ef))
    assert ours[0] != "ok"
    assert ours == _outcome(lambda: ERRORS[index](tf_real))
