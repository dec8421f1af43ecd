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
