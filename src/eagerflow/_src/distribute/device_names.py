"""Device strings as strategies take them ("CPU:1", "/gpu:0") turned into full device names."""
from __future__ import annotations

from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.device_spec import DeviceSpec


def canonicalize(name: str) -> str:
    """The full name `name` denotes (`/job:localhost/replica:0/task:0/device:CPU:1`), whether or
    not that device exists: as in TF, a strategy over missing devices is soft-placed (its
    variables and ops land on CPU:0 while keeping their replicas).

    Raises:
      ValueError: `name` is not a device string.
    """
    spec = DeviceSpec.from_string(name)
    device_type = (spec.device_type or "CPU").upper()
    found = devices_lib.find(device_type, spec.device_index or 0)
    if found is not None:
        return found.name
    return f"/job:localhost/replica:0/task:0/device:{device_type}:{spec.device_index or 0}"


def default_compute_devices() -> list[str]:
    """Every GPU, else CPU:0 (TF's default for MirroredStrategy and CentralStorageStrategy)."""
    gpus = [d.name for d in devices_lib.logical_devices() if d.device_type == "GPU"]
    return gpus or [devices_lib.cpu0().name]
