"""Element-wise transformations: map, filter, interleave/flat_map, repeat, take, skip,
take_while, cache, scan, shard, unique, ignore_errors, options, assert_cardinality."""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.dataset import DatasetV2, UnaryDataset
from eagerflow._src.data.functions import DatasetFunction
from eagerflow._src.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors


def _int(value: Any) -> int:
    return int(value.numpy()) if hasattr(value, "numpy") else int(value)


def _truth(value: Any, transformation: str) -> bool:
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        if value.dtype != _dtypes.bool or value.shape.rank != 0:
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, "
                             f"but its return type was {structure.spec_of(value)}.")
        return bool(structure.host(value))
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None:
        raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, "
                         f"but its return type is {structure.spec_of(value)}.")
    raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, "
                     f"but its return type was {type(value)}.")


def _check_predicate_spec(spec: Any, transformation: str = "filter") -> None:
    """TF's check, when the predicate is built, that it returns a bool scalar (None: untraced)."""
    if spec is None:
        return
    if (type(spec).__name__ == "TensorSpec" and spec.dtype == _dtypes.bool
            and spec.shape.is_compatible_with([])):
        return
    if transformation == "take_while":  # TF's take_while words it so (no comma, no space)
        raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor but its "
                         f"return type is{spec}.")
    raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, "
                     f"but its return type is {spec}.")


def _instantiate(fn: Any) -> Any:
    """`fn` as one iterator runs it: its random ops get their own kernels (TF instantiates a
    map function per iterator, so each epoch's random draws start afresh)."""
    from eagerflow._src.ops.random.seeds import FunctionInstance

    instance = FunctionInstance()
    return lambda element: instance.call(fn, element)


class MapDataset(UnaryDataset):
    """`Dataset.map` (`_ParallelMapDataset` with `num_parallel_calls`)."""

    def __init__(self, input_dataset: DatasetV2, fn: Any, num_parallel_calls: Any, deterministic: Any) -> None:
        super().__init__(input_dataset)
        self._fn = DatasetFunction(fn, input_dataset.element_spec, "map")
        self._parallel = None if num_parallel_calls is None else _int(num_parallel_calls)
        self._deterministic = deterministic
        self._tf_name = "_MapDataset" if self._parallel is None else "_ParallelMapDataset"
        if self._fn._output_spec is not None:  # traced: an element of only None is refused
            structure.check_has_components(
                self._fn._output_spec, "MapDataset" if self._parallel is None else "ParallelMapDatasetV2")

    @property
    def element_spec(self) -> Any:
        return self._fn.output_spec

    def _spec_is_cheap(self) -> bool:
        return False

    def _iterate(self) -> Iterator:
        fn = _instantiate(self._fn)
        if self._parallel is None or self._parallel == 1:
            for element in self._input._iterate():
                yield fn(element)
            return
        from eagerflow._src.data import parallel

        deterministic = self._deterministic
        if deterministic is None:
            deterministic = self.options().deterministic
        yield from parallel.parallel_map(self._input._iterate(), fn, self._parallel,
                                         deterministic is not False)

    def _iterate_safe(self) -> Iterator:
        fn = _instantiate(self._fn)
        for ok, element in self._input._iterate_safe():
            if not ok:
                yield ok, element
                continue
            try:
                yield True, fn(element)
            except errors.OpError as exc:
                yield False, exc


class FilterDataset(UnaryDataset):
    """`Dataset.filter`."""

    _tf_name = "_FilterDataset"

    def __init__(self, input_dataset: DatasetV2, predicate: Any) -> None:
        super().__init__(input_dataset)
        self._pred = DatasetFunction(predicate, input_dataset.element_spec, "filter")
        _check_predicate_spec(self._pred._output_spec)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return INFINITE_CARDINALITY if n == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        pred = self._pred
        for element in self._input._iterate():
            if _truth(pred(element), "filter"):
                yield element

    def _iterate_safe(self) -> Iterator:
        pred = self._pred
        for ok, element in self._input._iterate_safe():
            if not ok:
                yield ok, element
                continue
            try:
                keep = _truth(pred(element), "filter")
            except errors.OpError as exc:
                yield False, exc
                continue
            if keep:
                yield True, element


