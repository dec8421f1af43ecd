"""The summary ops: `tf.summary.write` and the TensorBoard-plugin summaries TF 2 ships with
(`scalar`, `histogram`, `text`, `image`, `audio`), the recording condition, the default step.

Every summary is a tensor summary, as TF 2 writes them: `write` stores the tensor with a
`SummaryMetadata` naming the TensorBoard plugin (its `plugin_data`) and the data class, in one
`Event` per call. The write itself is an op (TF's `WriteSummary`) so traced functions write
at call time.
"""
from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from typing import Any, Iterator

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import inside_function as _inside_function
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.scopes import name_scope
from eagerflow._src.summary.writer import state

_INVALID_SCOPE_CHARACTERS = re.compile(r"[^-_/.A-Za-z0-9]")
_NO_STEP = ("No step set. Please specify one either through the `step` argument or through "
            "tf.summary.experimental.set_step()")


def _host(array: Any) -> np.ndarray:
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _write_summary(xp: Any, step: Any, tensor: Any, tag: str, metadata: bytes, datatype: int,
                   writer: Any) -> None:
    from eagerflow._src.summary import event_protos

    event = event_protos.Event(wall_time=time.time(), step=int(_host(step)))
    value = event.summary.value.add(tag=tag)
    value.tensor.CopyFrom(event_protos.tensor_proto(_host(tensor), datatype))
    if metadata:
        value.metadata.ParseFromString(metadata)
    writer._write_event(event)


def _write_raw(xp: Any, step: Any, serialized: Any, writer: Any) -> None:
    from eagerflow._src.summary import event_protos

    for raw in _host(serialized).ravel():
        event = event_protos.Event(wall_time=time.time(), step=int(_host(step)))
        event.summary.ParseFromString(raw)
        writer._write_event(event)


WRITE_SUMMARY = Op("WriteSummary", _write_summary, num_outputs=0, stateful=True)
WRITE_RAW_PROTO_SUMMARY = Op("WriteRawProtoSummary", _write_raw, num_outputs=0, stateful=True)


# --- recording state ------------------------------------------------------------------------------
def get_step() -> Any:
    """The default step (`tf.summary.experimental.get_step`), or None."""
    return state.step


def set_step(step: Any) -> None:
    """Sets the default step for summaries written without one (`tf.summary.experimental.set_step`)."""
    state.step = step


@contextlib.contextmanager
def record_if(condition: Any) -> Iterator[None]:
    """Summaries are recorded only where `condition` (a bool, a bool tensor or a callable
    returning one) holds (`tf.summary.record_if`)."""
    old = state.is_recording
    state.is_recording = condition
    try:
        yield
    finally:
        state.is_recording = old


def _recording() -> bool:
    if state.writer is None:
        return False
    condition = state.is_recording
    if condition is None:
        return True
    if callable(condition):
        condition = condition()
    return bool(condition)


def should_record_summaries() -> Any:
    """A scalar bool tensor: whether summaries are recorded here (`tf.summary.should_record_summaries`)."""
    return constant(_recording())


def flush(writer: Any = None, name: str | None = None) -> None:
    """Flushes `writer` (default: the default writer) (`tf.summary.flush`)."""
    writer = writer if writer is not None else state.writer
    if writer is not None:
        writer.flush()


@contextlib.contextmanager
def summary_scope(name: str | None, default_name: str = "summary", values: Any = None) -> Iterator[tuple]:
    """A name scope for a summary op, yielding `(tag, scope)`: the tag is the name under the
    enclosing name scopes, not uniquified (`tf.summary.experimental.summary_scope`)."""
    name = name or default_name
    current = context.thread.name_scope.rstrip("/")
    tag = f"{current}/{name}" if current else name
    scope_name = _INVALID_SCOPE_CHARACTERS.sub("", name) or default_name
    with name_scope(scope_name) as scope:
        yield tag, scope


