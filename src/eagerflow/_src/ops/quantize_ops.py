"""`tf.quantization.quantize` / `dequantize` / `quantize_and_dequantize(_v2)` / `quantized_concat`:
TF 2.21's QuantizeV2, Dequantize, QuantizeAndDequantizeV2/V4(+Grad) and QuantizedConcat kernels.

Quantized tensors (qint8, quint8, qint16, quint16, qint32) hold NumPy's one-field struct arrays;
kernels compute on the plain integer view. Arithmetic follows TF's CPU kernels step by step in
float32 (the range nudges, `std::round` half away from zero, the unsigned MIN_COMBINED path's
`+0.5` then truncation, qint32's wrap-around on overflow, MIN_FIRST's Eigen formulas), so values
match TF bit for bit. Gradients: QuantizeAndDequantizeV2 passes `dy` straight through;
QuantizeAndDequantizeV4 masks it to [input_min, input_max] (its V4Grad op, as TF)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.shape_inference import constant_value
from eagerflow._src.ops import conversion

_F32 = np.float32
_FLT_MAX = _F32(np.finfo(np.float32).max)
# quantized dtype -> (plain NumPy dtype, lowest, highest)
_QUANTIZED = {
    "qint8": (np.dtype(np.int8), -128, 127), "quint8": (np.dtype(np.uint8), 0, 255),
    "qint16": (np.dtype(np.int16), -32768, 32767), "quint16": (np.dtype(np.uint16), 0, 65535),
    "qint32": (np.dtype(np.int32), -2147483648, 2147483647),
}
_Q_ORDER = ("qint8", "quint8", "qint32", "qint16", "quint16")
_MODES = ("MIN_COMBINED", "MIN_FIRST", "SCALED")
QuantizeV2 = namedtuple("QuantizeV2", ["output", "output_min", "output_max"])
QuantizedConcat = namedtuple("QuantizedConcat", ["output", "output_min", "output_max"])


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _info(np_dtype: np.dtype) -> tuple:
    return _QUANTIZED[np_dtype.names[0]]


def _plain(a: Any) -> Any:
    """A quantized (struct) array as its plain integer array."""
    return a.view(a.dtype.fields[a.dtype.names[0]][0]) if a.dtype.names else a


def _as_quantized(q: Any, np_dtype: np.dtype) -> Any:
    """int64 values as `np_dtype` (a quantized struct dtype), wrapping like C++'s integer casts."""
    return np.ascontiguousarray(q.astype(np.int64).astype(_info(np_dtype)[0])).view(np_dtype)


def _round_away(v: Any) -> Any:
    """std::round (half away from zero) of float32 values, exactly (via float64)."""
    v = np.asarray(v, np.float64)
    return np.copysign(np.floor(np.abs(v) + 0.5), v)


def _to_int(v: Any) -> Any:
    """Float values cast to an integer the way TF's kernels cast (through a 64-bit integer)."""
    return np.trunc(np.asarray(v, np.float64)).astype(np.int64)


def _adjusted_range(in_min: Any, in_max: Any, ensure: float) -> tuple:
    """QuantizeV2's range: widened to hold 0 and at least `ensure` times the larger end."""
    if in_max < in_min:
        raise _invalid("input_max_range must be larger than input_min_range.")
    lo = _F32(min(_F32(0), in_min))
    eps = _F32(max(_F32(1), max(abs(in_min), abs(in_max))) * _F32(ensure))
    return lo, _F32(max(_F32(0), max(in_max, _F32(lo + eps))))


