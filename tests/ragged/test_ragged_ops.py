"""Ops on RaggedTensors through dispatch: elementwise, reductions, tf.ragged.* (values from TF 2.21)."""
import numpy as np
import pytest

import eagerflow as tf


def test_add_ragged_to_ragged():
    rt = tf.ragged.constant([[1, 2], [3]])
    assert (rt + rt).to_list() == [[2, 4], [6]]


def test_dense_column_broadcasts_into_rows():
    rt = tf.ragged.constant([[1, 2], [3]])
    assert (rt + tf.constant([[1], [2]])).to_list() == [[2, 3], [5]]


def test_mismatched_rows_are_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x == y did not hold"):
        tf.ragged.constant([[1, 2], [3]]) + tf.ragged.constant([[1], [3, 4]])


def test_unary_math_runs_on_values():
    rt = tf.ragged.constant([[1., 4.], [9.]])
    assert tf.sqrt(rt).to_list() == [[1., 2.], [3.]]


def test_reduce_sum_over_rows():
    rt = tf.ragged.constant([[1., 2.], [3.], []])
    assert tf.reduce_sum(rt, axis=1).numpy().tolist() == [3., 3., 0.]
    assert tf.reduce_sum(rt, axis=0).numpy().tolist() == [4., 2.]


def test_reduce_max_of_empty_row_is_lowest():
    out = tf.reduce_max(tf.ragged.constant([[1., 2.], []]), axis=1).numpy()
    assert out.tolist() == [2., float(np.finfo(np.float32).min)]


def test_reduce_mean_of_ints_is_float64():
    out = tf.reduce_mean(tf.ragged.constant([[1, 2], [3]]), axis=1)
    assert out.dtype == tf.float64 and out.numpy().tolist() == [1.5, 3.]


def test_reduce_inner_ragged_axis_keeps_ragged():
    rt = tf.ragged.constant([[[1, 2], [3]], [[4]], []])
    assert tf.reduce_sum(rt, axis=0).to_list() == [[5, 2], [3]]
    assert tf.reduce_sum(rt, axis=2).to_list() == [[3, 3], [4], []]


def test_gradient_flows_to_values():
    x = tf.Variable([1., 2., 3.])
    with tf.GradientTape() as g:
        rt = tf.RaggedTensor.from_row_lengths(x * 1.0, [2, 1])
        y = tf.reduce_sum(tf.reduce_max(rt * rt, axis=1))
    assert g.gradient(y, x).numpy().tolist() == [0., 4., 6.]


def test_concat_axis1_joins_rows():
    a = tf.ragged.constant([[1, 2], [3]])
    b = tf.ragged.constant([[4], [5, 6]])
    assert tf.concat([a, b], axis=1).to_list() == [[1, 2, 4], [3, 5, 6]]


def test_stack_axis0():
    a = tf.ragged.constant([[1, 2], [3]])
    assert tf.ragged.stack([a, a]).to_list() == [[[1, 2], [3]], [[1, 2], [3]]]


def test_boolean_mask_ragged_mask():
    rt = tf.ragged.constant([[1, 2], [3]])
    mask = tf.ragged.constant([[True, False], [True]])
    assert tf.ragged.boolean_mask(rt, mask).to_list() == [[1], [3]]


def test_range_rows():
    assert tf.ragged.range([3, 0, 2]).to_list() == [[0, 1, 2], [], [0, 1]]


def test_segment_ids_and_splits_round_trip():
    splits = tf.ragged.segment_ids_to_row_splits([0, 0, 2])
    assert splits.numpy().tolist() == [0, 2, 2, 3]
    assert tf.ragged.row_splits_to_segment_ids(splits).numpy().tolist() == [0, 0, 2]


def test_map_flat_values():
    rt = tf.ragged.constant([[1, 2], [3]])
    assert tf.ragged.map_flat_values(tf.ones_like, rt).to_list() == [[1, 1], [1]]


def test_ones_like_keeps_rows():
    assert tf.ones_like(tf.ragged.constant([[1, 2], [3]])).to_list() == [[1, 1], [1]]


def test_gather_rows():
    assert tf.gather(tf.ragged.constant([[1, 2], [3]]), [1, 0]).to_list() == [[3], [1, 2]]


def test_softmax_within_rows():
    out = tf.nn.softmax(tf.ragged.constant([[0., 0.], [5.]]))
    assert out.to_list() == [[0.5, 0.5], [1.0]]


def test_where_with_ragged_condition():
    rt = tf.ragged.constant([[1., 2.], [3.]])
    assert tf.where(rt > 1.5, rt, 0.).to_list() == [[0., 2.], [3.]]


def test_map_fn_over_ragged_rows_gives_ragged_results():
    rows = tf.ragged.constant([[1, 2, 2], [3], [4, 4, 5, 4]])
    out = tf.map_fn(lambda x: tf.unique(x)[0], rows)
    assert isinstance(out, tf.RaggedTensor)
    assert out.to_list() == [[1, 2], [3], [4, 5]]


def test_map_fn_over_ragged_rows_with_dense_signature_gives_tensor():
    out = tf.map_fn(tf.reduce_sum, tf.ragged.constant([[1, 2], [3], [4, 5, 6]]), fn_output_signature=tf.int32)
    assert out.numpy().tolist() == [3, 3, 15]


def test_ragged_stack_of_vectors_of_different_lengths_is_their_rows():
    out = tf.ragged.stack([tf.constant([1, 2]), tf.constant([3])])
    assert out.to_list() == [[1, 2], [3]]


def test_ragged_stack_of_vectors_on_axis_1_is_dense():
    out = tf.ragged.stack([tf.constant([1, 2]), tf.constant([3, 4])], axis=1)
    assert not isinstance(out, tf.RaggedTensor)
    assert out.numpy().tolist() == [[1, 3], [2, 4]]


def test_gather_of_dense_params_at_ragged_indices_on_axis_1():
    x = tf.reshape(tf.range(12.0), (3, 4))
    out = tf.gather(x, tf.ragged.constant([[0, 1], [3]]), axis=1)
    assert out.ragged_rank == 2
    assert out.to_list() == [[[0.0, 1.0], [3.0]], [[4.0, 5.0], [7.0]], [[8.0, 9.0], [11.0]]]


def test_gather_of_dense_params_at_ragged_indices_on_axis_0():
    out = tf.gather(tf.constant([10, 20, 30]), tf.ragged.constant([[2, 0], [1]]))
    assert out.to_list() == [[30, 10], [20]]