def _returned_dataset(out: Any) -> DatasetV2:
    """`out` if a flat_map/interleave function returned a dataset, else TF's TypeError."""
    if isinstance(out, DatasetV2):
        return out
    if out is None:  # TF names the NoneTensor its spec stands for
        from eagerflow._src.framework.none_tensor import NoneTensor

        got = repr(NoneTensor())
    else:
        got = str(type(out))
    raise TypeError(f"The `map_func` argument must return a `Dataset` object. Got {got}.")


class InterleaveDataset(UnaryDataset):
    """`Dataset.interleave` and `flat_map`: each element maps to a dataset; `cycle_length`
    of them are read `block_length` elements at a time, round robin."""

    def __init__(self, input_dataset: DatasetV2, fn: Any, cycle_length: Any, block_length: Any,
                 num_parallel_calls: Any, deterministic: Any, flat: bool = False) -> None:
        super().__init__(input_dataset)
        self._fn = DatasetFunction(fn, input_dataset.element_spec, "flat_map" if flat else "interleave",
                                   trace=False)
        cycle = None if cycle_length is None else _int(cycle_length)
        if cycle is None or cycle == -1:
            import os
            cycle = os.cpu_count() or 1
        self._cycle = cycle
        self._block = 1 if block_length is None else _int(block_length)
        self._parallel = None if num_parallel_calls is None else _int(num_parallel_calls)
        if flat:
            self._tf_name = "_FlatMapDataset"
        else:
            self._tf_name = "_InterleaveDataset" if self._parallel is None else "_ParallelInterleaveDataset"

    def _dataset_of(self, element: Any) -> DatasetV2:
        return _returned_dataset(self._fn.call_raw(element))

    @property
    def element_spec(self) -> Any:
        return _returned_dataset(self._fn.raw_output()).element_spec

    def _spec_is_cheap(self) -> bool:
        return False

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        # TF's order: visit slots round robin; an empty slot takes the next input element when
        # visited; an exhausted one is emptied and the cycle moves on.
        inputs = self._input._iterate()
        cycle, block = self._cycle, self._block
        slots: list = [None] * cycle
        index = block_index = is_open = 0
        end_of_input = False
        try:
            while not end_of_input or is_open:
                it = slots[index]
                if it is not None:
                    try:
                        value = next(it)
                    except StopIteration:
                        slots[index] = None
                        is_open -= 1
                        block_index, index = 0, (index + 1) % cycle
                        continue
                    yield value
                    block_index += 1
                    if block_index == block:
                        block_index, index = 0, (index + 1) % cycle
                elif not end_of_input:
                    try:
                        element = next(inputs)
                    except StopIteration:
                        end_of_input = True
                        continue
                    slots[index] = self._dataset_of(element)._iterate()
                    is_open += 1
                else:
                    block_index, index = 0, (index + 1) % cycle
        finally:
            for it in slots:
                if it is not None:
                    it.close()
            inputs.close()


class RepeatDataset(UnaryDataset):
    """`Dataset.repeat`."""

    _tf_name = "_RepeatDataset"

    def __init__(self, input_dataset: DatasetV2, count: Any) -> None:
        super().__init__(input_dataset)
        self._count = -1 if count is None else _int(count)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count == -1:
            return 0 if n == 0 else INFINITE_CARDINALITY
        if n < 0:
            return n
        return n * self._count

    def _iterate(self) -> Iterator:
        epoch = 0
        while self._count < 0 or epoch < self._count:
            empty = True
            for element in self._input._iterate():
                empty = False
                yield element
            if empty:
                return
            epoch += 1


class TakeDataset(UnaryDataset):
    """`Dataset.take`."""

    _tf_name = "_TakeDataset"

    def __init__(self, input_dataset: DatasetV2, count: Any) -> None:
        super().__init__(input_dataset)
        self._count = _int(count)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        if n == UNKNOWN_CARDINALITY:
            return UNKNOWN_CARDINALITY
        return min(n, self._count)

    def _iterate(self) -> Iterator:
        if self._count == 0:
            return
        it = self._input._iterate()
        try:
            for i, element in enumerate(it):
                yield element
                if i + 1 == self._count:
                    return
        finally:
            it.close()


