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

import itertools
import os
import threading
from typing import Any, Callable

import numpy as np

# Measured on the 2-core development machine: below ~1M float32 elements (4 MB) the hand-off
# to the pool costs more than the second core saves.
THRESHOLD = 1 << 20
# Each task covers 2 MB of output: one transparent huge page, so the threads first-touch (page
# in) different pages of a fresh output in parallel instead of queueing on the same one. Tasks
# are taken in turn from a shared counter, so a thread that gets less CPU simply does fewer.
_TASK_BYTES = 1 << 21
_CHUNK = 1 << 17  # elements a kernel computes per call inside a task: cache-resident temporaries

_lock = threading.Lock()
_pool: Any = None
_size: int | None = None  # set_intra_op_parallelism_threads; None: the default


_CORES = os.cpu_count() or 1  # os.cpu_count() reads /sys at each call (6 us)


def _default_size() -> int:
    env = os.environ.get("EAGERFLOW_NUM_THREADS")
    if env:
        return max(1, int(env))
    return _CORES


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


def _parallel_chunks(work: Callable[[int, int], None], size: int, threads: int, itemsize: int,
                     address: int = 0) -> None:
    """`work(lo, hi)` over [0, size) in tasks of `_TASK_BYTES`, on `threads` threads (this one
    included). Returns when every task is done; the first failure is raised after that.
    `address`: where element 0 of the array being written lies; task boundaries then fall on
    2 MB boundaries of memory, so no two tasks share a huge page."""
    step = max(1, _TASK_BYTES // max(1, itemsize))
    first = (-address % _TASK_BYTES) // max(1, itemsize) or step  # the first task ends on a boundary
    tasks = itertools.count()  # next() is atomic: each task index is taken by one thread

    def run() -> None:
        for i in tasks:
            lo = first + (i - 1) * step if i else 0
            if lo >= size:
                return
            work(lo, min(lo + step if i else first, size))

    pool = _get_pool(threads)
    futures = [pool.submit(run) for _ in range(threads - 1)]
    try:
        run()
    finally:  # never return (or raise) while a helper still writes the output
        for f in futures:
            f.exception()
    for f in futures:
        f.result()


_local = threading.local()
_SCRATCH_KEPT = 1 << 24  # bytes: larger scratch arrays are allocated at each call


def scratch(slot: str, shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised array private to this thread, the same memory at each call with the same
    `slot`: a fresh multi-MiB temporary is fresh pages, and their page faults cost more than the
    computation that fills them. The caller must be done with it before its next call for `slot`
    (never return it)."""
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    dtype = np.dtype(dtype)
    nbytes = dtype.itemsize
    for d in shape:
        nbytes *= d
    if nbytes > _SCRATCH_KEPT:  # kept for good, so only task-sized buffers
        return np.empty(shape, dtype)
    buf = buffers.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = buffers[slot] = np.empty(nbytes, np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def zeros(dtype: Any, size: int) -> np.ndarray:
    """This thread's read-only zeros, `size` of them (kept and grown per dtype):
    `np.maximum(x, zeros)` is NumPy's SIMD loop where `np.maximum(x, 0)` (a scalar) is not."""
    cache = getattr(_local, "zeros", None)
    if cache is None:
        cache = _local.zeros = {}
    dtype = np.dtype(dtype)
    z = cache.get(dtype)
    if z is None or z.size < size:
        z = cache[dtype] = np.zeros(max(size, 1 << 16), dtype)
        z.flags.writeable = False
    return z[:size]


def map_chunks(work: Callable[[int, int], None], size: int, itemsize: int, address: int = 0,
               elements: int | None = None) -> None:
    """`work(lo, hi)` over [0, size): split over the pool's threads when the op has at least
    `THRESHOLD` elements (`elements`, else `size`), in tasks of 2 MB of `itemsize`-byte items (as
    `elementwise`); else one call."""
    threads = num_threads() if (size if elements is None else elements) >= THRESHOLD else 1
    if threads < 2:
        work(0, size)
    else:
        _parallel_chunks(work, size, threads, itemsize, address)


def _flat(array: Any) -> Any:
    return array.reshape(-1)


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def elementwise(kernel: Callable, ufunc: str | None = None) -> Callable:
    """`kernel(xp, *arrays, **attrs)` computed chunk-parallel when it is large, NumPy, and every
    input has the output's shape (no broadcasting) and is C-contiguous; else called as is.

    `ufunc` names the NumPy ufunc the kernel is (`"tanh"` for `xp.tanh(x)`), when it is exactly
    one ufunc call without attrs: the chunks then write straight into the output (`out=`)."""

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
        result = np.empty(shape, probe.dtype)  # owns its memory, as the one-call result would
        out = _flat(result)
        direct = getattr(np, ufunc) if ufunc is not None and not attrs else None

        if direct is not None:
            def work(lo: int, hi: int) -> None:
                direct(*(f[lo:hi] for f in flats), out=out[lo:hi])
        else:
            def work(lo: int, hi: int) -> None:
                for start in range(lo, hi, _CHUNK):
                    end = min(start + _CHUNK, hi)
                    out[start:end] = kernel(xp, *(f[start:end] for f in flats), **attrs)

        _parallel_chunks(work, first.size, threads, out.itemsize, _address(out))
        return result

    parallel_kernel.__wrapped__ = kernel  # type: ignore[attr-defined]
    return parallel_kernel


def copy(array: np.ndarray) -> np.ndarray:
    """`array.copy()` (C order), chunk-parallel when it is large and C-contiguous: each thread
    pages in and fills its own parts of the new array."""
    if array.size < THRESHOLD or not array.flags.c_contiguous or array.dtype.hasobject:
        return array.copy()
    threads = num_threads()
    if threads < 2:
        return array.copy()
    out = np.empty(array.shape, array.dtype)
    src, dst = _flat(array), _flat(out)

    def work(lo: int, hi: int) -> None:
        np.copyto(dst[lo:hi], src[lo:hi])

    _parallel_chunks(work, array.size, threads, array.itemsize, _address(out))
    return out


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

    _parallel_chunks(work, target.size, threads, target.itemsize, _address(target))
    return True
