"""tf.experimental.numpy.random: NumPy's random API drawn from eagerflow's global-seed ops.

Floats come out in the default float type (float64 unless prefer_float32), integers as int64,
as TF's tnp.random does; `seed` sets the global seed (`tf.random.set_seed`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.numpy_api.np_dtypes import default_float_type, to_np, to_tf
from eagerflow._src.ops import math_ops
from eagerflow._src.ops.random import random_ops


def _size(size: Any) -> list:
    if size is None:
        return []
    return [int(size)] if isinstance(size, (int, np.integer)) else [int(d) for d in size]


def seed(s: Any) -> None:
    """Seeds the generator (TF's global seed)."""
    random_ops.set_seed(int(s))


def random(size: Any = None) -> Any:
    """Uniform samples in [0, 1)."""
    return uniform(0.0, 1.0, size)


def rand(*size: Any) -> Any:
    """Uniform samples in [0, 1) of shape `size`."""
    return uniform(0.0, 1.0, size)


def uniform(low: float = 0.0, high: float = 1.0, size: Any = None) -> Any:
    """Uniform samples in [low, high)."""
    dtype = to_tf(default_float_type())
    return random_ops.uniform(_size(size), minval=low, maxval=high, dtype=dtype)


def standard_normal(size: Any = None) -> Any:
    """Samples of the standard normal distribution."""
    return random_ops.normal(_size(size), dtype=to_tf(default_float_type()))


def randn(*args: Any) -> Any:
    """Standard normal samples of shape `args`."""
    return standard_normal(args)


def randint(low: int, high: int | None = None, size: Any = None, dtype: Any = np.int64) -> Any:
    """Integers uniform in [low, high) (or [0, low) when `high` is None)."""
    if high is None:
        low, high = 0, low
    return random_ops.uniform(_size(size), minval=low, maxval=high, dtype=to_tf(to_np(dtype)))


def poisson(lam: float = 1.0, size: Any = None) -> Any:
    """Poisson samples with rate `lam` (int64, as NumPy's)."""
    samples = random_ops.poisson(_size(size), lam, dtype=_dtypes.float64)
    return math_ops.cast(samples, _dtypes.int64)
