"""In-process reductions between local devices: gather onto one device, add, copy back.

Every move between devices goes through the op pipeline, so the transfer statistics count
it (TF's ReductionToOneDevice: reduce on one device, then broadcast).
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.ops import array_ops, join_split_ops, math_ops


def sum_on_device(parts: list, device: str) -> Any:
    """The elementwise sum of `parts` (tensors on any devices), computed on `device`."""
    if len(parts) == 1:
        t = convert_to_tensor(parts[0])
        if not device or t.device == device:
            return t  # tensors are immutable: nothing to copy (and no scope to enter)
        with device_scope(device):
            return array_ops.identity(t)
    with device_scope(device or None):
        return math_ops.add_n([convert_to_tensor(p) for p in parts])


def divide(tensor: Any, n: int, device: str) -> Any:
    """`tensor / n` on `device`; integers truncate toward zero as TF's integer mean does."""
    with device_scope(device or None):
        if tensor.dtype.is_floating or tensor.dtype.is_complex:
            return math_ops.truediv(tensor, math_ops.cast(n, tensor.dtype))
        return math_ops.truncatediv(tensor, math_ops.cast(n, tensor.dtype))


def copy_to(tensor: Any, device: str) -> Any:
    """`tensor` on `device` (a counted copy when it lives elsewhere)."""
    with device_scope(device or None):
        return array_ops.identity(tensor)


def concat_on_device(parts: list, axis: int, device: str) -> Any:
    with device_scope(device or None):
        return join_split_ops.concat([convert_to_tensor(p) for p in parts], axis)
