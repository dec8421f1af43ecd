"""tf.random ops through the public API: TF 2.21 fixtures bit for bit, TF's errors, statistics."""

import json
import math
import os

import ml_dtypes
import numpy as np
import pytest

from eagerflow import random as tf_random
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import Tensor

FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "data", "random_fixtures.npz")
CPU = "{{function_node __wrapped__%s_device_/job:localhost/replica:0/task:0/device:CPU:0}} "


def _dtype(name):
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def bits(x):
    a = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if a.dtype.kind in "fV" or a.dtype == ml_dtypes.bfloat16:
        return a.view(f"uint{8 * a.dtype.itemsize}")
    return a


def load_cases():
    with np.load(FIXTURES, allow_pickle=False) as data:
        n = len(data.files) // 2
        return [(json.loads(str(data[f"spec_{i}"])), data[f"case_{i}"]) for i in range(n)]


CASES = load_cases()


def case_id(case):
    spec = case[0]
    return "-".join(str(spec.get(k)) for k in ("op", "step", "shape", "dtype", "seed", "index")
                    if k in spec)


_STATELESS = {"stateless_normal": tf_random.stateless_normal,
              "stateless_uniform": tf_random.stateless_uniform,
              "stateless_truncated_normal": tf_random.stateless_truncated_normal}
_STATEFUL = {"normal": tf_random.normal, "uniform": tf_random.uniform,
             "truncated_normal": tf_random.truncated_normal}


def _stateless(spec):
    seed = spec["seed"]
    if spec.get("seed_dtype"):
        seed = np.array(seed, dtype=spec["seed_dtype"])
    return _STATELESS[spec["op"]](spec["shape"], seed=seed, dtype=_dtype(spec["dtype"]),
                                  **spec.get("kw", {}))


def _stateful(spec):
    tf_random.set_seed(spec["global_seed"])
    out = None
    for op, shape, seed, dt, kw in spec["calls"][: spec["index"] + 1]:
        out = _STATEFUL[op](shape, seed=seed, dtype=_dtype(dt), **kw)
    return out


def _shuffle(spec):
    tf_random.set_seed(spec["global_seed"])
    n = spec["n"]
    value = np.arange(n, dtype=np.int32)
    if spec["op"] == "shuffle_rows":
        value = np.arange(2 * n, dtype=np.int32).reshape(n, 2)
    return tf_random.shuffle(value, seed=spec["seed"])


REPLAY = {"stateless_normal": _stateless, "stateless_uniform": _stateless,
          "stateless_truncated_normal": _stateless, "stateful": _stateful,
          "shuffle": _shuffle, "shuffle_rows": _shuffle}


@pytest.mark.parametrize("case", [c for c in CASES if c[0]["op"] in REPLAY], ids=case_id)
def test_public_api_matches_tensorflow_bits(case):
    spec, want = case
    got = REPLAY[spec["op"]](spec)
    assert isinstance(got, Tensor)
    got = bits(got)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)


# Not bit-exact ops (documented): their fixtures still fix shape and dtype.
INEXACT = {
    "stateless_categorical": lambda s: tf_random.stateless_categorical(
        np.array(s["logits"], np.float32), s["num_samples"], seed=s["seed"]),
    "categorical": lambda s: (tf_random.set_seed(s["global_seed"]), tf_random.categorical(
        np.array(s["logits"], np.float32), s["num_samples"], seed=s["seed"]))[1],
    "stateless_binomial": lambda s: tf_random.stateless_binomial(
        [8, 2], seed=s["seed"], counts=s["counts"], probs=s["probs"]),
    "gamma": lambda s: tf_random.gamma(s["shape"], alpha=s["alpha"], seed=s["seed"]),
    "poisson": lambda s: tf_random.poisson(s["shape"], lam=s["lam"], seed=s["seed"]),
}


@pytest.mark.parametrize("case", [c for c in CASES if c[0]["op"] in INEXACT], ids=case_id)
def test_inexact_ops_match_tensorflow_shape_and_dtype(case):
    spec, want = case
    got = bits(INEXACT[spec["op"]](spec))
    assert got.shape == want.shape
    assert got.dtype == want.dtype


# ------------------------------------------------------------------- seed semantics

def test_set_seed_repeats_the_sequence():
    tf_random.set_seed(9)
    a = [tf_random.uniform([3]).numpy() for _ in range(3)]
    tf_random.set_seed(9)
    b = [tf_random.uniform([3]).numpy() for _ in range(3)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], a[1])


