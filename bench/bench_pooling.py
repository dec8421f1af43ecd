"""The small Keras CNN's pooling and activation kernels, eagerflow vs TensorFlow 2.21, from one run.

Run: ``.venv/bin/python bench/bench_pooling.py [case ...]`` (TensorFlow runs from ``.venv-compat``
in a subprocess on the same data). Each case is one op (or the pair the graph remapper fuses) in a
`tf.function`, on the shapes of Conv2D 32 -> MaxPool 2x2 -> Conv2D 64 -> MaxPool at batch 128 on
28x28x1 inputs: activations 128x26x26x32 ("1") and 128x11x11x64 ("2"), float32 NHWC.
"relu_pool_grad" is ReluGrad(MaxPoolGrad(r, max_pool(r), g), r) on a ReLU output r: one
MaxPoolGradWithReluGrad op in eagerflow's traced plan, the two ops in TensorFlow; the "pool+"
cases run the MaxPool in the same function (TF's gradient is only fast that way). Best of
REPEATS calls of each, the two libraries alternating ROUNDS times in fresh processes.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from _alternate import best_alternating

REPEATS = 40
ROUNDS = 3

# Runs unchanged with `tf` bound to eagerflow or to TensorFlow; prints JSON timings in ms.
SCRIPT = r"""
import json, sys, time
import numpy as np
import {module} as tf

rng = np.random.default_rng(0)
data = {{}}
for tag, shape in (("1", (128, 26, 26, 32)), ("2", (128, 11, 11, 64))):
    h = rng.standard_normal(shape).astype(np.float32)
    r = np.maximum(h, 0)
    pooled = (shape[0], shape[1] // 2, shape[2] // 2, shape[3])
    data[tag] = dict(h=tf.constant(h), r=tf.constant(r), b=tf.constant(rng.standard_normal(shape[3:]).astype(np.float32)),
                     p=tf.constant(rng.standard_normal(pooled).astype(np.float32)),
                     pr=tf.nn.max_pool2d(tf.constant(r), 2, 2, "VALID"), ph=tf.nn.max_pool2d(tf.constant(h), 2, 2, "VALID"))
K = dict(ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")
CASES = {{
    "max_pool": lambda d: tf.nn.max_pool2d(d["h"], 2, 2, "VALID"),
    "max_pool_grad": lambda d: tf.raw_ops.MaxPoolGrad(orig_input=d["h"], orig_output=d["ph"], grad=d["p"], **K),
    "relu": lambda d: tf.nn.relu(d["h"]),
    "relu_grad": lambda d: tf.raw_ops.ReluGrad(gradients=d["h"], features=d["h"]),
    "bias_add": lambda d: tf.nn.bias_add(d["h"], d["b"]),
    "bias_add_grad": lambda d: tf.raw_ops.BiasAddGrad(out_backprop=d["h"]),
    "relu_pool_grad": lambda d: tf.raw_ops.ReluGrad(
        gradients=tf.raw_ops.MaxPoolGrad(orig_input=d["r"], orig_output=d["pr"], grad=d["p"], **K), features=d["r"]),
    # With the forward in the same function, as in a training step (TF's oneDNN gradient then
    # reuses its forward's workspace; separately it is several times slower).
    "pool+grad": lambda d: tf.raw_ops.MaxPoolGrad(orig_input=d["h"], orig_output=tf.nn.max_pool2d(d["h"], 2, 2, "VALID"),
                                                 grad=d["p"], **K),
    "pool+relu_pool_grad": lambda d: tf.raw_ops.ReluGrad(gradients=tf.raw_ops.MaxPoolGrad(
        orig_input=d["r"], orig_output=tf.nn.max_pool2d(d["r"], 2, 2, "VALID"), grad=d["p"], **K), features=d["r"]),
}}
only = {only}
out = {{}}
for name, fn in CASES.items():
    for tag, d in data.items():
        key = name + tag
        if only and key not in only and name not in only:
            continue
        f = tf.function(lambda d=d, fn=fn: fn(d))
        for _ in range(3):
            f()
        times = []
        for _ in range({repeats}):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        out[key] = min(times) * 1e3
print(json.dumps(out))
"""


def run(python: str, module: str, only: list) -> dict:
    code = SCRIPT.format(module=module, repeats=REPEATS, only=repr(only))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    only = sys.argv[1:]
    root = Path(__file__).resolve().parent.parent
    tf_python = root / ".venv-compat" / "bin" / "python"
    ours, theirs = best_alternating(ROUNDS, lambda: run(sys.executable, "eagerflow", only),
                                    (lambda: run(str(tf_python), "tensorflow", only))
                                    if tf_python.exists() else None)
    print(f"CNN kernels, batch 128, float32 NHWC (best of {REPEATS} x {ROUNDS} alternating runs)")
    for key, value in ours.items():
        line = f"  {key:20s} eagerflow {value:6.2f} ms"
        if theirs:
            line += f"   TF 2.21 {theirs[key]:6.2f} ms   ratio {value / theirs[key]:5.2f}x"
        print(line)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
