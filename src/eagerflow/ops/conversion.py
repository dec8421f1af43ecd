"""Argument conversion shared by every op function (step 1 of the op path, written once).

Python scalars take the other operand's dtype; tensors are never promoted silently: a
mismatch raises TF's InvalidArgumentError.
"""
from __future__ import annotations

from typing import Any

from eagerflow.framework import context, errors
from eagerflow.framework.convert import convert_to_tensor, scalar_or_constant
from eagerflow.framework.op import Op, cpp_name
from eagerflow.framework.tensor import Tensor


def mismatch(op: Op, x: Tensor, y: Tensor, index: int = 1) -> errors.OpError:
    expected, got = (x, y) if index == 1 else (y, x)
    return errors.op_error(
        errors.InvalidArgumentError,
        f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a "
        f"{cpp_name(expected.dtype)} tensor but is a {cpp_name(got.dtype)} tensor", op.name)


_flags = context.flags
_thread = context.thread
_SCALAR_TYPES = frozenset((float, int, bool))
# (type, value, NumPy dtype) -> constant on the default device, for operands like the 2.0 in
# `x * 2.0` outside device scopes. -0.0 and NaN are never cached (they compare unlike keys).
_scalars: dict = {}


def _scalar_like(value: Any, other: Tensor, strict: bool) -> Tensor:
    key = (type(value), value, other._array.dtype)
    cached = _scalars.get(key)
    if cached is not None and cached._device is _flags.default_device and _thread.device_name is None:
        return cached
    try:
        tensor = scalar_or_constant(value, other.dtype)
    except (TypeError, ValueError):
        if strict:
            raise
        return convert_to_tensor(value)
    if value == value and (value or str(value)[0] != "-"):
        if len(_scalars) > 4096:
            _scalars.clear()
        _scalars[key] = tensor
    return tensor


def _like(value: Any, other: Tensor, strict: bool = True) -> Tensor:
    """`value` converted with `other`'s dtype as the target.

    Strict (most TF ops): a Python value that does not fit raises TF's TypeError. Otherwise
    (`tf.add`, `x + y`, which pass TF's `dtype_hint`): it keeps its own dtype, and the op
    reports the mismatch.
    """
    if type(value) is Tensor:
        return value
    if type(value) in _SCALAR_TYPES:
        return _scalar_like(value, other, strict)
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(None)
    try:
        return scalar_or_constant(value, other.dtype)
    except (TypeError, ValueError):
        if strict:
            raise
        return convert_to_tensor(value)


def binary(op: Op, x: Any, y: Any, strict: bool = True) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of one dtype, or TF's error (see `_like` for `strict`)."""
    if type(x) is not Tensor:
        if type(y) is Tensor or hasattr(y, "_as_tensor"):
            y = convert_to_tensor(y)
            x = _like(x, y, strict)
        else:
            x = convert_to_tensor(x)
            y = _like(y, x, strict)
    elif type(y) is not Tensor:
        y = _like(y, x, strict)
    if x._array.dtype != y._array.dtype:
        raise mismatch(op, x, y)
    return x, y


def same_dtype(op: Op, values: list) -> list[Tensor]:
    """A list of operands as tensors of the first tensor's dtype (add_n, concat, stack...)."""
    first = next((v for v in values if type(v) is Tensor or hasattr(v, "_as_tensor")), None)
    if first is None:
        tensors = [convert_to_tensor(values[0])]
        first = tensors[0]
        rest = values[1:]
    else:
        first = convert_to_tensor(first)
        tensors = []
        rest = values
    for v in rest:
        t = _like(v, first, strict=False)
        if t._array.dtype != first._array.dtype:
            raise mismatch(op, first, t, index=len(tensors))
        tensors.append(t)
    return tensors


def tensor(value: Any, dtype: Any = None) -> Tensor:
    if type(value) is Tensor and dtype is None:
        return value
    return convert_to_tensor(value, dtype)


def like(value: Any, other: Tensor, strict: bool = True) -> Tensor:
    """`value` as a tensor of `other`'s dtype where it fits (see `_like`)."""
    return _like(value, other, strict)


def is_tensor_like(value: Any) -> bool:
    return type(value) is Tensor or hasattr(value, "_as_tensor")
