"""Spectral ops (`tf.signal`): FFTs of every rank, real FFTs, shifts, framing, STFTs, windows,
DCTs and mel filterbanks.

The FFT kernels are ops with TF's names and gradients; everything else is composed of
differentiable ops, as TF composes it in Python. Windows and filterbanks are constants.
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.dtype_sets import COMPLEX
from eagerflow._src.ops.gather_scatter_ops import gather
from eagerflow._src.ops.indexing_ops import pad
from eagerflow._src.ops.join_split_ops import stack
from eagerflow._src.ops.linalg_ops import matmul

_REAL = (_dtypes.float32, _dtypes.float64)
_COMPLEX_OF = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}
_REAL_OF = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}


def _size(x: Tensor, axes: tuple) -> int:
    shape = tuple(x.shape)
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def _invalid(message: str) -> Exception:
    return errors.InvalidArgumentError(None, None, message)


def _check_rank(x: Any, axes: tuple) -> None:
    if x.ndim < len(axes):
        raise _invalid(f"Input must have rank of at least {len(axes)} but got: {x.ndim}")


# --- complex to complex ------------------------------------------------------------------------
def _fft(xp: Any, x: Any, axes: tuple, inverse: bool = False, nd: bool = False) -> Any:
    _check_rank(x, axes)
    if x.size == 0:
        return x.copy()
    out = xp.fft.ifftn(x, axes=axes) if inverse else xp.fft.fftn(x, axes=axes)
    return out.astype(x.dtype, copy=False)


def _fft_grad(ctx: Any, dy: Tensor) -> tuple:
    # FFT's adjoint is N * IFFT; IFFT's is FFT / N.
    axes = ctx.attrs["axes"]
    inverse = ctx.attrs.get("inverse", False)
    op = _c2c_op(len(axes), not inverse, ctx.attrs.get("nd", False))
    out = execute(op, (dy,), {"axes": axes, "inverse": not inverse, "nd": ctx.attrs.get("nd", False)})
    dims = dy._array.shape
    if dims is None or any(dims[a] is None for a in axes):  # traced: the length known when it runs
        from eagerflow._src.ops import reduce_ops

        axes_t = math_ops.floormod(conversion.tensor(list(axes), _dtypes.int32), array_ops.rank(dy))
        sizes = gather(array_ops.shape(dy, out_type=_dtypes.int64), axes_t)
        n = math_ops.cast(math_ops.cast(reduce_ops.reduce_prod(sizes), _REAL_OF[np.dtype(out.dtype.as_numpy_dtype)]),
                          out.dtype)
        return (math_ops.multiply(out, n) if not inverse else math_ops.truediv(out, n),)
    n = _size(dy, axes)
    scale = conversion.scalar_like(float(n) if not inverse else 1.0 / n, out)
    return (math_ops.multiply(out, scale),)


FFT = Op("FFT", _fft, dtypes=COMPLEX, grad=_fft_grad)
IFFT = Op("IFFT", _fft, dtypes=COMPLEX, grad=_fft_grad)
FFT2D = Op("FFT2D", _fft, dtypes=COMPLEX, grad=_fft_grad)
IFFT2D = Op("IFFT2D", _fft, dtypes=COMPLEX, grad=_fft_grad)
FFT3D = Op("FFT3D", _fft, dtypes=COMPLEX, grad=_fft_grad)
IFFT3D = Op("IFFT3D", _fft, dtypes=COMPLEX, grad=_fft_grad)
FFTND = Op("FFTND", _fft, dtypes=COMPLEX, grad=_fft_grad)
IFFTND = Op("IFFTND", _fft, dtypes=COMPLEX, grad=_fft_grad)
_C2C = {(1, False): FFT, (1, True): IFFT, (2, False): FFT2D, (2, True): IFFT2D, (3, False): FFT3D,
        (3, True): IFFT3D}


def _c2c_op(rank: int, inverse: bool, nd: bool) -> Op:
    if nd:
        return IFFTND if inverse else FFTND
    return _C2C[(rank, inverse)]


def _preferred(x: Any, dtype: _dtypes.DType) -> Tensor:
    """`x` as TF's wrappers convert it: a tensor keeps its dtype; anything else is converted to
    the op's preferred `dtype` where it can be (TF's `preferred_dtype`)."""
    if isinstance(x, Tensor):
        return x
    try:
        return conversion.tensor(np.asarray(x).astype(dtype.as_numpy_dtype), dtype)
    except (TypeError, ValueError):
        return conversion.tensor(x)


def _complex_input(x: Any) -> Tensor:
    return _preferred(x, _dtypes.complex64)


def _run_c2c(x: Any, rank: int, inverse: bool) -> Tensor:
    x = _complex_input(x)
    axes = tuple(range(-rank, 0))
    try:
        return execute(_C2C[(rank, inverse)], (x,), {"axes": axes, "inverse": inverse})
    except errors.OpError as e:
        raise conversion.worded(e, x) from None


def fft(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """Fast Fourier transform over the innermost dimension (`tf.signal.fft`; complex input)."""
    return _run_c2c(input, 1, False)


def ifft(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Inverse FFT over the innermost dimension (`tf.signal.ifft`)."""
    return _run_c2c(input, 1, True)


