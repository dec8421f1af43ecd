"""tf.sparse ops: values as TF 2.21 gives them, gradients through the values."""
import numpy as np
import pytest

import eagerflow as tf


def _st():
    return tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [-1., -2., 3.], [3, 3])


def test_to_dense_fills_default():
    np.testing.assert_array_equal(tf.sparse.to_dense(_st(), default_value=7.).numpy(),
                                  [[7., -1., 7.], [-2., 7., 3.], [7., 7., 7.]])


def test_to_dense_out_of_bounds_index_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = \[0,5\] is out of bounds"):
        tf.sparse.to_dense(tf.SparseTensor([[0, 5]], [1.], [2, 3]))


def test_to_dense_unordered_indices_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="is out of order"):
        tf.sparse.to_dense(tf.SparseTensor([[1, 0], [0, 0]], [1., 2.], [2, 3]))


def test_from_dense_keeps_nonzeros():
    st = tf.sparse.from_dense([[0, 2], [3, 0]])
    assert st.indices.numpy().tolist() == [[0, 1], [1, 0]] and st.values.numpy().tolist() == [2, 3]


def test_add_sparse_sparse_unions_indices():
    a = tf.SparseTensor([[0, 1], [1, 0]], [1., -5.], [2, 2])
    b = tf.SparseTensor([[0, 1], [1, 1]], [3., -2.], [2, 2])
    out = tf.sparse.add(a, b)
    assert out.indices.numpy().tolist() == [[0, 1], [1, 0], [1, 1]] and out.values.numpy().tolist() == [4., -5., -2.]


def test_reorder_sorts_row_major():
    st = tf.sparse.reorder(tf.SparseTensor([[1, 0], [0, 2], [0, 1]], [1, 2, 3], [2, 3]))
    assert st.values.numpy().tolist() == [3, 2, 1]


def test_reshape_size_mismatch_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="9 dense values"):
        tf.sparse.reshape(_st(), [2, 2])


def test_fill_empty_rows():
    st, empty = tf.sparse.fill_empty_rows(tf.SparseTensor([[1, 0]], [5], [3, 2]), 0)
    assert st.indices.numpy().tolist() == [[0, 0], [1, 0], [2, 0]] and empty.numpy().tolist() == [True, False, True]


def test_sparse_dense_matmul():
    out = tf.sparse.sparse_dense_matmul(_st(), tf.ones([3, 2]))
    assert out.numpy().tolist() == [[-1., -1.], [1., 1.], [0., 0.]]


def test_reduce_max_counts_present_values_only():
    assert tf.sparse.reduce_max(_st(), axis=1).numpy().tolist() == [-1., 3., 0.]


def test_split_gives_larger_pieces_first():
    parts = tf.sparse.split(sp_input=tf.SparseTensor([[0, 4]], [1], [1, 5]), num_split=2, axis=1)
    assert [p.dense_shape.numpy().tolist() for p in parts] == [[1, 3], [1, 2]]


def test_multiply_by_dense_gathers_at_indices():
    out = _st() * tf.fill([3, 3], 2.)
    assert out.values.numpy().tolist() == [-2., -4., 6.]


def test_gradient_reaches_values():
    v = tf.Variable([1., 2., 3.])
    st = tf.SparseTensor([[0, 1], [1, 0], [1, 2]], [1., 1., 1.], [3, 3])
    with tf.GradientTape() as g:
        y = tf.reduce_sum(tf.sparse.sparse_dense_matmul(st.with_values(v * v), tf.ones([3, 2])))
    assert g.gradient(y, v).numpy().tolist() == [4., 8., 12.]


def test_cross_joins_every_combination_per_row():
    st = tf.sparse.from_dense([["a", "", ""], ["b", "c", ""]])
    out = tf.sparse.cross([st, tf.constant([["d"], ["e"]])])
    assert out.values.numpy().tolist() == [b"a_X_d", b"b_X_e", b"c_X_e"]
    assert out.indices.numpy().tolist() == [[0, 0], [1, 0], [1, 1]]


def test_bincount_per_row():
    out = tf.sparse.bincount([[1, 1, 3], [2, 2, 2]], axis=-1)
    assert out.indices.numpy().tolist() == [[0, 1], [0, 3], [1, 2]] and out.values.numpy().tolist() == [2, 1, 3]


def test_bincount_of_float_values_counts_them_as_int32():
    counts = tf.math.bincount(tf.constant([[1.0], [3.7]]), minlength=5, maxlength=5, axis=-1, binary_output=True)
    np.testing.assert_array_equal(counts.numpy(), [[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]])


def test_sparse_dense_matmul_of_float16():
    a = tf.SparseTensor([[0, 1], [1, 0]], tf.constant([1.5, 2.0], tf.float16), (2, 2))
    b = tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float16)
    out = tf.sparse.sparse_dense_matmul(a, b)
    assert out.dtype == tf.float16
    np.testing.assert_array_equal(out.numpy(), [[4.5, 6.0], [2.0, 4.0]])
