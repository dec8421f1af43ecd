"""tf.bitcast (values printed by TF 2.21)."""
import pytest

import eagerflow as tf


def test_same_size_bitcast_keeps_the_shape():
    assert tf.bitcast(tf.constant([1.0, -2.0]), tf.int32).numpy().tolist() == [1065353216, -1073741824]


def test_bitcast_to_a_smaller_type_adds_a_dimension():
    out = tf.bitcast(tf.constant([1.0, -2.0]), tf.uint8)
    assert out.numpy().tolist() == [[0, 0, 128, 63], [0, 0, 0, 192]]


def test_bitcast_to_a_larger_type_consumes_the_last_dimension():
    assert tf.bitcast(tf.constant([[1, 2, 3, 4]], tf.uint8), tf.int32).numpy().tolist() == [67305985]


def test_bitcast_with_a_wrong_last_dimension_raises():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot bitcast from 4 to 3"):
        tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.int32)
