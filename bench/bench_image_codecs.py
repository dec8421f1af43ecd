"""Decode/encode one image, eagerflow vs TF (TF in a .venv-compat subprocess).

    .venv/bin/python bench/bench_image_codecs.py [--size 256] [--tf-python PATH]

Files: a TF-encoded JPEG (quality 90, 4:2:0, photo-like content), the same pixels as a
TF/libpng PNG (adaptive filters, so Paeth/Average rows occur) and as our own PNG. Prints ms per
image (best of N) and the ratio eagerflow / TF from one run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

TF_SCRIPT = r"""
import json, sys, time, numpy as np, tensorflow as tf
d = sys.argv[1]; size = int(sys.argv[2])
y, x = np.mgrid[0:size, 0:size]
rng = np.random.default_rng(0)
img = np.clip(np.stack([x + 40 * np.sin(y / 9 + k) for k in range(3)], -1) * 255 / size
              + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
jpeg = tf.io.encode_jpeg(img, quality=90).numpy(); png = tf.io.encode_png(img).numpy()
open(d + "/a.jpg", "wb").write(jpeg); open(d + "/a.png", "wb").write(png); np.save(d + "/a.npy", img)
def best(fn, n=20):
    fn(); t = []
    for _ in range(n):
        s = time.perf_counter(); fn(); t.append(time.perf_counter() - s)
    return min(t) * 1e3
print(json.dumps({"decode_jpeg": best(lambda: tf.io.decode_jpeg(jpeg)),
                  "decode_png": best(lambda: tf.io.decode_png(png)),
                  "encode_png": best(lambda: tf.io.encode_png(img))}))
"""


def best(fn, n: int = 5) -> float:
    fn()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=256)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--tf-python", default=os.path.join(here, ".venv-compat", "bin", "python"))
    args = parser.parse_args()
    import eagerflow as tf

    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        out = subprocess.run([args.tf_python, "-c", TF_SCRIPT, d, str(args.size)], capture_output=True,
                             text=True, env=env, check=True).stdout
        theirs = json.loads(out.strip().splitlines()[-1])
        jpeg = open(os.path.join(d, "a.jpg"), "rb").read()
        png = open(os.path.join(d, "a.png"), "rb").read()
        img = np.load(os.path.join(d, "a.npy"))
    ours_png = tf.io.encode_png(img).numpy()
    ours = {"decode_jpeg": best(lambda: tf.io.decode_jpeg(jpeg)),
            "decode_png": best(lambda: tf.io.decode_png(png)),
            "encode_png": best(lambda: tf.io.encode_png(img))}
    own = best(lambda: tf.io.decode_png(ours_png))
    print(f"{args.size}x{args.size}x3 image, ms per image (best of runs)")
    for name, ms in ours.items():
        print(f"  {name:12s} eagerflow {ms:8.2f}   TF {theirs[name]:7.2f}   ratio {ms / theirs[name]:7.1f}x")
    print(f"  decode_png of our own (unfiltered) PNG: {own:.2f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
