"""TensorFlow's random-number algorithms, bit for bit (TF 2.21, CPU kernels).

Everything here is array-library generic: functions take ``xp`` (``numpy`` or
``cupy``) and do their element math with it, in uint32/uint64/float arithmetic.

Layers, bottom up:

* Philox-4x32-10 exactly as ``tensorflow/core/lib/random/philox_random.h``
  (``philox_blocks``: one 4-word block per 128-bit counter, ``skip_counter``).
* TF's sample conversions (``random_distributions.h``): ``Uint32ToFloat``,
  ``Uint64ToDouble``, half/bfloat16 from the low 16 bits, ``SignedAdd`` for
  ints, Box-Muller with float or double math, the truncated-normal rejection
  loop with its fixed 256-block reservation per output group.
* Kernels filling a flat output the way ``FillPhiloxRandom`` does
  (``fill_uniform``, ``fill_normal``, ``fill_truncated_normal``,
  ``fill_uniform_int``, ``fill_uniform_full_int``).
* Seeds: stateless ``seed -> (key, counter)``, ``get_seed`` (eager
  ``random_seed.get_seed``), ``PhiloxStream`` (``GuardedPhiloxRandom``) and
  ``KernelStreams`` (TF's eager kernel cache, cleared by ``set_seed``).
* ``tf.random.Generator`` as pure functions over an int64 state of size 3.

Bit-exactness of the float math
-------------------------------
TF's float Box-Muller calls glibc ``logf`` and ``sincosf``. NumPy's float32
``log``/``sin`` are different SIMD code, so this module carries a vectorised
transcription of glibc's (2.28+) ``logf`` and ``sincosf``; it was checked equal
to glibc 2.36 on all 2**23 inputs Box-Muller can feed them. For large draws
those values come from lazily built 2**23-entry tables (96 MiB, built once in
about two seconds) because a gather is much faster than the polynomial.
The double path needs glibc ``log``: on NumPy it calls ``math.log`` per
element (exact, slow); on CuPy it uses ``cupy.log`` (may differ in the last
bit for ~0.3% of inputs).

Not bit-exact (correct samplers instead)
----------------------------------------
``gamma``, ``poisson``, ``binomial`` (stateless and Generator) and
``categorical`` follow TF's seeding, reservation and output layout, but their
per-sample rejection loops (Marsaglia-Tsang, PTRS/inversion, BTRS) interleave
data-dependent sample consumption with libm calls (``lgamma``, ``exp``, ``pow``)
whose glibc rounding we do not replicate; they are exact in distribution only.
``shuffle`` is bit-exact (TF's Fisher-Yates with ``uint32 % n``).
"""

from __future__ import annotations

import math
import os
import random as _pyrandom
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Sequence

import ml_dtypes
import numpy as np

# Philox-4x32-10 constants (philox_random.h).
_W32A = 0x9E3779B9
_W32B = 0xBB67AE85
_M4x32A = np.uint64(0xD2511F53)
_M4x32B = np.uint64(0xCD9E8D57)
_MASK32 = 0xFFFFFFFF
_MASK64 = (1 << 64) - 1

# Every output element of a TF random kernel owns 256 Philox blocks
# (kReservedSamplesPerOutput in random_op.cc and the Generator's skip).
RESERVED_BLOCKS_PER_OUTPUT = 256

# tensorflow/python/framework/random_seed.py
DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

# Stateless key derivation constant (stateless_random_ops.cc GenerateKey).
_STATELESS_KEY = (0x3EC8F720, 0x02461E29)

# rng_alg.h: RNG_ALG_PHILOX = 1; AUTO_SELECT (3) resolves to Philox on CPU.
ALG_PHILOX = 1
ALG_AUTO_SELECT = 3

_CHUNK_BLOCKS = 1 << 15  # NumPy works best when a chunk's lanes stay in L2.

Key = tuple[int, int]
Counter = tuple[int, int, int, int]


# --------------------------------------------------------------------------
# Philox core
# --------------------------------------------------------------------------

def counter_to_int(counter: Counter) -> int:
    """Packs 4 uint32 counter words (word 0 least significant) into an int."""
    c0, c1, c2, c3 = counter
    return c0 | (c1 << 32) | (c2 << 64) | (c3 << 96)


def int_to_counter(value: int) -> Counter:
    """Unpacks a 128-bit int into 4 uint32 counter words."""
    value &= (1 << 128) - 1
    return (value & _MASK32, (value >> 32) & _MASK32,
            (value >> 64) & _MASK32, value >> 96)


def skip_counter(counter: Counter, count: int) -> Counter:
    """``PhiloxRandom::Skip(count)``: advance the 128-bit counter by ``count``."""
    return int_to_counter(counter_to_int(counter) + count)


