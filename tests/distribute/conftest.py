"""Three logical CPUs for the strategy tests.

The device registry freezes at first use, so each test gets a fresh registry split into
three logical CPUs (`reset_for_tests`) and the process's original one back afterwards.
"""
import pytest

from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.device_types import LogicalDeviceConfiguration


@pytest.fixture
def three_cpus():
    devices_lib.registry.reset_for_tests()
    cpu = devices_lib.list_physical_devices("CPU")[0]
    devices_lib.set_logical_device_configuration(cpu, [LogicalDeviceConfiguration()] * 3)
    names = [d.name for d in devices_lib.logical_devices() if d.device_type == "CPU"]
    yield names
    devices_lib.registry.reset_for_tests()
