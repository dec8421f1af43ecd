"""Eager tf.TensorArray: reads, writes, shape/dtype checks and gradients through it."""
import numpy as np
import pytest

import eagerflow as tf


def test_write_then_read():
    ta = tf.TensorArray(tf.float32, size=2).write(0, 1.5)
    assert float(ta.read(0)) == 1.5


def test_updates_share_elements_with_the_original():
    ta = tf.TensorArray(tf.float32, size=2)
    ta.write(1, 3.0)
    assert float(ta.read(1)) == 3.0


def test_unwritten_element_reads_as_zeros_of_element_shape():
    ta = tf.TensorArray(tf.float32, size=2, element_shape=[3])
    np.testing.assert_array_equal(ta.stack().numpy(), np.zeros((2, 3), np.float32))


def test_write_past_static_size_raises_out_of_range():
    with pytest.raises(tf.errors.OutOfRangeError, match="Tried to write to index 5 but array is not resizeable and size is: 2"):
        tf.TensorArray(tf.float32, size=2).write(5, 1.0)


def test_dynamic_size_grows():
    out = tf.TensorArray(tf.int32, size=0, dynamic_size=True).write(3, 7).stack()
    np.testing.assert_array_equal(out.numpy(), [0, 0, 0, 7])


def test_write_wrong_dtype_raises():
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32 but Op is trying to write dtype int32"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1))


def test_python_value_takes_array_dtype():
    assert tf.TensorArray(tf.float32, size=1).write(0, 3).stack().dtype == tf.float32


def test_inferred_shape_checks_later_writes():
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1.0])
    with pytest.raises(ValueError, match=r"Incompatible shape for value \(\(2,\)\), expected \(\(1,\)\)"):
        ta.write(1, [1.0, 2.0])


def test_infer_shape_false_allows_different_shapes():
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0]).write(1, [2.0, 3.0])
    np.testing.assert_array_equal(ta.concat().numpy(), [1.0, 2.0, 3.0])


def test_element_shape_property_follows_writes():
    assert tf.TensorArray(tf.float32, size=1).write(0, [1.0, 2.0]).element_shape == tf.TensorShape([2])


def test_clear_after_read_refuses_second_read():
    ta = tf.TensorArray(tf.float32, size=1, clear_after_read=True).write(0, 1.0)
    ta.read(0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not read index 0 twice"):
        ta.read(0)


def test_clear_after_read_false_allows_rereads():
    ta = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    assert float(ta.read(0)) == float(ta.read(0)) == 1.0


def test_negative_read_index_raises():
    with pytest.raises(tf.errors.OutOfRangeError, match=r"Reading from negative indices \(index -1\)"):
        tf.TensorArray(tf.float32, size=1).read(-1)


def test_unstack_gather_scatter():
    ta = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [3.0, 1.0])
    out = tf.TensorArray(tf.float32, size=3).scatter([2, 0], [[1.0], [2.0]]).stack()
    np.testing.assert_array_equal(out.numpy(), [[2.0], [0.0], [1.0]])


def test_unstack_too_many_for_static_size():
    with pytest.raises(ValueError, match="Cannot unstack 3 tensors into a TensorArray of static size 2"):
        tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0, 3.0])


def test_split_and_size():
    ta = tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 2])
    np.testing.assert_array_equal(ta.read(1).numpy(), [2.0, 3.0])
    assert int(ta.size()) == 2


def test_split_lengths_must_sum_to_rows():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expected sum of lengths"):
        tf.TensorArray(tf.float32, size=2).split([1.0, 2.0, 3.0], [1, 1])


def test_stack_of_empty_array_with_element_shape():
    assert tf.TensorArray(tf.float32, size=0, element_shape=[2, 3]).stack().shape == tf.TensorShape([0, 2, 3])


def test_size_required_eagerly():
    with pytest.raises(ValueError, match="Size must be declared"):
        tf.TensorArray(tf.float32)


def test_gradient_through_write_and_stack():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2).write(0, x * x).write(1, x * 3.0)
        y = tf.reduce_sum(ta.stack())
    assert float(tape.gradient(y, x)) == 7.0


def test_tensor_array_in_while_loop():
    def body(i, ta):
        return i + 1, ta.write(i, tf.cast(i, tf.float32) * 2.0)
    _, ta = tf.while_loop(lambda i, ta: i < 4, body, [0, tf.TensorArray(tf.float32, size=4)])
    np.testing.assert_array_equal(ta.stack().numpy(), [0.0, 2.0, 4.0, 6.0])
