"""Differential test: same seeds give bit-identical random streams in eagerflow and TF 2.21."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")

from eagerflow import random as ef_random  # noqa: E402

pytestmark = pytest.mark.tensorflow

FLOATS = ["float16", "bfloat16", "float32", "float64"]
SHAPES = [[], [4], [3, 5], [1003]]


def _bits(x):
    a = np.asarray(x.numpy())
    if a.dtype.kind in "fV" or a.dtype.name == "bfloat16":
        return a.view(f"uint{8 * a.dtype.itemsize}")
    return a


def _same(ours, theirs):
    a, b = _bits(ours), _bits(theirs)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert np.array_equal(a, b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ["stateless_normal", "stateless_uniform",
                                  "stateless_truncated_normal"])
@pytest.mark.parametrize("seed", [[7, -8], [2**40, 3]], ids=str)
def test_stateless_floats(name, shape, dtype, seed):
    kw = {"minval": -1.5, "maxval": 4.0} if name == "stateless_uniform" else {
        "mean": 0.5, "stddev": 1.5}
    _same(getattr(ef_random, name)(shape, seed=seed, dtype=dtype, **kw),
          getattr(tf.random, name)(shape, seed=seed, dtype=dtype, **kw))


@pytest.mark.parametrize("dtype,bounds", [("int32", (-5, 17)), ("int64", (3, 2**45)),
                                          ("int32", (None, None)), ("uint64", (None, None))])
def test_stateless_ints(dtype, bounds):
    lo, hi = bounds
    _same(ef_random.stateless_uniform([9], [4, 4], minval=lo, maxval=hi, dtype=dtype),
          tf.random.stateless_uniform([9], [4, 4], minval=lo, maxval=hi, dtype=dtype))


def test_stateless_split_and_fold_in():
    _same(ef_random.experimental.stateless_split([3, 9], 4),
          tf.random.experimental.stateless_split([3, 9], 4))
    _same(ef_random.experimental.stateless_fold_in([3, 9], 11),
          tf.random.experimental.stateless_fold_in([3, 9], 11))


CALLS = [("normal", [5], None, "float32", {}), ("normal", [5], 3, "float64", {}),
         ("uniform", [4], 3, "float32", {"minval": 2.0, "maxval": 9.0}),
         ("uniform", [6], None, "int64", {"minval": -9, "maxval": 99}),
         ("truncated_normal", [7], 3, "bfloat16", {}), ("normal", [5], None, "float32", {}),
         ("truncated_normal", [2, 3], 3, "float32", {"stddev": 3.0}),
         ("uniform", [4], 3, "float32", {"minval": 2.0, "maxval": 9.0})]


@pytest.mark.parametrize("global_seed", [5, 0, None])
def test_stateful_sequences(global_seed):
    tf.random.set_seed(global_seed)
    ef_random.set_seed(global_seed)
    for op, shape, seed, dtype, kw in CALLS:
        if global_seed is None and seed is None:
            continue
        _same(getattr(ef_random, op)(shape, seed=seed, dtype=dtype, **kw),
              getattr(tf.random, op)(shape, seed=seed, dtype=dtype, **kw))


@pytest.mark.parametrize("n", [2, 7, 64])
def test_shuffle(n):
    tf.random.set_seed(12)
    ef_random.set_seed(12)
    for seed in (None, 4, 4):
        _same(ef_random.shuffle(np.arange(n), seed=seed), tf.random.shuffle(np.arange(n),
                                                                            seed=seed))


@pytest.mark.parametrize("seed", [99, [5, 6, 7]], ids=str)
def test_generator_stream(seed):
    ours, theirs = ef_random.Generator.from_seed(seed), tf.random.Generator.from_seed(seed)
    for fn in [lambda g: g.normal([3, 2], mean=1.0), lambda g: g.uniform([5], dtype="float64"),
               lambda g: g.truncated_normal([9], dtype="float16"),
               lambda g: g.uniform([4], minval=0, maxval=10, dtype="int64"),
               lambda g: g.uniform_full_int([3], dtype="int32"), lambda g: g.make_seeds(2),
               lambda g: g.skip(33), lambda g: g.split(2)[0].normal([3]),
               lambda g: (g.binomial([4, 2], counts=[5.0, 9.0], probs=0.5), g.state)[1],
               lambda g: g.state]:
        _same(fn(ours), fn(theirs))


def test_tensorflow_continues_our_generator_from_a_checkpoint(tmp_path):
    import eagerflow

    ours = ef_random.Generator.from_seed(11)
    ours.normal([3])
    path = eagerflow.train.Checkpoint(g=ours).save(str(tmp_path / "ckpt"))
    expected = ours.normal([6]).numpy()
    theirs = tf.random.Generator.from_seed(0)
    tf.train.Checkpoint(g=theirs).restore(path).assert_consumed()
    np.testing.assert_array_equal(theirs.normal([6]).numpy(), expected)
