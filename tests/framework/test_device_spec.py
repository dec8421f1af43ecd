"""DeviceSpec parsing, merging, equality and canonical names; expected values observed under TF 2.21."""
import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eagerflow._src.framework.device_spec import DeviceSpec, DeviceSpecV2, canonical_name

PARSED = [
    ("CPU:1", "/device:CPU:1", (None, None, None, "CPU", 1)),
    ("/CPU:1", "/device:CPU:1", (None, None, None, "CPU", 1)),
    ("cpu:0", "/device:CPU:0", (None, None, None, "CPU", 0)),
    ("Gpu:0", "/device:GPU:0", (None, None, None, "GPU", 0)),
    ("/gpu:0", "/device:GPU:0", (None, None, None, "GPU", 0)),
    ("tpu:0", "/device:TPU:0", (None, None, None, "TPU", 0)),
    ("custom:1", "/device:CUSTOM:1", (None, None, None, "CUSTOM", 1)),
    ("epu", "/device:EPU:*", (None, None, None, "EPU", None)),
    ("GPU:*", "/device:GPU:*", (None, None, None, "GPU", None)),
    ("/device:GPU:0", "/device:GPU:0", (None, None, None, "GPU", 0)),
    ("/device:gpu:0", "/device:GPU:0", (None, None, None, "GPU", 0)),
    ("/device:Gpu:0", "/device:Gpu:0", (None, None, None, "Gpu", 0)),
    ("/device:foo:1", "/device:foo:1", (None, None, None, "foo", 1)),
    ("/device:*:*", "/device:*:*", (None, None, None, "*", None)),
    ("/device::0", "/device::0", (None, None, None, "", 0)),
    ("/job:localhost/replica:0/task:0/device:CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0",
     ("localhost", 0, 0, "CPU", 0)),
    ("/job:a/replica:0/task:0/cpu:1", "/job:a/replica:0/task:0/device:CPU:1", ("a", 0, 0, "CPU", 1)),
    ("/job:w/replica:1/task:2/device:CPU:3/", "/job:w/replica:1/task:2/device:CPU:3", ("w", 1, 2, "CPU", 3)),
    ("/job:worker/task:3", "/job:worker/task:3", ("worker", None, 3, None, None)),
    ("job:w", "/job:w", ("w", None, None, None, None)),
    ("/job:", "/job:", ("", None, None, None, None)),
    ("/job:a b", "/job:a b", ("a b", None, None, None, None)),
    ("/job:a/job:b", "/job:b", ("b", None, None, None, None)),
    ("/replica: 1", "/replica:1", (None, 1, None, None, None)),
    ("/replica:+1", "/replica:1", (None, 1, None, None, None)),
    ("/replica:1_0", "/replica:10", (None, 10, None, None, None)),
    ("/replica:-1", "/replica:-1", (None, -1, None, None, None)),
    ("CPU:00", "/device:CPU:0", (None, None, None, "CPU", 0)),
    ("//CPU:0", "/device:CPU:0", (None, None, None, "CPU", 0)),
    ("CPU:0/", "/device:CPU:0", (None, None, None, "CPU", 0)),
    (":", "", (None, None, None, None, None)),
    ("::", "", (None, None, None, None, None)),
    ("/:/", "", (None, None, None, None, None)),
    ("", "", (None, None, None, None, None)),
    (None, "", (None, None, None, None, None)),
    (0, "", (None, None, None, None, None)),
]

MALFORMED = [
    ("/replica:x", "invalid literal for int() with base 10: 'x'"),
    ("/task:1.5", "invalid literal for int() with base 10: '1.5'"),
    ("/task:*", "invalid literal for int() with base 10: '*'"),
    ("/replica:", "invalid literal for int() with base 10: ''"),
    ("/device:GPU:x", "invalid literal for int() with base 10: 'x'"),
    ("GPU:x", "invalid literal for int() with base 10: 'x'"),
    ("CPU:", "invalid literal for int() with base 10: ''"),
    ("/device:CPU:", "invalid literal for int() with base 10: ''"),
    ("CPU:1:2", "Unknown attribute 'CPU' is encountered while parsing the device spec: 'CPU:1:2'."),
    ("device:CPU", "Unknown attribute 'device' is encountered while parsing the device spec: 'device:CPU'."),
    ("/job:a:b", "Unknown attribute 'job' is encountered while parsing the device spec: '/job:a:b'."),
    (" CPU:0", "Unknown attribute ' CPU' is encountered while parsing the device spec: ' CPU:0'."),
    ("foo", "Unknown attribute 'foo' is encountered while parsing the device spec: 'foo'."),
    ("/foo:1", "Unknown attribute 'foo' is encountered while parsing the device spec: '/foo:1'."),
    ("XLA_CPU:0", "Unknown attribute 'XLA_CPU' is encountered while parsing the device spec: 'XLA_CPU:0'."),
    ("/JOB:a", "Unknown attribute 'JOB' is encountered while parsing the device spec: '/JOB:a'."),
    ("CPU:0/GPU:0", "Multiple device types are not allowed while parsing the device spec: CPU:0/GPU:0."),
    ("/device:CPU:0/device:GPU:1",
     "Multiple device types are not allowed while parsing the device spec: /device:CPU:0/device:GPU:1."),
    ("/cpu:0/device:GPU:1",
     "Multiple device types are not allowed while parsing the device spec: /cpu:0/device:GPU:1."),
]