def fft2d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """2-D FFT over the inner two dimensions (`tf.signal.fft2d`)."""
    return _run_c2c(input, 2, False)


def ifft2d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Inverse 2-D FFT over the inner two dimensions (`tf.signal.ifft2d`)."""
    return _run_c2c(input, 2, True)


def fft3d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """3-D FFT over the inner three dimensions (`tf.signal.fft3d`)."""
    return _run_c2c(input, 3, False)


def ifft3d(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Inverse 3-D FFT over the inner three dimensions (`tf.signal.ifft3d`)."""
    return _run_c2c(input, 3, True)


# --- real to complex and back ------------------------------------------------------------------
def _fit(x: Tensor, sizes: tuple, axes: tuple) -> Tensor:
    """`x` cropped or zero-padded to `sizes` along `axes` (TF pads the inner dims before an FFT)."""
    shape = list(x.shape)
    begin = [0] * len(shape)
    size = list(shape)
    paddings = [[0, 0] for _ in shape]
    for n, axis in zip(sizes, axes):
        axis %= len(shape)
        if n < shape[axis]:
            size[axis] = n
        elif n > shape[axis]:
            paddings[axis][1] = n - shape[axis]
    if size != shape:
        from eagerflow._src.ops.indexing_ops import slice as slice_

        x = slice_(x, begin, size)
    if any(p[1] for p in paddings):
        x = pad(x, paddings)
    return x


def _rfft(xp: Any, x: Any, axes: tuple, fft_length: tuple) -> Any:
    _check_rank(x, axes)
    out_dtype = _COMPLEX_OF[np.dtype(x.dtype)]
    out = xp.fft.rfftn(x, s=fft_length, axes=axes) if x.size or not all(fft_length) else None
    if out is None:
        shape = list(x.shape)
        shape[axes[-1]] = fft_length[-1] // 2 + 1
        return xp.zeros(tuple(shape), out_dtype)
    return out.astype(out_dtype, copy=False)


def _irfft(xp: Any, y: Any, axes: tuple, fft_length: tuple) -> Any:
    _check_rank(y, axes)
    out_dtype = _REAL_OF[np.dtype(y.dtype)]
    if not all(fft_length):
        shape = list(y.shape)
        for n, a in zip(fft_length, axes):
            shape[a] = n
        return xp.zeros(tuple(shape), out_dtype)
    return xp.fft.irfftn(y, s=fft_length, axes=axes).astype(out_dtype, copy=False)


def _rfft_grad(ctx: Any, dy: Tensor) -> tuple:
    # The adjoint of a real FFT: the dropped half of the spectrum is zero, then N * IFFT, real part.
    axes, lengths = ctx.attrs["axes"], ctx.attrs["fft_length"]
    full = _fit(dy, (lengths[-1],), (axes[-1],))
    back = execute(IFFTND, (full,), {"axes": axes, "inverse": True, "nd": True})
    n = int(np.prod(lengths, dtype=np.int64))
    return (math_ops.multiply(math_ops.real(back), conversion.scalar_like(float(n), math_ops.real(back))),)


def _irfft_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's rule: the RFFT of the gradient, / N, with the bins that stand for two (conjugate)
    # bins of the full spectrum doubled.
    axes, lengths = ctx.attrs["axes"], ctx.attrs["fft_length"]
    spectrum = execute(RFFTND, (dy,), {"axes": axes, "fft_length": lengths})
    bins = tuple(ctx.inputs[0].shape)[axes[-1]]
    odd = lengths[-1] % 2
    mask = np.concatenate([[1.0], np.full(max(bins - 2 + odd, 0), 2.0), np.ones(1 - odd)])[:bins]
    mask = mask / float(np.prod(lengths, dtype=np.int64))
    shape = [1] * spectrum.ndim
    shape[axes[-1]] = bins
    scale = conversion.tensor(mask.reshape(shape).astype(spectrum.dtype.as_numpy_dtype), spectrum.dtype)
    return (math_ops.multiply(spectrum, scale),)


