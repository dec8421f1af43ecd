"""Device strings as strategies take them ("CPU:1", "/gpu:0") turned into full device names."""
from __future__ import annotations

from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.device_spec import DeviceSpec


def canonicalize(name: str) -> str:
    """The full name of the local device `name` denotes.

    Raises:
      ValueError: no such device exists in this process.
    """
    spec = DeviceSpec.from_string(name)
    device_type = (spec.device_type or "CPU").upper()
    found = devices_lib.find(device_type, spec.device_index or 0)
    if found is None:
        raise ValueError(f"Device {name!r} does not exist; available: "
                         f"{[d.name for d in devices_lib.logical_devices()]}")
    return found.name


def default_compute_devices() -> list[str]:
    """Every GPU, else CPU:0 (TF's default for MirroredStrategy and CentralStorageStrategy)."""
    gpus = [d.name for d in devices_lib.logical_devices() if d.device_type == "GPU"]
    return gpus or [devices_lib.cpu0().name]
