"""tf.signal behaviours beyond the spec table (values and gradients: tests/ops/specs/signal_specs.py)."""
import numpy as np
import pytest

import eagerflow as tf


def test_rfft_of_float32_is_complex64_and_float64_complex128():
    assert tf.signal.rfft(tf.zeros([8])).dtype == tf.complex64
    assert tf.signal.rfft(tf.zeros([8], tf.float64)).dtype == tf.complex128


def test_rfft_converts_non_tensors_to_float32_as_tf_preferred_dtype():
    assert tf.signal.rfft(np.ones(4, np.float64)).dtype == tf.complex64
    assert tf.signal.rfft([1, 2, 3, 4]).dtype == tf.complex64


def test_fft_converts_lists_to_complex64():
    out = tf.signal.fft([1.0, 2.0])
    assert out.dtype == tf.complex64
    np.testing.assert_allclose(out.numpy(), [3.0, -1.0])


def test_fft_of_float_tensor_is_tf_attr_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of float is not in the list"):
        tf.signal.fft(tf.constant([1.0, 2.0]))


def test_rfft_of_int_tensor_is_value_error():
    with pytest.raises(ValueError, match="RFFT requires tf.float32 or tf.float64 inputs"):
        tf.signal.rfft(tf.constant([1, 2]))


def test_irfft_default_length_is_twice_bins_minus_one():
    assert tf.signal.irfft(tf.zeros([5], tf.complex64)).shape == (8,)


def test_rfft_round_trips_through_irfft_with_odd_length():
    x = np.random.default_rng(0).normal(size=(3, 7)).astype(np.float32)
    np.testing.assert_allclose(tf.signal.irfft(tf.signal.rfft(x, [7]), [7]).numpy(), x, atol=1e-5)


def test_fftnd_defaults_to_every_axis_like_numpy():
    z = (np.arange(24).reshape(2, 3, 4) * (1 + 0.5j)).astype(np.complex128)
    np.testing.assert_allclose(tf.signal.fftnd(tf.constant(z)).numpy(), np.fft.fftn(z), atol=1e-9)


def test_frame_with_pad_end_covers_every_sample():
    out = tf.signal.frame(np.arange(10), 4, 3, pad_end=True, pad_value=-1).numpy()
    np.testing.assert_array_equal(out[-1], [9, -1, -1, -1])
    assert out.shape == (4, 4)


def test_frame_shorter_signal_than_frame_gives_no_frames():
    assert tf.signal.frame(np.arange(3.0), 5, 1).shape == (0, 5)


def test_overlap_and_add_rejects_step_longer_than_frame():
    with pytest.raises(ValueError, match="frame_step"):
        tf.signal.overlap_and_add(np.ones((2, 3)), 4)


def test_stft_then_inverse_with_dual_window_reconstructs_interior():
    x = np.sin(np.linspace(0, 20, 256)).astype(np.float32)
    s = tf.signal.stft(x, 64, 16)
    assert s.shape == (13, 33)
    y = tf.signal.inverse_stft(s, 64, 16, window_fn=tf.signal.inverse_stft_window_fn(16)).numpy()
    np.testing.assert_allclose(y[64:-64], x[64:len(y) - 64], atol=1e-4)


def test_periodic_hann_window_matches_definition():
    n = 8
    expected = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    np.testing.assert_allclose(tf.signal.hann_window(n).numpy(), expected, atol=1e-7)


def test_kaiser_bessel_derived_window_is_power_complementary():
    w = tf.signal.kaiser_bessel_derived_window(16, dtype=tf.float64).numpy()
    np.testing.assert_allclose(w[:8] ** 2 + w[8:] ** 2, np.ones(8), atol=1e-12)


def test_idct_ortho_inverts_dct_ortho():
    x = np.random.default_rng(1).normal(size=(2, 10))
    for kind in (2, 3, 4):
        back = tf.signal.idct(tf.signal.dct(x, type=kind, norm="ortho"), type=kind, norm="ortho")
        np.testing.assert_allclose(back.numpy(), x, atol=1e-10)


def test_dct_only_on_last_axis():
    with pytest.raises(NotImplementedError, match="axis must be -1"):
        tf.signal.dct(np.ones((2, 3)), axis=0)


def test_mel_matrix_has_no_weight_on_dc_and_peaks_at_one():
    m = tf.signal.linear_to_mel_weight_matrix(10, 129, 8000, 125.0, 3800.0).numpy()
    assert m.shape == (129, 10)
    assert not m[0].any()
    assert np.all(m.max(axis=0) <= 1.0) and np.all(m.max(axis=0) > 0.5)


def test_mel_upper_edge_above_nyquist_is_value_error():
    with pytest.raises(ValueError, match="must not be larger than the Nyquist"):
        tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0)


def test_mfccs_scale_dct_by_sqrt_two_bins():
    x = np.random.default_rng(2).normal(size=(3, 20)).astype(np.float32)
    from scipy.fft import dct

    np.testing.assert_allclose(tf.signal.mfccs_from_log_mel_spectrograms(x).numpy(),
                               dct(x, type=2) / np.sqrt(40.0), rtol=1e-4, atol=1e-5)


def test_fft_gradient_is_n_times_inverse_fft_as_tf():
    z = tf.constant(np.ones(4, np.complex64))
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = tf.reduce_sum(tf.math.real(tf.signal.fft(z)))
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), [4, 0, 0, 0], atol=1e-6)


def test_mdct_then_inverse_reconstructs_interior_with_vorbis_window():
    x = np.random.default_rng(3).normal(size=(64,)).astype(np.float32)
    y = tf.signal.inverse_mdct(tf.signal.mdct(x, 16)).numpy()
    np.testing.assert_allclose(y[8:56], x[8:56], atol=1e-5)


def test_mdct_frame_length_must_be_multiple_of_four():
    with pytest.raises(ValueError, match="multiple of 4"):
        tf.signal.mdct(np.ones(20, np.float32), 10)


@pytest.mark.parametrize("pad_end", [False, True])
@pytest.mark.parametrize("n", [1000, 30])
def test_frame_traced_with_unknown_length_frames_when_it_runs(pad_end, n):
    x = np.random.default_rng(1).normal(size=(2, n)).astype(np.float32)
    traced = tf.function(lambda s: tf.signal.frame(s, 64, 32, pad_end=pad_end, pad_value=1.0))
    concrete = traced.get_concrete_function(tf.TensorSpec([2, None]))
    assert concrete.structured_outputs.shape.as_list() == [2, None, 64]
    expected = tf.signal.frame(x, 64, 32, pad_end=pad_end, pad_value=1.0)
    np.testing.assert_array_equal(concrete(tf.constant(x)).numpy(), expected.numpy())
