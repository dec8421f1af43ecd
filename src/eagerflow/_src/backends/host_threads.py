"""Every core for large host work: elementwise kernels split over a thread pool.

NumPy's ufuncs release the GIL, so a large elementwise op, cast or in-place update computed
chunk by chunk on several threads runs on several cores. Each chunk is computed by the same
kernel on a slice of the same flat, C-contiguous arrays, so the result is bit-identical to the
single-threaded one whatever the pool size. Below `THRESHOLD` elements nothing changes: small
ops never touch the pool (the check is one comparison), and the pool itself is created on the
first large op.

The pool size is `EAGERFLOW_NUM_THREADS`, else TF's
`tf.config.threading.set_intra_op_parallelism_threads`, else the machine's core count.
"""
from __future__ import annotations

import os
import threading
from typing import Any, Callable

import numpy as np

# Measured on the 2-core development machine: below ~1M float32 elements (4 MB) the hand-off
# to the pool costs more than the second core saves.
THRESHOLD = 1 << 20
_CHUNK = 1 << 17  # elements per task: cache-resident temporaries, enough tasks to balance

_lock = threading.Lock()
_pool: Any = None
_size: int | None = None  # set_intra_op_parallelism_threads; None: the default


def _default_size() -> int:
    env = os.environ.get("EAGERFLOW_NUM_THREADS")
    if env:
        return max(1, int(env))
    return os.cpu_count() or 1


def num_threads() -> int:
    """The pool size large ops use (1: no pool)."""
    if os.environ.get("EAGERFLOW_NUM_THREADS"):
        return _default_size()
    return _size if _size else _default_size()


def set_num_threads(n: int) -> None:
    """TF's `set_intra_op_parallelism_threads` (0: the machine's default)."""
    global _size, _pool
    with _lock:
        _size = int(n) or None
        if _pool is not None:
            _pool.shutdown(wait=True)
            _pool = None


def get_num_threads_setting() -> int:
    """TF's `get_intra_op_parallelism_threads`: 0 when unset."""
    return _size or 0


def _get_pool(n: int) -> Any:
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers != n:
            from concurrent.futures import ThreadPoolExecutor

            if _pool is not None:
                _pool.shutdown(wait=True)
            _pool = ThreadPoolExecutor(n, thread_name_prefix="eagerflow-intra-op")
        return _pool


def _parallel_chunks(work: Callable[[int, int], None], size: int, threads: int) -> None:
    starts = range(0, size, _CHUNK)
    pool = _get_pool(threads)
    # Each thread takes an interleaved share of the chunks; the caller's thread does one share.
    shares = [starts[i::threads] for i in range(threads)]

    def run(share: range) -> None:
        for start in share:
            work(start, min(start + _CHUNK, size))

    futures = [pool.submit(run, share) for share in shares[1:]]
    run(shares[0])
    for f in futures:
        f.result()


def _flat(array: Any) -> Any:
    return array.reshape(-1)


def elementwise(kernel: Callable) -> Callable:
    """`kernel(xp, *arrays, **attrs)` computed chunk-parallel when it is large, NumPy, and every
    input has the output's shape (no broadcasting) and is C-contiguous; else called as is."""

    def parallel_kernel(xp: Any, *arrays: Any, **attrs: Any) -> Any:
        first = arrays[0]
        if first.size < THRESHOLD or xp is not np:
            return kernel(xp, *arrays, **attrs)
        threads = num_threads()
        shape = first.shape
        if threads < 2 or any(type(a) is not np.ndarray or a.shape != shape or not a.flags.c_contiguous
                              for a in arrays):
            return kernel(xp, *arrays, **attrs)
        flats = [_flat(a) for a in arrays]
        probe = kernel(xp, *(f[:1] for f in flats), **attrs)  # the output dtype, from one element
        if type(probe) is not np.ndarray or probe.shape != (1,):
            return kernel(xp, *arrays, **attrs)
        out = np.empty(first.size, probe.dtype)

        def work(lo: int, hi: int) -> None:
            out[lo:hi] = kernel(xp, *(f[lo:hi] for f in flats), **attrs)

        _parallel_chunks(work, first.size, threads)
        return out.reshape(shape)

    parallel_kernel.__wrapped__ = kernel  # type: ignore[attr-defined]
    return parallel_kernel


def update_in_place(ufunc: Any, target: np.ndarray, value: np.ndarray) -> bool:
    """`ufunc(target, value, out=target)` chunk-parallel; False when it does not apply."""
    if target.size < THRESHOLD or type(target) is not np.ndarray or type(value) is not np.ndarray \
            or value.shape != target.shape or not (target.flags.c_contiguous and value.flags.c_contiguous):
        return False
    threads = num_threads()
    if threads < 2:
        return False
    t, v = _flat(target), _flat(value)

    def work(lo: int, hi: int) -> None:
        ufunc(t[lo:hi], v[lo:hi], out=t[lo:hi])

    _parallel_chunks(work, target.size, threads)
    return True
