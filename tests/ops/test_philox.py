"""eagerflow.ops.philox against TF 2.21 fixtures, plus statistics and KATs."""

import json
import math
import os

import ml_dtypes
import numpy as np
import pytest

from eagerflow.ops import philox

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "data", "random_fixtures.npz")
EXACT_OPS = {"stateless_normal", "stateless_uniform", "stateless_truncated_normal",
             "stateful", "generator", "generator_state", "shuffle", "shuffle_rows"}


def _dtype(name):
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _bits(x):
    a = np.asarray(x)
    if a.dtype.kind in "fV" or a.dtype == ml_dtypes.bfloat16:
        return a.view(f"uint{8 * a.dtype.itemsize}")
    return a


def _load():
    with np.load(FIXTURES, allow_pickle=False) as data:
        n = len(data.files) // 2
        return [(json.loads(str(data[f"spec_{i}"])), data[f"case_{i}"]) for i in range(n)]


CASES = _load()


def _case_id(case):
    spec = case[0]
    return "-".join(str(spec.get(k)) for k in ("op", "step", "shape", "dtype", "seed", "index")
                    if k in spec)


_STATEFUL_FNS = {"normal": philox.random_normal, "uniform": philox.random_uniform,
                 "truncated_normal": philox.truncated_normal}


def _replay_stateful(spec):
    streams = philox.KernelStreams()
    streams.set_seed(spec["global_seed"])
    out = None
    for op, shape, seed, dt, kw in spec["calls"][: spec["index"] + 1]:
        out = _STATEFUL_FNS[op](streams, shape, dtype=_dtype(dt), seed=seed, **kw)
    return out


def _replay_generator(spec):
    state = philox.generator_state_from_seed(spec["seed"])
    steps = [
        ("normal", lambda s: philox.generator_normal(s, [3])),
        ("uniform", lambda s: philox.generator_uniform(s, [5])),
        ("normal_f64", lambda s: philox.generator_normal(s, [3], dtype=np.float64)),
        ("normal_f16", lambda s: philox.generator_normal(s, [5], dtype=np.float16)),
        ("uniform_bf16", lambda s: philox.generator_uniform(
            s, [5], minval=1.0, maxval=3.0, dtype=ml_dtypes.bfloat16)),
        ("truncated_normal", lambda s: philox.generator_truncated_normal(
            s, [6], mean=1.0, stddev=2.0)),
        ("uniform_int32", lambda s: philox.generator_uniform(s, [7], -3, 9, np.int32)),
        ("uniform_int64", lambda s: philox.generator_uniform(s, [7], -3, 2**40, np.int64)),
        ("uniform_full_int", lambda s: philox.generator_uniform_full_int(s, [5], np.uint64)),
        ("make_seeds", lambda s: philox.generator_make_seeds(s, 3)),
    ]
    results = []
    for _, fn in steps:
        value, state = fn(state)
        results.append((value, state))
    children, state = philox.generator_split(state, 2)
    results.append((np.stack(children), state))
    value, _ = philox.generator_normal(children[1], [4])
    results.append((value, state))
    state = philox.generator_skip(state, 10)
    value, state = philox.generator_normal(state, [2])
    results.append((value, state))
    value, state = philox.generator_normal(state, [])
    results.append((value, state))
    return results


def _expected(spec):
    op = spec["op"]
    kw = spec.get("kw", {})
    if op == "stateless_normal":
        return philox.stateless_random_normal(spec["shape"], spec["seed"],
                                              dtype=_dtype(spec["dtype"]), **kw)
    if op == "stateless_uniform":
        return philox.stateless_random_uniform(spec["shape"], spec["seed"],
                                               dtype=_dtype(spec["dtype"]), **kw)
    if op == "stateless_truncated_normal":
        return philox.stateless_truncated_normal(spec["shape"], spec["seed"],
                                                 dtype=_dtype(spec["dtype"]), **kw)
    if op == "stateful":
        return _replay_stateful(spec)
    if op in ("generator", "generator_state"):
        if spec["index"] < 0:
            return philox.generator_state_from_seed(spec["seed"])
        value, state = _replay_generator(spec)[spec["index"]]
        return value if op == "generator" else state
    if op in ("shuffle", "shuffle_rows"):
        streams = philox.KernelStreams()
        streams.set_seed(spec["global_seed"])
        n = spec["n"]
        value = np.arange(n, dtype=np.int32)
        if op == "shuffle_rows":
            value = np.arange(2 * n, dtype=np.int32).reshape(n, 2)
        return philox.random_shuffle(streams, value, seed=spec["seed"])
    raise KeyError(op)


