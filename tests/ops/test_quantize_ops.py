"""`tf.quantization.quantize` / `dequantize` / `quantize_and_dequantize(_v2)` / `quantized_concat`:
expected values are TF 2.21's (printed by TF 2.21 on the same inputs)."""
import numpy as np
import pytest

import eagerflow as tf

q = tf.quantization
X = [[-1.5, -0.3, 0.0, 0.7], [2.0, 6.2, 3.3, -7.0]]


def ints(t):
    """A quantized tensor's values as plain Python ints."""
    a = np.asarray(t.numpy())
    return (a.view(a.dtype[0]) if a.dtype.names else a).astype(np.int64).tolist()


def test_quantize_min_combined_quint8_maps_the_range_onto_0_255():
    r = q.quantize([-1.5, -0.3, 0.0, 0.7, 2.0, 6.2], -1.0, 6.0, tf.quint8)
    assert r.output.dtype == tf.quint8
    assert ints(r.output) == [0, 25, 36, 62, 109, 255]
    assert (float(r.output_min), float(r.output_max)) == (-1.0, 6.0)


def test_quantize_unsigned_min_combined_adds_half_then_truncates():
    x = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 254.5, 255.0]
    assert ints(q.quantize(x, 0.0, 255.0, tf.quint8).output) == [0, 1, 1, 2, 2, 3, 3, 255, 255]
    assert ints(q.quantize(x, 0.0, 65535.0, tf.quint16).output) == [0, 1, 1, 2, 2, 3, 3, 255, 255]


def test_quantize_signed_min_combined_rounds_half_away_from_zero():
    x = [v - 128.0 for v in (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 254.5, 255.0)]
    assert ints(q.quantize(x, -128.0, 127.0, tf.qint8).output) == [-128, -128, -127, -127, -126, -126, -125, 127, 127]


def test_quantize_qint32_min_combined_wraps_at_the_top_of_the_range():
    r = q.quantize(X, -1.0, 6.0, tf.qint32)
    assert ints(r.output) == [[-2147483648, -1717986944, -1533916928, -1104420096],
                              [-306783232, -2147483648, 490853632, -2147483648]]


def test_quantize_scaled_qint8_widens_the_range_symmetrically_and_dequantize_inverts_it():
    r = q.quantize([-1.5, -0.3, 0.0, 0.7, 2.0, 6.2], -1.0, 6.0, tf.qint8, mode="SCALED")
    assert ints(r.output) == [-32, -6, 0, 15, 42, 127]
    assert float(r.output_min) == np.float32(-6.047244071960449)
    d = q.dequantize(r.output, r.output_min, r.output_max, mode="SCALED")
    np.testing.assert_array_equal(d.numpy(), np.array(
        [-1.511811, -0.28346455, 0.0, 0.70866144, 1.984252, 6.0], np.float32))


def test_quantize_per_axis_scaled_narrow_range_gives_one_range_per_slice():
    r = q.quantize(X, [-1.0, -2.0], [6.0, 1.0], tf.qint8, axis=0, mode="SCALED", narrow_range=True)
    assert ints(r.output) == [[-32, -6, 0, 15], [127, 127, 127, -127]]
    assert r.output_min.numpy().tolist() == [-6.0, -2.0]
    assert r.output_max.numpy().tolist() == [6.0, 2.0]


def test_quantize_min_first_qint32_keeps_the_tiny_range_when_no_minimum_is_enforced():
    r = q.quantize(X, -1e-5, 1e-5, tf.qint32, mode="MIN_FIRST", ensure_minimum_range=0.0)
    assert ints(r.output) == [[-2147483648, -2147483648, 0, 2147483520],
                              [2147483520, 2147483520, 2147483520, -2147483648]]


def test_quantize_rejects_max_below_min():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input_max_range must be larger than input_min_range\. "
                       r"\[Op:QuantizeV2\] name: $"):
        q.quantize(tf.constant(X), 3.0, 1.0, tf.quint8)


