"""Specs for `tf.image` ops with a gradient of their own (resizes are checked against TF's
gradients in tests/compat)."""
import colorsys

import numpy as np

from eagerflow._src.ops import image_ops
from tests.ops.specs import OpSpec


def _distinct_rgb(rng, dt):
    # Channels well apart, so no pixel sits on a tie between channels (where hue has a kink).
    base = rng.permuted(np.tile(np.array([0.15, 0.5, 0.85]), (2, 3, 1)), axis=-1)
    return ((base + rng.uniform(-0.05, 0.05, size=base.shape)).astype(dt),)


def _np_rgb_to_hsv(x):
    flat = np.array([colorsys.rgb_to_hsv(*p) for p in x.reshape(-1, 3)])
    return flat.reshape(x.shape).astype(x.dtype)


SPECS = [
    OpSpec("rgb_to_hsv", image_ops.rgb_to_hsv, _np_rgb_to_hsv, _distinct_rgb, ("float32", "float64"),
           differentiable=True, rtol=1e-5, atol=1e-6),
]
