"""Summary writers (`tf.summary.SummaryWriter`, `create_file_writer`, `create_noop_writer`) and
the per-thread summary state: the default writer, the default step, the recording condition.

A file writer appends TF's event records to `events.out.tfevents.<time>.<host>.<pid>.<uid>.v2`
in its log directory: TFRecord framing (io/tfrecord.py) of serialized `Event` protos, the first
one carrying `file_version: "brain.Event:2"`, as TF's C++ EventsWriter writes them. Events are
buffered and flushed after `max_queue` events, `flush_millis`, `flush()` or `close()`.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import socket
import threading
import time
from typing import Any, Iterator

_UIDS = itertools.count(1)


class _State(threading.local):
    def __init__(self) -> None:
        self.writer: SummaryWriter | None = None
        self.step: Any = None
        self.is_recording: Any = None  # None: record (when a writer is set)


state = _State()


class SummaryWriter:
    """Interface of a summary writer: `as_default`, `set_as_default`, `flush`, `close`, `init`."""

    def set_as_default(self, step: Any = None) -> None:
        """Makes this the default writer for this thread (and `step` the default step, if given)."""
        self._check_open()
        state.writer = self
        if step is not None:
            state.step = step

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator["SummaryWriter"]:
        """A context in which this is the default writer (and `step` the default step)."""
        self._check_open()
        old_writer, old_step = state.writer, state.step
        state.writer = self
        if step is not None:
            state.step = step
        try:
            yield self
        finally:
            self.flush()
            state.writer = old_writer
            if step is not None:
                state.step = old_step

    def init(self) -> None:
        """Initializes the writer (nothing to do eagerly)."""

    def flush(self) -> None:
        """Flushes buffered events to disk."""

    def close(self) -> None:
        """Flushes and closes the writer."""

    def _check_open(self) -> None:
        pass

    def _write_event(self, event: Any) -> None:
        pass


class _NoopSummaryWriter(SummaryWriter):
    """A writer that writes nothing (`tf.summary.create_noop_writer`): as TF's, it never
    becomes the default, so summaries inside its `as_default` record nothing."""

    def set_as_default(self, step: Any = None) -> None:
        pass

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator["SummaryWriter"]:
        yield self


class _ResourceSummaryWriter(SummaryWriter):
    """The event-file writer `tf.summary.create_file_writer` returns."""

    def __init__(self, logdir: str, max_queue: int, flush_millis: int, filename_suffix: str) -> None:
        from eagerflow._src.io import gfile

        self._logdir = logdir
        self._max_queue = max_queue
        self._flush_seconds = flush_millis / 1000.0
        gfile.makedirs(logdir)
        now = time.time()
        name = (f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}.{os.getpid()}."
                f"{next(_UIDS)}{filename_suffix}")
        self._path = os.path.join(logdir, name)
        self._records = None
        self._queue: list[bytes] = []
        self._last_flush = now
        self._closed = False
        from eagerflow._src.summary import event_protos

        first = event_protos.Event(wall_time=float(int(now)), file_version="brain.Event:2")
        first.source_metadata.writer = "tensorflow.core.util.events_writer"
        self._queue.append(first.SerializeToString())
        self.flush()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def _write_event(self, event: Any) -> None:
        self._check_open()
        self._queue.append(event.SerializeToString())
        if len(self._queue) >= self._max_queue or time.time() - self._last_flush >= self._flush_seconds:
            self.flush()

    def flush(self) -> None:
        if self._closed:
            return
        if self._records is None:
            from eagerflow._src.io.tfrecord import TFRecordWriter

            self._records = TFRecordWriter(self._path)
        for record in self._queue:
            self._records.write(record)
        self._queue.clear()
        self._records.flush()
        self._last_flush = time.time()

    def close(self) -> None:
        if self._closed:
            return
        self.flush()
        self._records.close()
        self._closed = True
        if state.writer is self:
            state.writer = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to report to
            pass


def create_file_writer(logdir: Any, max_queue: int | None = None, flush_millis: int | None = None,
                       filename_suffix: str | None = None, name: str | None = None,
                       experimental_trackable: bool = False, experimental_mesh: Any = None) -> SummaryWriter:
    """A summary writer to an event file in `logdir` (`tf.summary.create_file_writer`).

    Args:
      logdir: the directory (created if missing).
      max_queue: events buffered before a flush (default 10).
      flush_millis: longest time between flushes (default 120000).
      filename_suffix: appended to the event file's name (default ".v2").
    Returns:
      A `SummaryWriter`; a no-op writer when `logdir` is None.
    """
    if logdir is None:
        return _NoopSummaryWriter()
    if hasattr(logdir, "numpy"):
        logdir = logdir.numpy()
    if isinstance(logdir, bytes):
        logdir = logdir.decode()
    return _ResourceSummaryWriter(str(logdir), 10 if max_queue is None else int(max_queue),
                                  120000 if flush_millis is None else int(flush_millis),
                                  ".v2" if filename_suffix is None else str(filename_suffix))


def create_noop_writer() -> SummaryWriter:
    """A summary writer that does nothing (`tf.summary.create_noop_writer`)."""
    return _NoopSummaryWriter()
