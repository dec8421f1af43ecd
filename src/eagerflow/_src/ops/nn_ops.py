"""Activations, softmax, losses and bias_add (`tf.nn`).

Each op is declared once with TF's op name, a numerically stable forward on `xp`, its gradient
(TF's formula, written with eagerflow ops so gradients of gradients work) and its dtypes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import context, errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import array_ops, conversion, dispatch, math_ops, reduce_ops
from eagerflow._src.ops.dtype_sets import COMPLEX, FLOAT, REAL

_sigmoid = math_ops.sigmoid
sigmoid = math_ops.sigmoid  # tf.nn.sigmoid is tf.math.sigmoid
tanh = math_ops.tanh

_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def _dims(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _mask(condition: Tensor, like: Tensor) -> Tensor:
    """A 0/1 tensor of `like`'s dtype (a constant for the gradient)."""
    return math_ops.cast(condition, like.dtype)


def _zero(x: Tensor) -> Tensor:
    return math_ops.zeros_like_same(x)


# --- rectifiers: TF's *Grad ops, so the mask is exact (0 at the kink) ---------------------------
def _relu_grad_grad(ctx: Any, d: Tensor) -> tuple:
    return (execute(RELU_GRAD, (d, ctx.inputs[1])), None)


def _relu6_grad_grad(ctx: Any, d: Tensor) -> tuple:
    return (execute(RELU6_GRAD, (d, ctx.inputs[1])), None)


def _leaky_relu_grad_grad(ctx: Any, d: Tensor) -> tuple:
    return (execute(LEAKY_RELU_GRAD, (d, ctx.inputs[1]), ctx.attrs), None)


# Large float arrays in NumPy: cache-sized pieces on every core (backends/host_threads.py),
# bit-identical to the one-call formulas below them.
_PIECE = 1 << 18  # elements per ufunc call: the piece's temporaries stay in the core's cache
_PIECED_FROM = 1 << 14  # smaller arrays: one call


def _host_float(*arrays: Any) -> bool:
    """Whether these same-shape arrays take the pieced path: NumPy, C-contiguous, one float type."""
    first = arrays[0]
    return (first.size >= _PIECED_FROM and first.dtype in (np.float32, np.float64)
            and all(type(a) is np.ndarray and a.flags.c_contiguous and a.shape == first.shape
                    and a.dtype == first.dtype for a in arrays))


def _pieces(out: Any, step: Any) -> Any:
    """`step(lo, hi)` over `out`'s flat range in `_PIECE` pieces, on the host threads; returns out."""
    def work(lo: int, hi: int) -> None:
        for start in range(lo, hi, _PIECE):
            step(start, min(start + _PIECE, hi))

    host_threads.map_chunks(work, out.size, out.itemsize, out.__array_interface__["data"][0])
    return out


_relu_any = host_threads.elementwise(lambda xp, x: xp.maximum(x, 0).astype(x.dtype, copy=False))
_relu_grad_any = host_threads.elementwise(lambda xp, dy, x: (dy * (x > 0)).astype(dy.dtype, copy=False))


def _relu(xp: Any, x: Any) -> Any:
    if xp is np and _host_float(x):
        # maximum against an array of zeros runs NumPy's SIMD loop (against the scalar 0 it does
        # not): 3x faster, the same values.
        zeros = host_threads.zeros(x.dtype, min(_PIECE, x.size))
        src, out = x.reshape(-1), np.empty(x.shape, x.dtype)
        dst = out.reshape(-1)
        return _pieces(out, lambda lo, hi: np.maximum(src[lo:hi], zeros[:hi - lo], out=dst[lo:hi]))
    return _relu_any(xp, x)


def _relu_grad(xp: Any, dy: Any, x: Any) -> Any:
    # Multiplying by the mask is ~10x faster than xp.where on NumPy; bool * float keeps the float
    # type; TF's rule: dy * (x > 0), so a masked-out dy gives 0 * dy (-0.0 for negative dy).
    if xp is np and _host_float(dy, x):
        g, f, out = dy.reshape(-1), x.reshape(-1), np.empty(dy.shape, dy.dtype)
        dst = out.reshape(-1)

        def step(lo: int, hi: int) -> None:
            mask = np.greater(f[lo:hi], 0, out=host_threads.scratch("relu_grad.mask", (hi - lo,), bool))
            np.multiply(g[lo:hi], mask, out=dst[lo:hi])

        return _pieces(out, step)
    return _relu_grad_any(xp, dy, x)


RELU_GRAD = Op("ReluGrad", _relu_grad, grad=_relu_grad_grad)
RELU6_GRAD = Op("Relu6Grad", lambda xp, dy, x: xp.where((x > 0) & (x < 6), dy, 0).astype(dy.dtype, copy=False),
                grad=_relu6_grad_grad)
