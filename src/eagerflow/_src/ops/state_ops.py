"""Variable ops: reads and updates of a variable's buffer (`ReadVariableOp`, `AssignVariableOp`...).

A resource op's first input is the variable itself (anything with `_array`, `_device` and
`_lock`). Updates write into the variable's buffer when nothing else references it and copy
first otherwise (copy-on-write), so a tensor read earlier never changes.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import errors
from eagerflow._src.framework.op import Op


def _dims(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def owns_buffer(variable: Any) -> bool:
    """True when the variable's buffer is referenced by nothing else and may be written.

    Counts references as TF's RefCountIsOne does: the variable's attribute plus the
    argument of getrefcount. Views keep their base alive, so they count too.
    """
    array = variable._array
    return (sys.getrefcount(array) <= 3 and getattr(array, "base", 0) is None
            and getattr(array.flags, "writeable", True))  # a frozen tensor array it adopted


def _var_handle(xp: Any, variable: Any) -> None:
    return None


def _assign(xp: Any, variable: Any, value: Any, move: bool = False) -> None:
    """Makes `value` the variable's value in O(1) where it can, as TF's AssignVariableOp does.

    A tensor's array is immutable, so the variable takes it as its buffer (no copy); the next
    in-place update copies first while anything else still references it (`owns_buffer`), so a
    tensor read earlier, or the assigned tensor itself, never changes. A view (whose base may be
    shared) is written into the variable's own buffer, or copied. `move` (restores: a fresh
    array nobody else keeps) takes the same aliasing path.
    """
    with variable._lock:
        if getattr(value, "base", 0) is None and (variable._array is None or type(value) is type(variable._array)):
            variable._array = value  # alias the immutable tensor's buffer; updates copy first
        # No local name for the buffer before owns_buffer: it would count as a reference.
        elif not move and variable._array is not None and variable._array.shape == value.shape \
                and owns_buffer(variable):
            variable._array[...] = value
        else:
            variable._array = xp.array(value, copy=True)


def _same_shape(variable: Any, value: Any) -> None:
    if variable._array.shape != value.shape:
        raise errors.InvalidArgumentError(
            None, None, f"Cannot update variable with shape {_dims(variable._array.shape)} using a "
            f"Tensor with shape {_dims(value.shape)}, shapes must be equal.")


def _update_in_place(ufunc_name: str) -> Any:
    """The kernel of `assign_add`/`assign_sub`: `variable = ufunc(variable, value)`, written into
    the variable's buffer when nothing else references it, else into a new one (copy-on-write)."""

    def kernel(xp: Any, variable: Any, value: Any) -> None:
        if variable._array.dtype.kind in "OSU":
            raise errors.InvalidArgumentError(None, None, _no_string_kernel(op_names[ufunc_name]))
        _same_shape(variable, value)
        ufunc = getattr(xp, ufunc_name)
        with variable._lock:
            if owns_buffer(variable):
                if not host_threads.update_in_place(ufunc, variable._array, value):
                    ufunc(variable._array, value, out=variable._array)
            else:
                variable._array = xp.asarray(ufunc(variable._array, value))  # 0-d stays an array

    return kernel


op_names = {"add": "AssignAddVariableOp", "subtract": "AssignSubVariableOp"}
_NUMERIC_KERNEL_TYPES = ("COMPLEX128", "COMPLEX64", "DOUBLE", "FLOAT", "BFLOAT16", "HALF", "INT32",
                         "INT8", "UINT8", "INT16", "UINT16", "UINT32", "INT64", "UINT64")
_XLA_KERNEL = ("  device='XLA_CPU_JIT'; dtype in [DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, "
               "DT_INT8, DT_COMPLEX64, DT_INT64, DT_BFLOAT16, DT_UINT16, DT_COMPLEX128, DT_HALF, "
               "DT_UINT32, DT_UINT64]")


def _no_string_kernel(op_name: str) -> str:
    """TF's text for assign_add/assign_sub on a string variable (no kernel is registered)."""
    lines = [f"  device='{d}'; dtype in [DT_{t}]" for d in ("DEFAULT", "CPU") for t in _NUMERIC_KERNEL_TYPES]
    # TF lists the XLA kernel last for AssignAdd and first for AssignSub.
    lines = lines + [_XLA_KERNEL] if op_name == "AssignAddVariableOp" else [_XLA_KERNEL] + lines
    kernels = "\n".join(lines)
    return (f"No OpKernel was registered to support Op '{op_name}' used by {{{{node {op_name}}}}} with "
            f"these attrs: [dtype=DT_STRING]\nRegistered devices: [CPU]\nRegistered kernels:\n"
            f"{kernels}\n\n\t [[{op_name}]]")


