"""tf.nest and a few tf.math ops: eagerflow's time next to TensorFlow 2.21's, from one run.

    .venv/bin/python bench/bench_nest_math.py     (TF runs in .venv-compat in a subprocess)
"""
import json
import os
import subprocess
import sys
import timeit

CASES = {
    "nest.flatten(dict of 20 tensors)": (
        "s = {f'k{i}': [tf.constant(1.0), (tf.constant(2.0),)] for i in range(20)}",
        "tf.nest.flatten(s)"),
    "nest.map_structure(identity, same dict)": (
        "s = {f'k{i}': [tf.constant(1.0), (tf.constant(2.0),)] for i in range(20)}",
        "tf.nest.map_structure(lambda x: x, s)"),
    "nest.pack_sequence_as(list of 100)": (
        "s = [tf.constant(1.0)] * 100; f = tf.nest.flatten(s)",
        "tf.nest.pack_sequence_as(s, f)"),
    "math.lgamma(1e5 float32)": (
        "import numpy as np; x = tf.constant(np.random.default_rng(0).uniform(0.1, 5, 100000).astype(np.float32))",
        "tf.math.lgamma(x)"),
    "math.top_k(1000x1000, k=10)": (
        "import numpy as np; x = tf.constant(np.random.default_rng(0).normal(size=(1000, 1000)).astype(np.float32))",
        "tf.math.top_k(x, 10)"),
    "math.unsorted_segment_max(1e5x16 -> 100)": (
        "import numpy as np; r = np.random.default_rng(0); x = tf.constant(r.normal(size=(100000, 16)).astype(np.float32)); "
        "ids = tf.constant(r.integers(0, 100, 100000).astype(np.int32))",
        "tf.math.unsorted_segment_max(x, ids, 100)"),
    "sort(1e6 float32)": (
        "import numpy as np; x = tf.constant(np.random.default_rng(0).normal(size=1000000).astype(np.float32))",
        "tf.sort(x)"),
}

RUNNER = r"""
import json, sys, timeit, os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import {module} as tf
cases = json.loads(sys.argv[1])
out = {{}}
for name, (setup, stmt) in cases.items():
    ns = {{"tf": tf}}
    exec(setup, ns)
    exec(stmt, ns)  # warm up
    t = timeit.Timer(stmt, globals=ns)
    n, _ = t.autorange()
    out[name] = min(t.repeat(3, n)) / n
print(json.dumps(out))
"""


def run(python: str, module: str) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([python, "-c", RUNNER.format(module=module), json.dumps(CASES)], capture_output=True,
                          text=True, env=env, timeout=600)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ours = run(sys.executable, "eagerflow")
    theirs = run(os.path.join(root, ".venv-compat", "bin", "python"), "tensorflow")
    print(f"{'case':45s} {'eagerflow':>12s} {'TF 2.21':>12s} {'ratio':>7s}")
    for name in CASES:
        print(f"{name:45s} {ours[name] * 1e6:10.1f}us {theirs[name] * 1e6:10.1f}us {ours[name] / theirs[name]:6.2f}x")


if __name__ == "__main__":
    timeit  # noqa: B018 - used by the runner
    main()