LEAKY_RELU_GRAD = Op("LeakyReluGrad",
                     lambda xp, dy, x, alpha=0.2: xp.where(x > 0, dy, dy * alpha).astype(dy.dtype, copy=False),
                     grad=_leaky_relu_grad_grad)

_RELU_DTYPES = REAL  # every real type; no bool, no complex
RELU = Op("Relu", _relu, dtypes=_RELU_DTYPES,
          grad=lambda ctx, dy: (execute(RELU_GRAD, (dy, ctx.output)),))
RELU6 = Op("Relu6", lambda xp, x: xp.clip(x, 0, 6).astype(x.dtype, copy=False), dtypes=_RELU_DTYPES,
           grad=lambda ctx, dy: (execute(RELU6_GRAD, (dy, ctx.inputs[0])),))
LEAKY_RELU = Op("LeakyRelu",
                lambda xp, x, alpha=0.2: xp.where(x > 0, x, x * alpha).astype(x.dtype, copy=False),
                dtypes=FLOAT,
                grad=lambda ctx, dy: (execute(LEAKY_RELU_GRAD, (dy, ctx.inputs[0]), ctx.attrs),))


# --- smooth activations ------------------------------------------------------------------------
def _elu(xp: Any, x: Any) -> Any:
    return xp.where(x > 0, x, xp.expm1(xp.minimum(x, 0))).astype(x.dtype, copy=False)


def _elu_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's EluGrad: dy * (out + 1) where out < 0, else dy.
    out = ctx.output
    negative = _mask(math_ops.less(out, _zero(out)), out)
    return (math_ops.multiply(dy, math_ops.add(math_ops.multiply(negative, out), 1)),)


def _selu(xp: Any, x: Any) -> Any:
    neg = _SELU_SCALE * _SELU_ALPHA * xp.expm1(xp.minimum(x, 0))
    return xp.where(x > 0, _SELU_SCALE * x, neg).astype(x.dtype, copy=False)


def _selu_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's SeluGrad: dy * (out + scale * alpha) where out < 0, else dy * scale.
    out = ctx.output
    negative = _mask(math_ops.less(out, _zero(out)), out)
    slope = math_ops.add(math_ops.multiply(negative, math_ops.add(out, _SELU_SCALE * _SELU_ALPHA - _SELU_SCALE)),
                         _SELU_SCALE)
    return (math_ops.multiply(dy, slope),)


def _softplus(xp: Any, x: Any) -> Any:
    # TF's kernel: x above -threshold, exp(x) below threshold, log1p(exp(x)) between.
    threshold = np.log(np.finfo(np.float32 if x.dtype.itemsize < 4 else x.dtype).eps) + 2
    middle = xp.log1p(xp.exp(xp.clip(x, threshold, -threshold)))
    out = xp.where(x > -threshold, x, xp.where(x < threshold, xp.exp(xp.minimum(x, 0)), middle))
    return out.astype(x.dtype, copy=False)


def _softsign_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (math_ops.truediv(dy, math_ops.square(math_ops.add(math_ops.abs(x), 1))),)


ELU = Op("Elu", _elu, dtypes=FLOAT, grad=_elu_grad)
SELU = Op("Selu", _selu, dtypes=FLOAT, grad=_selu_grad)
SOFTPLUS = Op("Softplus", _softplus, dtypes=FLOAT,
              grad=lambda ctx, dy: (math_ops.multiply(dy, _sigmoid(ctx.inputs[0])),))
SOFTSIGN = Op("Softsign", lambda xp, x: (x / (1 + xp.abs(x))).astype(x.dtype, copy=False), dtypes=FLOAT,
              grad=_softsign_grad)


# --- softmax -----------------------------------------------------------------------------------
def _check_logits(x: Any) -> None:
    if x.ndim < 1:
        raise _invalid(f"logits must have >= 1 dimension, got {_dims(x.shape)}")


def _softmax(xp: Any, x: Any, axis: int = -1) -> Any:
    _check_logits(x)
    e = xp.exp(x - reduce_ops.along(xp, "max", x, axis)) if x.size else x.copy()
    return (e / reduce_ops.along(xp, "sum", e, axis)).astype(x.dtype, copy=False)


def _log_softmax(xp: Any, x: Any, axis: int = -1) -> Any:
    _check_logits(x)
    if not x.size:
        return x.copy()
    shifted = x - reduce_ops.along(xp, "max", x, axis)
    return (shifted - xp.log(reduce_ops.along(xp, "sum", xp.exp(shifted), axis))).astype(x.dtype, copy=False)


