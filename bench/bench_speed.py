"""Issue 16's figures, from one run: eagerflow next to TensorFlow 2.21 and PyTorch.

Run with a Python that has TensorFlow (and PyTorch for the 2x2 add), e.g.
    .venv-compat/bin/python bench/bench_speed.py
Every ratio is eagerflow's time over the reference's, the two timed in alternation (best of
each), so that a busy machine slows both alike. Small cases run in this one process. The
large multi-threaded cases (100 MB assigns, tanh over 16M) run each side in its own fresh
process, alternating rounds: TF's Eigen pool threads spin for a while after every op and take
the cores our host threads need (and ours theirs), which in one process slowed whichever side
ran second.
"""
from __future__ import annotations

import os
import sys
import time
import timeit

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def paired_small(ours, theirs, number: int, rounds: int = 21) -> tuple[float, float]:
    """Best seconds per call of each, timed in alternating batches of `number` calls (a busy
    machine then slows both sides alike, and best-of keeps the quiet moments)."""
    best_ours = best_theirs = float("inf")
    for _ in range(rounds):
        best_ours = min(best_ours, timeit.timeit(ours, number=number) / number)
        best_theirs = min(best_theirs, timeit.timeit(theirs, number=number) / number)
    return best_ours, best_theirs


def paired_big(ours, theirs, repeat: int = 11) -> tuple[float, float]:
    """Best seconds of one call each, alternating ours and theirs `repeat` times."""
    times_ours, times_theirs = [], []
    for _ in range(repeat):
        for fn, times in ((ours, times_ours), (theirs, times_theirs)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return min(times_ours), min(times_theirs)


BIG_ROUNDS = 3


def big_cases(side: str) -> dict:
    """Best seconds of each large case for one side ("ef" or "tf"), in this process."""
    if side == "ef":
        import eagerflow as lib
    else:
        import tensorflow as lib
    mb100 = 25 * 1024 * 1024  # float32 elements in 100 MB
    src_np = np.random.default_rng(0).random(mb100, dtype=np.float32)
    v, t = lib.Variable(np.zeros(mb100, np.float32)), lib.constant(src_np)
    d, v2 = lib.constant(src_np), lib.Variable(np.zeros(mb100, np.float32))
    x16 = lib.constant(np.random.default_rng(1).standard_normal(16 * 1024 * 1024).astype(np.float32))
    cases = {"assign": lambda: v.assign(t), "assign_add": lambda: v2.assign_add(d, read_value=False),
             "tanh": lambda: lib.tanh(x16).numpy()}
    out = {}
    for name, fn in cases.items():
        fn()
        times = []
        for _ in range(11):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        out[name] = min(times)
    return out


def big_rows() -> list:
    import json
    import subprocess

    best: dict = {"ef": {}, "tf": {}}
    code = "import json, sys; sys.path.insert(0, %r); import bench_speed; " \
           "print(json.dumps(bench_speed.big_cases(sys.argv[1])))" % os.path.dirname(os.path.abspath(__file__))
    for _ in range(BIG_ROUNDS):
        for side in ("ef", "tf"):
            result = subprocess.run([sys.executable, "-c", code, side], capture_output=True, text=True,
                                    check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
            for name, seconds in json.loads(result.stdout.strip().splitlines()[-1]).items():
                best[side][name] = min(best[side].get(name, float("inf")), seconds)
    ef_best, tf_best = best["ef"], best["tf"]
    return [("v.assign(t), 100 MB", ef_best["assign"], tf_best["assign"], 1.0),
            ("assign_add, 100 MB", ef_best["assign_add"], tf_best["assign_add"], 0.9),
            ("tanh 16M + .numpy()", ef_best["tanh"], tf_best["tanh"], 0.8)]


def main() -> None:
    rows = big_rows()
    import eagerflow as ef
    import tensorflow as tf

    try:
        import torch
    except ImportError:
        torch = None

    # tf.Variable from a Python list.
    rows.append(("Variable([1., 2., 3.])", *paired_small(lambda: ef.Variable([1.0, 2.0, 3.0]),
                                                       lambda: tf.Variable([1.0, 2.0, 3.0]), 200, 15), 0.05))

    print(f"{'case':26s} {'eagerflow':>12s} {'TF 2.21':>12s} {'ratio':>7s} {'target':>7s}")
    for name, ours, theirs, target in rows:
        print(f"{name:26s} {ours * 1e6:10.1f}us {theirs * 1e6:10.1f}us {ours / theirs:7.3f} {'<=' + str(target):>7s}")

    a_np = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    b_np = np.array([[0.5, 0.25], [2.0, 1.0]], np.float32)
    a, b = ef.constant(a_np), ef.constant(b_np)
    if torch is not None:
        ta, tb = torch.from_numpy(a_np.copy()), torch.from_numpy(b_np.copy())
        ours, theirs = paired_small(lambda: a + b, lambda: ta + tb, 5000)
        print(f"{'2x2 a + b':26s} {ours * 1e9:10.0f}ns {theirs * 1e9:8.0f}ns(PyTorch) {ours / theirs:7.3f} {'<=1.0':>7s}")
    else:
        ours = min(timeit.repeat(lambda: a + b, number=5000, repeat=21)) / 5000
        print(f"2x2 a + b: {ours * 1e9:.0f} ns (PyTorch not importable: no ratio)", file=sys.stderr)
    from eagerflow._src.backends import host_threads

    print(f"(pool size {host_threads.num_threads()}, threshold {host_threads.THRESHOLD} elements, "
          f"{os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
