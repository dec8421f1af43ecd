"""tf.keras fit, eagerflow (upstream Keras 3 on eagerflow) next to TensorFlow 2.21 + Keras, one run.

1. MLP: 20k rows of 64 floats, Dense 256-256-10, batch 128, Adam, sparse categorical crossentropy.
2. CNN: 10k 28x28x1 images, Conv2D 32 -> MaxPool -> Conv2D 64 -> MaxPool -> Flatten -> Dense 10,
   batch 128, Adam.
Each model fits one epoch to trace and warm up, then the timed epoch (run_eagerly=False: a
tf.function step, as Keras's default); the first epoch's time is printed too.

The two run in fresh processes, alternating, ROUNDS rounds (default 3; `--rounds N`), and each
keeps its best timed epoch: other load on the machine then weighs on both alike. The load
average is printed with the figures.

Usage: .venv/bin/python bench/bench_keras.py [--rounds N]   (TF runs from .venv-compat in a subprocess)
"""
import json
import os
import subprocess
import sys

CODE = r'''
import json, os, sys, time
import numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
if sys.argv[1] == "tf":
    import tensorflow as tf
else:
    import eagerflow as tf
keras = tf.keras
rng = np.random.default_rng(0)

def timed(model, x, y):
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    t = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    first = time.perf_counter() - t
    t = time.perf_counter()
    loss = model.fit(x, y, batch_size=128, epochs=1, verbose=0).history["loss"][-1]
    return first, time.perf_counter() - t, loss

keras.utils.set_random_seed(0)
x = rng.standard_normal((20_000, 64), dtype=np.float32)
y = rng.integers(0, 10, 20_000)
mlp = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                        keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
out = {"mlp": timed(mlp, x, y)}
x = rng.random((10_000, 28, 28, 1), dtype=np.float32)
y = rng.integers(0, 10, 10_000)
cnn = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, activation="relu"),
                        keras.layers.MaxPooling2D(), keras.layers.Conv2D(64, 3, activation="relu"),
                        keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dense(10)])
out["cnn"] = timed(cnn, x, y)
print(json.dumps(out))
'''

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF_PYTHON = os.path.join(ROOT, ".venv-compat", "bin", "python")


def run(python: str, which: str) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run([python, "-c", CODE, which], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def best(runs: list) -> dict:
    """Per model: the run with the fastest timed epoch."""
    return {name: min((r[name] for r in runs), key=lambda v: v[1]) for name in runs[0]}


def main() -> None:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    has_tf = os.path.exists(TF_PYTHON)
    ours_runs, theirs_runs = [], []
    for _ in range(rounds):
        ours_runs.append(run(sys.executable, "eagerflow"))
        if has_tf:
            theirs_runs.append(run(TF_PYTHON, "tf"))
    ours = best(ours_runs)
    theirs = best(theirs_runs) if has_tf else None
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"best of {rounds} alternating runs; load average {load}")
    print(f"{'one epoch of fit':34s} {'eagerflow':>10s} {'TF 2.21':>10s} {'ratio':>6s}   (first epoch: ef / TF)")
    for name, label in (("mlp", "MLP 20k x 64, Dense 256-256-10"), ("cnn", "CNN 10k x 28x28x1, Conv 32-64")):
        first, epoch, loss = ours[name]
        line = f"{label:34s} {epoch:9.2f}s"
        if theirs:
            tf_first, tf_epoch, tf_loss = theirs[name]
            line += f" {tf_epoch:9.2f}s {epoch / tf_epoch:6.2f}   ({first:.2f}s / {tf_first:.2f}s)"
        print(line)


if __name__ == "__main__":
    main()
