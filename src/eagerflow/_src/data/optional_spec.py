"""`tf.OptionalSpec`: the type of a `tf.experimental.Optional` (its element's spec), as TF's
`optional_ops.OptionalSpec` compares and merges it."""
from __future__ import annotations

from typing import Any, Sequence

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec, type_spec_from_value


class OptionalSpec(TypeSpec):
    """Type specification for `tf.experimental.Optional`: `element_spec` is the (nested)
    spec of the value it may hold."""

    __slots__ = ("_element_spec",)

    def __init__(self, element_spec: Any) -> None:
        self._element_spec = element_spec

    @property
    def value_type(self) -> type:
        from eagerflow._src.data.iterator import Optional

        return Optional

    def _serialize(self) -> tuple:
        return (self._element_spec,)

    @property
    def _component_specs(self) -> list:
        return [TensorSpec([], _dtypes.variant)]

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        other = spec_or_value
        if not isinstance(other, TypeSpec):
            try:
                other = type_spec_from_value(other)
            except TypeError:
                return False
        return super().is_compatible_with(other)

    def most_specific_common_supertype(self, others: Sequence[Any]) -> Any:
        from eagerflow._src.util import nest

        others = list(others)
        if any(type(o) is not OptionalSpec for o in others):
            return None
        specs = self._element_spec
        for other in others:
            try:
                nest.assert_same_structure(specs, other._element_spec)
            except (TypeError, ValueError):
                return None
            merged = []
            for a, b in zip(nest.flatten(specs), nest.flatten(other._element_spec)):
                common = a.most_specific_common_supertype([b]) if isinstance(a, TypeSpec) else (a if a == b else None)
                if common is None:
                    return None
                merged.append(common)
            specs = nest.pack_sequence_as(specs, merged)
        return OptionalSpec(specs)

    @staticmethod
    def from_value(value: Any) -> "OptionalSpec":
        """The spec of the Optional `value`."""
        return OptionalSpec(value.element_spec)