def _philox_chunk(xp: ModuleType, key: Key, start: int, n: int, out: Any) -> None:
    """Writes blocks for counters start..start+n-1 (no 64-bit wrap inside)."""
    low = xp.arange(n, dtype=np.uint64)
    low += np.uint64(start & _MASK64)
    words = low.view(np.uint32).reshape(n, 2)
    c0, c1 = words[:, 0], words[:, 1]
    c2 = xp.full(n, (start >> 64) & _MASK32, dtype=np.uint32)
    c3 = xp.full(n, (start >> 96) & _MASK32, dtype=np.uint32)
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
        k0 = (k0 + _W32A) & _MASK32
        k1 = (k1 + _W32B) & _MASK32
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
        room = (1 << 64) - (start & _MASK64)  # blocks before the low word wraps
        n = min(chunk, n_blocks - pos, room)
        _philox_chunk(xp, key, start, n, out[pos:pos + n])
        pos += n
    return out


def _philox_single(key: Key, counter: Counter) -> tuple[int, int, int, int]:
    block = philox_blocks(key, counter, 1)[0]
    return tuple(int(w) for w in block)  # type: ignore[return-value]


# --------------------------------------------------------------------------
# glibc logf / sincosf (what TF's BoxMullerFloat calls on Linux)
# --------------------------------------------------------------------------

_LOGF_TAB = np.array([float.fromhex(h) for h in (
    "0x1.661ec79f8f3bep+0 -0x1.57bf7808caadep-2 0x1.571ed4aaf883dp+0 -0x1.2bef0a7c06ddbp-2 "
    "0x1.49539f0f010bp+0 -0x1.01eae7f513a67p-2 0x1.3c995b0b80385p+0 -0x1.b31d8a68224e9p-3 "
    "0x1.30d190c8864a5p+0 -0x1.6574f0ac07758p-3 0x1.25e227b0b8eap+0 -0x1.1aa2bc79c81p-3 "
    "0x1.1bb4a4a1a343fp+0 -0x1.a4e76ce8c0e5ep-4 0x1.12358f08ae5bap+0 -0x1.1973c5a611cccp-4 "
    "0x1.0953f419900a7p+0 -0x1.252f438e10c1ep-5 0x1p+0 0x0p+0 "
    "0x1.e608cfd9a47acp-1 0x1.aa5aa5df25984p-5 0x1.ca4b31f026aap-1 0x1.c5e53aa362eb4p-4 "
    "0x1.b2036576afce6p-1 0x1.526e57720db08p-3 0x1.9c2d163a1aa2dp-1 0x1.bc2860d22477p-3 "
    "0x1.886e6037841edp-1 0x1.1058bc8a07ee1p-2 0x1.767dcf5534862p-1 0x1.4043057b6ee09p-2"
).split()]).reshape(16, 2)
_LOGF_LN2 = float.fromhex("0x1.62e42fefa39efp-1")
_LOGF_A = [float.fromhex(h) for h in
           ("-0x1.00ea348b88334p-2", "0x1.5575b0be00b6ap-2", "-0x1.ffffef20a4123p-2")]

_SC_HPI_INV = float.fromhex("0x1.45F306DC9C883p+23")  # 2/pi * 2**24
_SC_HPI = float.fromhex("0x1.921FB54442D18p0")
_SC_C = [1.0] + [float.fromhex(h) for h in (
    "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5", "-0x1.6c087e89a359dp-10",
    "0x1.99343027bf8c3p-16")]
_SC_S = [float.fromhex(h) for h in
         ("-0x1.555545995a603p-3", "0x1.1107605230bc4p-7", "-0x1.994eb3774cf24p-13")]


def _abstop12(x: Any) -> Any:
    return (x.view(np.uint32) >> np.uint32(20)) & np.uint32(0x7FF)


def glibc_logf(x: Any, xp: ModuleType = np) -> Any:
    """glibc's ``logf`` for positive normal float32 ``x`` (e_logf.c)."""
    ix = x.view(np.uint32)
    tmp = ix - np.uint32(0x3F330000)
    i = (tmp >> np.uint32(19)) & np.uint32(15)
    k = (tmp.view(np.int32) >> 23).astype(np.float64)
    iz = ix - (tmp & np.uint32(0x1FF << 23))
    z = iz.view(np.float32).astype(np.float64)
    tab = xp.asarray(_LOGF_TAB)
    r = z * tab[i, 0] - 1.0
    y0 = tab[i, 1] + k * _LOGF_LN2
    r2 = r * r
    y = _LOGF_A[1] * r + _LOGF_A[2]
    y = _LOGF_A[0] * r2 + y
    y = y * r2 + (y0 + r)
    return y.astype(np.float32)


def glibc_sincosf(y: Any, xp: ModuleType = np) -> tuple[Any, Any]:
    """glibc's ``sincosf`` for float32 ``0 <= y < 120`` (s_sincosf.c)."""
    x = y.astype(np.float64)
    top = _abstop12(y)
    small = top < _abstop12(np.float32(math.pi / 4))
    n = ((x * _SC_HPI_INV).astype(np.int32) + 0x800000) >> 24
    n[small] = 0
    xr = x - n.astype(np.float64) * _SC_HPI
    # Quadrants 2 and 3 use the negated cosine polynomial and sign -1 for sin.
    neg = (n & 2) != 0
    csign = xp.where(neg, -1.0, 1.0)
    xs = xr * xp.where(((n + 1) & 2) != 0, -1.0, 1.0)  # sign = {1,-1,-1,1}[n&3]
    x2 = xr * xr
    x4 = x2 * x2
    x3 = x2 * xs
    c2 = (_SC_C[3] + x2 * _SC_C[4]) * csign
    s1 = _SC_S[1] + x2 * _SC_S[2]
    c1 = (_SC_C[0] + x2 * _SC_C[1]) * csign
    x5 = x3 * x2
    x6 = x4 * x2
    s = xs + x3 * _SC_S[0]
    c = c1 + x4 * (_SC_C[2] * csign)
    sv = (s + x5 * s1).astype(np.float32)
    cv = (c + x6 * c2).astype(np.float32)
    odd = (n & 1) != 0
    sin_out = xp.where(odd, cv, sv)
    cos_out = xp.where(odd, sv, cv)
    tiny = top < _abstop12(np.float32(2.0**-12))
    sin_out = xp.where(tiny, y, sin_out)
    cos_out = xp.where(tiny, np.float32(1.0), cos_out)
    return sin_out, cos_out


