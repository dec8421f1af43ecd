"""Static and dynamic shape checks: `tf.ensure_shape`, `tf.broadcast_static_shape`,
`tf.broadcast_dynamic_shape`."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.ops import conversion
from eagerflow._src.ops.array_args import INT32_64, dims_text, invalid


def _ensure_shape(xp: Any, x: Any, shape: Any) -> Any:
    expected = TensorShape(shape)
    if not expected.is_compatible_with(TensorShape(x.shape)):
        wanted = "<unknown>" if expected.rank is None else \
            "[" + ",".join("?" if d is None else str(d) for d in expected.dims) + "]"
        raise invalid(f"Shape of tensor input {dims_text(x.shape)} is not compatible with expected shape {wanted}.")
    return x


def _ensure_shape_rule(inputs: Any, attrs: dict) -> list:
    """The input's static shape refined by the expected one (TF's shape function)."""
    x = inputs[0]._array
    known, expected = TensorShape(x.shape), TensorShape(attrs.get("shape"))
    merged = known.merge_with(expected) if known.is_compatible_with(expected) else known
    return [(x.dtype, None if merged.rank is None else tuple(merged.dims))]


ENSURE_SHAPE = Op("EnsureShape", _ensure_shape, grad=lambda ctx, dy: (dy,), shape_fn=_ensure_shape_rule)


def ensure_shape(x: Any, shape: Any, name: str | None = None) -> Tensor:
    """`x` unchanged when its shape is compatible with `shape`, else TF's InvalidArgumentError
    (`tf.ensure_shape`)."""
    t = conversion.tensor(x)
    dims = as_shape(shape).dims
    return conversion.run(ENSURE_SHAPE, (t,), {"shape": None if dims is None else tuple(dims)}, False)


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """The broadcast of two `TensorShape`s (unknown dims stay unknown) (`tf.broadcast_static_shape`)."""
    x, y = as_shape(shape_x), as_shape(shape_y)
    if x.rank is None or y.rank is None:
        return TensorShape(None)
    a, b = list(x.dims), list(y.dims)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    out = []
    for p, q in zip(a, b):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif p is None or q is None:
            out.append(p if q is None else q)
        elif p == q:
            out.append(p)
        else:
            raise ValueError("Incompatible shapes for broadcasting. Two shapes are compatible if for each "
                             "dimension pair they are either equal or one of them is 1. Received: "
                             f"{tuple(x.dims)} and {tuple(y.dims)}.")
    return TensorShape(out)


def _broadcast_args(xp: Any, s0: Any, s1: Any) -> Any:
    try:
        out = np.broadcast_shapes(tuple(int(d) for d in s0.tolist()), tuple(int(d) for d in s1.tolist()))
    except ValueError:
        raise invalid(f"Incompatible shapes: {dims_text(s0.tolist())} vs. {dims_text(s1.tolist())}") from None
    return xp.asarray(out, dtype=s0.dtype).reshape(len(out))


BROADCAST_ARGS = Op("BroadcastArgs", _broadcast_args, dtypes=INT32_64)


def broadcast_dynamic_shape(shape_x: Any, shape_y: Any) -> Tensor:
    """The broadcast of two shape vectors, as a tensor (`tf.broadcast_dynamic_shape`)."""
    fallback = conversion.takes_fallback(shape_x, shape_y)
    x = conversion.tensor(shape_x) if conversion.is_tensor_like(shape_x) else \
        conversion.tensor(np.asarray(shape_x, dtype=np.int32))
    y = conversion.like(shape_y, x)
    if x.dtype not in INT32_64:
        x = conversion.tensor(x, _dtypes.int32)
    return conversion.run(BROADCAST_ARGS, (x, y), {}, fallback)