def test_same_op_seed_advances_between_calls():
    tf_random.set_seed(1)
    first = tf_random.normal([4], seed=3).numpy()
    second = tf_random.normal([4], seed=3).numpy()
    assert not np.array_equal(first, second)


def test_no_seed_is_nondeterministic():
    tf_random.set_seed(None)
    assert not np.array_equal(tf_random.normal([8]).numpy(), tf_random.normal([8]).numpy())


def test_seed_may_be_a_tensor():
    tf_random.set_seed(2)
    a = tf_random.normal([3], seed=np.int64(4)).numpy()
    tf_random.set_seed(2)
    assert np.array_equal(a, tf_random.normal([3], seed=4).numpy())


def test_stateless_ops_depend_only_on_seed():
    a = tf_random.stateless_normal([5], seed=[4, 5]).numpy()
    tf_random.normal([3])
    assert np.array_equal(a, tf_random.stateless_normal([5], seed=[4, 5]).numpy())


def test_stateless_split_and_fold_in_match_tensorflow_values():
    # Values observed under TF 2.21.
    split = tf_random.experimental.stateless_split([1, 2], 3).numpy()
    assert split.tolist() == [[1105988140, 1738052849], [-335576002, 370444179],
                              [10670227, -246211131]]
    assert tf_random.experimental.stateless_fold_in([1, 2], 3).numpy().tolist() == [1105988140, 3]


def test_shuffle_of_scalar_returns_it():
    assert tf_random.shuffle(3).numpy() == 3


def test_mean_and_stddev_broadcast():
    x = tf_random.normal([2], mean=[0.0, 100.0], stddev=0.0, seed=1).numpy()
    assert x.tolist() == [0.0, 100.0]


# ------------------------------------------------------------------- TF's errors
# Messages observed under TF 2.21 (the text up to "[Op:...]").

def _raises(cls, message, fn):
    with pytest.raises(cls) as info:
        fn()
    assert str(info.value).startswith(message), str(info.value)


def test_uniform_int_min_not_below_max():
    _raises(errors.InvalidArgumentError,
            CPU % "RandomUniformInt" + "Need minval < maxval, got 5 >= 3 [Op:RandomUniformInt]",
            lambda: tf_random.uniform([2], 5, 3, dtype="int32"))


def test_uniform_int_equal_bounds_empty_shape_is_fine():
    assert tf_random.uniform([0], 3, 3, dtype="int64").shape == (0,)


def test_uniform_int_needs_maxval():
    _raises(ValueError, "Must specify maxval for integer dtype tf.int32",
            lambda: tf_random.uniform([2], dtype="int32"))


def test_uniform_rejects_int8():
    _raises(ValueError, "Argument `dtype` got invalid value <dtype: 'int8'>. Accepted dtypes are "
            "(tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64).",
            lambda: tf_random.uniform([2], maxval=3, dtype="int8"))


def test_normal_rejects_int_dtype():
    _raises(TypeError, "Cannot convert 0.0 to EagerTensor of dtype int32",
            lambda: tf_random.normal([2], dtype="int32"))


def test_bad_shape_rank():
    _raises(errors.InvalidArgumentError, CPU % "RandomUniform" + "shape must be a vector of "
            "{int32,int64}, got shape [1,1] [Op:RandomUniform]",
            lambda: tf_random.uniform([[2]]))


def test_negative_dimension():
    _raises(errors.InvalidArgumentError,
            CPU % "RandomUniform" + "Dimension -2 must be >= 0 [Op:RandomUniform]",
            lambda: tf_random.uniform([-2]))


def test_float_shape():
    _raises(errors.InvalidArgumentError, "Value for attr 'T' of float is not in the list of "
            "allowed values: int32, int64\n\t; NodeDef: {{node RandomUniform}}",
            lambda: tf_random.uniform([2.0]))


@pytest.mark.parametrize("seed,text", [([1, 2, 3], "[3]"), (1, "[]")])
def test_stateless_seed_shape(seed, text):
    _raises(errors.InvalidArgumentError, CPU % "StatelessRandomGetKeyCounter" +
            f"seed must have shape [2], not {text} [Op:StatelessRandomGetKeyCounter]",
            lambda: tf_random.stateless_normal([2], seed=seed))


