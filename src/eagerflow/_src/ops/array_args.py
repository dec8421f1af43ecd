"""Argument handling shared by the array, indexing and gather/scatter ops (written once).

Shape-like arguments become tuples of Python ints before `execute`; operands sharing one dtype
attr are converted as TF's eager fast path does; kernel errors carry TF's messages.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import is_tensor_like
from eagerflow._src.framework.op import Op, cpp_name
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ops import conversion

INDEX_TYPES = (_dtypes.int16, _dtypes.int32, _dtypes.int64)
INT32_64 = (_dtypes.int32, _dtypes.int64)  # TF's Tshape, Tperm, Tmultiples, Index, index_type


def invalid(message: str) -> errors.OpError:
    """A kernel error: execute() adds TF's `{{function_node ...}} ... [Op:Name]` decoration."""
    return errors.InvalidArgumentError(None, None, message)


def dims_text(shape: Any) -> str:
    """A shape as TF's messages print it: `[2,3]`."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def shape_arg(shape: Any) -> tuple[int, ...]:
    """A shape argument (list, tuple, TensorShape or 1-D int tensor) as a tuple of ints."""
    if type(shape) is tuple and all(type(d) is int for d in shape):
        return shape  # already one (the shapes gradients pass): skip the parsing below
    if is_tensor_like(shape):
        return tuple(int(d) for d in np.asarray(conversion.tensor(shape).numpy()).ravel())
    if hasattr(shape, "as_list"):
        return tuple(-1 if d is None else int(d) for d in shape.as_list())
    if np.ndim(shape) == 0:
        return (int(shape),)
    return tuple(int(d) for d in (np.asarray(d).item() if is_tensor_like(d) else d for d in shape))


def int_tuple(value: Any) -> tuple[int, ...] | None:
    """A list or tuple of Python ints (the common shape argument) as a tuple, else None."""
    if type(value) is tuple or type(value) is list:
        for d in value:
            if type(d) is not int:
                return None
        return tuple(value)
    return None


def index_operands(op: Op, attr: str, values: list, default: _dtypes.DType | None, fallback: bool,
                   positions: tuple[int, ...] = (1,)) -> list[Tensor]:
    """Int32/int64 operands of `op` sharing the type attr `attr` (a shape, perm, begin and size),
    converted and checked as TF's generated wrapper does (`conversion.typed_operands`)."""
    values = [_packed(_tensor_shape_dims(v), default) for v in values]
    return conversion.typed_operands(op, attr, values, INT32_64, default, fallback, positions)


def ints_of(t: Tensor) -> tuple[int, ...]:
    """The values of an int tensor, flattened, as a tuple of Python ints (an op's attr); a graph
    tensor's value folded while tracing (`tf.range(rank)` in a tf.function)."""
    if type(t) is EagerTensor:
        return tuple(np.asarray(t.numpy()).ravel().tolist())
    from eagerflow._src.framework.shape_inference import constant_value

    value = constant_value(t)
    if value is None:
        raise NotImplementedError(f"the value of {t!r} is needed while tracing and is known at run time only")
    return tuple(np.asarray(value).ravel().tolist())


# TF's kernel check that a shape-like input is a vector, by op: its message (formatted with the
# input's shape) and whether a scalar passes too (TF's legacy scalar shapes).
_VECTOR_CHECKS = {
    "Reshape": ("sizes input must be 1-D, not {}", True),
    "Fill": ("dims must represent a vector, got shape {}", True),
    "Tile": ("Expected multiples to be 1-D, but got shape {}", False),
    "Transpose": ("perm must be rank 1, got shape {}", False),
    "ConjugateTranspose": ("perm must be rank 1, got shape {}", False),
    "BroadcastTo": ("shape must be a vector of {{int32,int64}}, got shape {}", False),
}


def vector_attr(op: Op, attr: str, value: Any, fallback: bool, inputs: tuple) -> tuple[int, ...]:
    """A shape-like input of `op` (shape, dims, perm, multiples; type attr `attr`, int32 by
    default) converted as TF's wrapper converts it, then TF's kernel check that it is a vector
    (`_VECTOR_CHECKS`), raised before `execute` on `inputs`; as a tuple of ints for the attr."""
    (t,) = index_operands(op, attr, [value], _dtypes.int32, fallback)
    ndim = t._array.ndim
    if ndim != 1:
        message, scalar_passes = _VECTOR_CHECKS[op.name]
        if ndim or not scalar_passes:
            raise conversion.kernel_error(op, inputs, message.format(dims_text(t._array.shape)), fallback)
    return ints_of(t)


