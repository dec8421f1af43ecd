"""CUDA backend: CuPy arrays, one CuPy device per physical GPU. Same names as backends/numpy.py.

Imported only when devices are first listed or used (`framework/devices`), never by
`import eagerflow`. Kernels and allocations for GPU `i` run inside `cupy.cuda.Device(i)`;
copies to the host (`to_host`) synchronize, as `cupy.asnumpy` does.
"""
from __future__ import annotations

import threading
from typing import Any

import cupy
import numpy

xp = cupy
name = "cupy"

# NumPy scalar types CuPy can hold. Strings (object), bfloat16, float8 and int4 stay on the host.
_SUPPORTED = frozenset({
    numpy.bool_, numpy.int8, numpy.int16, numpy.int32, numpy.int64, numpy.uint8, numpy.uint16,
    numpy.uint32, numpy.uint64, numpy.float16, numpy.float32, numpy.float64, numpy.complex64,
    numpy.complex128,
})
_peak: dict[int, int] = {}
_peak_lock = threading.Lock()


def is_available() -> bool:
    """True when CuPy sees a CUDA device. Asks the driver; never allocates."""
    try:
        return bool(cupy.cuda.is_available())
    except Exception:  # a broken driver or runtime means "no GPU", as TF treats it
        return False


def device_count() -> int:
    return int(cupy.cuda.runtime.getDeviceCount())


def supports(dtype: Any) -> bool:
    """Whether arrays of NumPy `dtype` can live on the GPU."""
    return numpy.dtype(dtype).type in _SUPPORTED


def from_host(array: Any, device_index: int = 0) -> Any:
    """A host (NumPy) array copied into a fresh CuPy array on GPU `device_index`."""
    with cupy.cuda.Device(device_index):
        return cupy.asarray(array)


def to_host(array: Any) -> numpy.ndarray:
    """A fresh NumPy array with the contents of `array` (synchronizes its stream)."""
    return cupy.asnumpy(array)


def copy(array: Any, device_index: int = 0) -> Any:
    """A fresh array on GPU `device_index` with the contents of `array` (any GPU)."""
    source = array.device.id
    if source != device_index:
        # A peer copy is not ordered after work still queued on the source GPU.
        with cupy.cuda.Device(source):
            cupy.cuda.get_current_stream().synchronize()
    with cupy.cuda.Device(device_index):
        return array.copy()


def update_in_place(target: Any, value: Any) -> None:
    with target.device:
        if isinstance(value, numpy.ndarray):
            value = cupy.asarray(value)
        cupy.copyto(target, value, casting="unsafe")


def device_context(device_index: int = 0) -> Any:
    """Makes GPU `device_index` current for allocations and kernels (`with` statement)."""
    return cupy.cuda.Device(device_index)


def memory_info(device_index: int = 0) -> dict[str, int]:
    """Bytes held by arrays on GPU `device_index` (CuPy's pool), and the peak seen so far.

    The peak is sampled: it is the largest usage observed by `memory_info` calls and by
    `sample_peak`, since CuPy's pool does not record a high-water mark.
    """
    current = _used_bytes(device_index)
    with _peak_lock:
        peak = max(_peak.get(device_index, 0), current)
        _peak[device_index] = peak
    return {"current": current, "peak": peak}


def reset_memory_stats(device_index: int = 0) -> None:
    """Sets the tracked peak to the current usage, as TF does."""
    current = _used_bytes(device_index)
    with _peak_lock:
        _peak[device_index] = current


def set_memory_limit(device_index: int, limit_bytes: int | None) -> None:
    """Caps CuPy's pool on GPU `device_index` (None: no cap)."""
    with cupy.cuda.Device(device_index):
        cupy.get_default_memory_pool().set_limit(size=limit_bytes or 0)


def device_details(device_index: int = 0) -> dict[str, Any]:
    """TF's `get_device_details` for a GPU: its name and compute capability."""
    props = cupy.cuda.runtime.getDeviceProperties(device_index)
    device_name = props["name"]
    if isinstance(device_name, bytes):
        device_name = device_name.decode("utf-8", "replace")
    return {"compute_capability": (int(props["major"]), int(props["minor"])),
            "device_name": device_name}


def _used_bytes(device_index: int) -> int:
    # The default pool keeps one sub-pool per device and reports the current device's.
    with cupy.cuda.Device(device_index):
        return int(cupy.get_default_memory_pool().used_bytes())
