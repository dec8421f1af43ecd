"""Differential test: eagerflow's DeviceSpec parses, prints, compares and fails exactly as TF's."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
tf = pytest.importorskip("tensorflow")

from tensorflow.python.eager import context as tf_context  # noqa: E402

from eagerflow._src.framework.device_spec import DeviceSpec, canonical_name  # noqa: E402
from eagerflow._src.framework.device_types import (LogicalDevice, LogicalDeviceConfiguration,  # noqa: E402
                                              PhysicalDevice, VirtualDeviceConfiguration)

pytestmark = pytest.mark.tensorflow

FIXED = [
    "CPU:1", "/CPU:1", "cpu:0", "Gpu:0", "/gpu:0", "tpu:0", "custom:1", "epu", "GPU:*", "/device:GPU:0",
    "/device:gpu:0", "/device:Gpu:0", "/device:foo:1", "/device:*:*", "/device::0", "/device:CPU:*",
    "/job:localhost/replica:0/task:0/device:CPU:0", "/job:a/replica:0/task:0/cpu:1",
    "/job:w/replica:1/task:2/device:CPU:3/", "/job:worker/task:3", "job:w", "/job:", "/job:a b",
    "/job:a/job:b", "/replica: 1", "/replica:+1", "/replica:1_0", "/replica:-1", "CPU:00", "//CPU:0",
    "CPU:0/", ":", "::", "/:/", "", None, 0, "/replica:x", "/task:1.5", "/task:*", "/replica:",
    "/device:GPU:x", "GPU:x", "CPU:", "/device:CPU:", "CPU:1:2", "device:CPU", "/job:a:b", " CPU:0",
    "foo", "/foo:1", "XLA_CPU:0", "/JOB:a", "/Job:a", "CPU:0/GPU:0", "/device:CPU:0/device:GPU:1",
    "/cpu:0/device:GPU:1", "/device:GPU:0:1", "/:x:y", b"CPU:0", b"", 5, [1],
]


def _outcome(device_spec_class, text):
    """What parsing `text` gives: the spec's string, repr and fields, or the error's class and text."""
    try:
        spec = device_spec_class.from_string(text)
    except Exception as error:  # noqa: BLE001 - the error itself is what is compared
        return "error", type(error).__name__, str(error)
    return ("ok", spec.to_string(), repr(spec),
            (spec.job, spec.replica, spec.task, spec.device_type, spec.device_index))


def _tf_eager_device_name(text):
    with tf.device(text):
        return tf_context.context().device_name


@pytest.mark.parametrize("text", FIXED, ids=repr)
def test_from_string_matches_tf(text):
    assert _outcome(DeviceSpec, text) == _outcome(tf.DeviceSpec, text)


TF_ACCEPTED_STRINGS = [t for t in FIXED if isinstance(t, str) and _outcome(tf.DeviceSpec, t)[0] == "ok"]


@pytest.mark.parametrize("text", TF_ACCEPTED_STRINGS, ids=repr)
def test_canonical_name_matches_tf_eager_device_scope(text):
    assert canonical_name(text) == _tf_eager_device_name(text)


def test_equality_and_hash_match_tf():
    for a in TF_ACCEPTED_STRINGS:
        for b in TF_ACCEPTED_STRINGS:
            ours = DeviceSpec.from_string(a), DeviceSpec.from_string(b)
            theirs = tf.DeviceSpec.from_string(a), tf.DeviceSpec.from_string(b)
            assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
            assert hash(ours[0]) == hash(theirs[0])


def test_merge_and_replace_match_tf():
    pairs = [("/job:ps/device:GPU:0", "CPU:*"), ("/job:localhost/replica:0/task:0/device:CPU:0", "/job:w/task:3"),
             ("", "GPU:1"), ("/replica:2", "")]
    for a, b in pairs:
        ours = DeviceSpec.from_string(a).make_merged_spec(DeviceSpec.from_string(b))
        theirs = tf.DeviceSpec.from_string(a).make_merged_spec(tf.DeviceSpec.from_string(b))
        assert repr(ours) == repr(theirs)
    kwargs = dict(job=0, replica="3", task=1.9, device_type="gpu", device_index=None)
    assert repr(DeviceSpec().replace(**kwargs)) == repr(tf.DeviceSpec().replace(**kwargs))


def test_device_types_repr_match_tf():
    assert repr(PhysicalDevice("/physical_device:CPU:0", "CPU")) == repr(tf.config.list_physical_devices("CPU")[0])
    assert repr(LogicalDevice("/device:CPU:0", "CPU")) == repr(tf.config.LogicalDevice("/device:CPU:0", "CPU"))
    for args in [(), (1024,), (1024, 1, 2)]:
        assert repr(LogicalDeviceConfiguration(*args)) == repr(tf.config.LogicalDeviceConfiguration(*args))
    assert repr(VirtualDeviceConfiguration(memory_limit=5)) == repr(
        tf.config.experimental.VirtualDeviceConfiguration(memory_limit=5))


_SEGMENTS = [
    "job:worker", "job:", "job:a:b", "replica:0", "replica:12", "replica:x", "replica:", "task:3", "task:*",
    "device:CPU:0", "device:GPU:*", "device:gpu:1", "device:Gpu:2", "device:foo:0", "device:CPU", "device:CPU:x",
    "device:GPU:0:1", "CPU", "cpu:1", "GPU:*", "gpu:x", "TPU:3", "EPU:0", "CUSTOM:1", "XLA_CPU:0", "CPU:1:2",
    "foo", "Job:a", "", ":", "::", ":x:y", " CPU:0", "CPU: 1",
]

device_strings = st.one_of(
    st.builds(lambda lead, parts, tail: lead + "/".join(parts) + tail,
              st.sampled_from(["", "/", "//"]), st.lists(st.sampled_from(_SEGMENTS), max_size=5),
              st.sampled_from(["", "/"])),
    st.text(alphabet="/:*jobreplicatskdvCPUGTgpu0123 ", max_size=24),
)


@settings(max_examples=400, deadline=None)
@given(device_strings)
def test_generated_strings_parse_like_tf(text):
    assert _outcome(DeviceSpec, text) == _outcome(tf.DeviceSpec, text)


@settings(max_examples=200, deadline=None)
@given(device_strings, device_strings)
def test_generated_strings_compare_and_merge_like_tf(a, b):
    if _outcome(tf.DeviceSpec, a)[0] == "error" or _outcome(tf.DeviceSpec, b)[0] == "error":
        return
    ours = DeviceSpec.from_string(a), DeviceSpec.from_string(b)
    theirs = tf.DeviceSpec.from_string(a), tf.DeviceSpec.from_string(b)
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert repr(ours[0].make_merged_spec(ours[1])) == repr(theirs[0].make_merged_spec(theirs[1]))
    assert canonical_name(a) == _tf_eager_device_name(a)