class SkipDataset(UnaryDataset):
    """`Dataset.skip`."""

    _tf_name = "_SkipDataset"

    def __init__(self, input_dataset: DatasetV2, count: Any) -> None:
        super().__init__(input_dataset)
        self._count = _int(count)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)

    def _iterate(self) -> Iterator:
        if self._count < 0:
            for _ in self._input._iterate():
                pass
            return
        for i, element in enumerate(self._input._iterate()):
            if i >= self._count:
                yield element


class TakeWhileDataset(UnaryDataset):
    """`Dataset.take_while`."""

    _tf_name = "_TakeWhileDataset"

    def __init__(self, input_dataset: DatasetV2, predicate: Any) -> None:
        super().__init__(input_dataset)
        self._pred = DatasetFunction(predicate, input_dataset.element_spec, "take_while")
        _check_predicate_spec(self._pred._output_spec, "take_while")

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        it = self._input._iterate()
        try:
            for element in it:
                if not _truth(self._pred(element), "take_while"):
                    return
                yield element
        finally:
            it.close()


class CacheDataset(UnaryDataset):
    """`Dataset.cache`: the first complete pass is stored (in memory, or in a file of
    TFRecords of serialized tensors) and later passes read it."""

    _tf_name = "CacheDataset"  # TF 2.21 names this class without the underscore

    def __init__(self, input_dataset: DatasetV2, filename: Any) -> None:
        super().__init__(input_dataset)
        self._filename = filename.numpy().decode() if hasattr(filename, "numpy") else str(filename or "")
        self._memory: list | None = None

    def _iterate(self) -> Iterator:
        if self._filename:
            yield from self._file_iterate()
            return
        if self._memory is not None:
            yield from self._memory
            return
        pending = []
        for element in self._input._iterate():
            pending.append(element)
            yield element
        self._memory = pending  # only a complete pass is kept, as TF

    def _file_iterate(self) -> Iterator:
        import os

        from eagerflow._src.io import io_ops
        from eagerflow._src.io.tfrecord import RecordReader, TFRecordWriter

        path = self._filename + ".eagerflow-cache"
        spec = self._input.element_spec
        flat_spec = structure.flatten(spec)
        if os.path.exists(path):
            with RecordReader(path) as reader:
                flat: list = []
                for record in reader:
                    flat.append(io_ops.parse_tensor(record, flat_spec[len(flat)].dtype))
                    if len(flat) == len(flat_spec):
                        yield structure.pack_as(spec, flat)
                        flat = []
            return
        tmp = path + ".tmp"
        writer = TFRecordWriter(tmp)
        complete = False
        try:
            for element in self._input._iterate():
                for t in structure.flatten(element):
                    writer.write(io_ops.serialize_tensor(t).numpy())
                yield element
            complete = True
        finally:
            writer.close()
            if complete:
                os.replace(tmp, path)
            elif os.path.exists(tmp):
                os.remove(tmp)


class ScanDataset(UnaryDataset):
    """`Dataset.scan`."""

    _tf_name = "_ScanDataset"

    def __init__(self, input_dataset: DatasetV2, initial_state: Any, scan_func: Any) -> None:
        super().__init__(input_dataset)
        self._initial = structure.normalize(initial_state)
        self._fn = scan_func

    def _step(self, state: Any, element: Any) -> tuple:
        out = self._fn(state, element)  # TF unpacks (state, element), never the element
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError("The scan function must return a pair comprising the new state and the output value.")
        return structure.normalize(out[0]), structure.normalize(out[1])

    @property
    def element_spec(self) -> Any:
        from eagerflow._src.data.functions import _stand_in

        _, out = self._step(self._initial, _stand_in(self._input.element_spec))
        return structure.spec_of(out)

    def _spec_is_cheap(self) -> bool:
        return False

    def _iterate(self) -> Iterator:
        state = self._initial
        for element in self._input._iterate():
            state, out = self._step(state, element)
            yield out


