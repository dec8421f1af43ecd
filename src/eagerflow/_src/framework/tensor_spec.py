"""Type specs: `tf.TypeSpec` (what a value's type is, for tracing and `tf.nest`) and `tf.TensorSpec`.

A spec is immutable and hashable. Subclasses give `value_type`, `_serialize()` (the attributes
that define the type; equality, hashing and supertypes follow from it), `_component_specs`, and
`_to_components`/`_from_components`, which `tf.nest.flatten(..., expand_composites=True)` uses.
"""
from __future__ import annotations

from typing import Any, Sequence

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape


def shape_supertype(a: TensorShape, b: TensorShape) -> TensorShape:
    """The most specific shape both `a` and `b` are (dims that differ become None)."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.dims, b.dims)])


def shape_is_subtype(a: TensorShape, b: TensorShape) -> bool:
    """Whether every shape `a` allows, `b` allows too."""
    if b.rank is None:
        return True
    if a.rank is None or a.rank != b.rank:
        return False
    return all(y is None or x == y for x, y in zip(a.dims, b.dims))


def _supertype(a: Any, b: Any) -> tuple[bool, Any]:
    if isinstance(a, TensorShape) and isinstance(b, TensorShape):
        return True, shape_supertype(a, b)
    if isinstance(a, TypeSpec):
        found = a.most_specific_common_supertype([b])
        return found is not None, found
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        parts = [_supertype(x, y) for x, y in zip(a, b)]
        return all(ok for ok, _ in parts), tuple(p for _, p in parts)
    return a == b, a


def _subtype(a: Any, b: Any) -> bool:
    if isinstance(a, TensorShape) and isinstance(b, TensorShape):
        return shape_is_subtype(a, b)
    if isinstance(a, TypeSpec):
        return a.is_subtype_of(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_subtype(x, y) for x, y in zip(a, b))
    return a == b


def _compatible(a: Any, b: Any) -> bool:
    if isinstance(a, TensorShape) and isinstance(b, TensorShape):
        return a.is_compatible_with(b)
    if isinstance(a, _dtypes.DType) and isinstance(b, _dtypes.DType):
        return a.is_compatible_with(b)
    if isinstance(a, TypeSpec):
        return a.is_compatible_with(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_compatible(x, y) for x, y in zip(a, b))
    return a == b


class TypeSpec:
    """`tf.TypeSpec`: the type of a value, independent of the value itself (abstract)."""

    __slots__ = ()

    @property
    def value_type(self) -> type:
        raise NotImplementedError

    def _serialize(self) -> tuple:
        raise NotImplementedError

    @property
    def _component_specs(self) -> Any:
        raise NotImplementedError

    def _to_components(self, value: Any) -> Any:
        raise NotImplementedError

    def _from_components(self, components: Any) -> Any:
        raise NotImplementedError

    def _from_component_specs(self, specs: list) -> "TypeSpec":
        raise NotImplementedError

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        """Whether values of `spec_or_value`'s type (or that value) fit this spec."""
        other = spec_or_value if isinstance(spec_or_value, TypeSpec) else getattr(spec_or_value, "_type_spec", None)
        if other is None or type(other) is not type(self):
            return False
        return _compatible(self._serialize(), other._serialize())

    def is_subtype_of(self, other: Any) -> bool:
        """Whether every value of this type is also of `other`'s type."""
        if type(self) is not type(other):
            return False
        return _subtype(self._serialize(), other._serialize())

    def most_specific_common_supertype(self, others: Sequence["TypeSpec"]) -> "TypeSpec | None":
        """The most specific spec all of self and `others` are subtypes of, or None."""
        if any(type(self) is not type(o) for o in others):
            return None
        parts = self._serialize()
        for other in others:
            ok, parts = _supertype(parts, other._serialize())
            if not ok:
                return None
        return type(self)(*parts)

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other) and self._serialize() == other._serialize()

    def __ne__(self, other: Any) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self), self._serialize()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._serialize()!r}"

    def __reduce__(self) -> tuple:
        return type(self), self._serialize()


