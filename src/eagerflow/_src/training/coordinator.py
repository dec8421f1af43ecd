"""`tf.train.Coordinator`: lets threads ask each other to stop and re-raises the first error."""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from typing import Any, Iterable, Iterator


class Coordinator:
    """A stop flag shared by threads, the first exception reported through `request_stop`, and
    `join`, which waits for the threads and re-raises that exception (`tf.train.Coordinator`).

    Args:
      clean_stop_exception_types: exceptions that stop the threads without being an error
        (default: `tf.errors.OutOfRangeError`).
    """

    def __init__(self, clean_stop_exception_types: Iterable[type] | None = None) -> None:
        if clean_stop_exception_types is None:
            from eagerflow._src.framework import errors

            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise: Any = None
        self._joined = False
        self._registered_threads: set = set()

    def _filter_exception(self, ex: Any) -> Any:
        error = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(error, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex: Any = None) -> None:
        """Asks the threads to stop; `ex` (an exception or `sys.exc_info()` tuple), if it is the
        first error reported, is re-raised by `join`."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined and ex is not None:
                raise ex[1] if isinstance(ex, tuple) else ex
            if ex is not None and self._exc_info_to_raise is None:
                if isinstance(ex, tuple):
                    self._exc_info_to_raise = ex
                else:
                    self._exc_info_to_raise = (type(ex), ex, ex.__traceback__)
            self._stop_event.set()

    def clear_stop(self) -> None:
        """Clears the stop flag and the recorded exception, so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        """Whether a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self) -> Iterator[None]:
        """A context that reports any exception raised inside it through `request_stop`."""
        try:
            yield
        except Exception:  # noqa: BLE001 - handed to request_stop, re-raised by join
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout: float | None = None) -> bool:
        """Waits until a stop is requested or `timeout` seconds pass; returns whether one was."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread: threading.Thread) -> None:
        """Adds `thread` to those `join` waits for."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads: Iterable[threading.Thread] | None = None, stop_grace_period_secs: float = 120,
             ignore_live_threads: bool = False) -> None:
        """Waits for the threads (and the registered ones) to finish once a stop is requested;
        re-raises the first reported exception.

        Raises:
          RuntimeError: threads still run `stop_grace_period_secs` after the stop request.
        """
        with self._lock:
            threads = set(threads or ()) | self._registered_threads
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.time() + stop_grace_period_secs
        for thread in threads:
            thread.join(max(0.0, deadline - time.time()))
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise is not None:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])
            if stragglers and not ignore_live_threads:
                raise RuntimeError(f"Coordinator stopped with threads still running: {' '.join(stragglers)}")

    @property
    def joined(self) -> bool:
        """Whether `join` has run."""
        return self._joined

    def raise_requested_exception(self) -> None:
        """Raises the exception reported through `request_stop`, if any."""
        with self._lock:
            if self._exc_info_to_raise is not None:
                raise self._exc_info_to_raise[1].with_traceback(self._exc_info_to_raise[2])
