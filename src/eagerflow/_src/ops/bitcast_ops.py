"""`tf.bitcast`: the same bytes read as another dtype (TF's Bitcast; not differentiable).

Same-size dtypes keep the shape; to a smaller dtype a last dimension of the size ratio is added;
to a larger one the last dimension must equal the ratio and is removed.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.array_args import invalid

_BITCASTABLE = ("bfloat16", "float16", "float32", "float64", "int64", "int32", "uint8", "uint16",
                "uint32", "uint64", "int8", "int16", "complex64", "complex128")


def _bitcast(xp: Any, x: Any, type: Any) -> Any:  # noqa: A002 - TF's attr name
    target = xp.dtype(type)
    source_size, target_size = x.dtype.itemsize, target.itemsize
    if source_size == target_size:
        return x.view(target)
    if source_size > target_size:
        return xp.ascontiguousarray(x).view(target).reshape(x.shape + (source_size // target_size,))
    ratio = target_size // source_size
    if x.ndim == 0 or x.shape[-1] != ratio:
        raise invalid(f"Cannot bitcast from {target_size} to {x.shape[-1] if x.ndim else 0}")
    return xp.ascontiguousarray(x).view(target).reshape(x.shape[:-1])


BITCAST = Op("Bitcast", _bitcast, grad=None,
             dtypes=[_dtypes.as_dtype(n) for n in _BITCASTABLE])


def bitcast(input: Any, type: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's names
    """`input`'s bytes as a tensor of dtype `type` (`tf.bitcast`)."""
    x = conversion.tensor(input)
    target = _dtypes.as_dtype(type)
    if target.name not in _BITCASTABLE:
        raise invalid(f"Value for attr 'type' of {target.name} is not in the list of allowed values")
    return execute(BITCAST, (x,), {"type": target._np})