def _softmax_grad(ctx: Any, dy: Tensor) -> tuple:
    s = ctx.output
    axis = ctx.attrs.get("axis", -1)
    inner = reduce_ops.reduce_sum(math_ops.multiply(dy, s), axis, keepdims=True)
    return (math_ops.multiply(math_ops.subtract(dy, inner), s),)


def _log_softmax_grad(ctx: Any, dy: Tensor) -> tuple:
    axis = ctx.attrs.get("axis", -1)
    total = reduce_ops.reduce_sum(dy, axis, keepdims=True)
    return (math_ops.subtract(dy, math_ops.multiply(total, math_ops.exp(ctx.output))),)


SOFTMAX = Op("Softmax", _softmax, dtypes=FLOAT, grad=_softmax_grad)
LOG_SOFTMAX = Op("LogSoftmax", _log_softmax, dtypes=FLOAT, grad=_log_softmax_grad)


def _softmax_axis(x: Tensor, axis: Any) -> dict:
    axis = -1 if axis is None else int(axis)
    ndim = x._array.ndim
    if ndim is None:  # traced with unknown rank: the kernel resolves the axis when the graph runs
        return {} if axis == -1 else {"axis": axis}
    if axis != -1 and not -ndim <= axis < ndim:
        raise errors.InvalidArgumentError(
            None, None, f"`dim` must be in the range [{-ndim}, {ndim}) where {ndim} is the number of "
                        f"dimensions in the input. Received: dim={axis}")
    return {} if axis in (-1, ndim - 1) else {"axis": axis % ndim}


# --- losses ------------------------------------------------------------------------------------
def _l2_loss(xp: Any, x: Any) -> Any:
    work = x.astype(np.float32) if x.dtype.itemsize < 4 else x
    return xp.asarray(xp.sum(work * work) / 2).astype(x.dtype)


L2_LOSS = Op("L2Loss", _l2_loss, dtypes=FLOAT,
             grad=lambda ctx, dy: (math_ops.multiply(ctx.inputs[0], dy),))


def _sigmoid_xent(xp: Any, logits: Any, labels: Any) -> Any:
    # TF's composite: max(x, 0) - x * z + log1p(exp(-|x|)).
    return (xp.maximum(logits, 0) - logits * labels + xp.log1p(xp.exp(-xp.abs(logits)))).astype(logits.dtype)


def _sigmoid_xent_grad(ctx: Any, dy: Tensor) -> tuple:
    logits, labels = ctx.inputs
    return (math_ops.multiply(dy, math_ops.subtract(_sigmoid(logits), labels)),
            math_ops.multiply(dy, math_ops.negative(logits)))


# Not a TF kernel (TF composes Select/Exp/Log1p); one op here keeps the gradient exact at 0.
SIGMOID_XENT = Op("SigmoidCrossEntropyWithLogits", _sigmoid_xent, dtypes=FLOAT,
                  grad=_sigmoid_xent_grad)


def _move_last(xp: Any, x: Any, axis: int) -> Any:
    return x if axis == -1 else xp.moveaxis(x, axis, -1)


def _softmax_xent(xp: Any, features: Any, labels: Any, axis: int = -1) -> list:
    try:
        shape = np.broadcast_shapes(features.shape, labels.shape)
    except ValueError:
        shape = None
    if shape is None or shape != features.shape:
        raise _invalid(f"logits and labels must be broadcastable: logits_size={_dims(features.shape)} "
                       f"labels_size={_dims(labels.shape)}")
    x = _move_last(xp, features, axis)
    z = _move_last(xp, xp.broadcast_to(labels, shape), axis)
    log_p = _log_softmax(xp, x)
    loss = xp.sum(z * -log_p, axis=-1)
    backprop = xp.exp(log_p) - z
    backprop = backprop if axis == -1 else xp.moveaxis(backprop, -1, axis)
    return [loss.astype(features.dtype, copy=False), backprop.astype(features.dtype, copy=False)]


def _expand_at(t: Tensor, axis: int, ndim: int) -> Tensor:
    # (an op: graph shapes may be partly unknown; unknown rank: a negative axis counts from the end)
    return array_ops.expand_dims(t, axis if ndim is None else axis % ndim)


def _softmax_xent_grad(ctx: Any, dy: list) -> tuple:
    # Recomputes softmax from the logits so that gradients of this gradient see the logits.
    logits, labels = ctx.inputs
    axis = ctx.attrs.get("axis", -1)
    attrs = {} if axis == -1 else {"axis": axis}
    g = _expand_at(dy[0], axis, logits.ndim)
    probs = execute(SOFTMAX, (logits,), attrs)
    grad_logits = math_ops.multiply(g, math_ops.subtract(probs, labels))
    grad_labels = math_ops.multiply(g, math_ops.negative(execute(LOG_SOFTMAX, (logits,), attrs)))
    return (grad_logits, grad_labels)


