"""Shape plumbing for gradients in graphs whose static shapes have unknown dimensions.

Eager gradients pass shapes as attrs (they are known); in a `tf.function` traced with `None`
dimensions the shape is only known when the plan runs, so these ops take the tensor whose shape
they need as an input (TF uses Shape + BroadcastGradientArgs + Reshape/Sum/BroadcastTo for the
same). Each one's gradient is another of them, so higher orders work.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op


def _like_second(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, inputs[1]._array.shape)]


def _unbroadcast(xp: Any, g: Any, x: Any) -> Any:
    shape = x.shape
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1)
    return (g.sum(axis=axes) if axes else g).reshape(shape)


def _unbroadcast_grad(ctx: Any, dy: Any) -> tuple:
    return execute(BROADCAST_LIKE, (dy, ctx.inputs[0])), None


def _broadcast_like_grad(ctx: Any, dy: Any) -> tuple:
    return execute(UNBROADCAST, (dy, ctx.inputs[0])), None


def _reshape_like_grad(ctx: Any, dy: Any) -> tuple:
    return execute(RESHAPE_LIKE, (dy, ctx.inputs[0])), None


def _kept_dims_shape(inputs: Any, attrs: dict) -> list:
    dy, x = inputs[0]._array, inputs[1]._array
    axes = attrs["axes"]
    shape = None if x.shape is None else tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    return [(dy.dtype, shape)]


def _kept_dims(xp: Any, dy: Any, x: Any, axes: tuple) -> Any:
    axes = tuple(a % x.ndim for a in axes) if x.ndim else axes  # negative when the rank was unknown
    return dy.reshape(tuple(1 if i in axes else d for i, d in enumerate(x.shape)))


def _kept_dims_grad(ctx: Any, g: Any) -> tuple:
    return execute(RESHAPE_LIKE, (g, ctx.inputs[0])), None


# `g` summed to the shape of `x` (the gradient of broadcasting), and back.
UNBROADCAST = Op("UnbroadcastGradient", _unbroadcast, grad=_unbroadcast_grad, shape_fn=_like_second)
BROADCAST_LIKE = Op("BroadcastLike", lambda xp, dy, g: xp.broadcast_to(dy, g.shape).copy(),
                    grad=_broadcast_like_grad, shape_fn=_like_second)
# `t` reshaped to the shape of `like`.
RESHAPE_LIKE = Op("ReshapeLike", lambda xp, t, like: t.reshape(like.shape), grad=_reshape_like_grad,
                  shape_fn=_like_second)
# A reduction's output `dy` reshaped to its input `x`'s rank with 1 on the reduced `axes`.
KEPT_DIMS = Op("ReshapeKeepDims", _kept_dims, grad=_kept_dims_grad, shape_fn=_kept_dims_shape)


def has_unknown(shape: Any) -> bool:
    """Whether a static shape tuple (an array's `.shape`) has an unknown dim or rank."""
    return shape is None or None in shape


# --- shapes given as graph tensors known only at run time (tf.reshape(x, tf.shape(y)), ...) ---
def _shape_of_value(shape_input: Any, size: Any = None) -> Any:
    """The static output shape for a run-time shape input: its folded value when known
    (a -1 resolved against `size` when that is known), else its length of unknown dims."""
    from eagerflow._src.framework.shape_inference import constant_value

    value = constant_value(shape_input)
    if value is not None:
        dims = [int(d) for d in value.reshape(-1)]
        if -1 in dims:
            rest = 1
            for d in dims:
                rest *= d if d != -1 else 1
            dims[dims.index(-1)] = size // rest if size is not None and rest else None
        return tuple(dims)
    node = getattr(shape_input, "_op", None)
    if node is not None and node.type == "Shape":  # tf.shape(y): y's static shape, partly known
        return node._inputs[0]._array.shape
    if node is not None and node.type == "Pack" and all(
            x._array.shape == () for x in node._inputs):  # [n, 2]: each item known or not (TF's
        items = [constant_value(x) for x in node._inputs]  # partial constant value)
        dims = [None if v is None else int(v) for v in items]
        # TF: a -1 is unknown too (found when the plan runs), the rank stays known
        return tuple(None if d == -1 else d for d in dims)
    length = shape_input._array.shape
    if length is None or len(length) != 1 or length[0] is None:
        return None
    return (None,) * length[0]


def _reshape_rule(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    return [(x.dtype, _shape_of_value(inputs[1], x.size))]


def _fill_rule(inputs: Any, attrs: dict) -> list:
    return [(inputs[1]._array.dtype, _shape_of_value(inputs[0]))]


def _broadcast_rule(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, _shape_of_value(inputs[1]))]


def tile_rule(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    multiples = _shape_of_value(inputs[1])
    if x.shape is None:
        return [(x.dtype, None if multiples is None else (None,) * len(multiples))]
    if multiples is None or len(multiples) != len(x.shape):
        return [(x.dtype, (None,) * len(x.shape))]
    return [(x.dtype, tuple(None if d is None or m is None else d * m for d, m in zip(x.shape, multiples)))]


def _dims(shape: Any) -> tuple:
    return tuple(int(d) for d in shape.reshape(-1).tolist())


def _reshape_to_grad(ctx: Any, dy: Any) -> tuple:
    return execute(RESHAPE_LIKE, (dy, ctx.inputs[0])), None


def _fill_to_grad(ctx: Any, dy: Any) -> tuple:
    from eagerflow._src.ops import reduce_ops

    return None, reduce_ops.reduce_sum(dy)


def _broadcast_to_grad(ctx: Any, dy: Any) -> tuple:
    return execute(UNBROADCAST, (dy, ctx.inputs[0])), None


def tf_named(op: Op, name: str) -> Op:
    # Registered under its own name (the attr-shaped op keeps TF's name in the registry); it
    # shows in graphs under TF's op type, whose shape is an input as here.
    op.name = name
    return op


RESHAPE_TO = tf_named(Op("DynamicReshape", lambda xp, x, shape: x.reshape(_dims(shape)),
                          grad=_reshape_to_grad, shape_fn=_reshape_rule), "Reshape")
FILL_TO = tf_named(Op("DynamicFill", lambda xp, dims, value: xp.full(_dims(dims), value, dtype=value.dtype),
                       grad=_fill_to_grad, shape_fn=_fill_rule), "Fill")
BROADCAST_TO_SHAPE = tf_named(Op("DynamicBroadcastTo",
                                  lambda xp, x, shape: xp.broadcast_to(x, _dims(shape)).copy(),
                                  grad=_broadcast_to_grad, shape_fn=_broadcast_rule), "BroadcastTo")

def packed(value: Any, dtype: Any = None) -> Any:
    """A shape list holding graph tensors (`[n, 3]` with `n` traced) as one int tensor, as TF
    auto-packs it: a Pack of the items, each cast to `dtype` (default: the first graph tensor's
    int type); anything else unchanged."""
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    if type(value) not in (list, tuple) or not any(type(v) is SymbolicTensor for v in value):
        return value
    from eagerflow._src.framework import dtypes
    from eagerflow._src.ops import conversion, join_split_ops, math_ops

    if dtype is None:
        dtype = next(v.dtype for v in value if type(v) is SymbolicTensor)
    dtype = dtypes.as_dtype(dtype)
    items = [conversion.tensor(v) if isinstance(v, SymbolicTensor) or hasattr(v, "_as_tensor")
             else conversion.tensor(v, dtype) for v in value]
    return join_split_ops.stack([t if t.dtype == dtype else math_ops.cast(t, dtype) for t in items])


def run_time_shape(value: Any) -> bool:
    """Whether a shape argument is a graph tensor whose value is known only at run time."""
    from eagerflow._src.framework.shape_inference import constant_value
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    return type(value) is SymbolicTensor and constant_value(value) is None


def folded(value: Any) -> Any:
    """A graph tensor's folded value as a list of ints (see `constant_value`); others unchanged."""
    from eagerflow._src.framework.shape_inference import constant_value
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    if type(value) is SymbolicTensor:
        known = constant_value(value)
        if known is not None:
            return [int(d) for d in known.reshape(-1)] if known.ndim else int(known)
    return value
