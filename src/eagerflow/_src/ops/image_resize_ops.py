"""Image resizing (`tf.image.resize` and friends) with TF's methods and sampling rules.

Every method but nearest-neighbour is separable and linear: an output pixel is a weighted sum
over a row span and a column span of the input. The weights are built once per call as two
small matrices (TF's rules: half-pixel centres for bilinear and bicubic, box overlaps for area,
`ScaleAndTranslate`'s kernels and antialiasing for the others, cached per size) and applied as
one sparse weighted sum per axis, whose gradient is the transposed map, as TF's resize gradients
are, to every order.
Nearest-neighbour is a gather along each axis (its gradient scatters back, as TF's).
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.gather_scatter_ops import gather

_F32 = np.float32


class ResizeMethod:
    """TF's `tf.image.ResizeMethod`: the method names, as plain strings."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


# --- per-axis weight matrices ------------------------------------------------------------------
def _bilinear_weights(in_size: int, out_size: int) -> np.ndarray:
    scale = _F32(in_size) / _F32(out_size)
    w = np.zeros((out_size, in_size), _F32)
    for o in range(out_size):
        pos = (_F32(o) + _F32(0.5)) * scale - _F32(0.5)
        low = math.floor(pos)
        frac = _F32(pos - low)
        lo, hi = min(max(low, 0), in_size - 1), min(max(low + 1, 0), in_size - 1)
        w[o, lo] += _F32(1) - frac
        w[o, hi] += frac
    return w


def _keys_cubic(x: float, a: float = -0.5) -> float:
    x = abs(x)
    if x < 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return 0.0


_CUBIC_TABLE = 1024  # TF samples the cubic kernel from a table of this many steps


def _bicubic_weights(in_size: int, out_size: int) -> np.ndarray:
    # TF's half-pixel bicubic (Keys, a = -0.5, the offset rounded to 1/1024): taps outside the
    # image get no weight and the rest are renormalised, as ScaleAndTranslate does at borders.
    scale = _F32(in_size) / _F32(out_size)
    w = np.zeros((out_size, in_size), np.float64)
    for o in range(out_size):
        pos = (_F32(o) + _F32(0.5)) * scale - _F32(0.5)
        base = math.floor(pos)
        delta = float(np.rint(_F32(pos - _F32(base)) * _F32(_CUBIC_TABLE))) / _CUBIC_TABLE
        taps = [(base - 1, _keys_cubic(delta + 1)), (base, _keys_cubic(delta)),
                (base + 1, _keys_cubic(1 - delta)), (base + 2, _keys_cubic(2 - delta))]
        kept = [(i, v) for i, v in taps if 0 <= i < in_size]
        total = sum(v for _, v in kept)
        for i, v in kept:
            w[o, i] += v / total if abs(total) >= 1000 * np.finfo(_F32).eps else v
    return w.astype(_F32)


def _area_weights(in_size: int, out_size: int) -> np.ndarray:
    # Each output pixel averages the input box it covers, partial pixels by their overlap.
    scale = in_size / out_size
    w = np.zeros((out_size, in_size), np.float64)
    for o in range(out_size):
        start, end = o * scale, (o + 1) * scale
        i = int(math.floor(start))
        while i < end:
            overlap = min(i + 1.0, end) - max(float(i), start)
            w[o, min(i, in_size - 1)] += overlap / scale
            i += 1
    return w.astype(_F32)


def _triangle(x: float) -> float:
    return max(0.0, 1.0 - abs(x))


def _lanczos(radius: int) -> Any:
    def kernel(x: float) -> float:
        x = abs(x)
        if x > radius:
            return 0.0
        if x < 1e-6:  # TF's kernel returns 1 at (near) zero
            return 1.0
        px = math.pi * x
        return radius * math.sin(px) * math.sin(px / radius) / (px * px)
    return kernel


def _gaussian(x: float, radius: float = 1.5, sigma: float = 0.5) -> float:
    x = abs(x)
    return 0.0 if x >= radius else math.exp(-x * x / (2.0 * sigma * sigma))