def _fields(spec):
    return spec.job, spec.replica, spec.task, spec.device_type, spec.device_index


@pytest.mark.parametrize("text, expected_string, expected_fields", PARSED)
def test_from_string_parses_every_accepted_form(text, expected_string, expected_fields):
    spec = DeviceSpec.from_string(text)
    assert spec.to_string() == expected_string
    assert _fields(spec) == expected_fields


@pytest.mark.parametrize("text, message", MALFORMED)
def test_from_string_rejects_malformed_string_with_tf_message(text, message):
    with pytest.raises(ValueError) as info:
        DeviceSpec.from_string(text)
    assert str(info.value) == message


def test_from_string_rejects_bytes_with_type_error():
    with pytest.raises(TypeError, match="a bytes-like object is required, not 'str'"):
        DeviceSpec.from_string(b"CPU:0")


def test_from_string_rejects_non_string_with_attribute_error():
    with pytest.raises(AttributeError, match="'int' object has no attribute 'split'"):
        DeviceSpec.from_string(5)


def test_from_string_rejects_unhashable_with_type_error():
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        DeviceSpec.from_string([1])


def test_failed_parse_is_not_cached():
    for _ in range(2):
        with pytest.raises(ValueError):
            DeviceSpec.from_string("CPU:0/GPU:0")


def test_parse_from_string_returns_new_spec_and_keeps_self():
    spec = DeviceSpec(job="ps", device_type="GPU", device_index=0)
    parsed = spec.parse_from_string("CPU:0")
    assert repr(parsed) == "<DeviceSpec(job=None, replica=None, task=None, device_type=CPU, device_index=0)>"
    assert spec.to_string() == "/job:ps/device:GPU:0"


def test_constructor_converts_fields_like_tf():
    spec = DeviceSpec(job=0, replica="3", task=1.9, device_type="cpu", device_index=True)
    assert _fields(spec) == ("0", 3, 1, "CPU", 1)
    assert spec.to_string() == "/job:0/replica:3/task:1/device:CPU:1"


@pytest.mark.parametrize("device_type, expected", [("cpu", "CPU"), ("gpu", "GPU"), ("gPu", "gPu"),
                                                   ("tpu", "tpu"), (1, "1")])
def test_constructor_upper_cases_only_lowercase_cpu_and_gpu(device_type, expected):
    assert DeviceSpec(device_type=device_type).device_type == expected


@pytest.mark.parametrize("kwargs, value", [({"replica": "x"}, "x"), ({"task": "1.5"}, "1.5"),
                                           ({"device_index": "y"}, "y")])
def test_constructor_rejects_non_integer_index(kwargs, value):
    with pytest.raises(ValueError) as info:
        DeviceSpec(**kwargs)
    assert str(info.value) == f"invalid literal for int() with base 10: '{value}'"


def test_empty_job_string_is_kept():
    assert DeviceSpec(job="").to_string() == "/job:"


def test_repr_matches_tf():
    spec = DeviceSpec(job="localhost", replica=0, task=0, device_type="CPU", device_index=0)
    assert repr(spec) == "<DeviceSpec(job=localhost, replica=0, task=0, device_type=CPU, device_index=0)>"
    assert str(DeviceSpec()) == "<DeviceSpec(job=None, replica=None, task=None, device_type=None, device_index=None)>"


def test_missing_device_index_prints_as_star():
    assert DeviceSpec(device_type="GPU").to_string() == "/device:GPU:*"


def test_device_index_without_device_type_is_not_printed():
    assert DeviceSpec(device_index=2).to_string() == ""


def test_make_merged_spec_prefers_fields_of_argument():
    base = DeviceSpec(job="ps", device_type="GPU", device_index=0)
    merged = base.make_merged_spec(DeviceSpec(device_type="CPU"))
    assert repr(merged) == "<DeviceSpec(job=ps, replica=None, task=None, device_type=CPU, device_index=0)>"


def test_make_merged_spec_keeps_own_fields_missing_from_argument():
    base = DeviceSpec.from_string("/job:localhost/replica:0/task:0/device:CPU:0")
    merged = base.make_merged_spec(DeviceSpec.from_string("/job:worker/task:3"))
    assert merged.to_string() == "/job:worker/replica:0/task:3/device:CPU:0"


def test_make_merged_spec_rejects_string_argument():
    with pytest.raises(AttributeError, match="'str' object has no attribute 'job'"):
        DeviceSpec().make_merged_spec("CPU:0")


def test_replace_overrides_given_fields():
    spec = DeviceSpec(job="ps", device_type="GPU", device_index=0)
    assert spec.replace(job="w", replica=2).to_string() == "/job:w/replica:2/device:GPU:0"


