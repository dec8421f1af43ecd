"""tf.ragged, tf.sparse and tf.strings: eagerflow next to TensorFlow 2.21, from one run.

    .venv-compat/bin/python bench/bench_ragged_strings.py

Each ratio is eagerflow's time over TF's, both measured in this one process (best of 7).
"""
from __future__ import annotations

import os
import timeit

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def best(fn, number: int = 5, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    import eagerflow as ef
    import tensorflow as tf

    rng = np.random.default_rng(0)
    words = [b"alpha", b"beta", b"gamma", b"delta", b"epsilon"]
    sentences = [b" ".join(rng.choice(words, size=int(n))) for n in rng.integers(1, 20, size=10_000)]
    lengths = rng.integers(0, 50, size=2_000)
    values = rng.standard_normal(int(lengths.sum())).astype(np.float32)
    dense = rng.standard_normal((1_000, 1_000)).astype(np.float32)
    dense[rng.random(dense.shape) < 0.99] = 0
    rhs = rng.standard_normal((1_000, 64)).astype(np.float32)

    cases = []
    for name, make in (
        ("strings.split, 10k sentences", lambda m: (lambda s=m.constant(sentences): m.strings.split(s))),
        ("strings.lower + regex_replace, 10k", lambda m: (
            lambda s=m.constant(sentences): m.strings.regex_replace(m.strings.lower(s), "a+", "a"))),
        ("RaggedTensor.from_row_lengths + to_tensor, 2k rows", lambda m: (
            lambda v=m.constant(values), n=m.constant(lengths): m.RaggedTensor.from_row_lengths(v, n).to_tensor())),
        ("reduce_sum(ragged, axis=1), 2k rows", lambda m: (
            lambda r=m.RaggedTensor.from_row_lengths(m.constant(values), m.constant(lengths)):
            m.reduce_sum(r, axis=1))),
        ("ragged * 2 + 1, 2k rows", lambda m: (
            lambda r=m.RaggedTensor.from_row_lengths(m.constant(values), m.constant(lengths)): r * 2.0 + 1.0)),
        ("tf.function: split + to_tensor(shape=[None, 8]), 10k", lambda m: (
            lambda s=m.constant(sentences), f=m.function(
                lambda x: m.strings.split(x).to_tensor(default_value="", shape=[None, 8]),
                input_signature=[m.TensorSpec([None], m.string)]): f(s))),
        ("tf.function: reduce_mean(ragged arg, axis=1), 2k rows", lambda m: (
            lambda r=m.RaggedTensor.from_row_lengths(m.constant(values), m.constant(lengths)), f=m.function(
                lambda x: m.reduce_mean(x, axis=1),
                input_signature=[m.RaggedTensorSpec([None, None], m.float32)]): f(r))),
        ("sparse.from_dense + sparse_dense_matmul, 1k x 1k, 1%", lambda m: (
            lambda d=m.constant(dense), b=m.constant(rhs): m.sparse.sparse_dense_matmul(m.sparse.from_dense(d), b))),
    ):
        ours, theirs = best(make(ef)), best(make(tf))
        cases.append((name, ours, theirs))
    width = max(len(c[0]) for c in cases)
    print(f"{'case':<{width}}  eagerflow ms  TF ms  ratio")
    for name, ours, theirs in cases:
        print(f"{name:<{width}}  {ours * 1e3:12.3f}  {theirs * 1e3:6.3f}  {ours / theirs:5.2f}x")


if __name__ == "__main__":
    main()