# --- writing --------------------------------------------------------------------------------------
def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None, name: str | None = None) -> Any:
    """Writes `tensor` under `tag` to the default writer, if any (`tf.summary.write`).

    Args:
      tag: the summary's tag.
      tensor: the data, or a callable returning it (called only when recording).
      step: int64-castable step; default `tf.summary.experimental.get_step()`.
      metadata: a `SummaryMetadata` proto or its serialized bytes.
    Returns:
      A scalar bool tensor: True when written, False when nothing was recorded.
    Raises:
      ValueError: a writer is set, but no step was given and none is set.
    """
    if state.writer is None:
        return constant(False)
    if step is None:
        step = state.step
    if metadata is None:
        serialized = b""
    elif hasattr(metadata, "SerializeToString"):
        serialized = metadata.SerializeToString()
    else:
        serialized = bytes(metadata)
    if not _recording():
        return constant(False)
    if step is None:
        raise ValueError(_NO_STEP)
    value = tensor() if callable(tensor) else tensor
    value = convert_to_tensor(value)
    step_tensor = convert_to_tensor(step, _dtypes.int64)
    execute(WRITE_SUMMARY, (step_tensor, value), {
        "tag": str(tag), "metadata": serialized, "datatype": value.dtype.as_datatype_enum,
        "writer": state.writer})
    return constant(True)


def write_raw_pb(tensor: Any, step: Any = None, name: str | None = None) -> Any:
    """Writes serialized `Summary` protos as they are (`tf.summary.experimental.write_raw_pb`)."""
    if state.writer is None:
        return constant(False)
    if step is None:
        step = state.step
    if not _recording():
        return constant(False)
    if step is None:
        raise ValueError(_NO_STEP)
    execute(WRITE_RAW_PROTO_SUMMARY, (convert_to_tensor(step, _dtypes.int64),
                                      convert_to_tensor(tensor, _dtypes.string)), {"writer": state.writer})
    return constant(True)


def _metadata(plugin: str, data_class: int, description: str | None, content: bytes = b"") -> Any:
    from eagerflow._src.summary import event_protos

    metadata = event_protos.SummaryMetadata(summary_description=description or "", data_class=data_class)
    metadata.plugin_data.plugin_name = plugin
    metadata.plugin_data.content = content
    return metadata


def scalar(name: str, data: Any, step: Any = None, description: str | None = None) -> Any:
    """Writes a scalar summary, as a float32 tensor for TensorBoard's "scalars" plugin."""
    from eagerflow._src.ops.math_ops import cast
    from eagerflow._src.summary import event_protos

    with summary_scope(name, "scalar_summary", values=[data, step]) as (tag, _):
        data = convert_to_tensor(data)
        if data.shape.rank != 0:
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(
                None, None, f"Expected scalar shape for tensor, got shape: {data.shape}.")
        return write(tag, lambda: cast(data, _dtypes.float32), step,
                     _metadata("scalars", event_protos.DATA_CLASS_SCALAR, description))