def _quantize_slice(x: Any, in_min: Any, in_max: Any, info: tuple, mode: str, round_mode: str,
                    narrow_range: bool, ensure: float, whole: bool = True) -> tuple:
    _, lowest, highest = info
    lo, hi = _adjusted_range(in_min, in_max, ensure)
    if mode == "MIN_COMBINED":
        scale = _F32((float(highest) - float(lowest)) / float(_F32(hi - lo)))
        v = ((np.minimum(np.maximum(x, lo), hi) - lo) * scale).astype(_F32)
        if lowest < 0:
            q = _round_away((v - _F32((float(highest) - float(lowest) + 1) / 2.0)).astype(_F32))
        else:
            q = np.trunc((v + _F32(0.5)).astype(_F32))
        return _to_int(q), lo, hi
    if mode == "SCALED" and info[1] == -128 and round_mode == "HALF_TO_EVEN" and not narrow_range and whole:
        # TF's x86 build runs this case (one range) on its oneDNN kernel: a symmetric range, 255 steps over it.
        m = max(abs(lo), abs(hi))
        q = np.rint((x * _F32(_F32(127.5) / m)).astype(_F32))
        return _to_int(np.clip(q, -128, 127)), _F32(-m), m
    if mode == "SCALED":
        min_out, max_out = _F32(lowest + (1 if narrow_range else 0)), _F32(highest)
        from_min = _F32(min_out / lo) if min_out * lo > 0 else _FLT_MAX
        from_max = _F32(max_out / hi) if max_out * hi > 0 else _FLT_MAX
        scale = min(from_min, from_max)
        lo, hi = _F32(min_out / scale), _F32(max_out / scale)
        v = (np.minimum(np.maximum(x, lo), hi) * scale).astype(_F32)
        q = np.rint(v) if round_mode == "HALF_TO_EVEN" else _round_away(v)
        return _to_int(q), lo, hi
    if info[1] == 0 and info[2] == 255:
        # MIN_FIRST to quint8 runs on TF's oneDNN kernel (x86 build): (x - min) * 255 / range, to nearest even.
        q = np.rint(((x - lo) * _F32(_F32(255) / _F32(hi - lo))).astype(_F32))
        return _to_int(np.clip(q, 0, 255)), lo, hi
    # MIN_FIRST (Eigen's FloatToQuantizedStruct): the whole tensor, one range.
    bits = info[0].itemsize * 8
    range_scale = _F32(0.0) if hi == lo else _F32((2.0 ** bits - 1.0) / float(_F32(hi - lo)))
    min_scaled = _F32(_round_away(_F32(lo * range_scale)))
    v = (_round_away((x * range_scale).astype(_F32)).astype(_F32) - _F32(min_scaled - _F32(lowest))).astype(_F32)
    v = np.minimum(np.maximum(v, max(_F32(lowest), _F32(-2.147483648e9))), min(_F32(highest), _F32(2.147483520e9)))
    return _to_int(v), lo, hi


def _axis_checks(x: Any, lo: Any, hi: Any, axis: int, what: str) -> int:
    """QuantizeV2's checks of `axis` and the ranges' shapes; the number of slices."""
    if axis < 0:
        for name, r in (("min_range", lo), ("max_range", hi)):
            if r.size != 1:
                raise _invalid(f"If axis is not specified, {name} must contain a single float element, "
                               f"but it contains {r.size} elements")
        return 1
    if axis >= x.ndim:
        raise _invalid(f"Axis is on a zero-based index, so its value must always be less than number of "
                       f"input's dims, but given axis value was {axis} and input's dims was {x.ndim}")
    slices = x.shape[axis]
    for name, r in (("min_range", lo), ("max_range", hi)):
        prefix = (f"If axis is specified, {name} must be a 1-D tensor whose size matches the axis "
                  f"dimension of the input and output tensors, but {name}")
        if r.ndim != 1:
            raise _invalid(f"{prefix} dims are {r.ndim}")
        if r.shape[0] != slices:
            raise _invalid(f"{prefix} is a 1-D tensor of size {r.shape[0]} and input's axis dimension "
                           f"is of size {slices}")
    return slices


def _quantize_forward(xp: Any, x: Any, lo: Any, hi: Any, T: np.dtype, mode: str, round_mode: str,
                      narrow_range: bool, axis: int, ensure_minimum_range: float) -> list:
    if round_mode == "HALF_TO_EVEN" and mode != "SCALED":
        raise _invalid(f"Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED', but mode is '{mode}'.")
    x, lo, hi = (np.asarray(_host(a)) for a in (x, lo, hi))
    info = _info(T)
    slices = _axis_checks(x, lo, hi, axis, "Quantize")
    if axis < 0:
        q, out_lo, out_hi = _quantize_slice(x, lo.reshape(-1)[0], hi.reshape(-1)[0], info, mode, round_mode,
                                            narrow_range, ensure_minimum_range)
        return [xp.asarray(_as_quantized(q, T)), xp.asarray(out_lo), xp.asarray(out_hi)]
    if mode == "MIN_FIRST":
        raise errors.UnimplementedError(None, None, "MIN_FIRST mode is not implemented for Quantize with axis != -1.")
    moved = np.moveaxis(x, axis, 0)
    q = np.empty(moved.shape, np.int64)
    out_lo, out_hi = np.empty(slices, _F32), np.empty(slices, _F32)
    for i in range(slices):
        q[i], out_lo[i], out_hi[i] = _quantize_slice(moved[i], lo[i], hi[i], info, mode, round_mode, narrow_range,
                                                     ensure_minimum_range, whole=False)
    return [xp.asarray(_as_quantized(np.moveaxis(q, 0, axis), T)), xp.asarray(out_lo), xp.asarray(out_hi)]