class ShardDataset(UnaryDataset):
    """`Dataset.shard`."""

    _tf_name = "_ShardDataset"

    def __init__(self, input_dataset: DatasetV2, num_shards: Any, index: Any) -> None:
        super().__init__(input_dataset)
        self._n, self._i = _int(num_shards), _int(index)
        if self._n == self._i == -1:  # SHARD_HINT: filled in by the HINT auto-shard policy
            return
        if self._n <= 0:
            raise errors.InvalidArgumentError(None, None, "Number of shards must be greater than zero (currently num_shards = %d)." % self._n)
        if not 0 <= self._i < self._n:
            raise errors.InvalidArgumentError(None, None, (
                f"Index must be between 0 and {self._n - 1} (currently index = {self._i})."))

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        return n // self._n + (1 if self._i < n % self._n else 0)

    def _iterate(self) -> Iterator:
        if self._n == -1:
            raise errors.FailedPreconditionError(None, None, (
                "`tf.data.Dataset.shard(SHARD_HINT, ...)` can only be used in "
                "`tf.distribute.Strategy.experimental_distribute_dataset()` with "
                "`tf.data.experimental.AutoShardPolicy.HINT` policy, or tf.data service with "
                "`tf.data.experimental.service.ShardingPolicy.HINT` processing mode."))
        for i, element in enumerate(self._input._iterate()):
            if i % self._n == self._i:
                yield element


def _legacy_type(spec: Any) -> Any:
    """TF's `get_legacy_output_types` of one component (a NoneTensorSpec is its own)."""
    return repr(spec) if structure.is_none(spec) else getattr(spec, "dtype", spec)


class UniqueDataset(UnaryDataset):
    """`Dataset.unique`."""

    _tf_name = "_UniqueDataset"

    def __init__(self, input_dataset: DatasetV2) -> None:
        super().__init__(input_dataset)
        spec = input_dataset.element_spec
        for s in structure.flatten(structure.map_structure(_legacy_type, spec, skip_none=False)):
            if s not in (_dtypes.int32, _dtypes.int64, _dtypes.string):
                raise TypeError(f"`tf.data.Dataset.unique` does not support type {s} -- only `tf.int32`, "
                                "`tf.int64`, and `tf.string` are supported.")
        if not hasattr(spec, "dtype"):  # a structure of int/string components
            raise TypeError("`tf.data.Dataset.unique` does not support type "
                            f"{getattr(spec, 'dtype', spec)!r}.")

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return n if n == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        seen: set = set()
        for element in self._input._iterate():
            key = structure.host(element).item()
            if key not in seen:
                seen.add(key)
                yield element


class IgnoreErrorsDataset(UnaryDataset):
    """`Dataset.ignore_errors`: an element whose production raised an OpError is dropped
    (a reader then moves on to its next file, as TF's)."""

    _tf_name = "_IgnoreErrorsDataset"

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _iterate(self) -> Iterator:
        for ok, element in self._input._iterate_safe():
            if ok:
                yield element


class OptionsDataset(UnaryDataset):
    """`Dataset.with_options`."""

    _tf_name = "_OptionsDataset"

    def __init__(self, input_dataset: DatasetV2, options: Any) -> None:
        super().__init__(input_dataset)
        self._own_options = options

    def _iterate(self) -> Iterator:
        return self._input._iterate()


class AssertCardinalityDataset(UnaryDataset):
    """`tf.data.experimental.assert_cardinality`."""

    _tf_name = "_AssertCardinalityDataset"

    def __init__(self, input_dataset: DatasetV2, expected: Any) -> None:
        super().__init__(input_dataset)
        self._expected = _int(expected)

    def _cardinality(self) -> int:
        return self._expected

    def _iterate(self) -> Iterator:
        n = 0
        for element in self._input._iterate():
            n += 1
            if self._expected >= 0 and n > self._expected:
                raise errors.FailedPreconditionError(None, None, (
                    f"Input dataset was expected to contain {self._expected} elements but contained "
                    "at least {} elements.".format(n)))
            yield element
        if self._expected == INFINITE_CARDINALITY or n < self._expected:
            raise errors.FailedPreconditionError(None, None, (
                f"Input dataset was expected to contain {self._expected} elements but contained only "
                f"{n} elements."))
