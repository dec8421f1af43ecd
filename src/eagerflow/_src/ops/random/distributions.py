"""TF's sample conversions and ``FillPhiloxRandom`` kernels, bit for bit.

Conversions follow ``random_distributions.h``: ``Uint32ToFloat``,
``Uint64ToDouble``, half/bfloat16 from the low 16 bits, ``SignedAdd`` for
ints, Box-Muller with float or double math, the truncated-normal rejection
loop with its fixed 256-block reservation per output group. The ``fill_*``
kernels lay samples out the way TF's CPU kernels do; every random op's
forward ends in one of them.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any, Sequence

import ml_dtypes
import numpy as np

from eagerflow._src.ops.random.glibc_math import (
    TABLE_MIN_PAIRS, box_muller_double, box_muller_float, box_muller_tables, uint64_to_double,
)
from eagerflow._src.ops.random.philox import (
    MASK32, MASK64, RESERVED_BLOCKS_PER_OUTPUT, Counter, Key, blocks_at, counter_to_int,
    philox_blocks, skip_counter,
)


def size_of(shape: Sequence[int]) -> int:
    """Number of elements of ``shape`` (1 for a scalar)."""
    return int(np.prod(shape, dtype=np.int64)) if len(shape) else 1


def affine(rnd: Any, scale: Any, shift: Any, dtype: Any) -> Any:
    """``rnd * scale + shift`` in the output dtype, two roundings (TF: no FMA)."""
    dt = np.dtype(dtype)
    return rnd * dt.type(scale) + dt.type(shift)


_HALF_TYPES = {np.dtype(np.float16): (10, 15, np.uint16),
               np.dtype(ml_dtypes.bfloat16): (7, 127, np.uint16)}


def np_dtype(dtype: Any) -> np.dtype:
    return np.dtype(dtype)


def uniform_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``UniformDistribution`` for floats: flat [0, 1) values, group order."""
    dt = np_dtype(dtype)
    flat = blocks.reshape(-1)
    if dt == np.float32:
        bits = flat & np.uint32(0x7FFFFF)
        bits |= np.uint32(0x3F800000)
        out = bits.view(np.float32)
        out -= np.float32(1.0)
        return out
    if dt == np.float64:
        pairs = flat.reshape(-1, 2)
        return uint64_to_double(pairs[:, 0], pairs[:, 1], xp)
    if dt in _HALF_TYPES:
        # Uint16ToHalf / Uint16ToGfloat16 use the low 16 bits of each sample.
        man_bits, bias, _ = _HALF_TYPES[dt]
        bits = (flat & np.uint32((1 << man_bits) - 1)).astype(np.uint16)
        bits |= np.uint16(bias << man_bits)
        return bits.view(dt) - dt.type(1.0)
    raise TypeError(f"uniform: unsupported dtype {dt}")


def normal_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``NormalDistribution``: flat standard normals in TF's group order."""
    dt = np_dtype(dtype)
    if dt == np.float64:
        return box_muller_double(blocks[:, 0], blocks[:, 1], blocks[:, 2],
                                 blocks[:, 3], xp).reshape(-1)
    pairs = blocks.reshape(-1, 2)
    out = box_muller_float(pairs[:, 0] & np.uint32(0x7FFFFF),
                           pairs[:, 1] & np.uint32(0x7FFFFF), xp).reshape(-1)
    if dt == np.float32:
        return out
    if dt in _HALF_TYPES:
        return out.astype(dt)  # Eigen::half(float) / bfloat16(float): RNE
    raise TypeError(f"normal: unsupported dtype {dt}")


def _range_unsigned(lo: int, hi: int, bits: int) -> int:
    if hi <= lo:
        raise ValueError(f"Need minval < maxval, got {lo} >= {hi}")
    return (hi - lo) & ((1 << bits) - 1)


def uniform_int_from_blocks(blocks: Any, lo: int, hi: int, dtype: Any,
                            xp: ModuleType = np) -> Any:
    """``UniformDistribution<int32|int64>``: ``SignedAdd(lo, sample % range)``."""
    dt = np_dtype(dtype)
    flat = blocks.reshape(-1)
    if dt == np.int32:
        rng = np.uint32(_range_unsigned(lo, hi, 32))
        res = flat % rng
        res += np.uint32(lo & MASK32)
        return res.view(np.int32)
    if dt == np.int64:
        bits = flat.view(np.uint64)  # sample[2i] | sample[2i+1] << 32
        res = bits % np.uint64(_range_unsigned(lo, hi, 64))
        res += np.uint64(lo & MASK64)
        return res.view(np.int64)
    raise TypeError(f"uniform int: unsupported dtype {dt}")