SOFTMAX_XENT = Op("SoftmaxCrossEntropyWithLogits", _softmax_xent, dtypes=FLOAT, num_outputs=2,
                  grad=_softmax_xent_grad)


def _sparse_softmax_xent(xp: Any, features: Any, labels: Any) -> list:
    depth = features.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= depth):  # two reductions, no mask
        bad = (labels < 0) | (labels >= depth)
        first = int(labels[bad].ravel()[0])
        values = " ".join(str(int(v)) for v in labels.ravel().tolist())
        raise _invalid(f"Received a label value of {first} which is outside the valid range of [0, {depth}).  "
                       f"Label values: {values}")
    log_p = _log_softmax(xp, features) if features.size else features.copy()
    backprop = xp.exp(log_p).astype(features.dtype, copy=False)
    if features.ndim == 2:  # the usual [batch, classes]: index rows directly
        rows = xp.arange(features.shape[0])
        picked = log_p[rows, labels]
        backprop[rows, labels] -= 1
    else:
        picked = xp.take_along_axis(log_p, labels[..., None].astype(np.int64), axis=-1)[..., 0]
        backprop = backprop - xp.eye(depth, dtype=features.dtype)[labels]
    return [(-picked).astype(features.dtype, copy=False), backprop]


def _sparse_softmax_xent_grad(ctx: Any, dy: list) -> tuple:
    logits, labels = ctx.inputs
    if not context.flags.taping:
        # First order only (no tape records this gradient): the forward's second output already
        # is softmax - one_hot, which is exactly what TF's gradient multiplies by.
        return (math_ops.multiply(_expand_at(dy[0], -1, logits.ndim), ctx.output[1]), None)
    if type(logits) is EagerTensor and type(labels) is EagerTensor:
        xp = logits._device.xp
        one_hot = EagerTensor(xp.eye(logits.shape[-1], dtype=logits._array.dtype)[labels._array], logits._device)
    else:  # traced (sizes maybe known only at run time): labels compared with the class numbers
        classes = array_ops.range(0, array_ops.shape(logits, out_type=labels.dtype)[-1], 1, dtype=labels.dtype)
        one_hot = math_ops.cast(math_ops.equal(array_ops.expand_dims(labels, -1), classes), logits.dtype)
    g = _expand_at(dy[0], -1, logits._array.ndim)
    return (math_ops.multiply(g, math_ops.subtract(execute(SOFTMAX, (logits,)), one_hot)), None)


SPARSE_SOFTMAX_XENT = Op("SparseSoftmaxCrossEntropyWithLogits", _sparse_softmax_xent, dtypes=FLOAT,
                         num_outputs=2, grad=_sparse_softmax_xent_grad)


# --- bias_add ----------------------------------------------------------------------------------
_BIAS_PIECE = 1 << 15  # elements of the repeated bias: its np.tile costs less than the adds


