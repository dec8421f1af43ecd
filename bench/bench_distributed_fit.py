"""Keras fit under tf.distribute, eagerflow next to TensorFlow 2.21 + Keras, one run.

An MLP (10k rows of 64 floats, Dense 256-256-10, global batch 256, Adam) fits one epoch to
trace, then a timed epoch, four ways: one device; MirroredStrategy over two logical CPUs;
steps_per_execution=8 on one device; MirroredStrategy with steps_per_execution=8 (TF 2.21 +
Keras 3.15 fails on that one). Ratios are eagerflow / TF (below 1: eagerflow faster); eagerflow
runs with one OpenBLAS thread.

Usage: .venv/bin/python bench/bench_distributed_fit.py   (TF runs from .venv-compat in a subprocess)
"""
import json
import os
import subprocess
import sys

CODE = r'''
import contextlib, json, os, sys, time
import numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
if sys.argv[1] == "tf":
    import tensorflow as tf
else:
    import eagerflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
keras = tf.keras
rng = np.random.default_rng(0)
x = rng.standard_normal((10_000, 64), dtype=np.float32)
y = rng.integers(0, 10, 10_000)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

def timed(mirrored, steps):
    keras.utils.set_random_seed(0)
    with strategy.scope() if mirrored else contextlib.nullcontext():
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                                  keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
        model.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=steps,
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    try:
        model.fit(x, y, batch_size=256, epochs=1, verbose=0)
    except Exception as e:
        return None
    t = time.perf_counter()
    model.fit(x, y, batch_size=256, epochs=1, verbose=0)
    return time.perf_counter() - t

out = {"one device": timed(False, 1), "mirrored x2": timed(True, 1),
       "steps_per_execution 8": timed(False, 8), "mirrored x2, steps_per_execution 8": timed(True, 8)}
print(json.dumps(out))
'''

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF_PYTHON = os.path.join(ROOT, ".venv-compat", "bin", "python")


def run(python: str, which: str) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    if which == "eagerflow":  # OpenBLAS's threads stall on a loaded machine (see README, Performance)
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
    result = subprocess.run([python, "-c", CODE, which], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    ours = run(sys.executable, "eagerflow")
    theirs = run(TF_PYTHON, "tf") if os.path.exists(TF_PYTHON) else {}
    print(f"{'epoch (s)':<36} {'eagerflow':>10} {'TF 2.21':>10} {'ratio':>7}")
    for name, ef in ours.items():
        tf_time = theirs.get(name)
        ratio = f"{ef / tf_time:7.2f}" if ef and tf_time else "      -"
        tf_text = f"{tf_time:10.3f}" if tf_time else "    failed"
        print(f"{name:<36} {ef:10.3f} {tf_text} {ratio}")


if __name__ == "__main__":
    main()