def test_stateless_float_seed():
    _raises(errors.InvalidArgumentError, "Value for attr 'Tseed' of float is not in the list of "
            "allowed values: int32, int64\n\t; NodeDef: {{node StatelessRandomGetKeyCounter}}",
            lambda: tf_random.stateless_normal([2], seed=[1.0, 2.0]))


def test_stateless_uniform_errors():
    _raises(errors.InvalidArgumentError, CPU % "StatelessRandomUniformIntV2" +
            "Need minval < maxval, got 5 >= 3 [Op:StatelessRandomUniformIntV2]",
            lambda: tf_random.stateless_uniform([2], [1, 2], minval=5, maxval=3, dtype="int32"))
    _raises(ValueError, "For integer `dtype` argument <dtype: 'int32'>, argument `minval` and "
            "`maxval` must be both None or not None. Got `minval`=None and `maxval`=3.",
            lambda: tf_random.stateless_uniform([2], [1, 2], minval=None, maxval=3,
                                                dtype="int32"))
    _raises(ValueError, "Argument `dtype` got invalid value <dtype: 'uint32'> when argument "
            "`minval` is not None. Please don't use unsigned integers in this case.",
            lambda: tf_random.stateless_uniform([2], [1, 2], minval=1, maxval=5, dtype="uint32"))
    _raises(errors.InvalidArgumentError, CPU % "StatelessRandomUniformIntV2" +
            "minval must be 0-D, got shape [2] [Op:StatelessRandomUniformIntV2]",
            lambda: tf_random.stateless_uniform([2], [1, 2], minval=[0, 1], maxval=3,
                                                dtype="int32"))


def test_stateless_bad_alg():
    _raises(ValueError, "Argument `alg` got unsupported value foo. Supported values are philox",
            lambda: tf_random.stateless_normal([3], [1, 2], alg="foo"))


def test_categorical_errors():
    _raises(errors.InvalidArgumentError, CPU % "Multinomial" +
            "logits should be a matrix, got shape [2] [Op:Multinomial]",
            lambda: tf_random.categorical([0.5, 0.5], 3))
    _raises(errors.InvalidArgumentError, CPU % "Multinomial" +
            "num_samples should be non-negative, got -1 [Op:Multinomial]",
            lambda: tf_random.categorical([[0.5, 0.5]], -1))
    _raises(errors.InvalidArgumentError, CPU % "Multinomial" +
            "num_classes should be positive, got 0 [Op:Multinomial]",
            lambda: tf_random.categorical(np.zeros((2, 0), np.float32), 2))
    _raises(ValueError, "Argument `dtype` got invalid value <dtype: 'int16'>. Accepted dtypes "
            "are (tf.int32, tf.int64).", lambda: tf_random.categorical([[0.5, 0.5]], 2,
                                                                       dtype="int16"))
    _raises(errors.NotFoundError, "Could not find device for node: {{node Multinomial}}",
            lambda: tf_random.categorical([[1, 2]], 2))
    _raises(errors.InvalidArgumentError, CPU % "StatelessMultinomial" +
            "logits should be a matrix, got shape [2] [Op:StatelessMultinomial]",
            lambda: tf_random.stateless_categorical([0.5, 0.5], 3, seed=[1, 2]))


def test_gamma_and_poisson_dtype_errors():
    _raises(TypeError, "Cannot convert 1.0 to EagerTensor of dtype int32",
            lambda: tf_random.gamma([2], 1.0, dtype="int32"))
    _raises(errors.InvalidArgumentError, "Value for attr 'dtype' of bfloat16 is not in the list "
            "of allowed values: half, float, double, int32, int64\n\t; NodeDef: "
            "{{node RandomPoissonV2}}", lambda: tf_random.poisson([2], 1.0, dtype="bfloat16"))
    _raises(errors.InvalidArgumentError, "Value for attr 'dtype' of int8 is not in the list of "
            "allowed values: half, float, double, int32, int64\n\t; NodeDef: "
            "{{node StatelessRandomBinomial}}",
            lambda: tf_random.stateless_binomial([2], [1, 2], 10.0, 0.5, output_dtype="int8"))


