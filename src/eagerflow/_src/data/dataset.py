"""`tf.data.Dataset`: the public methods. Each builds one node (sources.py, transforms.py,
batching.py, shuffle.py, readers.py); a node knows its element spec, cardinality and how to
iterate (a Python generator of elements pulled from its inputs)."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.checkpoint.trackable import Trackable
from eagerflow._src.data import structure
from eagerflow._src.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options


class DatasetV2:
    """Represents a potentially large set of elements (`tf.data.Dataset`)."""

    # TF's module for the class, by which libraries (Keras's data adapters) recognize a tf.data
    # dataset; under the `tensorflow` alias it is eagerflow/python/data/ops/dataset_ops.py.
    __module__ = "tensorflow.python.data.ops.dataset_ops"
    _inputs: tuple = ()
    _tf_name = "DatasetV2"  # the class name TF's repr shows (e.g. `_MapDataset`)

    # --- what a node provides ---------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The structure of `TensorSpec`s of one element."""
        return self._element_spec

    def _iterate(self) -> Iterator:
        raise NotImplementedError

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _iterate_safe(self) -> Iterator:
        """`(True, element)` or `(False, error)` pairs, for `ignore_errors`. A node that can go on
        after an element fails (map, filter, readers) overrides this; others end at an error."""
        from eagerflow._src.framework.errors import OpError

        it = self._iterate()
        while True:
            try:
                element = next(it)
            except StopIteration:
                return
            except OpError as exc:
                yield False, exc
                return
            yield True, element

    def _spec_is_cheap(self) -> bool:
        return False

    # --- iteration ----------------------------------------------------------------------------
    def __iter__(self) -> Any:
        from eagerflow._src.data.iterator import OwnedIterator

        return OwnedIterator(self)

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __repr__(self) -> str:
        return f"<{self._tf_name} element_spec={self.element_spec}>"

    def as_numpy_iterator(self) -> "NumpyIterator":
        """Iterates the elements as NumPy values (scalars as NumPy scalars); eager only, and
        only for datasets of tensors, ragged and sparse tensors (TF's errors otherwise)."""
        from eagerflow._src.framework.graph import executing_eagerly

        if not executing_eagerly():
            raise RuntimeError("`tf.data.Dataset.as_numpy_iterator()` is only supported in eager mode.")
        for spec in structure.flatten(self.element_spec):
            if type(spec).__name__ not in ("TensorSpec", "RaggedTensorSpec", "SparseTensorSpec",
                                           "NoneTensorSpec", "_TensorSpecStandIn"):
                raise TypeError("`tf.data.Dataset.as_numpy_iterator()` is not supported for "
                                f"datasets that produce values of type {getattr(spec, 'value_type', DatasetV2)}")
        return NumpyIterator(self)

    def _make_type_spec(self) -> Any:  # `tf.type_spec_from_value(dataset)`
        from eagerflow._src.data.dataset_spec import DatasetSpec

        return DatasetSpec.from_value(self)

    def cardinality(self) -> Any:
        """The number of elements: INFINITE (-1), UNKNOWN (-2) or a count, as an int64 tensor."""
        return structure.wrap(np.int64(self._cardinality()))

    def options(self) -> Options:
        """The options of this dataset and its inputs, merged."""
        out = Options()
        for node in self._chain():
            own = getattr(node, "_own_options", None)
            if own is not None:
                out = out.merge(own)
        return out

    def _chain(self) -> list:
        seen: list = []
        stack = [self]
        while stack:
            node = stack.pop()
            seen.append(node)
            stack.extend(node._inputs)
        return list(reversed(seen))

    # --- sources ------------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors: Any, name: Any = None) -> "DatasetV2":
        """A dataset of one element, `tensors`."""
        from eagerflow._src.data import sources
        return sources.TensorDataset(tensors)

    @staticmethod
    def from_tensor_slices(tensors: Any, name: Any = None) -> "DatasetV2":
        """A dataset of the slices of `tensors` along their first dimension."""
        from eagerflow._src.data import sources
        return sources.TensorSliceDataset(tensors)

    @staticmethod
    def range(*args: Any, output_type: Any = None, name: Any = None) -> "DatasetV2":
        """`range(stop)`, `range(start, stop[, step])` as int64 scalars."""
        from eagerflow._src.data import sources
        return sources.RangeDataset(*args, output_type=output_type)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None, output_shapes: Any = None,
                       args: Any = None, output_signature: Any = None, name: Any = None) -> "DatasetV2":
        """A dataset of the values a Python generator yields."""
        from eagerflow._src.data import sources
        return sources.GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def zip(*datasets: Any, name: Any = None) -> "DatasetV2":
        """Elements of several datasets together, as a (nested) tuple or dict."""
        from eagerflow._src.data import sources
        if len(datasets) == 1 and not isinstance(datasets[0], DatasetV2):
            datasets = datasets[0]
        return sources.ZipDataset(datasets)

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = None, name: Any = None) -> "DatasetV2":
        """An infinite count from `start` by `step`."""
        from eagerflow._src.data import sources
        from eagerflow._src.framework import dtypes as _dtypes
        return sources.RangeDataset(start, np.iinfo(np.int64).max, step,
                                    output_type=dtype or _dtypes.int64, infinite=True)

    @staticmethod
    def random(seed: Any = None, rerandomize_each_iteration: Any = None, name: Any = None) -> "DatasetV2":
        """An infinite stream of random int64s in [0, 2**32), TF's stream for the same seeds."""
        from eagerflow._src.data import shuffle
        return shuffle.RandomDataset(seed, bool(rerandomize_each_iteration))

    @staticmethod
    def list_files(file_pattern: Any, shuffle: Any = None, seed: Any = None, name: Any = None) -> "DatasetV2":
        """The files matching a pattern (or patterns), shuffled unless `shuffle=False`."""
        from eagerflow._src.data import readers
        return readers.list_files(file_pattern, shuffle, seed)

    @staticmethod
    def sample_from_datasets(datasets: Any, weights: Any = None, seed: Any = None,
                             stop_on_empty_dataset: bool = False, rerandomize_each_iteration: Any = None) -> "DatasetV2":
        """Elements drawn at random from `datasets` with probabilities `weights`."""
        from eagerflow._src.data import sources
        return sources.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)

    def rejection_resample(self, class_func: Callable, target_dist: Any, initial_dist: Any = None,
                           seed: Any = None, name: Any = None) -> "DatasetV2":
        """`(class, element)` pairs resampled so that classes follow `target_dist`."""
        from eagerflow._src.data import resampling
        return resampling.rejection_resample(self, class_func, target_dist, initial_dist, seed)

    @staticmethod
    def choose_from_datasets(datasets: Any, choice_dataset: Any, stop_on_empty_dataset: bool = True) -> "DatasetV2":
        """Elements of `datasets[i]` for each `i` of `choice_dataset`."""
        from eagerflow._src.data import sources
        return sources.ChooseDataset(list(datasets), choice_dataset, stop_on_empty_dataset)

    # --- transformations ----------------------------------------------------------------------
    def map(self, map_func: Callable, num_parallel_calls: Any = None, deterministic: Any = None,
            synchronous: Any = None, use_unbounded_threadpool: bool = False, name: Any = None) -> "DatasetV2":
        """Applies `map_func` to each element (on a thread pool with `num_parallel_calls`)."""
        from eagerflow._src.data import transforms
        return transforms.MapDataset(self, map_func, num_parallel_calls, deterministic)

    def filter(self, predicate: Callable, name: Any = None) -> "DatasetV2":
        """The elements for which `predicate` is True."""
        from eagerflow._src.data import transforms
        return transforms.FilterDataset(self, predicate)

    def flat_map(self, map_func: Callable, name: Any = None) -> "DatasetV2":
        """Maps each element to a dataset and flattens the results in order."""
        from eagerflow._src.data import transforms
        return transforms.InterleaveDataset(self, map_func, 1, 1, None, None, flat=True)

    def interleave(self, map_func: Callable, cycle_length: Any = None, block_length: Any = None,
                   num_parallel_calls: Any = None, deterministic: Any = None, name: Any = None) -> "DatasetV2":
        """Maps elements to datasets and interleaves them `cycle_length` at a time."""
        from eagerflow._src.data import transforms
        return transforms.InterleaveDataset(self, map_func, cycle_length, block_length,
                                            num_parallel_calls, deterministic)

    def batch(self, batch_size: Any, drop_remainder: bool = False, num_parallel_calls: Any = None,
              deterministic: Any = None, name: Any = None) -> "DatasetV2":
        """Stacks consecutive elements into batches of `batch_size`."""
        from eagerflow._src.data import batching
        return batching.BatchDataset(self, batch_size, drop_remainder)

    def ragged_batch(self, batch_size: Any, drop_remainder: bool = False, row_splits_dtype: Any = None,
                     name: Any = None) -> "DatasetV2":
        """Batches elements whose unknown dimensions vary into RaggedTensors (`Dataset.ragged_batch`)."""
        from eagerflow._src.data import batching
        from eagerflow._src.framework import dtypes as _dtypes

        return batching.BatchDataset(self, batch_size, drop_remainder, ragged=True,
                                     row_splits_dtype=_dtypes.int64 if row_splits_dtype is None else row_splits_dtype)

    def padded_batch(self, batch_size: Any, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False, name: Any = None) -> "DatasetV2":
        """Batches elements, padding each component to `padded_shapes` (or the batch's maximum)."""
        from eagerflow._src.data import batching
        return batching.PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name: Any = None) -> "DatasetV2":
        """Splits each element along its first dimension."""
        from eagerflow._src.data import batching
        return batching.UnbatchDataset(self)

    def rebatch(self, batch_size: Any, drop_remainder: bool = False, name: Any = None) -> "DatasetV2":
        """Re-batches an already batched dataset to `batch_size`."""
        from eagerflow._src.data import batching
        return batching.RebatchDataset(self, batch_size, drop_remainder)

    def shuffle(self, buffer_size: Any, seed: Any = None, reshuffle_each_iteration: Any = True,
                name: Any = None) -> "DatasetV2":
        """Shuffles with a buffer of `buffer_size` elements, in TF's order for the same seeds."""
        from eagerflow._src.data import shuffle
        return shuffle.ShuffleDataset(self, buffer_size, seed,
                                      True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration))

    def repeat(self, count: Any = None, name: Any = None) -> "DatasetV2":
        """Repeats the dataset `count` times (forever with None or -1)."""
        from eagerflow._src.data import transforms
        return transforms.RepeatDataset(self, count)

    def take(self, count: Any, name: Any = None) -> "DatasetV2":
        """The first `count` elements (all with -1)."""
        from eagerflow._src.data import transforms
        return transforms.TakeDataset(self, count)

    def skip(self, count: Any, name: Any = None) -> "DatasetV2":
        """All but the first `count` elements (none with -1)."""
        from eagerflow._src.data import transforms
        return transforms.SkipDataset(self, count)

    def take_while(self, predicate: Callable, name: Any = None) -> "DatasetV2":
        """Elements while `predicate` holds."""
        from eagerflow._src.data import transforms
        return transforms.TakeWhileDataset(self, predicate)

    def prefetch(self, buffer_size: Any, name: Any = None) -> "DatasetV2":
        """Produces elements ahead of the consumer on a background thread."""
        from eagerflow._src.data import parallel
        return parallel.PrefetchDataset(self, buffer_size)

    def cache(self, filename: Any = "", name: Any = None) -> "DatasetV2":
        """Caches elements in memory (or in files under `filename`) after the first full pass."""
        from eagerflow._src.data import transforms
        return transforms.CacheDataset(self, filename)

    def enumerate(self, start: int = 0, name: Any = None) -> "DatasetV2":
        """Pairs each element with its index: `(i, element)`."""
        return DatasetV2.zip((DatasetV2.counter(start), self))

    def concatenate(self, dataset: "DatasetV2", name: Any = None) -> "DatasetV2":
        """This dataset's elements followed by `dataset`'s."""
        from eagerflow._src.data import sources
        return sources.ConcatenateDataset(self, dataset)

    def window(self, size: Any, shift: Any = None, stride: int = 1, drop_remainder: bool = False,
               name: Any = None) -> "DatasetV2":
        """A dataset of windows, each a (structure of) dataset(s) of up to `size` elements."""
        from eagerflow._src.data import batching
        return batching.WindowDataset(self, size, shift, stride, drop_remainder)

    def scan(self, initial_state: Any, scan_func: Callable, name: Any = None) -> "DatasetV2":
        """A running state: `scan_func(state, element) -> (new_state, output)`."""
        from eagerflow._src.data import transforms
        return transforms.ScanDataset(self, initial_state, scan_func)

    def reduce(self, initial_state: Any, reduce_func: Callable, name: Any = None) -> Any:
        """Reduces all elements to one value with `reduce_func(state, element)`."""
        state = structure.normalize(initial_state)
        for element in self:
            state = structure.normalize(reduce_func(state, element))
        return state

    def get_single_element(self, name: Any = None) -> Any:
        """The one element of this dataset (InvalidArgumentError if it has none or several)."""
        from eagerflow._src.data.experimental_transforms import get_single_element
        return get_single_element(self)

    def apply(self, transformation_func: Callable) -> "DatasetV2":
        """`transformation_func(self)`, which must return a dataset."""
        out = transformation_func(self)
        if not isinstance(out, DatasetV2):
            raise TypeError("`transformation_func` must return a `tf.data.Dataset` object. "
                            f"Got {type(out)}.")
        return out

    def group_by_window(self, key_func: Callable, reduce_func: Callable, window_size: Any = None,
                        window_size_func: Any = None, name: Any = None) -> "DatasetV2":
        """Groups elements by key into windows, each reduced by `reduce_func(key, window)`."""
        from eagerflow._src.data import batching
        return batching.GroupByWindowDataset(self, key_func, reduce_func, window_size, window_size_func)

    def bucket_by_sequence_length(self, element_length_func: Callable, bucket_boundaries: list,
                                  bucket_batch_sizes: list, padded_shapes: Any = None,
                                  padding_values: Any = None, pad_to_bucket_boundary: bool = False,
                                  no_padding: bool = False, drop_remainder: bool = False,
                                  name: Any = None) -> "DatasetV2":
        """Batches elements of similar length together (padded per bucket)."""
        from eagerflow._src.data import batching
        return batching.bucket_by_sequence_length(
            self, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
            padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)

    def shard(self, num_shards: Any, index: Any, name: Any = None) -> "DatasetV2":
        """Every `num_shards`-th element, starting at `index`."""
        from eagerflow._src.data import transforms
        return transforms.ShardDataset(self, num_shards, index)

    def unique(self, name: Any = None) -> "DatasetV2":
        """The elements not seen before (int32, int64 or string scalars)."""
        from eagerflow._src.data import transforms
        return transforms.UniqueDataset(self)

    def ignore_errors(self, log_warning: bool = False, name: Any = None) -> "DatasetV2":
        """Drops elements whose production raised an error."""
        from eagerflow._src.data import transforms
        return transforms.IgnoreErrorsDataset(self)

    def with_options(self, options: Options, name: Any = None) -> "DatasetV2":
        """This dataset with `options` applied."""
        from eagerflow._src.data import transforms
        return transforms.OptionsDataset(self, options)

    def assert_cardinality(self, expected_cardinality: Any) -> "DatasetV2":
        from eagerflow._src.data import transforms
        return transforms.AssertCardinalityDataset(self, expected_cardinality)


