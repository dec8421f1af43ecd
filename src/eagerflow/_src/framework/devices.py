"""Physical and logical devices, as `tf.config` sees them.

The CPU is always present; GPUs appear when CuPy finds CUDA (asked on first use, never at
import). Until the runtime initializes (the first op, tensor, or `list_logical_devices`),
devices may be hidden (`set_visible_devices`) and split into logical devices
(`set_logical_device_configuration`); afterwards a change raises TF's RuntimeError and an
unchanged setting is accepted, as TF does. Logical CPUs share the NumPy backend but are
distinct placement targets; logical GPUs split from one physical GPU share its CuPy pool,
capped at the sum of their memory limits.
"""
from __future__ import annotations

import importlib.util
import threading
from types import ModuleType
from typing import Any

from eagerflow._src import backends
from eagerflow._src.framework import context, errors
from eagerflow._src.framework.device_spec import DeviceSpec
from eagerflow._src.framework.device_types import LogicalDevice, PhysicalDevice

JOB_PREFIX = "/job:localhost/replica:0/task:0/device:"
# TF lists supported device types by priority: an op with no scope prefers a GPU.
TYPE_PRIORITY = ("GPU", "CPU")


class Device:
    """One logical device: where tensors live and kernels run."""

    __slots__ = ("name", "device_type", "index", "backend", "xp", "backend_index",
                 "memory_limit", "checks_dtypes", "needs_switch")

    def __init__(self, device_type: str, index: int, backend: ModuleType, backend_index: int,
                 memory_limit: int | None = None):
        self.device_type = device_type
        self.index = index
        self.name = f"{JOB_PREFIX}{device_type}:{index}"
        self.backend = backend
        self.xp = backend.xp
        self.backend_index = backend_index  # the physical device's index in its backend
        self.memory_limit = memory_limit  # MB, as LogicalDeviceConfiguration gives it
        self.checks_dtypes = backend.name != "numpy"  # the host holds every dtype
        # Kernels for GPU i > 0 must run inside cupy.cuda.Device(i); CUDA's current device is
        # 0 in every thread unless changed, so GPU 0 and the host need no switch.
        self.needs_switch = self.checks_dtypes and backend_index != 0

    @property
    def short_name(self) -> str:
        return f"{self.device_type}:{self.index}"

    def supports(self, np_dtype: Any) -> bool:
        return self.backend.supports(np_dtype)

    def __repr__(self) -> str:
        return f"<Device {self.name}>"