_TABLES: dict[Any, tuple[Any, Any]] = {}
_TABLE_MIN_PAIRS = 1 << 18


def _box_muller_terms(mant0: Any, mant1: Any, xp: ModuleType) -> tuple[Any, Any, Any]:
    """(u2, sin v1, cos v1) of BoxMullerFloat from 23-bit mantissas (uint32)."""
    u1 = (mant0 | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)
    u1 = xp.maximum(u1, np.float32(1.0e-7))
    u2 = xp.sqrt(np.float32(-2.0) * glibc_logf(u1, xp))
    u = (mant1 | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)
    # `2.0f * M_PI * Uint32ToFloat(x1)` is evaluated in double, stored as float.
    v1 = ((2.0 * math.pi) * u.astype(np.float64)).astype(np.float32)
    s, c = glibc_sincosf(v1, xp)
    return u2, s, c


def _box_muller_tables(xp: ModuleType) -> tuple[Any, Any]:
    key = xp.__name__
    if key not in _TABLES:
        m = xp.arange(1 << 23, dtype=np.uint32)
        u2, s, c = _box_muller_terms(m, m, xp)
        sc = xp.empty((1 << 23, 2), dtype=np.float32)
        sc[:, 0] = s
        sc[:, 1] = c
        _TABLES[key] = (u2, sc)
    return _TABLES[key]


def box_muller_float(x0: Any, x1: Any, xp: ModuleType = np) -> Any:
    """TF's ``BoxMullerFloat`` on uint32 arrays x0, x1 (modified in place).

    Returns:
      ``(n, 2)`` float32: column 0 is ``u2*sin``, column 1 ``u2*cos``.
    """
    x0 &= np.uint32(0x7FFFFF)
    x1 &= np.uint32(0x7FFFFF)
    n = x0.shape[0]
    out = xp.empty((n, 2), dtype=np.float32)
    if n >= _TABLE_MIN_PAIRS or xp.__name__ in _TABLES:
        u2_tab, sc_tab = _box_muller_tables(xp)
        xp.take(sc_tab.view(np.uint64).reshape(-1), x1, out=out.view(np.uint64).reshape(-1))
        out *= xp.take(u2_tab, x0)[:, None]
        return out
    u2, s, c = _box_muller_terms(x0, x1, xp)
    xp.multiply(s, u2, out=out[:, 0])
    xp.multiply(c, u2, out=out[:, 1])
    return out


def _glibc_log(d: Any, xp: ModuleType) -> Any:
    if xp is np:
        return np.frompyfunc(math.log, 1, 1)(d).astype(np.float64)
    return xp.log(d)


def _uint64_to_double(hi: Any, lo: Any, xp: ModuleType) -> Any:
    """TF's ``Uint64ToDouble(x0, x1)``: 20 mantissa bits of x0, 32 of x1."""
    bits = (hi & np.uint32(0xFFFFF)).astype(np.uint64) << np.uint64(32)
    bits |= lo.astype(np.uint64)
    bits |= np.uint64(1023 << 52)
    return bits.view(np.float64) - 1.0


def box_muller_double(x0: Any, x1: Any, x2: Any, x3: Any, xp: ModuleType = np) -> Any:
    """TF's ``BoxMullerDouble``; returns ``(n, 2)`` float64 (sin, cos terms)."""
    u1 = xp.maximum(_uint64_to_double(x0, x1, xp), 1.0e-7)
    v1 = (2.0 * math.pi) * _uint64_to_double(x2, x3, xp)
    u2 = xp.sqrt(-2.0 * _glibc_log(u1, xp))
    out = xp.empty((u1.shape[0], 2), dtype=np.float64)
    xp.multiply(xp.sin(v1), u2, out=out[:, 0])
    xp.multiply(xp.cos(v1), u2, out=out[:, 1])
    return out


# --------------------------------------------------------------------------
# Distributions on Philox blocks (random_distributions.h)
# --------------------------------------------------------------------------

_HALF_TYPES = {np.dtype(np.float16): (10, 15, np.uint16),
               np.dtype(ml_dtypes.bfloat16): (7, 127, np.uint16)}


def _np_dtype(dtype: Any) -> np.dtype:
    return np.dtype(dtype)


