"""Specs for `tf.signal`: FFTs (through real and imaginary parts, so the gradient check covers
the complex rules), real FFTs, framing and DCTs."""
import numpy as np

from eagerflow._src.ops import math_ops
from eagerflow._src.ops import signal_ops as sig
from tests.ops.specs import OpSpec
from tests.ops.specs.linalg_specs import arrays

FLOATS = ("float32", "float64")
_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


def _split(fn):
    """`fn` of complex(re, im), returned as [real part, imaginary part]."""
    def run(re, im):
        out = fn(math_ops.complex(re, im))
        return [math_ops.real(out), math_ops.imag(out)]
    return run


def _np_split(fn):
    def run(re, im):
        out = fn(re + 1j * im).astype(_COMPLEX[re.dtype])
        return [out.real, out.imag]
    return run


def _np_dct(kind, norm=None):
    def run(x):
        from scipy.fft import dct

        return dct(x, type=kind, norm=norm, axis=-1).astype(x.dtype)
    return run


def _np_frame(x):
    return np.stack([x[..., i:i + 4] for i in range(0, x.shape[-1] - 3, 3)], axis=-2)


def _np_overlap_add(x):
    frames, length = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + ((frames - 1) * 2 + length,), x.dtype)
    for i in range(frames):
        out[..., 2 * i:2 * i + length] += x[..., i, :]
    return out


SPECS = [
    OpSpec("fft", _split(sig.fft), _np_split(np.fft.fft), arrays((2, 6), (2, 6)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("ifft", _split(sig.ifft), _np_split(np.fft.ifft), arrays((2, 5), (2, 5)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("fft2d", _split(sig.fft2d), _np_split(np.fft.fft2), arrays((2, 3, 4), (2, 3, 4)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("ifft3d", _split(sig.ifft3d), _np_split(lambda z: np.fft.ifftn(z, axes=(-3, -2, -1))),
           arrays((2, 3, 2, 3), (2, 3, 2, 3)), FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("fftnd_axes", _split(lambda z: sig.fftnd(z, axes=[0, 2])),
           _np_split(lambda z: np.fft.fftn(z, axes=(0, 2))), arrays((3, 2, 4), (3, 2, 4)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("ifftnd_ortho_length", _split(lambda z: sig.ifftnd(z, fft_length=[5], axes=[-1], norm="ortho")),
           _np_split(lambda z: np.fft.ifftn(z, s=[5], axes=[-1], norm="ortho")), arrays((2, 4), (2, 4)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("rfft", lambda x: _split(lambda z: z)(*_parts(sig.rfft(x))), lambda x: _np_parts(np.fft.rfft(x), x),
           arrays((2, 8)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("rfft_padded_odd", lambda x: _split(lambda z: z)(*_parts(sig.rfft(x, [9]))),
           lambda x: _np_parts(np.fft.rfft(x, 9), x), arrays((2, 6)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("rfft2d", lambda x: _split(lambda z: z)(*_parts(sig.rfft2d(x))), lambda x: _np_parts(np.fft.rfft2(x), x),
           arrays((2, 3, 4)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("rfftnd", lambda x: _split(lambda z: z)(*_parts(sig.rfftnd(x, axes=[0, 2]))),
           lambda x: _np_parts(np.fft.rfftn(x, axes=(0, 2)), x), arrays((3, 2, 4)), FLOATS,
           differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("irfft", lambda re, im: sig.irfft(math_ops.complex(re, im)),
           lambda re, im: np.fft.irfft(re + 1j * im).astype(re.dtype), arrays((2, 5), (2, 5)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("irfft_odd", lambda re, im: sig.irfft(math_ops.complex(re, im), [7]),
           lambda re, im: np.fft.irfft(re + 1j * im, 7).astype(re.dtype), arrays((2, 4), (2, 4)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("irfft2d", lambda re, im: sig.irfft2d(math_ops.complex(re, im)),
           lambda re, im: np.fft.irfft2(re + 1j * im).astype(re.dtype), arrays((3, 4), (3, 4)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("irfftnd", lambda re, im: sig.irfftnd(math_ops.complex(re, im), fft_length=[3, 6]),
           lambda re, im: np.fft.irfftn(re + 1j * im, s=[3, 6]).astype(re.dtype), arrays((3, 4), (3, 4)), FLOATS,
           rtol=1e-4, atol=1e-5),
    OpSpec("fftshift", sig.fftshift, np.fft.fftshift, arrays((3, 4)), FLOATS, differentiable=True),
    OpSpec("ifftshift_axis", lambda x: sig.ifftshift(x, axes=1), lambda x: np.fft.ifftshift(x, axes=1),
           arrays((3, 5)), FLOATS, differentiable=True),
    OpSpec("frame", lambda x: sig.frame(x, 4, 3), _np_frame, arrays((2, 13)), FLOATS + ("int32",), differentiable=True),
    OpSpec("overlap_and_add", lambda x: sig.overlap_and_add(x, 2), _np_overlap_add, arrays((2, 3, 5)), FLOATS,
           differentiable=True),
    OpSpec("dct2", sig.dct, _np_dct(2), arrays((2, 6)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("dct1", lambda x: sig.dct(x, type=1), _np_dct(1), arrays((2, 6)), FLOATS, differentiable=True,
           rtol=1e-4, atol=1e-5),
    OpSpec("dct3_ortho", lambda x: sig.dct(x, type=3, norm="ortho"), _np_dct(3, "ortho"), arrays((2, 6)), FLOATS,
           differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("dct4", lambda x: sig.dct(x, type=4), _np_dct(4), arrays((2, 6)), FLOATS, differentiable=True,
           rtol=1e-4, atol=1e-5),
]


def _parts(z):
    return math_ops.real(z), math_ops.imag(z)


def _np_parts(z, x):
    z = z.astype(_COMPLEX[x.dtype])
    return [z.real, z.imag]