def shape_tensor(shape: Any) -> Tensor:
    """A shape that is not a tensor as TF's zeros and ones convert it: a TensorShape's dims
    (int64 when one is large), anything else as int32 (tensors in a list cast to it)."""
    if isinstance(shape, TensorShape):
        return conversion.tensor(_tensor_shape_dims(shape))
    return conversion.tensor(_packed(shape, _dtypes.int32), _dtypes.int32)


def _tensor_shape_dims(value: Any) -> Any:
    """A TensorShape as TF's conversion makes it a tensor (int32, int64 for large dims)."""
    if not isinstance(value, TensorShape):
        return value
    if not value.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {value} to a Tensor.")
    dims = value.as_list()
    return np.array(dims, np.int64 if any(d > np.iinfo(np.int32).max for d in dims) else np.int32)


def _packed(value: Any, dtype: _dtypes.DType | None) -> Any:
    """A list holding tensors (`[tf.shape(x)[0], 3]`) as TF packs it for an attr with a default
    dtype: each tensor cast to it, each Python value converted to it."""
    if dtype is None or type(value) not in (list, tuple) or not any(is_tensor_like(v) for v in value):
        return value
    tensors = [conversion.tensor(v) if is_tensor_like(v) else conversion.tensor(v, dtype) for v in value]
    if any(type(t) is not EagerTensor for t in tensors):  # graph tensors: TF's auto-packing
        from eagerflow._src.ops import dynamic_shape_ops

        return dynamic_shape_ops.packed(tensors, dtype)
    return np.array([t.numpy() for t in tensors]).astype(dtype._np)


def int_list(value: Any) -> list[int]:
    """An int, list of ints or int tensor (axis, perm, multiples...) as a list of Python ints."""
    if value is None:
        return []
    if is_tensor_like(value):
        value = conversion.tensor(value).numpy()
    return [int(v) for v in np.asarray(value).ravel()]


def scalar_int(value: Any) -> int:
    """An int or scalar int tensor (axis, depth, num...) as a Python int."""
    if is_tensor_like(value):
        value = conversion.tensor(value).numpy()
    return int(value)


def static_shape(t: Tensor) -> tuple[int, ...]:
    """The shape of an eager tensor as a tuple of ints (for gradients and attrs); a traced one's
    may hold None (unknown dims) or be None (unknown rank)."""
    shape = t._array.shape
    return None if shape is None else tuple(shape)


def index_tensor(value: Any) -> Tensor:
    """An indices argument as a tensor (its dtype checked by `check_index_dtype`)."""
    return conversion.tensor(value)


def matching(op: Op, values: list, first_index: int = 0) -> list[Tensor]:
    """Operands sharing one dtype attr, converted as TF's eager fast path does: the first tensor's
    dtype (else the first value's) wins; Python values convert to it (TypeError when lossy); a
    tensor of another dtype is TF's InvalidArgumentError."""
    first = next((v for v in values if is_tensor_like(v)), None)
    dtype = conversion.tensor(first).dtype if first is not None else conversion.tensor(values[0]).dtype
    out = []
    for i, v in enumerate(values):
        t = conversion.tensor(v) if is_tensor_like(v) else conversion.tensor(v, dtype)
        if t.dtype != dtype:
            raise errors.op_error(
                errors.InvalidArgumentError,
                f"cannot compute {op.name} as input #{i + first_index}(zero-based) was expected to be a "
                f"{cpp_name(dtype)} tensor but is a {cpp_name(t.dtype)} tensor", op.name)
        out.append(t)
    return out


def check_index_dtype(op: Op, indices: Tensor, attr: str = "Tindices", allowed: tuple = INDEX_TYPES,
                      fallback: bool = False) -> None:
    """TF's InvalidArgumentError when `indices` has a dtype outside the op's `attr` list."""
    if indices.dtype not in allowed:
        raise conversion.attr_error(op, indices.dtype, attr, fallback)


def zeros_like_array(xp: Any, x: Any) -> Any:
    """Zeros shaped and typed like the array `x` (b'' for strings): the ZerosLike kernel."""
    if x.dtype == object:
        return xp.full(x.shape, b"", dtype=object)
    return xp.zeros_like(x)
