"""`tf.clip_by_global_norm`: a list of tensors scaled together so their global norm is at most
`clip_norm` (TF's formula, IndexedSlices and None entries kept as such)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops
from eagerflow._src.ops.linalg_structure_ops import global_norm


def clip_by_global_norm(t_list: Any, clip_norm: Any, use_norm: Any = None, name: str | None = None) -> tuple:
    """(t * clip_norm / max(global_norm, clip_norm) for t in t_list, global_norm)
    (`tf.clip_by_global_norm`); an infinite or NaN norm makes every entry NaN, as in TF."""
    if isinstance(t_list, (str, bytes)) or not hasattr(t_list, "__iter__") or isinstance(t_list, Tensor):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else conversion.tensor(use_norm)
    clip = conversion.like(clip_norm, norm)
    one = conversion.like(1.0, norm)
    # scale = clip_norm * min(1 / norm, 1 / clip_norm); a non-finite norm gives NaN (TF's guard).
    scale = math_ops.multiply(clip, math_ops.minimum(math_ops.truediv(one, norm), math_ops.truediv(one, clip)))
    finite = math_ops.is_finite(norm)
    scale = math_ops.select(finite, scale, conversion.like(np.nan, norm))
    clipped = []
    for t in t_list:
        if t is None:
            clipped.append(None)
        elif isinstance(t, IndexedSlices):
            values = math_ops.multiply(t.values, math_ops.cast(scale, t.values.dtype))
            clipped.append(IndexedSlices(values, t.indices, t.dense_shape))
        else:
            t = conversion.tensor(t)
            clipped.append(math_ops.multiply(t, math_ops.cast(scale, t.dtype)))
    return clipped, norm
