"""Batching transformations: batch, padded_batch, unbatch, rebatch, window, group_by_window,
bucket_by_sequence_length."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.dataset import DatasetV2
from eagerflow._src.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from eagerflow._src.framework import errors
from eagerflow._src.framework.tensor_shape import TensorShape


def groups_of(elements: Iterable, size: int, drop_remainder: bool) -> Iterator[list]:
    """Lists of `size` consecutive elements; a shorter last one unless `drop_remainder`."""
    batch: list = []
    for element in elements:
        batch.append(element)
        if len(batch) == size:
            yield batch
            batch = []
    if batch and not drop_remainder:
        yield batch


def _int(value: Any) -> int:
    return int(value.numpy()) if hasattr(value, "numpy") else int(value)


def _stack(tensors: list) -> Any:
    arrays = [structure.host(t) for t in tensors]
    shape = arrays[0].shape
    for a in arrays[1:]:
        if a.shape != shape:
            raise errors.InvalidArgumentError(None, None, (
                f"Cannot add tensor to the batch: number of elements does not match. Shapes are: "
                f"[tensor]: [{','.join(map(str, a.shape))}], [batch]: [{','.join(map(str, shape))}]"))
    return structure.wrap(np.stack(arrays))


def _batched_cardinality(n: int, size: int, drop: bool) -> int:
    if n < 0:
        return n
    return n // size if drop else -(-n // size)


class BatchDataset(DatasetV2):
    """`Dataset.batch`."""

    _tf_name = "_BatchDataset"

    def __init__(self, input_dataset: DatasetV2, batch_size: Any, drop_remainder: bool,
                 ragged: bool = False, row_splits_dtype: Any = None) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._size = _int(batch_size)
        if self._size <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        self._drop = bool(drop_remainder)
        self._ragged = (ragged, row_splits_dtype)  # ragged_batch: unknown dims become ragged

    def _batched_spec(self, s: Any) -> Any:
        known = self._size if self._drop else None
        if type(s).__name__ == "RaggedTensorSpec" or self._ragged[0]:
            from eagerflow._src.ragged import ragged_batch

            found = ragged_batch.batched_spec(s, known, *self._ragged) if self._ragged[1] is not None else \
                ragged_batch.batched_spec(s, known, self._ragged[0])
            if found is not None:
                return found
        return structure.tensor_spec(TensorShape([known]).concatenate(s.shape), s.dtype)

    @property
    def element_spec(self) -> Any:
        return structure.map_structure(self._batched_spec, self._input.element_spec)

    def _spec_is_cheap(self) -> bool:
        return self._input._spec_is_cheap()

    def _cardinality(self) -> int:
        return _batched_cardinality(self._input._cardinality(), self._size, self._drop)

    def _iterate(self) -> Iterator:
        size, drop = self._size, self._drop
        batches = getattr(self._input, "_iterate_batches", None)
        if batches is not None:  # a source that builds whole batches itself (TFRecordDataset)
            yield from batches(size, drop)
            return
        template = None
        specs = self.element_spec
        if any(type(s).__name__ == "RaggedTensorSpec" for s in structure.flatten(specs)):
            template = specs  # some components batch into RaggedTensors
        for batch in groups_of(self._input._iterate(), size, drop):
            yield self._emit(batch, template)

    @staticmethod
    def _emit(batch: list, template: Any) -> Any:
        first = batch[0]
        if template is None and type(first) is not tuple and not isinstance(first, (dict, list)) \
                and hasattr(first, "_array"):
            return _stack(batch)
        flats = [structure.flatten(e) for e in batch]
        if template is None:
            return structure.pack_as(first, [_stack(list(col)) for col in zip(*flats)])
        from eagerflow._src.ragged import ragged_batch

        specs = structure.flatten(template)
        return structure.pack_as(first, [ragged_batch.batch(list(col), spec) if type(spec).__name__ == "RaggedTensorSpec"
                                         else _stack(list(col)) for col, spec in zip(zip(*flats), specs)])


def _pad_value(spec: Any, value: Any) -> Any:
    if value is None:
        return b"" if spec.dtype.name == "string" else 0
    return structure.host(structure.to_tensor(value)).item() if not isinstance(value, (int, float, bytes, str)) else value


def _check_padded_type(spec: Any) -> None:
    """TF's refusal of components padded_batch cannot pad (None, ragged, sparse, datasets)."""
    if type(spec).__name__ == "TensorSpec":
        return
    if type(spec).__name__ == "DatasetSpec":
        raise TypeError("`padded_batch` is not supported for datasets of datasets")
    raise TypeError("`padded_batch` is only supported for datasets that produce tensor elements but type "
                    f"spec of elements in the input dataset is not a subclass of TensorSpec: `{spec}`.")


