"""Normalisation (`tf.nn.batch_normalization`, moments and their pieces, `l2_normalize`, `lrn`).

Most are TF's compositions of math ops (so gradients of any order come from those ops); local
response normalisation is TF's LRN kernel with its LRNGrad, a windowed sum over channels through
a cumulative sum (no loop over channels).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops


def _cast_like(value: Any, x: Tensor) -> Tensor:
    t = conversion.tensor(value)
    return t if t.dtype == x.dtype else math_ops.cast(t, x.dtype)


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any, variance_epsilon: float,
                        name: str | None = None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset (`tf.nn.batch_normalization`).

    Computed as TF does: inv = rsqrt(variance + epsilon) * scale; x * inv + (offset - mean * inv).
    """
    x = conversion.tensor(x)
    variance = conversion.tensor(variance)
    inv = math_ops.rsqrt(math_ops.add(variance, conversion.like(variance_epsilon, variance)))
    if scale is not None:
        inv = math_ops.multiply(inv, conversion.like(scale, inv))
    mean = conversion.like(mean, inv)
    shift = (math_ops.subtract(conversion.like(offset, inv), math_ops.multiply(mean, inv)) if offset is not None
             else math_ops.negative(math_ops.multiply(mean, inv)))
    return math_ops.add(math_ops.multiply(x, _cast_like(inv, x)), _cast_like(shift, x))


def batch_norm_with_global_normalization(input: Any, mean: Any, variance: Any, beta: Any, gamma: Any,  # noqa: A002
                                         variance_epsilon: float, scale_after_normalization: bool,
                                         name: str | None = None) -> Tensor:
    """batch_normalization with `gamma` applied only when `scale_after_normalization`."""
    return batch_normalization(input, mean, variance, beta, gamma if scale_after_normalization else None,
                               variance_epsilon)


def _squeeze_axes(t: Tensor, axes: list, ndim: int) -> Tensor:
    if ndim is None:  # traced with unknown rank: the axes resolved when the graph runs
        dropped = [int(a) for a in np.asarray(axes).reshape(-1)]
    else:
        dropped = list(reduce_ops.normalize_axes(axes, ndim))
    return array_ops.squeeze(t, dropped) if dropped else t  # (no axes: squeeze would drop every 1)


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, keepdims: bool = False,
                     name: str | None = None) -> tuple:
    """Frequency-weighted (mean, variance) of `x` over `axes` (`tf.nn.weighted_moments`)."""
    x = conversion.tensor(x)
    w = conversion.like(frequency_weights, x)
    half = x.dtype == _dtypes.float16
    if half:  # TF computes float16 moments in float32
        x, w = math_ops.cast(x, _dtypes.float32), math_ops.cast(w, _dtypes.float32)
    if w.dtype != x.dtype:
        w = math_ops.cast(w, x.dtype)
    weighted_sum = reduce_ops.reduce_sum(math_ops.multiply(w, x), axes, keepdims=True)
    weights = math_ops.add(w, math_ops.zeros_like_same(x))
    divisor = math_ops.reciprocal(reduce_ops.reduce_sum(weights, axes, keepdims=True))
    mean = math_ops.multiply(weighted_sum, divisor)
    distsq = reduce_ops.reduce_sum(math_ops.multiply(weights, math_ops.squared_difference(x, mean)), axes,
                                   keepdims=True)
    variance = math_ops.multiply(divisor, distsq)
    if not keepdims:
        mean, variance = _squeeze_axes(mean, axes, x._array.ndim), _squeeze_axes(variance, axes, x._array.ndim)
    if half:
        mean, variance = math_ops.cast(mean, _dtypes.float16), math_ops.cast(variance, _dtypes.float16)
    return mean, variance


