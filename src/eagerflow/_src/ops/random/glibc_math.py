"""glibc's ``logf``/``sincosf`` and TF's Box-Muller transforms, bit for bit.

TF's float Box-Muller calls glibc ``logf`` and ``sincosf``. NumPy's float32
``log``/``sin`` are different SIMD code, so this file carries a vectorised
transcription of glibc's (2.28+) ``logf`` and ``sincosf``; it was checked equal
to glibc 2.36 on all 2**23 inputs Box-Muller can feed them. For large draws
those values come from lazily built 2**23-entry tables (96 MiB, built once in
about two seconds) because a gather is much faster than the polynomial.
The double path needs glibc ``log``: on NumPy it calls ``math.log`` per
element (exact, slow); on CuPy it uses ``cupy.log`` (may differ in the last
bit for ~0.3% of inputs).
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

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
TABLE_MIN_PAIRS = 1 << 18


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


def box_muller_tables(xp: ModuleType) -> tuple[Any, Any]:
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
    if n >= TABLE_MIN_PAIRS or xp.__name__ in _TABLES:
        u2_tab, sc_tab = box_muller_tables(xp)
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


def uint64_to_double(hi: Any, lo: Any, xp: ModuleType) -> Any:
    """TF's ``Uint64ToDouble(x0, x1)``: 20 mantissa bits of x0, 32 of x1."""
    bits = (hi & np.uint32(0xFFFFF)).astype(np.uint64) << np.uint64(32)
    bits |= lo.astype(np.uint64)
    bits |= np.uint64(1023 << 52)
    return bits.view(np.float64) - 1.0


def box_muller_double(x0: Any, x1: Any, x2: Any, x3: Any, xp: ModuleType = np) -> Any:
    """TF's ``BoxMullerDouble``; returns ``(n, 2)`` float64 (sin, cos terms)."""
    u1 = xp.maximum(uint64_to_double(x0, x1, xp), 1.0e-7)
    v1 = (2.0 * math.pi) * uint64_to_double(x2, x3, xp)
    u2 = xp.sqrt(-2.0 * _glibc_log(u1, xp))
    out = xp.empty((u1.shape[0], 2), dtype=np.float64)
    xp.multiply(xp.sin(v1), u2, out=out[:, 0])
    xp.multiply(xp.cos(v1), u2, out=out[:, 1])
    return out
