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
