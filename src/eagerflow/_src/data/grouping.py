"""`tf.data.experimental.group_by_reducer` (with its `Reducer`) and `dense_to_sparse_batch`."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.batching import groups_of
from eagerflow._src.data.dataset import DatasetV2
from eagerflow._src.data.functions import DatasetFunction
from eagerflow._src.framework import errors


class Reducer:
    """A reducer for `group_by_reducer`: `init_func(key) -> state`,
    `reduce_func(state, element) -> state`, `finalize_func(state) -> output`."""

    def __init__(self, init_func: Callable, reduce_func: Callable, finalize_func: Callable) -> None:
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self) -> Callable:
        return self._init_func

    @property
    def reduce_func(self) -> Callable:
        return self._reduce_func

    @property
    def finalize_func(self) -> Callable:
        return self._finalize_func


def _relaxed(old: Any, new: Any) -> Any:
    """The state spec covering both: shapes that differ lose the dimensions that differ."""
    def leaf(a: Any, b: Any) -> Any:
        return structure.tensor_spec(a.shape.most_specific_compatible_shape(b.shape), a.dtype)
    return structure.map_structure2(leaf, old, new)


class GroupByReducerDataset(DatasetV2):
    """Groups elements by `key_func` (a scalar int64) and folds each group with a `Reducer`; at
    the end of the input, one finalized state per key, in key order (TF's ordered map)."""

    _tf_name = "_GroupByReducerDataset"

    def __init__(self, input_dataset: DatasetV2, key_func: Callable, reducer: Reducer) -> None:
        from eagerflow._src.framework import dtypes as _dtypes

        self._input = input_dataset
        self._inputs = (input_dataset,)
        element_spec = input_dataset.element_spec
        self._key = DatasetFunction(key_func, element_spec, "group_by_reducer")
        key_spec = self._key.output_spec
        if (type(key_spec).__name__ != "TensorSpec" or key_spec.dtype != _dtypes.int64
                or key_spec.shape.rank != 0):
            types = structure.map_structure(lambda s: s.dtype, key_spec)
            shapes = structure.map_structure(lambda s: s.shape, key_spec)
            raise ValueError("Invalid `key_func`. Expected `key_func` to return a scalar tf.int64 "
                             f"tensor, but instead `key_func` has output types={types} and shapes={shapes}.")
        self._init = DatasetFunction(reducer.init_func, key_spec, "group_by_reducer")
        state = self._init.output_spec
        for _ in range(8):  # TF's fixed point: the state's shapes relax until the reduce keeps them
            reduce = DatasetFunction(reducer.reduce_func, (state, element_spec), "group_by_reducer")
            new = reduce.output_spec
            old_types = structure.map_structure(lambda s: s.dtype, state)
            new_types = structure.map_structure(lambda s: s.dtype, new)
            if old_types != new_types:
                raise TypeError(f"Invalid `reducer`. The element types for the new state {new_types} do "
                                f"not match the element types of the old state {old_types}.")
            relaxed = _relaxed(state, new)
            if relaxed == state:
                break
            state = relaxed
        self._reduce = reduce
        self._finalize = DatasetFunction(reducer.finalize_func, state, "group_by_reducer")
        self._element_spec = self._finalize.output_spec

    def _iterate(self) -> Iterator:
        states: dict = {}
        for element in self._input._iterate():
            key_t = self._key(element)
            key = int(structure.host(key_t))
            if key not in states:
                states[key] = self._init(key_t)
            states[key] = self._reduce((states[key], element))
        for key in sorted(states):
            yield self._finalize(states[key])


def group_by_reducer(key_func: Callable, reducer: Reducer) -> Callable:
    """A transformation grouping elements by key and reducing each group (for `Dataset.apply`)."""
    return lambda dataset: GroupByReducerDataset(dataset, key_func, reducer)


class DenseToSparseBatchDataset(DatasetV2):
    """Batches tensors of rank `len(row_shape)` into one SparseTensor per batch holding every
    entry of each element (zeros included) at `[i, *index]`; a `None` in `row_shape` becomes
    the batch's largest size there."""

    _tf_name = "_DenseToSparseBatchDataset"

    def __init__(self, input_dataset: DatasetV2, batch_size: Any, row_shape: Any) -> None:
        from eagerflow._src.framework.tensor_shape import TensorShape
        from eagerflow._src.sparse.sparse_tensor import SparseTensorSpec

        spec = input_dataset.element_spec
        if type(spec).__name__ != "TensorSpec":
            raise TypeError("`dense_to_sparse_batch` requires an input whose elements are single "
                            f"tensors, got {spec}.")
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._size = int(batch_size.numpy() if hasattr(batch_size, "numpy") else batch_size)
        self._row = TensorShape(row_shape)
        self._element_spec = SparseTensorSpec(TensorShape([None]).concatenate(self._row), spec.dtype)

    def _spec_is_cheap(self) -> bool:
        return True

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return n if n < 0 else -(-n // self._size)

    def _row_text(self) -> str:
        return ",".join(str(-1 if d is None else d) for d in self._row.as_list())

    def _emit(self, batch: list) -> Any:
        from eagerflow._src.sparse.sparse_tensor import SparseTensor

        row = self._row.as_list()
        arrays = [structure.host(t) for t in batch]
        for a in arrays:
            shape = ",".join(str(d) for d in a.shape)
            if a.ndim != len(row):
                raise errors.InvalidArgumentError(None, None, (
                    f"Input element had shape ([{shape}]) that is incompatible with the row shape "
                    f"([{self._row_text()}])."))
            if any(want is not None and have > want for have, want in zip(a.shape, row)):
                raise errors.DataLossError(None, None, (
                    f"Input element had shape ([{shape}]) that is larger than the row shape "
                    f"([{self._row_text()}])."))
        dims = [want if want is not None else max((a.shape[i] for a in arrays), default=0)
                for i, want in enumerate(row)]
        indices = [np.concatenate([np.full((a.size, 1), i, np.int64),
                                   np.indices(a.shape).reshape(a.ndim, a.size).T.astype(np.int64)], axis=1)
                   for i, a in enumerate(arrays)]
        values = np.concatenate([a.reshape(-1) for a in arrays])
        return SparseTensor(np.concatenate(indices).reshape(-1, len(row) + 1), values,
                            np.array([len(arrays)] + dims, np.int64))

    def _iterate(self) -> Iterator:
        for batch in groups_of(self._input._iterate(), self._size, False):
            yield self._emit(batch)


def dense_to_sparse_batch(batch_size: Any, row_shape: Any) -> Callable:
    """A transformation batching tensors into SparseTensors of `[batch] + row_shape`."""
    return lambda dataset: DenseToSparseBatchDataset(dataset, batch_size, row_shape)


def dense_to_ragged_batch(batch_size: Any, drop_remainder: bool = False, row_splits_dtype: Any = None) -> Callable:
    """A transformation batching elements of differing shapes into RaggedTensors (`ragged_batch`)."""
    return lambda dataset: dataset.ragged_batch(batch_size, drop_remainder, row_splits_dtype)
