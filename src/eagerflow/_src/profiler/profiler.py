"""`tf.profiler.experimental`: a host profiler writing TF's `XSpace` profile files.

`start(logdir)` ... `stop()` (or `with Profile(logdir):`) records, per Python thread, every op
eagerflow runs: an eager op as TF's `EagerExecute` event (stat `eager_op`) around its kernel
event `"<op>:<op>"`; a `tf.function` call as an event named after the function, holding the
kernel event `"<node name>:<op type>"` of each op of its plan (a plan with timed kernels is
compiled for the profile and kept beside the plain one); `Trace(name, **stats)` annotations
(Keras's profiled batches, user code) as events with those stats. `stop(save=True)` writes
`<logdir>/plugins/profile/<YYYY_MM_DD_HH_MM_SS>/<host>.xplane.pb`, the file TF writes and
TensorBoard's profile plugin reads: a `/host:CPU` plane with one line per thread, and TF's
`Task Environment` plane with the profile's start and stop times.

While a profile runs, `flags.special` is raised: ops take `execute`'s general path, where the
timing is, and `tf.function` calls take the profiled plan. There are no device planes (no GPU
tracing) and no Python function tracer (`python_tracer_level` is recorded, not acted on).
Remote profiling (`client.trace`, `server.start`) needs TF's gRPC profiler service: not provided.
"""
from __future__ import annotations

import collections
import os
import socket
import threading
import time
from typing import Any

from eagerflow._src.framework import context, errors

_lock = threading.Lock()

ProfilerOptions = collections.namedtuple(
    "ProfilerOptions", ["host_tracer_level", "python_tracer_level", "device_tracer_level", "delay_ms"])
ProfilerOptions.__new__.__defaults__ = (2, 0, 1, None)
ProfilerOptions.__doc__ = """Options for `start`/`Profile` (TF's fields; eagerflow traces the host only)."""


class _Session:
    """The events of one profile: per thread, (name, display name, start ns, end ns, stats)."""

    def __init__(self, logdir: str, options: Any) -> None:
        self.logdir = logdir
        self.options = options if options is not None else ProfilerOptions()
        self.start_wall_ns = time.time_ns()
        self.start_ns = time.perf_counter_ns()
        self.stop_wall_ns = self.start_wall_ns
        self.lines: dict[int, tuple] = {}

    def add(self, name: str, display: str, t0: int, t1: int, stats: dict | None = None) -> None:
        ident = threading.get_ident()
        line = self.lines.get(ident)
        if line is None:
            thread = threading.current_thread()
            line = self.lines.setdefault(ident, (thread.name, threading.get_native_id(), []))
        line[2].append((name, display, t0, t1, stats))

    def xspace(self) -> Any:
        m = _messages()
        space = m["XSpace"](hostnames=[_hostname()])
        plane = space.planes.add(id=0, name="/host:CPU")
        event_ids: dict[tuple, int] = {}
        stat_ids: dict[str, int] = {}

        def stat_id(name: str) -> int:
            found = stat_ids.get(name)
            if found is None:
                found = stat_ids[name] = len(stat_ids) + 1
                plane.stat_metadata[found].id = found
                plane.stat_metadata[found].name = name
            return found

        for thread_name, native_id, events in self.lines.values():
            line = plane.lines.add(id=native_id, display_id=native_id, name=thread_name,
                                   display_name=thread_name, timestamp_ns=self.start_wall_ns)
            end = 0
            for name, display, t0, t1, stats in sorted(events, key=lambda e: (e[2], -e[3])):
                key = (name, display)
                metadata = event_ids.get(key)
                if metadata is None:
                    metadata = event_ids[key] = len(event_ids) + 1
                    plane.event_metadata[metadata].id = metadata
                    plane.event_metadata[metadata].name = name
                    plane.event_metadata[metadata].display_name = display
                event = line.events.add(metadata_id=metadata, offset_ps=(t0 - self.start_ns) * 1000,
                                        duration_ps=(t1 - t0) * 1000)
                for stat_name, value in (stats or {}).items():
                    stat = event.stats.add(metadata_id=stat_id(stat_name))
                    if isinstance(value, str):  # as TF: a string stat refers to a metadata entry of that name
                        stat.ref_value = stat_id(value)
                    else:
                        _set_stat(stat, value)
                end = max(end, t1 - self.start_ns)
            line.duration_ps = end * 1000
        environment = space.planes.add(id=1, name="Task Environment")
        for number, (name, value) in enumerate((("profile_start_time", self.start_wall_ns),
                                                ("profile_stop_time", self.stop_wall_ns)), start=1):
            environment.stat_metadata[number].id = number
            environment.stat_metadata[number].name = name
            environment.stats.add(metadata_id=number, uint64_value=value)
        return space


