"""tf.sets: results as TF 2.21 gives them (SparseTensors of sorted members per row)."""
import pytest

import eagerflow as tf

A = [[1, 2, 3], [4, 5, 5]]
B = [[3, 2, 9], [7, 7, 7]]


def test_intersection_rows_sorted():
    out = tf.sets.intersection(tf.constant(A), tf.constant(B))
    assert out.values.numpy().tolist() == [2, 3] and out.dense_shape.numpy().tolist() == [2, 2]


def test_union_pads_to_largest_row():
    out = tf.sets.union(tf.constant(A), tf.constant(B))
    assert out.values.numpy().tolist() == [1, 2, 3, 9, 4, 5, 7] and out.dense_shape.numpy().tolist() == [2, 4]


def test_difference_both_ways():
    assert tf.sets.difference(tf.constant(A), tf.constant(B)).values.numpy().tolist() == [1, 4, 5]
    assert tf.sets.difference(tf.constant(A), tf.constant(B), aminusb=False).values.numpy().tolist() == [9, 7]


def test_size_counts_unique_sparse_values():
    sa = tf.sparse.from_dense(tf.constant([[1, 0, 2], [0, 0, 3]]))
    assert tf.sets.size(sa).numpy().tolist() == [2, 1]


def test_size_of_dense_is_type_error():
    with pytest.raises(TypeError, match="Expected `SparseTensor`"):
        tf.sets.size(tf.constant(A))


def test_mismatched_row_shapes_are_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Mismatched shapes \[1\] vs \[2\]"):
        tf.sets.union(tf.constant([[1, 2]]), tf.constant([[1], [2]]))
