"""Differential test of tf.summary: TF 2.21 reads the event files eagerflow writes, and the
events `tf.summary.write` makes equal TF's own, field for field (wall times aside)."""
import glob

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow


def _write(tf, logdir):
    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default(step=3):
        tf.summary.write("f", tf.constant([1.0, 2.0]), metadata=b"\x12\x02dn")
        tf.summary.write("i", 3, step=4)
        tf.summary.write("s", "hello")
        tf.summary.write("m", tf.constant([["a", "b"]]))
        tf.summary.write("d", tf.constant(np.arange(6.0).reshape(2, 3)))
        with tf.summary.record_if(False):
            tf.summary.write("skipped", 1.0)
    writer.close()


def _read_with_tf(logdir):
    (path,) = glob.glob(str(logdir / "events.out.tfevents.*"))
    events = []
    for record in tf_real.data.TFRecordDataset(path):
        event = tf_real.compat.v1.Event.FromString(record.numpy())
        event.ClearField("wall_time")
        events.append(event)
    return events


def test_tensorflow_reads_the_same_events_from_both_files(tmp_path):
    _write(ef, tmp_path / "ef")
    _write(tf_real, tmp_path / "tf")
    assert _read_with_tf(tmp_path / "ef") == _read_with_tf(tmp_path / "tf")


def test_tensorflow_parses_plugin_summaries(tmp_path):
    writer = ef.summary.create_file_writer(str(tmp_path))
    images = np.random.default_rng(0).random((2, 4, 5, 3)).astype(np.float32)
    clip = np.linspace(-1, 1, 64, dtype=np.float32).reshape(1, 64, 1)
    with writer.as_default(step=1):
        ef.summary.scalar("loss", 0.25)
        ef.summary.histogram("h", np.arange(10.0), buckets=4)
        ef.summary.image("img", images)
        ef.summary.audio("a", clip, 16000)
    writer.close()
    values = {e.summary.value[0].tag: e.summary.value[0] for e in _read_with_tf(tmp_path)[1:]}
    assert tf_real.make_ndarray(values["loss"].tensor) == np.float32(0.25)
    assert tf_real.make_ndarray(values["h"].tensor)[:, 2].tolist() == [3, 2, 2, 3]
    blobs = tf_real.make_ndarray(values["img"].tensor)
    decoded = tf_real.io.decode_png(blobs[2]).numpy()
    np.testing.assert_array_equal(decoded, tf_real.image.convert_image_dtype(images[0], tf_real.uint8,
                                                                             saturate=True).numpy())
    wav = tf_real.make_ndarray(values["a"].tensor)[0, 0]
    assert wav == tf_real.audio.encode_wav(clip[0], 16000).numpy()
    assert values["a"].metadata.plugin_data.content == b"\x10\x0b"


def _trace_program(tf, logdir):
    @tf.function
    def traced(x):
        return tf.nn.relu(x * 2.0)

    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        tf.summary.trace_on(graph=True, profiler=False)
        traced(tf.constant(3.0))
        tf.summary.trace_export("step_graph", step=7)
    writer.close()
    (event,) = [e for e in _read_with_tf(logdir) if e.summary.value]
    return event


def test_trace_export_event_matches_tensorflow_and_parses_as_run_metadata(tmp_path):
    ours, theirs = _trace_program(ef, tmp_path / "ef"), _trace_program(tf_real, tmp_path / "tf")
    assert ours.step == theirs.step == 7
    (value,), (their_value,) = ours.summary.value, theirs.summary.value
    assert value.tag == their_value.tag
    assert value.metadata == their_value.metadata
    assert value.tensor.dtype == their_value.tensor.dtype
    assert value.tensor.tensor_shape == their_value.tensor.tensor_shape
    # TF collects the graphs its runtime instantiates while tracing; eagerflow the graph of
    # each tf.function that runs. Both are RunMetadata.function_graphs entries TF parses.
    run_metadata = tf_real.compat.v1.RunMetadata.FromString(tf_real.make_ndarray(value.tensor).item())
    (graphs,) = run_metadata.function_graphs
    assert {"Mul", "Relu"} <= {node.op for node in graphs.pre_optimization_graph.node}


@pytest.mark.parametrize("data", [[1.0, np.nan, 3.0, 2.0], [1.0, np.inf, 2.0], [-np.inf, 1.0, 2.0],
                                  [1.0, 2.0, 3.0, 1e300]], ids=["nan", "inf", "-inf", "huge"])
def test_histogram_of_non_finite_data_matches_tensorflow(tmp_path, data):
    def buckets(tf, logdir):
        writer = tf.summary.create_file_writer(str(logdir))
        with writer.as_default(step=0):
            tf.summary.histogram("h", np.array(data), buckets=3)
        writer.close()
        (event,) = [e for e in _read_with_tf(logdir) if e.summary.value]
        return tf_real.make_ndarray(event.summary.value[0].tensor)

    np.testing.assert_array_equal(buckets(ef, tmp_path / "ef"), buckets(tf_real, tmp_path / "tf"))
