"""Differential test of tf.profiler.experimental: TF 2.21's own `xplane_pb2` reads the profile
eagerflow writes, laid out as TF's (directory, planes, the Trace and EagerExecute events)."""
import glob
import os

import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow


def _profile(tf, logdir):
    x = tf.ones((16, 16))
    tf.profiler.experimental.start(str(logdir))
    with tf.profiler.experimental.Trace("train", step_num=3, _r=1):
        tf.matmul(x, x)
    tf.profiler.experimental.stop()
    (path,) = glob.glob(os.path.join(str(logdir), "plugins", "profile", "*", "*.xplane.pb"))
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    with open(path, "rb") as f:
        return os.path.basename(path), xplane_pb2.XSpace.FromString(f.read())


def _host_events(space):
    (plane,) = [p for p in space.planes if p.name == "/host:CPU"]
    for line in plane.lines:
        for event in line.events:
            stats = {plane.stat_metadata[s.metadata_id].name: plane.stat_metadata[s.ref_value].name
                     if s.WhichOneof("value") == "ref_value" else getattr(s, s.WhichOneof("value"))
                     for s in event.stats}
            yield plane.event_metadata[event.metadata_id].name, stats


def test_tensorflow_reads_the_profile_laid_out_as_its_own(tmp_path):
    ours_file, ours = _profile(ef, tmp_path / "ef")
    theirs_file, theirs = _profile(tf_real, tmp_path / "tf")
    assert ours_file == theirs_file  # <host>.xplane.pb
    assert list(ours.hostnames) == list(theirs.hostnames)
    assert {p.name for p in ours.planes} == {p.name for p in theirs.planes}
    ours_events, theirs_events = list(_host_events(ours)), list(_host_events(theirs))
    for events in (ours_events, theirs_events):
        assert ("train", {"step_num": 3, "_r": 1}) in events
        assert ("EagerExecute", {"eager_op": "MatMul", "is_func": 0}) in events

    def environment(space):
        (plane,) = [p for p in space.planes if p.name == "Task Environment"]
        return {plane.stat_metadata[s.metadata_id].name for s in plane.stats}

    assert {"profile_start_time", "profile_stop_time"} <= environment(ours) & environment(theirs)
