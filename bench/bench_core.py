"""Per-op overhead of eagerflow next to raw NumPy, in one run (issue #2's figures).

    python bench/bench_core.py            # eagerflow and NumPy
    .venv-compat/bin/python bench/bench_core.py   # adds TensorFlow where installed

Prints one line per case: eagerflow, NumPy (and TF), and the ratio eagerflow / NumPy.
"""
from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import timeit

import numpy as np


def per_call(fn, number: int = 20000, repeat: int = 7) -> float:
    """Best-of-`repeat` time per call in nanoseconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def import_time(module: str, runs: int = 7) -> float:
    """Median wall time of `import module` in a fresh interpreter, bytecode cached as after pip install."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    subprocess.run([sys.executable, "-c", f"import {module}"], env=env, check=True)  # writes .pyc
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  env=env, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main() -> None:
    import eagerflow as ef

    tf = None
    if importlib.util.find_spec("tensorflow") is not None and "--no-tf" not in sys.argv:
        import os

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf  # noqa: F811 - optional comparison

    a_np = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    b_np = np.array([[0.5, 0.25], [2.0, 1.0]], np.float32)
    a, b = ef.constant(a_np), ef.constant(b_np)
    v = ef.Variable(a_np)
    buf = a_np.copy()
    small = np.full((2, 2), 1e-3, np.float32)
    small_t = ef.constant(small)

    cases = [
        ("2x2 add (a + b)", lambda: a + b, lambda: a_np + b_np),
        ("2x2 add (tf.add)", lambda: ef.add(a, b), lambda: np.add(a_np, b_np)),
        ("2x2 matmul", lambda: ef.matmul(a, b), lambda: np.matmul(a_np, b_np)),
        ("2x2 multiply by 2.0", lambda: a * 2.0, lambda: a_np * np.float32(2.0)),
        ("small assign_add", lambda: v.assign_add(small_t), lambda: np.add(buf, small, out=buf)),
        ("Variable creation", lambda: ef.Variable(a), lambda: np.array(a_np, copy=True)),
    ]
    tf_cases = {}
    if tf is not None:
        ta, tb = tf.constant(a_np), tf.constant(b_np)
        tv = tf.Variable(a_np)
        ts = tf.constant(small)
        tf_cases = {
            "2x2 add (a + b)": lambda: ta + tb,
            "2x2 add (tf.add)": lambda: tf.add(ta, tb),
            "2x2 matmul": lambda: tf.matmul(ta, tb),
            "2x2 multiply by 2.0": lambda: ta * 2.0,
            "small assign_add": lambda: tv.assign_add(ts),
            "Variable creation": lambda: tf.Variable(ta),
        }
    header = f"{'case':24s} {'eagerflow':>11s} {'numpy':>9s} {'ratio':>7s}"
    print(header + (f" {'tensorflow':>11s} {'tf/numpy':>9s}" if tf_cases else ""))
    for name, ef_fn, np_fn in cases:
        number = 5000 if "Variable" in name else 20000
        t_ef, t_np = per_call(ef_fn, number), per_call(np_fn, number)
        line = f"{name:24s} {t_ef:9.0f}ns {t_np:7.0f}ns {t_ef / t_np:6.2f}x"
        if name in tf_cases:
            t_tf = per_call(tf_cases[name], max(1000, number // 10), 5)
            line += f" {t_tf:9.0f}ns {t_tf / t_np:8.1f}x"
        print(line)
    t_import = import_time("eagerflow")
    t_numpy = import_time("numpy")
    print(f"{'import eagerflow':24s} {t_import * 1e3:9.1f}ms {t_numpy * 1e3:7.1f}ms {t_import / t_numpy:6.2f}x  (target < 150 ms)")


if __name__ == "__main__":
    main()