def _dequantize_slice(q: Any, lo: Any, hi: Any, info: tuple, mode: str, narrow_range: bool) -> Any:
    _, lowest, highest = info
    if mode == "MIN_COMBINED":
        half = _F32((_F32(highest) - _F32(lowest) + _F32(1)) / _F32(2)) if lowest < 0 else _F32(0)
        scale = _F32(_F32(hi - lo) / _F32(_F32(highest) - _F32(lowest)))
        return (((q.astype(_F32) + half) * scale) + lo).astype(_F32)
    if mode == "SCALED":
        min_out = lowest + (1 if narrow_range else 0)
        if lowest == 0:
            scale = _F32(hi / _F32(highest))
        else:
            scale = max(_F32(lo / _F32(min_out)), _F32(hi / _F32(highest)))
        return (q.astype(_F32) * scale).astype(_F32)
    # MIN_FIRST (Eigen's QuantizedToFloatStruct)
    bits = info[0].itemsize * 8
    range_scale = _F32(float(_F32(hi - lo)) / (2.0 ** bits - 1.0))
    rounded = lo if hi == lo else _F32(_F32(_round_away(_F32(lo / range_scale))) * range_scale)
    return (_F32(rounded - _F32(lowest) * range_scale) + q.astype(_F32) * range_scale).astype(_F32)


def _dequantize_forward(xp: Any, q: Any, lo: Any, hi: Any, mode: str, narrow_range: bool, axis: int,
                        dtype: np.dtype) -> Any:
    info = _info(q.dtype)
    q, lo, hi = (np.asarray(_host(a)) for a in (_plain(q), lo, hi))
    slices = 1 if axis < 0 else q.shape[axis]
    for name, r in (("input_min_tensor", lo), ("input_max_tensor", hi)):
        if r.size != slices:
            raise _invalid(f"{name} must have as many elements as input on the dequantization axis ({axis}), "
                           f"got {r.size}, expected {slices}")
    if axis < 0:
        out = _dequantize_slice(q, lo.reshape(-1)[0], hi.reshape(-1)[0], info, mode, narrow_range)
    else:
        if mode == "MIN_FIRST":
            raise errors.UnimplementedError(None, None,
                                            "MIN_FIRST mode is not implemented for Dequantize with axis != -1.")
        moved = np.moveaxis(q, axis, 0)
        out = np.empty(moved.shape, _F32)
        for i in range(slices):
            out[i] = _dequantize_slice(moved[i], lo[i], hi[i], info, mode, narrow_range)
        out = np.moveaxis(out, 0, axis)
    return xp.asarray(np.ascontiguousarray(out).astype(dtype))


def _host(a: Any) -> Any:
    return a.get() if hasattr(a, "get") else a


