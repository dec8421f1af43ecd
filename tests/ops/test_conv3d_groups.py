"""Grouped Conv3D (filter depth a divisor of the input depth), as TF's GPU and XLA kernels run
it (Keras's Conv3D(groups=...) compiles it with XLA): each group is its own convolution."""
import numpy as np

import eagerflow as tf


def _grouped(x, f, groups, **kwargs):
    cg, og = f.shape[-2], f.shape[-1] // groups
    parts = [tf.nn.conv3d(x[..., g * cg:(g + 1) * cg], f[..., g * og:(g + 1) * og], **kwargs)
             for g in range(groups)]
    return tf.concat(parts, axis=-1)


def test_grouped_conv3d_is_the_concatenation_of_per_group_convolutions():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((2, 5, 4, 6, 4)).astype("float32"))
    f = tf.constant(rng.standard_normal((2, 3, 2, 2, 6)).astype("float32"))
    kwargs = dict(strides=[1, 1, 2, 1, 1], padding="SAME")
    np.testing.assert_allclose(tf.nn.conv3d(x, f, **kwargs).numpy(), _grouped(x, f, 2, **kwargs).numpy(),
                               rtol=1e-5, atol=1e-5)


def test_grouped_conv3d_gradients_are_the_per_group_gradients():
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((1, 4, 4, 4, 4)).astype("float32"))
    f = tf.constant(rng.standard_normal((2, 2, 2, 2, 4)).astype("float32"))
    kwargs = dict(strides=[1, 1, 1, 1, 1], padding="VALID")
    with tf.GradientTape(persistent=True) as t:
        t.watch([x, f])
        y = tf.reduce_sum(tf.nn.conv3d(x, f, **kwargs) ** 2)
        y_ref = tf.reduce_sum(_grouped(x, f, 2, **kwargs) ** 2)
    for a, b in zip(t.gradient(y, [x, f]), t.gradient(y_ref, [x, f])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-4)
