"""Image ops (`tf.image`): dtype conversion, flips and rotations, crops and pads, colour
adjustments and conversions, standardisation, gradients and edges, quality metrics.

Images are `[height, width, channels]` or batches `[batch, height, width, channels]`. Most ops
are compositions of differentiable ops, as TF's Python composes them; HSV work is a kernel.
Resizing lives in `image_resize_ops.py`, box ops (NMS, crop_and_resize) in `image_box_ops.py`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops.image_resize_ops import _separable
from eagerflow._src.ops.indexing_ops import pad
from eagerflow._src.ops.indexing_ops import slice as _slice
from eagerflow._src.ops.join_split_ops import concat, stack

_FLOAT_IMAGE = (_dtypes.float16, _dtypes.float32)


def _image(image: Any) -> Tensor:
    return conversion.tensor(image)


def _check_3d_or_4d(x: Tensor, what: str = "image") -> None:
    if x.ndim not in (3, 4):
        raise ValueError(f"'{what}' (shape {x.shape}) must have either 3 or 4 dimensions.")


def _check_at_least_3d(x: Tensor, what: str = "image") -> None:
    if x.ndim < 3:
        raise ValueError(f"'{what}' (shape {x.shape}) must be at least three-dimensional.")


def _constant(x: Tensor, value: Any) -> Tensor:
    return conversion.tensor(np.asarray(value, x.dtype.as_numpy_dtype), x.dtype)


# --- dtype conversion --------------------------------------------------------------------------
def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False, name: str | None = None) -> Tensor:
    """`image` in `dtype`, rescaled: floats span [0, 1], integers [0, MAX] (`tf.image.convert_image_dtype`).

    Raises:
      AttributeError: a dtype that is neither floating point nor integer (TF's error).
    """
    x = _image(image)
    dt = _dtypes.as_dtype(dtype)
    if not dt.is_floating and not dt.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if not x.dtype.is_floating and not x.dtype.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dt == x.dtype:
        return array_ops.identity(x)
    if x.dtype.is_integer and dt.is_integer:
        scale_in, scale_out = x.dtype.max, dt.max
        if scale_in > scale_out:
            scaled = math_ops.floordiv(x, _constant(x, (scale_in + 1) // (scale_out + 1)))
            return math_ops.saturate_cast(scaled, dt) if saturate else math_ops.cast(scaled, dt)
        cast = math_ops.saturate_cast(x, dt) if saturate else math_ops.cast(x, dt)
        return math_ops.multiply(cast, _constant(cast, (scale_out + 1) // (scale_in + 1)))
    if x.dtype.is_floating and dt.is_floating:
        return math_ops.cast(x, dt)
    if x.dtype.is_integer:
        cast = math_ops.cast(x, dt)
        return math_ops.multiply(cast, _constant(cast, 1.0 / x.dtype.max))
    scaled = math_ops.multiply(x, _constant(x, dt.max + 0.5))
    return math_ops.saturate_cast(scaled, dt) if saturate else math_ops.cast(scaled, dt)


def _to_float(x: Tensor) -> Tensor:
    return x if x.dtype in _FLOAT_IMAGE else convert_image_dtype(x, _dtypes.float32)


# --- flips, rotations, transposes --------------------------------------------------------------
def _spatial_axis(x: Tensor, which: int) -> int:
    """Axis of height (which=0) or width (which=1) in a 3-D or 4-D image."""
    _check_at_least_3d(x)
    if x.ndim > 4:
        raise ValueError("'image' must have either 3 or 4 dimensions.")
    return which + (1 if x.ndim == 4 else 0)


def flip_left_right(image: Any) -> Tensor:
    """Mirrors images horizontally (`tf.image.flip_left_right`)."""
    x = _image(image)
    return array_ops.reverse(x, [_spatial_axis(x, 1)])


def flip_up_down(image: Any) -> Tensor:
    """Mirrors images vertically (`tf.image.flip_up_down`)."""
    x = _image(image)
    return array_ops.reverse(x, [_spatial_axis(x, 0)])


def _random_flip(x: Tensor, which: int, draw: Any) -> Tensor:
    axis = _spatial_axis(x, which)
    if x.ndim == 3:
        # One draw for the image; an op (not a Python branch) so it works in traced dataset maps.
        return array_ops.where(math_ops.less(draw([]), 0.5), array_ops.reverse(x, [axis]), x)
    # TF's batch rule: round(uniform) per image, blended arithmetically.
    batch = tuple(x.shape)[0]
    flips = math_ops.cast(math_ops.round(array_ops.reshape(draw([batch]), (batch, 1, 1, 1))), x.dtype)
    flipped = array_ops.reverse(x, [axis])
    return math_ops.add(math_ops.multiply(flips, flipped),
                        math_ops.multiply(math_ops.subtract(_constant(flips, 1), flips), x))


def _stateful_uniform(seed: Any) -> Any:
    from eagerflow._src.ops.random.random_ops import uniform

    return lambda shape, minval=0.0, maxval=1.0, dtype=_dtypes.float32: uniform(
        shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def _stateless_uniform(seed: Any) -> Any:
    from eagerflow._src.ops.random.stateless_random_ops import stateless_random_uniform

    return lambda shape, minval=0.0, maxval=1.0, dtype=_dtypes.float32: stateless_random_uniform(
        shape, seed=seed, minval=minval, maxval=maxval, dtype=dtype)


def random_flip_left_right(image: Any, seed: Any = None) -> Tensor:
    """Mirrors each image horizontally with probability 1/2 (`tf.image.random_flip_left_right`)."""
    return _random_flip(_image(image), 1, _stateful_uniform(seed))


def random_flip_up_down(image: Any, seed: Any = None) -> Tensor:
    """Mirrors each image vertically with probability 1/2 (`tf.image.random_flip_up_down`)."""
    return _random_flip(_image(image), 0, _stateful_uniform(seed))


def stateless_random_flip_left_right(image: Any, seed: Any) -> Tensor:
    """`random_flip_left_right` drawn from `seed`, deterministic (`tf.image.stateless_random_flip_left_right`)."""
    return _random_flip(_image(image), 1, _stateless_uniform(seed))


def stateless_random_flip_up_down(image: Any, seed: Any) -> Tensor:
    """`random_flip_up_down` drawn from `seed` (`tf.image.stateless_random_flip_up_down`)."""
    return _random_flip(_image(image), 0, _stateless_uniform(seed))


def transpose(image: Any, name: str | None = None) -> Tensor:
    """Swaps height and width (`tf.image.transpose`)."""
    x = _image(image)
    _check_3d_or_4d(x)
    return array_ops.transpose(x, (1, 0, 2) if x.ndim == 3 else (0, 2, 1, 3))


def rot90(image: Any, k: int = 1, name: str | None = None) -> Tensor:
    """Rotates images counter-clockwise by k quarter turns (`tf.image.rot90`)."""
    x = _image(image)
    h, w = _spatial_axis(x, 0), _spatial_axis(x, 1)
    if isinstance(k, SymbolicTensor):  # a traced k: TF's case over the four turns
        from eagerflow._src.ops.control_flow_ops import switch_case

        turns = math_ops.floormod(k, 4)
        return switch_case(turns, [lambda: x, lambda: transpose(array_ops.reverse(x, [w])),
                                   lambda: array_ops.reverse(x, [h, w]),
                                   lambda: array_ops.reverse(transpose(x), [w])])
    k = int(k.numpy() if isinstance(k, Tensor) else k) % 4
    if k == 0:
        return x
    if k == 2:
        return array_ops.reverse(x, [h, w])
    if k == 1:
        return transpose(array_ops.reverse(x, [w]))
    return array_ops.reverse(transpose(x), [w])


# --- crops and pads ----------------------------------------------------------------------------
def _as_batch(x: Tensor) -> tuple[Tensor, bool]:
    if x.ndim == 3:
        return array_ops.expand_dims(x, 0), False
    return x, True


def _unbatch(x: Tensor, is_batch: bool) -> Tensor:
    return x if is_batch else array_ops.squeeze(x, [0])


def _runtime(x: Tensor, values: tuple) -> bool:
    """Traced with an image size or a value known only when the graph runs."""
    return (x.shape.rank is not None and None in x.shape.as_list()[1:3]) \
        or any(isinstance(v, SymbolicTensor) for v in values)


def _static(value: Any) -> Any:
    if isinstance(value, SymbolicTensor):
        from eagerflow._src.framework.shape_inference import constant_value

        folded = constant_value(value)
        return None if folded is None else int(folded)
    return _int(value)


def _int(value: Any) -> int:
    return int(value.numpy()) if isinstance(value, Tensor) else int(value)


def crop_to_bounding_box(image: Any, offset_height: Any, offset_width: Any, target_height: Any,
                         target_width: Any) -> Tensor:
    """The `target_height x target_width` window at `(offset_height, offset_width)`
    (`tf.image.crop_to_bounding_box`).

    Raises:
      ValueError: offsets or sizes outside the image (TF's messages).
    """
    x = _image(image)
    _check_3d_or_4d(x)
    x, is_batch = _as_batch(x)
    values = (offset_height, offset_width, target_height, target_width)
    if _runtime(x, values):  # traced with sizes known at run time: the window through ops
        oh, ow, th, tw = (math_ops.cast(v, _dtypes.int32) for v in values)
        return _unbatch(_slice(x, stack([0, oh, ow, 0]), stack([-1, th, tw, -1])), is_batch)
    oh, ow, th, tw = (_int(v) for v in values)
    _, height, width, depth = tuple(x.shape)
    for ok, message in ((ow >= 0, "offset_width must be >= 0."), (oh >= 0, "offset_height must be >= 0."),
                        (tw > 0, "target_width must be > 0."), (th > 0, "target_height must be > 0."),
                        (width >= tw + ow, "width must be >= target + offset."),
                        (height >= th + oh, "height must be >= target + offset.")):
        if not ok:
            raise ValueError(message)
    return _unbatch(_slice(x, [0, oh, ow, 0], [-1, th, tw, -1]), is_batch)


def pad_to_bounding_box(image: Any, offset_height: Any, offset_width: Any, target_height: Any,
                        target_width: Any) -> Tensor:
    """Zero-pads to `target_height x target_width`, the image at `(offset_height, offset_width)`
    (`tf.image.pad_to_bounding_box`).

    Raises:
      ValueError: offsets or sizes that do not fit (TF's messages).
    """
    x = _image(image)
    _check_3d_or_4d(x)
    x, is_batch = _as_batch(x)
    values = (offset_height, offset_width, target_height, target_width)
    if _runtime(x, values):
        oh, ow, th, tw = (math_ops.cast(v, _dtypes.int32) for v in values)
        size = array_ops.shape(x, out_type=_dtypes.int32)
        after_h = math_ops.subtract(math_ops.subtract(th, oh), size[1])
        after_w = math_ops.subtract(math_ops.subtract(tw, ow), size[2])
        paddings = stack([stack([0, 0]), stack([oh, after_h]), stack([ow, after_w]), stack([0, 0])])
        out = pad(x, paddings)
        out.set_shape([x.shape[0], _static(target_height), _static(target_width), x.shape[3]])
        return _unbatch(out, is_batch)
    oh, ow, th, tw = (_int(v) for v in values)
    _, height, width, _ = tuple(x.shape)
    after_w, after_h = tw - ow - width, th - oh - height
    for ok, message in ((oh >= 0, "offset_height must be >= 0"), (ow >= 0, "offset_width must be >= 0"),
                        (after_w >= 0, "width must be <= target - offset"),
                        (after_h >= 0, "height must be <= target - offset")):
        if not ok:
            raise ValueError(message)
    return _unbatch(pad(x, [[0, 0], [oh, after_h], [ow, after_w], [0, 0]]), is_batch)


def resize_with_crop_or_pad(image: Any, target_height: Any, target_width: Any) -> Tensor:
    """Centrally crops and/or zero-pads to the target size (`tf.image.resize_with_crop_or_pad`)."""
    x = _image(image)
    _check_3d_or_4d(x)
    if _runtime(x, (target_height, target_width)):  # TF's graph form: sizes from tf.shape
        th, tw = (math_ops.cast(v, _dtypes.int32) for v in (target_height, target_width))
        size = array_ops.shape(x, out_type=_dtypes.int32)
        height, width = size[-3], size[-2]
        dw, dh = math_ops.subtract(tw, width), math_ops.subtract(th, height)
        half = lambda v: math_ops.floordiv(v, 2)  # noqa: E731
        cropped = crop_to_bounding_box(x, math_ops.maximum(half(math_ops.negative(dh)), 0),
                                       math_ops.maximum(half(math_ops.negative(dw)), 0),
                                       math_ops.minimum(th, height), math_ops.minimum(tw, width))
        return pad_to_bounding_box(cropped, math_ops.maximum(half(dh), 0), math_ops.maximum(half(dw), 0),
                                   target_height, target_width)
    th, tw = _int(target_height), _int(target_width)
    if tw <= 0:
        raise ValueError("target_width must be > 0.")
    if th <= 0:
        raise ValueError("target_height must be > 0.")
    height, width = tuple(x.shape)[-3:-1]
    dw, dh = tw - width, th - height
    cropped = crop_to_bounding_box(x, max(-dh // 2, 0), max(-dw // 2, 0), min(th, height), min(tw, width))
    return pad_to_bounding_box(cropped, max(dh // 2, 0), max(dw // 2, 0), th, tw)


def central_crop(image: Any, central_fraction: float) -> Tensor:
    """The central `central_fraction` of each image along height and width (`tf.image.central_crop`).

    Raises:
      ValueError: a fraction outside (0, 1], or an image not of rank 3 or 4.
    """
    x = _image(image)
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if central_fraction == 1.0:
        return x
    if x.ndim not in (3, 4):
        raise ValueError(f"`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = {x.ndim}.")
    h, w = (float(d) for d in tuple(x.shape)[-3:-1])
    top = int((h - h * central_fraction) / 2)
    left = int((w - w * central_fraction) / 2)
    begin = [0] * x.ndim
    size = [-1] * x.ndim
    begin[-3], begin[-2] = top, left
    size[-3], size[-2] = int(h - top * 2), int(w - left * 2)
    return _slice(x, begin, size)


def random_crop(value: Any, size: Any, seed: Any = None, name: str | None = None) -> Tensor:
    """A window of `size` at a uniformly random offset (`tf.image.random_crop`)."""
    return _random_crop(conversion.tensor(value), size, _stateful_uniform(seed))


def stateless_random_crop(value: Any, size: Any, seed: Any, name: str | None = None) -> Tensor:
    """`random_crop` drawn from `seed` (`tf.image.stateless_random_crop`)."""
    return _random_crop(conversion.tensor(value), size, _stateless_uniform(seed))


def _random_crop(x: Tensor, size: Any, draw: Any) -> Tensor:
    from eagerflow._src.framework import errors

    size_t = conversion.tensor(size, _dtypes.int32) if not isinstance(size, Tensor) else size
    if SymbolicTensor in (type(x), type(size_t)):  # traced (a dataset map): the same draw, through ops
        limit = math_ops.add(math_ops.subtract(array_ops.shape(x, out_type=size_t.dtype), size_t), 1)
        offsets = math_ops.floormod(draw([x.ndim], 0, size_t.dtype.max, size_t.dtype), limit)
        return _slice(x, offsets, size_t)
    sizes = [int(v) for v in np.reshape(size_t.numpy(), -1)]
    shape = list(x.shape)
    if len(sizes) != len(shape) or any(s > d for s, d in zip(sizes, shape)):
        raise errors.InvalidArgumentError(None, None, f"Need value.shape >= size, got {shape} {sizes}")
    limit = np.asarray(shape) - np.asarray(sizes) + 1
    offsets = draw([len(shape)], 0, size_t.dtype.max, size_t.dtype).numpy() % limit
    return _slice(x, [int(o) for o in offsets], sizes)


# --- brightness, contrast, gamma ---------------------------------------------------------------
def adjust_brightness(image: Any, delta: Any) -> Tensor:
    """Adds `delta` to every channel (in [0, 1] float terms for integer images)
    (`tf.image.adjust_brightness`)."""
    return _in_float(image, lambda flt: math_ops.add(flt, math_ops.cast(conversion.tensor(delta), flt.dtype)),
                     saturate=True)


def _in_float(image: Any, adjust: Any, saturate: bool = False) -> Tensor:
    """`adjust` applied to `image` as floats in [0, 1], converted back to the image's dtype."""
    x = _image(image)
    return convert_image_dtype(adjust(_to_float(x)), x.dtype, saturate=saturate)


def _adjust_contrast(xp: Any, x: Any, contrast_factor: Any) -> Any:
    if x.ndim < 3:
        raise _invalid(f"input must be at least 3-D, got shape[{','.join(map(str, x.shape))}]")
    mean = xp.mean(x, axis=(-3, -2), keepdims=True, dtype=np.float32 if x.dtype == np.float16 else x.dtype)
    out = (x - mean) * contrast_factor + mean
    return out.astype(x.dtype, copy=False)


def _invalid(message: str) -> Exception:
    from eagerflow._src.framework import errors

    return errors.InvalidArgumentError(None, None, message)


def _adjust_contrast_grad(ctx: Any, dy: Tensor) -> tuple:
    # out = (x - mean) f + mean: dx = f dy + (1 - f) mean(dy); df = sum(dy (x - mean)).
    x, factor = ctx.inputs
    mean_dy = reduce_ops.reduce_mean(dy, axis=[-3, -2], keepdims=True)
    f = math_ops.cast(factor, dy.dtype)
    dx = math_ops.add(math_ops.multiply(dy, f), math_ops.multiply(mean_dy, math_ops.subtract(_constant(f, 1), f)))
    centred = math_ops.subtract(x, reduce_ops.reduce_mean(x, axis=[-3, -2], keepdims=True))
    return dx, math_ops.cast(reduce_ops.reduce_sum(math_ops.multiply(dy, centred)), factor.dtype)


ADJUST_CONTRAST = Op("AdjustContrastv2", _adjust_contrast, dtypes=_FLOAT_IMAGE, grad=_adjust_contrast_grad)


def adjust_contrast(images: Any, contrast_factor: Any) -> Tensor:
    """`(x - mean) * contrast_factor + mean` per image and channel (`tf.image.adjust_contrast`)."""
    def adjust(flt: Tensor) -> Tensor:
        return execute(ADJUST_CONTRAST, (flt, math_ops.cast(conversion.tensor(contrast_factor), _dtypes.float32)))

    return _in_float(images, adjust, saturate=True)


def adjust_gamma(image: Any, gamma: Any = 1, gain: Any = 1) -> Tensor:
    """`gain * image ** gamma` (in [0, 1] float terms for integer images) (`tf.image.adjust_gamma`).

    Raises:
      ValueError: a negative `gamma`.
    """
    x = _image(image)
    orig = x.dtype
    flt = _to_float(x)
    if not isinstance(gamma, Tensor) and np.any(np.asarray(gamma) < 0):
        raise ValueError("Gamma should be a non-negative real number.")
    powered = math_ops.pow(flt, math_ops.cast(conversion.tensor(gamma), flt.dtype))
    adjusted = math_ops.multiply(math_ops.cast(conversion.tensor(gain), flt.dtype), powered)
    return convert_image_dtype(adjusted, orig, saturate=True)


def _check_range(lower: float, upper: float) -> None:
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def random_brightness(image: Any, max_delta: float, seed: Any = None) -> Tensor:
    """`adjust_brightness` by a delta uniform in [-max_delta, max_delta) (`tf.image.random_brightness`)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = _stateful_uniform(seed)([], -max_delta, max_delta)
    return adjust_brightness(image, delta)


def stateless_random_brightness(image: Any, max_delta: float, seed: Any) -> Tensor:
    """`random_brightness` drawn from `seed` (`tf.image.stateless_random_brightness`)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _stateless_uniform(seed)([], -max_delta, max_delta))


def random_contrast(image: Any, lower: float, upper: float, seed: Any = None) -> Tensor:
    """`adjust_contrast` by a factor uniform in [lower, upper) (`tf.image.random_contrast`)."""
    _check_range(lower, upper)
    return adjust_contrast(image, _stateful_uniform(seed)([], lower, upper))


def stateless_random_contrast(image: Any, lower: float, upper: float, seed: Any) -> Tensor:
    """`random_contrast` drawn from `seed` (`tf.image.stateless_random_contrast`)."""
    _check_range(lower, upper)
    return adjust_contrast(image, _stateless_uniform(seed)([], lower, upper))


# --- HSV: hue and saturation -------------------------------------------------------------------
def _rgb_to_hsv(xp: Any, rgb: Any) -> Any:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = xp.max(rgb, axis=-1)
    chroma = value - xp.min(rgb, axis=-1)
    safe_value = xp.where(value > 0, value, 1)
    saturation = xp.where(value > 0, chroma / safe_value, 0)
    safe_chroma = xp.where(chroma > 0, chroma, 1)
    hue = xp.where(value == r, (g - b) / safe_chroma,
                   xp.where(value == g, 2 + (b - r) / safe_chroma, 4 + (r - g) / safe_chroma))
    hue = xp.where(chroma > 0, hue / 6, 0)
    hue = xp.where(hue < 0, hue + 1, hue)
    return xp.stack([hue, saturation, value], axis=-1).astype(rgb.dtype, copy=False)


def _hsv_to_rgb(xp: Any, hsv: Any) -> Any:
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    dh = (h - xp.floor(h)) * 6
    r = xp.clip(xp.abs(dh - 3) - 1, 0, 1)
    g = xp.clip(2 - xp.abs(dh - 2), 0, 1)
    b = xp.clip(2 - xp.abs(dh - 4), 0, 1)
    rgb = xp.stack([r, g, b], axis=-1)
    return (((rgb - 1) * s[..., None] + 1) * v[..., None]).astype(hsv.dtype, copy=False)


def _check_rgb(x: Any) -> None:
    if x.ndim < 1 or x.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but input only has {x.shape[-1] if x.ndim else 0} channels.")


def _rgb_to_hsv_kernel(xp: Any, x: Any) -> Any:
    _check_rgb(x)
    return _rgb_to_hsv(xp, x)


def _hsv_to_rgb_kernel(xp: Any, x: Any) -> Any:
    _check_rgb(x)
    return _hsv_to_rgb(xp, x)


def _adjust_hue(xp: Any, x: Any, delta: Any) -> Any:
    _check_rgb(x)
    hsv = _rgb_to_hsv(xp, x.astype(np.float32))
    hue = hsv[..., 0] + np.float32(delta)
    hsv[..., 0] = hue - xp.floor(hue)
    return _hsv_to_rgb(xp, hsv).astype(x.dtype, copy=False)


def _adjust_saturation(xp: Any, x: Any, factor: Any) -> Any:
    _check_rgb(x)
    hsv = _rgb_to_hsv(xp, x.astype(np.float32))
    hsv[..., 1] = xp.clip(hsv[..., 1] * np.float32(factor), 0, 1)
    return _hsv_to_rgb(xp, hsv).astype(x.dtype, copy=False)


def _rgb_to_hsv_grad(ctx: Any, dy: Tensor) -> tuple:
    # v = max, s = (max - min) / max, h = (k + N / C) / 6 with C = max - min and N the difference
    # of the other two channels (k, N set by which channel is largest), differentiated by parts.
    rgb = ctx.inputs[0]
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    largest = reduce_ops.reduce_max(rgb, -1)
    smallest = reduce_ops.reduce_min(rgb, -1)
    one = _constant(largest, 1.0)

    def mask(condition: Tensor) -> Tensor:
        return math_ops.cast(condition, rgb.dtype)

    max_r = mask(math_ops.equal(largest, r))
    max_g = math_ops.multiply(mask(math_ops.equal(largest, g)), math_ops.subtract(one, max_r))
    max_b = math_ops.subtract(math_ops.subtract(one, max_r), max_g)
    min_r = mask(math_ops.equal(smallest, r))
    min_g = math_ops.multiply(mask(math_ops.equal(smallest, g)), math_ops.subtract(one, min_r))
    min_b = math_ops.subtract(math_ops.subtract(one, min_r), min_g)
    onehot_max = stack([max_r, max_g, max_b], -1)
    onehot_min = stack([min_r, min_g, min_b], -1)
    chroma = math_ops.subtract(largest, smallest)
    dh, ds, dv = dy[..., 0], dy[..., 1], dy[..., 2]
    grad = math_ops.multiply(array_ops.expand_dims(dv, -1), onehot_max)
    # Saturation: d/dmax = min / max^2, d/dmin = -1 / max (zero where max is 0).
    ds_dmax = math_ops.divide_no_nan(smallest, math_ops.square(largest))
    ds_dmin = math_ops.negative(math_ops.divide_no_nan(one, largest))
    grad = math_ops.add(grad, math_ops.multiply(array_ops.expand_dims(math_ops.multiply(ds, ds_dmax), -1), onehot_max))
    grad = math_ops.add(grad, math_ops.multiply(array_ops.expand_dims(math_ops.multiply(ds, ds_dmin), -1), onehot_min))
    # Hue (zero where the chroma is 0).
    zero = math_ops.zeros_like_same(r)
    numerator = math_ops.add(math_ops.add(math_ops.multiply(max_r, math_ops.subtract(g, b)),
                                          math_ops.multiply(max_g, math_ops.subtract(b, r))),
                             math_ops.multiply(max_b, math_ops.subtract(r, g)))
    d_numerator = stack([math_ops.subtract(max_b, max_g), math_ops.subtract(max_r, max_b),
                         math_ops.subtract(max_g, max_r)], -1)
    six_chroma = math_ops.multiply(chroma, _constant(chroma, 6.0))
    dh_dn = math_ops.divide_no_nan(dh, six_chroma)
    dh_dc = math_ops.negative(math_ops.divide_no_nan(math_ops.multiply(dh, numerator),
                                                     math_ops.multiply(six_chroma, chroma)))
    dh_dc = math_ops.select(math_ops.greater(chroma, zero), dh_dc, zero)
    grad = math_ops.add(grad, math_ops.multiply(array_ops.expand_dims(dh_dn, -1), d_numerator))
    grad = math_ops.add(grad, math_ops.multiply(array_ops.expand_dims(dh_dc, -1),
                                                math_ops.subtract(onehot_max, onehot_min)))
    return (grad,)


_HSV_DTYPES = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)
RGB_TO_HSV = Op("RGBToHSV", _rgb_to_hsv_kernel, dtypes=_HSV_DTYPES, grad=_rgb_to_hsv_grad)
HSV_TO_RGB = Op("HSVToRGB", _hsv_to_rgb_kernel, dtypes=_HSV_DTYPES)
ADJUST_HUE = Op("AdjustHue", _adjust_hue, dtypes=_FLOAT_IMAGE)
ADJUST_SATURATION = Op("AdjustSaturation", _adjust_saturation, dtypes=_FLOAT_IMAGE)


def rgb_to_hsv(images: Any, name: str | None = None) -> Tensor:
    """RGB in [0, 1] to HSV, hue in [0, 1) (`tf.image.rgb_to_hsv`; float images)."""
    return conversion.run_unary(RGB_TO_HSV, images)


def hsv_to_rgb(images: Any, name: str | None = None) -> Tensor:
    """HSV (hue in [0, 1)) to RGB (`tf.image.hsv_to_rgb`)."""
    return conversion.run_unary(HSV_TO_RGB, images)


def adjust_hue(image: Any, delta: float, name: str | None = None) -> Tensor:
    """Rotates hue by `delta` (a fraction of the colour wheel, in [-1, 1]) (`tf.image.adjust_hue`)."""
    delta = math_ops.cast(conversion.tensor(delta), _dtypes.float32)  # TF's input: traced draws work
    return _in_float(image, lambda flt: execute(ADJUST_HUE, (flt, delta), {}))


def adjust_saturation(image: Any, saturation_factor: float, name: str | None = None) -> Tensor:
    """Scales saturation by `saturation_factor`, clipped to [0, 1] (`tf.image.adjust_saturation`)."""
    factor = math_ops.cast(conversion.tensor(saturation_factor), _dtypes.float32)
    return _in_float(image, lambda flt: execute(ADJUST_SATURATION, (flt, factor), {}))


def _check_hue_delta(max_delta: float) -> None:
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")


def random_hue(image: Any, max_delta: float, seed: Any = None) -> Tensor:
    """`adjust_hue` by a delta uniform in [-max_delta, max_delta) (`tf.image.random_hue`)."""
    _check_hue_delta(max_delta)
    return adjust_hue(image, _stateful_uniform(seed)([], -max_delta, max_delta))


def stateless_random_hue(image: Any, max_delta: float, seed: Any) -> Tensor:
    """`random_hue` drawn from `seed` (`tf.image.stateless_random_hue`)."""
    _check_hue_delta(max_delta)
    return adjust_hue(image, _stateless_uniform(seed)([], -max_delta, max_delta))


def random_saturation(image: Any, lower: float, upper: float, seed: Any = None) -> Tensor:
    """`adjust_saturation` by a factor uniform in [lower, upper) (`tf.image.random_saturation`)."""
    _check_range(lower, upper)
    return adjust_saturation(image, _stateful_uniform(seed)([], lower, upper))


def stateless_random_saturation(image: Any, lower: float, upper: float, seed: Any) -> Tensor:
    """`random_saturation` drawn from `seed` (`tf.image.stateless_random_saturation`)."""
    _check_range(lower, upper)
    return adjust_saturation(image, _stateless_uniform(seed)([], lower, upper))


# --- linear colour spaces ----------------------------------------------------------------------
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _colour_matrix(images: Any, matrix: list) -> Tensor:
    from eagerflow._src.ops.linalg_ops import tensordot

    x = _image(images)
    return tensordot(x, _constant(x, matrix), [[x.ndim - 1], [0]])


def rgb_to_yiq(images: Any) -> Tensor:
    """RGB to YIQ (`tf.image.rgb_to_yiq`)."""
    return _colour_matrix(images, _RGB_TO_YIQ)


def yiq_to_rgb(images: Any) -> Tensor:
    """YIQ to RGB (`tf.image.yiq_to_rgb`)."""
    return _colour_matrix(images, _YIQ_TO_RGB)


def rgb_to_yuv(images: Any) -> Tensor:
    """RGB to YUV (`tf.image.rgb_to_yuv`)."""
    return _colour_matrix(images, _RGB_TO_YUV)


def yuv_to_rgb(images: Any) -> Tensor:
    """YUV to RGB (`tf.image.yuv_to_rgb`)."""
    return _colour_matrix(images, _YUV_TO_RGB)


def rgb_to_grayscale(images: Any, name: str | None = None) -> Tensor:
    """Luma `0.2989 R + 0.587 G + 0.114 B`, keeping a size-1 channel dim and the dtype
    (`tf.image.rgb_to_grayscale`)."""
    from eagerflow._src.ops.linalg_ops import tensordot

    x = _image(images)
    orig = x.dtype
    flt = convert_image_dtype(x, _dtypes.float32)
    gray = tensordot(flt, _constant(flt, [0.2989, 0.5870, 0.1140]), [[-1 % flt.ndim], [0]])
    return convert_image_dtype(array_ops.expand_dims(gray, -1), orig)


def grayscale_to_rgb(images: Any, name: str | None = None) -> Tensor:
    """Repeats the single channel three times (`tf.image.grayscale_to_rgb`).

    Raises:
      ValueError: a last dim other than 1, or rank below 2.
    """
    x = _image(images)
    if x.ndim < 2:
        raise ValueError(f"'image' (shape {x.shape}) must be at least two-dimensional.")
    if tuple(x.shape)[-1] != 1:
        raise ValueError("Last dimension of a grayscale image should be size 1.")
    return array_ops.tile(x, [1] * (x.ndim - 1) + [3])


# --- statistics, gradients, edges --------------------------------------------------------------
def per_image_standardization(image: Any) -> Tensor:
    """`(x - mean) / max(stddev, 1 / sqrt(N))` per image, in float32 (`tf.image.per_image_standardization`)."""
    x = _image(image)
    _check_at_least_3d(x)
    x = math_ops.cast(x, _dtypes.float32)
    n = int(np.prod(tuple(x.shape)[-3:]))
    mean = reduce_ops.reduce_mean(x, axis=[-1, -2, -3], keepdims=True)
    centred = math_ops.subtract(x, mean)
    std = math_ops.sqrt(reduce_ops.reduce_mean(math_ops.square(centred), axis=[-1, -2, -3], keepdims=True))
    adjusted = math_ops.maximum(std, _constant(std, 1.0 / math.sqrt(n) if n else np.inf))
    return math_ops.truediv(centred, adjusted)


def image_gradients(image: Any) -> tuple:
    """`(dy, dx)`: forward differences down and across, zero in the last row/column
    (`tf.image.image_gradients`; 4-D input).

    Raises:
      ValueError: an input that is not 4-D.
    """
    x = _image(image)
    if x.ndim != 4:
        raise ValueError(f"image_gradients expects a 4D tensor [batch_size, h, w, d], not {x.shape}.")
    b, h, w, d = tuple(x.shape)
    dy = math_ops.subtract(x[:, 1:, :, :], x[:, :-1, :, :])
    dx = math_ops.subtract(x[:, :, 1:, :], x[:, :, :-1, :])
    dy = concat([dy, array_ops.zeros((b, 1, w, d), x.dtype)], 1)
    dx = concat([dx, array_ops.zeros((b, h, 1, d), x.dtype)], 2)
    return dy, dx


def sobel_edges(image: Any) -> Tensor:
    """Sobel responses `[..., d, 2]` (vertical then horizontal), reflect-padded (`tf.image.sobel_edges`)."""
    x = _image(image)
    padded = pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    h, w = tuple(x.shape)[1:3]

    def window(dy: int, dx: int) -> Tensor:
        return padded[:, dy:dy + h, dx:dx + w, :]

    kernels = ([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    outs = []
    for kernel in kernels:
        total = None
        for i in range(3):
            for j in range(3):
                if kernel[i][j]:
                    term = math_ops.multiply(window(i, j), _constant(x, kernel[i][j]))
                    total = term if total is None else math_ops.add(total, term)
        outs.append(total)
    return stack(outs, axis=-1)


def total_variation(images: Any, name: str | None = None) -> Tensor:
    """Sum of absolute differences of neighbouring pixels, per image (`tf.image.total_variation`).

    Raises:
      ValueError: images not of rank 3 or 4.
    """
    x = _image(images)
    if x.ndim == 3:
        axes = None
        dh = math_ops.subtract(x[1:, :, :], x[:-1, :, :])
        dw = math_ops.subtract(x[:, 1:, :], x[:, :-1, :])
    elif x.ndim == 4:
        axes = [1, 2, 3]
        dh = math_ops.subtract(x[:, 1:, :, :], x[:, :-1, :, :])
        dw = math_ops.subtract(x[:, :, 1:, :], x[:, :, :-1, :])
    else:
        raise ValueError("'images' must be either 3 or 4-dimensional.")
    return math_ops.add(reduce_ops.reduce_sum(math_ops.abs(dh), axes), reduce_ops.reduce_sum(math_ops.abs(dw), axes))


def psnr(a: Any, b: Any, max_val: Any, name: str | None = None) -> Tensor:
    """Peak signal-to-noise ratio per image, in float32 (`tf.image.psnr`)."""
    a, b = _image(a), _image(b)
    max_val = convert_image_dtype(math_ops.cast(conversion.tensor(max_val), a.dtype), _dtypes.float32)
    a, b = convert_image_dtype(a, _dtypes.float32), convert_image_dtype(b, _dtypes.float32)
    mse = reduce_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
    log10 = math.log(10.0)
    peak = math_ops.multiply(math_ops.log(max_val), _constant(mse, 20.0 / log10))
    return math_ops.subtract(peak, math_ops.multiply(math_ops.log(mse), _constant(mse, 10.0 / log10)))


def _gaussian_valid_matrix(size: int, filter_size: int, sigma: float) -> np.ndarray:
    coords = np.arange(filter_size, dtype=np.float64) - (filter_size - 1) / 2.0
    g = np.exp(-0.5 * coords ** 2 / sigma ** 2)
    g /= g.sum()
    out = size - filter_size + 1
    m = np.zeros((out, size), np.float32)
    for i in range(out):
        m[i, i:i + filter_size] = g
    return m


def _ssim_per_channel(img1: Tensor, img2: Tensor, max_val: Tensor, filter_size: int, filter_sigma: float,
                      k1: float, k2: float, return_index_map: bool = False) -> tuple:
    from eagerflow._src.framework import errors

    shape = tuple(img1.shape)
    h, w = shape[-3], shape[-2]
    if h < filter_size or w < filter_size:
        raise errors.InvalidArgumentError(None, None, f"assertion failed: [{list(shape)}] [{filter_size}]")
    rows = _gaussian_valid_matrix(h, filter_size, filter_sigma)
    cols = _gaussian_valid_matrix(w, filter_size, filter_sigma)
    batch = shape[:-3]

    def reducer(x: Tensor) -> Tensor:
        flat = array_ops.reshape(x, (-1,) + tuple(x.shape)[-3:])
        y = _separable(flat, rows, cols)
        return array_ops.reshape(y, batch + tuple(y.shape)[1:])

    c1 = math_ops.square(math_ops.multiply(max_val, _constant(max_val, k1)))
    c2 = math_ops.square(math_ops.multiply(max_val, _constant(max_val, k2)))
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = math_ops.multiply(math_ops.multiply(mean0, mean1), _constant(mean0, 2.0))
    den0 = math_ops.add(math_ops.square(mean0), math_ops.square(mean1))
    luminance = math_ops.truediv(math_ops.add(num0, c1), math_ops.add(den0, c1))
    num1 = math_ops.multiply(reducer(math_ops.multiply(img1, img2)), _constant(mean0, 2.0))
    den1 = reducer(math_ops.add(math_ops.square(img1), math_ops.square(img2)))
    cs = math_ops.truediv(math_ops.add(math_ops.subtract(num1, num0), c2),
                          math_ops.add(math_ops.subtract(den1, den0), c2))
    if return_index_map:
        return math_ops.multiply(luminance, cs), cs
    ssim_value = reduce_ops.reduce_mean(math_ops.multiply(luminance, cs), [-3, -2])
    return ssim_value, reduce_ops.reduce_mean(cs, [-3, -2])


def _ssim_inputs(img1: Any, img2: Any, max_val: Any) -> tuple:
    a, b = _image(img1), _image(img2)
    if tuple(a.shape)[-3:] != tuple(b.shape)[-3:] and a.ndim >= 3 and b.ndim >= 3:
        raise ValueError(f"Shapes must be equal rank, but are {a.ndim} and {b.ndim}" if a.ndim != b.ndim
                         else f"Dimensions must be equal, but are {a.shape} and {b.shape}")
    max_val = convert_image_dtype(math_ops.cast(conversion.tensor(max_val), a.dtype), _dtypes.float32)
    return convert_image_dtype(a, _dtypes.float32), convert_image_dtype(b, _dtypes.float32), max_val


def ssim(img1: Any, img2: Any, max_val: Any, filter_size: int = 11, filter_sigma: float = 1.5, k1: float = 0.01,
         k2: float = 0.03, return_index_map: bool = False) -> Tensor:
    """Structural similarity per image (Gaussian window, VALID), averaged over channels (`tf.image.ssim`)."""
    a, b, max_val = _ssim_inputs(img1, img2, max_val)
    per_channel, _ = _ssim_per_channel(a, b, max_val, int(filter_size), float(filter_sigma), k1, k2, return_index_map)
    return reduce_ops.reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1: Any, img2: Any, max_val: Any, power_factors: Any = _MSSSIM_WEIGHTS, filter_size: int = 11,
                    filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03) -> Tensor:
    """Multi-scale SSIM: contrast-structure terms at successively 2x average-pooled scales (odd
    sizes padded symmetrically), luminance at the coarsest (`tf.image.ssim_multiscale`)."""
    a, b, max_val = _ssim_inputs(img1, img2, max_val)
    weights = [float(w) for w in np.reshape(np.asarray(power_factors), -1)]
    batch = tuple(a.shape)[:-3]
    flat = [array_ops.reshape(t, (-1,) + tuple(t.shape)[-3:]) for t in (a, b)]
    values = []
    for k in range(len(weights)):
        if k > 0:
            flat = [_pool2(t) for t in flat]
        imgs = [array_ops.reshape(t, batch + tuple(t.shape)[1:]) for t in flat]
        ssim_k, cs_k = _ssim_per_channel(imgs[0], imgs[1], max_val, int(filter_size), float(filter_sigma), k1, k2)
        values.append(math_ops.maximum(ssim_k if k == len(weights) - 1 else cs_k, _constant(cs_k, 0.0)))
    stacked = stack(values, axis=-1)
    powered = math_ops.pow(stacked, _constant(stacked, weights))
    return reduce_ops.reduce_mean(reduce_ops.reduce_prod(powered, [-1]), [-1])


def _pool2(x: Tensor) -> Tensor:
    """2x2 average pooling, VALID, after symmetric padding of odd sizes (TF's ms-ssim downsampling)."""
    _, h, w, _ = tuple(x.shape)
    x = pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]], mode="SYMMETRIC")
    _, h, w, _ = tuple(x.shape)
    rows = np.zeros((h // 2, h), np.float32)
    cols = np.zeros((w // 2, w), np.float32)
    for i in range(h // 2):
        rows[i, 2 * i:2 * i + 2] = 0.5
    for j in range(w // 2):
        cols[j, 2 * j:2 * j + 2] = 0.5
    return _separable(x, rows, cols)
