"""Writes the TensorFlow-made tf.train fixtures in tests/data/tf_train_checkpoints/.

Run with the reference TensorFlow 2.21 (Keras 3):

    TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tests/data/make_tf_train_checkpoints.py

The object structures are built by `build(tf)` below, which the tests call with eagerflow
(`import eagerflow as tf`) to make the same objects. Every fixture directory also holds
`expected.npz`: each saved key (with "/" kept) -> the value TF's own reader returns.

Fixtures:
  adam/        Checkpoint(model=Model, optimizer=Adam).save after one training step
               (ckpt-1 and the `checkpoint` state file).
  sgd/         Checkpoint(model=Model, optimizer=SGD(momentum=0.9)).write("sgd/ckpt").
  structures/  Checkpoint of dicts, lists, tuples, a nested Checkpoint, names with "/" and
               ".", and one variable per dtype; write("structures/ckpt").
  manager/     CheckpointManager(max_to_keep=2) after three saves (ckpt-2, ckpt-3, state
               file with timestamps and last_preserved_timestamp).
"""
from __future__ import annotations

import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tf_train_checkpoints")


def build(tf, optimizer: str = "adam"):
    """The model and optimizer of the adam/sgd fixtures, made with `tf` (TF or eagerflow)."""

    class Dense(tf.Module):
        def __init__(self, n_in, n_out, seed, name=None):
            super().__init__(name=name)
            rng = np.random.default_rng(seed)
            self.w = tf.Variable(rng.standard_normal((n_in, n_out)).astype(np.float32), name="w")
            self.b = tf.Variable(np.zeros(n_out, np.float32), name="b")

        def __call__(self, x):
            return tf.matmul(x, self.w) + self.b

    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = [Dense(3, 4, 1), Dense(4, 2, 2)]
            self.scale = tf.Variable(1.5, name="scale")

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x * self.scale

    model = Model()
    if optimizer == "adam":
        opt = tf.keras.optimizers.Adam(0.1) if hasattr(tf, "keras") else tf.optimizers.Adam(0.1)
    else:
        opt = (tf.keras.optimizers.SGD(0.05, momentum=0.9) if hasattr(tf, "keras")
               else tf.optimizers.SGD(0.05, momentum=0.9))
    return model, opt


def train_step(tf, model, opt):
    x = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x) ** 2)
    variables = list(model.trainable_variables)
    opt.apply_gradients(zip(tape.gradient(loss, variables), variables))


def structure_values() -> dict[str, np.ndarray]:
    """Values of the structures fixture, by attribute."""
    import ml_dtypes

    return {
        "f16": np.array([0.5, -2.0], np.float16),
        "f64": np.array([[1e-300, 2.5]]),
        "bf16": np.array([1.0, -0.5], ml_dtypes.bfloat16),
        "i8": np.array([-128, 127], np.int8),
        "u16": np.array([65535], np.uint16),
        "i64": np.array(2**40, np.int64),
        "c64": np.array([1 - 2j], np.complex64),
        "flag": np.array([True, False]),
        "empty": np.zeros((0, 3), np.float32),
    }


def build_structures(tf):
    values = structure_values()
    inner = tf.train.Checkpoint(step=tf.Variable(7, dtype=tf.int64, name="step"))
    holder = tf.Module(name="holder")
    holder.table = {"a/b": tf.Variable(1.0, name="slash"), "x.y": tf.Variable(2.0, name="dot"),
                    "z": [tf.Variable(3.0, name="z0"), (tf.Variable(4.0, name="z1"),)]}
    holder.dtypes = {k: tf.Variable(v, name=k) for k, v in values.items()}
    holder.text = tf.Variable(b"bytes \x00 value", name="text")
    return tf.train.Checkpoint(inner=inner, holder=holder, listed=[tf.Variable([5.0, 6.0], name="l0")])


def _expected(tf, prefix: str) -> None:
    reader = tf.train.load_checkpoint(prefix)
    values = {key: np.asarray(reader.get_tensor(key)) for key in reader.get_variable_to_shape_map()}
    np.savez(os.path.join(os.path.dirname(prefix), "expected.npz"),
             **{key.replace("/", "|"): value for key, value in values.items() if value.dtype != object})


def main() -> None:
    import tensorflow as tf

    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)

    model, opt = build(tf, "adam")
    train_step(tf, model, opt)
    path = tf.train.Checkpoint(model=model, optimizer=opt).save(os.path.join(OUT, "adam", "ckpt"))
    _expected(tf, path)

    model, opt = build(tf, "sgd")
    train_step(tf, model, opt)
    path = tf.train.Checkpoint(model=model, optimizer=opt).write(os.path.join(OUT, "sgd", "ckpt"))
    _expected(tf, path)

    path = build_structures(tf).write(os.path.join(OUT, "structures", "ckpt"))
    _expected(tf, path)

    value = tf.Variable(np.zeros(3, np.float32), name="value")
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(value=value), os.path.join(OUT, "manager"),
                                         max_to_keep=2)
    for step in range(1, 4):
        value.assign(np.full(3, step, np.float32))
        manager.save()
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
