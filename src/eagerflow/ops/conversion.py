"""Argument conversion shared by every op function (step 1 of the op path, written once).

Python scalars take the other operand's dtype; tensors are never promoted silently: a
mismatch raises TF's InvalidArgumentError.
"""
from __future__ import annotations

from typing import Any

from eagerflow.framework import errors
from eagerflow.framework.convert import convert_to_tensor, scalar_or_constant
from eagerflow.framework.op import Op, cpp_name
from eagerflow.framework.tensor import Tensor


def mismatch(op: Op, x: Tensor, y: Tensor, index: int = 1) -> errors.OpError:
    expected, got = (x, y) if index == 1 else (y, x)
    return errors.op_error(
        errors.InvalidArgumentError,
        f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a "
        f"{cpp_name(expected.dtype)} tensor but is a {cpp_name(got.dtype)} tensor", op.name)


def _like(value: Any, other: Tensor) -> Tensor:
    """`value` converted with `other`'s dtype as the target, falling back to its own dtype."""
    if type(value) is Tensor:
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(None)
    try:
        return scalar_or_constant(value, other.dtype)
    except (TypeError, ValueError):
        return convert_to_tensor(value)


def binary(op: Op, x: Any, y: Any) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of one dtype, or TF's error."""
    if type(x) is not Tensor:
        if type(y) is Tensor or hasattr(y, "_as_tensor"):
            y = convert_to_tensor(y)
            x = _like(x, y)
        else:
            x = convert_to_tensor(x)
            y = _like(y, x)
    elif type(y) is not Tensor:
        y = _like(y, x)
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
        t = _like(v, first)
        if t._array.dtype != first._array.dtype:
            raise mismatch(op, first, t, index=len(tensors))
        tensors.append(t)
    return tensors


def tensor(value: Any, dtype: Any = None) -> Tensor:
    if type(value) is Tensor and dtype is None:
        return value
    return convert_to_tensor(value, dtype)