class DenseSpec(TypeSpec):
    """A spec for dense values: a shape, a dtype and an optional name."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = _dtypes.float32, name: str | None = None) -> None:
        self._shape = as_shape(shape)
        self._dtype = _dtypes.as_dtype(dtype)
        self._name = name

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def name(self) -> str | None:
        return self._name

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype, self._name)

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        """Same dtype and compatible shapes; `spec_or_value` a dense spec or a tensor."""
        return (isinstance(spec_or_value, (DenseSpec, self.value_type))
                and self._dtype.is_compatible_with(spec_or_value.dtype)
                and self._shape.is_compatible_with(spec_or_value.shape))

    def __eq__(self, other: Any) -> bool:
        return (type(self) is type(other) and self._shape == other._shape
                and self._dtype == other._dtype and self._name == other._name)

    def __hash__(self) -> int:
        return hash((self._shape, self._dtype))  # TF leaves the name out of the hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}(shape={self._shape}, dtype={self._dtype!r}, name={self._name!r})"


class TensorSpec(DenseSpec):
    """`tf.TensorSpec`: the shape, dtype and optional name of a tensor.

    Args:
      shape: a `TensorShape` or something convertible (None for unknown rank).
      dtype: the element type (default float32).
      name: an optional name (for function signatures).
    """

    __slots__ = ()
    _is_tensor_spec = True  # tf.nest treats it as a leaf, like a tensor

    @property
    def value_type(self) -> type:
        return Tensor

    @classmethod
    def from_spec(cls, spec: DenseSpec, name: str | None = None) -> "TensorSpec":
        """A TensorSpec with `spec`'s shape and dtype, named `name` (or `spec`'s name)."""
        return cls(spec.shape, spec.dtype, name or getattr(spec, "name", None))

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> "TensorSpec":
        """The spec of `tensor` (a `tf.Tensor`)."""
        if not isinstance(tensor, Tensor):
            raise ValueError(f"`tensor` should be a tf.Tensor, but got type {type(tensor)}.")
        return cls(tensor.shape, tensor.dtype, name)

    @property
    def _component_specs(self) -> "TensorSpec":
        return self

    def _to_components(self, value: Any) -> Any:
        return value

    def _from_components(self, components: Any) -> Any:
        return components

    def _from_component_specs(self, specs: list) -> "TensorSpec":
        return specs[0]

    def is_subtype_of(self, other: Any) -> bool:
        """Same dtype, a shape at least as specific, and (when named) the same name."""
        if not isinstance(other, TensorSpec):
            return False
        return ((not self._name or self._name == other._name)
                and shape_is_subtype(self._shape, other._shape) and self._dtype == other._dtype)

    def most_specific_common_supertype(self, others: Sequence[Any]) -> "TensorSpec | None":
        """The spec covering self and `others` (shapes generalised), or None: other dtypes,
        names or spec types have no common supertype."""
        shape = self._shape
        for other in others:
            if type(other) is not type(self) or other._dtype != self._dtype or other._name != self._name:
                return None
            shape = shape_supertype(shape, other._shape)
        return type(self)(shape, self._dtype, self._name)


class VariableSpec(DenseSpec):
    """The spec of a `tf.Variable` (shape, dtype, trainable)."""

    __slots__ = ("trainable", "alias_id")

    def __init__(self, shape: Any, dtype: Any = _dtypes.float32, trainable: bool = True,
                 alias_id: int | None = None) -> None:
        super().__init__(shape, dtype)
        self.trainable = trainable
        self.alias_id = alias_id

    @property
    def value_type(self) -> type:
        from eagerflow._src.variables import Variable  # a layer above: only when asked

        return Variable

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype, self.trainable, self.alias_id)

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other) and self._serialize() == other._serialize()

    def __hash__(self) -> int:
        return hash(self._serialize())

    def __repr__(self) -> str:
        return (f"VariableSpec(shape={self._shape}, dtype={self._dtype!r}, trainable={self.trainable}, "
                f"alias_id={self.alias_id})")


# Values of classes from higher layers that are not composites (no `_type_spec`), by class path:
# the module and class of their spec, whose `from_value` builds it.
_SPEC_OF_CLASS = {
    "eagerflow._src.ops.tensor_array_ops.TensorArray": ("eagerflow._src.ops.tensor_array_spec", "TensorArraySpec"),
    "eagerflow._src.data.iterator.Optional": ("eagerflow._src.data.optional_spec", "OptionalSpec"),
}


def type_spec_from_value(value: Any) -> TypeSpec:
    """The `TypeSpec` of `value` (`tf.type_spec_from_value`): a TensorSpec for tensors and
    anything convertible to one, a value's own `_type_spec` for composites."""
    if value is None:
        from eagerflow._src.framework.none_tensor import NoneTensorSpec

        return NoneTensorSpec()
    if isinstance(value, Tensor):
        return TensorSpec(value.shape, value.dtype)
    spec = getattr(value, "_type_spec", None)
    if isinstance(spec, TypeSpec):
        return spec
    make_spec = getattr(value, "_make_type_spec", None)  # not composites: datasets, iterators
    if make_spec is not None:
        return make_spec()
    spec_class = _SPEC_OF_CLASS.get(f"{type(value).__module__}.{type(value).__qualname__}")
    if spec_class is not None:
        import importlib

        return getattr(importlib.import_module(spec_class[0]), spec_class[1]).from_value(value)
    if hasattr(value, "read_value") and hasattr(value, "assign"):  # a variable
        return VariableSpec(value.shape, value.dtype, value.trainable)
    from eagerflow._src.framework.convert import convert_to_tensor

    try:
        tensor = convert_to_tensor(value)
    except (TypeError, ValueError):
        raise TypeError(f"Could not build a TypeSpec for {value!r} of unsupported type {type(value)}.") from None
    return TensorSpec(tensor.shape, tensor.dtype)
