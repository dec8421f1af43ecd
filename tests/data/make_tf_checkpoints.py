"""Writes the TensorFlow-made checkpoint fixtures in tests/data/tf_checkpoints/.

Run with the reference TensorFlow:

    TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tests/data/make_tf_checkpoints.py

The values are defined by the NumPy-only functions below, which the tests import too
(this module imports TensorFlow only inside `main`).

Fixtures:
  module/ckpt       tf.train.Checkpoint(model=<module with one variable per dtype>).write
  multi/ckpt        tf.train.Checkpoint of an optimizer-free two-layer model (nested modules)
  savev2/ckpt       tf.raw_ops.SaveV2 of `savev2_tensors()` (byte-equality reference)
  sharded/ckpt      tf.train.Checkpoint written in several shards (MaxShardSizePolicy)
"""
from __future__ import annotations

import os
import sys

import ml_dtypes
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tf_checkpoints")


def module_variables() -> dict[str, np.ndarray]:
    """Attribute name -> value of the per-dtype module (`model.<name>`)."""
    return {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
        "f64": np.array([1.5, -2.25, np.pi]),
        "i32": np.array([[1, -2], [3, 2**31 - 1]], dtype=np.int32),
        "i64": np.array(-(2**40), dtype=np.int64),
        "flag": np.array([True, False, True]),
        "bf16": np.array([1.0, -0.5, 3.140625], dtype=ml_dtypes.bfloat16),
        "c64": np.array([1 + 2j, -3.5j], dtype=np.complex64),
        "text": np.array(b"hello checkpoint", dtype=object),
    }


def multi_variables() -> dict[str, np.ndarray]:
    """`layer{i}.w` / `layer{i}.b` of the optimizer-free two-layer model."""
    rng = np.random.default_rng(7)
    return {
        "layer0/w": rng.standard_normal((4, 8)).astype(np.float32),
        "layer0/b": np.zeros(8, dtype=np.float32),
        "layer1/w": rng.standard_normal((8, 2)).astype(np.float32),
        "layer1/b": np.full(2, 0.5, dtype=np.float32),
    }


def savev2_tensors() -> dict[str, np.ndarray]:
    """Tensors saved by SaveV2: every dtype, odd shapes, strings, > 16 keys (restarts)."""
    tensors = {
        "a/float16": np.array([0.5, -1.0, 65504.0], dtype=np.float16),
        "a/float32": np.linspace(-1, 1, 7, dtype=np.float32),
        "a/float64": np.array([[1e300, -1e-300]]),
        "a/bfloat16": np.array([[1.0, 2.0], [-3.0, 0.0078125]], dtype=ml_dtypes.bfloat16),
        "b/int8": np.array([-128, 0, 127], dtype=np.int8),
        "b/int16": np.array([-32768, 32767], dtype=np.int16),
        "b/int32": np.arange(-5, 5, dtype=np.int32).reshape(2, 5),
        "b/int64": np.array([2**62, -(2**62)], dtype=np.int64),
        "b/uint8": np.arange(250, 256, dtype=np.uint8),
        "b/uint16": np.array([65535, 1], dtype=np.uint16),
        "b/uint32": np.array([2**32 - 1], dtype=np.uint32),
        "b/uint64": np.array([2**64 - 1, 3], dtype=np.uint64),
        "c/complex64": np.array([1 - 1j, 2.5 + 0j], dtype=np.complex64),
        "c/complex128": np.array([[1e200 + 1j]], dtype=np.complex128),
        "c/bool": np.array([[True], [False]]),
        "d/scalar": np.array(3.0, dtype=np.float32),
        "d/empty": np.zeros((0, 3), dtype=np.float32),
        "e/string_scalar": np.array(b"scalar", dtype=object),
        "e/strings": np.array([[b"", b"x"], [b"\x00\xff" * 3, b"y" * 200]], dtype=object),
        "e/empty_strings": np.empty((2, 0), dtype=object),
    }
    for i in range(24):  # Long shared prefixes across several restart points.
        tensors[f"layer_with_a_long_name/sub_{i:03d}/.ATTRIBUTES/VARIABLE_VALUE"] = np.full((i % 3 + 1,), i, np.int32)
    return tensors


def float8_tensors() -> dict[str, np.ndarray]:
    """8-bit float tensors (used by the differential tests, not stored as fixtures)."""
    return {
        "f8/e4m3fn": np.array([0.5, -448.0], dtype=ml_dtypes.float8_e4m3fn),
        "f8/e5m2": np.array([[2.0, -0.25]], dtype=ml_dtypes.float8_e5m2),
    }


def _save_module(tf, prefix: str) -> None:
    module = tf.Module()
    for name, value in module_variables().items():
        setattr(module, name, tf.Variable(value, dtype=tf.string if value.dtype == object else None))
    tf.train.Checkpoint(model=module).write(prefix)


def _two_layer_model(tf):
    model = tf.Module()
    values = multi_variables()
    for i in range(2):
        layer = tf.Module()
        layer.w = tf.Variable(values[f"layer{i}/w"])
        layer.b = tf.Variable(values[f"layer{i}/b"])
        setattr(model, f"layer{i}", layer)
    return model


def main() -> None:
    import tensorflow as tf

    os.makedirs(OUT, exist_ok=True)
    _save_module(tf, os.path.join(OUT, "module", "ckpt"))
    tf.train.Checkpoint(model=_two_layer_model(tf)).write(os.path.join(OUT, "multi", "ckpt"))

    tensors = savev2_tensors()
    names = list(tensors)
    tf.raw_ops.SaveV2(
        prefix=os.path.join(OUT, "savev2", "ckpt"), tensor_names=names, shape_and_slices=[""] * len(names),
        tensors=[tf.constant(tensors[n], dtype=tf.string) if tensors[n].dtype == object else tf.constant(tensors[n])
                 for n in names])

    options = tf.train.CheckpointOptions(
        experimental_sharding_callback=tf.train.experimental.MaxShardSizePolicy(max_shard_size=160))
    tf.train.Checkpoint(model=_two_layer_model(tf)).write(os.path.join(OUT, "sharded", "ckpt"), options=options)
    for root, _, files in os.walk(OUT):
        for name in sorted(files):
            path = os.path.join(root, name)
            print(os.path.relpath(path, OUT), os.path.getsize(path))


if __name__ == "__main__":
    sys.exit(main())
