"""Python operators for tensors and variables (`+`, `@`, `==`, `[]`, ...), as TF overloads them.

`install(cls)` sets each operator on a class explicitly; the framework's Tensor gets them when
this module is imported, variables when `eagerflow._src.variables` is.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import binary_operator, execute, execute_binary
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import conversion, indexing_ops, linalg_ops, math_ops
from eagerflow._src.ops.math_ops import MUL


def _radd(x: Any, y: Any) -> Tensor:
    # `1.5 + int_tensor` is TF's TypeError (strict conversion), unlike `int_tensor + 1.5`.
    return math_ops.execute(math_ops.ADD, math_ops.conversion.binary(math_ops.ADD, y, x))


def _reflected(x: Any, y: Any) -> Tensor:
    """The left operand of `y OP x` as TF's reflected operators convert it: to the tensor's dtype,
    first (a TypeError if it does not fit); a Python scalar comes from the cached constants."""
    if type(x) is EagerTensor and type(y) in conversion.SCALAR_TYPES:
        return conversion.scalar_like(y, x)
    return conversion.tensor(y, x.dtype)


def _rsub(x: Any, y: Any) -> Tensor:
    return math_ops.subtract(_reflected(x, y), x)


def _mul(x: Any, y: Any) -> Tensor:
    """x * y. Where tf.multiply rejects bool, TF's operator gives a logical and: with a bool tensor
    on either side it casts both operands to int32, multiplies and casts the product to bool."""
    try:
        if type(x) is EagerTensor and type(y) is EagerTensor and x._array.dtype is y._array.dtype:
            return execute_binary(MUL, x, y)  # nothing to convert
        return execute(MUL, conversion.binary(MUL, x, y))
    except (errors.InvalidArgumentError, TypeError, ValueError) as e:
        if not (_is_bool(x) or (type(y) is EagerTensor and y._array.dtype == np.bool_)):
            if isinstance(e, errors.OpError):
                raise conversion.worded(e, x, y) from None  # `t * [1, 2]`: TF's fallback wording
            raise
    product = math_ops.multiply(_int32(x), _int32(y))
    return math_ops.cast(product, _dtypes.bool)


def _int32(value: Any) -> Tensor:
    """TF's `gen_math_ops.cast(value, tf.int32)` (a list's errors worded as its fallback's)."""
    t = conversion.tensor(value)
    return conversion.run(math_ops.CAST, (t,), {"DstT": np.dtype(np.int32)}, conversion.takes_fallback(value))


def _is_bool(x: Any) -> bool:
    as_tensor = getattr(x, "_as_tensor", None)  # a variable's operator sees its value
    t = as_tensor(None) if as_tensor is not None else x
    return type(t) is EagerTensor and t._array.dtype == np.bool_


def _rmul(x: Any, y: Any) -> Tensor:
    return _mul(_reflected(x, y), x)  # `0.01 * grad`, every training step


def _rtruediv(x: Any, y: Any) -> Tensor:
    return math_ops.truediv(_reflected(x, y), x)


def _rfloordiv(x: Any, y: Any) -> Tensor:
    return math_ops.floordiv(_reflected(x, y), x)


def _rmod(x: Any, y: Any) -> Tensor:
    return math_ops.floormod(_reflected(x, y), x)


def _rpow(x: Any, y: Any) -> Tensor:
    return math_ops.pow(_reflected(x, y), x)


def _matmul(x: Any, y: Any) -> Tensor:
    return linalg_ops.matmul(x, y)


def _rmatmul(x: Any, y: Any) -> Tensor:
    return linalg_ops.matmul(y, x)


def _logical_or_bitwise(logical: Any, bitwise: Any) -> Any:
    def op(x: Any, y: Any) -> Tensor:
        x_t = x if type(x) is EagerTensor else math_ops.conversion.tensor(x)
        return (logical if x_t.dtype.is_bool else bitwise)(x_t, y)

    return op


