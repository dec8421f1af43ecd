"""`tensorflow.python.data.experimental.ops.distribute.compute_batch_size` (Keras's data
distribution asks it): the batch size of a dataset sans partial batches, -1 when unknown."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant

# Datasets TF's ComputeBatchSize walks through: they never change the batch size.
_PASS_THROUGH = {"CacheDataset", "_FilterDataset", "_OptionsDataset", "_PrefetchDataset", "_RepeatDataset",
                 "_ShardDataset", "_ShuffleDataset", "_SkipDataset", "_TakeDataset"}
_BATCHING = {"_BatchDataset", "_PaddedBatchDataset"}


def compute_batch_size(dataset: Any) -> Any:
    from eagerflow._src.data import structure

    dims = []
    for spec in structure.flatten(dataset.element_spec):
        shape = getattr(spec, "shape", None)
        rank = None if shape is None else shape.rank
        dims.append(None if not rank else shape[0])
    if dims and all(d is not None for d in dims):
        return constant(dims[0] if all(d == dims[0] for d in dims) else -1, _dtypes.int64)
    return constant(_walk(dataset), _dtypes.int64)


def _walk(dataset: Any) -> int:
    while True:
        name = getattr(dataset, "_tf_name", type(dataset).__name__)
        if name in _BATCHING:
            return dataset._size
        inputs = getattr(dataset, "_inputs", ())
        if name not in _PASS_THROUGH or len(inputs) != 1:
            return -1
        dataset = inputs[0]
