"""Python operators for tensors and variables (`+`, `@`, `==`, `[]`, ...), as TF overloads them.

`install(cls)` sets each operator on a class explicitly; the framework's Tensor gets them when
this module is imported, variables when `eagerflow.variables` is.
"""
from __future__ import annotations

from typing import Any

from eagerflow.framework.tensor import Tensor
from eagerflow.ops import indexing_ops, linalg_ops, math_ops


def _radd(x: Any, y: Any) -> Tensor:
    # `1.5 + int_tensor` is TF's TypeError (strict conversion), unlike `int_tensor + 1.5`.
    return math_ops.execute(math_ops.ADD, math_ops.conversion.binary(math_ops.ADD, y, x))


def _rsub(x: Any, y: Any) -> Tensor:
    return math_ops.subtract(y, x)


def _rmul(x: Any, y: Any) -> Tensor:
    return math_ops.multiply(y, x)


def _rtruediv(x: Any, y: Any) -> Tensor:
    return math_ops.truediv(y, x)


def _rfloordiv(x: Any, y: Any) -> Tensor:
    return math_ops.floordiv(y, x)


def _rmod(x: Any, y: Any) -> Tensor:
    return math_ops.floormod(y, x)


def _rpow(x: Any, y: Any) -> Tensor:
    return math_ops.pow(y, x)


def _matmul(x: Any, y: Any) -> Tensor:
    return linalg_ops.matmul(x, y)


def _rmatmul(x: Any, y: Any) -> Tensor:
    return linalg_ops.matmul(y, x)


def _logical_or_bitwise(logical: Any, bitwise: Any) -> Any:
    def op(x: Any, y: Any) -> Tensor:
        x_t = x if type(x) is Tensor else math_ops.conversion.tensor(x)
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


def install(cls: type) -> None:
    """Gives `cls` TF's operator overloads."""
    cls.__add__ = math_ops.add  # x OP y: the op function itself, one call less
    cls.__radd__ = _radd
    cls.__sub__ = math_ops.subtract  # x OP y: the op function itself, one call less
    cls.__rsub__ = _rsub
    cls.__mul__ = math_ops.multiply  # x OP y: the op function itself, one call less
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
