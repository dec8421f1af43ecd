"""`tf.quantization.fake_quant_*`: TF 2.21's values (printed by TF 2.21), nudged ranges,
gradients to the inputs and to min/max, errors."""
import numpy as np
import pytest

import eagerflow as tf

X = [-70.0, -3.3, -0.01, 0.0, 0.4, 2.6, 63.0, 80.0]


def test_vars_nudge_the_range_so_zero_is_exact():
    y = tf.quantization.fake_quant_with_min_max_vars(tf.constant(X), -0.1, 62.9, num_bits=7, narrow_range=True)
    assert y.numpy().tolist() == [0.0, 0.0, 0.0, 0.0, 0.5, 2.5, 63.0, 63.0]


def test_vars_gradients_pass_inside_the_nudged_range_and_go_to_min_and_max_outside():
    x, lo, hi = tf.constant(X), tf.constant(-0.1), tf.constant(62.9)
    with tf.GradientTape() as t:
        t.watch([x, lo, hi])
        y = tf.quantization.fake_quant_with_min_max_vars(x, lo, hi, num_bits=7, narrow_range=True)
    dx, dmin, dmax = t.gradient(y, [x, lo, hi])
    assert dx.numpy().tolist() == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert (float(dmin), float(dmax)) == (3.0, 1.0)


def test_per_channel_quantizes_each_last_axis_channel_in_its_range():
    y = tf.quantization.fake_quant_with_min_max_vars_per_channel([[0.3, -5.0], [7.0, 1.26]], [-1.0, -3.0], [1.0, 3.0])
    np.testing.assert_array_equal(y.numpy(), np.array([[0.2980392277240753, -3.0117647647857666],
                                                       [1.003921627998352, 1.2705882787704468]], np.float32))


def test_args_default_range_is_minus_six_to_six():
    y = tf.quantization.fake_quant_with_min_max_args(tf.constant(X))
    np.testing.assert_array_equal(y.numpy(), np.array(
        [-6.023529529571533, -3.2941176891326904, 0.0, 0.0, 0.42352941632270813, 2.588235378265381,
         5.976470470428467, 5.976470470428467], np.float32))


def test_num_bits_outside_two_to_sixteen_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_bits must be between 2 and 16, inclusive"):
        tf.quantization.fake_quant_with_min_max_args(tf.constant(X), num_bits=1)