def _bias_add(xp: Any, value: Any, bias: Any, data_format: str = "NHWC") -> Any:
    if value.ndim < 2:
        raise _invalid(f"Input tensor must be at least 2D: {_dims(value.shape)}")
    if bias.ndim != 1:
        raise _invalid(f"Biases must be 1D: {_dims(bias.shape)}")
    channel = 1 if data_format == "NCHW" and value.ndim > 2 else value.ndim - 1
    if bias.shape[0] != value.shape[channel]:
        raise _invalid("Must provide as many biases as the last dimension of the input tensor: "
                       f"{_dims(bias.shape)} vs. {_dims(value.shape)}")
    shape = [1] * value.ndim
    shape[channel] = bias.shape[0]
    c = bias.shape[0]
    if (xp is np and channel == value.ndim - 1 and type(value) is np.ndarray and value.flags.c_contiguous
            and value.dtype == bias.dtype and value.size >= _PIECED_FROM and 0 < c <= _BIAS_PIECE // 16):
        # Channels-last (a conv layer's activations): adding the bias repeated over a piece is
        # one flat SIMD loop, where `value + bias` runs one short loop per row of C.
        rows = _BIAS_PIECE // c
        tiled = np.tile(bias, rows)
        src, out = value.reshape(-1), np.empty(value.shape, value.dtype)
        dst = out.reshape(-1)

        def work(lo: int, hi: int) -> None:  # whole rows: lo is a multiple of C
            for start in range(lo * c, hi * c, rows * c):
                end = min(start + rows * c, hi * c)
                np.add(src[start:end], tiled[:end - start], out=dst[start:end])

        host_threads.map_chunks(work, value.size // c, c * value.itemsize, out.__array_interface__["data"][0],
                                value.size)
        return out
    return value + bias.reshape(shape)


def _bias_channel(data_format: str, ndim: int) -> int:
    return 1 if data_format == "NCHW" and ndim > 2 else ndim - 1


_BIAS_GRAD_ROWS = 8192  # rows summed by one matrix-vector product


def _bias_add_grad_kernel(xp: Any, dy: Any, data_format: str = "NHWC") -> Any:
    """The sum of `dy` over every axis but the channel one (TF's BiasAddGrad)."""
    if dy.ndim < 2:
        raise _invalid(f"Input tensor must be at least 2D: {_dims(dy.shape)}")
    channel = _bias_channel(data_format, dy.ndim)
    c = dy.shape[channel]
    if channel != dy.ndim - 1:
        lead = int(np.prod(dy.shape[:channel]))
        return xp.asarray(xp.sum(dy.reshape(lead, c, -1), axis=(0, 2), dtype=dy.dtype))
    rows = dy.reshape(-1, c)
    if xp is not np or dy.dtype not in (np.float32, np.float64) or rows.shape[0] <= _BIAS_GRAD_ROWS:
        return xp.asarray(xp.sum(rows, axis=0, dtype=dy.dtype))
    # Blocks of rows, each one BLAS matrix-vector product with ones, the partial sums added in
    # order: 7x faster than NumPy's row-by-row add over axis 0, and blocked summation is more
    # accurate than its running sum.
    # One BLAS thread: a threaded OpenBLAS call leaves its helpers spinning on the other cores.
    from eagerflow._src.ops.conv_ops import single_threaded_blas

    ones = np.ones(_BIAS_GRAD_ROWS, dy.dtype)
    total = np.zeros(c, dy.dtype)
    with single_threaded_blas():
        for lo in range(0, rows.shape[0], _BIAS_GRAD_ROWS):
            part = rows[lo:lo + _BIAS_GRAD_ROWS]
            total += ones[:part.shape[0]] @ part
    return total


def _bias_add_grad_grad(ctx: Any, g: Tensor) -> tuple:
    """BiasAddGrad's gradient: `g` broadcast back over the summed axes (TF's _BiasAddGradGrad)."""
    dy = ctx.inputs[0]
    shape = [1] * dy.ndim
    shape[_bias_channel(ctx.attrs.get("data_format", "NHWC"), dy.ndim)] = -1
    return (array_ops.broadcast_to(array_ops.reshape(g, shape), array_ops.shape(dy)),)


BIAS_ADD_GRAD = Op("BiasAddGrad", _bias_add_grad_kernel, dtypes=REAL + COMPLEX, grad=_bias_add_grad_grad)


def _bias_add_grad(ctx: Any, dy: Tensor) -> tuple:
    return (dy, execute(BIAS_ADD_GRAD, (dy,), {"data_format": ctx.attrs.get("data_format", "NHWC")}))


BIAS_ADD = Op("BiasAdd", _bias_add, dtypes=REAL + COMPLEX, grad=_bias_add_grad)


# --- public functions --------------------------------------------------------------------------
def relu(features: Any, name: str | None = None) -> Tensor:
    """max(features, 0) (`tf.nn.relu`); its gradient is 0 at 0."""
    return conversion.run_unary(RELU, features)


def relu6(features: Any, name: str | None = None) -> Tensor:
    """min(max(features, 0), 6) (`tf.nn.relu6`)."""
    return execute(RELU6, (conversion.tensor(features),))


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """features where positive, alpha * features elsewhere (`tf.nn.leaky_relu`); ints become float32."""
    x = conversion.tensor(features)
    if x.dtype.is_integer:  # TF casts integer features to float32 first
        x = math_ops.cast(x, _dtypes.float32)
    return execute(LEAKY_RELU, (x,), {"alpha": float(alpha)})


def elu(features: Any, name: str | None = None) -> Tensor:
    """x for x > 0, exp(x) - 1 elsewhere (`tf.nn.elu`)."""
    return conversion.run_unary(ELU, features)


def selu(features: Any, name: str | None = None) -> Tensor:
    """scale * elu with alpha (`tf.nn.selu`), the self-normalising constants."""
    return conversion.run_unary(SELU, features)


def softplus(features: Any, name: str | None = None) -> Tensor:
    """log(exp(features) + 1), stable for large |features| (`tf.nn.softplus`)."""
    return conversion.run_unary(SOFTPLUS, features)


def softsign(features: Any, name: str | None = None) -> Tensor:
    """features / (|features| + 1) (`tf.nn.softsign`)."""
    return conversion.run_unary(SOFTSIGN, features)


def gelu(features: Any, approximate: bool = False, name: str | None = None) -> Tensor:
    """Gaussian error linear unit, exact (erf) or tanh-approximated (`tf.nn.gelu`)."""
    x = conversion.tensor(features)
    if not x.dtype.is_floating:
        raise ValueError(f"`features.dtype` must be a floating point tensor.Received:features.dtype={x.dtype}")
    if approximate:
        cubic = math_ops.add(x, math_ops.multiply(0.044715, math_ops.pow(x, 3)))
        inner = math_ops.add(1.0, math_ops.tanh(math_ops.multiply(0.7978845608028654, cubic)))
    else:
        inner = math_ops.add(1.0, math_ops.erf(math_ops.truediv(x, 1.4142135623730951)))
    return math_ops.multiply(math_ops.multiply(0.5, x), inner)


def softmax(logits: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """exp(logits) / sum(exp(logits), axis), computed stably (`tf.nn.softmax`, default last axis)."""
    try:
        x = conversion.tensor(logits)
    except (TypeError, ValueError):
        if dispatch.composite_in(logits):  # RaggedTensor (TF's dispatch)
            return dispatch.call("softmax", logits, axis)
        raise
    return execute(SOFTMAX, (x,), _softmax_axis(x, axis))


def log_softmax(logits: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """logits - log(sum(exp(logits), axis)), computed stably (`tf.nn.log_softmax`)."""
    x = conversion.tensor(logits)
    return execute(LOG_SOFTMAX, (x,), _softmax_axis(x, axis))


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """sum(t ** 2) / 2 (`tf.nn.l2_loss`)."""
    return conversion.run_unary(L2_LOSS, t)


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name: str | None = None) -> Tensor:
    """Elementwise logistic loss max(x, 0) - x * z + log(1 + exp(-|x|)) (`tf.nn.sigmoid_cross_entropy_with_logits`).

    Raises:
      ValueError: `labels` and `logits` have different shapes.
      InvalidArgumentError: different dtypes (TF's Mul message) or integer logits (TF's Exp message).
    """
    x = conversion.tensor(logits)
    z = conversion.tensor(labels)  # TF converts each on its own: a mismatch is Mul's error
    if x._array.shape != z._array.shape and not x.shape.is_compatible_with(z.shape):  # (traced: None dims)
        raise ValueError(f"`logits` and `labels` must have the same shape, received ({x.shape} vs {z.shape}).")
    if x.dtype != z.dtype:
        raise conversion.mismatch(math_ops.MUL, x, z)
    if x.dtype not in SIGMOID_XENT.dtypes:
        raise errors.op_error(errors.InvalidArgumentError, math_ops.EXP.unsupported_dtype_message(x.dtype), "Exp")
    return execute(SIGMOID_XENT, (x, z))


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1, name: str | None = None) -> Tensor:
    """-sum(labels * log_softmax(logits), axis) (`tf.nn.softmax_cross_entropy_with_logits`).

    `labels` is cast to the logits' dtype and may broadcast against them.
    """
    x = conversion.tensor(logits)
    z = conversion.tensor(labels)
    if x.dtype in SOFTMAX_XENT.dtypes and z.dtype != x.dtype:
        z = math_ops.cast(z, x.dtype)
    attrs = {}
    if x._array.ndim is None:  # traced with unknown rank: the kernel resolves the axis
        if axis != -1:
            attrs["axis"] = int(axis)
    elif axis not in (-1, x.ndim - 1):
        attrs["axis"] = int(axis) % max(x.ndim, 1)
    return execute(SOFTMAX_XENT, (x, z), attrs)[0]


def sparse_softmax_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name: str | None = None) -> Tensor:
    """-log_softmax(logits)[label] per example (`tf.nn.sparse_softmax_cross_entropy_with_logits`).

    Raises:
      ValueError: labels' shape is not logits' shape without its last dimension.
      InvalidArgumentError: a label outside [0, num_classes), or labels not int32/int64.
    """
    x = conversion.tensor(logits)
    z = conversion.tensor(labels)
    x_shape, z_shape = x._array.shape, z._array.shape  # plain tuples: this runs every training step
    if x_shape is None or z_shape is None:  # traced with unknown rank: the kernel checks when it runs
        pass
    elif len(z_shape) != len(x_shape) - 1:
        raise ValueError(f"`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: labels.shape={z.shape} "
                         f"of rank {z.ndim} and logits.shape={x.shape} of rank {x.ndim}")
    elif z_shape != x_shape[:-1] and any(a is not None and b is not None and a != b
                                         for a, b in zip(z_shape, x_shape[:-1])):  # (None: unknown dims)
        raise ValueError("`labels.shape` must equal `logits.shape` except for the last dimension. "
                         f"Received: labels.shape={z.shape} and logits.shape={x.shape}")
    if z._array.dtype != np.int32 and z._array.dtype != np.int64:
        raise conversion.attr_error(SPARSE_SOFTMAX_XENT, z.dtype, "Tlabels")
    return execute(SPARSE_SOFTMAX_XENT, (x, z))[0]


