"""Depthwise and separable convolutions (`tf.nn.depthwise_conv2d`, its backprops, `separable_conv2d`).

Each input channel has its own `channel_multiplier` filters: the patch matrix (im2col, as in
conv_ops) is multiplied channel by channel as one batched matmul, and the input gradient scatters
patch gradients back with a loop over the filter's offsets (col2im). The gradients are TF's
DepthwiseConv2dNativeBackpropInput/Filter, each differentiable again.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops.conv_ops import (
    Conv, channels, channels_first, conv2d, conv_grad, convert_pair, from_last, padded, padding_attrs, sequence,
    int_values, shape_input, sized_output, to_last, windows, work_dtype,
)
from eagerflow._src.ops.dtype_sets import FLOAT


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _im2col(xp: Any, x: Any, outs: list, pads: list, k_sizes: list, strides: list, dilations: list) -> Any:
    """The patch matrix (N * prod(outs), prod(k_sizes) * C) of channels-last `x`, contiguous."""
    rows = x.shape[0] * math.prod(outs)
    if all(k == 1 for k in k_sizes) and all(s == 1 for s in strides) and not any(lo or hi for lo, hi in pads):
        return xp.ascontiguousarray(x).reshape(rows, x.shape[-1])
    view = windows(xp, padded(xp, x, pads, outs, k_sizes, strides, dilations), outs, k_sizes, strides, dilations)
    return xp.ascontiguousarray(view).reshape(rows, math.prod(k_sizes) * x.shape[-1])


def _col2im(xp: Any, cols: Any, x_shape: tuple, outs: list, pads: list, k_sizes: list, strides: list,
            dilations: list) -> Any:
    """Adds patch gradients `cols` (N, *outs, *k_sizes, C) back into an input of `x_shape`."""
    n, c = x_shape[0], x_shape[-1]
    sizes = []
    for size, (lo, hi), o, k, s, d in zip(x_shape[1:-1], pads, outs, k_sizes, strides, dilations):
        need = (o - 1) * s + (k - 1) * d + 1 if o > 0 else 0
        sizes.append(max(size + lo + max(hi, 0), need, lo + size))
    out = xp.zeros((n, *sizes, c), cols.dtype)
    if all(o > 0 for o in outs):
        for offset in itertools.product(*(range(k) for k in k_sizes)):
            index = (slice(None),) + tuple(slice(j * d, j * d + (o - 1) * s + 1, s)
                                           for j, d, o, s in zip(offset, dilations, outs, strides))
            out[index] += cols[(slice(None),) * (1 + len(outs)) + offset]
    crop = (slice(None),) + tuple(slice(lo, lo + size) for (lo, _), size in zip(pads, x_shape[1:-1]))
    return out[crop]


# --- depthwise ---------------------------------------------------------------------------------
def _depthwise_forward(xp: Any, x: Any, f: Any, strides: Any, padding: str, explicit_paddings: Any = (),
                       data_format: str = "NHWC", dilations: Any = None) -> Any:
    spec = Conv(x.shape, f.shape, strides, padding, explicit_paddings, data_format, dilations,
                 "DepthwiseConv2dNative")
    c = channels(x.shape, data_format)
    if c != f.shape[2]:
        raise _invalid(f"input and filter must have the same depth: {c} vs {f.shape[2]}")
    work = work_dtype(x.dtype)
    cols = _im2col(xp, to_last(xp, x, data_format).astype(work, copy=False), *spec.args())
    k = math.prod(spec.k_sizes)
    a = cols.reshape(-1, k, c).transpose(2, 0, 1)  # (C, M, k)
    b = f.astype(work, copy=False).reshape(k, c, -1).transpose(1, 0, 2)  # (C, k, mult)
    out = (a @ b).transpose(1, 0, 2).reshape(x.shape[0], *spec.outs, c * f.shape[3])
    return from_last(xp, out, data_format).astype(x.dtype, copy=False)


def _depthwise_backprop_input(xp: Any, input_sizes: Any, f: Any, dy: Any, strides: Any, padding: str,
                              explicit_paddings: Any = (), data_format: str = "NHWC", dilations: Any = None) -> Any:
    x_shape = int_values(input_sizes)
    spec = Conv(x_shape, f.shape, strides, padding, explicit_paddings, data_format, dilations,
                 "DepthwiseConv2dNativeBackpropInput")
    c, mult = f.shape[2], f.shape[3]
    work = work_dtype(dy.dtype)
    k = math.prod(spec.k_sizes)
    g = to_last(xp, dy, data_format).astype(work, copy=False).reshape(-1, c, mult).transpose(1, 0, 2)
    b = f.astype(work, copy=False).reshape(k, c, mult).transpose(1, 2, 0)  # (C, mult, k)
    cols = (g @ b).transpose(1, 2, 0)  # (M, k, C)
    cols = cols.reshape(x_shape[0], *spec.outs, *spec.k_sizes, c)
    dx = _col2im(xp, cols, (x_shape[0], *spec.in_sizes, c), *spec.args())
    return from_last(xp, xp.ascontiguousarray(dx), data_format).astype(dy.dtype, copy=False)


def _depthwise_backprop_filter(xp: Any, x: Any, filter_sizes: Any, dy: Any, strides: Any, padding: str,
                               explicit_paddings: Any = (), data_format: str = "NHWC",
                               dilations: Any = None) -> Any:
    f_shape = int_values(filter_sizes)
    spec = Conv(x.shape, f_shape, strides, padding, explicit_paddings, data_format, dilations,
                 "DepthwiseConv2dNativeBackpropFilter")
    c, mult = f_shape[2], f_shape[3]
    work = work_dtype(x.dtype)
    k = math.prod(spec.k_sizes)
    cols = _im2col(xp, to_last(xp, x, data_format).astype(work, copy=False), *spec.args())
    a = cols.reshape(-1, k, c).transpose(2, 1, 0)  # (C, k, M)
    g = to_last(xp, dy, data_format).astype(work, copy=False).reshape(-1, c, mult).transpose(1, 0, 2)
    df = (a @ g).transpose(1, 0, 2)  # (k, C, mult)
    return df.reshape(f_shape).astype(x.dtype, copy=False)


_gd = conv_grad((lambda: DEPTHWISE, lambda: DEPTHWISE_BACKPROP_INPUT, lambda: DEPTHWISE_BACKPROP_FILTER))
DEPTHWISE = Op("DepthwiseConv2dNative", _depthwise_forward, dtypes=FLOAT, grad=_gd[0])
DEPTHWISE_BACKPROP_INPUT = Op("DepthwiseConv2dNativeBackpropInput", _depthwise_backprop_input, grad=_gd[1],
                              shape_fn=sized_output(0, 2))
DEPTHWISE_BACKPROP_FILTER = Op("DepthwiseConv2dNativeBackpropFilter", _depthwise_backprop_filter,
                               dtypes=FLOAT, grad=_gd[2], shape_fn=sized_output(1, 0))


def _depthwise_attrs(strides: Any, padding: Any, data_format: str | None, dilations: Any) -> dict:
    fmt = data_format or "NHWC"
    cidx = 1 if channels_first(fmt) else 3
    # A list of strides goes to the kernel as given (TF's wrapper does not expand it).
    strides = [int(v) for v in strides] if isinstance(strides, (list, tuple)) else sequence(strides, 2, cidx, "strides")
    attrs = {"strides": strides, "data_format": fmt,
             "dilations": sequence(dilations, 2, cidx, "dilations")}
    attrs.update(padding_attrs(padding, 2, fmt, "DepthwiseConv2dNative"))
    return attrs


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any, data_format: str | None = None,  # noqa: A002
                     dilations: Any = None, name: str | None = None) -> Tensor:
    """Each input channel convolved with its own `channel_multiplier` filters (`tf.nn.depthwise_conv2d`).

    `filter` is [h, w, in_channels, channel_multiplier]; the output has in * multiplier channels.
    `strides` is a list of 4; `dilations` (TF's `rate`) a list of 2.
    """
    x, f = convert_pair(input, filter, DEPTHWISE)
    return execute(DEPTHWISE, (x, f), _depthwise_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_backprop_input(input_sizes: Any, filter: Any, out_backprop: Any, strides: Any,  # noqa: A002
                                    padding: Any, data_format: str = "NHWC", dilations: Any = None,
                                    name: str | None = None) -> Tensor:
    """The gradient of depthwise_conv2d with respect to its input."""
    f, dy = convert_pair(filter, out_backprop, DEPTHWISE_BACKPROP_INPUT)
    return execute(DEPTHWISE_BACKPROP_INPUT, (shape_input(input_sizes), f, dy),
                   _depthwise_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_backprop_filter(input: Any, filter_sizes: Any, out_backprop: Any, strides: Any,  # noqa: A002
                                     padding: Any, data_format: str = "NHWC", dilations: Any = None,
                                     name: str | None = None) -> Tensor:
    """The gradient of depthwise_conv2d with respect to its filter."""
    x, dy = convert_pair(input, out_backprop, DEPTHWISE_BACKPROP_FILTER)
    return execute(DEPTHWISE_BACKPROP_FILTER, (x, shape_input(filter_sizes), dy),
                   _depthwise_attrs(strides, padding, data_format, dilations))


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any, padding: Any,  # noqa: A002
                     data_format: str | None = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution mixing channels (`tf.nn.separable_conv2d`)."""
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(depthwise, pointwise_filter, [1, 1, 1, 1], "VALID", data_format or "NHWC")
