"""Shape manipulation, slicing, gathering and construction (`tf.reshape`, `tf.gather`, ...)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow.framework import errors
from eagerflow.framework.execute import execute
from eagerflow.framework.op import Op
from eagerflow.framework.tensor import Tensor
from eagerflow.ops import conversion


def _shape_arg(shape: Any) -> tuple[int, ...]:
    """A shape argument (list, tuple, TensorShape or 1-D int tensor) as a tuple of ints."""
    if isinstance(shape, Tensor):
        return tuple(int(d) for d in np.asarray(shape.numpy()).ravel())
    if hasattr(shape, "as_list"):
        return tuple(-1 if d is None else int(d) for d in shape.as_list())
    if np.ndim(shape) == 0:
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _reshape(xp: Any, x: Any, shape: tuple) -> Any:
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Only one input size may be -1, not both {unknown[0]} and {unknown[1]}")
    known = math.prod(d for d in shape if d != -1)
    if unknown:
        if known == 0 or x.size % known:
            raise errors.InvalidArgumentError(
                None, None, f"Input to reshape is a tensor with {x.size} values, but the requested shape requires a multiple of {known}")
    elif known != x.size:
        raise errors.InvalidArgumentError(
            None, None, f"Input to reshape is a tensor with {x.size} values, but the requested shape has {known}")
    return x.reshape(shape)


RESHAPE = Op("Reshape", _reshape)
IDENTITY = Op("Identity", lambda xp, x: x)


def _unstack(xp: Any, x: Any, num: Any = None, axis: int = 0) -> list:
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"Argument `axis` = {axis} not in range [{-x.ndim}, {x.ndim})")
    return [xp.take(x, i, axis=axis) for i in range(x.shape[axis])]


UNPACK = Op("Unpack", _unstack, num_outputs=-1)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """A tensor with the same values and a new shape; one dimension may be -1 (`tf.reshape`)."""
    return execute(RESHAPE, (conversion.tensor(tensor),), {"shape": _shape_arg(shape)})


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The same values as a new tensor (`tf.identity`)."""
    return execute(IDENTITY, (conversion.tensor(input),))


def unstack(value: Any, num: int | None = None, axis: int = 0, name: str = "unstack") -> list[Tensor]:
    """Splits `value` along `axis` into a list of tensors of rank R-1 (`tf.unstack`)."""
    x = conversion.tensor(value)
    if x.ndim == 0:
        raise ValueError("Cannot infer argument `num` from shape ()")
    return execute(UNPACK, (x,), {"axis": int(axis)})


# --- indexing (`tensor[...]`) ------------------------------------------------------------------
_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                "tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _index_item(item: Any) -> Any:
    if item is None or item is Ellipsis or isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        return item if not isinstance(item, np.integer) else int(item)
    if isinstance(item, slice):
        return slice(*(None if v is None else _index_item(v) for v in (item.start, item.stop, item.step)))
    if isinstance(item, Tensor) or hasattr(item, "_as_tensor"):
        t = conversion.tensor(item)
        if t.ndim == 0 and t.dtype.is_integer:
            return int(t.numpy())
    raise TypeError(_INDEX_ERROR.format(item))


def normalize_index(key: Any) -> tuple:
    """A Python index expression as a tuple of ints, slices, Ellipsis and None (TF's rules)."""
    items = key if isinstance(key, tuple) else (key,)
    return tuple(_index_item(item) for item in items)


def _strided_slice_index(xp: Any, x: Any, index: tuple) -> Any:
    dim = 0
    ellipsis_seen = False
    for item in index:
        if item is Ellipsis:
            ellipsis_seen = True
            dim = x.ndim - sum(1 for i in index if i is not None and i is not Ellipsis) + index.index(Ellipsis)
            continue
        if item is None:
            continue
        if isinstance(item, int):
            if dim >= x.ndim:
                raise errors.InvalidArgumentError(None, None, f"Index out of range using input dim {dim}; input has only {x.ndim} dims")
            size = x.shape[dim]
            if not -size <= item < size:
                raise errors.InvalidArgumentError(None, None, f"slice index {item} of dimension {dim} out of bounds.")
        elif isinstance(item, slice) and item.step == 0:
            raise errors.InvalidArgumentError(None, None, "strides[0] must be non-zero")
        dim += 1
    del ellipsis_seen
    out = x[index]
    return out if isinstance(out, np.ndarray) or xp is not np else np.asarray(out)


STRIDED_SLICE = Op("StridedSlice", _strided_slice_index)


def getitem(tensor: Any, key: Any) -> Tensor:
    """`tensor[key]` with TF's indexing rules (ints, slices, `...`, `tf.newaxis`, int tensors)."""
    return execute(STRIDED_SLICE, (conversion.tensor(tensor),), {"index": normalize_index(key)})