def _messages() -> dict:
    from eagerflow._src.profiler import xplane

    return xplane.messages()


def _hostname() -> str:
    return socket.gethostname() or "localhost"


def _set_stat(stat: Any, value: Any) -> None:
    if isinstance(value, bool):
        stat.int64_value = int(value)
    elif isinstance(value, int):
        stat.int64_value = value
    elif isinstance(value, float):
        stat.double_value = value
    elif isinstance(value, bytes):
        stat.bytes_value = value
    else:
        stat.str_value = str(value)


def start(logdir: str, options: Any = None) -> None:
    """Starts profiling the host into `logdir` (`tf.profiler.experimental.start`).

    Raises:
      AlreadyExistsError: a profile is already running.
    """
    with _lock:
        if context.profiler is not None:
            raise errors.AlreadyExistsError(None, None, "Another profiler is running.")
        context.profiler = _Session(os.fspath(logdir), options)
        context.add_special(1)


def stop(save: bool = True) -> None:
    """Stops the running profile; with `save`, writes its `.xplane.pb` file under the logdir
    given to `start` (`tf.profiler.experimental.stop`).

    Raises:
      UnavailableError: no profile is running.
    """
    with _lock:
        session = context.profiler
        if session is None:
            raise errors.UnavailableError(None, None, "Cannot export profiling results. No profiler is running.")
        context.profiler = None
        context.add_special(-1)
    session.stop_wall_ns = time.time_ns()
    if save:
        _save(session)


def _save(session: _Session) -> None:
    from eagerflow._src.io import gfile

    run = time.strftime("%Y_%m_%d_%H_%M_%S", time.localtime(session.start_wall_ns / 1e9))
    directory = "/".join([session.logdir.rstrip("/"), "plugins", "profile", run])
    gfile.makedirs(directory)
    with gfile.GFile(f"{directory}/{_hostname()}.xplane.pb", "wb") as f:
        f.write(session.xspace().SerializeToString())


class Profile:
    """`with tf.profiler.experimental.Profile(logdir):` profiles the block (start ... stop)."""

    def __init__(self, logdir: str, options: Any = None) -> None:
        self._logdir = logdir
        self._options = options

    def __enter__(self) -> "Profile":
        start(self._logdir, self._options)
        return self

    def __exit__(self, *exc: Any) -> None:
        stop()


class Trace:
    """`with tf.profiler.experimental.Trace(name, **stats):` an annotated span in the profile
    (recorded only while a profile runs; costs nearly nothing otherwise)."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        self._name = name
        self._stats = kwargs
        self._start: int | None = None

    def __enter__(self) -> "Trace":
        if context.profiler is not None:
            self._start = time.perf_counter_ns()
        return self

    def set_metadata(self, **kwargs: Any) -> None:
        """Adds stats to the span (recorded when it ends)."""
        self._stats.update(kwargs)

    def __exit__(self, *exc: Any) -> None:
        session = context.profiler
        if self._start is not None and session is not None:
            session.add(self._name, "", self._start, time.perf_counter_ns(), self._stats)
        self._start = None


def timed_kernel(kernel: Any, name: str, display: str) -> Any:
    """`kernel` recording a `name` event into the running profile at each call."""
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter_ns()
        try:
            return kernel(*args, **kwargs)
        finally:
            session = context.profiler
            if session is not None:
                session.add(name, display, t0, time.perf_counter_ns())
    return run
