"""`tf.edit_distance`: Levenshtein distances between the sequences of two SparseTensors.

Each SparseTensor of rank R holds one sequence per index prefix (its first R - 1 coordinates);
the output is dense over those prefixes (the larger of the two shapes). With `normalize`, a
distance is divided by the truth's length: an empty truth gives inf (0 for an empty hypothesis).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.op import cpp_name
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion


def _sequences(sparse: Any) -> tuple[dict, np.ndarray]:
    indices = np.asarray(sparse.indices.numpy())
    values = np.asarray(sparse.values.numpy())
    shape = np.asarray(sparse.dense_shape.numpy())
    groups: dict = {}
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
    for i in order:
        groups.setdefault(tuple(int(v) for v in indices[i, :-1]), []).append(values[i])
    return groups, shape


def _levenshtein(a: list, b: list) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
        previous = current
    return previous[-1]


def edit_distance(hypothesis: Any, truth: Any, normalize: bool = True, name: str = "edit_distance") -> Tensor:
    """Levenshtein distance of each hypothesis sequence to its truth sequence (`tf.edit_distance`)."""
    for what, value in (("hypothesis", hypothesis), ("truth", truth)):
        if not hasattr(value, "dense_shape") or not hasattr(value, "indices"):
            raise TypeError(f"{what} must be a SparseTensor.")
    if hypothesis.values.dtype != truth.values.dtype:
        raise errors.InvalidArgumentError(
            None, None, f"cannot compute EditDistance as input #4(zero-based) was expected to be a "
            f"{_cpp(hypothesis.values.dtype)} tensor but is a {_cpp(truth.values.dtype)} tensor "
            f"[Op:EditDistance] name: {name}")
    hyp, hyp_shape = _sequences(hypothesis)
    tru, tru_shape = _sequences(truth)
    if len(hyp_shape) != len(tru_shape):
        raise errors.InvalidArgumentError(None, None, "hypothesis and truth must have the same rank "
                                          f"[Op:EditDistance] name: {name}")
    out_shape = tuple(int(d) for d in np.maximum(hyp_shape[:-1], tru_shape[:-1]))
    out = np.zeros(out_shape, np.float32)
    for key in set(hyp) | set(tru):
        h, t = hyp.get(key, []), tru.get(key, [])
        distance = float(_levenshtein(h, t))
        if normalize:
            distance = distance / len(t) if t else (np.inf if h else 0.0)
        out[key] = distance
    return conversion.tensor(out)


def _cpp(dtype: Any) -> str:
    return cpp_name(dtype)