# --- QuantizeAndDequantize ------------------------------------------------------------------------
def _qdq_range(lo: Any, hi: Any, signed: bool, num_bits: int, narrow_range: bool, t: type) -> tuple:
    """TF's ComputeQuantizationRange in the input's precision: (lo, hi, scale, inverse_scale)."""
    if signed:
        min_q = -(1 << (num_bits - 1)) + (1 if narrow_range else 0)
        max_q = (1 << (num_bits - 1)) - 1
    else:
        min_q, max_q = 0, (1 << num_bits) - 1
    lo, hi = t(lo), t(hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        from_min = t(t(min_q) / lo) if t(min_q) * lo > 0 else t(np.finfo(t).max)
        from_max = t(t(max_q) / hi) if t(max_q) * hi > 0 else t(np.finfo(t).max)
        if from_min < from_max:
            inverse = t(lo / t(min_q))
            return lo, t(t(max_q) * inverse), from_min, inverse
        inverse = t(hi / t(max_q))
        return t(t(min_q) * inverse), hi, from_max, inverse


def _qdq_slice(x: Any, lo: Any, hi: Any, signed: bool, num_bits: int, range_given: bool, round_mode: str,
               narrow_range: bool) -> Any:
    t = x.dtype.type
    lo, hi, scale, inverse = _qdq_range(lo, hi, signed, num_bits, narrow_range, t)
    if range_given:
        x = np.maximum(np.minimum(x, hi), lo)
    with np.errstate(over="ignore", invalid="ignore"):
        v = (x * scale).astype(t)
        r = np.rint(v) if round_mode == "HALF_TO_EVEN" else np.floor((v + t(0.5)).astype(t))
        return (r.astype(t) * inverse).astype(t)


def _fmt(v: Any) -> str:
    """A float as TF's StrCat prints it (shortest of %.6g / %.9g that reads back)."""
    text = f"{float(v):.6g}"
    return text if np.asarray(float(text), v.dtype) == v else f"{float(v):.9g}"


def _qdq_forward(xp: Any, x: Any, lo: Any, hi: Any, signed_input: bool, num_bits: int, range_given: bool,
                 round_mode: str, narrow_range: bool, axis: int) -> Any:
    if not 0 < num_bits < (62 if signed_input else 63):
        raise _invalid(f"num_bits is out of range: {num_bits} with signed_input_ {int(signed_input)}")
    x, lo, hi = (np.asarray(_host(a)) for a in (x, lo, hi))
    if axis >= 0:
        if axis >= x.ndim:
            raise _invalid(f"Shape must be at least rank {axis + 1} but is rank {x.ndim}")
    if range_given:
        for name, r in (("input_min_tensor", lo), ("input_max_tensor", hi)):
            if axis >= 0 and r.ndim != 1:
                raise _invalid(f"Shape must be rank 1 for {name} when the axis is specified")
        for name, r in (("input_min", lo), ("input_max", hi)):
            if r.ndim != 0:
                raise _invalid(f"{name} must be a scalar.")
        if lo > hi:
            raise _invalid(f"Invalid range: input_min {_fmt(lo)} > input_max {_fmt(hi)}")
    if axis < 0:
        if x.size == 0:
            return xp.asarray(x.copy())
        bounds = (lo, hi) if range_given else (x.min(), x.max())
        out = _qdq_slice(x, *bounds, signed_input, num_bits, range_given, round_mode, narrow_range)
        return xp.asarray(out)
    moved = np.moveaxis(x, axis, 0)
    out = np.empty_like(moved)
    for i in range(moved.shape[0]):
        if moved[i].size:
            out[i] = _qdq_slice(moved[i], moved[i].min(), moved[i].max(), signed_input, num_bits, False,
                                round_mode, narrow_range)
    return xp.asarray(np.ascontiguousarray(np.moveaxis(out, 0, axis)))


def _v4_grad_forward(xp: Any, dy: Any, x: Any, lo: Any, hi: Any, axis: int) -> list:
    if axis >= 0 and axis >= x.ndim:
        raise _invalid(f"Axis should be -1 or 0 or a positive value less than {x.ndim}but given axis value "
                       f"was {axis}")
    if dy.shape != x.shape:
        raise _invalid("gradient and input must be the same size")
    for name, r in (("min", lo), ("max", hi)):
        if r.ndim > 1:
            raise _invalid(f"Input {name} tensor must have dimension 1. Recieved {r.ndim}.")
    if axis >= 0:
        depth = x.shape[axis]
        for name, r in (("min", lo), ("max", hi)):
            if r.ndim != 1:
                raise _invalid(f"Shape must be rank 1 for input_{name}_tensor when the axis is specified")
            if r.shape[0] != depth:
                raise _invalid(f"{name} has incorrect size, expected {depth} was {r.shape[0]}")
        shape = [1] * x.ndim
        shape[axis] = depth
        lo_b, hi_b = lo.reshape(shape), hi.reshape(shape)
    else:
        lo_b, hi_b = lo, hi
    mask = (x >= lo_b) & (x <= hi_b)
    return [(dy * mask).astype(x.dtype), xp.zeros_like(lo), xp.zeros_like(hi)]


def _v4_grad(ctx: Any, dy: Any) -> tuple:
    dx, dlo, dhi = execute(QUANTIZE_AND_DEQUANTIZE_V4_GRAD, (dy, *ctx.inputs), {"axis": ctx.attrs["axis"]})
    return dx, dlo, dhi


def _v4_grad_grad(ctx: Any, dys: Any) -> tuple:
    # The gradient's own gradient: the same mask applied to the incoming gradient of dx.
    ddx = execute(QUANTIZE_AND_DEQUANTIZE_V4_GRAD, (dys[0], *ctx.inputs[1:]), ctx.attrs)[0]
    return ddx, None, None, None


# --- QuantizedConcat ------------------------------------------------------------------------------
def _concat_forward(xp: Any, concat_dim: Any, *rest: Any) -> list:
    n = len(rest) // 3
    values = [np.asarray(_host(v)) for v in rest[:n]]
    mins = [_F32(np.asarray(_host(v)).reshape(-1)[0]) for v in rest[n:2 * n]]
    maxes = [_F32(np.asarray(_host(v)).reshape(-1)[0]) for v in rest[2 * n:]]
    concat_dim = np.asarray(_host(concat_dim))
    if concat_dim.ndim != 0:
        raise _invalid(f"Concat dim tensor should be a scalar integer, but got shape {_shape_text(concat_dim.shape)}")
    dim = int(concat_dim)
    first = values[0]
    if not 0 <= dim < first.ndim:
        raise _invalid(f"ConcatOp : Expected concatenating dimensions in the range [0, {first.ndim}), "
                       f"but got {dim}")
    lo = _F32(min(_F32(0), min(mins)))
    hi = max(maxes)
    info = _info(first.dtype)
    if info[1] < 0:
        largest = max(abs(lo), abs(hi))
        lo, hi = _F32(-largest), _F32(largest)
    for i, v in enumerate(values):
        if v.ndim != first.ndim:
            raise _invalid(f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                           f"{_shape_text(first.shape)} vs. shape[{i}] = {_shape_text(v.shape)}")
        if any(v.shape[j] != first.shape[j] for j in range(first.ndim) if j != dim):
            raise _invalid(f"ConcatOp : Dimensions of inputs should match: shape[0] = "
                           f"{_shape_text(first.shape)} vs. shape[{i}] = {_shape_text(v.shape)}")
    parts = []
    for v, v_lo, v_hi in zip(values, mins, maxes):
        q = _plain(v)
        if v_lo == lo and v_hi == hi:
            parts.append(q.astype(np.int64))
            continue
        as_float = _dequantize_slice(q, v_lo, v_hi, info, "MIN_FIRST", False)
        parts.append(_requantize(as_float, lo, hi, info))
    out = np.concatenate(parts, axis=dim)
    return [xp.asarray(_as_quantized(out, first.dtype)), xp.asarray(lo), xp.asarray(hi)]


def _requantize(x: Any, lo: Any, hi: Any, info: tuple) -> Any:
    bits = info[0].itemsize * 8
    lowest, highest = info[1], info[2]
    range_scale = _F32(0.0) if hi == lo else _F32((2.0 ** bits - 1.0) / float(_F32(hi - lo)))
    min_scaled = _F32(_round_away(_F32(lo * range_scale)))
    v = (_round_away((x * range_scale).astype(_F32)).astype(_F32) - _F32(min_scaled - _F32(lowest))).astype(_F32)
    v = np.minimum(np.maximum(v, max(_F32(lowest), _F32(-2.147483648e9))), min(_F32(highest), _F32(2.147483520e9)))
    return _to_int(v)


def _shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


# --- shapes for tf.function graphs ----------------------------------------------------------------
def _quantize_shape(inputs: Any, attrs: dict) -> list:
    ranges = () if attrs["axis"] < 0 else inputs[1]._array.shape
    return [(np.dtype(attrs["T"]), inputs[0]._array.shape), (np.dtype(_F32), ranges), (np.dtype(_F32), ranges)]


def _dequantize_shape(inputs: Any, attrs: dict) -> list:
    return [(np.dtype(attrs["dtype"]), inputs[0]._array.shape)]


def _same_shape(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, inputs[0]._array.shape)]


