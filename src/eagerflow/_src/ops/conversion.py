"""Argument conversion shared by every op function (step 1 of the op path, written once).

Python scalars take the other operand's dtype; tensors are never promoted silently: a
mismatch raises TF's InvalidArgumentError.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import context, errors
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor, scalar_or_constant
from eagerflow._src.framework.execute import execute, place
from eagerflow._src.framework.op import Op, cpp_name
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import dispatch


def mismatch(op: Op, x: Tensor, y: Tensor, index: int = 1) -> errors.OpError:
    expected, got = (x, y) if index == 1 else (y, x)
    return errors.op_error(
        errors.InvalidArgumentError,
        f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a "
        f"{cpp_name(expected.dtype)} tensor but is a {cpp_name(got.dtype)} tensor", op.name)


_flags = context.flags
_thread = context.thread
SCALAR_TYPES = frozenset((float, int, bool))
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


def scalar_like(value: Any, other: Tensor) -> Tensor:
    """A Python scalar as a constant of `other`'s dtype (cached), or TF's TypeError."""
    return _scalar_like(value, other, True)


def _like(value: Any, other: Tensor, strict: bool = True) -> Tensor:
    """`value` converted with `other`'s dtype as the target.

    Strict (most TF ops): a Python value that does not fit raises TF's TypeError. Otherwise
    (`tf.add`, `x + y`, which pass TF's `dtype_hint`): it keeps its own dtype, and the op
    reports the mismatch.
    """
    if type(value) is EagerTensor:
        return value
    if type(value) in SCALAR_TYPES:
        return _scalar_like(value, other, strict)
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(None)
    if hasattr(value, "__tf_tensor__"):  # a tensor-like class (Keras's variable): its own tensor
        return convert_to_tensor(value)
    try:
        return scalar_or_constant(value, other.dtype)
    except (TypeError, ValueError):
        if strict:
            raise
        return convert_to_tensor(value)


def binary(op: Op, x: Any, y: Any, strict: bool = True) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of one dtype, or TF's error (see `_like` for `strict`)."""
    if type(x) is not EagerTensor:
        if type(y) is EagerTensor or hasattr(y, "_as_tensor"):
            y = convert_to_tensor(y)
            x = _like(x, y, strict)
        else:
            x = convert_to_tensor(x)
            y = _like(y, x, strict)
    elif type(y) is not EagerTensor:
        y = _like(y, x, strict)
    if x._array.dtype != y._array.dtype:
        raise mismatch(op, x, y)
    return x, y


def same_dtype(op: Op, values: list) -> list[Tensor]:
    """A list of operands as tensors of the first tensor's dtype (add_n, concat, stack...)."""
    first = next((v for v in values if type(v) is EagerTensor or hasattr(v, "_as_tensor")), None)
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
    if type(value) is EagerTensor and dtype is None:
        return value
    return convert_to_tensor(value, dtype)


def like(value: Any, other: Tensor, strict: bool = True) -> Tensor:
    """`value` as a tensor of `other`'s dtype where it fits (see `_like`)."""
    return _like(value, other, strict)


def is_tensor_like(value: Any) -> bool:
    return type(value) is EagerTensor or hasattr(value, "_as_tensor")


# --- TF's generated op wrappers: fast path and fallback ---------------------------------------
# TF's eager wrappers run an op on their fast path when every argument is a tensor, a variable, a
# Python int, float or bool, or a NumPy array; anything else (a list, tuple, NumPy scalar...)
# takes the fallback, which converts arguments differently and words errors without ` name: `.
_FAST_PATH_TYPES = frozenset((EagerTensor, int, float, bool, np.ndarray))


def takes_fallback(*values: Any) -> bool:
    """Whether TF's generated wrapper leaves its fast path for these raw arguments."""
    for v in values:
        if type(v) not in _FAST_PATH_TYPES and not hasattr(v, "_as_tensor"):
            return True
    return False


def run(op: Op, inputs: Any, attrs: dict, fallback: bool) -> Any:
    """`execute`, its errors worded as on the path TF's wrapper took (see `takes_fallback`)."""
    try:
        return execute(op, inputs, attrs)
    except errors.OpError as e:
        if fallback:
            raise errors.fallback_error(e) from None
        raise


def worded(e: errors.OpError, *args: Any, name: str | None = None) -> errors.OpError:
    """`e` as TF words it for the raw arguments `args` of its generated wrapper: without ` name: `
    where they take the fallback path (`takes_fallback`), else ending ` name: {name}` where the
    Python function passes a name (TF's `tf.linalg.diag_part` passes "diag_part"). For wrappers
    that catch an op's error: the arguments are looked at only then, so a call that succeeds pays
    nothing."""
    if takes_fallback(*args):
        return errors.fallback_error(e)
    if name:
        return type(e)(e.node_def, e.op, f"{e.message.removesuffix(' name: ')} name: {name}")
    return e


def numbered(e: errors.OpError, op: Op, attr: str, count: int) -> errors.OpError:
    """`e` raised by `op`, whose input or output is a list of `count` tensors (the int attr `attr`):
    TF names the function wrapping such an op after the list's length too (`ConcatV2_N_2`)."""
    old = f"{{{{function_node __wrapped__{op.name}_device_"
    if old not in e.message:
        return e
    new = f"{{{{function_node __wrapped__{op.name}_{attr}_{count}_device_"
    return type(e)(e.node_def, e.op, e.message.replace(old, new, 1))


def run_unary(op: Op, x: Any) -> Tensor:
    """`op` on the one input `x` as TF's generated wrapper runs it (a list's errors worded as its
    fallback path's)."""
    try:
        return execute(op, (x if type(x) is EagerTensor else convert_to_tensor(x),))
    except errors.OpError as e:
        raise worded(e, x) from None
    except (TypeError, ValueError):
        if dispatch.composite_in(x):  # RaggedTensor/SparseTensor (TF's dispatch)
            return dispatch.elementwise(lambda a: run_unary(op, a), x)
        raise


def attr_error(op: Op, dtype: _dtypes.DType, attr: str, fallback: bool = False) -> errors.OpError:
    """TF's InvalidArgumentError for an input of `dtype` outside the list of the op's type attr `attr`."""
    return errors.op_error(errors.InvalidArgumentError, op.unsupported_dtype_message(dtype, attr), op.name,
                           fallback)


def no_kernel_error(op: Op, attrs: dict, fallback: bool = False) -> errors.OpError:
    """TF's NotFoundError for inputs its OpDef accepts and no CPU kernel takes (`attrs`: the NodeDef's)."""
    return errors.op_error(errors.NotFoundError, op.no_kernel_message(attrs), op.name, fallback)


def kernel_error(op: Op, inputs: Any, message: str, fallback: bool = False) -> errors.OpError:
    """TF's InvalidArgumentError for a kernel check made before `execute` (a shape-like input's
    rank: attrs carry only its values), decorated as `execute` decorates kernel errors, for the
    device `op` would run on with `inputs`. TF checks the op's dtypes first: an input dtype the
    op does not take is that error instead."""
    if op.np_dtypes and inputs and inputs[0]._array.dtype not in op.np_dtypes:
        return errors.op_error(errors.InvalidArgumentError, op.unsupported_dtype_message(inputs[0].dtype),
                               op.name, fallback)
    prefix = f"{{{{function_node __wrapped__{op.name}_device_{place(op, inputs).name}}}}} "
    return errors.op_error(errors.InvalidArgumentError, prefix + message, op.name, fallback)


def typed_operands(op: Op, attr: str, values: list, allowed: tuple, default: _dtypes.DType | None,
                   fallback: bool, positions: tuple[int, ...] = (0,)) -> list[Tensor]:
    """Operands sharing the type attr `attr` (a shape; begin and size; indices...) converted as
    TF's generated wrapper converts them, then checked against `allowed` with TF's errors.

    Fast path: a Python value converts to the dtype of a tensor among them, else of the first
    one converted, else to the attr's `default` (so 2.0 for an int32 shape is TF's TypeError).
    Fallback (`args_to_matching_eager`): the others convert to a tensor's dtype (a list that does
    not fit is TF's TypeError); without one, the first converts by inference (to `default` if
    that is not allowed) and the rest to its dtype. `positions`: where they stand among the op's
    inputs (named in TF's message for operands of different dtypes).
    """
    if len(values) == 1 and type(values[0]) is EagerTensor and values[0].dtype in allowed:
        return [values[0]]  # the common case: one tensor of an allowed dtype
    first = next((v for v in values if type(v) is EagerTensor or hasattr(v, "_as_tensor")), None)
    dtype = None if first is None else convert_to_tensor(first).dtype
    out = []
    for v in values:
        if type(v) is EagerTensor or hasattr(v, "_as_tensor"):
            t = convert_to_tensor(v)
            if fallback and t.dtype != dtype and not all(is_tensor_like(w) for w in values):
                t = convert_to_tensor(v, dtype)  # TF's ValueError for a tensor of another dtype
        elif not fallback:
            t = convert_to_tensor(v, dtype if dtype is not None else default)
        elif dtype is None:
            t = convert_to_tensor(v)
            if t.dtype not in allowed:
                t = convert_to_tensor(v, dtype_hint=default)
        else:
            t = convert_to_tensor(v, dtype)
        if dtype is None:
            dtype = t.dtype
        out.append(t)
    if out and out[0].dtype not in allowed:  # TF checks attrs before the inputs' dtypes
        raise attr_error(op, out[0].dtype, attr, fallback)
    for i, t in enumerate(out):
        if t.dtype != out[0].dtype:
            raise errors.op_error(
                errors.InvalidArgumentError,
                f"cannot compute {op.name} as input #{positions[i]}(zero-based) was expected to be a "
                f"{cpp_name(out[0].dtype)} tensor but is a {cpp_name(t.dtype)} tensor", op.name, fallback)
    return out
