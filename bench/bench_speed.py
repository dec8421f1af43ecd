"""Issue 16's figures, from one run: eagerflow next to TensorFlow 2.21 and PyTorch.

Run with a Python that has TensorFlow (and PyTorch for the 2x2 add), e.g.
    .venv-compat/bin/python bench/bench_speed.py
Every ratio is eagerflow's time over the reference's, measured in this one process.
"""
from __future__ import annotations

import os
import sys
import time
import timeit

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def best(fn, number: int, repeat: int = 7) -> float:
    """Best-of-`repeat` seconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def big_case(fn, repeat: int = 9) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import eagerflow as ef
    import tensorflow as tf

    try:
        import torch
    except ImportError:
        torch = None

    rows = []
    mb100 = 25 * 1024 * 1024  # float32 elements in 100 MB
    src_np = np.random.default_rng(0).random(mb100, dtype=np.float32)

    # v.assign(t), 100 MB: TF hands the tensor's buffer to the variable.
    ev, et = ef.Variable(np.zeros(mb100, np.float32)), ef.constant(src_np)
    tv, tt = tf.Variable(np.zeros(mb100, np.float32)), tf.constant(src_np)
    rows.append(("v.assign(t), 100 MB", big_case(lambda: ev.assign(et)), big_case(lambda: tv.assign(tt)), 1.0))

    # assign_add, 100 MB, in place.
    ed, td = ef.constant(src_np), tf.constant(src_np)
    ev2, tv2 = ef.Variable(np.zeros(mb100, np.float32)), tf.Variable(np.zeros(mb100, np.float32))
    rows.append(("assign_add, 100 MB", big_case(lambda: ev2.assign_add(ed, read_value=False)),
                 big_case(lambda: tv2.assign_add(td, read_value=False)), 0.9))

    # tanh over 16M float32 with .numpy().
    x16 = np.random.default_rng(1).standard_normal(16 * 1024 * 1024).astype(np.float32)
    ex, tx = ef.constant(x16), tf.constant(x16)
    rows.append(("tanh 16M + .numpy()", big_case(lambda: ef.tanh(ex).numpy()), big_case(lambda: tf.tanh(tx).numpy()), 0.8))

    # tf.Variable from a Python list.
    rows.append(("Variable([1., 2., 3.])", best(lambda: ef.Variable([1.0, 2.0, 3.0]), 5000),
                 best(lambda: tf.Variable([1.0, 2.0, 3.0]), 500), 0.05))

    print(f"{'case':26s} {'eagerflow':>12s} {'TF 2.21':>12s} {'ratio':>7s} {'target':>7s}")
    for name, ours, theirs, target in rows:
        print(f"{name:26s} {ours * 1e6:10.1f}us {theirs * 1e6:10.1f}us {ours / theirs:7.3f} {'<=' + str(target):>7s}")

    a_np = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    b_np = np.array([[0.5, 0.25], [2.0, 1.0]], np.float32)
    a, b = ef.constant(a_np), ef.constant(b_np)
    ours = best(lambda: a + b, 50000)
    if torch is not None:
        ta, tb = torch.from_numpy(a_np.copy()), torch.from_numpy(b_np.copy())
        theirs = best(lambda: ta + tb, 50000)
        print(f"{'2x2 a + b':26s} {ours * 1e9:10.0f}ns {theirs * 1e9:8.0f}ns(PyTorch) {ours / theirs:7.3f} {'<=1.0':>7s}")
    else:
        print(f"2x2 a + b: {ours * 1e9:.0f} ns (PyTorch not importable: no ratio)", file=sys.stderr)
    from eagerflow._src.backends import host_threads

    print(f"(pool size {host_threads.num_threads()}, threshold {host_threads.THRESHOLD} elements, "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