def _v4_grad_shape(inputs: Any, attrs: dict) -> list:
    x, lo, hi = (inputs[i]._array for i in (1, 2, 3))
    return [(x.dtype, x.shape), (lo.dtype, lo.shape), (hi.dtype, hi.shape)]


def _concat_shape(inputs: Any, attrs: dict) -> list | None:
    n = (len(inputs) - 1) // 3
    first = inputs[1]._array
    dim = constant_value(inputs[0])
    dim = None if dim is None or first.shape is None or not 0 <= int(dim) < len(first.shape) else int(dim)
    shape = None
    if first.shape is not None and dim is not None:
        sizes = [inputs[1 + i]._array.shape for i in range(n)]
        if all(s is not None for s in sizes):
            total = None if any(s[dim] is None for s in sizes) else sum(s[dim] for s in sizes)
            shape = first.shape[:dim] + (total,) + first.shape[dim + 1:]
    return [(first.dtype, shape), (np.dtype(_F32), ()), (np.dtype(_F32), ())]


_FLOATS = (_dtypes.bfloat16, _dtypes.float16, _dtypes.float32, _dtypes.float64)
QUANTIZE = Op("QuantizeV2", _quantize_forward, num_outputs=3, dtypes=(_dtypes.float32,), shape_fn=_quantize_shape)
DEQUANTIZE = Op("Dequantize", _dequantize_forward, dtypes=tuple(getattr(_dtypes, n) for n in _Q_ORDER),
                shape_fn=_dequantize_shape)
QUANTIZE_AND_DEQUANTIZE_V2 = Op("QuantizeAndDequantizeV2", _qdq_forward, dtypes=_FLOATS, shape_fn=_same_shape,
                                grad=lambda ctx, dy: (dy, None, None))
