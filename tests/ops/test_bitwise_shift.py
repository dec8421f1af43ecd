"""tf.bitwise.left_shift / right_shift (values printed by TF 2.21)."""
import eagerflow as tf


def test_right_shift_clamps_the_amount_to_the_width():
    out = tf.bitwise.right_shift(tf.constant([-8, 8, 1], tf.int8), tf.constant([1, 9, 0], tf.int8))
    assert out.numpy().tolist() == [-4, 0, 1] and out.dtype == tf.int8


def test_left_shift_by_the_width_or_more_is_zero():
    out = tf.bitwise.left_shift(tf.constant([1, 8, 1], tf.uint8), tf.constant([1, 9, 7], tf.uint8))
    assert out.numpy().tolist() == [2, 0, 128]


def test_right_shift_of_negative_by_too_much_is_the_sign_fill():
    assert tf.bitwise.right_shift(tf.constant([-8, 8]), 40).numpy().tolist() == [-1, 0]
