"""Checkpoint throughput: 1 GiB in 100 float32 variables through Checkpoint.write/read,
next to raw file write/read of the same bytes and TensorFlow's own (when importable).

    .venv/bin/python bench/bench_checkpoint.py [--mib 1024] [--dir /tmp]

Target: Checkpoint at least 0.8x raw, and no slower than TensorFlow.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

import numpy as np


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    import eagerflow as ef
    from eagerflow import train

    per = args.mib * (1 << 20) // args.count // 4
    arrays = [np.random.default_rng(i).standard_normal(per, dtype=np.float32) for i in range(args.count)]
    total = sum(a.nbytes for a in arrays) / 1e9
    directory = tempfile.mkdtemp(dir=args.dir)
    rows = []
    try:
        raw = os.path.join(directory, "raw.bin")

        def raw_write():
            with open(raw, "wb") as f:
                for a in arrays:
                    f.write(a.data)
                f.flush()
                os.fsync(f.fileno())

        def raw_read():
            with open(raw, "rb", buffering=0) as f:
                for a in arrays:
                    f.readinto(np.empty_like(a))

        rows.append(("raw write+fsync", _best(raw_write, args.repeat)))
        rows.append(("raw read", _best(raw_read, args.repeat)))

        variables = [ef.Variable(a) for a in arrays]
        checkpoint = train.Checkpoint(vs=variables)
        prefix = os.path.join(directory, "ef")
        rows.append(("eagerflow Checkpoint.write", _best(lambda: checkpoint.write(prefix), args.repeat)))
        rows.append(("eagerflow Checkpoint.read", _best(lambda: checkpoint.read(prefix), args.repeat)))
        del variables, checkpoint

        try:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            import tensorflow as tf
        except ImportError:
            tf = None
        if tf is not None:
            tf_vars = [tf.Variable(a) for a in arrays]
            tf_ckpt = tf.train.Checkpoint(vs=tf_vars)
            tf_prefix = os.path.join(directory, "tf")
            rows.append(("tensorflow Checkpoint.write", _best(lambda: tf_ckpt.write(tf_prefix), args.repeat)))
            rows.append(("tensorflow Checkpoint.read", _best(lambda: tf_ckpt.read(tf_prefix), args.repeat)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    print(f"{total:.2f} GB in {args.count} float32 variables, best of {args.repeat}")
    speeds = {}
    for name, seconds in rows:
        speeds[name] = total / seconds
        print(f"  {name:30s} {seconds:7.3f} s  {total / seconds:6.2f} GB/s")
    print(f"  write / raw: {speeds['eagerflow Checkpoint.write'] / speeds['raw write+fsync']:.2f}   "
          f"read / raw: {speeds['eagerflow Checkpoint.read'] / speeds['raw read']:.2f}")


if __name__ == "__main__":
    main()