def test_gamma_and_poisson_name_the_argument_of_a_tensor_with_another_dtype():
    shape = convert_to_tensor([2.0])
    _raises(ValueError, "shape: Tensor conversion requested dtype int32 for Tensor with dtype float32: ",
            lambda: tf_random.gamma(shape, 1.0))
    _raises(ValueError, "alpha: Tensor conversion requested dtype float32 for Tensor with dtype int32: ",
            lambda: tf_random.gamma([2], convert_to_tensor([1])))
    _raises(ValueError, "beta: Tensor conversion requested dtype float32 for Tensor with dtype int32: ",
            lambda: tf_random.gamma([2], 1.0, beta=convert_to_tensor([1])))
    _raises(ValueError, "shape: Tensor conversion requested dtype int32 for Tensor with dtype float32: ",
            lambda: tf_random.poisson(shape, 1.0))


def test_gamma_of_an_integer_dtype_fails_in_finfo_as_tf_does():
    _raises(ValueError, "data type <class 'numpy.int32'> not inexact", lambda: tf_random.gamma([2], 1, dtype="int32"))


def test_poisson_rate_dtype_is_attr_r():
    _raises(errors.InvalidArgumentError, "Value for attr 'R' of uint8 is not in the list of allowed values: half, "
            "float, double, int32, int64\n\t; NodeDef: {{node RandomPoissonV2}}; Op<name=RandomPoissonV2; ",
            lambda: tf_random.poisson([2], convert_to_tensor(np.array([1], np.uint8))))
    assert tf_random.poisson([2], [True]).dtype.name == "float32"  # TF retries [True] as its double default


def test_list_seed_words_stateless_errors_without_name():
    with pytest.raises(errors.InvalidArgumentError) as info:
        tf_random.stateless_binomial([2], seed=[1, 2], counts=1.0, probs=0.5, output_dtype="bool")
    assert str(info.value).endswith("allowed=[DT_HALF, DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64]> "
                                    "[Op:StatelessRandomBinomial]")
    with pytest.raises(errors.InvalidArgumentError) as info:
        tf_random.stateless_categorical(np.ones((1, 2), np.float32), 2, seed=[1.0, 2.0])
    assert str(info.value).startswith("Value for attr 'Tseed' of float")
    assert str(info.value).endswith("[Op:StatelessMultinomial]")


def test_integer_logits_and_counts_have_no_kernel():
    with pytest.raises(errors.NotFoundError) as info:
        tf_random.categorical([[1, 2]], 2, seed=5)
    assert str(info.value).startswith("Could not find device for node: {{node Multinomial}} = Multinomial[T=DT_INT32, "
                                      "output_dtype=DT_INT64, seed=")
    assert "seed2=5]\nAll kernels registered for op Multinomial:\n  device=" in str(info.value)
    _raises(errors.InvalidArgumentError, "Value for attr 'T' of bool is not in the list",
            lambda: tf_random.categorical([[True]], 2))
    _raises(errors.NotFoundError, "Could not find device for node: {{node StatelessRandomBinomial}} = "
            "StatelessRandomBinomial[S=DT_INT32, T=DT_INT32, Tseed=DT_INT32, dtype=DT_INT32]\n",
            lambda: tf_random.stateless_binomial([2], [1, 2], convert_to_tensor([1]), convert_to_tensor([1])))


# ------------------------------------------------------------------- statistics

N = 100_000
KS_CRIT = 1.63 / math.sqrt(N)  # alpha = 1%
_erf = np.frompyfunc(math.erf, 1, 1)


def _normal_cdf(x):
    return 0.5 * (1 + _erf(x / math.sqrt(2)).astype(np.float64))


def _ks(sample, cdf):
    x = np.sort(np.asarray(sample, np.float64))
    f = cdf(x)
    n = x.shape[0]
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def _truncated_cdf(x):
    lo, hi = _normal_cdf(np.array([-2.0]))[0], _normal_cdf(np.array([2.0]))[0]
    return (_normal_cdf(x) - lo) / (hi - lo)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("fn", [lambda s, d: tf_random.normal(s, mean=1.0, stddev=2.0, dtype=d,
                                                              seed=1),
                                lambda s, d: tf_random.stateless_normal(s, [1, 2], mean=1.0,
                                                                        stddev=2.0, dtype=d)],
                         ids=["normal", "stateless_normal"])
