"""CPU backend: NumPy arrays. Every backend module exposes the same few names.

`xp`, `name`, `is_available`, `device_count`, `supports`, `from_host`, `to_host`, `copy`,
`update_in_place`, `device_context`, `memory_info`, `reset_memory_stats`, `set_memory_limit`,
`device_details`. Logical CPUs all share this backend; `device_index` is accepted and ignored.
"""
from __future__ import annotations

import contextlib
from typing import Any

import numpy

from eagerflow._src.backends import host_memory

xp = numpy
name = "numpy"
host_memory.tune()


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def supports(dtype: Any) -> bool:
    """Whether arrays of NumPy `dtype` can live here (every dtype on the host)."""
    return True


def from_host(array: Any, device_index: int = 0) -> numpy.ndarray:
    """A host (NumPy) array as this backend's array: the same object, no copy."""
    return array


def to_host(array: Any) -> numpy.ndarray:
    """The array itself (the tensor's own: callers copy). Other backends return fresh memory."""
    return array


def copy(array: Any, device_index: int = 0) -> Any:
    """A fresh array with the same contents, owned by nobody else."""
    out = numpy.empty_like(array)
    numpy.copyto(out, array)
    return out


def update_in_place(target: numpy.ndarray, value: Any) -> None:
    numpy.copyto(target, value, casting="unsafe")


def device_context(device_index: int = 0) -> contextlib.nullcontext:
    """Makes `device_index` current for allocations and kernels (nothing to do on the host)."""
    return contextlib.nullcontext()


def memory_info(device_index: int = 0) -> dict[str, int]:
    # TF 2.21's CPU allocator reports no usage: {'current': 0, 'peak': 0}.
    return {"current": 0, "peak": 0}


def reset_memory_stats(device_index: int = 0) -> None:
    return None


def set_memory_limit(device_index: int, limit_bytes: int | None) -> None:
    return None


def device_details(device_index: int = 0) -> dict[str, Any]:
    return {}