def uniform_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``UniformDistribution`` for floats: flat [0, 1) values, group order."""
    dt = _np_dtype(dtype)
    flat = blocks.reshape(-1)
    if dt == np.float32:
        bits = flat & np.uint32(0x7FFFFF)
        bits |= np.uint32(0x3F800000)
        out = bits.view(np.float32)
        out -= np.float32(1.0)
        return out
    if dt == np.float64:
        pairs = flat.reshape(-1, 2)
        return _uint64_to_double(pairs[:, 0], pairs[:, 1], xp)
    if dt in _HALF_TYPES:
        # Uint16ToHalf / Uint16ToGfloat16 use the low 16 bits of each sample.
        man_bits, bias, _ = _HALF_TYPES[dt]
        bits = (flat & np.uint32((1 << man_bits) - 1)).astype(np.uint16)
        bits |= np.uint16(bias << man_bits)
        return bits.view(dt) - dt.type(1.0)
    raise TypeError(f"uniform: unsupported dtype {dt}")


def normal_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``NormalDistribution``: flat standard normals in TF's group order."""
    dt = _np_dtype(dtype)
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
    dt = _np_dtype(dtype)
    flat = blocks.reshape(-1)
    if dt == np.int32:
        rng = np.uint32(_range_unsigned(lo, hi, 32))
        res = flat % rng
        res += np.uint32(lo & _MASK32)
        return res.view(np.int32)
    if dt == np.int64:
        bits = flat.view(np.uint64)  # sample[2i] | sample[2i+1] << 32
        res = bits % np.uint64(_range_unsigned(lo, hi, 64))
        res += np.uint64(lo & _MASK64)
        return res.view(np.int64)
    raise TypeError(f"uniform int: unsupported dtype {dt}")


def full_int_from_blocks(blocks: Any, dtype: Any, xp: ModuleType = np) -> Any:
    """``UniformFullIntDistribution``: raw bits as (u)int32 or (u)int64."""
    dt = _np_dtype(dtype)
    flat = xp.ascontiguousarray(blocks).reshape(-1)
    if dt.itemsize == 4 and dt.kind in "iu":
        return flat.view(dt)
    if dt.itemsize == 8 and dt.kind in "iu":
        return flat.view(dt)
    raise TypeError(f"uniform full int: unsupported dtype {dt}")


# --------------------------------------------------------------------------
# Kernels: FillPhiloxRandom element order
# --------------------------------------------------------------------------

def _size(shape: Sequence[int]) -> int:
    return int(np.prod(shape, dtype=np.int64)) if len(shape) else 1