RFFT = Op("RFFT", _rfft, dtypes=_REAL, grad=_rfft_grad)
IRFFT = Op("IRFFT", _irfft, dtypes=COMPLEX, grad=_irfft_grad)
RFFT2D = Op("RFFT2D", _rfft, dtypes=_REAL, grad=_rfft_grad)
IRFFT2D = Op("IRFFT2D", _irfft, dtypes=COMPLEX, grad=_irfft_grad)
RFFT3D = Op("RFFT3D", _rfft, dtypes=_REAL, grad=_rfft_grad)
IRFFT3D = Op("IRFFT3D", _irfft, dtypes=COMPLEX, grad=_irfft_grad)
RFFTND = Op("RFFTND", _rfft, dtypes=_REAL, grad=_rfft_grad)
IRFFTND = Op("IRFFTND", _irfft, dtypes=COMPLEX, grad=_irfft_grad)
_R2C = {1: (RFFT, IRFFT), 2: (RFFT2D, IRFFT2D), 3: (RFFT3D, IRFFT3D)}


def _lengths(fft_length: Any, rank: int) -> tuple | None:
    if fft_length is None:
        return None
    if isinstance(fft_length, Tensor):
        fft_length = fft_length.numpy()
    lengths = tuple(int(n) for n in np.reshape(np.asarray(fft_length), -1))
    if len(lengths) != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {len(lengths)} for fft_length")
    return lengths


def _real_input(x: Any) -> Tensor:
    x = _preferred(x, _dtypes.float32)
    if x.dtype not in _REAL:
        raise ValueError(f"RFFT requires tf.float32 or tf.float64 inputs, got: {x}")
    return x


def _complex_spectrum(x: Any) -> Tensor:
    x = _complex_input(x)
    if x.dtype not in COMPLEX:
        raise ValueError(f"IRFFT requires tf.complex64 or tf.complex128 inputs, got: {x}")
    return x


def _run_rfft(op: Op, x: Any, fft_length: Any, axes: tuple) -> Tensor:
    x = _real_input(x)
    shape = tuple(x.shape)
    lengths = _lengths(fft_length, len(axes)) or tuple(shape[a] for a in axes)
    return execute(op, (_fit(x, lengths, axes),), {"axes": axes, "fft_length": lengths})


