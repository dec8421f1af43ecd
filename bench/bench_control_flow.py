"""Control flow benchmark: a tensor `while` loop of 1000 small steps, written as plain Python
and converted by autograph inside `tf.function`, next to TensorFlow 2.21 (run in a subprocess
from .venv-compat). Prints per-call times from one run and the ratio (target <= 0.5).

    .venv/bin/python bench/bench_control_flow.py
"""
import os
import subprocess
import sys
import time

PROGRAM = r'''
import time
import numpy as np

def build(tf):
    @tf.function
    def loop(x, n):
        i = tf.constant(0)
        while i < n:
            x = x * 0.5 + 1.0
            i += 1
        return x

    @tf.function
    def cond_loop(x, n):
        s = tf.constant(0.0)
        for i in tf.range(n):
            if i % 2 == 0:
                s += x
            else:
                s -= 1.0
        return s
    return loop, cond_loop

def bench(tf):
    loop, cond_loop = build(tf)
    x = tf.constant(np.ones((2, 2), np.float32))
    n = tf.constant(1000)
    s = tf.constant(1.0)
    out = {}
    for name, fn, args in (("while", loop, (x, n)), ("for_if", cond_loop, (s, n))):
        fn(*args)  # trace
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(5):
                fn(*args)
            best = min(best, (time.perf_counter() - start) / 5)
        out[name] = best
    return out
'''


def _program_file() -> str:
    # Autograph reads source code: the program lives in a file both interpreters import.
    import tempfile

    path = os.path.join(tempfile.mkdtemp(), "cf_program.py")
    with open(path, "w") as f:
        f.write(PROGRAM)
    return path


def _load(path: str) -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location("cf_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def run_tf(path: str) -> dict:
    code = (f"import importlib.util, tensorflow as tf\n"
            f"spec = importlib.util.spec_from_file_location('cf_program', {path!r})\n"
            f"m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
            f"print(repr(m.bench(tf)))\n")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    python = os.path.join(os.path.dirname(__file__), "..", ".venv-compat", "bin", "python")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    return eval(done.stdout.strip().splitlines()[-1])


def main() -> None:
    path = _program_file()
    namespace = _load(path)
    import eagerflow as tf

    ours = namespace["bench"](tf)
    theirs = run_tf(path)
    for name in ours:
        print(f"{name:8s} eagerflow {ours[name] * 1e3:8.3f} ms   TF 2.21 {theirs[name] * 1e3:8.3f} ms   "
              f"ratio {ours[name] / theirs[name]:.3f}")


if __name__ == "__main__":
    sys.exit(main())