def _group_size(dtype: Any) -> int:
    # kResultElementCount: 4 per block, 2 for 64-bit types.
    return 2 if _np_dtype(dtype).itemsize == 8 else 4


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
    size = _size(shape)
    group = _group_size(dtype)
    n_blocks = -(-size // group)
    if xp is not np or n_blocks < _PARALLEL_MIN_BLOCKS:
        blocks = philox_blocks(key, counter, n_blocks, xp)
        return convert(blocks)[:size].reshape(tuple(shape))
    # NumPy releases the GIL in ufuncs and take: chunks run on all cores and
    # each chunk's blocks are converted while still in cache.
    out = np.empty(n_blocks * group, dtype=_np_dtype(dtype))

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
    if _size(shape) >= 4 * _TABLE_MIN_PAIRS and _np_dtype(dtype) != np.float64:
        _box_muller_tables(xp)  # build once, before worker threads need them
    return _fill(shape, dtype, key, counter,
                 lambda b: normal_from_blocks(b, dtype, xp), xp)


def fill_uniform_int(shape: Sequence[int], minval: int, maxval: int, dtype: Any,
                     key: Key, counter: Counter, xp: ModuleType = np) -> Any:
    """RandomUniformInt / StatelessRandomUniformIntV2 kernel output."""
    if _size(shape) == 0:
        return xp.zeros(tuple(shape), dtype=_np_dtype(dtype))
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
    dt = _np_dtype(dtype)
    size = _size(shape)
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
            blocks[:, t] = _blocks_at(key, base, todo * RESERVED_BLOCKS_PER_OUTPUT * group // 4 + j + t, xp)
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


def _blocks_at(key: Key, base: int, offsets: Any, xp: ModuleType) -> Any:
    """Philox blocks at ``base + offsets[i]`` for arbitrary int64 offsets."""
    n = offsets.shape[0]
    out = xp.empty((n, 4), dtype=np.uint32)
    if n == 0:
        return out
    offs = offsets.astype(np.uint64)
    start = base & _MASK64
    low = offs + np.uint64(start)
    carry = (low < offs).astype(np.uint64)  # wrap of the low 64 bits
    high = np.uint64((base >> 64) & _MASK64) + carry
    lo_w = low.view(np.uint32).reshape(n, 2)
    hi_w = high.view(np.uint32).reshape(n, 2)
    c0, c1, c2, c3 = lo_w[:, 0], lo_w[:, 1], hi_w[:, 0], hi_w[:, 1]
    k0, k1 = key
    for _ in range(10):
        p0 = xp.multiply(c0, _M4x32A, dtype=np.uint64).view(np.uint32).reshape(n, 2)
        p1 = xp.multiply(c2, _M4x32B, dtype=np.uint64).view(np.uint32).reshape(n, 2)
        c0, c1, c2, c3 = (p1[:, 1] ^ c1 ^ np.uint32(k0), p1[:, 0],
                          p0[:, 1] ^ c3 ^ np.uint32(k1), p0[:, 0])
        k0 = (k0 + _W32A) & _MASK32
        k1 = (k1 + _W32B) & _MASK32
    out[:, 0], out[:, 1], out[:, 2], out[:, 3] = c0, c1, c2, c3
    return out


# --------------------------------------------------------------------------
# Seeds
# --------------------------------------------------------------------------

def stateless_key_counter(seed: Sequence[int]) -> tuple[Key, Counter]:
    """``StatelessRandomGetKeyCounter`` (and the V1 kernels' ``GenerateKey``).

    Args:
      seed: shape-[2] int32 or int64 seed; negative values sign-extend.

    Returns:
      ``(key, counter)``: the seed is hashed by one Philox call under a fixed
      key; output words 0-1 become the key, 2-3 the counter's high words.
    """
    s0, s1 = (int(s) & _MASK64 for s in np.asarray(seed).reshape(-1)[:2])
    mix = _philox_single(_STATELESS_KEY, (s0 & _MASK32, s0 >> 32, s1 & _MASK32, s1 >> 32))
    return (mix[0], mix[1]), (0, 0, mix[2], mix[3])


def _truncate_seed(seed: int) -> int:
    return seed % _MAXINT32


@dataclass
class SeedState:
    """The eager context's seed bookkeeping (``context.global_seed`` etc.)."""

    global_seed: int | None = None
    _op_rng: _pyrandom.Random | None = None

    def set_seed(self, seed: int | None) -> None:
        """``tf.random.set_seed``: also restarts the internal op-seed sequence."""
        self.global_seed = seed
        self._op_rng = None if seed is None else _pyrandom.Random(int(seed))

    def internal_operation_seed(self) -> int:
        assert self._op_rng is not None
        return self._op_rng.randint(0, _MAXINT32)

    def get_seed(self, op_seed: int | None) -> tuple[int | None, int | None]:
        """``random_seed.get_seed`` in eager mode: ``(seed, seed2)`` op attrs."""
        if self.global_seed is not None:
            if op_seed is None:
                op_seed = self.internal_operation_seed()
            seeds: tuple[int | None, int | None] = (
                _truncate_seed(self.global_seed), _truncate_seed(op_seed))
        elif op_seed is not None:
            seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(op_seed))
        else:
            seeds = (None, None)
        if seeds == (0, 0):  # (0, 0) means "nondeterministic" to the kernels
            return (0, _MAXINT32)
        return seeds


class PhiloxStream:
    """``GuardedPhiloxRandom``: a Philox generator shared by one op kernel."""

    def __init__(self, seed: int, seed2: int) -> None:
        if seed == 0 and seed2 == 0:  # TF: both zero -> random seeds
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        seed &= _MASK64
        seed2 &= _MASK64
        # PhiloxRandom(seed_lo, seed_hi): seed -> key, seed2 -> counter words 2-3.
        self.key: Key = (seed & _MASK32, seed >> 32)
        self.counter: Counter = (0, 0, seed2 & _MASK32, seed2 >> 32)

    def reserve(self, n_samples: int) -> tuple[Key, Counter]:
        """``ReserveSamples128``: return the current position, skip past it."""
        here = self.counter
        self.counter = skip_counter(here, n_samples)
        return self.key, here

    def reserve_outputs(self, n_outputs: int) -> tuple[Key, Counter]:
        """``ReserveRandomOutputs(n, 256)`` as random_op.cc calls it."""
        return self.reserve(n_outputs * RESERVED_BLOCKS_PER_OUTPUT)


@dataclass
class KernelStreams:
    """TF's eager kernel cache as far as random ops care.

    A cached kernel is keyed by op name and attrs (dtype, seed, seed2, ...),
    not by shape, so repeated calls with identical seeds share one advancing
    ``PhiloxStream``. ``set_seed`` clears the cache.
    """

    seeds: SeedState = field(default_factory=SeedState)
    _streams: dict[tuple[Any, ...], PhiloxStream] = field(default_factory=dict)

    def set_seed(self, seed: int | None) -> None:
        self.seeds.set_seed(seed)
        self._streams.clear()

    def stream(self, op_name: str, attrs: tuple[Any, ...], seed: int | None,
               seed2: int | None) -> PhiloxStream:
        s, s2 = (0 if seed is None else seed), (0 if seed2 is None else seed2)
        cache_key = (op_name, attrs, s, s2)
        if cache_key not in self._streams:
            self._streams[cache_key] = PhiloxStream(s, s2)
        return self._streams[cache_key]

    def reserve(self, op_name: str, attrs: tuple[Any, ...], op_seed: int | None,
                n_outputs: int, multiplier: int = RESERVED_BLOCKS_PER_OUTPUT,
                ) -> tuple[Key, Counter]:
        """get_seed + kernel lookup + ``ReserveRandomOutputs(n, multiplier)``."""
        seed, seed2 = self.seeds.get_seed(op_seed)
        return self.stream(op_name, attrs, seed, seed2).reserve(n_outputs * multiplier)


# --------------------------------------------------------------------------
# tf.random.* front ends (Python wrapper arithmetic included)
# --------------------------------------------------------------------------

def _affine(rnd: Any, scale: Any, shift: Any, dtype: np.dtype) -> Any:
    # TF: math_ops.add(rnd * scale, shift) in the output dtype, no FMA.
    return rnd * dtype.type(scale) + dtype.type(shift)


def random_uniform(streams: KernelStreams, shape: Sequence[int], minval: Any = 0,
                   maxval: Any = None, dtype: Any = np.float32, seed: int | None = None,
                   xp: ModuleType = np) -> Any:
    """``tf.random.uniform`` (ops RandomUniform / RandomUniformInt)."""
    dt = _np_dtype(dtype)
    n = _size(shape)
    if dt.kind in "iu":
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dt}")
        key, counter = streams.reserve("RandomUniformInt", (dt.name,), seed, n)
        return fill_uniform_int(shape, int(minval), int(maxval), dt, key, counter, xp)
    if maxval is None:
        maxval = 1
    minval_is_zero = isinstance(minval, int) and minval == 0
    maxval_is_one = isinstance(maxval, int) and maxval == 1
    key, counter = streams.reserve("RandomUniform", (dt.name,), seed, n)
    rnd = fill_uniform(shape, dt, key, counter, xp)
    if minval_is_zero:
        return rnd if maxval_is_one else rnd * dt.type(maxval)
    lo, hi = dt.type(minval), dt.type(maxval)
    return _affine(rnd, hi - lo, lo, dt)


