"""`tf.NoneTensorSpec`: the type of a `None` component (a tf.data element such as `(x, None)`).

A `None` has no tensor components: flattening skips it and packing puts it back, so datasets,
iterators and functions carry it through every transformation without storing anything.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework.tensor_spec import TypeSpec


class NoneTensor:
    """What TF calls the value of a `NoneTensorSpec` (its `value_type`); the value is `None`."""

    @property
    def _type_spec(self) -> "NoneTensorSpec":
        return NoneTensorSpec()


class NoneTensorSpec(TypeSpec):
    """`tf.NoneTensorSpec`: type specification for the value `None`."""

    __slots__ = ()

    @property
    def value_type(self) -> type:
        return NoneTensor

    def _serialize(self) -> tuple:
        return ()

    @property
    def _component_specs(self) -> list:
        return []

    def _to_components(self, value: Any) -> list:
        return []

    def _from_components(self, components: Any) -> None:
        return None

    def _from_component_specs(self, specs: list) -> "NoneTensorSpec":
        return NoneTensorSpec()

    def _to_tensor_list(self, value: Any) -> list:
        return []

    @staticmethod
    def from_value(value: Any) -> "NoneTensorSpec":
        return NoneTensorSpec()

    def _batch(self, batch_size: Any) -> "NoneTensorSpec":
        return NoneTensorSpec()

    def _unbatch(self) -> "NoneTensorSpec":
        return NoneTensorSpec()

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        return spec_or_value is None or type(spec_or_value) is NoneTensorSpec

    def most_specific_compatible_shape(self, other: Any) -> "NoneTensorSpec":
        if type(self) is not type(other):
            raise ValueError(f"No `TypeSpec` is compatible with both {self} and {other}")
        return self

    def __repr__(self) -> str:
        return "NoneTensorSpec()"
