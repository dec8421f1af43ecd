"""The device registry (`tf.config`): listing, visibility, logical devices, memory, TF's errors.

This process's registry is initialized by tests/conftest.py (it asks for GPUs), so tests that
configure devices before first use run a short script in a fresh interpreter.
"""
import subprocess
import sys
import textwrap

import pytest

import eagerflow as tf

CPU = tf.config.PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
L = tf.config.LogicalDeviceConfiguration


def run_fresh(body: str) -> str:
    """Runs `body` after `import eagerflow as tf` in a new interpreter; returns its stdout."""
    code = "import json\nimport eagerflow as tf\n" + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# --- listing ------------------------------------------------------------------------------------
def test_physical_cpu_repr_matches_tf():
    assert repr(tf.config.list_physical_devices("CPU")) == (
        "[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')]")


def test_device_type_filter_is_case_sensitive():
    assert tf.config.list_physical_devices("cpu") == []
    assert tf.config.list_logical_devices("cpu") == []


def test_unknown_device_type_lists_nothing():
    assert tf.config.list_physical_devices("FOO") == []
    assert tf.config.get_visible_devices("FOO") == []


def test_logical_cpu_repr_matches_tf():
    assert repr(tf.config.list_logical_devices("CPU")[0]) == (
        "LogicalDevice(name='/device:CPU:0', device_type='CPU')")


def test_all_physical_devices_visible_by_default():
    assert tf.config.get_visible_devices() == tf.config.list_physical_devices()


def test_cpu_device_details_are_empty():
    assert tf.config.experimental.get_device_details(CPU) == {}


# --- configuration errors (validated before anything is stored) --------------------------------
def test_memory_limit_on_cpu_raises_and_configures_nothing():
    with pytest.raises(ValueError, match="^Setting memory limit on CPU virtual devices is currently not supported$"):
        tf.config.set_logical_device_configuration(CPU, [L(), L(memory_limit=5)])
    assert tf.config.get_logical_device_configuration(CPU) is None


def test_priority_on_cpu_raises_tf_message():
    with pytest.raises(ValueError) as info:
        tf.config.set_logical_device_configuration(CPU, [L(experimental_priority=1)])
    assert str(info.value) == "Setting experimental_priority on CPU virtual  devices is currently not supported"


def test_unrecognized_device_raises():
    with pytest.raises(ValueError, match="^Unrecognized device: 'CPU:0'$"):
        tf.config.set_logical_device_configuration("CPU:0", [L()])
    with pytest.raises(ValueError, match="^Unrecognized device: 'CPU:0'$"):
        tf.config.set_visible_devices("CPU:0")


def test_visible_device_of_other_type_raises():
    with pytest.raises(ValueError, match="^Unrecognized device: PhysicalDevice"):
        tf.config.set_visible_devices([CPU], "GPU")


def test_logical_configuration_after_initialization_raises():
    with pytest.raises(RuntimeError, match="^Virtual devices cannot be modified after being initialized$"):
        tf.config.set_logical_device_configuration(CPU, [L(), L()])
    assert tf.config.get_logical_device_configuration(CPU) is None


def test_visible_devices_change_after_initialization_raises():
    with pytest.raises(RuntimeError, match="^Visible devices cannot be modified after being initialized$"):
        tf.config.set_visible_devices([], "CPU")


def test_unchanged_visible_devices_after_initialization_are_accepted():
    tf.config.set_visible_devices(tf.config.get_visible_devices())


def test_memory_growth_on_cpu_raises():
    with pytest.raises(ValueError, match="^Cannot set memory growth on non-GPU and non-Pluggable devices$"):
        tf.config.experimental.set_memory_growth(CPU, True)


def test_memory_growth_never_set_raises_key_error():
    with pytest.raises(KeyError):
        tf.config.experimental.get_memory_growth(CPU)


# --- memory info --------------------------------------------------------------------------------
def test_cpu_memory_info_is_zero_as_in_tf():
    assert tf.config.experimental.get_memory_info("CPU:0") == {"current": 0, "peak": 0}
    assert tf.config.experimental.get_memory_info("/device:CPU:0") == {"current": 0, "peak": 0}