def test_normal_statistics(fn, dtype):
    x = fn([N], dtype).numpy().astype(np.float64)
    assert abs(x.mean() - 1) < 0.03
    assert abs(x.var() - 4) < 0.08
    if dtype in ("float32", "float64"):
        assert _ks((x - 1) / 2, _normal_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", [lambda s, d: tf_random.uniform(s, -1.0, 3.0, dtype=d, seed=1),
                                lambda s, d: tf_random.stateless_uniform(s, [1, 2], minval=-1.0,
                                                                         maxval=3.0, dtype=d)],
                         ids=["uniform", "stateless_uniform"])
def test_uniform_statistics(fn, dtype):
    x = fn([N], dtype).numpy().astype(np.float64)
    assert x.min() >= -1 and x.max() < 3
    assert _ks((x + 1) / 4, lambda t: t) < KS_CRIT


@pytest.mark.parametrize("fn", [lambda: tf_random.truncated_normal([N], seed=2),
                                lambda: tf_random.stateless_truncated_normal([N], [3, 4])],
                         ids=["truncated_normal", "stateless_truncated_normal"])
def test_truncated_normal_statistics(fn):
    x = fn().numpy().astype(np.float64)
    assert np.all(np.abs(x) < 2)
    assert abs(x.var() - 0.7737) < 0.015
    assert _ks(x, _truncated_cdf) < KS_CRIT


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_uniform_int_statistics(dtype):
    x = tf_random.uniform([N], -3, 7, dtype=dtype, seed=5).numpy()
    counts = np.bincount(x + 3, minlength=10)
    chi2 = float(((counts - N / 10) ** 2 / (N / 10)).sum())
    assert chi2 < 21.67  # chi2(9 dof), alpha = 1%


@pytest.mark.parametrize("fn", [lambda l: tf_random.categorical(l, N, seed=1),
                                lambda l: tf_random.stateless_categorical(l, N, seed=[5, 6])],
                         ids=["categorical", "stateless_categorical"])
def test_categorical_statistics(fn):
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30]], np.float32))
    x = fn(logits).numpy()
    assert np.allclose(np.bincount(x[0], minlength=3) / N, [0.1, 0.2, 0.7], atol=0.006)
    assert np.allclose(np.bincount(x[1], minlength=3) / N, [0.5, 0.5, 0.0], atol=0.006)


def test_gamma_statistics():
    x = tf_random.gamma([N], alpha=[0.5, 4.0], beta=2.0, seed=1).numpy()
    assert x.shape == (N, 2)
    assert np.allclose(x.mean(axis=0), [0.25, 2.0], rtol=0.03)
    assert np.allclose(x.var(axis=0), [0.125, 1.0], rtol=0.05)
    assert x.min() > 0


def test_poisson_statistics():
    x = tf_random.poisson([N], lam=[1.5, 40.0], dtype="int64", seed=1).numpy()
    assert x.dtype == np.int64
    assert np.allclose(x.mean(axis=0), [1.5, 40.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [1.5, 40.0], rtol=0.05)


def test_binomial_statistics():
    x = tf_random.stateless_binomial([N, 2], [3, 4], counts=[10.0, 200.0], probs=[0.3]).numpy()
    assert np.allclose(x.mean(axis=0), [3.0, 60.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [2.1, 42.0], rtol=0.05)


def test_shuffle_is_a_uniform_permutation():
    tf_random.set_seed(0)
    firsts = np.array([tf_random.shuffle(np.arange(4)).numpy()[0] for _ in range(4000)])
    counts = np.bincount(firsts, minlength=4)
    chi2 = float(((counts - 1000) ** 2 / 1000).sum())
    assert chi2 < 11.34  # chi2(3 dof), alpha = 1%
    assert sorted(tf_random.shuffle(np.arange(1000), seed=3).numpy()) == list(range(1000))


def test_traced_random_op_without_seed_takes_the_graph_op_count():
    # TF 2.21: in a graph an unseeded op's op seed is the graph's count of such ops (0 first),
    # and the function's kernel goes on from call to call.
    import eagerflow as tf

    @tf.function
    def f():
        return tf.random.shuffle(tf.range(10)), tf.random.shuffle(tf.range(10))

    tf.random.set_seed(0)
    first, second = f()
    assert first.numpy().tolist() == [2, 0, 5, 8, 7, 1, 9, 6, 3, 4]  # seeds (0, 2**31 - 1)
    assert second.numpy().tolist() == [7, 2, 5, 8, 3, 4, 6, 0, 9, 1]  # seeds (0, 1)
    assert f()[0].numpy().tolist() == [2, 9, 4, 7, 1, 8, 5, 6, 0, 3]
