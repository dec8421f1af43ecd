"""`tf.SparseTensor`: a dense shape with values at some indices (COO), as TF's.

Three tensors: `indices` (int64, [N, rank]), `values` ([N]) and `dense_shape` (int64, [rank]).
Ops on it run through the dense ops on `values`, so gradients reach the values. In a traced
function the three are symbolic (tf.function flattens SparseTensor arguments and results into
them, as TF does): the static shape is then what tracing knows of `dense_shape`, merged with the
spec's shape and `set_shape` (TF's `_dense_shape_default`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec


def _rank_error(t: Tensor, rank: int) -> ValueError:
    return ValueError(f"Shape {t.shape} must have rank {rank}")


class SparseTensor(CompositeTensor):
    """A sparse tensor: `values[i]` sits at `indices[i]` of a tensor of shape `dense_shape` (`tf.sparse.SparseTensor`)."""

    __module__ = "tensorflow.python.framework.sparse_tensor"  # TF's: Keras tells TF's sparse by it

    __slots__ = ("_indices", "_values", "_dense_shape", "_static_shape")

    def __init__(self, indices: Any, values: Any, dense_shape: Any) -> None:
        self._indices = convert_to_tensor(indices, _dtypes.int64)
        self._values = convert_to_tensor(values)
        self._dense_shape = convert_to_tensor(dense_shape, _dtypes.int64)
        self._static_shape = None  # what set_shape / a spec adds to a traced dense_shape
        # (TF's with_rank / merge_with: an unknown rank or dim, as in a traced graph, fits)
        if self._indices.shape.rank not in (2, None):
            raise _rank_error(self._indices, 2)
        if self._values.shape.rank not in (1, None):
            raise _rank_error(self._values, 1)
        if self._dense_shape.shape.rank not in (1, None):
            raise _rank_error(self._dense_shape, 1)
        n, rank = self._indices.shape.as_list() if self._indices.shape.rank is not None else (None, None)
        count = self._values.shape[0] if self._values.shape.rank is not None else None
        if n is not None and count is not None and n != count:
            raise ValueError(f"Dimensions {n} and {count} are not compatible")
        length = self._dense_shape.shape[0] if self._dense_shape.shape.rank is not None else None
        if rank is not None and length is not None and rank != length:
            raise ValueError(f"Dimensions {rank} and {length} are not compatible")

    @classmethod
    def from_value(cls, sparse_tensor_value: Any) -> "SparseTensor":
        return cls(sparse_tensor_value.indices, sparse_tensor_value.values, sparse_tensor_value.dense_shape)

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self) -> _dtypes.DType:
        return self._values.dtype

    @property
    def shape(self) -> TensorShape:
        if type(self._dense_shape) is EagerTensor:
            return TensorShape([int(d) for d in np.asarray(self._dense_shape.numpy())])
        from eagerflow._src.framework.shape_inference import shape_value

        dims = shape_value(self._dense_shape)  # traced: the dims known while tracing
        shape = TensorShape(None if dims is None else list(dims))
        return shape if self._static_shape is None else shape.merge_with(self._static_shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        return self._dense_shape.shape[0]

    @property
    def _type_spec(self) -> "SparseTensorSpec":
        return SparseTensorSpec(self.shape, self.dtype)

    def with_values(self, new_values: Any) -> "SparseTensor":
        new_values = convert_to_tensor(new_values)
        if new_values.shape.rank != 1 or new_values.shape[0] != self._values.shape[0]:
            raise ValueError(f"Dimensions {self._values.shape[0]} and {new_values.shape[0]} are not compatible")
        out = object.__new__(SparseTensor)
        out._indices, out._values, out._dense_shape = self._indices, new_values, self._dense_shape
        out._static_shape = self._static_shape
        return out

    def consumers(self) -> list:
        return []

    def set_shape(self, shape: Any) -> None:
        """Checks `shape` is compatible with the dense shape (eager values are fully known); a
        traced one keeps the dims it adds."""
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Shapes {self.shape} and {TensorShape(shape)} are incompatible")
        if type(self._dense_shape) is not EagerTensor:
            self._static_shape = self.shape.merge_with(shape)

    def __repr__(self) -> str:
        return f"SparseTensor(indices={self._indices!s}, values={self._values!s}, dense_shape={self._dense_shape!s})"

    __str__ = __repr__

    def __bool__(self) -> bool:
        raise TypeError("SparseTensor may not be used as a boolean.")

    def __hash__(self) -> int:
        return id(self)


def _np_shape(t: Tensor) -> tuple:
    return tuple(int(d) for d in np.asarray(t.numpy()))


class SparseTensorSpec(TypeSpec):
    """The type of a SparseTensor: its shape (dims may be None) and dtype (`tf.SparseTensorSpec`)."""

    __slots__ = ("_shape", "_dtype")
    _flatten_in_functions = True  # tf.function args/results: the components (function/_structure.py)
    _shape_in_function_key = True  # traces of SparseTensor args differ by dense shape, as TF's

    def __init__(self, shape: Any = None, dtype: Any = _dtypes.float32) -> None:
        self._shape = TensorShape(shape)
        self._dtype = _dtypes.as_dtype(dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    value_type = property(lambda self: SparseTensor)

    def _serialize(self) -> tuple:
        return (self._shape, self._dtype)

    @property
    def _component_specs(self) -> list:
        rank = self._shape.rank
        return [TensorSpec([None, rank], _dtypes.int64), TensorSpec([None], self._dtype),
                TensorSpec([rank], _dtypes.int64)]

    @classmethod
    def from_value(cls, value: Any) -> "SparseTensorSpec":
        return SparseTensorSpec(SparseTensor.from_value(value).shape, value.dtype)

    def _to_components(self, value: SparseTensor) -> list:
        return [value.indices, value.values, value.dense_shape]

    def _from_components(self, components: Any) -> SparseTensor:
        indices, values, dense_shape = components
        result = SparseTensor(indices, values, dense_shape)
        if type(result._dense_shape) is not EagerTensor and self._shape.rank is not None:
            result._static_shape = self._shape  # the spec's dims augment a traced dense_shape
        return result

    def most_specific_compatible_type(self, other: "SparseTensorSpec") -> "SparseTensorSpec":
        return self.most_specific_common_supertype([other])

    def __repr__(self) -> str:
        return f"SparseTensorSpec({self._shape!r}, {self._dtype!r})"


def sparse_placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> SparseTensor:
    """A SparseTensor of three graph inputs (`tf.compat.v1.sparse_placeholder`): values [None],
    indices [None, rank] and dense_shape [rank]; `shape`'s known dims are its static shape
    (-1 or None: unknown). Only inside a graph being built (Keras's compute_output_spec)."""
    from eagerflow._src.function.func_graph import placeholder

    static = TensorShape(None if shape is None else [None if d is None or d == -1 else d
                                                    for d in TensorShape(shape).as_list()]
                         if not isinstance(shape, (list, tuple)) else
                         [None if d is None or d == -1 else d for d in shape])
    rank = static.rank
    prefix = f"{name}/" if name else ""
    values = placeholder(dtype, [None], name=prefix + "values" if name else None)
    indices = placeholder(_dtypes.int64, [None, rank], name=prefix + "indices" if name else None)
    dense_shape = placeholder(_dtypes.int64, [rank], name=prefix + "shape" if name else None)
    result = SparseTensor(indices, values, dense_shape)
    result._static_shape = static
    return result
