"""`TensorShape`: a possibly partially known shape, printed and compared as TensorFlow does."""
from __future__ import annotations

from typing import Any, Iterable, Iterator


class TensorShape:
    """Dimensions are ints or None (unknown); `TensorShape(None)` has unknown rank."""

    __slots__ = ("_dims",)

    def __init__(self, dims: Any):
        if dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif type(dims) is tuple and all(type(d) is int for d in dims):
            self._dims = dims
        else:
            if isinstance(dims, (int,)) or hasattr(dims, "__index__") and not hasattr(dims, "__len__"):
                dims = (dims,)
            self._dims = tuple(None if d is None else _dim(d) for d in dims)

    @classmethod
    def _from_tuple(cls, dims: tuple[int, ...]) -> "TensorShape":
        shape = object.__new__(cls)
        shape._dims = dims
        return shape

    @property
    def rank(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    ndims = rank

    @property
    def dims(self) -> list | None:
        return None if self._dims is None else list(self._dims)

    def as_list(self) -> list:
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        return self._dims is not None and None not in self._dims

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other: Any) -> bool:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other: Any) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def merge_with(self, other: Any) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        self.assert_is_compatible_with(other)
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def most_specific_compatible_shape(self, other: Any) -> "TensorShape":
        """The most specific shape compatible with both: unknown rank where the ranks differ,
        else each dimension where both agree and None where they do not."""
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape([a if a == b else None for a, b in zip(self._dims, other._dims)])

    def concatenate(self, other: Any) -> "TensorShape":
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def with_rank(self, rank: int) -> "TensorShape":
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def with_rank_at_least(self, rank: int) -> "TensorShape":
        """This shape if it has at least `rank` dimensions (unknown rank passes); TF's ValueError."""
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError(f"Shape {self} must have rank at least {rank}")
        return self

    def as_proto(self):  # pragma: no cover - graph-mode API kept for parity
        raise NotImplementedError("TensorShape.as_proto is not supported by eagerflow")

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __iter__(self) -> Iterator:
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key: Any) -> Any:
        if self._dims is None:
            return TensorShape(None) if isinstance(key, slice) else None
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return self._dims[key]

    def __bool__(self) -> bool:
        return self._dims is not None

    def __eq__(self, other: Any) -> bool:
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other: Any) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self._dims)

    def __add__(self, other: Any) -> "TensorShape":
        return self.concatenate(other)

    def __radd__(self, other: Any) -> "TensorShape":
        return as_shape(other).concatenate(self)

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return f"({_dim_str(self._dims[0])},)"
        return "(" + ", ".join(_dim_str(d) for d in self._dims) + ")"

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return "TensorShape([" + ", ".join(_dim_str(d) for d in self._dims) + "])"

    def __reduce__(self):
        return TensorShape, (self.dims,)


def _dim(d: Any) -> int | None:
    value = getattr(d, "value", d)  # accept Dimension-like objects
    if value is None:
        return None
    try:
        value = int(value.__index__())
    except AttributeError:
        raise TypeError(f"Dimension value must be integer or None or have an __index__ method, got value '{d!r}' with type '{type(d)}'") from None
    if value < 0:
        raise ValueError(f"Dimension {value} must be >= 0")
    return value


def _dim_str(d: int | None) -> str:
    return "None" if d is None else str(d)


def as_shape(shape: Any) -> TensorShape:
    """Converts a list, tuple, int or None to a `TensorShape`."""
    if isinstance(shape, TensorShape):
        return shape
    return TensorShape(shape)


def unknown_shape(rank: int | None = None) -> TensorShape:
    return TensorShape(None if rank is None else [None] * rank)


def dims_of(shape: Iterable) -> tuple[int, ...]:
    """A fully defined shape as a tuple of ints (for kernels)."""
    return tuple(int(d) for d in shape)


class Dimension:
    """One dimension of a TF1 shape, known (an int) or not (None) (`tf.compat.v1.Dimension`).
    TF 2 shapes hold ints and None; this class exists for code that checks for it."""

    __slots__ = ("_value",)
    __hash__ = None  # type: ignore[assignment]  # as TF's: equality with ints, unhashable

    def __init__(self, value: Any) -> None:
        self._value = _dim(value.value if isinstance(value, Dimension) else value)

    @property
    def value(self) -> int | None:
        return self._value

    def __repr__(self) -> str:
        return f"Dimension({self._value!r})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __int__(self) -> int:
        return self._value  # type: ignore[return-value]

    def __index__(self) -> int:
        return self._value  # type: ignore[return-value]

    def __eq__(self, other: Any) -> Any:
        try:
            other = Dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or other._value is None:
            return None
        return self._value == other._value

    def __ne__(self, other: Any) -> Any:
        equal = self.__eq__(other)
        return equal if equal is None or equal is NotImplemented else not equal

    def __add__(self, other: Any) -> "Dimension":
        other = Dimension(other)
        return Dimension(None if self._value is None or other._value is None else self._value + other._value)

    __radd__ = __add__