class PaddedBatchDataset(DatasetV2):
    """`Dataset.padded_batch`: each component padded to `padded_shapes` (None dims: the
    batch's longest)."""

    _tf_name = "_PaddedBatchDataset"

    def __init__(self, input_dataset: DatasetV2, batch_size: Any, padded_shapes: Any,
                 padding_values: Any, drop_remainder: bool) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        spec = input_dataset.element_spec
        structure.map_structure(_check_padded_type, spec, skip_none=False)
        self._size = _int(batch_size)
        self._drop = bool(drop_remainder)
        if padded_shapes is None:  # every dimension padded to the batch's longest
            padded_shapes = structure.map_structure(
                lambda s: TensorShape(None if s.shape.rank is None else [None] * s.shape.rank), spec)
        self._shapes = structure.map_structure2(
            lambda shape, s: TensorShape(shape.as_list() if isinstance(shape, TensorShape) else
                                         (structure.host(shape).tolist() if hasattr(shape, "numpy") else shape)),
            padded_shapes if not isinstance(padded_shapes, (TensorShape, list)) or isinstance(spec, (tuple, dict)) else padded_shapes,
            spec) if isinstance(spec, (tuple, dict)) else TensorShape(
                padded_shapes.as_list() if isinstance(padded_shapes, TensorShape) else
                [None if d == -1 else d for d in (structure.host(padded_shapes).tolist() if hasattr(padded_shapes, "numpy") else padded_shapes)])
        if padding_values is None:
            self._pads = structure.map_structure(lambda s: _pad_value(s, None), spec)
        elif isinstance(spec, (tuple, dict)):
            self._pads = structure.map_structure2(lambda v, s: _pad_value(s, v), padding_values, spec)
        else:
            self._pads = _pad_value(spec, padding_values)

    @property
    def element_spec(self) -> Any:
        known = self._size if self._drop else None
        return structure.map_structure2(
            lambda shape, s: structure.tensor_spec(TensorShape([known]).concatenate(
                TensorShape([None if d == -1 else d for d in shape.as_list()])), s.dtype),
            self._shapes, self._input.element_spec)

    def _cardinality(self) -> int:
        return _batched_cardinality(self._input._cardinality(), self._size, self._drop)

    def _pad_stack(self, tensors: list, shape: TensorShape, pad: Any) -> Any:
        arrays = [structure.host(t) for t in tensors]
        target = []
        for axis, d in enumerate(shape.as_list()):
            longest = max(a.shape[axis] for a in arrays)
            if d is None or d == -1:
                target.append(longest)
            else:
                if longest > d:
                    raise errors.InvalidArgumentError(None, None, (
                        f"Attempted to pad to a smaller size than the input element."))
                target.append(d)
        out = np.full([len(arrays)] + target, pad, dtype=arrays[0].dtype)
        for i, a in enumerate(arrays):
            out[(i,) + tuple(slice(0, n) for n in a.shape)] = a
        return structure.wrap(out)

    def _emit(self, batch: list) -> Any:
        flats = [structure.flatten(e) for e in batch]
        shapes = structure.flatten(self._shapes) if isinstance(self._shapes, (tuple, dict)) else [self._shapes]
        pads = structure.flatten(self._pads) if isinstance(self._pads, (tuple, dict)) else [self._pads]
        cols = [self._pad_stack(list(col), shape, pad) for col, shape, pad in zip(zip(*flats), shapes, pads)]
        return structure.pack_as(batch[0], cols)

    def _iterate(self) -> Iterator:
        for batch in groups_of(self._input._iterate(), self._size, self._drop):
            yield self._emit(batch)


