"""`tf.data.DatasetSpec` and `tf.data.IteratorSpec`: the type specs of datasets and of their
iterators (an element spec; for datasets also the shape of the dataset itself, `[]` for one
dataset, as in a window's element spec)."""
from __future__ import annotations

from typing import Any, Sequence

from eagerflow._src.data import structure
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.framework.tensor_spec import TypeSpec, shape_supertype


def _same_structure(a: Any, b: Any) -> bool:
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same_structure(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (type(a) is type(b) and sorted(a) == sorted(b)
                and all(_same_structure(a[k], b[k]) for k in a))
    return not isinstance(b, (tuple, list, dict))


def _element_supertype(a: Any, b: Any) -> Any:
    """The element spec both `a` and `b` are (None where their structures or specs differ)."""
    if not _same_structure(a, b):
        return None
    flat_a, flat_b = structure.flatten(a), structure.flatten(b)
    if len(flat_a) != len(flat_b):
        return None
    common = []
    for x, y in zip(flat_a, flat_b):
        found = x.most_specific_common_supertype([y]) if hasattr(x, "most_specific_common_supertype") else (x if x == y else None)
        if found is None:
            return None
        common.append(found)
    return structure.pack_as(a, common)


def _freeze(element_spec: Any) -> Any:
    """A hashable form of a (nested) element spec."""
    if isinstance(element_spec, (tuple, list)):
        return (type(element_spec).__name__, tuple(_freeze(v) for v in element_spec))
    if isinstance(element_spec, dict):
        return ("dict", tuple((k, _freeze(element_spec[k])) for k in sorted(element_spec)))
    return element_spec


class DatasetSpec(TypeSpec):
    """`tf.data.DatasetSpec(element_spec, dataset_shape=())`: the type of a dataset."""

    __slots__ = ("_element_spec", "_dataset_shape")
    __module__ = "tensorflow.python.data.ops.dataset_ops"

    def __init__(self, element_spec: Any, dataset_shape: Any = ()) -> None:
        self._element_spec = element_spec
        self._dataset_shape = as_shape(dataset_shape)

    @property
    def _spec(self) -> Any:  # a window's element spec (batching.WindowDataset)
        return self._element_spec

    @property
    def element_spec(self) -> Any:
        return self._element_spec

    @property
    def value_type(self) -> type:
        from eagerflow._src.data.dataset import DatasetV2

        return DatasetV2

    @property
    def _shape(self) -> TensorShape:
        return self._dataset_shape

    def _serialize(self) -> tuple:
        return (self._element_spec, self._dataset_shape)

    @staticmethod
    def from_value(value: Any) -> "DatasetSpec":
        """The spec of dataset `value`."""
        return DatasetSpec(value.element_spec)

    def __eq__(self, other: Any) -> bool:
        return (type(other) is DatasetSpec and self._dataset_shape == other._dataset_shape
                and _same_structure(self._element_spec, other._element_spec)
                and _freeze(self._element_spec) == _freeze(other._element_spec))

    def __hash__(self) -> int:
        return hash((DatasetSpec, _freeze(self._element_spec), self._dataset_shape))

    def __repr__(self) -> str:
        return f"DatasetSpec({self._element_spec!r}, {self._dataset_shape!r})"

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        from eagerflow._src.data.dataset import DatasetV2

        other = DatasetSpec.from_value(spec_or_value) if isinstance(spec_or_value, DatasetV2) else spec_or_value
        if type(other) is not DatasetSpec or not _same_structure(self._element_spec, other._element_spec):
            return False
        pairs = zip(structure.flatten(self._element_spec), structure.flatten(other._element_spec))
        return (self._dataset_shape.is_compatible_with(other._dataset_shape)
                and all(a.is_compatible_with(b) for a, b in pairs))

    def is_subtype_of(self, other: Any) -> bool:
        if type(other) is not DatasetSpec:
            return False
        return self.most_specific_common_supertype([other]) == other

    def most_specific_common_supertype(self, others: Sequence[Any]) -> "DatasetSpec | None":
        element, shape = self._element_spec, self._dataset_shape
        for other in others:
            if type(other) is not DatasetSpec:
                return None
            element = _element_supertype(element, other._element_spec)
            if element is None:
                return None
            shape = shape_supertype(shape, other._dataset_shape)
        return DatasetSpec(element, shape)


class IteratorSpec(TypeSpec):
    """`tf.data.IteratorSpec(element_spec)`: the type of a dataset's iterator."""

    __slots__ = ("_element_spec",)
    __module__ = "tensorflow.python.data.ops.iterator_ops"

    def __init__(self, element_spec: Any) -> None:
        self._element_spec = element_spec

    @property
    def value_type(self) -> type:
        from eagerflow._src.data.iterator import OwnedIterator

        return OwnedIterator

    def _serialize(self) -> tuple:
        return (self._element_spec,)

    @staticmethod
    def from_value(value: Any) -> "IteratorSpec":
        """The spec of iterator `value`."""
        return IteratorSpec(value.element_spec)

    def __eq__(self, other: Any) -> bool:
        return (type(other) is IteratorSpec and _same_structure(self._element_spec, other._element_spec)
                and _freeze(self._element_spec) == _freeze(other._element_spec))

    def __hash__(self) -> int:
        return hash((IteratorSpec, _freeze(self._element_spec)))

    def __repr__(self) -> str:
        return f"IteratorSpec({self._element_spec!r},)"

    def is_compatible_with(self, spec_or_value: Any) -> bool:
        other = spec_or_value if isinstance(spec_or_value, TypeSpec) else IteratorSpec.from_value(spec_or_value)
        if type(other) is not IteratorSpec or not _same_structure(self._element_spec, other._element_spec):
            return False
        pairs = zip(structure.flatten(self._element_spec), structure.flatten(other._element_spec))
        return all(a.is_compatible_with(b) for a, b in pairs)

    def is_subtype_of(self, other: Any) -> bool:
        return type(other) is IteratorSpec and self.most_specific_common_supertype([other]) == other

    def most_specific_common_supertype(self, others: Sequence[Any]) -> "IteratorSpec | None":
        element = self._element_spec
        for other in others:
            if type(other) is not IteratorSpec:
                return None
            element = _element_supertype(element, other._element_spec)
            if element is None:
                return None
        return IteratorSpec(element)
