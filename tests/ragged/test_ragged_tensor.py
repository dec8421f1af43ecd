"""RaggedTensor: construction, structure, printing, indexing, conversion (values as TF 2.21 gives)."""
import numpy as np
import pytest

import eagerflow as tf


def test_constant_prints_as_tf():
    assert repr(tf.ragged.constant([[1, 2], [3]])) == "<tf.RaggedTensor [[1, 2], [3]]>"


def test_constant_shape_has_none_for_ragged_dims():
    rt = tf.ragged.constant([[[1., 2], [3]], []])
    assert rt.shape.as_list() == [2, None, None] and rt.ragged_rank == 2


def test_constant_with_uniform_inner_dims():
    rt = tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert rt.shape.as_list() == [2, None, 2]


def test_constant_mixed_depth_is_value_error():
    with pytest.raises(ValueError, match="same nesting depth"):
        tf.ragged.constant([[1, 2], 3])


def test_row_splits_default_int64():
    assert tf.ragged.constant([[1], []]).row_splits.dtype == tf.int64


def test_from_row_splits_bad_start_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="valid RaggedTensor:zero"):
        tf.RaggedTensor.from_row_splits([1, 2, 3], [1, 3])


def test_from_row_lengths_and_value_rowids_agree():
    a = tf.RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1])
    b = tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 0, 2])
    assert a.to_list() == b.to_list() == [[1, 2], [], [3]]


def test_from_value_rowids_nrows_too_small_is_value_error():
    with pytest.raises(ValueError, match="Expected nrows >= value_rowids"):
        tf.RaggedTensor.from_value_rowids([1, 2, 3], [0, 1, 1], nrows=1)


def test_from_tensor_with_padding():
    assert tf.RaggedTensor.from_tensor([[1, 0, 0], [2, 3, 0]], padding=0).to_list() == [[1], [2, 3]]


def test_to_tensor_pads_with_default():
    dense = tf.ragged.constant([[1, 2], [3], []]).to_tensor(default_value=9)
    np.testing.assert_array_equal(dense.numpy(), [[1, 2], [3, 9], [9, 9]])


def test_to_tensor_with_shape_cuts_and_pads():
    dense = tf.ragged.constant([[1, 2], [3], []]).to_tensor(shape=[2, 4])
    np.testing.assert_array_equal(dense.numpy(), [[1, 2, 0, 0], [3, 0, 0, 0]])


def test_strings_to_tensor_pads_with_empty_bytes():
    dense = tf.ragged.constant([["a", "b"], ["c"]]).to_tensor()
    assert dense.numpy().tolist() == [[b"a", b"b"], [b"c", b""]]


def test_structure_accessors():
    rt = tf.ragged.constant([[1, 2], [3], []])
    assert rt.row_lengths().numpy().tolist() == [2, 1, 0]
    assert rt.value_rowids().numpy().tolist() == [0, 0, 1]
    assert rt.bounding_shape().numpy().tolist() == [3, 2]
    assert int(rt.nrows()) == 3


def test_merge_dims_of_nested_rows():
    rt = tf.ragged.constant([[[1, 2], [3]], [[4]], []])
    assert rt.merge_dims(1, 2).to_list() == [[1, 2, 3], [4], []]
    assert rt.merge_dims(0, 1).to_list() == [[1, 2], [3], [4]]


def test_getitem_row_and_slices():
    rt = tf.ragged.constant([[1, 2], [3], []])
    assert rt[0].numpy().tolist() == [1, 2]
    assert rt[1:].to_list() == [[3], []]
    assert rt[:, 1:].to_list() == [[2], [], []]


def test_getitem_inner_ragged_int_is_value_error():
    with pytest.raises(ValueError, match="Cannot index into an inner ragged dimension"):
        tf.ragged.constant([[1, 2], [3]])[:, 0]


def test_spec_repr():
    assert repr(tf.ragged.constant([[1, 2], [3]])._type_spec) == \
        "RaggedTensorSpec(TensorShape([2, None]), tf.int32, 1, tf.int64)"


def test_nest_expand_composites_gives_components():
    parts = tf.nest.flatten(tf.ragged.constant([[1, 2], [3]]), expand_composites=True)
    assert [p.numpy().tolist() for p in parts] == [[1, 2, 3], [0, 2, 3]]