def _mitchell(x: float) -> float:
    x = abs(x)
    if x >= 2.0:
        return 0.0
    if x >= 1.0:
        return (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return (7.0 / 6.0 * x - 2.0) * x * x + 8.0 / 9.0


_KERNELS = {
    "triangle": (_triangle, 1.0), "keyscubic": (_keys_cubic, 2.0), "lanczos3": (_lanczos(3), 3.0),
    "lanczos5": (_lanczos(5), 5.0), "gaussian": (_gaussian, 1.5), "mitchellcubic": (_mitchell, 2.0),
}


def _scale_translate_weights(in_size: int, out_size: int, kernel_type: str, antialias: bool) -> np.ndarray:
    # TF's ScaleAndTranslate spans, in its float32 arithmetic: each output samples the kernel
    # (widened by 1/scale when antialiasing a downscale) centred on its source position, the
    # weights normalised to sum 1.
    kernel, radius = _KERNELS[kernel_type]
    scale = _F32(out_size) / _F32(in_size)
    inv_scale = _F32(1.0) / scale
    kernel_scale = max(inv_scale, _F32(1.0)) if antialias else _F32(1.0)
    reach = _F32(radius) * kernel_scale
    w = np.zeros((out_size, in_size), np.float64)
    for o in range(out_size):
        sample = (_F32(o) + _F32(0.5)) * inv_scale
        start = min(max(int(math.ceil(sample - reach - _F32(0.5))), 0), in_size - 1)
        end = min(max(int(math.floor(sample + reach - _F32(0.5))), 0), in_size - 1) + 1
        values = [kernel(float((_F32(i) + _F32(0.5) - sample) / kernel_scale)) for i in range(start, end)]
        values = [float(_F32(v)) for v in values]
        total = sum(values)
        if abs(total) >= 1000 * float(np.finfo(_F32).tiny):
            values = [v / total for v in values]
        w[o, start:end] = values
    return w.astype(_F32)


def _nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    scale = _F32(in_size) / _F32(out_size)
    idx = np.floor((np.arange(out_size, dtype=_F32) + _F32(0.5)) * scale).astype(np.int64)
    return np.minimum(idx, in_size - 1).astype(np.int32)


@functools.lru_cache(maxsize=256)
def _weights(method: str, in_size: int, out_size: int, antialias: bool) -> np.ndarray:
    w = _build_weights(method, in_size, out_size, antialias)
    w.flags.writeable = False  # cached and shared: tensors never write their arrays
    return w


def _build_weights(method: str, in_size: int, out_size: int, antialias: bool) -> np.ndarray:
    if method == "bilinear":
        return (_scale_translate_weights(in_size, out_size, "triangle", True) if antialias
                else _bilinear_weights(in_size, out_size))
    if method == "bicubic":
        return (_scale_translate_weights(in_size, out_size, "keyscubic", True) if antialias
                else _bicubic_weights(in_size, out_size))
    if method == "area":
        return _area_weights(in_size, out_size)
    return _scale_translate_weights(in_size, out_size, method, antialias)


def _sparse(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A weight matrix `[out, in]` as `(index, value)`, each `[out, taps]`: row o of the map is
    the sum over t of value[o, t] * input[index[o, t]] (unused taps: weight 0 on index 0)."""
    taps = max(1, int((weights != 0).sum(axis=1).max())) if weights.size else 1
    index = np.zeros((weights.shape[0], taps), np.intp)
    value = np.zeros((weights.shape[0], taps), weights.dtype)
    for o, row in enumerate(weights):
        nonzero = np.flatnonzero(row)
        index[o, :len(nonzero)] = nonzero
        value[o, :len(nonzero)] = row[nonzero]
    index.flags.writeable = False
    value.flags.writeable = False
    return index, value


def _resample(xp: Any, x: Any, axis: int, index: Any, value: Any, transposed: Any) -> Any:
    shape = [1] * x.ndim
    shape[axis] = index.shape[0]
    out = xp.take(x, xp.asarray(index[:, 0]), axis=axis)
    out *= xp.asarray(value[:, 0].astype(x.dtype, copy=False)).reshape(shape)
    for t in range(1, index.shape[1]):
        term = xp.take(x, xp.asarray(index[:, t]), axis=axis)
        term *= xp.asarray(value[:, t].astype(x.dtype, copy=False)).reshape(shape)
        out += term
    return out


def _resample_grad(ctx: Any, dy: Tensor) -> tuple:
    # The transpose of the map: the same op with the transposed weights (kept in `transposed`).
    index, value, back = ctx.attrs["transposed"]
    attrs = {"axis": ctx.attrs["axis"], "index": index, "value": value, "transposed": (ctx.attrs["index"],
                                                                                       ctx.attrs["value"], back)}
    return (execute(RESAMPLE, (dy,), attrs),)


# One axis of a separable resize: a sparse weighted sum of input rows (TF's resize kernels do the
# same per pixel). Not a TF op; its gradient is itself with the transposed weights.
RESAMPLE = Op("ResizeAlongAxis", _resample, dtypes=(_dtypes.float32, _dtypes.float64), grad=_resample_grad)


def _axis_attrs(weights: np.ndarray, axis: int) -> dict:
    index, value = _sparse(weights)
    t_index, t_value = _sparse(np.ascontiguousarray(weights.T))
    return {"axis": axis, "index": index, "value": value, "transposed": (t_index, t_value, None)}


@functools.lru_cache(maxsize=256)
def _cached_axis_attrs(method: str, in_size: int, out_size: int, antialias: bool, axis: int) -> dict:
    return _axis_attrs(_weights(method, in_size, out_size, antialias), axis)


def _separable(images: Tensor, rows: Any, cols: Any) -> Tensor:
    """out[b, i, j, c] = sum rows[i, y] cols[j, x] images[b, y, x, c]: one sparse pass per axis.
    `rows`/`cols` are weight matrices, or their prepared attrs."""
    row_attrs = rows if isinstance(rows, dict) else _axis_attrs(rows, 1)
    col_attrs = cols if isinstance(cols, dict) else _axis_attrs(cols, 2)
    return execute(RESAMPLE, (execute(RESAMPLE, (images,), row_attrs),), col_attrs)


_METHODS = {value for key, value in vars(ResizeMethod).items() if key.isupper()}


def _method_name(method: Any) -> str:
    name = str(method)
    if name not in _METHODS:
        raise ValueError(f"Resize method is not implemented: {method}")
    return name


def _size_pair(size: Any) -> tuple[int, int]:
    try:
        values = np.asarray(size.numpy() if isinstance(size, Tensor) else size)
        if values.dtype.kind not in "iu" and values.size and not np.all(values == np.round(values)):
            raise ValueError
        values = values.astype(np.int64)
    except (TypeError, ValueError):
        raise ValueError("'size' must be a 1-D int32 Tensor") from None
    if values.shape != (2,):
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    return int(values[0]), int(values[1])


def _as_batch(images: Any) -> tuple[Tensor, bool]:
    x = conversion.tensor(images)
    if x.ndim == 3:
        return array_ops.expand_dims(x, 0), False
    if x.ndim != 4:
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    return x, True


def _resize_unknown(xp: Any, x: Any, height: int, width: int, method: str, antialias: bool) -> Any:
    """A resize whose input height/width were unknown when traced (decoded images in
    `Dataset.map`): the per-axis weights are built (and cached) from the run-time sizes."""
    in_h, in_w = x.shape[1:3]
    if method == "nearest":
        out = xp.take(x, xp.asarray(_nearest_indices(in_h, height)), axis=1)
        return xp.take(out, xp.asarray(_nearest_indices(in_w, width)), axis=2)
    x = x.astype(np.float32, copy=False)
    for axis, size, out_size in ((1, in_h, height), (2, in_w, width)):
        attrs = _cached_axis_attrs(method, size, out_size, antialias, axis)
        x = _resample(xp, x, axis, attrs["index"], attrs["value"], None)
    return x


def _resize_unknown_shape(inputs: Any, attrs: dict) -> list:
    shape = inputs[0]._array.shape
    dtype = inputs[0]._array.dtype if attrs["method"] == "nearest" else np.dtype(np.float32)
    return [(dtype, (shape[0], attrs["height"], attrs["width"], shape[3]))]


# Not a TF op: TF's ResizeBilinear & co. take the size at run time too; no gradient (data pipelines).
RESIZE_UNKNOWN = Op("ResizeUnknownInput", _resize_unknown, shape_fn=_resize_unknown_shape)



def _resize_to_size(xp: Any, x: Any, size: Any, method: str, antialias: bool) -> Any:
    height, width = (int(v) for v in np.asarray(size).reshape(-1).tolist())
    return _resize_unknown(xp, x, height, width, method, antialias)


def _resize_to_size_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    shape = inputs[0]._array.shape
    dtype = inputs[0]._array.dtype if attrs["method"] == "nearest" else np.dtype(np.float32)
    size = shape_value(inputs[1])
    height, width = size if size is not None and len(size) == 2 else (None, None)
    return [(dtype, (shape[0], height, width, shape[3]))]


# The size known only when a traced graph runs (TF's ResizeBilinear & co. take it as an input).
RESIZE_TO_SIZE = Op("ResizeRunTimeSize", _resize_to_size, shape_fn=_resize_to_size_shape)


def _run_time_size(size: Any) -> tuple[Any, bool]:
    """`size` with graph tensors in a list packed into one int32 tensor, folded to ints when
    known while tracing; and whether its value is known only when the graph runs."""
    from eagerflow._src.ops import dynamic_shape_ops

    size = dynamic_shape_ops.packed(size, _dtypes.int32)
    if dynamic_shape_ops.run_time_shape(size):
        return size, True
    return dynamic_shape_ops.folded(size), False


def _resize_batch(x: Tensor, height: int, width: int, method: str, antialias: bool) -> Tensor:
    in_h, in_w = tuple(x.shape)[1:3]
    if in_h is None or in_w is None:
        return execute(RESIZE_UNKNOWN, (x,), {"height": height, "width": width, "method": method,
                                              "antialias": antialias})
    if method == "nearest":
        out = gather(x, _nearest_indices(in_h, height), axis=1)
        return gather(out, _nearest_indices(in_w, width), axis=2)
    if x.dtype != _dtypes.float32:
        x = math_ops.cast(x, _dtypes.float32)
    return _separable(x, _cached_axis_attrs(method, in_h, height, antialias, 1),
                      _cached_axis_attrs(method, in_w, width, antialias, 2))


def resize(images: Any, size: Any, method: Any = ResizeMethod.BILINEAR, preserve_aspect_ratio: bool = False,
           antialias: bool = False, name: str | None = None) -> Tensor:
    """Resizes `images` (`[h, w, c]` or `[b, h, w, c]`) to `size` with TF's `method`
    (`tf.image.resize`): float32 out, except nearest, which keeps the input dtype.

    Raises:
      ValueError: images not of rank 3 or 4, a bad `size` or an unknown method (TF's messages).
    """
    method = _method_name(method)
    x, is_batch = _as_batch(images)
    size, run_time = _run_time_size(size)
    if run_time and not preserve_aspect_ratio:
        if size._array.shape not in ((2,), (None,)) or size.dtype != _dtypes.int32:
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        out = execute(RESIZE_TO_SIZE, (x, size), {"method": method, "antialias": bool(antialias)})
        return out if is_batch else array_ops.squeeze(out, [0])
    height, width = _size_pair(size)
    if preserve_aspect_ratio:
        in_h, in_w = tuple(x.shape)[1:3]
        factor = min(_F32(height) / _F32(in_h), _F32(width) / _F32(in_w))
        height = int(np.round(factor * _F32(in_h)))
        width = int(np.round(factor * _F32(in_w)))
    out = _resize_batch(x, height, width, method, bool(antialias))
    return out if is_batch else array_ops.squeeze(out, [0])


def _pad_to(x: Tensor, top: int, left: int, height: int, width: int) -> Tensor:
    from eagerflow._src.ops.indexing_ops import pad

    shape = tuple(x.shape)
    bottom, right = height - top - shape[1], width - left - shape[2]
    if (top, left, bottom, right) == (0, 0, 0, 0):
        return x
    return pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])


def resize_with_pad(image: Any, target_height: int, target_width: int, method: Any = ResizeMethod.BILINEAR,
                    antialias: bool = False) -> Tensor:
    """Resizes keeping the aspect ratio, then pads with zeros, centred, to the target size
    (`tf.image.resize_with_pad`).

    Raises:
      ValueError: a target dimension that is not positive.
    """
    x, is_batch = _as_batch(image)
    if target_width <= 0:
        raise ValueError("target_width must be > 0.")
    if target_height <= 0:
        raise ValueError("target_height must be > 0.")
    in_h, in_w = tuple(x.shape)[1:3]
    # TF's arithmetic, in float32: padding comes from the unrounded resized size.
    ratio = max(_F32(in_w) / _F32(target_width), _F32(in_h) / _F32(target_height))
    float_h, float_w = _F32(in_h) / ratio, _F32(in_w) / ratio
    resized_h, resized_w = int(np.floor(float_h)), int(np.floor(float_w))
    pad_top = max(int(np.floor((_F32(target_height) - float_h) / _F32(2))), 0)
    pad_left = max(int(np.floor((_F32(target_width) - float_w) / _F32(2))), 0)
    resized = resize(x, (resized_h, resized_w), method=method, antialias=antialias)
    out = _pad_to(resized, pad_top, pad_left, target_height, target_width)
    return out if is_batch else array_ops.squeeze(out, [0])
