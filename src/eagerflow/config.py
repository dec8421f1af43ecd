"""`tf.config` and `tf.config.experimental`: re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.framework import config as _config
from eagerflow._src.framework.config import get_soft_device_placement, set_soft_device_placement
from eagerflow._src.function.polymorphic_function import functions_run_eagerly, run_functions_eagerly
from eagerflow._src.framework import device_types as _device_types
from eagerflow._src.framework import devices as _devices
from eagerflow._src.framework.device_types import LogicalDevice, LogicalDeviceConfiguration, PhysicalDevice
from eagerflow._src.framework.devices import (
    get_logical_device_configuration, get_visible_devices, list_logical_devices,
    list_physical_devices, set_logical_device_configuration, set_visible_devices,
)

# TF's `tf.config.experimental`: the device functions again, under their older names too.
experimental = _Namespace(
    VirtualDeviceConfiguration=_device_types.VirtualDeviceConfiguration,
    get_device_details=_devices.get_device_details,
    get_memory_growth=_devices.get_memory_growth,
    get_memory_info=_devices.get_memory_info,
    get_virtual_device_configuration=get_logical_device_configuration,
    get_visible_devices=get_visible_devices,
    list_logical_devices=list_logical_devices,
    list_physical_devices=list_physical_devices,
    reset_memory_stats=_devices.reset_memory_stats,
    set_memory_growth=_devices.set_memory_growth,
    set_virtual_device_configuration=set_logical_device_configuration,
    set_visible_devices=set_visible_devices,
)

# TF's `tf.config.threading`.
threading = _Namespace(
    get_inter_op_parallelism_threads=_config.get_inter_op_parallelism_threads,
    get_intra_op_parallelism_threads=_config.get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads=_config.set_inter_op_parallelism_threads,
    set_intra_op_parallelism_threads=_config.set_intra_op_parallelism_threads,
)

__all__ = [
    "LogicalDevice", "LogicalDeviceConfiguration", "PhysicalDevice", "experimental",
    "functions_run_eagerly", "run_functions_eagerly",
    "get_logical_device_configuration", "get_soft_device_placement", "get_visible_devices",
    "list_logical_devices", "list_physical_devices", "set_logical_device_configuration",
    "set_soft_device_placement", "set_visible_devices", "threading",
]