QUANTIZE_AND_DEQUANTIZE_V4_GRAD = Op("QuantizeAndDequantizeV4Grad", _v4_grad_forward, num_outputs=3,
                                     dtypes=_FLOATS, shape_fn=_v4_grad_shape, grad=_v4_grad_grad)
QUANTIZE_AND_DEQUANTIZE_V4 = Op("QuantizeAndDequantizeV4", _qdq_forward, dtypes=_FLOATS, shape_fn=_same_shape,
                                grad=_v4_grad)
QUANTIZED_CONCAT = Op("QuantizedConcat", _concat_forward, num_outputs=3, shape_fn=_concat_shape)


# --- public functions -----------------------------------------------------------------------------
_QUANTIZE_SUMMARY = (
    "Op<name=QuantizeV2; signature=input:float, min_range:float, max_range:float -> output:T, output_min:float, "
    "output_max:float; attr=T:type,allowed=[DT_QINT8, DT_QUINT8, DT_QINT32, DT_QINT16, DT_QUINT16]; "
    'attr=mode:string,default="MIN_COMBINED",allowed=["MIN_COMBINED", "MIN_FIRST", "SCALED"]; '
    'attr=round_mode:string,default="HALF_AWAY_FROM_ZERO",allowed=["HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"]; '
    "attr=narrow_range:bool,default=false; attr=axis:int,default=-1; attr=ensure_minimum_range:float,default=0.01>")
_DEQUANTIZE_SUMMARY = (
    "Op<name=Dequantize; signature=input:T, min_range:float, max_range:float -> output:dtype; "
    "attr=T:type,allowed=[DT_QINT8, DT_QUINT8, DT_QINT32, DT_QINT16, DT_QUINT16]; "
    'attr=mode:string,default="MIN_COMBINED",allowed=["MIN_COMBINED", "MIN_FIRST", "SCALED"]; '
    "attr=narrow_range:bool,default=false; attr=axis:int,default=-1; "
    "attr=dtype:type,default=DT_FLOAT,allowed=[DT_BFLOAT16, DT_FLOAT]>")


def _qdq_summary(version: int) -> str:
    return (f"Op<name=QuantizeAndDequantizeV{version}; signature=input:T, input_min:T, input_max:T -> output:T; "
            "attr=signed_input:bool,default=true; attr=num_bits:int,default=8; attr=range_given:bool,default=false; "
            "attr=T:type,allowed=[DT_BFLOAT16, DT_HALF, DT_FLOAT, DT_DOUBLE]; "
            'attr=round_mode:string,default="HALF_TO_EVEN",allowed=["HALF_TO_EVEN", "HALF_UP"]; '
            "attr=narrow_range:bool,default=false; attr=axis:int,default=-1>")


def _cpp(dtype: _dtypes.DType) -> str:
    from eagerflow._src.framework.op import cpp_name
    return cpp_name(dtype)


def _attr_value_error(op: Op, attr: str, value: Any, allowed: str, summary: str, fallback: bool) -> errors.OpError:
    shown = f'"{value}"' if isinstance(value, str) else _cpp(value)
    return errors.op_error(errors.InvalidArgumentError,
                           f"Value for attr '{attr}' of {shown} is not in the list of allowed values: {allowed}\n"
                           f"\t; NodeDef: {{{{node {op.name}}}}}; {summary}", op.name, fallback)


def _dtype_mismatch(op: Op, index: int, expected: str, got: _dtypes.DType, fallback: bool) -> errors.OpError:
    return errors.op_error(errors.InvalidArgumentError,
                           f"cannot compute {op.name} as input #{index}(zero-based) was expected to be a "
                           f"{expected} tensor but is a {_cpp(got)} tensor", op.name, fallback)


def _float_input(op: Op, value: Any, index: int, fallback: bool) -> Any:
    t = conversion.tensor(value) if conversion.is_tensor_like(value) else conversion.tensor(value, _dtypes.float32)
    if t.dtype != _dtypes.float32:
        raise _dtype_mismatch(op, index, "float", t.dtype, fallback)
    return t


def _normalized_axis(axis: int | None, value: Any) -> int:
    if axis is None:
        return -1
    axis = int(axis)
    if axis < 0:
        rank = value.shape.rank
        if rank is None:
            raise ValueError("input should have known rank to use negative axis.")
        axis %= rank
    return axis


