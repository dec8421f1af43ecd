"""Top-level `tf.fftnd` / `ifftnd` / `rfftnd` / `irfftnd` (TF's raw op wrappers): `fft_length` and
`axes` as TF's ops take them, checked against NumPy's n-D FFTs."""
import numpy as np
import pytest

import eagerflow as tf

X = np.random.default_rng(0).standard_normal((2, 5, 6)).astype(np.float32)
XC = (X + 0.5j * X[::-1]).astype(np.complex64)


def test_fftnd_crops_and_pads_to_fft_length_over_axes():
    y = tf.fftnd(tf.constant(XC), [4, 8], [1, 2])
    np.testing.assert_allclose(y.numpy(), np.fft.fftn(XC, s=(4, 8), axes=(1, 2)), rtol=1e-4, atol=1e-4)
    assert y.dtype == tf.complex64


def test_ifftnd_accepts_tensor_lengths_and_negative_axes():
    y = tf.ifftnd(tf.constant(XC), tf.constant([5]), tf.constant([-2]))
    np.testing.assert_allclose(y.numpy(), np.fft.ifftn(XC, s=(5,), axes=(1,)), rtol=1e-4, atol=1e-5)


def test_rfftnd_keeps_half_the_last_axis_and_honours_tcomplex():
    y = tf.rfftnd(tf.constant(X), [5, 6], [1, 2], Tcomplex=tf.complex128)
    assert y.shape == (2, 5, 4) and y.dtype == tf.complex128
    np.testing.assert_allclose(y.numpy(), np.fft.rfftn(X, s=(5, 6), axes=(1, 2)), rtol=1e-4, atol=1e-4)


def test_irfftnd_inverts_rfftnd():
    y = tf.irfftnd(tf.rfftnd(tf.constant(X), [5, 6], [1, 2]), [5, 6], [1, 2])
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), X, atol=1e-5)


def test_fftnd_gradient_is_n_times_the_inverse():
    x = tf.constant(XC)
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.reduce_sum(tf.math.real(tf.fftnd(x, [5, 6], [1, 2])))
    expected = np.conj(np.fft.fftn(np.ones((2, 5, 6)), axes=(1, 2)))  # d sum(re FFT(x)) / d x
    np.testing.assert_allclose(g.gradient(y, x).numpy(), expected, atol=1e-4)


def test_mismatched_lengths_and_axes_are_refused():
    with pytest.raises(ValueError):
        tf.fftnd(tf.constant(XC), [4, 8], [1])
