"""Forward-mode autodiff benchmark: `tf.autodiff.ForwardAccumulator` JVPs of a small MLP loss
(two MatMuls, ReLU, softmax, power, sum) with respect to a 64x64 kernel, and a forward-over-backward
Hessian-vector product, next to TensorFlow 2.21 (run in a subprocess from .venv-compat). Prints
per-call times from one run and the ratio eagerflow / TF.

    .venv/bin/python bench/bench_forwardprop.py
"""
import json
import os
import subprocess
import sys
import time

PROGRAM = r'''
import time
import numpy as np

def bench(tf):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.random((32, 64), dtype=np.float32))
    w1 = tf.Variable(rng.random((64, 64), dtype=np.float32))
    w2 = tf.Variable(rng.random((64, 10), dtype=np.float32))
    tangent = tf.constant(rng.random((64, 64), dtype=np.float32))

    def loss():
        h = tf.nn.relu(tf.matmul(x, w1))
        return tf.reduce_sum(tf.nn.softmax(tf.matmul(h, w2)) ** 2.0)

    def jvp():
        with tf.autodiff.ForwardAccumulator(w1, tangent) as acc:
            y = loss()
        return acc.jvp(y)

    def hvp():
        with tf.autodiff.ForwardAccumulator(w1, tangent) as acc:
            with tf.GradientTape() as tape:
                y = loss()
            g = tape.gradient(y, w1)
        return acc.jvp(g)

    out = {}
    for name, fn in (("plain forward", loss), ("jvp", jvp), ("hvp (fwd-over-bwd)", hvp)):
        fn()
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(20):
                fn()
            best = min(best, (time.perf_counter() - start) / 20)
        out[name] = best
    return out
'''


def main() -> None:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import eagerflow

    namespace: dict = {}
    exec(PROGRAM, namespace)  # noqa: S102 - the fixed program above
    ours = namespace["bench"](eagerflow)
    tf_python = os.path.join(os.path.dirname(__file__), "..", ".venv-compat", "bin", "python")
    code = PROGRAM + "\nimport json, tensorflow as tf\nprint(json.dumps(bench(tf)))\n"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run([tf_python, "-c", code], capture_output=True, text=True, env=env)
    theirs = json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else {}
    print(f"{'':22s} {'eagerflow':>12s} {'TF 2.21':>12s} {'ratio':>7s}")
    for name, t in ours.items():
        other = theirs.get(name)
        ratio = f"{t / other:7.2f}" if other else "      -"
        other_text = f"{other * 1e3:9.3f} ms" if other else "           -"
        print(f"{name:22s} {t * 1e3:9.3f} ms {other_text} {ratio}")


if __name__ == "__main__":
    main()
