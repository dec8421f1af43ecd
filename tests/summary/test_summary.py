"""tf.summary: event files (TFRecord framing of Event protos), the plugin summaries, recording."""
import glob
import io
import struct
import wave
import zlib

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.io.tfrecord import tf_record_iterator
from eagerflow._src.summary import event_protos


def _events(logdir):
    (path,) = glob.glob(str(logdir / "events.out.tfevents.*"))
    return [event_protos.Event.FromString(r) for r in tf_record_iterator(path)]


def _values(logdir):
    return {e.summary.value[0].tag: (e.step, e.summary.value[0]) for e in _events(logdir)[1:]}


def _array(tensor_proto):
    shape = [d.size for d in tensor_proto.tensor_shape.dim]
    if tensor_proto.dtype == tf.string.as_datatype_enum:
        return np.array(list(tensor_proto.string_val), dtype=object).reshape(shape)
    dtype = tf.as_dtype(tensor_proto.dtype).as_numpy_dtype
    return np.frombuffer(tensor_proto.tensor_content, dtype=dtype).reshape(shape)


@pytest.fixture(autouse=True)
def _no_default_step():
    yield
    tf.summary.experimental.set_step(None)


def test_file_writer_names_file_and_writes_version_event(tmp_path):
    tf.summary.create_file_writer(str(tmp_path)).close()
    (path,) = glob.glob(str(tmp_path / "*"))
    assert path.split("/")[-1].startswith("events.out.tfevents.") and path.endswith(".v2")
    first = _events(tmp_path)[0]
    assert first.file_version == "brain.Event:2"


def test_write_without_writer_returns_false():
    assert not bool(tf.summary.write("x", 1.0, step=1))