def quantize(input: Any, min_range: Any, max_range: Any, T: Any, mode: str = "MIN_COMBINED",  # noqa: A002, N803
             round_mode: str = "HALF_AWAY_FROM_ZERO", name: str | None = None, narrow_range: bool = False,
             axis: int | None = None, ensure_minimum_range: float = 0.01) -> Any:
    """Quantizes float32 `input` over [min_range, max_range] to the quantized dtype `T`:
    a `QuantizeV2(output, output_min, output_max)` tuple."""
    fallback = conversion.takes_fallback(input, min_range, max_range)
    x = _float_input(QUANTIZE, input, 0, fallback)
    axis = _normalized_axis(axis, x)
    lo = _float_input(QUANTIZE, min_range, 1, fallback)
    hi = _float_input(QUANTIZE, max_range, 2, fallback)
    target = _dtypes.as_dtype(T)
    if target.name not in _QUANTIZED:
        raise _attr_value_error(QUANTIZE, "T", target, ", ".join(_Q_ORDER), _QUANTIZE_SUMMARY, fallback)
    if mode not in _MODES:
        raise _attr_value_error(QUANTIZE, "mode", mode, '"MIN_COMBINED", "MIN_FIRST", "SCALED"',
                                _QUANTIZE_SUMMARY, fallback)
    if round_mode not in ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"):
        raise _attr_value_error(QUANTIZE, "round_mode", round_mode, '"HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"',
                                _QUANTIZE_SUMMARY, fallback)
    out = conversion.run(QUANTIZE, (x, lo, hi),
                         {"T": target._np, "mode": mode, "round_mode": round_mode,
                          "narrow_range": bool(narrow_range), "axis": axis,
                          "ensure_minimum_range": float(ensure_minimum_range)}, fallback)
    return QuantizeV2(*out)


def dequantize(input: Any, min_range: Any, max_range: Any, mode: str = "MIN_COMBINED",  # noqa: A002
               name: str | None = None, axis: int | None = None, narrow_range: bool = False,
               dtype: Any = _dtypes.float32) -> Any:
    """Dequantizes the quantized tensor `input` over [min_range, max_range] to float32 (or bfloat16)."""
    fallback = conversion.takes_fallback(input, min_range, max_range)
    q = conversion.tensor(input)
    axis = _normalized_axis(axis, q)
    if q.dtype.name not in _QUANTIZED:
        raise _attr_value_error(DEQUANTIZE, "T", q.dtype, ", ".join(_Q_ORDER), _DEQUANTIZE_SUMMARY, fallback)
    lo = _float_input(DEQUANTIZE, min_range, 1, fallback)
    hi = _float_input(DEQUANTIZE, max_range, 2, fallback)
    if mode not in _MODES:
        raise _attr_value_error(DEQUANTIZE, "mode", mode, '"MIN_COMBINED", "MIN_FIRST", "SCALED"',
                                _DEQUANTIZE_SUMMARY, fallback)
    out_dtype = _dtypes.as_dtype(dtype)
    if out_dtype not in (_dtypes.float32, _dtypes.bfloat16):
        raise _attr_value_error(DEQUANTIZE, "dtype", out_dtype, "bfloat16, float", _DEQUANTIZE_SUMMARY, fallback)
    return conversion.run(DEQUANTIZE, (q, lo, hi), {"mode": mode, "narrow_range": bool(narrow_range), "axis": axis,
                                                    "dtype": out_dtype._np}, fallback)


def _quantize_and_dequantize(op: Op, version: int, input: Any, input_min: Any, input_max: Any,  # noqa: A002
                             signed_input: bool, num_bits: int, range_given: bool, round_mode: str,
                             narrow_range: bool, axis: int | None) -> Any:
    fallback = conversion.takes_fallback(input, input_min, input_max)
    x = conversion.tensor(input)
    axis = _normalized_axis(axis, x)
    lo, hi = conversion.like(input_min, x), conversion.like(input_max, x)
    if x.dtype not in _FLOATS:
        raise _attr_value_error(op, "T", x.dtype, "bfloat16, half, float, double", _qdq_summary(version), fallback)
    for index, t in ((1, lo), (2, hi)):
        if t.dtype != x.dtype:
            raise _dtype_mismatch(op, index, _cpp(x.dtype), t.dtype, fallback)
    if round_mode not in ("HALF_TO_EVEN", "HALF_UP"):
        raise _attr_value_error(op, "round_mode", round_mode, '"HALF_TO_EVEN", "HALF_UP"', _qdq_summary(version),
                                fallback)
    if x.dtype not in (_dtypes.float32, _dtypes.float64):
        xla = "  device='XLA_CPU_JIT'; T in [DT_FLOAT, DT_DOUBLE, DT_BFLOAT16, DT_HALF]\n"
        cpu = "  device='CPU'; T in [DT_DOUBLE]\n  device='CPU'; T in [DT_FLOAT]\n"
        node = (f"T=DT_{_cpp(x.dtype).upper()}, axis={axis}, narrow_range={str(bool(narrow_range)).lower()}, "
                f"num_bits={int(num_bits)}, range_given={str(bool(range_given)).lower()}, "
                f'round_mode="{round_mode}", signed_input={str(bool(signed_input)).lower()}')
        raise errors.op_error(errors.NotFoundError, (
            f"Could not find device for node: {{{{node {op.name}}}}} = {op.name}[{node}]\n"
            f"All kernels registered for op {op.name}:\n" + (xla + cpu if version == 4 else cpu + xla)), op.name, fallback)
    return conversion.run(op, (x, lo, hi), {"signed_input": bool(signed_input), "num_bits": int(num_bits),
                                            "range_given": bool(range_given), "round_mode": round_mode,
                                            "narrow_range": bool(narrow_range), "axis": axis}, fallback)


