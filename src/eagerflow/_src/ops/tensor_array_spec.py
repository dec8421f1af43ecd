"""`tf.TensorArraySpec`: the type of a `tf.TensorArray` (element shape, dtype, dynamic size,
shape inference), as TF's `tensor_array_ops.TensorArraySpec` compares and merges them."""
from __future__ import annotations

from typing import Any, Sequence

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec, type_spec_from_value


class TensorArraySpec(TypeSpec):
    """Type specification for a `tf.TensorArray`."""

    __slots__ = ("_element_shape", "_dtype", "_dynamic_size", "_infer_shape")

    def __init__(self, element_shape: Any = None, dtype: Any = _dtypes.float32,
                 dynamic_size: bool = False, infer_shape: bool = True) -> None:
        self._element_shape = as_shape(element_shape)
        self._dtype = _dtypes.as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    @property
    def value_type(self) -> type:
        from eagerflow._src.ops.tensor_array_ops import TensorArray

        return TensorArray

    def _serialize(self) -> tuple:
        return (self._element_shape, self._dtype, self._dynamic_size, self._infer_shape)

    @property
    def _component_specs(self) -> list:
        return [TensorSpec([], _dtypes.variant)]

    def is_subtype_of(self, other: Any) -> bool:
        """As TF: the same dtype and dynamic_size (element shapes are not compared)."""
        return (isinstance(other, TensorArraySpec) and self._dtype == other._dtype
                and self._dynamic_size == other._dynamic_size)

    def most_specific_common_supertype(self, others: Sequence[Any]) -> Any:
        """As TF 2.21: False when an other is not a TensorArraySpec, None when dtypes or
        dynamic_size differ; the element shape stays this spec's (TF hands TensorShape's
        supertype a generator its first check consumes), infer_shape when all infer."""
        others = list(others)
        if not all(isinstance(o, TensorArraySpec) for o in others):
            return False
        shape = self._element_shape if self._element_shape.rank is not None else TensorShape(None)
        if not all(self._dtype == o._dtype for o in others):
            return None
        if not all(self._dynamic_size == o._dynamic_size for o in others):
            return None
        infer_shape = self._infer_shape and all(o._infer_shape for o in others)
        return TensorArraySpec(shape, self._dtype, self._dynamic_size, infer_shape)

    def is_compatible_with(self, other: Any) -> bool:
        if not isinstance(other, TypeSpec):
            other = type_spec_from_value(other)
        return (isinstance(other, TensorArraySpec) and self._dtype.is_compatible_with(other._dtype)
                and self._element_shape.is_compatible_with(other._element_shape)
                and self._dynamic_size == other._dynamic_size)

    @staticmethod
    def from_value(value: Any) -> "TensorArraySpec":
        """The spec of the TensorArray `value`."""
        from eagerflow._src.ops.tensor_array_ops import TensorArray

        if not isinstance(value, TensorArray):
            raise TypeError(f"Expected value to be a TensorArray, but got: `{type(value)}`")
        return TensorArraySpec(dtype=value.dtype, element_shape=value.element_shape,
                               dynamic_size=value.dynamic_size, infer_shape=value._infer_shape)