def sufficient_statistics(x: Any, axes: Any, shift: Any = None, keepdims: bool = False,
                          name: str | None = None) -> tuple:
    """(count, sum of x - shift, sum of (x - shift) ** 2, shift) over `axes` (`tf.nn.sufficient_statistics`)."""
    x = conversion.tensor(x)
    count = 1
    for axis in reduce_ops.normalize_axes(axes, x.ndim):
        count *= x.shape[axis]
    counts = conversion.tensor(np.asarray(count, x.dtype.as_numpy_dtype))
    if shift is not None:
        shift = conversion.like(shift, x)
        centred = math_ops.subtract(x, shift)
        m_ss = reduce_ops.reduce_sum(centred, axes, keepdims=keepdims)
        v_ss = reduce_ops.reduce_sum(math_ops.square(centred), axes, keepdims=keepdims)
    else:
        m_ss = reduce_ops.reduce_sum(x, axes, keepdims=keepdims)
        v_ss = reduce_ops.reduce_sum(math_ops.square(x), axes, keepdims=keepdims)
    return counts, m_ss, v_ss, shift


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any, name: str | None = None) -> tuple:
    """(mean, variance) from sufficient statistics (`tf.nn.normalize_moments`)."""
    mean_ss = conversion.tensor(mean_ss)
    divisor = math_ops.reciprocal(conversion.like(counts, mean_ss))
    shifted_mean = math_ops.multiply(mean_ss, divisor)
    mean = math_ops.add(shifted_mean, conversion.like(shift, mean_ss)) if shift is not None else shifted_mean
    variance = math_ops.subtract(math_ops.multiply(conversion.like(variance_ss, mean_ss), divisor),
                                 math_ops.square(shifted_mean))
    return mean, variance


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None, dim: Any = None) -> Tensor:
    """x / sqrt(max(sum(x ** 2, axis), epsilon)) (`tf.nn.l2_normalize`); complex x by its modulus."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'dim' and 'axis'.")
        axis = dim
    x = conversion.tensor(x)
    if x.dtype.is_complex:
        square_real = math_ops.square(math_ops.real(x))
        square_imag = math_ops.square(math_ops.imag(x))
        square_sum = reduce_ops.reduce_sum(math_ops.add(square_real, square_imag), axis, keepdims=True)
        inv = math_ops.rsqrt(math_ops.maximum(square_sum, conversion.like(epsilon, square_sum)))
        return math_ops.multiply(x, math_ops.complex(inv, math_ops.zeros_like_same(inv)))
    square_sum = reduce_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
    inv = math_ops.rsqrt(math_ops.maximum(square_sum, conversion.like(epsilon, square_sum)))
    return math_ops.multiply(x, inv)


def zero_fraction(value: Any, name: str | None = None) -> Tensor:
    """The fraction of zeros in `value`, as float32 (`tf.nn.zero_fraction`)."""
    x = conversion.tensor(value)
    zeros = math_ops.cast(math_ops.equal(x, math_ops.zeros_like_same(x)), _dtypes.float32)
    return reduce_ops.reduce_mean(zeros)


# --- local response normalisation ---------------------------------------------------------------
def _window_sum(xp: Any, a: Any, radius: int) -> Any:
    """sum(a[..., c - radius : c + radius + 1]) along the last axis, clipped at the edges."""
    c = a.shape[-1]
    cs = xp.cumsum(a, axis=-1)
    cs = xp.concatenate([xp.zeros(a.shape[:-1] + (1,), a.dtype), cs], axis=-1)
    hi = xp.asarray(np.minimum(np.arange(c) + radius + 1, c))
    lo = xp.asarray(np.maximum(np.arange(c) - radius, 0))
    return cs[..., hi] - cs[..., lo]


def _check_lrn(x: Any) -> None:
    if x.ndim != 4:
        raise errors.InvalidArgumentError(None, None, f"input must be 4-dimensional, got shape "
                                                      f"[{','.join(map(str, x.shape))}]")


def _lrn(xp: Any, x: Any, depth_radius: int = 5, bias: float = 1.0, alpha: float = 1.0, beta: float = 0.5) -> Any:
    _check_lrn(x)
    work = x.astype(np.float32) if x.dtype.itemsize < 4 else x
    norm = bias + alpha * _window_sum(xp, work * work, depth_radius)
    return (work * norm ** -beta).astype(x.dtype, copy=False)


def _lrn_grad_kernel(xp: Any, dy: Any, x: Any, y: Any, depth_radius: int = 5, bias: float = 1.0,
                     alpha: float = 1.0, beta: float = 0.5) -> Any:
    work = np.float32 if x.dtype.itemsize < 4 else x.dtype
    xw, gw = x.astype(work, copy=False), dy.astype(work, copy=False)
    norm = bias + alpha * _window_sum(xp, xw * xw, depth_radius)
    inner = _window_sum(xp, gw * xw * norm ** (-beta - 1), depth_radius)  # the window is symmetric
    return (gw * norm ** -beta - 2 * alpha * beta * xw * inner).astype(x.dtype, copy=False)


LRN_GRAD = Op("LRNGrad", _lrn_grad_kernel, dtypes=(_dtypes.bfloat16, _dtypes.float16, _dtypes.float32))
LRN = Op("LRN", _lrn, dtypes=(_dtypes.bfloat16, _dtypes.float16, _dtypes.float32),
         grad=lambda ctx, dy: (execute(LRN_GRAD, (dy, ctx.inputs[0], ctx.output), ctx.attrs),))


def local_response_normalization(input: Any, depth_radius: int = 5, bias: float = 1.0, alpha: float = 1.0,  # noqa: A002
                                 beta: float = 0.5, name: str | None = None) -> Tensor:
    """input / (bias + alpha * sum of squares over 2 * depth_radius + 1 channels) ** beta (`tf.nn.lrn`).

    Like TF, float64 is not accepted and the gradient (LRNGrad) is first order only.
    """
    x = conversion.tensor(input)
    return execute(LRN, (x,), {"depth_radius": int(depth_radius), "bias": float(bias), "alpha": float(alpha),
                               "beta": float(beta)})


lrn = local_response_normalization


# --- isotonic regression -------------------------------------------------------------------------
def _isotonic(xp: Any, x: Any, output_dtype: Any) -> list:
    """Pool-adjacent-violators per row: the closest non-increasing sequence, and its segments."""
    values = np.asarray(x.get() if hasattr(x, "get") else x, np.float64)  # CuPy arrays come to the host
    out = np.empty(values.shape, output_dtype)
    segments = np.empty(values.shape, np.int32)
    for r, row in enumerate(values):
        means: list = []
        counts: list = []
        for v in row.tolist():
            means.append(v)
            counts.append(1)
            while len(means) > 1 and means[-2] < means[-1]:  # a violation: merge the last two blocks
                count = counts[-2] + counts[-1]
                means[-2] = (means[-2] * counts[-2] + means[-1] * counts[-1]) / count
                counts[-2] = count
                means.pop()
                counts.pop()
        out[r] = np.repeat(means, counts)
        segments[r] = np.repeat(np.arange(len(counts)), counts)
    return [xp.asarray(out), xp.asarray(segments)]


def _segment_mean(xp: Any, g: Any, segments: Any) -> Any:
    """Each element replaced by the mean of `g` over its row's segment."""
    rows, n = g.shape
    flat = (segments + xp.arange(rows)[:, None] * n).ravel()
    totals = xp.bincount(flat, weights=g.ravel().astype(np.float64), minlength=rows * n)
    counts = xp.bincount(flat, minlength=rows * n)
    return (totals[flat] / counts[flat]).reshape(g.shape).astype(g.dtype)


