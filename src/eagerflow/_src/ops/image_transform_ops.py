"""`ImageProjectiveTransformV2/V3` (what Keras's RandomRotation, RandomZoom, RandomTranslation and
`keras.ops.image.affine_transform` call through `tf.raw_ops`) and `Bucketize` (Keras's
Discretization).

The transform follows TF's CPU kernel exactly: each output pixel (x, y) reads the input at
((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, all in float32 with one
rounding per operation (TF's wheel has no FMA contraction here); the fill mode maps coordinates
outside the image back in (REFLECT, WRAP, NEAREST) or leaves them to the fill value (CONSTANT);
NEAREST interpolation rounds half away from zero; BILINEAR weighs the four neighbours in float32
and casts back to the image dtype (truncating for integers). Everything is vectorised over the
output pixels.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op

_F32 = np.float32


def _trunc_int(x: Any) -> Any:
    return np.trunc(x).astype(np.int64)


def _clamp(c: Any, length: int) -> Any:
    return np.minimum(np.maximum(c, _F32(0)), _F32(length - 1))


def _reflect(c: Any, length: int) -> Any:
    if length <= 1:
        return np.zeros_like(c)
    sz2 = 2 * length
    c = c.copy()
    neg, over = c < 0, c > length - 1  # TF's if / else-if: one branch per coordinate
    if neg.any():
        cn = c[neg]
        small = cn < sz2
        cn = np.where(small, (sz2 * _trunc_int(-cn / _F32(sz2))).astype(_F32) + cn, cn)
        cn = np.where(cn < -length, cn + _F32(sz2), -cn - _F32(1))
        c[neg] = cn
    if over.any():
        co = c[over]
        co = co - (sz2 * _trunc_int(co / _F32(sz2))).astype(_F32)
        co = np.where(co >= length, (_F32(sz2) - co) - _F32(1), co)
        c[over] = co
    return _clamp(c, length)


def _wrap(c: Any, length: int) -> Any:
    if length <= 1:
        return np.zeros_like(c)
    sz = length - 1
    c = c.copy()
    neg, over = c < 0, c > length - 1  # TF's if / else-if: one branch per coordinate
    if neg.any():
        cn = c[neg]
        c[neg] = cn + (length * (_trunc_int(-cn / _F32(sz)) + 1)).astype(_F32)
    if over.any():
        co = c[over]
        c[over] = co - (length * _trunc_int(co / _F32(sz))).astype(_F32)
    return _clamp(c, length)


def _map(c: Any, length: int, fill_mode: str) -> Any:
    if fill_mode == "REFLECT":
        return _reflect(c, length)
    if fill_mode == "WRAP":
        return _wrap(c, length)
    if fill_mode == "NEAREST":
        return _clamp(c, length)
    return c  # CONSTANT: outside reads the fill value


def _round_half_away(x: Any) -> Any:
    x64 = x.astype(np.float64)
    return (np.sign(x64) * np.floor(np.abs(x64) + 0.5)).astype(np.int64)


def _to_dtype(values: Any, dtype: Any) -> Any:
    """TF's `T(float)`: a C++ cast (truncation toward zero for integers)."""
    if np.issubdtype(dtype, np.integer):
        return np.trunc(values).astype(dtype)
    return values.astype(dtype)


