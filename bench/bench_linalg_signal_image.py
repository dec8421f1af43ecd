"""tf.linalg, tf.signal and tf.image ops, eagerflow vs TensorFlow 2.21, from one run.

Run: ``.venv/bin/python bench/bench_linalg_signal_image.py`` (TensorFlow runs from
``.venv-compat`` in a subprocess on the same shapes). Best of REPEATS after a warm-up, in ms;
both run in fresh processes, alternating, ROUNDS rounds, best round kept. The ratio is
eagerflow's time over TensorFlow's (below 1: eagerflow faster).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

REPEATS = 5
ROUNDS = 2

# Runs unchanged with `tf` bound to eagerflow or to TensorFlow; prints JSON timings in ms.
SCRIPT = r"""
import json, time
import numpy as np
import {module} as tf

rng = np.random.default_rng(0)
images = tf.constant(rng.uniform(size=(32, 64, 64, 3)).astype(np.float32))
spd = rng.standard_normal((64, 32, 32))
spd = tf.constant(spd @ np.swapaxes(spd, -1, -2) + 32 * np.eye(32))
mats = tf.constant(rng.standard_normal((64, 32, 16)))
signal = tf.constant(rng.standard_normal((16, 16000)).astype(np.float32))


def resize_grad():
    with tf.GradientTape() as tape:
        tape.watch(images)
        y = tf.reduce_sum(tf.image.resize(images, (128, 128)))
    return tape.gradient(y, images)


def cholesky_grad():
    with tf.GradientTape() as tape:
        tape.watch(spd)
        y = tf.reduce_sum(tf.linalg.cholesky(spd))
    return tape.gradient(y, spd)


CASES = {{
    "resize bilinear 32x64x64x3 -> 128x128": lambda: tf.image.resize(images, (128, 128)),
    "resize bilinear fwd+bwd": resize_grad,
    "resize lanczos3 antialias -> 32x32": lambda: tf.image.resize(images, (32, 32), "lanczos3", antialias=True),
    "resize bicubic -> 96x96": lambda: tf.image.resize(images, (96, 96), "bicubic"),
    "adjust_hue": lambda: tf.image.adjust_hue(images, 0.1),
    "ssim 32x64x64x3": lambda: tf.image.ssim(images, images * 0.9, 1.0),
    "cholesky 64x32x32": lambda: tf.linalg.cholesky(spd),
    "cholesky fwd+bwd": cholesky_grad,
    "svd 64x32x16": lambda: tf.linalg.svd(mats),
    "qr 64x32x16": lambda: tf.linalg.qr(mats),
    "eigh 64x32x32": lambda: tf.linalg.eigh(spd),
    "rfft 16x16000": lambda: tf.signal.rfft(signal),
    "stft 16x16000 (512, 128)": lambda: tf.signal.stft(signal, 512, 128),
    "dct 16x16000 -> 32 per row": lambda: tf.signal.dct(tf.reshape(signal, (-1, 32))),
}}

out = {{}}
for name, fn in CASES.items():
    r = fn()
    best = float("inf")
    for _ in range({repeats}):
        t0 = time.perf_counter()
        r = fn()
        (r[0] if isinstance(r, (list, tuple)) else r).numpy()
        best = min(best, time.perf_counter() - t0)
    out[name] = best * 1e3
print(json.dumps(out))
"""


def _run(python, module):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    code = SCRIPT.format(module=module, repeats=REPEATS)
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    root = Path(__file__).resolve().parent.parent
    ours, theirs = {}, {}
    for _ in range(ROUNDS):
        for store, python, module in ((ours, sys.executable, "eagerflow"),
                                      (theirs, str(root / ".venv-compat/bin/python"), "tensorflow")):
            for name, ms in _run(python, module).items():
                store[name] = min(store.get(name, float("inf")), ms)
    print(f"{'case':42s} {'eagerflow ms':>13s} {'TF ms':>9s} {'ratio':>7s}")
    for name in ours:
        print(f"{name:42s} {ours[name]:13.2f} {theirs[name]:9.2f} {ours[name] / theirs[name]:7.2f}")


if __name__ == "__main__":
    main()
