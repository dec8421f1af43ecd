"""Writes tests/data/random_fixtures.npz from TensorFlow 2.21 (CPU).

Run with the TF venv: ``TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python
tests/data/make_random_fixtures.py``. Each case is ``case_<i>`` (raw bits, as
unsigned ints of the output's width) plus a JSON spec in ``spec_<i>`` that the
test replays with eagerflow._src.ops.philox. No pickles.
"""

import json
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "random_fixtures.npz")
FLOATS = ["float16", "bfloat16", "float32", "float64"]
SHAPES = [[], [0], [1], [5], [3, 7], [1001]]
SEEDS = [[1, 2], [-3, 123456789012], [0, 0]]

arrays: dict[str, np.ndarray] = {}


def bits(x) -> np.ndarray:
    a = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if a.dtype.kind in "fV" or a.dtype.name == "bfloat16":
        return a.view(f"uint{8 * a.dtype.itemsize}")
    return a


def add(spec: dict, value) -> None:
    i = len(arrays) // 2
    arrays[f"case_{i}"] = bits(value)
    arrays[f"spec_{i}"] = np.array(json.dumps(spec))


def stateless() -> None:
    for seed in SEEDS:
        for shape in SHAPES:
            for dt in FLOATS:
                for op, fn in (("stateless_normal", tf.random.stateless_normal),
                               ("stateless_uniform", tf.random.stateless_uniform),
                               ("stateless_truncated_normal", tf.random.stateless_truncated_normal)):
                    add({"op": op, "shape": shape, "seed": seed, "dtype": dt},
                        fn(shape, seed=seed, dtype=dt))
        for dt in FLOATS:
            add({"op": "stateless_normal", "shape": [9], "seed": seed, "dtype": dt,
                 "kw": {"mean": 1.5, "stddev": 3.0}},
                tf.random.stateless_normal([9], seed=seed, mean=1.5, stddev=3.0, dtype=dt))
            add({"op": "stateless_uniform", "shape": [9], "seed": seed, "dtype": dt,
                 "kw": {"minval": -2.0, "maxval": 5.0}},
                tf.random.stateless_uniform([9], seed=seed, minval=-2.0, maxval=5.0, dtype=dt))
            add({"op": "stateless_truncated_normal", "shape": [9], "seed": seed, "dtype": dt,
                 "kw": {"mean": -1.0, "stddev": 0.5}},
                tf.random.stateless_truncated_normal([9], seed=seed, mean=-1.0, stddev=0.5,
                                                     dtype=dt))
        for dt in ["int32", "int64"]:
            for lo, hi in [(0, 10), (-7, 3), (-(2**31), 2**31 - 1), (5, 6)]:
                add({"op": "stateless_uniform", "shape": [3, 5], "seed": seed, "dtype": dt,
                     "kw": {"minval": lo, "maxval": hi}},
                    tf.random.stateless_uniform([3, 5], seed=seed, minval=lo, maxval=hi,
                                                dtype=dt))
        for dt in ["int32", "int64", "uint32", "uint64"]:
            add({"op": "stateless_uniform", "shape": [7], "seed": seed, "dtype": dt,
                 "kw": {"minval": None, "maxval": None}},
                tf.random.stateless_uniform([7], seed=seed, minval=None, maxval=None, dtype=dt))
    add({"op": "stateless_normal", "shape": [3], "seed": [5, 6], "seed_dtype": "int64",
         "dtype": "float32"},
        tf.random.stateless_normal([3], seed=tf.constant([5, 6], tf.int64)))
    # A long truncated normal exercises groups that need a second block.
    add({"op": "stateless_truncated_normal", "shape": [20000], "seed": [7, 8],
         "dtype": "float32"}, tf.random.stateless_truncated_normal([20000], seed=[7, 8]))
    add({"op": "stateless_truncated_normal", "shape": [20001], "seed": [7, 8],
         "dtype": "float64"},
        tf.random.stateless_truncated_normal([20001], seed=[7, 8], dtype="float64"))


STATEFUL_CALLS = [
    ("normal", [3], None, "float32", {}), ("normal", [3], None, "float32", {}),
    ("normal", [5], 7, "float32", {}), ("normal", [2, 3], 7, "float32", {}),
    ("normal", [5], 7, "float64", {}), ("normal", [5], 7, "float16", {}),
    ("normal", [5], 7, "bfloat16", {}), ("normal", [], 11, "float32", {"mean": 2.0, "stddev": 0.5}),
    ("uniform", [5], 7, "float32", {}), ("uniform", [5], 7, "float32", {}),
    ("uniform", [6], 7, "float32", {"minval": -1.0, "maxval": 2.0}),
    ("uniform", [6], 8, "float32", {"maxval": 3}),
    ("uniform", [4], 7, "float64", {}), ("uniform", [4], 7, "float16", {}),
    ("uniform", [4], 7, "bfloat16", {}),
    ("uniform", [9], 7, "int32", {"minval": -5, "maxval": 100}),
    ("uniform", [9], 7, "int64", {"minval": 0, "maxval": 2**40}),
    ("uniform", [9], None, "int32", {"minval": 0, "maxval": 10}),
    ("truncated_normal", [7], 7, "float32", {}), ("truncated_normal", [7], 7, "float32", {}),
    ("truncated_normal", [7], None, "float64", {}), ("truncated_normal", [6], 3, "float16", {}),
    ("truncated_normal", [6], 3, "bfloat16", {"mean": 1.0, "stddev": 2.0}),
    ("normal", [1001], None, "float32", {}),
]