def bias_add(value: Any, bias: Any, data_format: str | None = None, name: str | None = None) -> Tensor:
    """value + bias along the channel dimension (last, or 1 for "NC..." formats) (`tf.nn.bias_add`)."""
    if data_format is not None and not (data_format.startswith("NC") or data_format.endswith("C")):
        raise ValueError(f"`data_format` must be of the form `N...C` or `NC...`. Received: data_format={data_format}")
    attrs = {"data_format": "NCHW"} if data_format is not None and data_format.startswith("NC") else {}
    try:
        return execute(BIAS_ADD, conversion.binary(BIAS_ADD, value, bias), attrs)
    except errors.OpError as e:
        raise conversion.worded(e, value, bias) from None


def moments(x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name: str | None = None) -> tuple:
    """(mean, variance) of `x` over `axes` (`tf.nn.moments`); float16 is computed in float32."""
    x = conversion.tensor(x)
    y = math_ops.cast(x, _dtypes.float32) if x.dtype == _dtypes.float16 else x
    mean = reduce_ops.reduce_mean(y, axes, keepdims=True)
    # TF stops the gradient through `mean` here; the gradient is the same without it (sum(y - mean) = 0).
    variance = reduce_ops.reduce_mean(math_ops.squared_difference(y, mean), axes, keepdims=True)
    if not keepdims:  # (TF squeezes: dims known only at run time stay so)
        dropped = [int(a) for a in np.asarray(axes).reshape(-1)]
        if x._array.ndim is not None:
            dropped = list(reduce_ops.normalize_axes(axes, x.ndim))
        if dropped:  # (no axes: squeeze would drop every size-1 dim)
            mean = array_ops.squeeze(mean, dropped)
            variance = array_ops.squeeze(variance, dropped)
    if x.dtype == _dtypes.float16:
        return math_ops.cast(mean, x.dtype), math_ops.cast(variance, x.dtype)
    return mean, variance



