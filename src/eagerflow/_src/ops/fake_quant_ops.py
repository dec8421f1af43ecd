"""`tf.quantization.fake_quant_*`: quantize float32 values to `num_bits` levels between a
nudged min and max (so that 0.0 is exactly representable) and back, as TF 2.21's kernels do:
the nudge in float32, values floor(shifted * inv_scale - zero + 0.5) * scale. Gradients pass
inside [nudged_min, nudged_max]; below and above they go to min and max (the *Vars ops)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.ops import conversion

_F32 = np.float32


def _levels(num_bits: int, narrow_range: bool) -> tuple[int, int]:
    if not 2 <= num_bits <= 16:
        raise errors.InvalidArgumentError(
            None, None, "num_bits must be between 2 and 16, inclusive")
    return (1 if narrow_range else 0), (1 << num_bits) - 1


def _nudge(lo: Any, hi: Any, qmin: int, qmax: int) -> tuple:
    """(nudged_min, nudged_max, scale, inv_scale) in float32, per element of `lo`/`hi`."""
    lo, hi = np.asarray(lo, _F32), np.asarray(hi, _F32)
    qmin_f, qmax_f = _F32(qmin), _F32(qmax)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = ((hi - lo) / (qmax_f - qmin_f)).astype(_F32)
        inv_scale = ((qmax_f - qmin_f) / (hi - lo)).astype(_F32)
        zero_from_min = (qmin_f - lo / scale).astype(_F32)
    rounded = np.sign(zero_from_min) * np.floor(np.abs(zero_from_min.astype(np.float64)) + 0.5)  # std::round
    zero = np.where(zero_from_min < qmin_f, qmin, np.where(zero_from_min > qmax_f, qmax, rounded))
    zero = np.nan_to_num(zero).astype(np.uint16).astype(_F32)
    return ((qmin_f - zero) * scale).astype(_F32), ((qmax_f - zero) * scale).astype(_F32), scale, inv_scale


def _quantize(xp: Any, x: Any, lo: Any, hi: Any, qmin: int, qmax: int, divide: bool) -> Any:
    nmin, nmax, scale, inv = (xp.asarray(v) for v in _nudge(lo, hi, qmin, qmax))
    quant_zero = xp.floor(-nmin * inv + _F32(0.5))
    shifted = xp.minimum(xp.maximum(x, nmin), nmax) - nmin
    steps = shifted / scale if divide else shifted * inv
    return (xp.floor(steps - quant_zero + _F32(0.5)) * scale).astype(_F32)


def _args_forward(xp: Any, x: Any, min: float, max: float, num_bits: int, narrow_range: bool) -> Any:  # noqa: A002
    if not min < max:
        raise errors.InvalidArgumentError(None, None, f"min has to be smaller than max, was: {min} >= {max}")
    return _quantize(xp, x, min, max, *_levels(num_bits, narrow_range), divide=False)


def _args_grad_forward(xp: Any, dy: Any, x: Any, min: float, max: float, num_bits: int,  # noqa: A002
                       narrow_range: bool) -> Any:
    nmin, nmax, _, _ = _nudge(min, max, *_levels(num_bits, narrow_range))
    return dy * ((x >= nmin) & (x <= nmax)).astype(_F32)


def _vars_forward(xp: Any, x: Any, lo: Any, hi: Any, num_bits: int, narrow_range: bool) -> Any:
    levels = _levels(num_bits, narrow_range)
    lo_h, hi_h = np.asarray(conversion_host(lo), _F32), np.asarray(conversion_host(hi), _F32)
    if lo.ndim == 0:
        if lo_h == 0 and hi_h == 0:
            return xp.zeros_like(x)
        return _quantize(xp, x, lo_h, hi_h, *levels, divide=True)
    out = _quantize(xp, x, lo_h, hi_h, *levels, divide=False)
    both_zero = xp.asarray((lo_h == 0) & (hi_h == 0))
    return xp.where(both_zero, _F32(0), out).astype(_F32)


def _vars_grad_forward(xp: Any, dy: Any, x: Any, lo: Any, hi: Any, num_bits: int, narrow_range: bool) -> list:
    nmin, nmax, _, _ = (xp.asarray(v) for v in _nudge(conversion_host(lo), conversion_host(hi),
                                                       *_levels(num_bits, narrow_range)))
    axes = tuple(range(x.ndim)) if lo.ndim == 0 else tuple(range(x.ndim - 1))
    below, above = x < nmin, x > nmax
    dx = dy * ((x >= nmin) & (x <= nmax)).astype(_F32)
    return [dx, (dy * below).sum(axis=axes).astype(_F32), (dy * above).sum(axis=axes).astype(_F32)]


def conversion_host(a: Any) -> Any:
    return a.get() if hasattr(a, "get") else a  # CuPy scalars and vectors on the host


def _args_grad(ctx: Any, dy: Any) -> tuple:
    return (execute(FAKE_QUANT_ARGS_GRADIENT, (dy, ctx.inputs[0]), ctx.attrs),)


def _vars_grad(op: Op) -> Any:
    def grad(ctx: Any, dy: Any) -> tuple:
        return tuple(execute(op, (dy, *ctx.inputs), ctx.attrs))
    return grad


FAKE_QUANT_ARGS_GRADIENT = Op("FakeQuantWithMinMaxArgsGradient", _args_grad_forward, dtypes=(_dtypes.float32,))
FAKE_QUANT_ARGS = Op("FakeQuantWithMinMaxArgs", _args_forward, grad=_args_grad, dtypes=(_dtypes.float32,))
FAKE_QUANT_VARS_GRADIENT = Op("FakeQuantWithMinMaxVarsGradient", _vars_grad_forward, num_outputs=3,
                              dtypes=(_dtypes.float32,))
FAKE_QUANT_VARS = Op("FakeQuantWithMinMaxVars", _vars_forward, grad=_vars_grad(FAKE_QUANT_VARS_GRADIENT),
                     dtypes=(_dtypes.float32,))
FAKE_QUANT_VARS_PER_CHANNEL_GRADIENT = Op("FakeQuantWithMinMaxVarsPerChannelGradient", _vars_grad_forward,
                                          num_outputs=3, dtypes=(_dtypes.float32,))
FAKE_QUANT_VARS_PER_CHANNEL = Op("FakeQuantWithMinMaxVarsPerChannel", _vars_forward,
                                 grad=_vars_grad(FAKE_QUANT_VARS_PER_CHANNEL_GRADIENT), dtypes=(_dtypes.float32,))


def _f32(value: Any) -> Any:
    return conversion.tensor(value, _dtypes.float32)


def fake_quant_with_min_max_args(inputs: Any, min: float = -6, max: float = 6, num_bits: int = 8,  # noqa: A002
                                 narrow_range: bool = False, name: str | None = None) -> Any:
    """Fake-quantizes float32 `inputs` between the float attrs `min` and `max`."""
    return execute(FAKE_QUANT_ARGS, (_f32(inputs),), {"min": float(min), "max": float(max),
                                                      "num_bits": int(num_bits), "narrow_range": bool(narrow_range)})


def fake_quant_with_min_max_args_gradient(gradients: Any, inputs: Any, min: float = -6, max: float = 6,  # noqa: A002
                                          num_bits: int = 8, narrow_range: bool = False,
                                          name: str | None = None) -> Any:
    return execute(FAKE_QUANT_ARGS_GRADIENT, (_f32(gradients), _f32(inputs)),
                   {"min": float(min), "max": float(max), "num_bits": int(num_bits),
                    "narrow_range": bool(narrow_range)})


def _check_rank(value: Any, rank: int, what: str) -> None:
    if value.shape.rank is not None and value.shape.rank != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {value.shape.rank} for {what}")


def fake_quant_with_min_max_vars(inputs: Any, min: Any, max: Any, num_bits: int = 8,  # noqa: A002
                                 narrow_range: bool = False, name: str | None = None) -> Any:
    """Fake-quantizes float32 `inputs` between the float32 scalar tensors `min` and `max`."""
    lo, hi = _f32(min), _f32(max)
    _check_rank(lo, 0, "'min'")
    _check_rank(hi, 0, "'max'")
    return execute(FAKE_QUANT_VARS, (_f32(inputs), lo, hi),
                   {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)})


def fake_quant_with_min_max_vars_gradient(gradients: Any, inputs: Any, min: Any, max: Any,  # noqa: A002
                                          num_bits: int = 8, narrow_range: bool = False,
                                          name: str | None = None) -> tuple:
    return tuple(execute(FAKE_QUANT_VARS_GRADIENT, (_f32(gradients), _f32(inputs), _f32(min), _f32(max)),
                         {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)}))


def fake_quant_with_min_max_vars_per_channel(inputs: Any, min: Any, max: Any, num_bits: int = 8,  # noqa: A002
                                             narrow_range: bool = False, name: str | None = None) -> Any:
    """Fake-quantizes float32 `inputs` per last-axis channel, between the vectors `min` and `max`."""
    lo, hi = _f32(min), _f32(max)
    _check_rank(lo, 1, "'min'")
    _check_rank(hi, 1, "'max'")
    return execute(FAKE_QUANT_VARS_PER_CHANNEL, (_f32(inputs), lo, hi),
                   {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)})


def fake_quant_with_min_max_vars_per_channel_gradient(gradients: Any, inputs: Any, min: Any, max: Any,  # noqa: A002
                                                      num_bits: int = 8, narrow_range: bool = False,
                                                      name: str | None = None) -> tuple:
    return tuple(execute(FAKE_QUANT_VARS_PER_CHANNEL_GRADIENT,
                         (_f32(gradients), _f32(inputs), _f32(min), _f32(max)),
                         {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)}))
