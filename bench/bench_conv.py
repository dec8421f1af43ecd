"""conv2d forward and forward+backward, eagerflow vs TensorFlow 2.21, from one run.

Run: ``.venv/bin/python bench/bench_conv.py`` (TensorFlow runs from ``.venv-compat`` in a
subprocess on the same data shapes). Case: NHWC, batch 32, 32x32x64 -> 64, 3x3, stride 1,
SAME, float32. "backward" is one GradientTape step: the forward plus both gradients
(Conv2DBackpropInput and Conv2DBackpropFilter). Best of REPEATS after a warm-up; the
target is <= 1.5x TensorFlow's time. Both run in fresh processes, alternating, five rounds.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

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


def run(python: str, module: str) -> dict:
    code = SCRIPT.format(module=module, shape_x=SHAPE_X, shape_w=SHAPE_W, repeats=REPEATS)
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


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