def random_normal(streams: KernelStreams, shape: Sequence[int], mean: Any = 0.0,
                  stddev: Any = 1.0, dtype: Any = np.float32, seed: int | None = None,
                  xp: ModuleType = np) -> Any:
    """``tf.random.normal`` (op RandomStandardNormal)."""
    dt = _np_dtype(dtype)
    key, counter = streams.reserve("RandomStandardNormal", (dt.name,), seed, _size(shape))
    return _affine(fill_normal(shape, dt, key, counter, xp), stddev, mean, dt)


def truncated_normal(streams: KernelStreams, shape: Sequence[int], mean: Any = 0.0,
                     stddev: Any = 1.0, dtype: Any = np.float32, seed: int | None = None,
                     xp: ModuleType = np) -> Any:
    """``tf.random.truncated_normal`` (op TruncatedNormal)."""
    dt = _np_dtype(dtype)
    key, counter = streams.reserve("TruncatedNormal", (dt.name,), seed, _size(shape))
    return _affine(fill_truncated_normal(shape, dt, key, counter, xp), stddev, mean, dt)


def stateless_random_uniform(shape: Sequence[int], seed: Sequence[int], minval: Any = 0,
                             maxval: Any = None, dtype: Any = np.float32,
                             xp: ModuleType = np) -> Any:
    """``tf.random.stateless_uniform`` (default alg: auto_select = Philox on CPU)."""
    dt = _np_dtype(dtype)
    key, counter = stateless_key_counter(seed)
    if dt.kind in "iu":
        if (minval is None) != (maxval is None):
            raise ValueError("For integer dtype, minval and maxval must be both "
                             "None or both not None")
        if minval is None:
            return fill_uniform_full_int(shape, dt, key, counter, xp)
        return fill_uniform_int(shape, int(minval), int(maxval), dt, key, counter, xp)
    if maxval is None:
        maxval = 1
    lo, hi = dt.type(minval), dt.type(maxval)
    return _affine(fill_uniform(shape, dt, key, counter, xp), hi - lo, lo, dt)


def stateless_random_normal(shape: Sequence[int], seed: Sequence[int], mean: Any = 0.0,
                            stddev: Any = 1.0, dtype: Any = np.float32,
                            xp: ModuleType = np) -> Any:
    """``tf.random.stateless_normal``."""
    dt = _np_dtype(dtype)
    key, counter = stateless_key_counter(seed)
    return _affine(fill_normal(shape, dt, key, counter, xp), stddev, mean, dt)


def stateless_truncated_normal(shape: Sequence[int], seed: Sequence[int], mean: Any = 0.0,
                               stddev: Any = 1.0, dtype: Any = np.float32,
                               xp: ModuleType = np) -> Any:
    """``tf.random.stateless_truncated_normal``."""
    dt = _np_dtype(dtype)
    key, counter = stateless_key_counter(seed)
    return _affine(fill_truncated_normal(shape, dt, key, counter, xp), stddev, mean, dt)


# --------------------------------------------------------------------------
# tf.random.Generator (Philox): int64 state [counter_lo64, counter_hi64, key]
# --------------------------------------------------------------------------

def _u64(x: int) -> int:
    return int(x) & _MASK64


def _i64(x: int) -> int:
    x &= _MASK64
    return x - (1 << 64) if x >> 63 else x


