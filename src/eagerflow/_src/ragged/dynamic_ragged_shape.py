"""What `tf.shape` gives for a RaggedTensor (TF's `DynamicRaggedShape`, the parts Keras and user code
read): uniform dimensions by index as scalar tensors, ragged ones refused with TF's error."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant


class DynamicRaggedShape:
    """The shape of a RaggedTensor: `shape[i]` for its uniform dimensions (`tf.experimental.DynamicRaggedShape`)."""

    def __init__(self, rt: Any, dtype: Any = _dtypes.int32) -> None:
        self._rt = rt
        self._dtype = _dtypes.as_dtype(dtype or _dtypes.int32)

    @property
    def rank(self) -> int:
        return self._rt.shape.rank

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def num_row_partitions(self) -> int:
        return self._rt.ragged_rank

    def __len__(self) -> int:
        return self.rank

    def __getitem__(self, index: Any) -> Any:
        from eagerflow._src.ops import array_ops, math_ops

        if not isinstance(index, (int, np.integer)):
            raise TypeError(f"Argument is not an int: {index!r}")
        rank = self.rank
        i = int(index) + rank if index < 0 else int(index)
        if not 0 <= i < rank:
            raise IndexError("Index is out of range")
        if i == 0:
            return math_ops.cast(self._rt.nrows(), self._dtype)
        if i <= self._rt.ragged_rank:
            raise ValueError(f"Index {index} is not uniform")
        flat = self._rt.flat_values
        static = flat.shape.dims[i - self._rt.ragged_rank]
        if static is not None:
            return constant(np.asarray(static, self._dtype.as_numpy_dtype))
        return array_ops.shape(flat, out_type=self._dtype)[i - self._rt.ragged_rank]

    def __repr__(self) -> str:
        levels = [rt.row_lengths() for rt in self._rt._ragged_levels()]
        parts = [str(self._rt.nrows_int())]
        for lengths in levels:
            try:
                parts.append("(" + ", ".join(str(v) for v in lengths.numpy().tolist()) + ")")
            except AttributeError:
                parts.append("(?)")
        parts += [str(d) for d in self._rt.flat_values.shape.as_list()[1:]]
        return f"<DynamicRaggedShape lengths=[{', '.join(parts)}] num_row_partitions={self._rt.ragged_rank}>"