@pytest.mark.parametrize("case", [c for c in CASES if c[0]["op"] in EXACT_OPS], ids=_case_id)
def test_matches_tensorflow_bits(case):
    spec, want = case
    got = _bits(_expected(spec))
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)


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
    assert philox.stateless_key_counter([-1, 2]) == philox.stateless_key_counter(
        np.array([-1, 2], np.int64))


def test_glibc_logf_transcription_on_all_box_muller_inputs():
    m = np.arange(1 << 23, dtype=np.uint32)
    u = np.maximum((m | np.uint32(0x3F800000)).view(np.float32) - np.float32(1),
                   np.float32(1e-7))
    got = philox.glibc_logf(u)
    ref = np.log(u.astype(np.float64))
    # glibc logf is within 0.82 ulp; anything further means a transcription bug.
    assert np.all(np.abs(got - ref) <= np.spacing(np.abs(got)) * 0.82 + 1e-30)


def test_glibc_sincosf_close_to_float64():
    u = np.linspace(0, 2 * np.pi, 100001).astype(np.float32)
    s, c = philox.glibc_sincosf(u)
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


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_stateless_normal_statistics(dtype):
    x = philox.stateless_random_normal([N_STAT], [11, 12], dtype=dtype).astype(np.float64)
    assert abs(x.mean()) < 0.01
    assert abs(x.var() - 1) < 0.015
    if dtype in (np.float32, np.float64):
        assert _ks_statistic(x, _normal_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float32, np.float64])
def test_stateless_uniform_statistics(dtype):
    x = philox.stateless_random_uniform([N_STAT], [11, 12], dtype=dtype).astype(np.float64)
    assert x.min() >= 0 and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.005
    assert abs(x.var() - 1 / 12) < 0.003
    if dtype in (np.float32, np.float64):
        assert _ks_statistic(x, lambda t: t) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stateless_truncated_normal_statistics(dtype):
    x = philox.stateless_truncated_normal([N_STAT], [11, 12], dtype=dtype).astype(np.float64)
    assert np.all(np.abs(x) < 2)
    assert abs(x.mean()) < 0.01
    assert abs(x.var() - 0.7737) < 0.01
    assert _ks_statistic(x, _truncated_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_stateless_uniform_int_statistics(dtype):
    x = philox.stateless_random_uniform([N_STAT], [11, 12], minval=-3, maxval=7, dtype=dtype)
    counts = np.bincount(x + 3, minlength=10)
    assert counts.shape == (10,)
    expected = N_STAT / 10
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 21.67  # chi2(9 dof), alpha = 1%


def test_gamma_statistics():
    streams = philox.KernelStreams()
    x = philox.random_gamma(streams, [N_STAT], np.array([0.5, 4.0]), seed=1)
    assert x.shape == (N_STAT, 2)
    assert np.allclose(x.mean(axis=0), [0.5, 4.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [0.5, 4.0], rtol=0.04)


def test_poisson_statistics():
    streams = philox.KernelStreams()
    x = philox.random_poisson(streams, [N_STAT], np.array([1.5, 40.0]), seed=1)
    assert np.allclose(x.mean(axis=0), [1.5, 40.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [1.5, 40.0], rtol=0.04)


def test_binomial_statistics():
    x = philox.stateless_random_binomial([N_STAT, 2], [3, 4], counts=np.array([10.0, 200.0]),
                                         probs=np.array([0.3]))
    assert np.allclose(x.mean(axis=0), [3.0, 60.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [2.1, 42.0], rtol=0.04)


def test_categorical_statistics():
    logits = np.log(np.array([[0.1, 0.2, 0.7]]))
    x = philox.stateless_categorical(logits, N_STAT, [5, 6])
    freq = np.bincount(x[0], minlength=3) / N_STAT
    assert np.allclose(freq, [0.1, 0.2, 0.7], atol=0.005)


def test_shuffle_is_permutation():
    streams = philox.KernelStreams()
    x = philox.random_shuffle(streams, np.arange(1000), seed=3)
    assert np.array_equal(np.sort(x), np.arange(1000))
