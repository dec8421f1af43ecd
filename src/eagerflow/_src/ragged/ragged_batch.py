"""Batching ragged elements in tf.data: `batch` of RaggedTensorSpec components and `ragged_batch`
(TF's dense_to_ragged_batch): the batch is one more ragged dimension over the elements' rows."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ragged.ragged_tensor import RaggedTensor, _host, _splits_tensor
from eagerflow._src.ragged.ragged_tensor_spec import RaggedTensorSpec


def batched_spec(spec: Any, known: int | None, to_ragged: bool = False,
                 splits_dtype: Any = _dtypes.int64) -> Any:
    """The spec of a batch of `spec` elements when the batch is ragged; None when it is dense."""
    if isinstance(spec, RaggedTensorSpec):
        return RaggedTensorSpec(TensorShape([known]).concatenate(spec.shape), spec.dtype, spec.ragged_rank + 1,
                                spec.row_splits_dtype)
    dims = spec.shape.dims if to_ragged and hasattr(spec, "shape") else None
    if not dims or None not in dims:
        return None
    ragged_rank = max(i for i, d in enumerate(dims) if d is None) + 1
    return RaggedTensorSpec(TensorShape([known]).concatenate(spec.shape), spec.dtype, ragged_rank,
                            _dtypes.as_dtype(splits_dtype))


def batch(elements: list, spec: RaggedTensorSpec) -> RaggedTensor:
    """The elements (dense tensors or RaggedTensors) as the rows of one RaggedTensor of `spec`."""
    from eagerflow._src.ragged import ragged_ops

    inner_rank = spec.ragged_rank - 1
    dtype = spec.row_splits_dtype
    if inner_rank > 0:
        rows = [e if isinstance(e, RaggedTensor) else
                RaggedTensor.from_tensor(e, ragged_rank=inner_rank, row_splits_dtype=dtype) for e in elements]
        return ragged_ops.stack(rows, axis=0).with_row_splits_dtype(dtype)
    arrays = [_host(e) for e in elements]
    lengths = [a.shape[0] for a in arrays]
    values = np.concatenate(arrays) if arrays else np.zeros((0,), spec.dtype.as_numpy_dtype)
    splits = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    return RaggedTensor._from_splits(constant(values, spec.dtype), _splits_tensor(splits, dtype))