class UnbatchDataset(DatasetV2):
    """`Dataset.unbatch`."""

    _tf_name = "_UnbatchDataset"

    def __init__(self, input_dataset: DatasetV2) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        # TF's checks on the dense components' static shapes
        shapes = [s.shape for s in structure.flatten(input_dataset.element_spec)
                  if type(s).__name__ == "TensorSpec"]
        if any(s.rank == 0 for s in shapes):
            raise ValueError("Cannot unbatch an input with scalar components.")
        known = None
        for s in shapes:
            d = s.dims[0] if s.rank is not None else None
            if d is not None and known is not None and d != known:
                raise ValueError("`unbatch()` is only supported for datasets of elements whose components have "
                                 f"a matching leading dimension. Encountered both {known} and {d}.")
            known = known if d is None else d

    @property
    def element_spec(self) -> Any:
        return structure.map_structure(_unbatched_spec, self._input.element_spec)

    def _size_error(self, i: int, n: int, m: int) -> Exception:
        count = len(structure.flatten(self._input.element_spec))
        return errors.InvalidArgumentError(None, None, (
            f"{{{{function_node __wrapped__IteratorGetNext_output_types_{count}_device_/job:localhost/replica:0/"
            "task:0/device:CPU:0}} Input element must have the same batch size in each component. "
            f"Component 0 had size {n} but component {i} had size, {m}. [Op:IteratorGetNext] name: "))

    def _spec_is_cheap(self) -> bool:
        return self._input._spec_is_cheap()

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return n if n == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        for element in self._input._iterate():
            leaves = structure.flatten(element)
            if any(not hasattr(t, "_array") for t in leaves):  # ragged or sparse components
                yield from self._composite_rows(element, leaves)
                continue
            flat = [structure.host(t) for t in leaves]
            n = flat[0].shape[0] if flat else 0
            for i, a in enumerate(flat[1:], 1):
                if a.shape[0] != n:
                    raise self._size_error(i, n, a.shape[0])
            for i in range(n):
                yield structure.pack_as(element, [structure.wrap(a[i, ...]) for a in flat])


    def _composite_rows(self, element: Any, leaves: list) -> Iterator:
        from eagerflow._src.data.sources import _composite_slices

        n = int(leaves[0].shape[0])
        for i, t in enumerate(leaves[1:], 1):
            if int(t.shape[0]) != n:
                raise self._size_error(i, n, int(t.shape[0]))
        columns = [_composite_slices(t, n) if not hasattr(t, "_array") else
                   [structure.wrap(a) for a in structure.host(t)] for t in leaves]
        for i in range(n):
            yield structure.pack_as(element, [c[i] for c in columns])


def _unbatched_spec(spec: Any) -> Any:
    """The spec of one row of a component (TF's `TypeSpec._unbatch`)."""
    kind = type(spec).__name__
    if kind == "RaggedTensorSpec":
        return type(spec)(spec.shape[1:], spec.dtype, spec.ragged_rank - 1, spec.row_splits_dtype)
    if kind == "SparseTensorSpec":
        return type(spec)(spec.shape[1:], spec.dtype)
    return structure.tensor_spec(spec.shape[1:], spec.dtype)


class RebatchDataset(DatasetV2):
    """`Dataset.rebatch`: unbatch, then batch to the new size."""

    _tf_name = "_RebatchDataset"

    def __init__(self, input_dataset: DatasetV2, batch_size: Any, drop_remainder: bool) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._inner = BatchDataset(UnbatchDataset(input_dataset), batch_size, drop_remainder)

    @property
    def element_spec(self) -> Any:
        return self._inner.element_spec

    def _iterate(self) -> Iterator:
        return self._inner._iterate()


class _ListDataset(DatasetV2):
    """A window's elements (a finite dataset held in memory)."""

    _tf_name = "_VariantDataset"

    def __init__(self, elements: list, spec: Any) -> None:
        self._elements = elements
        self._element_spec = spec

    def _spec_is_cheap(self) -> bool:
        return True

    def _cardinality(self) -> int:
        return len(self._elements)

    def _iterate(self) -> Iterator:
        yield from self._elements


class WindowDataset(DatasetV2):
    """`Dataset.window`: each element is a structure of datasets of one window's values."""

    _tf_name = "_WindowDataset"

    def __init__(self, input_dataset: DatasetV2, size: Any, shift: Any, stride: Any, drop_remainder: bool) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._size = _int(size)
        self._shift = self._size if shift is None else _int(shift)
        self._stride = _int(stride)
        self._drop = bool(drop_remainder)

    @property
    def element_spec(self) -> Any:
        from eagerflow._src.data.structure import map_structure
        return map_structure(lambda s: _DatasetSpecStandIn(s), self._input.element_spec, skip_none=False)

    def _iterate(self) -> Iterator:
        spec = self._input.element_spec
        leaves = structure.flatten(spec)
        expected = len(structure.flatten(self.element_spec))
        if expected != len(leaves):  # a None component's window: TF's iterator refuses it
            raise errors.InvalidArgumentError(None, None, (
                "{{function_node __wrapped__MakeIterator_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
                f"Number of components does not match: expected {expected} types but got {len(leaves)}. "
                "[Op:MakeIterator] name: "))
        buf: list = []
        span = (self._size - 1) * self._stride + 1
        start = 0
        elements = list(self._input._iterate()) if False else None
        it = self._input._iterate()
        done = False
        while True:
            while not done and len(buf) < start + span:
                try:
                    buf.append(next(it))
                except StopIteration:
                    done = True
            window = buf[start:start + span:self._stride]
            if not window or (self._drop and len(window) < self._size):
                return
            yield self._split(window, spec)
            start += self._shift
            if start > len(buf) and done:
                return
            if start >= len(buf) and done:
                return
        del elements

    @staticmethod
    def _split(window: list, spec: Any) -> Any:
        flats = [structure.flatten(e) for e in window]
        leaf_specs = structure.flatten(spec)
        datasets = [_ListDataset([f[i] for f in flats], s) for i, s in enumerate(leaf_specs)]
        return structure.pack_as(spec, datasets)


