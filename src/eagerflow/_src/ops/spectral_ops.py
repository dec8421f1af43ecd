"""`tf.fftnd` / `tf.ifftnd` / `tf.rfftnd` / `tf.irfftnd`: TF's raw FFTND, IFFTND, RFFTND and IRFFTND
op wrappers (`fft_length` and `axes` required, one length per axis), run by the same kernels and
gradients as `tf.signal.fftnd` & co. TF 2.21 registers no CPU kernel for these ops (it raises
NotFoundError there); eagerflow computes them on every device."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.ops import math_ops, signal_ops


def _axes_and_lengths(fft_length: Any, axes: Any) -> tuple:
    lengths = [int(v) for v in _flat(fft_length)]
    axes = [int(v) for v in _flat(axes)]
    if len(lengths) != len(axes):
        raise ValueError(f"fft_length and axes must have the same length, got {len(lengths)} and {len(axes)}")
    return lengths, axes


def _flat(value: Any) -> list:
    import numpy as np
    return list(np.reshape(np.asarray(value.numpy() if hasattr(value, "numpy") else value), -1))


def fftnd(input: Any, fft_length: Any, axes: Any, name: str | None = None) -> Any:  # noqa: A002
    """N-D FFT of complex `input` over `axes`, cropped or zero-padded to `fft_length`."""
    lengths, axes = _axes_and_lengths(fft_length, axes)
    return signal_ops.fftnd(input, lengths, axes)


def ifftnd(input: Any, fft_length: Any, axes: Any, name: str | None = None) -> Any:  # noqa: A002
    """N-D inverse FFT of complex `input` over `axes`, cropped or zero-padded to `fft_length`."""
    lengths, axes = _axes_and_lengths(fft_length, axes)
    return signal_ops.ifftnd(input, lengths, axes)


def rfftnd(input: Any, fft_length: Any, axes: Any, Tcomplex: Any = _dtypes.complex64,  # noqa: A002, N803
           name: str | None = None) -> Any:
    """N-D FFT of real `input` over `axes`: the last axis keeps fft_length[-1] // 2 + 1 terms."""
    return _in_dtype(signal_ops.rfftnd(input, *_axes_and_lengths(fft_length, axes)), Tcomplex)


def irfftnd(input: Any, fft_length: Any, axes: Any, Treal: Any = _dtypes.float32,  # noqa: A002, N803
            name: str | None = None) -> Any:
    """Inverse of `rfftnd`: a real signal of `fft_length` over `axes`."""
    return _in_dtype(signal_ops.irfftnd(input, *_axes_and_lengths(fft_length, axes)), Treal)


def _in_dtype(out: Any, dtype: Any) -> Any:
    target = _dtypes.as_dtype(dtype)
    return out if out.dtype == target else math_ops.cast(out, target)
