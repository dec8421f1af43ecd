"""The Philox core, glibc math and fill kernels: known answers and statistics.

Bit-for-bit comparisons with TF 2.21 fixtures go through the public API in
test_random_ops.py and test_random_generator.py.
"""

import math

import ml_dtypes
import numpy as np
import pytest

from eagerflow._src.ops.random import distributions, glibc_math, philox, seeds



# Random123 known-answer vectors (kat_vectors, philox4x32 with 10 rounds).
KAT = [
    ((0, 0), (0, 0, 0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF,) * 4,
     (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0xA4093822, 0x299F31D0), (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("key,counter,want", KAT)
def test_philox_random123_known_answers(key, counter, want):
    got = philox.philox_blocks(key, counter, 1)[0]
    assert tuple(int(w) for w in got) == want


def test_philox_blocks_follow_counter_with_carry():
    counter = (0xFFFFFFFE, 0xFFFFFFFF, 5, 0)
    blocks = philox.philox_blocks((1, 2), counter, 4)
    for i in range(4):
        single = philox.philox_blocks((1, 2), philox.skip_counter(counter, i), 1)[0]
        assert np.array_equal(blocks[i], single)


def test_skip_carries_into_high_words():
    assert philox.skip_counter((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0), 1) == (0, 0, 0, 1)


def test_stateless_seed_sign_extends_like_int64():
    assert seeds.stateless_key_counter([-1, 2]) == seeds.stateless_key_counter(
        np.array([-1, 2], np.int64))


def test_glibc_logf_transcription_on_all_box_muller_inputs():
    m = np.arange(1 << 23, dtype=np.uint32)
    u = np.maximum((m | np.uint32(0x3F800000)).view(np.float32) - np.float32(1),
                   np.float32(1e-7))
    got = glibc_math.glibc_logf(u)
    ref = np.log(u.astype(np.float64))
    # glibc logf is within 0.82 ulp; anything further means a transcription bug.
    assert np.all(np.abs(got - ref) <= np.spacing(np.abs(got)) * 0.82 + 1e-30)


def test_glibc_sincosf_close_to_float64():
    u = np.linspace(0, 2 * np.pi, 100001).astype(np.float32)
    s, c = glibc_math.glibc_sincosf(u)
    assert np.max(np.abs(s - np.sin(u.astype(np.float64)))) < 1.2e-7
    assert np.max(np.abs(c - np.cos(u.astype(np.float64)))) < 1.2e-7


# ---------------------------------------------------------------- statistics

def _ks_statistic(sample, cdf):
    x = np.sort(sample.astype(np.float64))
    n = x.shape[0]
    f = cdf(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


_erf = np.frompyfunc(math.erf, 1, 1)


def _normal_cdf(x):
    return 0.5 * (1 + _erf(x / math.sqrt(2)).astype(np.float64))


def _truncated_cdf(x):
    lo, hi = _normal_cdf(np.array([-2.0]))[0], _normal_cdf(np.array([2.0]))[0]
    return (_normal_cdf(x) - lo) / (hi - lo)


N_STAT = 200_000
KS_CRIT = 1.63 / math.sqrt(N_STAT)  # alpha = 1%


KEY, COUNTER = seeds.stateless_key_counter([11, 12])


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_fill_normal_statistics(dtype):
    x = distributions.fill_normal([N_STAT], dtype, KEY, COUNTER).astype(np.float64)
    assert abs(x.mean()) < 0.01
    assert abs(x.var() - 1) < 0.015
    if dtype in (np.float32, np.float64):
        assert _ks_statistic(x, _normal_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_fill_uniform_statistics(dtype):
    x = distributions.fill_uniform([N_STAT], dtype, KEY, COUNTER).astype(np.float64)
    assert x.min() >= 0 and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.005
    assert abs(x.var() - 1 / 12) < 0.003
    if dtype in (np.float32, np.float64):
        assert _ks_statistic(x, lambda t: t) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fill_truncated_normal_statistics(dtype):
    x = distributions.fill_truncated_normal([N_STAT], dtype, KEY, COUNTER).astype(np.float64)
    assert np.all(np.abs(x) < 2)
    assert abs(x.mean()) < 0.01
    assert abs(x.var() - 0.7737) < 0.01
    assert _ks_statistic(x, _truncated_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_fill_uniform_int_statistics(dtype):
    x = distributions.fill_uniform_int([N_STAT], -3, 7, dtype, KEY, COUNTER)
    counts = np.bincount(x + 3, minlength=10)
    assert counts.shape == (10,)
    expected = N_STAT / 10
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 21.67  # chi2(9 dof), alpha = 1%


def test_large_normal_draw_uses_tables_and_threads_bit_exactly():
    n = 4 * glibc_math.TABLE_MIN_PAIRS + 3
    big = distributions.fill_normal([n], np.float32, KEY, COUNTER)
    small = distributions.fill_normal([1000], np.float32, KEY, COUNTER)
    assert np.array_equal(big[:1000].view(np.uint32), small.view(np.uint32))


def test_kernel_streams_restart_on_set_seed():
    streams = seeds.KernelStreams()
    streams.set_seed(5)
    first = streams.reserve("Op", (), 1, 1)
    assert streams.reserve("Op", (), 1, 1) != first
    streams.set_seed(5)
    assert streams.reserve("Op", (), 1, 1) == first
