"""Eager tf.map_fn, tf.scan, tf.foldl, tf.foldr and tf.vectorized_map."""
import numpy as np
import pytest

import eagerflow as tf


def test_map_fn_doubles():
    np.testing.assert_array_equal(tf.map_fn(lambda v: v * 2, tf.constant([1, 2, 3])).numpy(), [2, 4, 6])


def test_map_fn_output_signature_changes_dtype():
    out = tf.map_fn(lambda v: tf.cast(v, tf.float32) / 2, tf.constant([1, 2]), fn_output_signature=tf.float32)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), [0.5, 1.0])


def test_map_fn_without_signature_requires_input_dtype():
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is int32 but Op is trying to write dtype float32"):
        tf.map_fn(lambda v: tf.cast(v, tf.float32), tf.constant([1, 2]))


def test_map_fn_nested_elems_and_outputs():
    a, b = tf.map_fn(lambda v: (v[0] + v[1], v[0] * v[1]), (tf.constant([1, 2]), tf.constant([3, 4])),
                     fn_output_signature=(tf.int32, tf.int32))
    np.testing.assert_array_equal(a.numpy(), [4, 6])
    np.testing.assert_array_equal(b.numpy(), [3, 8])


def test_map_fn_output_structure_must_match_signature():
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.map_fn(lambda v: (v, v), tf.constant([1, 2]))


def test_map_fn_scalar_elems_raise():
    with pytest.raises(ValueError, match="Elements in elems must be 1\\+ dimensional Tensors, not scalars"):
        tf.map_fn(lambda v: v, tf.constant(1))


def test_map_fn_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="Dimensions 2 and 1 are not compatible"):
        tf.map_fn(lambda v: v[0], (tf.constant([1, 2]), tf.constant([3])))


def test_map_fn_gradient():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.map_fn(lambda v: v * v, x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_scan_cumulative_sum():
    np.testing.assert_array_equal(tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4])).numpy(), [1, 3, 6, 10])


def test_scan_initializer_and_reverse():
    np.testing.assert_array_equal(
        tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4]), initializer=10).numpy(), [11, 13, 16, 20])
    np.testing.assert_array_equal(
        tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4]), reverse=True).numpy(), [10, 9, 7, 4])


def test_scan_nested_accumulator():
    s, p = tf.scan(lambda a, x: (a[0] + x, a[1] * x), tf.constant([1, 2, 3]), initializer=(0, 1))
    np.testing.assert_array_equal(s.numpy(), [1, 3, 6])
    np.testing.assert_array_equal(p.numpy(), [1, 2, 6])


def test_foldl_and_foldr_order():
    assert int(tf.foldl(lambda a, x: a - x, tf.constant([1, 2, 3]))) == -4
    assert int(tf.foldr(lambda a, x: a - x, tf.constant([1, 2, 3]))) == 0
    assert int(tf.foldl(lambda a, x: a - x, tf.constant([1, 2, 3]), initializer=10)) == 4


def test_foldl_of_empty_without_initializer_raises():
    with pytest.raises(tf.errors.OutOfRangeError, match="Tried to read from index 0 but array size is: 0"):
        tf.foldl(lambda a, x: a + x, tf.zeros([0]))


def test_scan_gradient():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.scan(lambda a, v: a * v, x))
    # outputs 1, 2, 6: d/dx of (x0 + x0 x1 + x0 x1 x2)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1 + 2 + 6, 1 + 3, 2])


def test_vectorized_map_matches_loop():
    out = tf.vectorized_map(lambda v: tf.reduce_sum(v * 2.0), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(out.numpy(), [6.0, 14.0])


def test_vectorized_map_nested_elems():
    out = tf.vectorized_map(lambda v: v[0] + v[1], (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])))
    np.testing.assert_allclose(out.numpy(), [4.0, 6.0])