def _projective_transform(xp: Any, images: Any, transforms: Any, output_shape: Any, fill_value: Any = None,
                          interpolation: str = "NEAREST", fill_mode: str = "CONSTANT") -> Any:
    from eagerflow._src.framework import errors

    images, transforms = np.asarray(images), np.asarray(transforms, dtype=_F32)
    if images.ndim != 4:
        raise errors.InvalidArgumentError(None, None, "Input images must have rank 4")
    if transforms.ndim != 2 or transforms.shape[1] != 8 or transforms.shape[0] not in (1, images.shape[0]):
        raise errors.InvalidArgumentError(
            None, None, "Input transform should be num_images x 8 or 1 x 8")
    dims = [int(d) for d in np.asarray(output_shape).reshape(-1)]
    if len(dims) != 2 or min(dims) <= 0:
        raise errors.InvalidArgumentError(None, None, "output shape must be 2-dimensional and positive")
    n, h, w, c = images.shape
    oh, ow = dims
    fill = _to_dtype(np.asarray(0.0 if fill_value is None else fill_value, _F32), images.dtype)
    t = np.broadcast_to(transforms, (n, 8)) if transforms.shape[0] == 1 else transforms
    a = [t[:, k].reshape(n, 1, 1) for k in range(8)]
    ox = np.arange(ow, dtype=_F32).reshape(1, 1, ow)
    oy = np.arange(oh, dtype=_F32).reshape(1, oh, 1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        projection = (a[6] * ox + a[7] * oy) + _F32(1)
        in_x = ((a[0] * ox + a[1] * oy) + a[2]) / projection
        in_y = ((a[3] * ox + a[4] * oy) + a[5]) / projection
    infinite = projection == 0
    in_x = np.where(infinite, _F32(0), in_x)
    in_y = np.where(infinite, _F32(0), in_y)
    x, y = _map(in_x, w, fill_mode), _map(in_y, h, fill_mode)
    batch = np.arange(n).reshape(n, 1, 1)

    def read(yi: Any, xi: Any) -> Any:
        inside = (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w) & ~infinite
        values = images[batch, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]  # [n, oh, ow, c]
        return np.where(inside[..., None], values, fill)

    if interpolation == "NEAREST":
        out = read(_round_half_away(y), _round_half_away(x))
    else:
        y_floor, x_floor = np.floor(y), np.floor(x)
        y_ceil, x_ceil = y_floor + _F32(1), x_floor + _F32(1)
        yf, yc = y_floor.astype(np.int64), y_ceil.astype(np.int64)
        xf, xc = x_floor.astype(np.int64), x_ceil.astype(np.int64)
        wx0, wx1 = (x_ceil - x)[..., None], (x - x_floor)[..., None]
        wy0, wy1 = (y_ceil - y)[..., None], (y - y_floor)[..., None]
        top = wx0 * read(yf, xf).astype(_F32) + wx1 * read(yf, xc).astype(_F32)
        bottom = wx0 * read(yc, xf).astype(_F32) + wx1 * read(yc, xc).astype(_F32)
        out = _to_dtype(wy0 * top + wy1 * bottom, images.dtype)
        out = np.where(infinite[..., None], fill, out)
    return np.ascontiguousarray(out, dtype=images.dtype)


def _transform_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    images = inputs[0]._array
    dims = shape_value(inputs[2])
    if dims is None or len(dims) != 2:
        dims = (None, None)
    n = images.shape[0] if images.shape is not None else None
    c = images.shape[3] if images.shape is not None and len(images.shape) == 4 else None
    return [(images.dtype, (n, *dims, c))]


def _flat_inverse(transforms: Any) -> Any:
    """The flat transforms of the inverse maps (what the gradient pulls back through)."""
    from eagerflow._src.ops import array_ops, join_split_ops, linalg_ops, math_ops

    t = array_ops.reshape(transforms, [-1, 8])
    ones = array_ops.ones_like(t[:, :1])
    matrices = array_ops.reshape(join_split_ops.concat([t, ones], 1), [-1, 3, 3])
    flat = array_ops.reshape(linalg_ops.inv(matrices), [-1, 9])
    flat = math_ops.divide(flat, flat[:, 8:9])
    return flat[:, :8]


def _transform_grad(version: str) -> Any:
    """TF's gradient: the incoming gradient transformed back by the inverse maps."""
    def grad(ctx: Any, dy: Any) -> tuple:
        from eagerflow._src.ops import array_ops

        images, transforms = ctx.inputs[0], ctx.inputs[1]
        inputs = [dy, _flat_inverse(transforms), array_ops.shape(images)[1:3]]
        if version == "V3":
            inputs.append(array_ops.zeros([], "float32"))
        op = IMAGE_PROJECTIVE_TRANSFORM_V3 if version == "V3" else IMAGE_PROJECTIVE_TRANSFORM_V2
        back = execute(op, inputs, {"interpolation": ctx.attrs.get("interpolation", "NEAREST"),
                                    "fill_mode": ctx.attrs.get("fill_mode", "CONSTANT")})
        return (back,) + (None,) * (len(ctx.inputs) - 1)
    return grad


IMAGE_PROJECTIVE_TRANSFORM_V2 = Op("ImageProjectiveTransformV2", _projective_transform, grad=_transform_grad("V2"),
                                   shape_fn=_transform_shape)
IMAGE_PROJECTIVE_TRANSFORM_V3 = Op("ImageProjectiveTransformV3", _projective_transform, grad=_transform_grad("V3"),
                                   shape_fn=_transform_shape)


def _bucketize(xp: Any, x: Any, boundaries: Any = ()) -> Any:
    edges = np.asarray(boundaries, dtype=np.float32).astype(np.float64)  # TF's attr is list(float)
    return np.searchsorted(edges, np.asarray(x, dtype=np.float64), side="right").astype(np.int32)


BUCKETIZE = Op("Bucketize", _bucketize,
               shape_fn=lambda inputs, attrs: [(np.dtype(np.int32), inputs[0]._array.shape)])