def generator_state_from_seed(seed: int | Sequence[int]) -> np.ndarray:
    """``create_rng_state(seed, "philox")`` / ``Generator.from_seed``.

    An int is chopped into 64-bit words, least significant first; a sequence
    is cast to int64, cut to 3 and left-padded with zeros.
    """
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = [_i64(seed >> (64 * i)) for i in range(3)]
    else:
        words = [_i64(int(s)) for s in np.asarray(seed).reshape(-1)[:3]]
        words = [0] * (3 - len(words)) + words
    return np.array(words, dtype=np.int64)


def state_key_counter(state: np.ndarray) -> tuple[Key, Counter]:
    """Philox key and counter stored in a Generator state."""
    lo, hi, key = (_u64(v) for v in np.asarray(state, dtype=np.int64)[:3])
    return (key & _MASK32, key >> 32), (lo & _MASK32, lo >> 32, hi & _MASK32, hi >> 32)


def state_from_key_counter(key: Key, counter: Counter) -> np.ndarray:
    """Inverse of ``state_key_counter``."""
    c = counter_to_int(counter)
    return np.array([_i64(c), _i64(c >> 64), _i64(key[0] | (key[1] << 32))], dtype=np.int64)


def rng_read_and_skip(state: np.ndarray, delta: int) -> tuple[np.ndarray, np.ndarray]:
    """``RngReadAndSkip`` (Philox): returns ``(old_state, new_state)``.

    The counter advances by ``delta * 256`` blocks, like ``delta`` outputs.
    """
    old = np.asarray(state, dtype=np.int64).copy()
    key, counter = state_key_counter(old)
    return old, state_from_key_counter(key, skip_counter(counter, int(delta) * 256))


def generator_skip(state: np.ndarray, delta: int) -> np.ndarray:
    """``Generator.skip(delta)``: the new state."""
    return rng_read_and_skip(state, delta)[1]


def _generator_call(state: np.ndarray, shape: Sequence[int]) -> tuple[Key, Counter, np.ndarray]:
    old, new = rng_read_and_skip(state, _size(shape))
    key, counter = state_key_counter(old)
    return key, counter, new


def generator_normal(state: np.ndarray, shape: Sequence[int], mean: Any = 0.0,
                     stddev: Any = 1.0, dtype: Any = np.float32,
                     xp: ModuleType = np) -> tuple[Any, np.ndarray]:
    """``Generator.normal``: returns ``(values, new_state)``."""
    dt = _np_dtype(dtype)
    key, counter, new = _generator_call(state, shape)
    return _affine(fill_normal(shape, dt, key, counter, xp), stddev, mean, dt), new


def generator_truncated_normal(state: np.ndarray, shape: Sequence[int], mean: Any = 0.0,
                               stddev: Any = 1.0, dtype: Any = np.float32,
                               xp: ModuleType = np) -> tuple[Any, np.ndarray]:
    """``Generator.truncated_normal``: returns ``(values, new_state)``."""
    dt = _np_dtype(dtype)
    key, counter, new = _generator_call(state, shape)
    return _affine(fill_truncated_normal(shape, dt, key, counter, xp), stddev, mean, dt), new


def generator_uniform(state: np.ndarray, shape: Sequence[int], minval: Any = 0,
                      maxval: Any = None, dtype: Any = np.float32,
                      xp: ModuleType = np) -> tuple[Any, np.ndarray]:
    """``Generator.uniform`` (ints without bounds: full range); ``(values, new_state)``."""
    dt = _np_dtype(dtype)
    if dt.kind in "iu":
        if (minval is None) != (maxval is None):
            raise ValueError("For integer dtype, minval and maxval must be both "
                             "None or both not None")
        key, counter, new = _generator_call(state, shape)
        if minval is None:
            return fill_uniform_full_int(shape, dt, key, counter, xp), new
        return fill_uniform_int(shape, int(minval), int(maxval), dt, key, counter, xp), new
    if maxval is None:
        maxval = 1
    key, counter, new = _generator_call(state, shape)
    lo, hi = dt.type(minval), dt.type(maxval)
    return _affine(fill_uniform(shape, dt, key, counter, xp), hi - lo, lo, dt), new


def generator_uniform_full_int(state: np.ndarray, shape: Sequence[int],
                               dtype: Any = np.uint64,
                               xp: ModuleType = np) -> tuple[Any, np.ndarray]:
    """``Generator.uniform_full_int``: returns ``(values, new_state)``."""
    key, counter, new = _generator_call(state, shape)
    return fill_uniform_full_int(shape, dtype, key, counter, xp), new