def test_write_stores_tensor_and_step(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert bool(tf.summary.write("x", tf.constant([1.0, 2.0]), step=3))
    writer.close()
    step, value = _values(tmp_path)["x"]
    assert step == 3
    np.testing.assert_array_equal(_array(value.tensor), np.array([1.0, 2.0], np.float32))


def test_write_needs_a_step(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(), pytest.raises(ValueError, match="No step set"):
        tf.summary.write("x", 1.0)


def test_default_step_from_as_default_and_set_step(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=4):
        tf.summary.write("a", 1.0)
    tf.summary.experimental.set_step(9)
    with writer.as_default():
        tf.summary.write("b", 1.0)
    writer.close()
    values = _values(tmp_path)
    assert (values["a"][0], values["b"][0]) == (4, 9)


def test_record_if_false_records_nothing(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1), tf.summary.record_if(False):
        assert not bool(tf.summary.should_record_summaries())
        assert not bool(tf.summary.write("x", 1.0))
    writer.close()
    assert "x" not in _values(tmp_path)


def test_callable_tensor_is_not_called_when_not_recording():
    calls = []
    tf.summary.write("x", lambda: calls.append(1), step=1)
    assert calls == []


def test_scalar_is_float32_with_scalars_plugin_under_name_scope(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=2), tf.name_scope("train"):
        tf.summary.scalar("loss", 3, description="d")
    writer.close()
    _, value = _values(tmp_path)["train/loss"]
    assert value.metadata.plugin_data.plugin_name == "scalars"
    assert value.metadata.data_class == event_protos.DATA_CLASS_SCALAR
    assert value.metadata.summary_description == "d"
    assert _array(value.tensor).dtype == np.float32 and _array(value.tensor) == 3.0


def test_histogram_buckets_count_every_point(tmp_path):
    data = np.random.default_rng(0).normal(size=1000)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        tf.summary.histogram("h", data, buckets=7)
    writer.close()
    buckets = _array(_values(tmp_path)["h"][1].tensor)
    assert buckets.shape == (7, 3) and buckets.dtype == np.float64
    counts, edges = np.histogram(data, bins=7)
    np.testing.assert_array_equal(buckets[:, 2], counts)
    np.testing.assert_allclose(buckets[:, 0], edges[:-1])


def test_histogram_of_one_value_puts_it_in_last_bucket():
    from eagerflow._src.summary.summary_ops import _histogram_buckets

    buckets = _histogram_buckets(np.full(5, 2.0), 3)
    np.testing.assert_array_equal(buckets, [[2, 2, 0], [2, 2, 0], [2, 2, 5]])


def test_text_summary_holds_the_string(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        tf.summary.text("t", "hello")
    writer.close()
    value = _values(tmp_path)["t"][1]
    assert value.metadata.plugin_data.plugin_name == "text"
    assert _array(value.tensor).tolist() == b"hello"


def _png_pixels(png):
    # Our PNGs: one IDAT, filter 0 on every row.
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _, colour = struct.unpack(">IIBB", png[16:26])
    channels = {0: 1, 4: 2, 2: 3, 6: 4}[colour]
    idat_len = struct.unpack(">I", png[33:37])[0]
    raw = zlib.decompress(png[41:41 + idat_len])
    rows = np.frombuffer(raw, np.uint8).reshape(height, 1 + width * channels)
    return rows[:, 1:].reshape(height, width, channels)


def test_image_summary_encodes_pngs_after_width_and_height(tmp_path):
    images = np.random.default_rng(1).random((3, 4, 5, 3)).astype(np.float32)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        tf.summary.image("img", images, max_outputs=2)
    writer.close()
    value = _values(tmp_path)["img"][1]
    blobs = _array(value.tensor)
    assert value.metadata.data_class == event_protos.DATA_CLASS_BLOB_SEQUENCE
    assert blobs[:2].tolist() == [b"5", b"4"] and len(blobs) == 4
    np.testing.assert_array_equal(_png_pixels(blobs[2]), (images[0] * 255.5).astype(np.uint8))


def test_audio_summary_encodes_wavs(tmp_path):
    clip = np.linspace(-1, 1, 50, dtype=np.float32).reshape(1, 50, 1)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        tf.summary.audio("a", clip, 8000)
    writer.close()
    blobs = _array(_values(tmp_path)["a"][1].tensor)
    assert blobs.shape == (1, 2)
    with wave.open(io.BytesIO(blobs[0, 0])) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        pcm = np.frombuffer(wav.readframes(50), "<i2")
    np.testing.assert_array_equal(pcm, np.clip(np.round(clip.ravel() * 32768), -32768, 32767).astype(np.int16))


def test_noop_writer_records_nothing():
    with tf.summary.create_noop_writer().as_default():
        assert not bool(tf.summary.write("x", 1.0, step=1))


def test_closed_writer_refuses_as_default(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    writer.close()
    with pytest.raises(RuntimeError, match="is already closed"):
        with writer.as_default():
            pass


def test_summary_scope_tag_and_scope():
    with tf.name_scope("outer"):
        with tf.summary.experimental.summary_scope("a b", "default") as (tag, scope):
            assert (tag, scope) == ("outer/a b", "outer/ab/")


def test_write_raw_pb_writes_the_summary(tmp_path):
    summary = event_protos.Summary()
    summary.value.add(tag="raw", simple_value=1.5)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=6):
        tf.summary.experimental.write_raw_pb(summary.SerializeToString())
    writer.close()
    step, value = _values(tmp_path)["raw"]
    assert step == 6 and value.simple_value == 1.5


def test_write_inside_function_writes_each_call(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))

    @tf.function
    def log(x, step):
        return tf.summary.write("f", x, step=step)

    with writer.as_default():
        log(tf.constant(1.0), tf.constant(1, tf.int64))
        log(tf.constant(2.0), tf.constant(2, tf.int64))
    writer.close()
    written = [(e.step, float(_array(e.summary.value[0].tensor))) for e in _events(tmp_path)[1:]]
    assert written == [(1, 1.0), (2, 2.0)]


def _run_metadata_graphs(blob):
    """The GraphDefs in a serialized RunMetadata's function_graphs[].pre_optimization_graph."""
    from google.protobuf.internal import decoder

    from eagerflow._src.function import graph_def

    def fields(data):
        pos = 0
        while pos < len(data):
            key, pos = decoder._DecodeVarint(data, pos)
            assert key & 7 == 2  # every field here is length-delimited
            size, pos = decoder._DecodeVarint(data, pos)
            yield key >> 3, data[pos:pos + size]
            pos += size

    graphs = []
    for number, entry in fields(blob):
        assert number == 4  # RunMetadata.function_graphs
        for inner, graph in fields(entry):
            assert inner == 2  # FunctionGraphs.pre_optimization_graph
            graphs.append(graph_def.messages()["GraphDef"].FromString(graph))
    return graphs


def test_trace_export_writes_the_graphs_of_functions_run_while_tracing(tmp_path):
    @tf.function
    def before(x):
        return x - 1.0

    @tf.function
    def traced(x):
        return tf.nn.relu(x * 2.0)

    before(tf.constant(1.0))
    traced(tf.constant(1.0))  # traced and run before trace_on: collected when it runs again
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        tf.summary.trace_on(graph=True, profiler=False)
        traced(tf.constant(3.0))
        traced(tf.constant(4.0))  # once per function
        tf.summary.trace_export("step_graph", step=7)
        before(tf.constant(1.0))  # tracing is off again
    writer.close()
    step, value = _values(tmp_path)["step_graph"]
    assert step == 7
    assert value.metadata.plugin_data.plugin_name == "graph_run_metadata_graph"
    assert value.metadata.plugin_data.content == b"1"
    (graph,) = _run_metadata_graphs(_array(value.tensor).item())
    assert {"Mul", "Relu"} <= {node.op for node in graph.node}
    assert "Sub" not in {node.op for node in graph.node}


def test_trace_export_needs_trace_on_and_trace_off_discards(tmp_path):
    with pytest.raises(ValueError, match="Must enable trace before export through tf.summary.trace_on"):
        tf.summary.trace_export("x", step=0)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        tf.summary.trace_on()
        tf.summary.trace_off()
        with pytest.raises(ValueError, match="Must enable trace"):
            tf.summary.trace_export("x")
    writer.close()
    assert "x" not in _values(tmp_path)


def test_event_files_read_back_through_tf_module_paths(tmp_path):
    # What code reading TensorBoard event files imports (Keras's tensorboard_test does):
    # tensorflow.core.util.event_pb2 and tensorflow.python.lib.io.tf_record.
    from eagerflow.core.framework import summary_pb2
    from eagerflow.core.util import event_pb2
    from eagerflow.python.lib.io import tf_record

    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=2):
        tf.summary.scalar("loss", 0.5)
    writer.close()
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    events = [event_pb2.Event.FromString(r) for r in tf_record.tf_record_iterator(path)]
    assert events[0].file_version == "brain.Event:2"
    (value,) = events[1].summary.value
    assert (events[1].step, value.tag, value.WhichOneof("value")) == (2, "loss", "tensor")
    assert isinstance(events[1].summary, summary_pb2.Summary)
    histo = summary_pb2.HistogramProto(min=0.0, max=1.0, bucket_limit=[1.0], bucket=[3.0])
    assert summary_pb2.HistogramProto.FromString(histo.SerializeToString()) == histo
