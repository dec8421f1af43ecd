"""tf.profiler.experimental: host profiles written as TF's XSpace (`<host>.xplane.pb`)."""
import glob
import os
import threading

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.profiler import xplane


def _space(logdir):
    (path,) = glob.glob(os.path.join(str(logdir), "plugins", "profile", "*", "*.xplane.pb"))
    with open(path, "rb") as f:
        return xplane.messages()["XSpace"].FromString(f.read())


def _events(space):
    """[(line name, event name, display name, offset ps, duration ps, {stat: value})] of the host plane."""
    (plane,) = [p for p in space.planes if p.name == "/host:CPU"]
    out = []
    for line in plane.lines:
        for event in line.events:
            metadata = plane.event_metadata[event.metadata_id]
            stats = {plane.stat_metadata[s.metadata_id].name: plane.stat_metadata[s.ref_value].name
                     if s.WhichOneof("value") == "ref_value" else getattr(s, s.WhichOneof("value"))
                     for s in event.stats}
            out.append((line.name, metadata.name, metadata.display_name, event.offset_ps, event.duration_ps, stats))
    return out


def test_profile_records_eager_ops_functions_and_traces(tmp_path):
    @tf.function
    def layer(x):
        return tf.nn.relu(tf.matmul(x, x))

    x = tf.ones((8, 8))
    layer(x)  # traced before the profile: its call still appears
    tf.profiler.experimental.start(str(tmp_path))
    with tf.profiler.experimental.Trace("train", step_num=3, _r=1):
        tf.matmul(x, x)
        layer(x)
    tf.profiler.experimental.stop()
    events = _events(_space(tmp_path))
    names = [e[1] for e in events]
    (train,) = [e for e in events if e[1] == "train"]
    assert train[5] == {"step_num": 3, "_r": 1}
    eager = [e for e in events if e[1] == "EagerExecute"]
    assert {"eager_op": "MatMul", "is_func": 0} in [e[5] for e in eager]
    assert any(e[5]["is_func"] == 1 for e in eager)
    (call,) = [e for e in events if e[1] == "layer"]
    assert call[5] == {"tf_function_call": "notTraced-nonXla"}
    kernels = [e for e in events if e[2] in ("MatMul", "Relu")]
    assert [e[2] for e in kernels] == ["MatMul", "MatMul", "Relu"]
    assert all(e[1].endswith(":" + e[2]) for e in kernels)
    # nesting: the function's kernels lie inside its call, everything inside the Trace span
    for e in kernels[1:]:
        assert call[3] <= e[3] and e[3] + e[4] <= call[3] + call[4]
    for e in events:
        assert train[3] <= e[3] and e[3] + e[4] <= train[3] + train[4]
    assert names.count("train") == 1


def test_task_environment_plane_holds_start_and_stop_times(tmp_path):
    with tf.profiler.experimental.Profile(str(tmp_path)):
        tf.constant(1.0) + 1.0
    space = _space(tmp_path)
    (environment,) = [p for p in space.planes if p.name == "Task Environment"]
    stats = {environment.stat_metadata[s.metadata_id].name: s.uint64_value for s in environment.stats}
    assert 0 < stats["profile_start_time"] <= stats["profile_stop_time"]
    assert list(space.hostnames) and space.hostnames[0]


def test_each_thread_is_a_line(tmp_path):
    def work():
        tf.reduce_sum(tf.ones((4,)))

    tf.profiler.experimental.start(str(tmp_path))
    thread = threading.Thread(target=work, name="worker")
    thread.start()
    thread.join()
    work()
    tf.profiler.experimental.stop()
    lines = {e[0] for e in _events(_space(tmp_path)) if e[2] == "Sum"}
    assert lines == {"worker", threading.current_thread().name}


def test_ops_after_stop_and_traces_outside_a_profile_record_nothing(tmp_path):
    with tf.profiler.experimental.Trace("outside"):
        tf.constant(1.0) * 2.0
    tf.profiler.experimental.start(str(tmp_path))
    tf.constant(2.0) * 3.0
    tf.profiler.experimental.stop()
    tf.constant(3.0) * 4.0
    events = _events(_space(tmp_path))
    assert [e[2] for e in events if e[2] == "Mul"] == ["Mul"]
    assert "outside" not in [e[1] for e in events]


def test_profiling_leaves_values_unchanged():
    @tf.function
    def f(x):
        return tf.nn.softmax(tf.matmul(x, x) + 1.0)

    x = tf.constant(np.arange(16.0, dtype=np.float32).reshape(4, 4) / 16)
    expected = f(x).numpy()
    tf.profiler.experimental.start("unused-logdir")
    try:
        np.testing.assert_array_equal(f(x).numpy(), expected)
    finally:
        tf.profiler.experimental.stop(save=False)


def test_stop_without_save_writes_nothing(tmp_path):
    tf.profiler.experimental.start(str(tmp_path))
    tf.profiler.experimental.stop(save=False)
    assert os.listdir(tmp_path) == []


def test_errors_as_tensorflow():
    with pytest.raises(tf.errors.UnavailableError, match="^Cannot export profiling results. No profiler is running.$"):
        tf.profiler.experimental.stop()
    tf.profiler.experimental.start("unused-logdir")
    try:
        with pytest.raises(tf.errors.AlreadyExistsError, match="^Another profiler is running.$"):
            tf.profiler.experimental.start("unused-logdir")
    finally:
        tf.profiler.experimental.stop(save=False)


def test_profiler_options_defaults():
    assert repr(tf.profiler.experimental.ProfilerOptions()) == (
        "ProfilerOptions(host_tracer_level=2, python_tracer_level=0, device_tracer_level=1, delay_ms=None)")
    assert tf.profiler.experimental.ProfilerOptions(python_tracer_level=1).python_tracer_level == 1
