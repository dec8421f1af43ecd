"""Argument handling shared by the random ops' public functions and kernels (written once)."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.op import REGISTRY
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops


def shape_tensor(shape: Any) -> Tensor:
    """``shape_util.shape_tensor``: an int32 (int64 if needed) 1-D shape tensor."""
    if isinstance(shape, Tensor) or hasattr(shape, "_as_tensor"):
        return convert_to_tensor(shape)
    if hasattr(shape, "as_list"):  # TensorShape
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)) and not shape:
        return convert_to_tensor(np.zeros(0, np.int32))
    return convert_to_tensor(shape)


def shape_of(array: Any) -> tuple[int, ...]:
    """The kernel's view of a shape input; TF's messages for bad ones."""
    if array.ndim != 1:
        dims = ",".join(str(d) for d in array.shape)
        raise errors.InvalidArgumentError(
            None, None, f"shape must be a vector of {{int32,int64}}, got shape [{dims}]")
    dims = tuple(int(d) for d in array.tolist())
    for d in dims:
        if d < 0:
            raise errors.InvalidArgumentError(None, None, f"Dimension {d} must be >= 0")
    return dims


def shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def check_accepted(dtype: _dtypes.DType, accepted: tuple) -> None:
    """The Python wrappers' ValueError for a dtype outside ``accepted``."""
    if dtype not in accepted:
        names = ", ".join(repr(d) for d in accepted)
        raise ValueError(f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
                         f"({names}).")


def attr_error(op_name: str, attr: str, dtype: _dtypes.DType, fallback: bool = False) -> errors.OpError:
    """TF's InvalidArgumentError for a type attr outside its allowed list (the text, with TF's
    OpDef summary, from `op_signatures`)."""
    return conversion.attr_error(REGISTRY[op_name], dtype, attr, fallback)


def check_attr(op_name: str, attr: str, dtype: _dtypes.DType,
               allowed: tuple, fallback: bool = False) -> None:
    if dtype not in allowed:
        raise attr_error(op_name, attr, dtype, fallback)


def named_tensor(value: Any, dtype: _dtypes.DType, name: str) -> Tensor:
    """``ops.convert_to_tensor(value, dtype, name=name)``: TF prefixes its error for a tensor of
    another dtype with ``name: ``."""
    try:
        return convert_to_tensor(value, dtype=dtype)
    except ValueError as e:
        if conversion.is_tensor_like(value):
            raise ValueError(f"{name}: {e}") from None
        raise


def _is_literal(value: Any, number: float) -> bool:
    return type(value) in (int, float) and value == number


def check_moments(mean: Any, stddev: Any, dtype: _dtypes.DType) -> None:
    """Converts `mean` and `stddev` to `dtype` only to raise TF's errors early."""
    convert_to_tensor(mean, dtype=dtype)
    convert_to_tensor(stddev, dtype=dtype)


def scale_shift(rnd: Tensor, scale: Any, shift: Any, dtype: _dtypes.DType) -> Tensor:
    """TF's ``add(rnd * scale, shift)`` in ``dtype`` (two roundings, no FMA).

    Multiplying by a literal 1 and adding a literal 0 change no bit of these
    samples (none is -0.0 or NaN), so that common case skips both ops.
    """
    scale_t = convert_to_tensor(scale, dtype=dtype)
    shift_t = convert_to_tensor(shift, dtype=dtype)
    if _is_literal(scale, 1) and _is_literal(shift, 0):
        return rnd
    return math_ops.add(math_ops.multiply(rnd, scale_t), shift_t)


def seed_attr(seed: Any) -> int | None:
    """An op-level ``seed=`` argument as a Python int (tensors allowed, as in TF)."""
    if seed is None:
        return None
    if hasattr(seed, "numpy"):
        seed = seed.numpy()
    return int(seed)
