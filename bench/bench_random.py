"""Time 16M float32 normals: eagerflow's TF-exact Philox vs NumPy's Philox.

Run: ``.venv/bin/python bench/bench_random.py``. The first eagerflow draw
builds the Box-Muller lookup tables; that one-off cost is printed separately.
Rows: the fill kernel alone, ``tf.random.stateless_normal`` and
``tf.random.normal(seed=...)`` (public paths through ``execute``).
"""

import time

import numpy as np

from eagerflow import random as tf_random
from eagerflow._src.ops.random import distributions, philox, seeds

N = 16 * 1024 * 1024
REPEATS = 5


def best_of(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    key, counter = seeds.stateless_key_counter([1, 2])
    t0 = time.perf_counter()
    distributions.fill_normal([1 << 21], np.float32, key, counter)
    print(f"one-off table build: {time.perf_counter() - t0:.3f} s")
    gen = np.random.Generator(np.random.Philox(0))
    theirs = best_of(lambda: gen.standard_normal(N, dtype=np.float32))
    rows = {
        "fill_normal kernel": lambda: distributions.fill_normal([N], np.float32, key, counter),
        "tf.random.stateless_normal": lambda: tf_random.stateless_normal([N], seed=[1, 2]),
        "tf.random.normal(seed=1)": lambda: tf_random.normal([N], seed=1),
    }
    t_blocks = best_of(lambda: philox.philox_blocks((1, 2), (0, 0, 0, 0), N // 4))
    print(f"numpy Philox standard_normal : {theirs * 1e3:8.1f} ms")
    print(f"Philox blocks alone          : {t_blocks * 1e3:8.1f} ms")
    for label, fn in rows.items():
        ours = best_of(fn)
        print(f"{label:29s}: {ours * 1e3:8.1f} ms  ratio {ours / theirs:5.2f}x  (target <= 1.5x)")


if __name__ == "__main__":
    main()