class UnaryDataset(DatasetV2):
    """A dataset over one input whose element spec and cardinality it keeps (map, shuffle, ...)."""

    def __init__(self, input_dataset: DatasetV2) -> None:
        self._input = input_dataset
        self._inputs = (input_dataset,)

    @property
    def element_spec(self) -> Any:
        return self._input.element_spec

    def _spec_is_cheap(self) -> bool:
        return self._input._spec_is_cheap()

    def _cardinality(self) -> int:
        return self._input._cardinality()


class NumpyIterator(Trackable):
    """The iterator `Dataset.as_numpy_iterator()` returns (`tf.data.NumpyIterator`): the dataset's
    elements with NumPy values; trackable through the iterator it wraps."""

    __module__ = "tensorflow.python.data.ops.dataset_ops"

    def __init__(self, dataset: DatasetV2) -> None:
        self._iterator = iter(dataset)
        self._dataset = dataset

    def __repr__(self) -> str:
        return f"NumpyIterator(iterator={self._iterator})"

    def __iter__(self) -> "NumpyIterator":
        return self

    def __next__(self) -> Any:
        return structure.map_structure(_to_numpy, next(self._iterator))

    def next(self) -> Any:
        return self.__next__()

    def _serialize_to_tensors(self) -> dict:
        return self._iterator._serialize_to_tensors()

    def _restore_from_tensors(self, restored_tensors: dict) -> Any:
        return self._iterator._restore_from_tensors(restored_tensors)


def _to_numpy(t: Any) -> Any:
    """TF's NumpyIterator values: a RaggedTensor's nested object array (`numpy()`), a
    SparseTensor's dense array, a tensor's array or NumPy scalar."""
    if hasattr(t, "dense_shape") and hasattr(t, "indices"):
        from eagerflow._src.sparse.sparse_ops import to_dense

        return to_dense(t).numpy()
    if hasattr(t, "to_list") and not hasattr(t, "numpy"):
        return t
    if hasattr(t, "_type_spec") and not hasattr(t, "_array") and not hasattr(t, "numpy"):
        return t
    return t.numpy()


Dataset = DatasetV2