def silu(features: Any, beta: float = 1.0) -> Tensor:
    """features * sigmoid(beta * features) (`tf.nn.silu`, also `tf.nn.swish`)."""
    x = conversion.tensor(features)
    b = conversion.like(beta, x)
    return math_ops.multiply(x, _sigmoid(math_ops.multiply(b, x)))


swish = silu


def crelu(features: Any, axis: int = -1, name: str | None = None) -> Tensor:
    """relu of [features, -features] concatenated along `axis` (`tf.nn.crelu`)."""
    from eagerflow._src.ops import join_split_ops

    x = conversion.tensor(features)
    return relu(join_split_ops.concat([x, math_ops.negative(x)], axis))


# --- depth_to_space / space_to_depth -------------------------------------------------------------
def _depth_to_space(xp: Any, x: Any, block_size: int, data_format: str = "NHWC") -> Any:
    if x.ndim != 4:
        raise _invalid(f"Input rank should be: 4 instead of: {x.ndim}")
    xl = xp.moveaxis(x, 1, -1) if data_format == "NCHW" else x
    n, h, w, c = xl.shape
    b = block_size
    if c % (b * b):
        raise _invalid(f"Input depth dimension {c} should be divisible by: {b * b}")
    out = xl.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * b, w * b, -1)
    return xp.ascontiguousarray(xp.moveaxis(out, -1, 1) if data_format == "NCHW" else out)


def _space_to_depth(xp: Any, x: Any, block_size: int, data_format: str = "NHWC") -> Any:
    if x.ndim != 4:
        raise _invalid(f"Input rank should be: 4 instead of: {x.ndim}")
    xl = xp.moveaxis(x, 1, -1) if data_format == "NCHW" else x
    n, h, w, c = xl.shape
    b = block_size
    if h % b or w % b:
        raise _invalid(f"Image width {w} and height {h} should be divisible by block_size: {b}")
    out = xl.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // b, w // b, -1)
    return xp.ascontiguousarray(xp.moveaxis(out, -1, 1) if data_format == "NCHW" else out)


DEPTH_TO_SPACE = Op("DepthToSpace", _depth_to_space,
                    grad=lambda ctx, dy: (execute(SPACE_TO_DEPTH, (dy,), ctx.attrs),))
SPACE_TO_DEPTH = Op("SpaceToDepth", _space_to_depth,
                    grad=lambda ctx, dy: (execute(DEPTH_TO_SPACE, (dy,), ctx.attrs),))


def _block_attrs(block_size: Any, data_format: str) -> dict:
    block_size = int(block_size)
    if block_size < 2:
        raise _invalid(f"Value for attr 'block_size' of {block_size} must be at least minimum 2")
    if data_format not in ("NHWC", "NCHW", "NCHW_VECT_C"):
        raise ValueError(f"Unsupported data format: {data_format}")
    return {"block_size": block_size, "data_format": data_format}


