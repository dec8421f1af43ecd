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
