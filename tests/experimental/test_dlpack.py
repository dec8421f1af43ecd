"""tf.experimental.dlpack: zero-copy exchange with NumPy (PyTorch where it is installed)."""
import numpy as np
import pytest

import eagerflow as tf


def _address(array):
    return array.__array_interface__["data"][0]


def test_from_numpy_array_shares_memory():
    source = np.arange(3.0)
    tensor = tf.experimental.dlpack.from_dlpack(source)
    assert tensor.dtype == tf.float64 and tensor.shape == (3,)
    source[0] = 5.0  # the producer's memory is the tensor's
    np.testing.assert_array_equal(tensor.numpy(), [5.0, 1.0, 2.0])


def test_from_capsule_keeps_values_and_dtype():
    tensor = tf.experimental.dlpack.from_dlpack(np.arange(4, dtype=np.int32).__dlpack__())
    assert tensor.dtype == tf.int32
    np.testing.assert_array_equal(tensor.numpy(), [0, 1, 2, 3])


def test_round_trip_through_a_capsule_is_zero_copy():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    capsule = tf.experimental.dlpack.to_dlpack(x)
    y = tf.experimental.dlpack.from_dlpack(capsule)
    assert y.dtype == x.dtype and y.shape == x.shape
    assert _address(np.from_dlpack(y)) == _address(np.from_dlpack(x))


def test_numpy_reads_a_tensor_through_dunder_dlpack():
    x = tf.constant([1.0, 2.0])
    array = np.from_dlpack(x)
    np.testing.assert_array_equal(array, [1.0, 2.0])
    assert np.shares_memory(array, np.from_dlpack(x))
    assert x.__dlpack_device__() == (1, 0)


def test_consumed_capsule_cannot_be_used_twice():
    capsule = tf.experimental.dlpack.to_dlpack(tf.constant([1.0]))
    tf.experimental.dlpack.from_dlpack(capsule)
    with pytest.raises(Exception):
        tf.experimental.dlpack.from_dlpack(capsule)


def test_pytorch_round_trip():
    torch = pytest.importorskip("torch")
    source = torch.arange(3, dtype=torch.float32)
    tensor = tf.experimental.dlpack.from_dlpack(source)
    np.testing.assert_array_equal(tensor.numpy(), [0.0, 1.0, 2.0])
    back = torch.from_dlpack(tf.experimental.dlpack.to_dlpack(tensor))
    assert back.tolist() == [0.0, 1.0, 2.0]
