"""Samplers beyond the Philox fill kernels: shuffle (bit-exact) and the rest.

``shuffle_from_stream`` is TF's ``RandomShuffle`` bit for bit.

Not bit-exact (correct samplers instead): ``gamma``, ``poisson``, ``binomial``
and ``categorical`` follow TF's seeding, reservation and output layout, but
TF's per-sample rejection loops (Marsaglia-Tsang, PTRS/inversion, BTRS)
interleave data-dependent sample consumption with libm calls (``lgamma``,
``exp``, ``pow``) whose glibc rounding we do not replicate. Here they draw
from a NumPy Philox generator keyed by the same (key, counter), so they are
deterministic in the seeds and exact in distribution only.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Sequence

import numpy as np

from eagerflow._src.ops.random.distributions import fill_uniform, np_dtype
from eagerflow._src.ops.random.philox import MASK64, Counter, Key, counter_to_int, philox_blocks


def host(array: Any) -> np.ndarray:
    """A NumPy copy of an ``xp`` array (CuPy arrays come back through ``get``)."""
    return array.get() if hasattr(array, "get") else np.asarray(array)


def shuffle_from_stream(value: Any, key: Key, counter: Counter, xp: ModuleType = np) -> Any:
    """TF's ``RandomShuffle`` given the reserved generator position.

    TF's Fisher-Yates swaps ``i`` with ``i + single() % (n - i)`` for
    ``i < n - 1``, ``single()`` walking the uint32 words of successive blocks.
    """
    n = value.shape[0]
    draws = philox_blocks(key, counter, -(-(n - 1) // 4), xp).reshape(-1)[: n - 1]
    bounds = xp.arange(n, 1, -1, dtype=np.uint32)
    targets = (xp.arange(n - 1, dtype=np.int64) + (draws % bounds).astype(np.int64)).tolist()
    perm = list(range(n))
    for i, j in enumerate(targets):  # the swaps are inherently sequential
        perm[i], perm[j] = perm[j], perm[i]
    return value[xp.asarray(perm)]


def _numpy_generator(key: Key, counter: Counter) -> np.random.Generator:
    # Deterministic in (key, counter); NumPy's Philox is 4x64, not TF's stream.
    c = counter_to_int(counter)
    return np.random.Generator(np.random.Philox(
        key=np.array([key[0] | (key[1] << 32), 0], dtype=np.uint64),
        counter=np.array([c & MASK64, c >> 64, 0, 0], dtype=np.uint64)))


def gamma_sample(shape: Sequence[int], alpha: Any, dtype: Any, key: Key, counter: Counter,
                 xp: ModuleType = np) -> Any:
    """``RandomGamma``: ``shape + alpha.shape`` standard-gamma draws (not bit-exact)."""
    a = host(alpha).astype(np.float64)
    out = _numpy_generator(key, counter).standard_gamma(a, size=tuple(shape) + a.shape)
    return xp.asarray(out.astype(np_dtype(dtype)))


def poisson_sample(shape: Sequence[int], lam: Any, dtype: Any, key: Key, counter: Counter,
                   xp: ModuleType = np) -> Any:
    """``RandomPoissonV2``: ``shape + lam.shape`` Poisson draws (not bit-exact)."""
    rate = host(lam).astype(np.float64)
    out = _numpy_generator(key, counter).poisson(rate, size=tuple(shape) + rate.shape)
    return xp.asarray(out.astype(np_dtype(dtype)))


def binomial_sample(shape: Sequence[int], counts: Any, probs: Any, dtype: Any, key: Key,
                    counter: Counter, xp: ModuleType = np) -> Any:
    """``StatelessRandomBinomial``: counts/probs broadcast to ``shape`` (not bit-exact)."""
    c, p = np.broadcast_arrays(host(counts).astype(np.float64), host(probs).astype(np.float64))
    c = np.broadcast_to(c, tuple(shape))
    p = np.broadcast_to(p, tuple(shape))
    out = _numpy_generator(key, counter).binomial(c.astype(np.int64), p)
    return xp.asarray(out.astype(np_dtype(dtype)))


def categorical_from_stream(logits: Any, num_samples: int, key: Key, counter: Counter,
                            dtype: Any = np.int64, xp: ModuleType = np) -> Any:
    """Inverse-CDF class draws from TF-style uniform doubles (not bit-exact).

    Non-finite logits get probability zero, as in TF's Multinomial kernel.
    """
    logits = xp.asarray(logits, dtype=np.float64)
    batch, classes = logits.shape
    finite = xp.isfinite(logits)
    top = xp.max(xp.where(finite, logits, -xp.inf), axis=1, keepdims=True)
    weights = xp.where(finite, xp.exp(logits - top), 0.0)
    cdf = xp.cumsum(weights, axis=1)
    u = fill_uniform((batch, num_samples), np.float64, key, counter, xp) * cdf[:, -1:]
    out = xp.empty((batch, num_samples), dtype=np_dtype(dtype))
    for b in range(batch):
        out[b] = xp.minimum(xp.searchsorted(cdf[b], u[b], side="right"), classes - 1)
    return out
