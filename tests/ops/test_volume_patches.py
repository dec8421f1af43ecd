"""`tf.extract_volume_patches`: 3-D patches in TF's (plane, row, column, depth) order, TF's padding
and errors, gradients through the gathers."""
import numpy as np
import pytest

import eagerflow as tf

X = np.arange(2 * 4 * 5 * 6 * 2, dtype=np.float32).reshape(2, 4, 5, 6, 2)


def _reference(x, k, s, padding):
    """Patches by direct slicing (NumPy), TF's SAME split: the smaller half of the padding first."""
    b, *spatial, d = x.shape
    outs, pads = [], [(0, 0)]
    for size, kk, ss in zip(spatial, k, s):
        out = (size - kk + ss) // ss if padding == "VALID" else -(-size // ss)
        total = 0 if padding == "VALID" else max((out - 1) * ss + kk - size, 0)
        outs.append(out)
        pads.append((total // 2, total - total // 2))
    x = np.pad(x, pads + [(0, 0)])
    res = np.empty((b, *outs, k[0] * k[1] * k[2] * d), x.dtype)
    for p in range(outs[0]):
        for r in range(outs[1]):
            for c in range(outs[2]):
                block = x[:, p * s[0]:p * s[0] + k[0], r * s[1]:r * s[1] + k[1], c * s[2]:c * s[2] + k[2], :]
                res[:, p, r, c, :] = block.reshape(b, -1)
    return res


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
@pytest.mark.parametrize("k, s", [((2, 2, 3), (1, 2, 2)), ((3, 4, 2), (2, 3, 1)), ((1, 1, 1), (1, 1, 1))])
def test_patches_match_direct_slicing(padding, k, s):
    got = tf.extract_volume_patches(tf.constant(X), [1, *k, 1], [1, *s, 1], padding)
    np.testing.assert_array_equal(got.numpy(), _reference(X, k, s, padding))


def test_gradient_sums_each_input_cells_patch_occurrences():
    x = tf.constant(X)
    with tf.GradientTape() as g:
        g.watch(x)
        y = tf.reduce_sum(tf.extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"))
    counts = np.ones((2, 3, 4, 5, 2))
    expected = np.zeros(X.shape)
    for dp in range(2):
        for dr in range(2):
            for dc in range(2):
                expected[:, dp:dp + 3, dr:dr + 4, dc:dc + 5, :] += counts
    np.testing.assert_array_equal(g.gradient(y, x).numpy(), expected)


def test_errors():
    x = tf.constant(X)
    with pytest.raises(tf.errors.UnimplementedError, match=r"Only support ksizes across space\. "
                       r"\[Op:ExtractVolumePatches\] name: $"):
        tf.extract_volume_patches(x, [2, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"input must be 5-dimensional\[4,5,6,2\]"):
        tf.extract_volume_patches(x[0], [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Computed output size would be negative: -4 "
                       r"\[input_size: 4, effective_filter_size: 9, stride: 1\]"):
        tf.extract_volume_patches(x, [1, 9, 2, 3, 1], [1, 1, 2, 2, 1], "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of bool is not in the list"):
        tf.extract_volume_patches(tf.cast(x, tf.bool), [1, 2, 2, 3, 1], [1, 1, 2, 2, 1], "VALID")
