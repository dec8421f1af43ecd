"""The ops a ``tf.random.Generator`` runs on its state variable (resource ops).

``RngReadAndSkip`` returns the state and advances it in place, under the
variable's lock, on the variable's device; the Generator then feeds the old
state's key and counter to the stateless V2 kernels. ``StatefulRandomBinomial``
reads, skips and samples in one op, as TF does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.op import Op
from eagerflow._src.ops.random import distributions, samplers
from eagerflow._src.ops.random.generator_state import (
    ALG_THREEFRY, rng_read_and_skip, state_key_counter,
)
from eagerflow._src.ops.random.op_args import shape_of
from eagerflow._src.ops.random.philox import MASK64
from eagerflow._src.ops.state_ops import owns_buffer


def _read_and_skip(xp: Any, variable: Any, alg: int, delta: int) -> np.ndarray:
    if alg == ALG_THREEFRY:
        raise errors.UnimplementedError(
            None, None, "Non-XLA devices don't support the ThreeFry algorithm.")
    with variable._lock:
        old, new = rng_read_and_skip(samplers.host(variable._array).tolist(), delta & MASK64)
        if owns_buffer(variable):  # holding the array in a local would defeat this count
            variable._array[...] = xp.asarray(new)
        else:  # someone holds a read of the old buffer: copy on write
            variable._array = xp.asarray(new)
    return old


def _rng_read_and_skip(xp: Any, variable: Any, alg: Any, delta: Any) -> Any:
    return xp.asarray(_read_and_skip(xp, variable, int(alg), int(delta)))


def binomial_skip(shape: tuple, batch_shape: tuple) -> int:
    """How far ``StatefulRandomBinomial`` moves the state (in outputs of 256 blocks).

    Measured on TF 2.21 CPU: ``50 * num_batches * (samples_per_batch + 3)``.
    """
    batches = distributions.size_of(batch_shape)
    per_batch = distributions.size_of(shape) // max(batches, 1)
    return 50 * batches * (per_batch + 3)


def _stateful_binomial(xp: Any, variable: Any, alg: Any, shape: Any, counts: Any, probs: Any,
                       dtype: Any) -> Any:
    dims = shape_of(shape)
    batch_shape = np.broadcast_shapes(counts.shape, probs.shape)
    old = _read_and_skip(xp, variable, int(alg), binomial_skip(dims, batch_shape))
    key, counter = state_key_counter(old.tolist())
    return samplers.binomial_sample(dims, counts, probs, dtype, key, counter, xp)


RNG_READ_AND_SKIP = Op("RngReadAndSkip", _rng_read_and_skip, resource=True)
STATEFUL_RANDOM_BINOMIAL = Op("StatefulRandomBinomial", _stateful_binomial, resource=True)