@pytest.mark.parametrize("name", ["GPU:9", "CPU:5", "cpu:0", "/job:foo/device:CPU:0"])
def test_memory_info_for_missing_device_raises(name):
    with pytest.raises(ValueError) as info:
        tf.config.experimental.get_memory_info(name)
    assert str(info.value) == f"No matching devices found for '{name}'"


@pytest.mark.parametrize("name", ["CPU", "CPU:x"])
def test_memory_info_for_malformed_name_raises(name):
    with pytest.raises(ValueError) as info:
        tf.config.experimental.get_memory_info(name)
    assert str(info.value) == (
        f"Failed parsing device name: '{name}'. Note a valid device string should at least "
        "contain a device type and a device index, like \"GPU:0\".")


# --- fresh processes ----------------------------------------------------------------------------
def test_cpu_splits_into_three_logical_devices():
    out = run_fresh("""
        cpu = tf.config.list_physical_devices('CPU')[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)
        print(repr(tf.config.list_logical_devices('CPU')))
        print(repr(tf.config.get_logical_device_configuration(cpu)[0]))
    """).splitlines()
    assert out[0] == ("[LogicalDevice(name='/device:CPU:0', device_type='CPU'), "
                      "LogicalDevice(name='/device:CPU:1', device_type='CPU'), "
                      "LogicalDevice(name='/device:CPU:2', device_type='CPU')]")
    assert out[1] == ("LogicalDeviceConfiguration(memory_limit=None, experimental_priority=None, "
                      "experimental_device_ordinal=None)")


def test_configuring_after_first_op_raises_and_keeps_devices():
    out = run_fresh("""
        cpu = tf.config.list_physical_devices('CPU')[0]
        tf.constant(1.0)
        try:
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        except RuntimeError as e:
            print(e)
        print(len(tf.config.list_logical_devices('CPU')))
    """).splitlines()
    assert out == ["Virtual devices cannot be modified after being initialized", "1"]


def test_failed_configuration_leaves_default_devices():
    out = run_fresh("""
        cpu = tf.config.list_physical_devices('CPU')[0]
        L = tf.config.LogicalDeviceConfiguration
        try:
            tf.config.set_logical_device_configuration(cpu, [L(), L(memory_limit=5)])
        except ValueError as e:
            print(e)
        print(len(tf.config.list_logical_devices('CPU')))
    """).splitlines()
    assert out == ["Setting memory limit on CPU virtual devices is currently not supported", "1"]


def test_hidden_cpu_fails_on_first_use_with_tf_error():
    out = run_fresh("""
        tf.config.set_visible_devices([], 'CPU')
        for _ in range(2):
            try:
                tf.constant(1.0)
            except tf.errors.NotFoundError as e:
                print(e.message)
    """).splitlines()
    assert out == ["No CPU devices are available in this process"] * 2


def test_memory_info_with_several_matches_raises():
    out = run_fresh("""
        cpu = tf.config.list_physical_devices('CPU')[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        try:
            tf.config.experimental.get_memory_info('/device:CPU:*')
        except ValueError as e:
            print(e)
        print(json.dumps(tf.config.experimental.get_memory_info('CPU:1')))
    """).splitlines()
    assert out == [
        "Multiple devices match the provided string '/device:CPU:*': "
        "'/job:localhost/replica:0/task:0/device:CPU:0' and "
        "'/job:localhost/replica:0/task:0/device:CPU:1'.",
        '{"current": 0, "peak": 0}',
    ]


def test_import_and_physical_listing_do_not_initialize():
    out = run_fresh("""
        import sys
        print('cupy' in sys.modules)
        from eagerflow._src.framework import devices
        tf.config.list_physical_devices()
        print(devices.registry.initialized())
        tf.config.list_logical_devices()
        print(devices.registry.initialized())
    """).splitlines()
    assert out == ["False", "False", "True"]


def test_hidden_gpus_leave_cpu_only():
    out = run_fresh("""
        tf.config.set_visible_devices([], 'GPU')
        print([d.name for d in tf.config.list_logical_devices()])
        print(tf.constant(1.0).device)
    """).splitlines()
    assert out == ["['/device:CPU:0']", "/job:localhost/replica:0/task:0/device:CPU:0"]
