"""Max pooling where 2-D windows tile the input (window == stride, no padding: 2x2 pooling by 2).

NHWC windows interleave their offsets every C values, so a NumPy loop over one offset runs C
values at a time. Here each window offset's inputs are first gathered into one contiguous plane
(np.take of whole channel rows: one memcpy each), then the compare with the output, the choice of
each window's first maximum and the gradient's multiply are flat loops over planes, and the
gradients go back to the window layout the same way. `spec` is pooling_ops' `_Pool`.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads


def temp(xp: Any, slot: str, shape: tuple, dtype: Any) -> Any:
    """A temporary array for one kernel task (reused memory on the host threads)."""
    return host_threads.scratch(slot, shape, dtype) if xp is np else xp.empty(shape, dtype)


def tiles(spec: Any) -> bool:
    """Whether 2-D windows tile the input: window == stride, no padding (2x2 pooling by 2)."""
    return spec.disjoint() and spec.k == spec.s and spec.unpadded() and len(spec.k) == 2


def _blocks(x: Any, spec: Any) -> Any:
    """The tiled part of channels-last `x` as (n, oh, kh, ow, kw, C) windows (a view)."""
    (kh, kw), (oh, ow) = spec.k, spec.outs
    return x[:, :oh * kh, :ow * kw].reshape(x.shape[0], oh, kh, ow, kw, x.shape[-1])


@functools.lru_cache(maxsize=16)
def _window_order(n: int, h: int, w: int, kh: int, kw: int, oh: int, ow: int) -> Any:
    """For n (h, w) images seen as rows of C channels: the rows of each window offset in turn,
    (kh, kw, n, oh, ow) order."""
    rows = np.arange(n * h * w).reshape(n, h, w)[:, :oh * kh, :ow * kw].reshape(n, oh, kh, ow, kw)
    order = rows.transpose(2, 4, 0, 1, 3).ravel()
    order.flags.writeable = False
    return order


@functools.lru_cache(maxsize=16)
def _window_order_inverse(n: int, h: int, w: int, kh: int, kw: int, oh: int, ow: int) -> Any:
    """For each of the n * h * w rows, where `_window_order` put it; rows in no window (past the
    last one) get the index one past the end, a row of zeros."""
    order = _window_order(n, h, w, kh, kw, oh, ow)
    inverse = np.full(n * h * w, order.size, np.intp)
    inverse[order] = np.arange(order.size)
    inverse.flags.writeable = False
    return inverse


def _gather_rows(x: Any) -> bool:
    """Whether channels-last `x`'s rows of C channels can be moved whole (np.take of rows):
    the channel rows' copies then cost one memcpy each, not C element copies."""
    return type(x) is np.ndarray and x.flags.c_contiguous and x.shape[-1] > 0


def _tiled_hits(xp: Any, spec: Any, x: Any, y: Any) -> tuple:
    """(planes, hits) for tiling windows: `planes` (kh * kw, n, oh, ow, C) holds each window
    offset's inputs contiguously (one gathering copy), `hits` marks the window's first input
    equal to its output (offsets in row-major order, as pooling_ops' general walk). Every step after
    the copy is a flat, contiguous operation."""
    (kh, kw), (oh, ow) = spec.k, spec.outs
    n, h, w, c = x.shape
    planes = temp(xp, "pool.planes", (kh, kw, n, oh, ow, c), x.dtype)
    if _gather_rows(x):
        np.take(x.reshape(-1, c), _window_order(n, h, w, kh, kw, oh, ow), axis=0, mode="clip",
                out=planes.reshape(-1, c))
    else:
        planes[...] = _blocks(x, spec).transpose(2, 4, 0, 1, 3, 5)
    planes = planes.reshape(kh * kw, n, oh, ow, c)
    hits = xp.equal(planes, y[None], out=temp(xp, "pool.hits", planes.shape, bool))
    taken = hits[0]
    if len(hits) > 2:
        taken = temp(xp, "pool.taken", taken.shape, bool)
        xp.copyto(taken, hits[0])
    for i in range(1, len(hits)):
        xp.greater(hits[i], taken, out=hits[i])  # a maximum here and none before
        if i + 1 < len(hits):
            taken |= hits[i]
    return planes, hits


def max_grad(xp: Any, spec: Any, x: Any, y: Any, g: Any, dx: Any, relu: bool = False) -> None:
    """MaxPoolGrad where the windows tile the input: each window's gradient times its first
    maximum's 0/1 mask (times `x > 0` with `relu`: ReluGrad fused), computed offset by offset
    and moved back into the window layout of `dx`."""
    planes, hits = _tiled_hits(xp, spec, x, y)
    if relu:  # (g * hit) * (x > 0) is g * (hit and x > 0) bit for bit: both factors are 0 or 1;
        # and where hit, x is the window's output y: test y > 0, a quarter of the inputs
        hits &= xp.greater(y, 0, out=temp(xp, "pool.positive", y.shape, bool))[None]
    (kh, kw), (oh, ow) = spec.k, spec.outs
    n, h, w, c = x.shape
    rows = temp(xp, "pool.grads", (hits.size // c + 1, c), dx.dtype)  # and a row of zeros
    rows[-1] = 0
    grads = xp.multiply(g[None], hits, out=rows[:-1].reshape(hits.shape))
    if _gather_rows(dx):  # every row of dx, those past the last window from the zero row
        np.take(rows, _window_order_inverse(n, h, w, kh, kw, oh, ow), axis=0, mode="clip", out=dx.reshape(-1, c))
    else:
        _blocks(dx, spec)[...] = grads.reshape(kh, kw, n, oh, ow, c).transpose(2, 3, 0, 4, 1, 5)
