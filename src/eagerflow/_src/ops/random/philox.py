"""Philox-4x32-10 exactly as TF's ``philox_random.h`` (bit for bit, on ``xp``).

``philox_blocks`` gives one 4-word block per 128-bit counter; ``skip_counter``
is ``PhiloxRandom::Skip``. Everything above this file draws its bits here.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

# Philox-4x32-10 constants (philox_random.h).
_W32A = 0x9E3779B9
_W32B = 0xBB67AE85
_M4x32A = np.uint64(0xD2511F53)
_M4x32B = np.uint64(0xCD9E8D57)
MASK32 = 0xFFFFFFFF
MASK64 = (1 << 64) - 1

# Every output element of a TF random kernel owns 256 Philox blocks
# (kReservedSamplesPerOutput in random_op.cc and the Generator's skip).
RESERVED_BLOCKS_PER_OUTPUT = 256

_CHUNK_BLOCKS = 1 << 15  # NumPy works best when a chunk's lanes stay in L2.

Key = tuple[int, int]
Counter = tuple[int, int, int, int]


def counter_to_int(counter: Counter) -> int:
    """Packs 4 uint32 counter words (word 0 least significant) into an int."""
    c0, c1, c2, c3 = counter
    return c0 | (c1 << 32) | (c2 << 64) | (c3 << 96)


def int_to_counter(value: int) -> Counter:
    """Unpacks a 128-bit int into 4 uint32 counter words."""
    value &= (1 << 128) - 1
    return (value & MASK32, (value >> 32) & MASK32,
            (value >> 64) & MASK32, value >> 96)


def skip_counter(counter: Counter, count: int) -> Counter:
    """``PhiloxRandom::Skip(count)``: advance the 128-bit counter by ``count``."""
    return int_to_counter(counter_to_int(counter) + count)


def _philox_chunk(xp: ModuleType, key: Key, start: int, n: int, out: Any) -> None:
    """Writes blocks for counters start..start+n-1 (no 64-bit wrap inside)."""
    low = xp.arange(n, dtype=np.uint64)
    low += np.uint64(start & MASK64)
    words = low.view(np.uint32).reshape(n, 2)
    c0, c1 = words[:, 0], words[:, 1]
    c2 = xp.full(n, (start >> 64) & MASK32, dtype=np.uint32)
    c3 = xp.full(n, (start >> 96) & MASK32, dtype=np.uint32)
    k0, k1 = key
    prods = [(xp.empty(n, np.uint64), xp.empty(n, np.uint64)) for _ in range(2)]
    evens = [(xp.empty(n, np.uint32), xp.empty(n, np.uint32)) for _ in range(2)]
    for rnd in range(10):
        p0, p1 = prods[rnd & 1]
        e0, e2 = evens[rnd & 1]
        xp.multiply(c0, _M4x32A, out=p0, dtype=np.uint64)
        xp.multiply(c2, _M4x32B, out=p1, dtype=np.uint64)
        v0 = p0.view(np.uint32).reshape(n, 2)
        v1 = p1.view(np.uint32).reshape(n, 2)
        xp.bitwise_xor(v1[:, 1], c1, out=e0)
        e0 ^= np.uint32(k0)
        xp.bitwise_xor(v0[:, 1], c3, out=e2)
        e2 ^= np.uint32(k1)
        c0, c1, c2, c3 = e0, v1[:, 0], e2, v0[:, 0]
        k0 = (k0 + _W32A) & MASK32
        k1 = (k1 + _W32B) & MASK32
    out[:, 0] = c0
    out[:, 1] = c1
    out[:, 2] = c2
    out[:, 3] = c3


def philox_blocks(key: Key, counter: Counter, n_blocks: int,
                  xp: ModuleType = np) -> Any:
    """Philox-4x32-10 outputs for counters ``counter + i``, i < n_blocks.

    Args:
      key: two uint32 key words.
      counter: four uint32 counter words (word 0 least significant).
      n_blocks: number of 128-bit blocks.
      xp: ``numpy`` or ``cupy``.

    Returns:
      A ``(n_blocks, 4)`` uint32 array; row i is what TF's ``PhiloxRandom``
      returns on its i-th call starting from ``counter``.
    """
    out = xp.empty((n_blocks, 4), dtype=np.uint32)
    chunk = _CHUNK_BLOCKS if xp is np else max(n_blocks, 1)
    base = counter_to_int(counter)
    pos = 0
    while pos < n_blocks:
        start = (base + pos) & ((1 << 128) - 1)
        room = (1 << 64) - (start & MASK64)  # blocks before the low word wraps
        n = min(chunk, n_blocks - pos, room)
        _philox_chunk(xp, key, start, n, out[pos:pos + n])
        pos += n
    return out


def philox_single(key: Key, counter: Counter) -> tuple[int, int, int, int]:
    block = philox_blocks(key, counter, 1)[0]
    return tuple(int(w) for w in block)  # type: ignore[return-value]


def blocks_at(key: Key, base: int, offsets: Any, xp: ModuleType) -> Any:
    """Philox blocks at ``base + offsets[i]`` for arbitrary int64 offsets."""
    n = offsets.shape[0]
    out = xp.empty((n, 4), dtype=np.uint32)
    if n == 0:
        return out
    offs = offsets.astype(np.uint64)
    start = base & MASK64
    low = offs + np.uint64(start)
    carry = (low < offs).astype(np.uint64)  # wrap of the low 64 bits
    high = np.uint64((base >> 64) & MASK64) + carry
    lo_w = low.view(np.uint32).reshape(n, 2)
    hi_w = high.view(np.uint32).reshape(n, 2)
    c0, c1, c2, c3 = lo_w[:, 0], lo_w[:, 1], hi_w[:, 0], hi_w[:, 1]
    k0, k1 = key
    for _ in range(10):
        p0 = xp.multiply(c0, _M4x32A, dtype=np.uint64).view(np.uint32).reshape(n, 2)
        p1 = xp.multiply(c2, _M4x32B, dtype=np.uint64).view(np.uint32).reshape(n, 2)
        c0, c1, c2, c3 = (p1[:, 1] ^ c1 ^ np.uint32(k0), p1[:, 0],
                          p0[:, 1] ^ c3 ^ np.uint32(k1), p0[:, 0])
        k0 = (k0 + _W32A) & MASK32
        k1 = (k1 + _W32B) & MASK32
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = c0, c1, c2, c3
    return out
