"""Where tf.data is parallel: `map(num_parallel_calls)` on a thread pool and `prefetch` from a
background thread. NumPy kernels release the GIL, so elements really overlap.

Stopping is clean: closing the consumer's generator cancels pending work and joins the
threads; an exception raised in a worker reaches the consumer unchanged (its TF class).
"""
from __future__ import annotations

import collections
import os
import queue
import threading
from typing import Any, Callable, Iterator

from eagerflow._src.data.dataset import DatasetV2, UnaryDataset
from eagerflow._src.data.options import AUTOTUNE


def _workers(n: int) -> int:
    return (os.cpu_count() or 1) if n == AUTOTUNE or n <= 0 else n


def parallel_map(inputs: Iterator, fn: Callable, num_parallel_calls: int, deterministic: bool) -> Iterator:
    """`fn` over `inputs` with up to `num_parallel_calls` calls in flight, in input order when
    `deterministic` (else as they finish)."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    width = _workers(num_parallel_calls)
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="tf_data_map")
    pending: collections.deque = collections.deque()
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < 2 * width:
                try:
                    element = next(inputs)
                except StopIteration:
                    exhausted = True
                    break
                pending.append(pool.submit(fn, element))
            if not pending:
                return
            if deterministic:
                future = pending.popleft()
            else:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                future = next(f for f in pending if f in done)
                pending.remove(future)
            yield future.result()
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True)
        inputs.close()


_END = object()


class PrefetchDataset(UnaryDataset):
    """`Dataset.prefetch`: a background thread keeps up to `buffer_size` elements ready."""

    _tf_name = "_PrefetchDataset"

    def __init__(self, input_dataset: DatasetV2, buffer_size: Any) -> None:
        super().__init__(input_dataset)
        self._size = int(buffer_size.numpy()) if hasattr(buffer_size, "numpy") else int(buffer_size)

    def _iterate(self) -> Iterator:
        if self._size == 0:
            yield from self._input._iterate()
            return
        size = 16 if self._size == AUTOTUNE else self._size
        buf: queue.Queue = queue.Queue(maxsize=size)
        stop = threading.Event()
        inputs = self._input._iterate()

        def produce() -> None:
            try:
                for element in inputs:
                    while not stop.is_set():
                        try:
                            buf.put((True, element), timeout=0.05)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                item: tuple = (True, _END)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                item = (False, exc)
            finally:
                if stop.is_set():
                    inputs.close()
            while not stop.is_set():
                try:
                    buf.put(item, timeout=0.05)
                    return
                except queue.Full:
                    continue

        thread = threading.Thread(target=produce, name="tf_data_prefetch", daemon=True)
        thread.start()
        try:
            while True:
                ok, value = buf.get()
                if not ok:
                    raise value
                if value is _END:
                    return
                yield value
        finally:
            stop.set()
            thread.join()
            inputs.close()
