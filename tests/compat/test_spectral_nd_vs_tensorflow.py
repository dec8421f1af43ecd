"""Differential test: top-level tf.fftnd / ifftnd / rfftnd / irfftnd on eagerflow against TF 2.21's
fixed-rank FFTs over the same trailing axes (TF 2.21's CPU build has no FFTND kernels)."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

X = np.random.default_rng(1).standard_normal((2, 6, 8)).astype(np.float32)
XC = (X + 0.25j * X[:, ::-1]).astype(np.complex64)


def test_tf_has_no_cpu_kernel_for_fftnd():
    with pytest.raises(tf_real.errors.NotFoundError, match="All kernels registered for op FFTND"):
        tf_real.fftnd(tf_real.constant(XC), [6, 8], [1, 2])


@pytest.mark.parametrize("ours, theirs, x, lengths", [
    ("fftnd", "fft2d", XC, [6, 8]),
    ("ifftnd", "ifft2d", XC, [6, 8]),
])
def test_complex_transforms_match_tensorflows_2d_ffts(ours, theirs, x, lengths):
    got = getattr(ef, ours)(ef.constant(x), lengths, [1, 2]).numpy()
    want = getattr(tf_real.signal, theirs)(tf_real.constant(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("lengths", [[6, 8], [4, 5], [7, 10]])
def test_real_transforms_match_tensorflows_rfft2d_and_irfft2d(lengths):
    got = ef.rfftnd(ef.constant(X), lengths, [1, 2]).numpy()
    want = tf_real.signal.rfft2d(tf_real.constant(X), lengths).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    back = ef.irfftnd(ef.constant(want), lengths, [1, 2]).numpy()
    np.testing.assert_allclose(back, tf_real.signal.irfft2d(tf_real.constant(want), lengths).numpy(),
                               rtol=1e-5, atol=1e-5)


def test_fftnd_gradient_matches_tensorflows_fft2d_gradient():
    grads = []
    for tf, fn in ((ef, lambda t: ef.fftnd(t, [6, 8], [1, 2])), (tf_real, tf_real.signal.fft2d)):
        x = tf.constant(XC)
        with tf.GradientTape() as g:
            g.watch(x)
            y = tf.reduce_sum(tf.math.real(fn(x)) * tf.constant(X) + tf.math.imag(fn(x)))
        grads.append(g.gradient(y, x).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-4)
