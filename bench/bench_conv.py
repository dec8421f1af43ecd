"""conv2d forward and forward+backward, eagerflow vs TensorFlow 2.21, from one run.

Run: ``.venv/bin/python bench/bench_conv.py`` (TensorFlow runs from ``.venv-compat`` in a
subprocess on the same data shapes). Case: NHWC, batch 32, 32x32x64 -> 64, 3x3, stride 1,
SAME, float32. "backward" is one GradientTape step: the forward plus both gradients
(Conv2DBackpropInput and Conv2DBackpropFilter). Best of REPEATS after a warm-up; the
target is <= 1.5x TensorFlow's time. Both run in fresh processes, alternating, five rounds.

Then the kernels of the small Keras CNN of issue 15 (batch 128, 28x28x1 -> Conv2D 32 -> pool ->
Conv2D 64), each in a tf.function: `conv*_fused` is Relu(BiasAdd(Conv2D)) (one _FusedConv2D
after the graph rewrites, on both sides), `*_bf` the filter gradient, `conv2_bi` the input
gradient. Target: <= TensorFlow's time.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _alternate import best_alternating

REPEATS = 10
ROUNDS = 5
SHAPE_X = (32, 32, 32, 64)
SHAPE_W = (3, 3, 64, 64)

# Runs unchanged with `tf` bound to eagerflow or to TensorFlow; prints JSON timings in ms.
SCRIPT = r"""
import json, sys, time
import numpy as np
import {module} as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.standard_normal({shape_x}).astype(np.float32))
w = tf.Variable(rng.standard_normal({shape_w}).astype(np.float32) * 0.05)
xv = tf.Variable(x)


def forward():
    return tf.nn.conv2d(x, w, 1, "SAME").numpy()


def step():
    with tf.GradientTape() as tape:
        y = tf.nn.conv2d(xv, w, 1, "SAME")
    dx, dw = tape.gradient(y, [xv, w])
    return dx.numpy(), dw.numpy()


def best(fn, repeats={repeats}):
    fn()
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


print(json.dumps({{"forward": best(forward), "backward": best(step)}}))
"""


CNN_SCRIPT = r"""
import json, time
import numpy as np
import {module} as tf

rng = np.random.default_rng(0)
B = 128
x1 = tf.constant(rng.random((B, 28, 28, 1), dtype=np.float32))
f1 = tf.constant(rng.standard_normal((3, 3, 1, 32), dtype=np.float32))
b1 = tf.constant(rng.standard_normal((32,), dtype=np.float32))
h1 = tf.constant(rng.standard_normal((B, 26, 26, 32), dtype=np.float32))
p1 = tf.constant(rng.standard_normal((B, 13, 13, 32), dtype=np.float32))
f2 = tf.constant(rng.standard_normal((3, 3, 32, 64), dtype=np.float32))
b2 = tf.constant(rng.standard_normal((64,), dtype=np.float32))
h2 = tf.constant(rng.standard_normal((B, 11, 11, 64), dtype=np.float32))
S = [1, 1, 1, 1]
# Operands are arguments: a tf.function of captured constants alone may be folded away.
A = (x1, f1, b1, h1, p1, f2, b2, h2)
cases = {{
    "conv1_fused": lambda x1, f1, b1, h1, p1, f2, b2, h2:
        tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x1, f1, 1, "VALID"), b1)),
    "conv1_bf": lambda x1, f1, b1, h1, p1, f2, b2, h2:
        tf.raw_ops.Conv2DBackpropFilter(input=x1, filter_sizes=[3, 3, 1, 32], out_backprop=h1, strides=S,
                                        padding="VALID"),
    "conv2_fused": lambda x1, f1, b1, h1, p1, f2, b2, h2:
        tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(p1, f2, 1, "VALID"), b2)),
    "conv2_bf": lambda x1, f1, b1, h1, p1, f2, b2, h2:
        tf.raw_ops.Conv2DBackpropFilter(input=p1, filter_sizes=[3, 3, 32, 64], out_backprop=h2, strides=S,
                                        padding="VALID"),
    "conv2_bi": lambda x1, f1, b1, h1, p1, f2, b2, h2:
        tf.raw_ops.Conv2DBackpropInput(input_sizes=[B, 13, 13, 32], filter=f2, out_backprop=h2, strides=S,
                                       padding="VALID"),
}}
out = {{}}
for name, fn in cases.items():
    g = tf.function(fn)
    for _ in range(3):
        g(*A)
    times = []
    for _ in range({repeats}):
        t0 = time.perf_counter()
        for _ in range(10):
            g(*A)
        times.append((time.perf_counter() - t0) / 10)
    out[name] = min(times) * 1e3
print(json.dumps(out))
"""


def run(python: str, module: str, script: str = SCRIPT) -> dict:
    code = script.format(module=module, shape_x=SHAPE_X, shape_w=SHAPE_W, repeats=REPEATS)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    tf_python = root / ".venv-compat" / "bin" / "python"
    # Alternate the two a few rounds and keep each one's best: other load on the machine then
    # weighs on both alike.
    ours: dict = {}
    theirs: dict | None = {} if tf_python.exists() else None
    for _ in range(ROUNDS):
        for key, value in run(sys.executable, "eagerflow").items():
            ours[key] = min(value, ours.get(key, value))
        if theirs is not None:
            for key, value in run(str(tf_python), "tensorflow").items():
                theirs[key] = min(value, theirs.get(key, value))
    print(f"conv2d NHWC {SHAPE_X} * {SHAPE_W}, SAME, float32 (best of {REPEATS} x {ROUNDS} alternating runs)")
    for key in ("forward", "backward"):
        line = f"  {key:9s} eagerflow {ours[key]:8.1f} ms"
        if theirs:
            line += f"   TF 2.21 {theirs[key]:8.1f} ms   ratio {ours[key] / theirs[key]:5.2f}x (target <= 1.5x)"
        print(line)
    ours, theirs = best_alternating(ROUNDS, lambda: run(sys.executable, "eagerflow", CNN_SCRIPT),
                                    (lambda: run(str(tf_python), "tensorflow", CNN_SCRIPT))
                                    if tf_python.exists() else None)
    print(f"Keras CNN kernels, batch 128, in tf.function (best of {REPEATS} x 10 calls x {ROUNDS} alternating runs)")
    for key, value in ours.items():
        line = f"  {key:12s} eagerflow {value:7.2f} ms"
        if theirs:
            line += f"   TF 2.21 {theirs[key]:7.2f} ms   ratio {value / theirs[key]:5.2f}x (target <= 1x)"
        print(line)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
