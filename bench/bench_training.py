"""A training step on variables, eagerflow next to PyTorch's eager CPU step (issue #4's figures).

    python bench/bench_training.py

Step 1: y = reduce_sum(tanh(x @ W)); g = tape.gradient(y, W); W.assign_sub(0.01 * g)
        with x 32x64, W 64x64.
Step 2: a 3-layer MLP (784-256-256-10, relu, softmax cross-entropy) on a batch of 256.
PyTorch runs the same steps when installed (`pip install torch`); TF when importable.
"""
from __future__ import annotations

import importlib.util
import timeit

import numpy as np


def best(fn, number: int, repeat: int = 5) -> float:
    fn()  # warm up
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def eagerflow_steps(tf):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((32, 64)).astype(np.float32))
    w = tf.Variable(rng.standard_normal((64, 64)).astype(np.float32) * 0.1)

    def small():
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.tanh(x @ w))
        g = tape.gradient(y, w)
        w.assign_sub(0.01 * g)

    xb = tf.constant(rng.standard_normal((256, 784)).astype(np.float32))
    labels = tf.constant(rng.integers(0, 10, 256).astype(np.int32))
    sizes = [784, 256, 256, 10]
    params = []
    for i in range(3):
        params.append(tf.Variable(rng.standard_normal((sizes[i], sizes[i + 1])).astype(np.float32) * 0.05))
        params.append(tf.Variable(np.zeros(sizes[i + 1], np.float32)))

    def mlp():
        with tf.GradientTape() as tape:
            h = xb
            for i in range(3):
                h = h @ params[2 * i] + params[2 * i + 1]
                if i < 2:
                    h = tf.nn.relu(h)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=h))
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads):
            p.assign_sub(0.01 * g)

    return small, mlp


def torch_steps():
    import torch

    torch.set_num_threads(max(1, torch.get_num_threads()))
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((32, 64)).astype(np.float32))
    w = torch.tensor(rng.standard_normal((64, 64)).astype(np.float32) * 0.1, requires_grad=True)

    def small():
        y = torch.tanh(x @ w).sum()
        (g,) = torch.autograd.grad(y, [w])
        with torch.no_grad():
            w.sub_(0.01 * g)

    xb = torch.tensor(rng.standard_normal((256, 784)).astype(np.float32))
    labels = torch.tensor(rng.integers(0, 10, 256).astype(np.int64))
    sizes = [784, 256, 256, 10]
    params = []
    for i in range(3):
        params.append(torch.tensor(rng.standard_normal((sizes[i], sizes[i + 1])).astype(np.float32) * 0.05, requires_grad=True))
        params.append(torch.zeros(sizes[i + 1], requires_grad=True))

    def mlp():
        h = xb
        for i in range(3):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < 2:
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, labels)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(0.01 * g)

    return small, mlp


def main() -> None:
    import eagerflow

    rows = {"eagerflow": eagerflow_steps(eagerflow)}
    if importlib.util.find_spec("torch") is not None:
        rows["pytorch"] = torch_steps()
    if importlib.util.find_spec("tensorflow") is not None:
        import os

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow

        rows["tensorflow"] = eagerflow_steps(tensorflow)
    results = {name: (best(small, 300), best(mlp, 20)) for name, (small, mlp) in rows.items()}
    print(f"{'framework':12s} {'tanh(x@W) step':>16s} {'3-layer MLP step':>18s}")
    for name, (t_small, t_mlp) in results.items():
        print(f"{name:12s} {t_small:13.1f} us {t_mlp:15.1f} us")
    if "pytorch" in results:
        ef, pt = results["eagerflow"], results["pytorch"]
        print(f"eagerflow / pytorch: small step {ef[0] / pt[0]:.2f}x, MLP step {ef[1] / pt[1]:.2f}x (target <= 1.0)")


if __name__ == "__main__":
    main()
