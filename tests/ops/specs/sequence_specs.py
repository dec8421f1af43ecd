"""Specs for the element-reshuffling top-level ops (roll, reverse_sequence, boolean_mask, repeat,
space/batch moves, dynamic_partition/stitch, meshgrid): values against NumPy per dtype,
gradients in float64."""
import numpy as np

import eagerflow as tf
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
SOME = ("float32", "float64", "int32", "int64")


def sample(shape):
    def make(rng, dt):
        dt = np.dtype(dt)
        if dt.kind in "iu":
            return (rng.integers(-5, 6, size=shape).astype(dt),)
        return (rng.uniform(-2, 2, size=shape).astype(dt),)
    return make


def _reverse_sequence_ref(x):
    out = x.copy()
    for b, n in enumerate([2, 4, 1]):
        out[b, :n] = x[b, :n][::-1]
    return out


def _space_to_batch_ref(x):
    # block 2x2, padding [[1, 0], [0, 0]] on a [2, 3, 4, 1] input
    padded = np.pad(x, [(0, 0), (1, 0), (0, 0), (0, 0)])
    b, h, w, c = padded.shape
    y = padded.reshape(b, h // 2, 2, w // 2, 2, c).transpose(2, 4, 0, 1, 3, 5)
    return y.reshape(4 * b, h // 2, w // 2, c)


def _stitch_ref(a, b):
    out = np.zeros((5,) + a.shape[1:], a.dtype)
    out[[0, 3]] = a
    out[[4, 1, 3]] = b  # later writes win
    return out


SPECS = [
    OpSpec("roll", lambda x: tf.roll(x, shift=[1, -2], axis=[0, 1]),
           lambda x: np.roll(x, (1, -2), (0, 1)), sample((3, 4)), SOME, differentiable=True),
    OpSpec("reverse_sequence", lambda x: tf.reverse_sequence(x, [2, 4, 1], seq_axis=1, batch_axis=0),
           _reverse_sequence_ref, sample((3, 4)), SOME, differentiable=True),
    OpSpec("boolean_mask", lambda x: tf.boolean_mask(x, [True, False, True]),
           lambda x: x[[0, 2]], sample((3, 4)), SOME, differentiable=True),
    OpSpec("boolean_mask_axis1_2d", lambda x: tf.boolean_mask(x, [[True, False], [False, True]], axis=1),
           lambda x: x.reshape(3, 4)[:, [0, 3]], sample((3, 2, 2)), SOME, differentiable=True),
    OpSpec("repeat_axis1", lambda x: tf.repeat(x, [1, 0, 2, 1], axis=1),
           lambda x: np.repeat(x, [1, 0, 2, 1], axis=1), sample((3, 4)), SOME, differentiable=True),
    OpSpec("repeat_flat", lambda x: tf.repeat(x, 2), lambda x: np.repeat(x, 2), sample((2, 3)), SOME,
           differentiable=True),
    OpSpec("space_to_batch_nd", lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 0]]),
           _space_to_batch_ref, sample((2, 3, 4, 1)), SOME, differentiable=True),
    OpSpec("batch_to_space_roundtrip",
           lambda x: tf.batch_to_space(tf.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 0]]), [2, 2], [[1, 0], [0, 0]]),
           lambda x: x, sample((2, 3, 4, 1)), SOME, differentiable=True),
    OpSpec("dynamic_partition", lambda x: tf.dynamic_partition(x, [1, 0, 1, 2], 3),
           lambda x: [x[[1]], x[[0, 2]], x[[3]]], sample((4, 2)), SOME, differentiable=True),
    OpSpec("dynamic_stitch", lambda a, b: tf.dynamic_stitch([[0, 3], [4, 1, 3]], [a, b]),
           _stitch_ref, lambda rng, dt: sample((2, 2))(rng, dt) + sample((3, 2))(rng, dt), SOME,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("meshgrid_xy", lambda a, b: tf.meshgrid(a, b), lambda a, b: list(np.meshgrid(a, b)),
           lambda rng, dt: sample((3,))(rng, dt) + sample((2,))(rng, dt), SOME,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("meshgrid_ij", lambda a, b: tf.meshgrid(a, b, indexing="ij"),
           lambda a, b: list(np.meshgrid(a, b, indexing="ij")),
           lambda rng, dt: sample((3,))(rng, dt) + sample((2,))(rng, dt), SOME,
           differentiable=True, grad_args=(0, 1)),
]
