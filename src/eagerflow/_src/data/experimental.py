"""`tf.data.experimental` functions: transformations for `Dataset.apply` and helpers."""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.data.dataset import DatasetV2

_debug_mode = False


def assert_cardinality(expected_cardinality: Any) -> Callable:
    """A transformation asserting the dataset's cardinality (for `Dataset.apply`)."""
    return lambda dataset: dataset.assert_cardinality(expected_cardinality)


def cardinality(dataset: DatasetV2) -> Any:
    """The cardinality of `dataset` as an int64 tensor."""
    return dataset.cardinality()


def ignore_errors(log_warning: bool = False) -> Callable:
    """A transformation dropping elements that raise errors (for `Dataset.apply`)."""
    return lambda dataset: dataset.ignore_errors(log_warning)


def sample_from_datasets(datasets: Any, weights: Any = None, seed: Any = None,
                         stop_on_empty_dataset: bool = False) -> DatasetV2:
    return DatasetV2.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets: Any, choice_dataset: Any, stop_on_empty_dataset: bool = True) -> DatasetV2:
    return DatasetV2.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def enable_debug_mode() -> None:
    """Runs dataset functions eagerly and in order (they always are here)."""
    global _debug_mode
    _debug_mode = True


def rejection_resample(class_func: Callable, target_dist: Any, initial_dist: Any = None,
                       seed: Any = None) -> Callable:
    """A transformation resampling `(class, element)` pairs to `target_dist` (for `Dataset.apply`)."""
    return lambda dataset: dataset.rejection_resample(class_func, target_dist, initial_dist, seed)


def from_list(elements: Any, name: Any = None) -> DatasetV2:
    """A dataset of the elements of a Python list (TF's `_ListDataset`): every element is
    converted as `from_tensors` converts its argument; shapes that differ become unknown."""
    from eagerflow._src.data import structure
    from eagerflow._src.data.batching import _ListDataset
    from eagerflow._src.data.sources import to_element
    from eagerflow._src.util import nest

    if not elements:
        raise ValueError("Invalid `elements`. `elements` should not be empty. If you want an "
                         "empty dataset, use `tf.data.Dataset.range(0)`.")
    if not isinstance(elements, list):
        raise ValueError("Invalid `elements`. `elements` must be a list.")
    values = [to_element(e) for e in elements]
    specs = [structure.spec_of(v) for v in values]
    for spec in specs[1:]:
        nest.assert_same_structure(specs[0], spec)
    flat = [structure.flatten(s) for s in specs]
    common = []
    for i, first in enumerate(flat[0]):
        spec = first
        for other in flat[1:]:
            spec = spec.most_specific_common_supertype([other[i]])
            if spec is None:  # TF fails the same way on shapes of different ranks
                raise AttributeError("'NoneType' object has no attribute '_flat_tensor_specs'")
        common.append(spec)
    dataset = _ListDataset(values, structure.pack_as(specs[0], common))
    dataset._tf_name = "_ListDataset"
    return dataset


# Datasets whose elements TF can reach by index (`at`); any other node in the chain is TF's
# UnimplementedError (the node's C++ name: `_FilterDataset` is `FilterDatasetOp::Dataset`).
_RANDOM_ACCESS = ("TensorDataset", "TensorSliceDataset", "RangeDataset", "_ListDataset",
                  "MapDataset", "BatchDataset", "ZipDataset", "ConcatenateDataset", "TakeDataset",
                  "SkipDataset", "RepeatDataset", "OptionsDataset", "CacheDataset", "ShuffleDataset",
                  "FixedLengthRecordDataset")


def at(dataset: DatasetV2, index: Any) -> Any:
    """The element of `dataset` at `index` (`tf.data.experimental.at`)."""
    import itertools

    from eagerflow._src.framework import errors

    for node in dataset._chain():
        if type(node).__name__ not in _RANDOM_ACCESS:
            op = node._tf_name.lstrip("_").removesuffix("V2")
            raise errors.UnimplementedError(
                None, None, f"Random access is not implemented for dataset {op}Op::Dataset")
    i = int(index.numpy() if hasattr(index, "numpy") else index)
    n = dataset._cardinality()
    if i < 0 or (n >= 0 and i >= n):
        raise errors.OutOfRangeError(None, None, f"Index out of range [0, {n}):{i}")
    for element in itertools.islice(iter(dataset), i, i + 1):
        return element
    raise errors.OutOfRangeError(None, None, f"Index out of range [0, {n}):{i}")


def pad_to_cardinality(cardinality: Any, mask_key: str = "valid") -> Callable:
    """A transformation padding a dataset of dicts with zero elements (`mask_key` False) up to
    `cardinality` elements; its own elements get `mask_key` True."""
    from collections.abc import Mapping

    from eagerflow._src.data import structure

    def apply(dataset: DatasetV2) -> DatasetV2:
        n = dataset._cardinality()
        if n < 0:
            raise ValueError("The dataset passed into `pad_to_cardinality` must have a known "
                             f"cardinalty, but has cardinality {dataset.cardinality()}")
        if n > cardinality:
            raise ValueError("The dataset passed into `pad_to_cardinality` must have a cardinalty "
                             f"less than the target cardinality ({cardinality}), but has "
                             f"cardinality {dataset.cardinality()}")
        if not isinstance(dataset.element_spec, Mapping):
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a dictionary.")
        from eagerflow._src.ops import array_ops

        filler = structure.map_structure(lambda s: array_ops.zeros(s.shape, s.dtype), dataset.element_spec)
        filler[mask_key] = False

        def mark(element: Any) -> Any:
            element = dict(element)
            element[mask_key] = True
            return element

        padding = DatasetV2.from_tensors(filler).repeat(cardinality - n)
        return dataset.map(mark).concatenate(padding)

    return apply