def stateful() -> None:
    fns = {"normal": tf.random.normal, "uniform": tf.random.uniform,
           "truncated_normal": tf.random.truncated_normal}
    for global_seed in [1234, 0, None]:
        tf.random.set_seed(global_seed)
        calls = []
        outs = []
        for op, shape, seed, dt, kw in STATEFUL_CALLS:
            if global_seed is None and seed is None:
                continue  # nondeterministic
            calls.append([op, shape, seed, dt, kw])
            outs.append(bits(fns[op](shape, seed=seed, dtype=dt, **kw)))
        for j, out in enumerate(outs):
            add({"op": "stateful", "global_seed": global_seed, "calls": calls, "index": j}, out)
        # set_seed again restarts everything.
        tf.random.set_seed(global_seed)
        if calls:
            op, shape, seed, dt, kw = calls[0]
            add({"op": "stateful", "global_seed": global_seed, "calls": calls[:1], "index": 0},
                fns[op](shape, seed=seed, dtype=dt, **kw))


def generator() -> None:
    for seed in [42, 2**70 + 5, [1, 2], [-1, 7, 9, 11]]:
        g = tf.random.Generator.from_seed(seed)
        log = []

        def rec(kind, value, **info):
            log.append(kind)
            add({"op": "generator", "seed": seed, "step": kind, "index": len(log) - 1, **info},
                value)
            add({"op": "generator_state", "seed": seed, "index": len(log) - 1},
                g.state.numpy())

        add({"op": "generator_state", "seed": seed, "index": -1}, g.state.numpy())
        rec("normal", g.normal([3]))
        rec("uniform", g.uniform([5]))
        rec("normal_f64", g.normal([3], dtype="float64"))
        rec("normal_f16", g.normal([5], dtype="float16"))
        rec("uniform_bf16", g.uniform([5], dtype="bfloat16", minval=1.0, maxval=3.0))
        rec("truncated_normal", g.truncated_normal([6], mean=1.0, stddev=2.0))
        rec("uniform_int32", g.uniform([7], minval=-3, maxval=9, dtype="int32"))
        rec("uniform_int64", g.uniform([7], minval=-3, maxval=2**40, dtype="int64"))
        rec("uniform_full_int", g.uniform_full_int([5], dtype="uint64"))
        rec("make_seeds", g.make_seeds(3))
        children = g.split(2)
        rec("split_child_states", tf.stack([c.state for c in children]))
        rec("child_normal", children[1].normal([4]))
        g.skip(10)
        rec("after_skip", g.normal([2]))
        rec("scalar", g.normal([]))


def others() -> None:
    tf.random.set_seed(None)
    for n in [1, 2, 5, 100]:
        add({"op": "shuffle", "n": n, "seed": 5, "global_seed": 77},
            (tf.random.set_seed(77), tf.random.shuffle(tf.range(n), seed=5))[1])
    tf.random.set_seed(77)
    add({"op": "shuffle_rows", "n": 6, "seed": 5, "global_seed": 77},
        tf.random.shuffle(tf.reshape(tf.range(12), [6, 2]), seed=5))
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], np.float32))
    add({"op": "stateless_categorical", "logits": logits.tolist(), "num_samples": 10,
         "seed": [3, 4]},
        tf.random.stateless_categorical(logits, 10, seed=[3, 4]))
    tf.random.set_seed(77)
    add({"op": "categorical", "logits": logits.tolist(), "num_samples": 10, "seed": 3,
         "global_seed": 77}, tf.random.categorical(logits, 10, seed=3))
    add({"op": "stateless_binomial", "shape": [8], "counts": [10.0, 100.0], "probs": [0.3],
         "seed": [1, 2]},
        tf.random.stateless_binomial([8, 2], seed=[1, 2], counts=[10.0, 100.0], probs=[0.3]))
    tf.random.set_seed(77)
    add({"op": "gamma", "shape": [5], "alpha": [0.5, 3.0], "seed": 2, "global_seed": 77},
        tf.random.gamma([5], alpha=[0.5, 3.0], seed=2))
    tf.random.set_seed(77)
    add({"op": "poisson", "shape": [5], "lam": [1.0, 30.0], "seed": 2, "global_seed": 77},
        tf.random.poisson([5], lam=[1.0, 30.0], seed=2))


stateless()
stateful()
generator()
others()
np.savez(OUT, **arrays)
print(f"wrote {len(arrays) // 2} cases to {OUT}")