def _DatasetSpecStandIn(spec: Any) -> Any:  # noqa: N802 - a window's element spec
    from eagerflow._src.data.dataset_spec import DatasetSpec

    return DatasetSpec(spec)


class GroupByWindowDataset(DatasetV2):
    """`Dataset.group_by_window`."""

    _tf_name = "_GroupByWindowDataset"

    def __init__(self, input_dataset: DatasetV2, key_func: Any, reduce_func: Any,
                 window_size: Any, window_size_func: Any) -> None:
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` argument must be specified.")
        self._input = input_dataset
        self._inputs = (input_dataset,)
        self._key = key_func
        self._reduce = reduce_func
        self._size_fn = window_size_func or (lambda key: window_size)

    @property
    def element_spec(self) -> Any:
        from eagerflow._src.data.functions import _stand_in
        sample = _stand_in(self._input.element_spec)
        key = structure.to_tensor(self._key(*sample) if type(sample) is tuple else self._key(sample))
        return self._reduce(key, _ListDataset([sample], self._input.element_spec)).element_spec

    def _call(self, fn: Any, element: Any) -> Any:
        return fn(*element) if type(element) is tuple else fn(element)

    def _iterate(self) -> Iterator:
        groups: dict = {}
        spec = self._input.element_spec
        for element in self._input._iterate():
            key_t = structure.to_tensor(self._call(self._key, element))
            key = int(structure.host(key_t))
            size = _int(self._size_fn(key_t))
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) == size:
                del groups[key]
                yield from self._reduce(key_t, _ListDataset(group, spec))._iterate()
        for key, group in groups.items():
            yield from self._reduce(structure.wrap(np.int64(key)), _ListDataset(group, spec))._iterate()


def bucket_by_sequence_length(dataset: DatasetV2, element_length_func: Any, bucket_boundaries: list,
                              bucket_batch_sizes: list, padded_shapes: Any, padding_values: Any,
                              pad_to_bucket_boundary: bool, no_padding: bool, drop_remainder: bool) -> DatasetV2:
    """TF's construction: group by the bucket of each element's length, pad-batch per bucket."""
    if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
        raise ValueError(f"`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                         f"`len(bucket_batch_sizes)={len(bucket_batch_sizes)}` and "
                         f"`len(bucket_boundaries)={len(bucket_boundaries)}`.")
    bounds = list(bucket_boundaries)

    def bucket_of(*element: Any) -> Any:
        length = int(structure.host(structure.to_tensor(
            element_length_func(*element) if len(element) > 1 else element_length_func(element[0]))))
        return structure.wrap(np.int64(sum(1 for b in bounds if length >= b)))

    def size_of(bucket: Any) -> Any:
        return structure.wrap(np.int64(bucket_batch_sizes[int(structure.host(bucket))]))

    def batch_bucket(bucket: Any, window: DatasetV2) -> DatasetV2:
        if no_padding:
            return window.batch(bucket_batch_sizes[int(structure.host(bucket))], drop_remainder=drop_remainder)
        shapes = padded_shapes
        if pad_to_bucket_boundary:
            i = int(structure.host(bucket))
            if i == len(bounds):
                raise errors.InvalidArgumentError(None, None, (
                    "When pad_to_bucket_boundary=True, elements must have length < max(bucket_boundaries)."))
            none_to = bounds[i] - 1
            base = shapes if shapes is not None else structure.map_structure(lambda s: s.shape, window.element_spec)
            shapes = structure.map_structure(
                lambda s: TensorShape([none_to if d is None else d for d in TensorShape(s).as_list()]), base)
        return window.padded_batch(bucket_batch_sizes[int(structure.host(bucket))], shapes,
                                   padding_values, drop_remainder=drop_remainder)

    return dataset.group_by_window(bucket_of, batch_bucket, window_size_func=size_of)
