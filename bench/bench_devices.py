"""Time what placement costs: a 100 MB copy between logical CPUs, and per-op overhead.

Run: ``.venv/bin/python bench/bench_devices.py`` (splits the CPU into two logical CPUs, so
run it as its own process).

Rows:
- a CPU:0 -> CPU:1 copy of 100 MB (``transfers.copy_array`` and ``tf.identity`` under a
  ``device('CPU:1')`` scope) next to ``numpy.copyto`` into a fresh buffer (what a copy to
  another device must do) and into a buffer already touched (a lower bound). Target: within
  1.2x of ``numpy.copyto`` into a fresh buffer.
- ``a + b`` on 2x2 float32: the fast path (no scope) against the placement path (inside
  ``device('CPU:0')``, logging off), alternated to share the machine's noise. Target: the
  placement path at most 10% slower.
"""

import time
import timeit

import numpy as np

import eagerflow as tf
from eagerflow._src.framework import devices, transfers

MB = 1 << 20
COPY_REPEATS = 15
OP_ROUNDS = 40
OP_NUMBER = 20000


def best_of(fn, repeats: int = COPY_REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_copy() -> None:
    source = np.random.default_rng(0).random(100 * MB // 8)  # 100 MB of float64
    cpu0, cpu1 = devices.find("CPU", 0), devices.find("CPU", 1)
    warm = np.empty_like(source)

    def copyto_fresh():
        np.copyto(np.empty_like(source), source)

    rows = {
        "numpy.copyto, fresh buffer": copyto_fresh,
        "numpy.copyto, touched buffer": lambda: np.copyto(warm, source),
        "transfers.copy_array CPU:0->CPU:1": lambda: transfers.copy_array(source, cpu0, cpu1),
    }
    tensor = tf.constant(source)
    with tf.device("CPU:1"):
        rows["tf.identity under device('CPU:1')"] = lambda: tf.identity(tensor)
        times = {name: best_of(fn) for name, fn in rows.items()}
    base = times["numpy.copyto, fresh buffer"]
    print(f"100 MB copy (best of {COPY_REPEATS})")
    for name, t in times.items():
        print(f"  {name:38s} {t * 1e3:7.2f} ms  {100 / t / 1024:6.2f} GB/s  {t / base:5.2f}x")


def bench_op_overhead() -> None:
    a = tf.constant(np.ones((2, 2), np.float32))
    b = tf.constant(np.ones((2, 2), np.float32))
    fast, placed = [], []
    for _ in range(OP_ROUNDS):
        fast.append(timeit.timeit(lambda: a + b, number=OP_NUMBER))
        with tf.device("CPU:0"):
            placed.append(timeit.timeit(lambda: a + b, number=OP_NUMBER))
    f, p = min(fast) / OP_NUMBER, min(placed) / OP_NUMBER
    x = a._array
    raw = min(timeit.repeat(lambda: np.add(x, x), number=OP_NUMBER, repeat=OP_ROUNDS)) / OP_NUMBER
    print(f"a + b, 2x2 float32 (best of {OP_ROUNDS} x {OP_NUMBER})")
    print(f"  {'numpy.add':38s} {raw * 1e9:7.0f} ns")
    print(f"  {'fast path (no scope)':38s} {f * 1e9:7.0f} ns")
    print(f"  {'placement path (device scope)':38s} {p * 1e9:7.0f} ns  {(p / f - 1) * 100:+5.1f}%")


def main() -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    bench_copy()
    bench_op_overhead()


if __name__ == "__main__":
    main()
