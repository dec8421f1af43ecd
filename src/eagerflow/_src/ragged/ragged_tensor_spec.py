"""`tf.RaggedTensorSpec`: the type of a RaggedTensor (shape, dtype, ragged rank, row splits dtype)."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec


class RaggedTensorSpec(TypeSpec):
    """The type of a RaggedTensor: shape, dtype, ragged rank and row splits dtype (`tf.RaggedTensorSpec`)."""

    __slots__ = ("_shape", "_dtype", "_ragged_rank", "_row_splits_dtype", "_flat_values_spec")
    _flatten_in_functions = True  # tf.function args/results: the components (function/_structure.py)

    def __init__(self, shape: Any = None, dtype: Any = _dtypes.float32, ragged_rank: int | None = None,
                 row_splits_dtype: Any = _dtypes.int64, flat_values_spec: Any = None) -> None:
        self._shape = TensorShape(shape)
        self._dtype = _dtypes.as_dtype(dtype)
        self._row_splits_dtype = _dtypes.as_dtype(row_splits_dtype)
        self._flat_values_spec = flat_values_spec
        rank = self._shape.rank
        if ragged_rank is None:
            if rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank. Got shape: "
                                 f"{self._shape}")
            ragged_rank = rank - 1
        if not isinstance(ragged_rank, int):
            raise TypeError(f"Argument `ragged_rank` must be an int. Received {ragged_rank}.")
        if rank is not None and ragged_rank >= rank:
            raise ValueError(f"Argument `ragged_rank` ({ragged_rank}) must be less than rank ({rank}).")
        self._ragged_rank = ragged_rank

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ragged_rank = property(lambda self: self._ragged_rank)
    row_splits_dtype = property(lambda self: self._row_splits_dtype)
    flat_values_spec = property(lambda self: self._flat_values_spec)

    @property
    def value_type(self) -> type:
        from eagerflow._src.ragged.ragged_tensor import RaggedTensor

        return RaggedTensor if self._ragged_rank > 0 else Tensor

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype, self._ragged_rank, self._row_splits_dtype, self._flat_values_spec)

    @property
    def _component_specs(self) -> list:
        dims = self._shape.dims
        inner = dims[self._ragged_rank + 1:] if dims is not None else None
        flat = TensorSpec(None if inner is None else [None] + inner, self._dtype)
        return [flat] + [TensorSpec([None], self._row_splits_dtype)] * self._ragged_rank

    def _to_components(self, value: Any) -> list:
        if hasattr(value, "nested_row_splits"):
            return [value.flat_values] + list(value.nested_row_splits)
        return [value]

    def _from_components(self, components: Any) -> Any:
        from eagerflow._src.ragged.ragged_tensor import RaggedTensor

        components = list(components)
        if self._ragged_rank == 0:
            return components[0]
        return RaggedTensor.from_nested_row_splits(components[0], components[1:], validate=False)

    def most_specific_compatible_type(self, other: "RaggedTensorSpec") -> "RaggedTensorSpec":
        return self.most_specific_common_supertype([other])

    @classmethod
    def from_value(cls, value: Any) -> "RaggedTensorSpec":
        return value._type_spec

    def __repr__(self) -> str:
        return (f"RaggedTensorSpec({self._shape!r}, {self._dtype!r}, {self._ragged_rank}, "
                f"{self._row_splits_dtype!r})")