def test_quantize_half_to_even_needs_scaled_mode():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED', but mode is 'MIN_COMBINED'"):
        q.quantize(X, -1.0, 6.0, tf.quint8, round_mode="HALF_TO_EVEN")


def test_quantize_rejects_a_non_quantized_target_dtype():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Value for attr 'T' of int8 is not in the list of allowed values: qint8, quint8, qint32"):
        q.quantize(X, -1.0, 6.0, tf.int8)


def test_quantize_min_first_per_axis_is_unimplemented_and_list_arguments_drop_the_name_suffix():
    with pytest.raises(tf.errors.UnimplementedError,
                       match=r"MIN_FIRST mode is not implemented for Quantize with axis != -1\. \[Op:QuantizeV2\]$"):
        q.quantize(X, [-1.0, -2.0], [6.0, 1.0], tf.qint8, axis=0, mode="MIN_FIRST")


def test_quantize_per_axis_checks_the_range_size():
    with pytest.raises(tf.errors.InvalidArgumentError, match="but min_range is a 1-D tensor of size 3 and input's "
                       "axis dimension is of size 2"):
        q.quantize(X, tf.constant([-1.0, -2.0, 3.0]), tf.constant([6.0, 1.0, 4.0]), tf.qint8, axis=0, mode="SCALED")


def test_dequantize_to_bfloat16():
    qq = q.quantize(X, -1.0, 6.0, tf.qint8).output
    d = q.dequantize(qq, -1.0, 6.0, dtype=tf.bfloat16)
    assert d.dtype == tf.bfloat16
    np.testing.assert_array_equal(d.numpy().astype(np.float32), np.array(
        [[-1.0, -0.314453125, -0.01177978515625, 0.703125], [1.9921875, 6.0, 3.3125, -1.0]], np.float32))


def test_dequantize_checks_range_size_against_the_axis():
    qq = q.quantize(X, -1.0, 6.0, tf.qint8).output
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input_min_tensor must have as many elements as input "
                       r"on the dequantization axis \(1\), got 2, expected 4"):
        q.dequantize(qq, [-1.0, 3.0], [6.0, 5.0], axis=1)


def test_dequantize_rejects_float_input():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of float is not in the list"):
        q.dequantize(tf.constant([1.0]), -1.0, 6.0)


def test_quantize_and_dequantize_v2_with_given_range_clamps_and_rounds():
    y = q.quantize_and_dequantize_v2(X, 1.5, 4.0, range_given=True)
    np.testing.assert_array_equal(y.numpy(), np.array(
        [[-1.511811, -0.31496063, 0.0, 0.6929134], [2.015748, 4.0, 3.3070867, -4.031496]], np.float32))


def test_quantize_and_dequantize_v2_half_up_narrow_range_four_bits():
    y = q.quantize_and_dequantize_v2(X, 1.5, 4.25, range_given=True, num_bits=4, narrow_range=True,
                                     round_mode="HALF_UP")
    np.testing.assert_array_equal(y.numpy(), np.array(
        [[-1.2142857, 0.0, 0.0, 0.60714287], [1.8214285, 4.25, 3.0357144, -4.25]], np.float32))


def test_quantize_and_dequantize_v2_gradient_passes_only_inside_the_range():
    x, lo, hi = tf.constant(X), tf.constant(-1.0), tf.constant(4.0)
    with tf.GradientTape() as g:
        g.watch([x, lo, hi])
        y = q.quantize_and_dequantize_v2(x, lo, hi, range_given=True) * tf.constant([[1.0, 2, 3, 4]])
    dx, dlo, dhi = g.gradient(y, [x, lo, hi])
    assert dx.numpy().tolist() == [[0.0, 2.0, 3.0, 4.0], [1.0, 0.0, 3.0, 0.0]]
    assert (float(dlo), float(dhi)) == (0.0, 0.0)