def full_int_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``UniformFullIntDistribution``: raw bits as (u)int32 or (u)int64."""
    dt = np_dtype(dtype)
    flat = xp.ascontiguousarray(blocks).reshape(-1)
    if dt.itemsize == 4 and dt.kind in "iu":
        return flat.view(dt)
    if dt.itemsize == 8 and dt.kind in "iu":
        return flat.view(dt)
    raise TypeError(f"uniform full int: unsupported dtype {dt}")


# --------------------------------------------------------------------------
# Kernels: FillPhiloxRandom element order
# --------------------------------------------------------------------------

def _group_size(dtype: Any) -> int:
    # kResultElementCount: 4 per block, 2 for 64-bit types.
    return 2 if np_dtype(dtype).itemsize == 8 else 4


_POOL: Any = None
_PARALLEL_MIN_BLOCKS = 1 << 17
_TASK_BLOCKS = 1 << 15


def _pool() -> Any:
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor
        _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    return _POOL


def _fill(shape: Sequence[int], dtype: Any, key: Key, counter: Counter,
          convert: Any, xp: ModuleType) -> Any:
    size = size_of(shape)
    group = _group_size(dtype)
    n_blocks = -(-size // group)
    if xp is not np or n_blocks < _PARALLEL_MIN_BLOCKS:
        blocks = philox_blocks(key, counter, n_blocks, xp)
        return convert(blocks)[:size].reshape(tuple(shape))
    # NumPy releases the GIL in ufuncs and take: chunks run on all cores and
    # each chunk's blocks are converted while still in cache.
    out = np.empty(n_blocks * group, dtype=np_dtype(dtype))

    def task(start: int) -> None:
        m = min(_TASK_BLOCKS, n_blocks - start)
        blocks = philox_blocks(key, skip_counter(counter, start), m, xp)
        out[start * group:(start + m) * group] = convert(blocks)

    list(_pool().map(task, range(0, n_blocks, _TASK_BLOCKS)))
    return out[:size].reshape(tuple(shape))


def fill_uniform(shape: Sequence[int], dtype: Any, key: Key, counter: Counter,
                 xp: ModuleType = np) -> Any:
    """RandomUniform / StatelessRandomUniformV2 kernel output in [0, 1)."""
    return _fill(shape, dtype, key, counter,
                 lambda b: uniform_from_blocks(b, dtype, xp), xp)


def fill_normal(shape: Sequence[int], dtype: Any, key: Key, counter: Counter,
                xp: ModuleType = np) -> Any:
    """RandomStandardNormal / StatelessRandomNormalV2 kernel output."""
    if size_of(shape) >= 4 * TABLE_MIN_PAIRS and np_dtype(dtype) != np.float64:
        box_muller_tables(xp)  # build once, before worker threads need them
    return _fill(shape, dtype, key, counter,
                 lambda b: normal_from_blocks(b, dtype, xp), xp)


def fill_uniform_int(shape: Sequence[int], minval: int, maxval: int, dtype: Any,
                     key: Key, counter: Counter, xp: ModuleType = np) -> Any:
    """RandomUniformInt / StatelessRandomUniformIntV2 kernel output."""
    if size_of(shape) == 0:
        return xp.zeros(tuple(shape), dtype=np_dtype(dtype))
    return _fill(shape, dtype, key, counter,
                 lambda b: uniform_int_from_blocks(b, minval, maxval, dtype, xp), xp)


def fill_uniform_full_int(shape: Sequence[int], dtype: Any, key: Key,
                          counter: Counter, xp: ModuleType = np) -> Any:
    """StatelessRandomUniformFullIntV2 kernel output."""
    return _fill(shape, dtype, key, counter,
                 lambda b: full_int_from_blocks(b, dtype, xp), xp)


def fill_truncated_normal(shape: Sequence[int], dtype: Any, key: Key,
                          counter: Counter, xp: ModuleType = np) -> Any:
    """TruncatedNormal / StatelessTruncatedNormalV2 kernel output.

    TF restarts the generator at ``counter + 256 * g`` for output group ``g``
    and draws Box-Muller pairs until the group holds ``kResultElementCount``
    values with ``|x| < 2``; leftovers are discarded.
    """
    dt = np_dtype(dtype)
    size = size_of(shape)
    group = _group_size(dt)
    n_groups = -(-size // group)
    out = xp.empty((n_groups, group), dtype=dt)
    todo = xp.arange(n_groups, dtype=np.int64)
    have = xp.zeros(n_groups, dtype=np.int64)
    base = counter_to_int(counter)
    j = 0
    per_round = 2  # blocks per group drawn per round; almost always enough
    while todo.shape[0]:
        m = todo.shape[0]
        blocks = xp.empty((m, per_round, 4), dtype=np.uint32)
        for t in range(per_round):
            # One Philox call per (group, block): counters are not contiguous.
            blocks[:, t] = blocks_at(key, base, todo * RESERVED_BLOCKS_PER_OUTPUT * group // 4 + j + t, xp)
        cand = normal_from_blocks(blocks.reshape(-1, 4), np.float64 if dt == np.float64 else np.float32, xp)
        cand = cand.reshape(m, -1)
        ok = xp.abs(cand) < 2.0
        rank = xp.cumsum(ok, axis=1) - 1 + have[todo][:, None]
        take = ok & (rank < group)
        rows = xp.broadcast_to(todo[:, None], take.shape)[take]
        out[rows, rank[take]] = cand[take].astype(dt)
        have[todo] = xp.minimum(have[todo] + ok.sum(axis=1), group)
        todo = todo[have[todo] < group]
        j += per_round
    return out.reshape(-1)[:size].reshape(tuple(shape))