_and = _logical_or_bitwise(math_ops.logical_and, math_ops.bitwise_and)
_or = _logical_or_bitwise(math_ops.logical_or, math_ops.bitwise_or)
_xor = _logical_or_bitwise(math_ops.logical_xor, math_ops.bitwise_xor)


def _rand(x: Any, y: Any) -> Tensor:
    return _and(math_ops.conversion.tensor(y, x.dtype), x)


def _ror(x: Any, y: Any) -> Tensor:
    return _or(math_ops.conversion.tensor(y, x.dtype), x)


def _rxor(x: Any, y: Any) -> Tensor:
    return _xor(math_ops.conversion.tensor(y, x.dtype), x)


def _invert(x: Any) -> Tensor:
    t = math_ops.conversion.tensor(x)
    return math_ops.logical_not(t) if t.dtype.is_bool else math_ops.invert(t)


def _eq(x: Any, y: Any) -> Any:
    """Elementwise ==; False for None or shapes that do not broadcast, as TF's tensor_equals."""
    if y is None:
        return False
    x, y = math_ops.conversion.binary(math_ops.EQUAL, x, y)
    return math_ops.execute(math_ops.EQUAL, (x, y), {"incompatible_shape_error": False})


def _ne(x: Any, y: Any) -> Any:
    if y is None:
        return True
    x, y = math_ops.conversion.binary(math_ops.NOT_EQUAL, x, y)
    return math_ops.execute(math_ops.NOT_EQUAL, (x, y), {"incompatible_shape_error": False})


def _lt(x: Any, y: Any) -> Tensor:
    return math_ops.less(x, y)


def _le(x: Any, y: Any) -> Tensor:
    return math_ops.less_equal(x, y)


def _gt(x: Any, y: Any) -> Tensor:
    return math_ops.greater(x, y)


def _ge(x: Any, y: Any) -> Tensor:
    return math_ops.greater_equal(x, y)


def _getitem(x: Any, key: Any) -> Tensor:
    return indexing_ops.getitem(x, key)


_ADD = binary_operator(math_ops.ADD, math_ops.add)
_SUB = binary_operator(math_ops.SUB, math_ops.subtract)
_MUL = binary_operator(MUL, _mul)


def install(cls: type) -> None:
    """Gives `cls` TF's operator overloads."""
    cls.__add__ = _ADD  # x OP y on two eager tensors: one Python call to the kernel
    cls.__radd__ = _radd
    cls.__sub__ = _SUB
    cls.__rsub__ = _rsub
    cls.__mul__ = _MUL
    cls.__rmul__ = _rmul
    cls.__truediv__ = math_ops.truediv  # x OP y: the op function itself, one call less
    cls.__rtruediv__ = _rtruediv
    cls.__floordiv__ = math_ops.floordiv  # x OP y: the op function itself, one call less
    cls.__rfloordiv__ = _rfloordiv
    cls.__mod__ = math_ops.floormod  # x OP y: the op function itself, one call less
    cls.__rmod__ = _rmod
    cls.__pow__ = math_ops.pow  # x OP y: the op function itself, one call less
    cls.__rpow__ = _rpow
    cls.__matmul__ = _matmul
    cls.__rmatmul__ = _rmatmul
    cls.__and__ = _and
    cls.__rand__ = _rand
    cls.__or__ = _or
    cls.__ror__ = _ror
    cls.__xor__ = _xor
    cls.__rxor__ = _rxor
    cls.__invert__ = _invert
    cls.__neg__ = math_ops.negative
    cls.__abs__ = math_ops.abs
    cls.__eq__ = _eq
    cls.__ne__ = _ne
    cls.__lt__ = _lt
    cls.__le__ = _le
    cls.__gt__ = _gt
    cls.__ge__ = _ge
    if "__getitem__" not in cls.__dict__:
        cls.__getitem__ = _getitem


install(Tensor)