def generator_make_seeds(state: np.ndarray, count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``Generator.make_seeds``: ``(int64 [2, count] seeds, new_state)``."""
    keys, new = generator_uniform_full_int(state, (count,), np.int64)
    return np.stack([keys, np.zeros_like(keys)]), new


def generator_split(state: np.ndarray, count: int = 1) -> tuple[list[np.ndarray], np.ndarray]:
    """``Generator.split``: ``(child states [0, 0, key_i], new_state)``."""
    keys, new = generator_uniform_full_int(state, (count,), np.int64)
    return [np.array([0, 0, int(k)], dtype=np.int64) for k in keys], new


# --------------------------------------------------------------------------
# Shuffle (bit-exact) and the samplers that are exact in distribution only
# --------------------------------------------------------------------------

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


def random_shuffle(streams: KernelStreams, value: Any, seed: int | None = None,
                   xp: ModuleType = np) -> Any:
    """``tf.random.shuffle`` along axis 0 (op RandomShuffle)."""
    dt = np.dtype(value.dtype)
    stream_seed = streams.seeds.get_seed(seed)
    stream = streams.stream("RandomShuffle", (dt.name,), *stream_seed)
    if value.size <= 1 or value.shape[0] <= 1:
        return value.copy()
    # ReserveSamples32(n - 1) == ReserveSamples128(ceil((n - 1) / 4)).
    key, counter = stream.reserve(-(-(value.shape[0] - 1) // 4))
    return shuffle_from_stream(value, key, counter, xp)


def _numpy_generator(key: Key, counter: Counter) -> np.random.Generator:
    # Deterministic in (key, counter); NumPy's Philox is 4x64, not TF's stream.
    return np.random.Generator(np.random.Philox(
        key=np.array([key[0] | (key[1] << 32), 0], dtype=np.uint64),
        counter=np.array([counter_to_int(counter) & _MASK64,
                          counter_to_int(counter) >> 64, 0, 0], dtype=np.uint64)))


def random_gamma(streams: KernelStreams, shape: Sequence[int], alpha: Any, beta: Any = None,
                 dtype: Any = np.float32, seed: int | None = None,
                 xp: ModuleType = np) -> Any:
    """``tf.random.gamma``: output shape ``shape + alpha.shape`` (not bit-exact)."""
    dt = _np_dtype(dtype)
    alpha = np.asarray(alpha, dtype=np.float64)
    if beta is not None:
        alpha, beta_b = np.broadcast_arrays(alpha, np.asarray(beta, dtype=np.float64))
    n = _size(shape) * alpha.size
    key, counter = streams.reserve("RandomGamma", (dt.name,), seed, n)
    out = _numpy_generator(key, counter).standard_gamma(alpha, size=tuple(shape) + alpha.shape)
    if beta is not None:
        out = out / beta_b
    return xp.asarray(out.astype(dt))


def random_poisson(streams: KernelStreams, shape: Sequence[int], lam: Any,
                   dtype: Any = np.float32, seed: int | None = None,
                   xp: ModuleType = np) -> Any:
    """``tf.random.poisson``: output shape ``shape + lam.shape`` (not bit-exact)."""
    dt = _np_dtype(dtype)
    lam = np.asarray(lam, dtype=np.float64)
    key, counter = streams.reserve("RandomPoissonV2", (dt.name,), seed, _size(shape) * lam.size)
    out = _numpy_generator(key, counter).poisson(lam, size=tuple(shape) + lam.shape)
    return xp.asarray(out.astype(dt))


def stateless_random_binomial(shape: Sequence[int], seed: Sequence[int], counts: Any,
                              probs: Any, dtype: Any = np.int32,
                              xp: ModuleType = np) -> Any:
    """``tf.random.stateless_binomial`` (not bit-exact).

    ``counts`` and ``probs`` broadcast against the trailing dims of ``shape``.
    """
    key, counter = stateless_key_counter(seed)
    return _binomial(shape, counts, probs, dtype, key, counter, xp)


def generator_binomial(state: np.ndarray, shape: Sequence[int], counts: Any, probs: Any,
                       dtype: Any = np.int32,
                       xp: ModuleType = np) -> tuple[Any, np.ndarray]:
    """``Generator.binomial`` (not bit-exact): returns ``(values, new_state)``."""
    key, counter, new = _generator_call(state, shape)
    return _binomial(shape, counts, probs, dtype, key, counter, xp), new


def _binomial(shape: Sequence[int], counts: Any, probs: Any, dtype: Any, key: Key,
              counter: Counter, xp: ModuleType) -> Any:
    c, p = np.broadcast_arrays(np.asarray(counts, np.float64), np.asarray(probs, np.float64))
    c = np.broadcast_to(c, tuple(shape))
    p = np.broadcast_to(p, tuple(shape))
    out = _numpy_generator(key, counter).binomial(c.astype(np.int64), p)
    return xp.asarray(out.astype(_np_dtype(dtype)))


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
    out = xp.empty((batch, num_samples), dtype=_np_dtype(dtype))
    for b in range(batch):
        out[b] = xp.minimum(xp.searchsorted(cdf[b], u[b], side="right"), classes - 1)
    return out


def stateless_categorical(logits: Any, num_samples: int, seed: Sequence[int],
                          dtype: Any = np.int64, xp: ModuleType = np) -> Any:
    """``tf.random.stateless_categorical`` (not bit-exact)."""
    key, counter = stateless_key_counter(seed)
    return categorical_from_stream(logits, num_samples, key, counter, dtype, xp)


def categorical(streams: KernelStreams, logits: Any, num_samples: int,
                dtype: Any = np.int64, seed: int | None = None,
                xp: ModuleType = np) -> Any:
    """``tf.random.categorical`` (op Multinomial; not bit-exact)."""
    batch = np.shape(logits)[0]
    key, counter = streams.reserve("Multinomial", (np.dtype(dtype).name,), seed,
                                   batch * num_samples)
    return categorical_from_stream(logits, num_samples, key, counter, dtype, xp)