def _histogram_buckets(data: np.ndarray, bucket_count: int) -> np.ndarray:
    """TensorBoard's histogram: `bucket_count` rows of (left edge, right edge, count), float64."""
    data = data.astype(np.float64).ravel()
    if data.size == 0:
        return np.zeros((bucket_count, 3), np.float64)
    low, high = data.min(), data.max()
    if low == high:  # one value: every bucket is that point, the last holds the count
        counts = np.zeros(bucket_count)
        counts[-1] = data.size
        return np.stack([np.full(bucket_count, low), np.full(bucket_count, low), counts], axis=1)
    with np.errstate(invalid="ignore", over="ignore"):  # NaN and infinite data: as TF, below
        width = (high - low) / bucket_count
        position = np.floor((data - low) / width)
        edges = np.linspace(low, high, bucket_count + 1)
    # As TF's int32 cast of NaN or out-of-range positions (the x86 "indefinite" INT_MIN) and its
    # one_hot of a negative index: NaNs (and infinities that make positions NaN) count nowhere.
    counted = (position >= 0) & (position < 2.0 ** 31)
    index = np.minimum(position[counted].astype(np.int64), bucket_count - 1)
    counts = np.bincount(index, minlength=bucket_count).astype(np.float64)
    edges[0], edges[-1] = low, high  # as tf.linspace: the ends exactly (0 * inf is no edge)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def histogram(name: str, data: Any, step: Any = None, buckets: int | None = None,
              description: str | None = None) -> Any:
    """Writes a histogram summary: a `[buckets, 3]` float64 tensor of (left, right, count),
    30 buckets by default, for TensorBoard's "histograms" plugin."""
    from eagerflow._src.summary import event_protos

    bucket_count = 30 if buckets is None else int(buckets)
    with summary_scope(name, "histogram_summary", values=[data, buckets, step]) as (tag, _):
        data = convert_to_tensor(data)
        return write(tag, lambda: constant(_histogram_buckets(data.numpy(), bucket_count)), step,
                     _metadata("histograms", event_protos.DATA_CLASS_TENSOR, description))


def text(name: str, data: Any, step: Any = None, description: str | None = None) -> Any:
    """Writes a string tensor as a text summary, for TensorBoard's "text" plugin."""
    from eagerflow._src.summary import event_protos

    with summary_scope(name, "text_summary", values=[data, step]) as (tag, _):
        data = convert_to_tensor(data, _dtypes.string)
        return write(tag, data, step, _metadata("text", event_protos.DATA_CLASS_TENSOR, description))


def image(name: str, data: Any, step: Any = None, max_outputs: int = 3, description: str | None = None) -> Any:
    """Writes images (`[k, height, width, channels]`, channels 1, 3 or 4; floats in [0, 1] or
    uint8) as PNGs: a string tensor `[width, height, png...]` for TensorBoard's "images" plugin."""
    from eagerflow._src.summary import codecs, event_protos

    with summary_scope(name, "image_summary", values=[data, max_outputs, step]) as (tag, _):
        data = convert_to_tensor(data)
        if data.shape.rank != 4:
            raise ValueError(f"Shape {data.shape} must have rank 4")

        def encoded() -> Any:
            pixels = data.numpy()
            if data.dtype.is_floating:
                # tf.image.convert_image_dtype(..., uint8, saturate=True): scale by 255.5, truncate
                pixels = np.clip(pixels.astype(np.float64) * 255.5, 0, 255)
            pixels = pixels.astype(np.uint8)[:int(max_outputs)]
            height, width = data.shape[1], data.shape[2]
            return constant(np.array([str(width).encode(), str(height).encode()]
                                     + [codecs.encode_png(p) for p in pixels], dtype=object))

        return write(tag, encoded, step, _metadata("images", event_protos.DATA_CLASS_BLOB_SEQUENCE, description))


_AUDIO_WAV_CONTENT = b"\x10\x0b"  # AudioPluginData(version=0, encoding=WAV)


def audio(name: str, data: Any, sample_rate: Any, step: Any = None, max_outputs: int = 3,
          encoding: str | None = None, description: str | None = None) -> Any:
    """Writes audio clips (`[k, frames, channels]`, floats in [-1, 1]) as WAVs: a `[k, 2]` string
    tensor (clip, label) for TensorBoard's "audio" plugin."""
    from eagerflow._src.summary import codecs, event_protos

    if encoding is None:
        encoding = "wav"
    if encoding != "wav":
        raise ValueError(f"Unknown encoding: {encoding!r}")
    with summary_scope(name, "audio_summary", values=[data, sample_rate, max_outputs, step]) as (tag, _):
        data = convert_to_tensor(data)
        rate = int(convert_to_tensor(sample_rate).numpy())

        def encoded() -> Any:
            clips = data.numpy()[:int(max_outputs)]
            return constant(np.array([[codecs.encode_wav(c, rate), b""] for c in clips], dtype=object)
                            .reshape(len(clips), 2))

        return write(tag, encoded, step,
                     _metadata("audio", event_protos.DATA_CLASS_BLOB_SEQUENCE, description, _AUDIO_WAV_CONTENT))