class _Registry:
    """Device configuration, frozen on first use as TensorFlow's runtime is."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.physical: list[PhysicalDevice] | None = None
        self.visible: list[PhysicalDevice] | None = None  # None: all physical devices
        self.logical_config: dict[PhysicalDevice, list[Any]] = {}
        self.memory_growth: dict[PhysicalDevice, bool] = {}
        self.logical: list[Device] | None = None
        self.by_key: dict[tuple[str, int], Device] = {}

    # --- physical devices ----------------------------------------------------------------------
    def physical_devices(self) -> list[PhysicalDevice]:
        if self.physical is None:
            with self._lock:
                if self.physical is None:
                    found = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
                    gpus = gpu_backend()
                    if gpus is not None:
                        found += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU")
                                  for i in range(gpus.device_count())]
                    self.physical = found
        return self.physical

    def visible_devices(self) -> list[PhysicalDevice]:
        physical = self.physical_devices()
        return list(physical if self.visible is None else self.visible)

    def check_physical(self, device: Any) -> PhysicalDevice:
        if device not in self.physical_devices():
            raise ValueError(f"Unrecognized device: {device!r}")
        return device

    # --- initialization ------------------------------------------------------------------------
    def initialized(self) -> bool:
        return self.logical is not None

    def logical_devices(self) -> list[Device]:
        if self.logical is None:
            with self._lock:
                if self.logical is None:
                    self._build()
        return self.logical  # type: ignore[return-value]

    def _build(self) -> None:
        visible = self.visible_devices()
        if not any(d.device_type == "CPU" for d in visible):
            raise errors.NotFoundError(None, None, "No CPU devices are available in this process")
        logical: list[Device] = []
        counts: dict[str, int] = {}
        for device_type in ("CPU", "GPU"):  # TF numbers CPUs first, then GPUs
            for physical in (d for d in visible if d.device_type == device_type):
                index = int(physical.name.rsplit(":", 1)[1])
                backend = backends.get("numpy") if device_type == "CPU" else gpu_backend()
                configs = self.logical_config.get(physical) or [None]
                limits = [getattr(c, "memory_limit", None) for c in configs]
                if device_type == "GPU" and any(limit is not None for limit in limits):
                    backend.set_memory_limit(index, sum(limits) * (1 << 20))
                for limit in limits:
                    n = counts.get(device_type, 0)
                    counts[device_type] = n + 1
                    logical.append(Device(device_type, n, backend, index, limit))
        self.by_key = {(d.device_type, d.index): d for d in logical}
        self.logical = logical

    def reset_for_tests(self) -> None:
        """Forgets configuration and devices (tests only: tensors made before keep old devices)."""
        self.__init__()
        context.flags.default_device = None
        context.flags.fast_device = None
        context.thread.device = None  # this thread only: tests reset from the main thread
        context.clear_scope_cache()


_gpu_module: ModuleType | None | bool = False


def gpu_backend() -> ModuleType | None:
    """The CuPy backend when CuPy is installed and sees a CUDA device; else None."""
    global _gpu_module
    if _gpu_module is False:
        module = None
        if importlib.util.find_spec("cupy") is not None:
            try:
                candidate = backends.get("cupy")
            except ImportError:  # CuPy without its CUDA libraries: no GPU, as TF without CUDA
                candidate = None
            if candidate is not None and candidate.is_available():
                module = candidate
        _gpu_module = module
    return _gpu_module  # type: ignore[return-value]


registry = _Registry()


# --- what the op path asks -------------------------------------------------------------------
def logical_devices() -> list[Device]:
    return registry.logical_devices()


def find(device_type: str, index: int) -> Device | None:
    registry.logical_devices()
    return registry.by_key.get((device_type, index))


def cpu0() -> Device:
    registry.logical_devices()
    return registry.by_key[("CPU", 0)]


def default_device() -> Device:
    """GPU:0 when present, else CPU:0 (TF's eager default)."""
    registry.logical_devices()
    return registry.by_key.get(("GPU", 0)) or registry.by_key[("CPU", 0)]


def multi_device() -> bool:
    return len(registry.logical_devices()) > 1


def supported_types() -> list[str]:
    present = {d.device_type for d in registry.logical_devices()}
    return [t for t in TYPE_PRIORITY if t in present]


# --- tf.config -------------------------------------------------------------------------------
def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """Physical devices seen by the runtime, optionally of one type (case-sensitive).

    Does not initialize the runtime, so devices can still be configured afterwards.
    """
    found = registry.physical_devices()
    if device_type is None:
        return list(found)
    return [d for d in found if d.device_type == device_type]


def list_logical_devices(device_type: str | None = None) -> list[LogicalDevice]:
    """Logical devices created by the runtime; initializes it (configuration freezes)."""
    found = [LogicalDevice(f"/device:{d.device_type}:{d.index}", d.device_type)
             for d in registry.logical_devices()]
    if device_type is None:
        return found
    return [d for d in found if d.device_type == device_type]


def get_visible_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """Physical devices the runtime may use (all of them unless `set_visible_devices` hid some)."""
    visible = registry.visible_devices()
    if device_type is None:
        return visible
    return [d for d in visible if d.device_type == device_type]


def set_visible_devices(devices: Any, device_type: str | None = None) -> None:
    """Makes only `devices` (of `device_type`, when given) visible to the runtime.

    Raises:
      ValueError: a device is not a physical device (of `device_type`).
      RuntimeError: the runtime is initialized and the visible list would change.
    """
    with registry._lock:
        registry.physical_devices()
        if not isinstance(devices, list):
            devices = [devices]
        for d in devices:
            registry.check_physical(d)
            if device_type is not None and d.device_type != device_type:
                raise ValueError(f"Unrecognized device: {d!r}")
        current = registry.visible_devices()
        wanted = [] if device_type is None else [d for d in current if d.device_type != device_type]
        wanted += devices
        if current == wanted:
            return
        if registry.initialized():
            raise RuntimeError("Visible devices cannot be modified after being initialized")
        registry.visible = wanted


def get_logical_device_configuration(device: Any) -> list[Any] | None:
    """The `LogicalDeviceConfiguration` list set for a physical device, or None."""
    return registry.logical_config.get(registry.check_physical(device))


def set_logical_device_configuration(device: Any, logical_devices: Any) -> None:
    """Splits a physical device into logical devices, one per `LogicalDeviceConfiguration`.

    CPUs take configurations without fields; GPUs need a `memory_limit` (MB) on each.
    Validates everything before storing anything.

    Raises:
      ValueError: unknown device, a memory limit on a CPU, no memory limit on a GPU.
      RuntimeError: the runtime is initialized and the configuration would change.
    """
    with registry._lock:
        registry.check_physical(device)
        if device.device_type == "CPU":
            for config in logical_devices:
                if config.memory_limit is not None:
                    raise ValueError("Setting memory limit on CPU virtual devices is currently not supported")
                # TF's two messages below carry a double space.
                if config.experimental_priority is not None:
                    raise ValueError("Setting experimental_priority on CPU virtual  devices is currently not supported")
                if config.experimental_device_ordinal is not None:
                    raise ValueError("Setting experimental_device_ordinal on CPU virtual  devices is currently not supported")
        elif device.device_type == "GPU":
            for config in logical_devices:
                if config.memory_limit is None:
                    raise ValueError("Setting memory limit is required for GPU virtual devices")
        else:
            raise ValueError(f"Virtual devices are not supported for {device.device_type}")
        if registry.logical_config.get(device) == logical_devices:
            return
        if registry.initialized():
            raise RuntimeError("Virtual devices cannot be modified after being initialized")
        registry.logical_config[device] = list(logical_devices)


def get_memory_growth(device: Any) -> bool:
    """Whether memory growth was enabled for a GPU (KeyError when never set, as in TF)."""
    return registry.memory_growth[registry.check_physical(device)]


def set_memory_growth(device: Any, enable: bool) -> None:
    """Records memory growth for a GPU. CuPy's pool always grows on demand, so this is the
    only setting it has; it is kept so TF code runs and reads back what it set."""
    with registry._lock:
        registry.check_physical(device)
        if device in registry.logical_config:
            raise ValueError("Cannot set memory growth on device when virtual devices configured")
        if device.device_type != "GPU":
            raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")
        if registry.memory_growth.get(device) == enable:
            return
        if registry.initialized():
            raise RuntimeError("Physical devices cannot be modified after being initialized")
        registry.memory_growth[device] = enable


def get_device_details(device: Any) -> dict[str, Any]:
    """TF's details of a physical device: {} for a CPU; name and compute capability for a GPU."""
    registry.check_physical(device)
    if device.device_type != "GPU":
        return {}
    return gpu_backend().device_details(int(device.name.rsplit(":", 1)[1]))  # type: ignore[union-attr]


def _match_one(device: str) -> Device:
    """The one logical device a string like 'GPU:0' names, with TF's errors."""
    try:
        spec = DeviceSpec.from_string(device)
    except (ValueError, TypeError):
        spec = None
    if spec is None or (spec.device_type is not None and spec.device_index is None
                        and not device.rstrip().endswith("*")):
        raise ValueError(f"Failed parsing device name: {device!r}. Note a valid device string "
                         f"should at least contain a device type and a device index, like \"GPU:0\".")
    device_type = spec.device_type
    if device_type is not None and f"{device_type}:" not in device:
        device_type = device  # 'cpu:0': TF matches device types case-sensitively here
    matches = [d for d in registry.logical_devices()
               if spec.job in (None, "localhost") and spec.replica in (None, 0)
               and spec.task in (None, 0) and device_type in (None, d.device_type)
               and spec.device_index in (None, d.index)]
    if not matches:
        raise ValueError(f"No matching devices found for {device!r}")
    if len(matches) > 1:
        raise ValueError(f"Multiple devices match the provided string {device!r}: "
                         f"{matches[0].name!r} and {matches[1].name!r}.")
    return matches[0]


def get_memory_info(device: str) -> dict[str, int]:
    """{'current': bytes in use, 'peak': most bytes seen} for a device such as 'GPU:0'.

    CPUs report zeros, as TF 2.21's CPU allocator does. Initializes the runtime.

    Raises:
      ValueError: a malformed name, no device or several devices matching it.
    """
    found = _match_one(device)
    return found.backend.memory_info(found.backend_index)


def reset_memory_stats(device: str) -> None:
    """Sets the device's tracked peak memory to its current usage."""
    found = _match_one(device)
    found.backend.reset_memory_stats(found.backend_index)