def _run_irfft(op: Op, y: Any, fft_length: Any, axes: tuple) -> Tensor:
    y = _complex_spectrum(y)
    shape = tuple(y.shape)
    lengths = _lengths(fft_length, len(axes))
    if lengths is None:
        lengths = tuple(shape[a] for a in axes[:-1]) + (2 * (shape[axes[-1]] - 1),)
    fitted = _fit(y, lengths[:-1] + (lengths[-1] // 2 + 1,), axes)
    return execute(op, (fitted,), {"axes": axes, "fft_length": lengths})


def rfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """FFT of a real signal over the innermost dimension, `fft_length // 2 + 1` bins
    (`tf.signal.rfft`; float32 gives complex64, float64 complex128)."""
    return _run_rfft(RFFT, input_tensor, fft_length, (-1,))


def irfft(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """Inverse of `rfft` (default length `2 * (bins - 1)`) (`tf.signal.irfft`)."""
    return _run_irfft(IRFFT, input_tensor, fft_length, (-1,))


def rfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """2-D FFT of a real signal over the inner two dimensions (`tf.signal.rfft2d`)."""
    return _run_rfft(RFFT2D, input_tensor, fft_length, (-2, -1))


def irfft2d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """Inverse of `rfft2d` (`tf.signal.irfft2d`)."""
    return _run_irfft(IRFFT2D, input_tensor, fft_length, (-2, -1))


def rfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """3-D FFT of a real signal over the inner three dimensions (`tf.signal.rfft3d`)."""
    return _run_rfft(RFFT3D, input_tensor, fft_length, (-3, -2, -1))


def irfft3d(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
    """Inverse of `rfft3d` (`tf.signal.irfft3d`)."""
    return _run_irfft(IRFFT3D, input_tensor, fft_length, (-3, -2, -1))


# --- N-dimensional, with axes and norm ---------------------------------------------------------
def _nd_axes(x: Tensor, axes: Any) -> tuple:
    if axes is None:
        return tuple(range(x.ndim))
    axes = tuple(int(a) for a in np.reshape(np.asarray(axes.numpy() if isinstance(axes, Tensor) else axes), -1))
    return tuple(a % x.ndim if x.ndim else a for a in axes)


def _norm_scale(norm: Any, n: int, inverse: bool) -> float:
    """The factor TF's wrappers apply before the kernel for `norm` ('backward', 'forward', 'ortho')."""
    if norm in (None, "backward"):
        return 1.0
    if norm == "forward":
        return float(n) if inverse else 1.0 / n
    if norm == "ortho":
        return math.sqrt(n) if inverse else 1.0 / math.sqrt(n)
    raise ValueError(f"Invalid norm value {norm}; should be 'backward', 'ortho' or 'forward'.")


def _scaled(x: Tensor, factor: float) -> Tensor:
    return x if factor == 1.0 else math_ops.multiply(x, conversion.scalar_like(factor, x))


def _c2c_nd(input_tensor: Any, fft_length: Any, axes: Any, norm: Any, inverse: bool) -> Tensor:
    x = _complex_input(input_tensor)
    axes = _nd_axes(x, axes)
    shape = tuple(x.shape)
    lengths = _lengths(fft_length, len(axes)) or tuple(shape[a] for a in axes)
    x = _fit(x, lengths, axes)
    x = _scaled(x, _norm_scale(norm, int(np.prod(lengths, dtype=np.int64)), inverse))
    return execute(IFFTND if inverse else FFTND, (x,), {"axes": axes, "inverse": inverse, "nd": True})


def fftnd(input_tensor: Any, fft_length: Any = None, axes: Any = None, norm: Any = None,
          name: str | None = None) -> Tensor:
    """N-D FFT over `axes` (default: all), cropped or padded to `fft_length` (`tf.signal.fftnd`)."""
    return _c2c_nd(input_tensor, fft_length, axes, norm, False)


def ifftnd(input_tensor: Any, fft_length: Any = None, axes: Any = None, norm: Any = None,
           name: str | None = None) -> Tensor:
    """N-D inverse FFT over `axes` (default: all) (`tf.signal.ifftnd`)."""
    return _c2c_nd(input_tensor, fft_length, axes, norm, True)


def rfftnd(input_tensor: Any, fft_length: Any = None, axes: Any = None, norm: Any = None,
           name: str | None = None) -> Tensor:
    """N-D FFT of a real signal over `axes` (default: all) (`tf.signal.rfftnd`)."""
    x = _real_input(input_tensor)
    axes = _nd_axes(x, axes)
    shape = tuple(x.shape)
    lengths = _lengths(fft_length, len(axes)) or tuple(shape[a] for a in axes)
    x = _scaled(_fit(x, lengths, axes), _norm_scale(norm, int(np.prod(lengths, dtype=np.int64)), False))
    return execute(RFFTND, (x,), {"axes": axes, "fft_length": lengths})


def irfftnd(input_tensor: Any, fft_length: Any = None, axes: Any = None, norm: Any = None,
            name: str | None = None) -> Tensor:
    """Inverse of `rfftnd` (`tf.signal.irfftnd`)."""
    y = _complex_spectrum(input_tensor)
    axes = _nd_axes(y, axes)
    shape = tuple(y.shape)
    lengths = _lengths(fft_length, len(axes))
    if lengths is None:
        lengths = tuple(shape[a] for a in axes[:-1]) + (2 * (shape[axes[-1]] - 1),)
    y = _fit(y, lengths[:-1] + (lengths[-1] // 2 + 1,), axes)
    y = _scaled(y, _norm_scale(norm, int(np.prod(lengths, dtype=np.int64)), True))
    return execute(IRFFTND, (y,), {"axes": axes, "fft_length": lengths})


# --- shifts ------------------------------------------------------------------------------------
def _roll_halves(x: Tensor, axes: Any, inverse: bool) -> Tensor:
    x = conversion.tensor(x)
    if axes is None:
        axes = tuple(range(x.ndim))
    elif isinstance(axes, int):
        axes = (axes,)
    for axis in axes:
        n = x._array.shape[axis] if x._array.shape is not None else None
        if n is None:  # traced: the length known when the graph runs; row i takes (i + cut) % n
            size = array_ops.shape(x, out_type=_dtypes.int32)[axis]
            half = math_ops.floordiv(size, conversion.tensor(2, _dtypes.int32))
            cut = half if inverse else math_ops.subtract(size, half)
            rows = array_ops.range(conversion.tensor(0, _dtypes.int32), size, 1, dtype=_dtypes.int32)
            idx = math_ops.floormod(math_ops.add(rows, cut),
                                    math_ops.maximum(size, conversion.tensor(1, _dtypes.int32)))
            x = gather(x, idx, axis=axis if x._array.ndim is None else axis % x.ndim)
            continue
        shift = -(n // 2) if inverse else n // 2
        cut = (n - shift) % n if n else 0
        if cut:
            idx = np.concatenate([np.arange(cut, n), np.arange(cut)]).astype(np.int32)
            x = gather(x, idx, axis=axis % x.ndim)
    return x


def fftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """Moves the zero-frequency bin to the centre along `axes` (default: all) (`tf.signal.fftshift`)."""
    return _roll_halves(x, axes, False)


def ifftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """The inverse of `fftshift` (`tf.signal.ifftshift`)."""
    return _roll_halves(x, axes, True)


# --- framing -----------------------------------------------------------------------------------
def _int(value: Any) -> int:
    return int(value.numpy()) if isinstance(value, Tensor) else int(value)


def frame(signal: Any, frame_length: Any, frame_step: Any, pad_end: bool = False, pad_value: Any = 0,
          axis: int = -1, name: str | None = None) -> Tensor:
    """Frames of `frame_length` samples every `frame_step` along `axis`, which becomes two dims
    `[frames, frame_length]` (`tf.signal.frame`); `pad_end` pads the last frames with `pad_value`."""
    x = conversion.tensor(signal)
    length, step = _int(frame_length), _int(frame_step)
    if x.ndim < 1:
        raise ValueError(f"Shape must have rank at least 1 but is rank {x.ndim}")
    axis %= x.ndim
    n = tuple(x.shape)[axis]
    if n is None:  # traced, the length known when it runs: frame through ops
        return _frame_dynamic(x, length, step, pad_end, pad_value, axis)
    if pad_end:
        frames = -(-n // step)
        pad_to = max((frames - 1) * step + length, n)
        if pad_to > n:
            paddings = [[0, 0] for _ in range(x.ndim)]
            paddings[axis][1] = pad_to - n
            x = pad(x, paddings, constant_values=pad_value)
    else:
        frames = max(0, 1 + (n - length) // step) if n >= length else 0
    idx = (step * np.arange(frames)[:, None] + np.arange(length)[None, :]).astype(np.int32)
    return gather(x, idx.reshape(frames, length), axis=axis)


def _frame_dynamic(x: Tensor, length: int, step: int, pad_end: bool, pad_value: Any, axis: int) -> Tensor:
    """`frame` along an axis whose length a traced graph knows only when it runs."""
    int32 = _dtypes.int32
    n = array_ops.shape(x, out_type=int32)[axis]
    zero = conversion.tensor(0, int32)
    if pad_end:
        frames = math_ops.floordiv(math_ops.add(n, step - 1), step)
        pad_to = math_ops.maximum(math_ops.add(math_ops.multiply(math_ops.subtract(frames, 1), step), length), n)
        after = math_ops.subtract(pad_to, n)
        rows = [array_ops.zeros([2], int32) if i != axis else stack([zero, after])
                for i in builtins.range(x.ndim)]
        x = pad(x, stack(rows), constant_values=pad_value)
    else:
        frames = math_ops.maximum(zero, math_ops.add(math_ops.floordiv(math_ops.subtract(n, length), step), 1))
    starts = math_ops.multiply(array_ops.range(zero, frames, 1, dtype=int32), step)
    idx = math_ops.add(array_ops.expand_dims(starts, 1),
                       conversion.tensor(np.arange(length, dtype=np.int32)[None, :], int32))
    return gather(x, idx, axis=axis)


def _overlap_and_add(xp: Any, x: Any, frame_step: int) -> Any:
    if x.ndim < 2:
        raise _invalid(f"Shape must have rank at least 2 but is rank {x.ndim}")
    frames, length = x.shape[-2:]
    out = xp.zeros(x.shape[:-2] + (max(0, (frames - 1) * frame_step + length) if frames else 0,), x.dtype)
    for i in range(frames):
        out[..., i * frame_step: i * frame_step + length] += x[..., i, :]
    return out


def _overlap_and_add_grad(ctx: Any, dy: Tensor) -> tuple:
    length = tuple(ctx.inputs[0].shape)[-1]
    return (frame(dy, length, ctx.attrs["frame_step"]),)


OVERLAP_AND_ADD = Op("OverlapAndAdd", _overlap_and_add, grad=_overlap_and_add_grad)


def overlap_and_add(signal: Any, frame_step: Any, name: str | None = None) -> Tensor:
    """Sums frames `[..., frames, frame_length]` placed every `frame_step` samples
    (`tf.signal.overlap_and_add`)."""
    x = conversion.tensor(signal)
    step = _int(frame_step)
    if x.ndim < 2:
        raise ValueError(f"Shape must have rank at least 2 but is rank {x.ndim}")
    if step > tuple(x.shape)[-1]:
        raise ValueError(f"frame_step ({step}) must be less than or equal to frame_length "
                         f"({tuple(x.shape)[-1]})")
    return execute(OVERLAP_AND_ADD, (x,), {"frame_step": step})


# --- windows -----------------------------------------------------------------------------------
def _window(values: np.ndarray, dtype: Any) -> Tensor:
    dt = _dtypes.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dt}")
    return conversion.tensor(np.asarray(values, np.float64).astype(dt.as_numpy_dtype), dt)


def _raised_cosine(window_length: Any, periodic: Any, dtype: Any, a: float, b: float) -> Tensor:
    n = _int(window_length)
    periodic = bool(periodic.numpy()) if isinstance(periodic, Tensor) else bool(periodic)
    if n == 1:
        return _window(np.ones(1), dtype)
    even = 1 - n % 2
    denominator = n + int(periodic) * even - 1
    return _window(a - b * np.cos(2.0 * np.pi * np.arange(n) / denominator), dtype)


def hann_window(window_length: Any, periodic: Any = True, dtype: Any = _dtypes.float32,
                name: str | None = None) -> Tensor:
    """The Hann window `0.5 - 0.5 cos(2 pi n / N)` (`tf.signal.hann_window`)."""
    return _raised_cosine(window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length: Any, periodic: Any = True, dtype: Any = _dtypes.float32,
                   name: str | None = None) -> Tensor:
    """The Hamming window `0.54 - 0.46 cos(2 pi n / N)` (`tf.signal.hamming_window`)."""
    return _raised_cosine(window_length, periodic, dtype, 0.54, 0.46)


def kaiser_window(window_length: Any, beta: float = 12.0, dtype: Any = _dtypes.float32,
                  name: str | None = None) -> Tensor:
    """The Kaiser window with shape parameter `beta` (`tf.signal.kaiser_window`)."""
    n = _int(window_length)
    return _window(np.kaiser(n, float(beta)) if n != 1 else np.ones(1), dtype)


def kaiser_bessel_derived_window(window_length: Any, beta: float = 12.0, dtype: Any = _dtypes.float32,
                                 name: str | None = None) -> Tensor:
    """The Kaiser-Bessel derived window, for MDCTs (`tf.signal.kaiser_bessel_derived_window`)."""
    n = _int(window_length)
    half = n // 2
    cumulative = np.cumsum(np.kaiser(half + 1, float(beta)))
    rising = np.sqrt(cumulative[:-1] / cumulative[-1])
    return _window(np.concatenate([rising, rising[::-1]]), dtype)


def vorbis_window(window_length: Any, dtype: Any = _dtypes.float32, name: str | None = None) -> Tensor:
    """The Vorbis power-complementary window (`tf.signal.vorbis_window`)."""
    n = _int(window_length)
    return _window(np.sin(np.pi / 2.0 * np.sin(np.pi / n * (np.arange(n) + 0.5)) ** 2), dtype)


# --- STFT --------------------------------------------------------------------------------------
def _default_fft_length(frame_length: int) -> int:
    return 1 << max(0, (frame_length - 1).bit_length())


def stft(signals: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
         window_fn: Any = hann_window, pad_end: bool = False, name: str | None = None) -> Tensor:
    """Short-time Fourier transform: windowed frames, each `rfft`'d to `fft_length // 2 + 1` bins
    (`tf.signal.stft`; default `fft_length` is the next power of two)."""
    x = conversion.tensor(signals)
    length = _int(frame_length)
    n_fft = _default_fft_length(length) if fft_length is None else _int(fft_length)
    framed = frame(x, length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = math_ops.multiply(framed, window_fn(length, dtype=x.dtype))
    return rfft(framed, [n_fft])


def inverse_stft(stfts: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
                 window_fn: Any = hann_window, name: str | None = None) -> Tensor:
    """Overlap-adds the windowed inverse FFTs of `stfts` (`tf.signal.inverse_stft`); pair with
    `inverse_stft_window_fn` for perfect reconstruction."""
    y = _complex_spectrum(stfts)
    length = _int(frame_length)
    n_fft = _default_fft_length(length) if fft_length is None else _int(fft_length)
    frames = irfft(y, [n_fft])
    frames = _fit(frames, (length,), (-1,))
    if window_fn is not None:
        frames = math_ops.multiply(frames, window_fn(length, dtype=frames.dtype))
    return overlap_and_add(frames, frame_step)


def inverse_stft_window_fn(frame_step: Any, forward_window_fn: Any = hann_window, name: str | None = None) -> Any:
    """A window function for `inverse_stft` that undoes `forward_window_fn`'s overlap gain
    (`tf.signal.inverse_stft_window_fn`)."""
    step = _int(frame_step)

    def inverse_window_fn(frame_length: Any, dtype: Any) -> Tensor:
        length = _int(frame_length)
        forward = forward_window_fn(length, dtype=dtype)
        squared = np.square(forward.numpy().astype(np.float64))
        overlaps = -(-length // step)
        padded = np.pad(squared, (0, overlaps * step - length))
        denominator = np.tile(padded.reshape(overlaps, step).sum(0, keepdims=True), (overlaps, 1)).reshape(-1)
        return _window(forward.numpy().astype(np.float64) / denominator[:length], dtype)
    return inverse_window_fn


# --- DCT ---------------------------------------------------------------------------------------
def _dct_matrix(n: int, kind: int, norm: Any, dtype: Any) -> np.ndarray:
    """M with `dct(x) = x @ M` for rows x of length n (SciPy's DCT of the identity)."""
    from scipy.fft import dct as scipy_dct

    return scipy_dct(np.eye(n), type=kind, norm=norm, axis=-1).astype(dtype)


def _check_dct(type: int, n: Any, axis: int, norm: Any, length: int | None) -> None:  # noqa: A002
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if n is not None and n < 1:
        raise ValueError(f"n should be a positive integer or None. Got: {n}")
    if type not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if type == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        if length is not None and length < 2:
            raise ValueError(f"Type-I DCT requires the dimension to be greater than one. Got: {length}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")


def dct(input: Any, type: int = 2, n: Any = None, axis: int = -1, norm: Any = None,  # noqa: A002
        name: str | None = None) -> Tensor:
    """Discrete cosine transform of types I-IV over the innermost dimension, SciPy's definition,
    truncated or zero-padded to `n` (`tf.signal.dct`)."""
    x = conversion.tensor(input)
    _check_dct(type, n, axis, norm, tuple(x.shape)[-1] if x.ndim else None)
    if x.dtype not in _REAL:
        raise ValueError(f"Expected float32 or float64 input, got {x.dtype}")
    if n is not None:
        x = _fit(x, (int(n),), (-1,))
    length = tuple(x.shape)[-1]
    _check_dct(type, None, axis, norm, length)
    basis = conversion.tensor(_dct_matrix(length, type, norm, x.dtype.as_numpy_dtype), x.dtype)
    flat = array_ops.reshape(x, (-1, length))
    return array_ops.reshape(matmul(flat, basis), tuple(x.shape))


def idct(input: Any, type: int = 2, n: Any = None, axis: int = -1, norm: Any = None,  # noqa: A002
         name: str | None = None) -> Tensor:
    """Inverse DCT: the DCT of the inverse type (II and III swap), unscaled unless `norm='ortho'`,
    as TF's (`tf.signal.idct`)."""
    _check_dct(type, n, axis, norm, None)
    return dct(input, type={1: 1, 2: 3, 3: 2, 4: 4}[type], n=n, axis=axis, norm=norm)


# --- mel scale ---------------------------------------------------------------------------------
def _hertz_to_mel(frequencies: np.ndarray) -> np.ndarray:
    return 1127.0 * np.log1p(frequencies / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins: int = 20, num_spectrogram_bins: int = 129,
                                sample_rate: Any = 8000, lower_edge_hertz: float = 125.0,
                                upper_edge_hertz: float = 3800.0, dtype: Any = _dtypes.float32,
                                name: str | None = None) -> Tensor:
    """A `[num_spectrogram_bins, num_mel_bins]` matrix of triangular HTK-mel filters, rows for
    linear frequency bins 0..Nyquist (`tf.signal.linear_to_mel_weight_matrix`).

    Raises:
      ValueError: TF's checks on the bins, edges, sample rate and dtype.
    """
    dt = _dtypes.as_dtype(dtype)
    num_mel_bins, num_spectrogram_bins = _int(num_mel_bins), _int(num_spectrogram_bins)
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError("lower_edge_hertz %.1f >= upper_edge_hertz %.1f" % (lower_edge_hertz, upper_edge_hertz))
    rate = float(sample_rate.numpy()) if isinstance(sample_rate, Tensor) else sample_rate
    if not isinstance(sample_rate, Tensor):
        if sample_rate <= 0.0:
            raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
        if upper_edge_hertz > sample_rate / 2:
            raise ValueError("upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / 2). "
                             f"Got {upper_edge_hertz} for sample_rate: {sample_rate}")
    if not dt.is_floating:
        raise ValueError(f"dtype must be a floating point type. Got: {dt}")
    work = dt.as_numpy_dtype if dt in _REAL else np.float32
    # Bin 0 (DC) gets no weight; TF computes in the target dtype, so does this.
    linear = np.linspace(0.0, rate / 2.0, num_spectrogram_bins).astype(work)[1:]
    bins_mel = _hertz_to_mel(linear).astype(work)[:, None]
    edges = np.linspace(_hertz_to_mel(np.asarray(lower_edge_hertz, work)), _hertz_to_mel(np.asarray(upper_edge_hertz, work)),
                        num_mel_bins + 2).astype(work)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(np.zeros((), work), np.minimum(lower_slopes, upper_slopes))
    weights = np.concatenate([np.zeros((1, num_mel_bins), work), weights], axis=0)
    return conversion.tensor(weights.astype(dt.as_numpy_dtype), dt)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: Any, name: str | None = None) -> Tensor:
    """MFCCs: the orthonormal-scaled DCT-II of log-mel spectrograms over the innermost dimension
    (`tf.signal.mfccs_from_log_mel_spectrograms`)."""
    x = conversion.tensor(log_mel_spectrograms)
    bins = tuple(x.shape)[-1]
    if bins < 1:
        raise ValueError("num_mel_bins must be positive.")
    return math_ops.multiply(dct(x, type=2), conversion.scalar_like(1.0 / math.sqrt(bins * 2.0), x))


# --- MDCT --------------------------------------------------------------------------------------
def _quarters(x: Tensor) -> list:
    n = tuple(x.shape)[-1] // 4
    return [x[..., i * n:(i + 1) * n] for i in range(4)]


def _flip(x: Tensor) -> Tensor:
    return array_ops.reverse(x, [x.ndim - 1])


def mdct(signals: Any, frame_length: Any, window_fn: Any = vorbis_window, pad_end: bool = False, norm: Any = None,
         name: str | None = None) -> Tensor:
    """Modified DCT of half-overlapping frames: the frame folded to half length, then a type-IV
    DCT (`tf.signal.mdct`; `frame_length` a multiple of 4).

    Raises:
      ValueError: a frame length that is not a multiple of 4.
    """
    from eagerflow._src.ops.join_split_ops import concat

    x = conversion.tensor(signals)
    length = _int(frame_length)
    if length % 4 != 0:
        raise ValueError("The frame length must be a multiple of 4.")
    framed = frame(x, length, length // 2, pad_end=pad_end)
    if window_fn is not None:
        framed = math_ops.multiply(framed, window_fn(length, dtype=framed.dtype))
    else:
        framed = math_ops.multiply(framed, conversion.scalar_like(1.0 / math.sqrt(2.0), framed))
    a, b, c, d = _quarters(framed)
    first = math_ops.subtract(math_ops.negative(_flip(c)), d)
    second = math_ops.subtract(a, _flip(b))
    return dct(concat([first, second], -1), type=4, norm=norm)


def inverse_mdct(mdcts: Any, window_fn: Any = vorbis_window, norm: Any = None, name: str | None = None) -> Tensor:
    """Inverse of `mdct`: type-IV DCT, unfolded to full frames, windowed and overlap-added
    (`tf.signal.inverse_mdct`)."""
    from eagerflow._src.ops.join_split_ops import concat

    y = conversion.tensor(mdcts)
    half = tuple(y.shape)[-1]
    if norm is None:
        unfolded = math_ops.multiply(dct(y, type=4), conversion.scalar_like(0.5 / half, y))
    elif norm == "ortho":
        unfolded = dct(y, type=4, norm="ortho")
    else:
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    lo, hi = unfolded[..., : half // 2], unfolded[..., half // 2:]
    frames = concat([hi, math_ops.negative(_flip(hi)), math_ops.negative(_flip(lo)), math_ops.negative(lo)], -1)
    if window_fn is not None:
        frames = math_ops.multiply(frames, window_fn(2 * half, dtype=frames.dtype))
    else:
        frames = math_ops.multiply(frames, conversion.scalar_like(1.0 / math.sqrt(2.0), frames))
    return overlap_and_add(frames, half)
