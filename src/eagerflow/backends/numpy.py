"""CPU backend: NumPy arrays. Every backend module exposes the same few names."""
from __future__ import annotations

from typing import Any

import numpy

xp = numpy
name = "numpy"


def is_available() -> bool:
    return True


def device_count() -> int:
    return 1


def from_host(array: Any, device_index: int = 0) -> numpy.ndarray:
    """A host (NumPy) array as this backend's array: the same object, no copy."""
    return array


def to_host(array: Any) -> numpy.ndarray:
    return array


def copy(array: Any, device_index: int = 0) -> Any:
    """A fresh array with the same contents, owned by nobody else."""
    return numpy.array(array, copy=True)


def update_in_place(target: numpy.ndarray, value: Any) -> None:
    numpy.copyto(target, value, casting="unsafe")


def memory_info(device_index: int = 0) -> dict[str, int]:
    raise ValueError("get_memory_info is not supported for CPU devices")
