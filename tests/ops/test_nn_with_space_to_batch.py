"""tf.nn.with_space_to_batch: an op on the space-to-batch grid equals its dilated form."""
import numpy as np

import eagerflow as tf


def test_with_space_to_batch_equals_dilated_convolution():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 7, 7, 2)).astype(np.float32)
    w = rng.standard_normal((3, 3, 2, 2)).astype(np.float32)
    got = tf.nn.with_space_to_batch(x, [2, 2], "SAME", lambda v, n, p: tf.nn.conv2d(v, w, 1, p), filter_shape=[3, 3])
    want = tf.nn.conv2d(x, w, 1, "SAME", dilations=2)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