_assign_add = _update_in_place("add")
_assign_sub = _update_in_place("subtract")


def _read(xp: Any, variable: Any) -> Any:
    # Under the lock: a read between an update's ownership check and its write would see it.
    with variable._lock:
        return variable._array


def writable(xp: Any, variable: Any) -> Any:
    """The variable's buffer, made private first if anything else references it."""
    if not owns_buffer(variable):
        variable._array = xp.array(variable._array, copy=True)
    return variable._array


def _gather(xp: Any, variable: Any, indices: Any, axis: int = 0) -> Any:
    size = variable._array.shape[axis] if variable._array.ndim else 0
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        bad = indices[(indices < 0) | (indices >= size)].ravel()[0]
        raise errors.InvalidArgumentError(None, None, f"indices = {int(bad)} is not in [0, {size})")
    return xp.take(variable._array, indices, axis=axis)


def _scatter_nd(kind: str) -> Any:
    def forward(xp: Any, variable: Any, indices: Any, updates: Any) -> None:
        with variable._lock:
            shape = variable._array.shape
            depth = indices.shape[-1] if indices.ndim else 0
            flat = indices.reshape(-1, depth)
            for i, d in enumerate(shape[:depth]):
                col = flat[:, i]
                if col.size and (col.min() < 0 or col.max() >= d):
                    bad = flat[(col < 0) | (col >= d)][0]
                    raise errors.InvalidArgumentError(
                        None, None, f"indices{list(bad.tolist())} = {list(bad.tolist())} does not index into {_dims(shape)}")
            target = writable(xp, variable)
            idx = tuple(flat[:, i] for i in range(depth))
            upd = updates.reshape((flat.shape[0],) + shape[depth:])
            if kind == "update":
                target[idx] = upd
            elif kind == "add":
                xp.add.at(target, idx, upd) if xp.__name__ == "numpy" else target.scatter_add(idx, upd)
            elif kind == "sub":
                xp.subtract.at(target, idx, upd) if xp.__name__ == "numpy" else target.scatter_add(idx, -upd)
            elif kind == "max":
                xp.maximum.at(target, idx, upd)
            elif kind == "min":
                xp.minimum.at(target, idx, upd)

    return forward


def _strided_slice_assign(xp: Any, variable: Any, value: Any, index: Any) -> None:
    with variable._lock:
        region_shape = variable._array[index].shape
        try:
            fits = np.broadcast_shapes(value.shape, region_shape) == region_shape
        except ValueError:
            fits = False
        if not fits:  # checked before any write: a failed assign changes nothing
            raise errors.InvalidArgumentError(
                None, None, f"Cannot broadcast input shape {_dims(value.shape)} into final shape "
                f"{_dims(region_shape)}")
        target = writable(xp, variable)
        target[index] = value


VAR_HANDLE = Op("VarHandleOp", _var_handle, resource=True, num_outputs=0)
ASSIGN = Op("AssignVariableOp", _assign, resource=True, num_outputs=0)
ASSIGN_ADD = Op("AssignAddVariableOp", _assign_add, resource=True, num_outputs=0)
ASSIGN_SUB = Op("AssignSubVariableOp", _assign_sub, resource=True, num_outputs=0)
READ = Op("ReadVariableOp", _read, resource=True, grad=lambda ctx, dy: (dy,))
GATHER = Op("ResourceGather", _gather, resource=True)
SCATTER_ND_UPDATE = Op("ResourceScatterNdUpdate", _scatter_nd("update"), resource=True, num_outputs=0)
SCATTER_ND_ADD = Op("ResourceScatterNdAdd", _scatter_nd("add"), resource=True, num_outputs=0)
SCATTER_ND_SUB = Op("ResourceScatterNdSub", _scatter_nd("sub"), resource=True, num_outputs=0)
SCATTER_ND_MAX = Op("ResourceScatterNdMax", _scatter_nd("max"), resource=True, num_outputs=0)
SCATTER_ND_MIN = Op("ResourceScatterNdMin", _scatter_nd("min"), resource=True, num_outputs=0)
STRIDED_SLICE_ASSIGN = Op("ResourceStridedSliceAssign", _strided_slice_assign, resource=True, num_outputs=0)
