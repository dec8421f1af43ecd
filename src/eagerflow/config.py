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

# TF's `tf.config.optimizer`, and the runtime switches of `tf.config.experimental` that
# eagerflow records (see _src/framework/runtime_options.py).
from eagerflow._src.framework import runtime_options as _runtime  # noqa: E402

experimental_functions_run_eagerly = functions_run_eagerly
experimental_run_functions_eagerly = run_functions_eagerly
optimizer = _Namespace(
    get_experimental_options=_runtime.get_experimental_options, get_jit=_runtime.get_jit,
    set_experimental_options=_runtime.set_experimental_options, set_jit=_runtime.set_jit,
)
experimental.disable_mlir_bridge = _runtime.disable_mlir_bridge
experimental.enable_mlir_bridge = _runtime.enable_mlir_bridge
experimental.enable_op_determinism = _runtime.enable_op_determinism
experimental.enable_tensor_float_32_execution = _runtime.enable_tensor_float_32_execution
experimental.get_device_policy = _runtime.get_device_policy
experimental.get_memory_usage = _runtime.get_memory_usage
experimental.get_synchronous_execution = _runtime.get_synchronous_execution
experimental.set_device_policy = _runtime.set_device_policy
experimental.set_synchronous_execution = _runtime.set_synchronous_execution
experimental.tensor_float_32_execution_enabled = _runtime.tensor_float_32_execution_enabled