# The mean over segments is a symmetric projection: it is its own gradient.
SEGMENT_MEAN = Op("IsotonicSegmentMean", _segment_mean,
                  grad=lambda ctx, g: (execute(SEGMENT_MEAN, (g, ctx.inputs[1])), None))
ISOTONIC_REGRESSION = Op("IsotonicRegression", _isotonic, num_outputs=2,
                         grad=lambda ctx, dy: (execute(SEGMENT_MEAN, (dy[0], ctx.output[1])),))

_ISOTONIC_OUTPUT = {"float32": _dtypes.float32, "float16": _dtypes.float16, "bfloat16": _dtypes.bfloat16,
                    "int8": _dtypes.float32, "int16": _dtypes.float32}


def isotonic_regression(inputs: Any, decreasing: bool = True, axis: int = -1) -> tuple:
    """The non-increasing (or non-decreasing) least-squares fit along `axis`, and each element's
    segment index (`tf.nn.isotonic_regression`); the gradient averages over segments as TF's."""
    x = conversion.tensor(inputs)
    out_dtype = _ISOTONIC_OUTPUT.get(x.dtype.name, _dtypes.float64)
    axis = axis % x.ndim
    moved = x if axis == x.ndim - 1 else array_ops.transpose(
        x, [d for d in range(x.ndim) if d != axis] + [axis])
    shape = tuple(moved.shape)
    matrix = array_ops.reshape(moved, [-1, shape[-1]] if shape else [1, 1])
    if not decreasing:
        matrix = math_ops.negative(matrix)
    out, segments = execute(ISOTONIC_REGRESSION, (matrix,), {"output_dtype": out_dtype.as_numpy_dtype})
    if not decreasing:
        out = math_ops.negative(out)
    out, segments = array_ops.reshape(out, shape), array_ops.reshape(segments, shape)
    if axis != x.ndim - 1:
        perm = list(range(x.ndim - 1))
        perm.insert(axis, x.ndim - 1)
        out, segments = array_ops.transpose(out, perm), array_ops.transpose(segments, perm)
    return out, segments
