"""Device records from `tf.config`: `PhysicalDevice`, `LogicalDevice`, `LogicalDeviceConfiguration`."""
from __future__ import annotations

import collections
from typing import Any

__all__ = ["LogicalDevice", "LogicalDeviceConfiguration", "PhysicalDevice",
           "VirtualDeviceConfiguration"]


class PhysicalDevice(collections.namedtuple("PhysicalDevice", ["name", "device_type"])):
    """Abstraction for a locally visible physical device (`tf.config.PhysicalDevice`).

    Fields:
      name: Unique identifier for device, e.g. `/physical_device:CPU:0`.
      device_type: String declaring the type of device such as "CPU" or "GPU".
    """


class LogicalDevice(collections.namedtuple("LogicalDevice", ["name", "device_type"])):
    """Abstraction for a logical device initialized by the runtime (`tf.config.LogicalDevice`).

    Fields:
      name: The fully qualified name of the device. Can be used for op placement.
      device_type: String declaring the type of device such as "CPU" or "GPU".
    """


class LogicalDeviceConfiguration(collections.namedtuple(
        "LogicalDeviceConfiguration",
        ["memory_limit", "experimental_priority", "experimental_device_ordinal"])):
    """Configuration for a logical device (`tf.config.LogicalDeviceConfiguration`).

    Fields:
      memory_limit: (optional) Maximum memory (in MB) to allocate on the virtual device.
      experimental_priority: (optional) Priority of the virtual device; lower is higher.
      experimental_device_ordinal: (optional) Ordinal number to order the virtual device.
    """

    def __new__(cls, memory_limit: Any = None, experimental_priority: Any = None,
                experimental_device_ordinal: Any = None):
        return super().__new__(cls, memory_limit, experimental_priority,
                               experimental_device_ordinal)


# TF exports the same class as tf.config.experimental.VirtualDeviceConfiguration.
VirtualDeviceConfiguration = LogicalDeviceConfiguration