def test_quantize_and_dequantize_v2_per_axis_gradient_uses_each_channels_range():
    x = tf.constant(X)
    with tf.GradientTape() as g:
        g.watch(x)
        y = q.quantize_and_dequantize_v2(x, tf.constant([-1.0, 0.5, 0, -4]), tf.constant([1.0, 2, 3, 4]), axis=1)
    assert g.gradient(y, x).numpy().tolist() == [[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]


def test_quantize_and_dequantize_v1_gradient_passes_straight_through():
    x, lo, hi = tf.constant(X), tf.constant(-1.0), tf.constant(4.0)
    with tf.GradientTape() as g:
        g.watch([x, lo, hi])
        y = q.quantize_and_dequantize(x, lo, hi, range_given=True) * 2.0
    dx, dlo, dhi = g.gradient(y, [x, lo, hi])
    assert dx.numpy().tolist() == [[2.0] * 4] * 2
    assert dlo is None and dhi is None


def test_quantize_and_dequantize_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Invalid range: input_min 3 > input_max 1 "
                       r"\[Op:QuantizeAndDequantizeV4\]"):
        q.quantize_and_dequantize_v2(X, 3.0, 1.0, range_given=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_bits is out of range: 63 with signed_input_ 0"):
        q.quantize_and_dequantize(X, 1.5, 4.25, range_given=True, num_bits=63, signed_input=False)
    with pytest.raises(tf.errors.NotFoundError, match="Could not find device for node: {{node QuantizeAndDequantizeV4}}"):
        q.quantize_and_dequantize_v2(tf.constant([1.0], tf.float16), 0.0, 1.0)
    with pytest.raises(TypeError):
        q.quantize_and_dequantize_v2(tf.constant([1, 2]), 3.0, 1.0)


def test_quantized_concat_requantizes_into_the_widest_range():
    a = q.quantize(X, -1.0, 6.0, tf.quint8).output
    r = q.quantized_concat(0, [a, a], [-1.0, -2.0], [3.0, 4.0])
    assert ints(r.output) == [[42, 59, 66, 84], [115, 212, 147, 42], [0, 25, 36, 62], [109, 255, 157, 0]]
    assert (float(r.output_min), float(r.output_max)) == (-2.0, 4.0)


def test_quantized_concat_has_no_qint8_kernel():
    a = q.quantize(X, -1.0, 6.0, tf.qint8).output
    with pytest.raises(tf.errors.NotFoundError, match=r"QuantizedConcat\[N=2, T=DT_QINT8\]"):
        q.quantized_concat(0, [a, a], [-1.0, -2.0], [3.0, 4.0])


def test_quantized_concat_checks_dimensions():
    a = q.quantize(X, -1.0, 6.0, tf.quint8).output
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"__wrapped__QuantizedConcat_N_2_device_.*ConcatOp : "
                       r"Dimensions of inputs should match: shape\[0\] = \[2,4\] vs. shape\[1\] = \[2,2\]"):
        q.quantized_concat(0, [a, a[:, :2]], [-1.0, -2.0], [3.0, 4.0])


def test_quantize_ops_trace_inside_tf_function():
    x = tf.constant(X)
    f = tf.function(lambda v: q.dequantize(q.quantize(v, -1.0, 6.0, tf.qint8).output, -1.0, 6.0))
    np.testing.assert_array_equal(f(x).numpy(), q.dequantize(q.quantize(x, -1.0, 6.0, tf.qint8).output,
                                                             -1.0, 6.0).numpy())
    g = tf.function(lambda v: q.quantize_and_dequantize_v2(v, -1.0, 4.0, range_given=True, num_bits=4))
    np.testing.assert_array_equal(g(x).numpy(), np.array(
        [[-1.7142859, -0.5714286, 0.0, 0.5714286], [2.2857144, 4.0, 3.4285717, -4.571429]], np.float32))
    a = q.quantize(x, -1.0, 6.0, tf.quint8).output
    h = tf.function(lambda v: q.quantized_concat(1, [v, v], [-1.0, -2.0], [3.0, 4.0]))
    r = h(a)
    assert r.output.shape == (2, 8) and float(r.output_min) == -2.0
