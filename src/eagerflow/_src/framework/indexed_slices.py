"""`tf.IndexedSlices`: a sparse set of rows of a dense tensor (how `tf.gather`'s gradient comes back).

`values[i]` is row `indices[i]` of a tensor of shape `dense_shape`; repeated indices add up.
It converts to a dense tensor wherever a tensor is expected (`tf.convert_to_tensor`, any op),
as TF's does. The densifying op lives a layer up (ops), so it is imported on first use.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec


class IndexedSlices:
    """`tf.IndexedSlices(values, indices, dense_shape=None)`: rows `values` at `indices`.

    Args:
      values: a tensor of shape `[N] + dense_shape[1:]`.
      indices: a 1-D integer tensor of `N` row indices into the first dimension.
      dense_shape: optional 1-D integer tensor, the shape of the dense tensor represented.
    """

    __slots__ = ("_values", "_indices", "_dense_shape", "__weakref__")

    def __init__(self, values: Any, indices: Any, dense_shape: Any = None) -> None:
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def dense_shape(self) -> Tensor | None:
        return self._dense_shape

    @property
    def dtype(self) -> _dtypes.DType:
        return self._values.dtype

    @property
    def device(self) -> str:
        return self._values.device

    @property
    def name(self) -> str:
        return self._values.name

    @property
    def op(self) -> Any:
        return self._values.op

    @property
    def graph(self) -> Any:
        return self._values.graph

    @property
    def shape(self) -> TensorShape:
        """The dense shape when it is known, else `[None] + values.shape[1:]`."""
        if self._dense_shape is not None:
            value = getattr(self._dense_shape, "_array", None)
            if value is not None:
                return as_shape([int(d) for d in self._dense_shape.numpy()])
            return TensorShape(None)
        rest = self._values.shape.dims
        return TensorShape(None) if rest is None else TensorShape([None] + rest[1:])

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def _type_spec(self) -> "IndexedSlicesSpec":
        indices_shape = self._indices.shape.dims
        shape = self.shape
        return IndexedSlicesSpec(shape, self.dtype, self._indices.dtype,
                                 None if self._dense_shape is None else self._dense_shape.dtype,
                                 TensorShape([None] if indices_shape is None else indices_shape))

    def consumers(self) -> list:
        return []

    def __neg__(self) -> "IndexedSlices":
        from eagerflow._src.ops import math_ops

        return IndexedSlices(math_ops.negative(self._values), self._indices, self._dense_shape)

    def _as_tensor(self, dtype: _dtypes.DType | None = None) -> Tensor:
        """The dense tensor (rows summed at their indices), as `tf.convert_to_tensor` gives it."""
        if dtype is not None and not dtype.is_compatible_with(self.dtype):
            raise ValueError(f"Incompatible tensor conversion requested to `dtype` {dtype.name} for "
                             f"IndexedSlices ({self!s}) with dtype {self.dtype.name}")
        if self._dense_shape is None:
            raise ValueError(f"Tensor conversion requested for IndexedSlices without dense_shape: {self!s}")
        from eagerflow._src.ops import gather_scatter_ops

        return gather_scatter_ops.indexed_slices_to_dense(self._values, self._indices, self._dense_shape)

    def __tf_tensor__(self, dtype: Any = None, name: Any = None) -> Tensor:
        return self._as_tensor(None if dtype is None else _dtypes.as_dtype(dtype))

    def __str__(self) -> str:
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape!s}"
        return f"IndexedSlices(indices={self._indices!s}, values={self._values!s}{shape})"


class IndexedSlicesSpec(TypeSpec):
    """`tf.IndexedSlicesSpec`: the type of an `IndexedSlices`."""

    __slots__ = ("_shape", "_values_dtype", "_indices_dtype", "_dense_shape_dtype", "_indices_shape")

    def __init__(self, shape: Any = None, dtype: Any = _dtypes.float32, indices_dtype: Any = _dtypes.int64,
                 dense_shape_dtype: Any = None, indices_shape: Any = None) -> None:
        self._shape = as_shape(shape)
        self._values_dtype = _dtypes.as_dtype(dtype)
        self._indices_dtype = _dtypes.as_dtype(indices_dtype)
        self._dense_shape_dtype = None if dense_shape_dtype is None else _dtypes.as_dtype(dense_shape_dtype)
        self._indices_shape = as_shape(indices_shape).with_rank(1) if indices_shape is not None \
            else TensorShape([None])

    @property
    def value_type(self) -> type:
        return IndexedSlices

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> _dtypes.DType:
        return self._values_dtype

    def _serialize(self) -> tuple:
        return (self._shape, self._values_dtype, self._indices_dtype, self._dense_shape_dtype,
                self._indices_shape)

    @property
    def _component_specs(self) -> list:
        rank = self._shape.rank
        values_shape = TensorShape(None) if rank is None else \
            TensorShape(self._indices_shape.dims + self._shape.dims[1:])
        specs = [TensorSpec(values_shape, self._values_dtype), TensorSpec(self._indices_shape, self._indices_dtype)]
        if self._dense_shape_dtype is not None:
            specs.append(TensorSpec([rank], self._dense_shape_dtype))
        return specs

    def _to_components(self, value: IndexedSlices) -> list:
        if value.dense_shape is None:
            return [value.values, value.indices]
        return [value.values, value.indices, value.dense_shape]

    def _from_components(self, components: Any) -> IndexedSlices:
        return IndexedSlices(*components)