def quantize_and_dequantize(input: Any, input_min: Any, input_max: Any, signed_input: bool = True,  # noqa: A002
                            num_bits: int = 8, range_given: bool = False, round_mode: str = "HALF_TO_EVEN",
                            name: str | None = None, narrow_range: bool = False, axis: int | None = None) -> Any:
    """Quantizes then dequantizes `input` (TF's QuantizeAndDequantizeV2: gradients pass straight through)."""
    return _quantize_and_dequantize(QUANTIZE_AND_DEQUANTIZE_V2, 2, input, input_min, input_max, signed_input,
                                    num_bits, range_given, round_mode, narrow_range, axis)


def quantize_and_dequantize_v2(input: Any, input_min: Any, input_max: Any, signed_input: bool = True,  # noqa: A002
                               num_bits: int = 8, range_given: bool = False, round_mode: str = "HALF_TO_EVEN",
                               name: str | None = None, narrow_range: bool = False,
                               axis: int | None = None) -> Any:
    """Quantizes then dequantizes `input` (TF's QuantizeAndDequantizeV4: gradients pass only inside
    [input_min, input_max])."""
    return _quantize_and_dequantize(QUANTIZE_AND_DEQUANTIZE_V4, 4, input, input_min, input_max, signed_input,
                                    num_bits, range_given, round_mode, narrow_range, axis)


def quantized_concat(concat_dim: Any, values: Any, input_mins: Any, input_maxes: Any, name: str | None = None) -> Any:
    """Concatenates quantized tensors along `concat_dim`, requantized into one range:
    a `QuantizedConcat(output, output_min, output_max)` tuple."""
    values, input_mins, input_maxes = list(values), list(input_mins), list(input_maxes)
    n = len(values)
    dim = conversion.tensor(concat_dim, _dtypes.int32)
    tensors = [conversion.tensor(v) for v in values]
    if n < 2:
        raise ValueError(f"List argument 'values' to 'quantized_concat' Op with length {n} shorter than "
                         f"minimum length 2.")
    given = 1 + n + len(input_mins) + len(input_maxes)
    if given != 1 + 3 * n:
        expected = ", ".join(["int32"] + [_cpp(tensors[0].dtype)] * n + ["float"] * (2 * n))
        raise errors.op_error(errors.InvalidArgumentError, (
            f"NodeDef expected inputs '{expected}' do not match {given} inputs specified; Op<name=QuantizedConcat; "
            "signature=concat_dim:int32, values:N*T, input_mins:N*float, input_maxes:N*float -> output:T, "
            "output_min:float, output_max:float; attr=N:int,min=2; attr=T:type>; NodeDef: {{node QuantizedConcat}}"),
            QUANTIZED_CONCAT.name)
    mins = [_float_input(QUANTIZED_CONCAT, v, 1 + n + i, False) for i, v in enumerate(input_mins)]
    maxes = [_float_input(QUANTIZED_CONCAT, v, 1 + 2 * n + i, False) for i, v in enumerate(input_maxes)]
    dtype = tensors[0].dtype
    if dtype not in (_dtypes.quint8, _dtypes.qint32):
        raise errors.op_error(errors.NotFoundError, (
            f"Could not find device for node: {{{{node QuantizedConcat}}}} = QuantizedConcat[N={n}, "
            f"T=DT_{dtype.name.upper()}]\nAll kernels registered for op QuantizedConcat:\n"
            "  device='CPU'; T in [DT_QINT32]\n  device='CPU'; T in [DT_QUINT8]\n"), QUANTIZED_CONCAT.name)
    try:
        out = execute(QUANTIZED_CONCAT, (dim, *tensors, *mins, *maxes), {})
    except errors.OpError as e:
        raise conversion.numbered(e, QUANTIZED_CONCAT, "N", n) from None
    return QuantizedConcat(*out)
