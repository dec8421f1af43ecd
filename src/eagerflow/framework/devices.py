"""Physical and logical devices, as `tf.config` sees them.

The CPU is always present; GPUs appear when CuPy finds CUDA (checked on first use, never at
import). Before the first op, a physical device may be split into several logical devices;
logical CPUs share the NumPy backend but are distinct placement targets.
"""
from __future__ import annotations

import importlib.util
import threading
from types import ModuleType
from typing import Any

from eagerflow import backends
from eagerflow.framework import errors

JOB_PREFIX = "/job:localhost/replica:0/task:0/device:"


class Device:
    """One logical device: where tensors live and kernels run."""

    __slots__ = ("name", "device_type", "index", "backend", "xp", "backend_index", "memory_limit")

    def __init__(self, device_type: str, index: int, backend: ModuleType, backend_index: int,
                 memory_limit: int | None = None):
        self.device_type = device_type
        self.index = index
        self.name = f"{JOB_PREFIX}{device_type}:{index}"
        self.backend = backend
        self.xp = backend.xp
        self.backend_index = backend_index
        self.memory_limit = memory_limit

    @property
    def short_name(self) -> str:
        return f"{self.device_type}:{self.index}"

    def __repr__(self) -> str:
        return f"<Device {self.name}>"


class _Registry:
    """Device configuration, frozen on first use as TensorFlow's runtime is."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.physical: list[tuple[str, int]] | None = None  # (type, index)
        self.visible: set[tuple[str, int]] | None = None
        self.logical_config: dict[tuple[str, int], list[Any]] = {}
        self.memory_growth: dict[tuple[str, int], bool] = {}
        self.logical: list[Device] | None = None
        self.by_key: dict[tuple[str, int], Device] = {}

    def physical_devices(self) -> list[tuple[str, int]]:
        if self.physical is None:
            found = [("CPU", 0)]
            gpus = _gpu_backend()
            if gpus is not None:
                found += [("GPU", i) for i in range(gpus.device_count())]
            self.physical = found
        return self.physical

    def initialized(self) -> bool:
        return self.logical is not None

    def logical_devices(self) -> list[Device]:
        if self.logical is None:
            with self._lock:
                if self.logical is None:
                    self._build()
        return self.logical  # type: ignore[return-value]

    def _build(self) -> None:
        logical: list[Device] = []
        counts: dict[str, int] = {}
        for device_type, index in self.physical_devices():
            if self.visible is not None and (device_type, index) not in self.visible:
                continue
            backend = backends.get("numpy") if device_type == "CPU" else _gpu_backend()
            configs = self.logical_config.get((device_type, index)) or [None]
            for config in configs:
                n = counts.get(device_type, 0)
                counts[device_type] = n + 1
                limit = getattr(config, "memory_limit", None)
                logical.append(Device(device_type, n, backend, index, limit))
        self.by_key = {(d.device_type, d.index): d for d in logical}
        self.logical = logical

    def reset_for_tests(self) -> None:
        self.__init__()


_gpu_module: ModuleType | None | bool = False


def _gpu_backend() -> ModuleType | None:
    """The CuPy backend when CuPy is installed and sees a CUDA device; else None."""
    global _gpu_module
    if _gpu_module is False:
        _gpu_module = None
        if importlib.util.find_spec("cupy") is not None:
            try:
                module = backends.get("cupy")
                if module.is_available():
                    _gpu_module = module
            except ImportError:
                _gpu_module = None
    return _gpu_module  # type: ignore[return-value]


registry = _Registry()


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


def not_found(spec: str) -> errors.OpError:
    return errors.InvalidArgumentError(None, None, f"Could not satisfy device specification '{spec}'")
