"""convert_to_tensor of a TensorShape (values and message printed by TF 2.21)."""
import pytest

import eagerflow as tf


def test_fully_known_shape_converts_to_int32_dims():
    t = tf.convert_to_tensor(tf.TensorShape([8, 16]))
    assert t.dtype == tf.int32 and t.numpy().tolist() == [8, 16]


def test_shape_converts_to_the_requested_dtype():
    assert tf.convert_to_tensor(tf.TensorShape([8, 16]), tf.int64).dtype == tf.int64


def test_partially_known_shape_does_not_convert():
    with pytest.raises(ValueError, match=r"Cannot convert a partially known TensorShape \(None, 2\) to a Tensor."):
        tf.convert_to_tensor(tf.TensorShape([None, 2]))