def test_replace_with_none_clears_field():
    spec = DeviceSpec(job="ps", device_type="GPU", device_index=0)
    assert repr(spec.replace(device_type=None)) == (
        "<DeviceSpec(job=ps, replica=None, task=None, device_type=None, device_index=0)>")


def test_replace_rejects_unknown_field():
    with pytest.raises(TypeError) as info:
        DeviceSpec().replace(foo=1)
    assert str(info.value) == "DeviceSpecV2.__init__() got an unexpected keyword argument 'foo'"


def test_fields_cannot_be_set():
    spec = DeviceSpec(job="ps")
    with pytest.raises(AttributeError) as info:
        spec.job = "x"
    assert str(info.value) == "property 'job' of 'DeviceSpecV2' object has no setter"


def test_new_attributes_cannot_be_added():
    with pytest.raises(AttributeError) as info:
        DeviceSpec().foo = 1
    assert str(info.value) == "'DeviceSpecV2' object has no attribute 'foo'"


def test_device_spec_is_device_spec_v2():
    assert DeviceSpec is DeviceSpecV2
    assert DeviceSpec.__name__ == "DeviceSpecV2"


def test_equal_specs_from_different_spellings_compare_equal_and_hash_alike():
    a = DeviceSpec(job="ps", device_type="GPU", device_index=0)
    b = DeviceSpec.from_string("/job:ps/gpu:0")
    assert a == b
    assert not a != b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1


def test_hash_is_hash_of_string_form():
    assert hash(DeviceSpec.from_string("CPU:0")) == hash("/device:CPU:0")


def test_spec_never_equals_its_string():
    assert DeviceSpec.from_string("CPU:0") != "/device:CPU:0"


def test_different_specs_compare_unequal():
    assert DeviceSpec.from_string("CPU:0") != DeviceSpec.from_string("CPU:1")
    assert DeviceSpec.from_string("GPU:*") != DeviceSpec.from_string("GPU:0")


def test_pickle_and_copy_round_trip():
    spec = DeviceSpec(job="ps", replica=1, task=2, device_type="GPU", device_index=3)
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert copy.copy(spec) == spec
    assert copy.deepcopy(spec) == spec


@pytest.mark.parametrize("device, expected", [
    ("CPU:0", "/job:localhost/replica:0/task:0/device:CPU:0"),
    ("cpu:0", "/job:localhost/replica:0/task:0/device:CPU:0"),
    ("/device:CPU:*", "/job:localhost/replica:0/task:0/device:CPU:0"),
    ("GPU:*", "/job:localhost/replica:0/task:0/device:GPU:0"),
    ("/gpu:1", "/job:localhost/replica:0/task:0/device:GPU:1"),
    ("/job:worker/task:3", "/job:worker/replica:0/task:3/device:CPU:0"),
    ("/replica:2", "/job:localhost/replica:2/task:0/device:CPU:0"),
    ("", "/job:localhost/replica:0/task:0/device:CPU:0"),
    (None, "/job:localhost/replica:0/task:0/device:CPU:0"),
])
def test_canonical_name_fills_missing_fields_like_eager_device_scope(device, expected):
    assert canonical_name(device) == expected


def test_canonical_name_accepts_device_spec():
    spec = DeviceSpec(job="worker", task=3, device_type="GPU")
    assert canonical_name(spec) == "/job:worker/replica:0/task:3/device:GPU:0"


def test_canonical_name_uses_given_defaults():
    name = canonical_name("GPU:1", job="worker", replica=1, task=2)
    assert name == "/job:worker/replica:1/task:2/device:GPU:1"


def test_canonical_name_rejects_malformed_string():
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        canonical_name("/foo:1")


_segments = st.one_of(
    st.builds("/job:{}".format, st.text("abcxyz_-", min_size=1, max_size=6)),
    st.builds("/replica:{}".format, st.integers(0, 99)),
    st.builds("/task:{}".format, st.integers(0, 99)),
)


@given(st.lists(_segments, max_size=3),
       st.sampled_from(["", "/device:CPU:0", "/gpu:1", "/device:GPU:*", "/TPU:2", "/cpu"]))
def test_to_string_round_trips_through_from_string(segments, device):
    spec = DeviceSpec.from_string("".join(segments) + device)
    assert DeviceSpec.from_string(spec.to_string()) == spec


@given(st.sampled_from(["", "/job:a", "/job:a/replica:1/task:2/device:CPU:3", "GPU:*", "cpu:1"]),
       st.sampled_from(["", "/job:b", "/task:5", "/device:GPU:0", "/replica:4/CPU:*"]))
def test_merge_with_empty_spec_is_identity_and_merge_with_self_is_idempotent(a, b):
    left, right = DeviceSpec.from_string(a), DeviceSpec.from_string(b)
    assert left.make_merged_spec(DeviceSpec()) == left
    assert DeviceSpec().make_merged_spec(left) == left
    merged = left.make_merged_spec(right)
    assert merged.make_merged_spec(right) == merged
