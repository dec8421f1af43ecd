"""tf.data throughput, eagerflow next to TensorFlow 2.21 from one run.

1. One epoch of 50k rows of 32 floats through
   from_tensor_slices -> map(x * 2) -> shuffle(10_000) -> batch(256) -> prefetch(AUTOTUNE).
2. Reading ~100 MB of TFRecord Examples (an image-like bytes feature, 64 floats and a label)
   in batches of 256 parsed with parse_example.

Usage: .venv/bin/python bench/bench_data.py   (TF runs from .venv-compat in a subprocess)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

CODE = r'''
import json, os, sys, time
import numpy as np
if sys.argv[1] == "tf":
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf
else:
    import eagerflow as tf
path = sys.argv[2]
x = np.random.default_rng(0).random((50_000, 32), dtype=np.float32)

def pipeline():
    t = time.perf_counter()
    ds = (tf.data.Dataset.from_tensor_slices(x).map(lambda v: v * 2).shuffle(10_000, seed=1)
          .batch(256).prefetch(tf.data.AUTOTUNE))
    n = sum(1 for _ in ds)
    assert n == 196
    return time.perf_counter() - t

spec = {"image": tf.io.FixedLenFeature([], tf.string), "x": tf.io.FixedLenFeature([64], tf.float32),
        "label": tf.io.FixedLenFeature([], tf.int64)}

def records():
    t = time.perf_counter()
    n = 0
    for batch in tf.data.TFRecordDataset(path).batch(256):
        out = tf.io.parse_example(batch, spec)
        n += int(out["label"].shape[0])
    return time.perf_counter() - t, n

best = {"pipeline": min(pipeline() for _ in range(3))}
runs = [records() for _ in range(3)]
best["records"] = min(r[0] for r in runs)
best["records_n"] = runs[0][1]
print(json.dumps(best))
'''


def _write_records(path):
    import numpy as np
    import eagerflow as tf

    rng = np.random.default_rng(0)
    size = 0
    with tf.io.TFRecordWriter(path) as w:
        i = 0
        while size < 100 * 2**20:
            ex = tf.train.Example(features=tf.train.Features(feature={
                "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[rng.bytes(12_288)])),
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=rng.random(64).tolist())),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
            })).SerializeToString()
            w.write(ex)
            size += len(ex) + 16
            i += 1
    return size


def _run(which, python, path):
    out = subprocess.run([python, "-c", CODE, which, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    compat = os.path.join(root, ".venv-compat", "bin", "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "examples.tfrecord")
        size = _write_records(path)
        ours = _run("eagerflow", sys.executable, path)
        theirs = _run("tf", compat, path)
    mb = size / 2**20
    print(f"pipeline 50k x 32 (map, shuffle 10k, batch 256, prefetch): eagerflow {ours['pipeline']:.3f} s, "
          f"TF {theirs['pipeline']:.3f} s, ratio {ours['pipeline'] / theirs['pipeline']:.2f} (target <= 0.5)")
    print(f"TFRecord + parse_example, {mb:.0f} MB / {ours['records_n']} Examples: eagerflow "
          f"{mb / ours['records']:.0f} MB/s, TF {mb / theirs['records']:.0f} MB/s, throughput ratio "
          f"{theirs['records'] / ours['records']:.2f} (target >= 1)")


if __name__ == "__main__":
    main()
