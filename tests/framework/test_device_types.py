"""PhysicalDevice, LogicalDevice and LogicalDeviceConfiguration; reprs observed under TF 2.21."""
import pickle

import pytest

from eagerflow._src.framework.device_types import (LogicalDevice, LogicalDeviceConfiguration, PhysicalDevice,
                                              VirtualDeviceConfiguration)


def test_physical_device_repr():
    device = PhysicalDevice("/physical_device:CPU:0", "CPU")
    assert repr(device) == "PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')"


def test_logical_device_repr():
    device = LogicalDevice(name="/job:localhost/replica:0/task:0/device:CPU:0", device_type="CPU")
    assert repr(device) == "LogicalDevice(name='/job:localhost/replica:0/task:0/device:CPU:0', device_type='CPU')"


def test_devices_compare_as_tuples():
    device = PhysicalDevice("a", "b")
    assert device == ("a", "b")
    assert device == LogicalDevice("a", "b")
    assert hash(device) == hash(("a", "b"))


def test_device_fields_and_replace():
    device = PhysicalDevice("/physical_device:GPU:1", "GPU")
    assert (device.name, device.device_type) == ("/physical_device:GPU:1", "GPU")
    assert device._replace(name="c") == PhysicalDevice("c", "GPU")


def test_device_requires_both_fields():
    with pytest.raises(TypeError) as info:
        PhysicalDevice("a")
    assert str(info.value) == "PhysicalDevice.__new__() missing 1 required positional argument: 'device_type'"


def test_device_pickle_round_trip():
    device = LogicalDevice("/device:CPU:0", "CPU")
    restored = pickle.loads(pickle.dumps(device))
    assert restored == device
    assert type(restored) is LogicalDevice


def test_logical_device_configuration_defaults_repr():
    assert repr(LogicalDeviceConfiguration()) == (
        "LogicalDeviceConfiguration(memory_limit=None, experimental_priority=None, "
        "experimental_device_ordinal=None)")


def test_logical_device_configuration_positional_repr():
    assert repr(LogicalDeviceConfiguration(1024, 1, 2)) == (
        "LogicalDeviceConfiguration(memory_limit=1024, experimental_priority=1, experimental_device_ordinal=2)")


def test_logical_device_configuration_as_dict():
    assert LogicalDeviceConfiguration(memory_limit=3)._asdict() == {
        "memory_limit": 3, "experimental_priority": None, "experimental_device_ordinal": None}


def test_logical_device_configuration_rejects_fourth_argument():
    with pytest.raises(TypeError) as info:
        LogicalDeviceConfiguration(1, 2, 3, 4)
    assert str(info.value) == "LogicalDeviceConfiguration.__new__() takes from 1 to 4 positional arguments but 5 were given"


def test_virtual_device_configuration_is_logical_device_configuration():
    assert VirtualDeviceConfiguration is LogicalDeviceConfiguration
    assert repr(VirtualDeviceConfiguration(memory_limit=5)) == (
        "LogicalDeviceConfiguration(memory_limit=5, experimental_priority=None, experimental_device_ordinal=None)")
