"""`tf.random.create_rng_state`: a seed as the int64 state vector of an RNG algorithm."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.ops.random.stateless_random_ops import convert_alg

_THREEFRY = 2


def _as_int64(n: int) -> int:
    return n - (1 << 64) if n > (1 << 63) - 1 else n


def create_rng_state(seed: Any, alg: Any) -> Any:
    """The int64 state vector for `seed` under `alg` (3 words for Philox, 2 for ThreeFry): a
    Python int is cut into 64-bit words, least significant first; other seeds are flattened;
    either is zero-padded in front or truncated to the state size (`tf.random.create_rng_state`)."""
    size = 2 if convert_alg(alg) == _THREEFRY else 3
    if isinstance(seed, int):
        flat = []
        for _ in range(size):
            flat.append(_as_int64(seed & ((1 << 64) - 1)))
            seed >>= 64
    else:
        flat = [_as_int64(int(v)) for v in np.asarray(getattr(seed, "numpy", lambda: seed)()).ravel()][:size]
    # TF pads a short seed with zeros in front.
    return constant(np.array([0] * (size - len(flat)) + flat, dtype=np.int64), _dtypes.int64)