def graph(graph_data: Any) -> Any:
    """Writes a graph (a `tf.Graph` or a `GraphDef`) for TensorBoard's graph view (`tf.summary.graph`)."""
    from eagerflow._src.summary import event_protos

    if hasattr(graph_data, "as_graph_def"):
        graph_data = graph_data.as_graph_def()
    if not hasattr(graph_data, "SerializeToString"):
        raise ValueError(f"Argument 'graph_data' is not tf.Graph or tf.compat.v1.GraphDef. Received "
                         f"graph_data={graph_data} of type {type(graph_data).__name__}.")
    if not _recording():
        return constant(False)
    state.writer._write_event(event_protos.Event(wall_time=time.time(),
                                                 graph_def=graph_data.SerializeToString()))
    return constant(True)


_trace_log = logging.getLogger("eagerflow")
_trace: dict = {"context": None}  # (graph, profiler) between trace_on and trace_off
_trace_lock = threading.Lock()


def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir: str | None = None) -> None:
    """Starts collecting the graphs of the tf.functions that run (`tf.summary.trace_on`), for
    `trace_export` to write. With `profiler=True` the graphs are collected too, but eagerflow has
    no op-level profiler: no profile is written (a warning says so)."""
    if _inside_function():
        _trace_log.warning("Cannot enable trace inside a tf.function.")
        return
    with _trace_lock:
        if _trace["context"] is not None:
            _trace_log.warning("Trace already enabled")
            return
        if profiler:
            _trace_log.warning("tf.summary.trace_on(profiler=True): eagerflow has no op-level "
                               "profiler; trace_export writes the functions' graphs only.")
        _trace["context"] = (bool(graph), bool(profiler))
        if graph or profiler:
            context.function_trace = {}
            context.add_special(1)


def trace_off() -> None:
    """Stops and discards trace collection (`tf.summary.trace_off`)."""
    with _trace_lock:
        traced = _trace["context"]
        _trace["context"] = None
        if traced is not None and (traced[0] or traced[1]):
            context.function_trace = None
            context.add_special(-1)


def _run_metadata(functions: list) -> bytes:
    """TF's `RunMetadata` message with one `function_graphs` entry (its pre-optimization graph)
    per function, serialized."""
    from eagerflow._src.function import graph_def

    run_metadata = graph_def.messages()["RunMetadata"]()
    for function in functions:
        run_metadata.function_graphs.add().pre_optimization_graph.CopyFrom(function.graph.as_graph_def())
    return run_metadata.SerializeToString()


def trace_export(name: str, step: Any = None, profiler_outdir: str | None = None) -> None:
    """Writes the graphs collected since `trace_on` as one summary, tag `name`, for
    TensorBoard's graph view (plugin "graph_run_metadata_graph", a serialized `RunMetadata`), and
    stops tracing (`tf.summary.trace_export`)."""
    if _inside_function():
        _trace_log.warning("Cannot export trace inside a tf.function.")
        return
    with _trace_lock:
        traced = _trace["context"]
        if traced is None:
            raise ValueError("Must enable trace before export through tf.summary.trace_on.")
        functions = list((context.function_trace or {}).values())
    # TF: the graphs alone under "graph_run_metadata_graph"; with the profiler, the whole run
    # metadata under "graph_run_metadata" (here the same graphs: there are no step stats).
    plugin = "graph_run_metadata" if traced[1] else "graph_run_metadata_graph"
    try:
        if traced[0] or traced[1]:
            metadata = _metadata(plugin, 0, None, b"1")  # DATA_CLASS_UNKNOWN
            with summary_scope(name, f"{plugin}_summary") as (tag, _):
                write(tag, lambda: constant(_run_metadata(functions), _dtypes.string), step, metadata)
    finally:
        trace_off()
