"""DLPack exchange: tensors to and from capsules or any `__dlpack__` producer, without copies.

A tensor's buffer is read-only (tensors are immutable), which only DLPack 1.0 can say: tensors
export versioned capsules ("dltensor_versioned", read-only flag set) when asked for them (NumPy,
CuPy and PyTorch consumers ask), and `to_dlpack` falls back to one when the legacy
"dltensor" export is refused for that reason. Imports keep the producer's memory.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import devices
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor

_KDL_CPU, _KDL_CUDA, _KDL_CUDA_HOST = 1, 2, 3


class _CapsuleProducer:
    """Presents a bare capsule as the `__dlpack__` producer that `from_dlpack` functions want."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._capsule

    def __dlpack_device__(self) -> tuple[int, int]:
        return _capsule_device(self._capsule)


def _capsule_device(capsule: Any) -> tuple[int, int]:
    """(device type, device id) read from a capsule's DLTensor."""
    import ctypes

    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    name = get_name(capsule)
    if name not in (b"dltensor", b"dltensor_versioned"):
        raise ValueError("from_dlpack expects an unconsumed DLPack capsule named 'dltensor'")
    pointer = get_pointer(capsule, name)
    # DLManagedTensorVersioned: version (2 x uint32), manager_ctx, deleter, flags (uint64),
    # then the DLTensor; the legacy DLManagedTensor starts with the DLTensor.
    offset = 8 + 2 * ctypes.sizeof(ctypes.c_void_p) + 8 if name == b"dltensor_versioned" else 0
    device = (ctypes.c_int32 * 2).from_address(pointer + offset + ctypes.sizeof(ctypes.c_void_p))
    return int(device[0]), int(device[1])


def _device_for(device_type: int, device_id: int) -> Any:
    if device_type == _KDL_CUDA:
        gpu = devices.find("GPU", device_id)
        if gpu is None:
            raise ValueError(f"DLPack tensor on CUDA device {device_id}, which eagerflow does not see")
        return gpu
    return devices.cpu0()


def from_dlpack(dlcapsule: Any) -> Tensor:
    """A tensor sharing the memory of a DLPack capsule (or of any object with `__dlpack__`).

    Args:
      dlcapsule: a PyCapsule named "dltensor" (as `to_dlpack` and other frameworks make), or
        an array with `__dlpack__` (NumPy, CuPy, PyTorch, JAX): CPU memory is taken as is,
        CUDA memory as a CuPy array on the matching GPU.
    """
    producer = dlcapsule if hasattr(dlcapsule, "__dlpack__") else _CapsuleProducer(dlcapsule)
    device_type, device_id = producer.__dlpack_device__()
    device = _device_for(device_type, device_id)
    if device_type == _KDL_CUDA:
        array = device.xp.from_dlpack(producer)
    else:
        array = np.from_dlpack(producer)
        if array.flags.writeable:  # shared with the producer; our view stays read-only
            array = array.view()
            array.flags.writeable = False
    return EagerTensor(array, device)


def to_dlpack(tf_tensor: Any) -> Any:
    """A DLPack capsule of the tensor's memory (no copy); consumed once by a `from_dlpack`."""
    tensor = convert_to_tensor(tf_tensor)
    array = tensor._array
    try:
        return array.__dlpack__()
    except BufferError:  # read-only memory: only DLPack 1.0 capsules can carry that flag
        return array.__dlpack__(max_version=(1, 0))


def _tensor_dlpack(self: Tensor, *, stream: Any = None, max_version: Any = None,
                   dl_device: Any = None, copy: Any = None) -> Any:
    kwargs = {"max_version": max_version} if max_version is not None else {}
    if stream is not None:
        kwargs["stream"] = stream
    return self._array.__dlpack__(**kwargs)


def _tensor_dlpack_device(self: Tensor) -> tuple:
    return self._array.__dlpack_device__()


def install(cls: type) -> None:
    """Gives `cls` the array API's `__dlpack__`/`__dlpack_device__` (TF's tensors have them)."""
    cls.__dlpack__ = _tensor_dlpack
    cls.__dlpack_device__ = _tensor_dlpack_device


install(EagerTensor)
