"""`Dataset.rejection_resample`: resampling to a target class distribution, built from the same
datasets as TF's (so the same seeds give TF's draws).

Elements are accepted per class with probability `a_i` (rejection sampling), and mixed with the
untouched input with probability `m`: for the ratios r_i = t_i / p_i of target to initial class
probabilities, m = min r and a_i = (r_i - m) / (max r - m). Where `initial_dist` is not given it
is estimated as elements are seen (class counts start at 10, updated in batches of 32).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.data.dataset import DatasetV2


def _acceptance_with_mixing(initial: Any, target: Any) -> tuple:
    from eagerflow._src.ops.reduce_ops import reduce_max, reduce_min

    ratio = target / (initial + np.finfo(np.float32).tiny)
    max_ratio = reduce_max(ratio)
    min_ratio = reduce_min(ratio)
    return (ratio - min_ratio) / (max_ratio - min_ratio), min_ratio


def _estimated_initial_dist(target: Any, class_values: DatasetV2, batch_size: int = 32,
                            smoothing: int = 10) -> DatasetV2:
    from eagerflow._src.framework import dtypes
    from eagerflow._src.ops.array_ops import expand_dims, fill, one_hot, tile
    from eagerflow._src.ops.math_ops import cast, truediv
    from eagerflow._src.ops.reduce_ops import reduce_sum

    num_classes = int(target.shape[0])

    def update(seen: Any, c: Any) -> tuple:
        seen = seen + reduce_sum(one_hot(c, num_classes, dtype=dtypes.int64), 0)
        dist = cast(truediv(seen, reduce_sum(seen)), dtypes.float32)
        return seen, tile(expand_dims(dist, 0), [batch_size, 1])

    start = fill([num_classes], np.int64(smoothing))
    return class_values.batch(batch_size).scan(start, update).unbatch()


def _filtered(dataset: DatasetV2, acceptance: DatasetV2, initial: DatasetV2, class_func: Callable,
              seed: Any) -> DatasetV2:
    from eagerflow._src.ops.gather_scatter_ops import gather
    from eagerflow._src.ops.random.random_ops import uniform as random_uniform

    def gather_and_copy(acceptance_prob: Any, data: Any) -> tuple:
        class_value = class_func(*data) if isinstance(data, tuple) else class_func(data)
        return class_value, gather(acceptance_prob, class_value), data

    def keep(class_value: Any, p: Any, data: Any) -> Any:
        return random_uniform([], seed=seed, dtype=p.dtype) < p

    accept = DatasetV2.zip((acceptance, initial)).map(lambda a, _: a)
    chosen = DatasetV2.zip((accept, dataset)).map(gather_and_copy).filter(keep)
    return chosen.map(lambda class_value, _, data: (class_value, data))


def rejection_resample(dataset: DatasetV2, class_func: Callable, target_dist: Any, initial_dist: Any = None,
                       seed: Any = None) -> DatasetV2:
    """A dataset of `(class, element)` pairs whose classes follow `target_dist` (TF's construction)."""
    from eagerflow._src.framework import dtypes
    from eagerflow._src.framework.convert import convert_to_tensor
    from eagerflow._src.ops.math_ops import cast

    target = cast(convert_to_tensor(target_dist), dtypes.float32)
    static = None
    if initial_dist is not None:
        initial = cast(convert_to_tensor(initial_dist), dtypes.float32)
        acceptance, prob_original = _acceptance_with_mixing(initial, target)
        initial_ds = DatasetV2.from_tensors(initial).repeat()
        acceptance_ds = DatasetV2.from_tensors(acceptance).repeat()
        prob_original_ds = DatasetV2.from_tensors(prob_original).repeat()
        static = float(np.min(target.numpy() / initial.numpy()))
    else:
        initial_ds = _estimated_initial_dist(target, dataset.map(class_func))
        both = initial_ds.map(lambda initial: _acceptance_with_mixing(initial, target))
        acceptance_ds = both.map(lambda accept, _: accept)
        prob_original_ds = both.map(lambda _, prob: prob)
    filtered = _filtered(dataset, acceptance_ds, initial_ds, class_func, seed).prefetch(3)

    def add_class_value(*x: Any) -> tuple:
        return (class_func(*x), x[0]) if len(x) == 1 else (class_func(*x), x)

    if static == 1:
        return dataset.map(add_class_value)
    if static == 0:
        return filtered
    return DatasetV2.sample_from_datasets(
        [dataset.map(add_class_value), filtered],
        weights=prob_original_ds.map(lambda prob: [(prob, 1.0 - prob)]),
        seed=seed, stop_on_empty_dataset=True)