def depth_to_space(input: Any, block_size: int, data_format: str = "NHWC", name: str | None = None) -> Tensor:  # noqa: A002
    """Moves depth blocks into block_size x block_size spatial tiles (`tf.nn.depth_to_space`)."""
    return execute(DEPTH_TO_SPACE, (conversion.tensor(input),), _block_attrs(block_size, data_format))


def space_to_depth(input: Any, block_size: int, data_format: str = "NHWC", name: str | None = None) -> Tensor:  # noqa: A002
    """Moves block_size x block_size spatial tiles into depth (`tf.nn.space_to_depth`)."""
    return execute(SPACE_TO_DEPTH, (conversion.tensor(input),), _block_attrs(block_size, data_format))


# --- dropout -----------------------------------------------------------------------------------
def _noise_shape(x: Tensor, noise_shape: Any) -> Any:
    if noise_shape is None:
        if x.shape.rank is None or None in x.shape:  # a graph tensor: its run-time shape
            return array_ops.shape(x)
        return tuple(x.shape)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    dims = list(noise_shape)
    if len(dims) == x.ndim:
        dims = [x.shape[i] if d is None else d for i, d in enumerate(dims)]
    return dims


def _dropout(x: Any, rate: Any, noise_shape: Any, sampler: Any, dummy_step: Any) -> Tensor:
    """TF's `_dropout`: scale by 1 / (1 - rate), zero where uniform noise < rate."""
    is_number = isinstance(rate, (int, float, np.floating, np.integer)) and not isinstance(rate, bool)
    if is_number and (rate < 0 or rate >= 1):
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). Received: rate={rate}")
    x = conversion.tensor(x)
    if not x.dtype.is_floating:
        raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                         f"Received: x_dtype={x.dtype}")
    if is_number and rate == 0:
        dummy_step()
        return x
    if is_number:
        scaled = math_ops.multiply(x, conversion.tensor(np.asarray(1 / (1 - rate)), x.dtype))
    elif isinstance(rate, Tensor):
        if rate.ndim != 0:
            raise ValueError(f"Shape {rate.shape} must have rank 0")
        if rate.dtype != x.dtype:
            if not rate.dtype.is_floating and not rate.dtype.is_integer:
                raise ValueError("`x.dtype` must be compatible with `rate.dtype`. "
                                 f"Received: x.dtype={x.dtype} and rate.dtype={rate.dtype}")
            rate = math_ops.cast(rate, x.dtype)
        scaled = math_ops.truediv(x, math_ops.subtract(conversion.like(1, x), rate))
    else:
        raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
    noise = sampler(_noise_shape(x, noise_shape), x.dtype)
    keep = math_ops.greater_equal(noise, conversion.like(rate, noise) if is_number else rate)
    result = array_ops.where(keep, scaled, math_ops.zeros_like_same(x))
    if type(result) is not EagerTensor:  # a graph: the noise shape may be dynamic (TF's set_shape)
        result.set_shape(x.shape)
    return result


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: Any = None, name: str | None = None) -> Tensor:
    """Zeroes elements with probability `rate`, scales the rest by 1 / (1 - rate) (`tf.nn.dropout`).

    The noise is `tf.random.uniform(noise_shape, seed=seed)`, so a global and op seed give TF's
    masks, and two calls with the same op seed differ as TF's do.
    """
    from eagerflow._src.ops.random import random_ops

    return _dropout(x, rate, noise_shape,
                    lambda shape, dtype: random_ops.uniform(shape, dtype=dtype, seed=seed),
                    lambda: random_ops.get_seed(seed))


def stateless_dropout(x: Any, rate: Any, seed: Any, rng_alg: Any = None, noise_shape: Any = None,
                      name: str | None = None) -> Tensor:
    """Dropout with a deterministic mask from `seed` (`tf.nn.experimental.stateless_dropout`)."""
    from eagerflow._src.ops.random import stateless_random_ops

    alg = "auto_select" if rng_alg is None else rng_alg
    return _dropout(x, rate, noise_shape,
                    lambda shape, dtype: stateless_random_ops.stateless_random_uniform(shape, seed, dtype=dtype,
                                                                                       alg=alg),
                    lambda: None)


def general_dropout(x: Any, rate: Any, uniform_sampler: Any, noise_shape: Any = None, name: str | None = None) -> Tensor:
    """Dropout with noise from `uniform_sampler(shape=..., dtype=...)` (`tf.nn.experimental.general_dropout`)."""
    return _dropout(x, rate, noise_shape, lambda shape, dtype: uniform_sampler(shape=shape, dtype=dtype), lambda: None)
