"""`tf.data.experimental`'s older spellings of Dataset methods: transformation functions for
`Dataset.apply` (`unbatch()`, `scan(...)`, ...), `Counter`, `RandomDataset`,
`get_single_element`, `get_structure`, `TFRecordWriter`. Each hands on to the Dataset method
TF's deprecation notice names."""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.framework import errors

SHARD_HINT = -1  # TF's placeholder for the shard count auto-sharding fills in

_Transformation = Callable[[Any], Any]


def Counter(start: int = 0, step: int = 1, dtype: Any = None) -> Any:  # noqa: N802 - TF's name
    """A dataset counting from `start` by `step` (`Dataset.counter`)."""
    from eagerflow._src.data.dataset import DatasetV2

    return DatasetV2.counter(start, step, dtype)


def RandomDataset(seed: Any = None) -> Any:  # noqa: N802 - TF's name
    """An infinite dataset of random int64s (`Dataset.random`)."""
    from eagerflow._src.data.dataset import DatasetV2

    return DatasetV2.random(seed)


def unbatch() -> _Transformation:
    """Splits elements into their rows (`Dataset.unbatch`)."""
    return lambda dataset: dataset.unbatch()


def enumerate_dataset(start: int = 0) -> _Transformation:
    """Pairs elements with their index (`Dataset.enumerate`)."""
    return lambda dataset: dataset.enumerate(start)


def take_while(predicate: Callable) -> _Transformation:
    """Stops at the first element `predicate` rejects (`Dataset.take_while`)."""
    return lambda dataset: dataset.take_while(predicate)


def scan(initial_state: Any, scan_func: Callable) -> _Transformation:
    """A running state through the elements (`Dataset.scan`)."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


def unique() -> _Transformation:
    """Drops repeated elements (`Dataset.unique`)."""
    return lambda dataset: dataset.unique()


def group_by_window(key_func: Callable, reduce_func: Callable, window_size: Any = None,
                    window_size_func: Any = None) -> _Transformation:
    """Groups elements by key into windows (`Dataset.group_by_window`)."""
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size, window_size_func)


def bucket_by_sequence_length(element_length_func: Callable, bucket_boundaries: list,
                              bucket_batch_sizes: list, padded_shapes: Any = None,
                              padding_values: Any = None, pad_to_bucket_boundary: bool = False,
                              no_padding: bool = False, drop_remainder: bool = False) -> _Transformation:
    """Batches elements of similar length together (`Dataset.bucket_by_sequence_length`)."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes, padding_values,
        pad_to_bucket_boundary, no_padding, drop_remainder)


def shuffle_and_repeat(buffer_size: Any, count: Any = None, seed: Any = None) -> _Transformation:
    """Shuffles each repetition afresh (`Dataset.shuffle(...).repeat(...)`)."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func: Callable, batch_size: Any, num_parallel_batches: Any = None,
                  drop_remainder: bool = False, num_parallel_calls: Any = None) -> _Transformation:
    """`Dataset.map(...).batch(...)`."""
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError("`map_and_batch` allows only one of `num_parallel_batches` and "
                         "`num_parallel_calls` to be set, but "
                         f"`num_parallel_batches` was set to {num_parallel_batches} and "
                         f"`num_parallel_calls` as set to {num_parallel_calls}.")
    return lambda dataset: dataset.map(map_func, num_parallel_calls).batch(batch_size, drop_remainder)


def parallel_interleave(map_func: Callable, cycle_length: Any, block_length: Any = 1, sloppy: bool = False,
                        buffer_output_elements: Any = None, prefetch_input_elements: Any = None) -> _Transformation:
    """`Dataset.interleave` with `cycle_length` parallel calls; `sloppy` allows any order."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length,
                                              num_parallel_calls=cycle_length, deterministic=not sloppy)


def copy_to_device(target_device: str, source_device: str = "/cpu:0") -> _Transformation:
    """Elements on `target_device`: eagerflow's datasets produce host tensors, so unchanged."""
    return lambda dataset: dataset


def prefetch_to_device(device: str, buffer_size: Any = None) -> _Transformation:
    """Prefetches `buffer_size` elements (default: autotune); devices as `copy_to_device`."""
    return lambda dataset: dataset.prefetch(-1 if buffer_size is None else buffer_size)


def get_single_element(dataset: Any) -> Any:
    """The one element of `dataset`.

    Raises:
      InvalidArgumentError: the dataset is empty or has more than one element.
    """
    from eagerflow._src.data import structure

    iterator = iter(dataset)
    outputs = len(structure.flatten(dataset.element_spec))  # tensors: None components have none
    prefix = (f"{{{{function_node __wrapped__DatasetToSingleElement_output_types_{outputs}_device_"
              "/job:localhost/replica:0/task:0/device:CPU:0}} ")
    suffix = " [Op:DatasetToSingleElement] name: "
    try:
        element = next(iterator)
    except StopIteration:
        raise errors.InvalidArgumentError(None, None, f"{prefix}Dataset was empty.{suffix}") from None
    for _ in iterator:
        raise errors.InvalidArgumentError(None, None, f"{prefix}Dataset had more than one element.{suffix}")
    return element


def get_structure(dataset_or_iterator: Any) -> Any:
    """The element structure (`element_spec`) of a dataset or iterator."""
    try:
        return dataset_or_iterator.element_spec
    except AttributeError:
        raise TypeError("Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a `tf.data.Dataset` "
                        f"or tf.data.Iterator object, but got {type(dataset_or_iterator)}.") from None


def get_next_as_optional(iterator: Any) -> Any:
    """The iterator's next element as a `tf.experimental.Optional`."""
    return iterator.get_next_as_optional()


class TFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file (`tf.data.experimental.TFRecordWriter`)."""

    def __init__(self, filename: str, compression_type: str | None = None) -> None:
        self._filename = filename
        self._compression_type = compression_type

    def write(self, dataset: Any) -> None:
        """Writes each element of `dataset` as one record."""
        from eagerflow._src.framework import dtypes as _dtypes
        from eagerflow._src.io.tfrecord import TFRecordWriter as _RecordWriter

        spec = dataset.element_spec
        if getattr(spec, "dtype", None) != _dtypes.string or spec.shape.rank != 0:
            raise TypeError("Invalid `dataset`. Expected a`dataset` that produces scalar `tf.string` elements, "
                            f"but got a dataset which produces elements with shapes "
                            f"{getattr(spec, 'shape', None)} and types {getattr(spec, 'dtype', None)}.")
        with _RecordWriter(self._filename, self._compression_type) as writer:
            for record in dataset:
                writer.write(record.numpy())
