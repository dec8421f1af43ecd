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


def _words(hits: Any) -> Any:
    """(K, n) bool planes seen as the widest unsigned words that split each plane evenly: 0/1 bytes
    combine with bitwise and/or/xor 8 at a time, with the same bytes as the bool operations."""
    size = hits[0].size
    for dtype in (np.uint64, np.uint32, np.uint16):
        if size % np.dtype(dtype).itemsize == 0:
            return hits.reshape(len(hits), -1).view(dtype)
    return hits.reshape(len(hits), -1).view(np.uint8)


def _tiled_hits(xp: Any, spec: Any, x: Any, y: Any, positive: bool = False) -> tuple:
    """(planes, hits) for tiling windows: `planes` (kh * kw * n * oh * ow + 1, C) holds each window
    offset's inputs contiguously (one gathering copy) and a spare last row, `hits` (kh * kw, n, oh,
    ow, C) marks the window's first input equal to its output (offsets in row-major order, as
    pooling_ops' general walk); with `positive`, only in windows whose output is > 0. Every step
    after the copy is a flat, contiguous operation."""
    (kh, kw), (oh, ow) = spec.k, spec.outs
    n, h, w, c = x.shape
    k = kh * kw
    rows = temp(xp, "pool.planes", (k * n * oh * ow + 1, c), x.dtype)
    planes = rows[:-1].reshape(k, n, oh, ow, c)
    if _gather_rows(x):  # channel rows as single void items, each stored where it goes, in x's
        # order: reading x front to back streams it from memory (np.take in the planes' order
        # read each row of x from a different offset in turn: 1.4x slower when x is not in the
        # cache); rows in no window all go to the spare last row
        item = np.dtype((np.void, c * x.dtype.itemsize))
        rows.view(item)[:, 0][_window_order_inverse(n, h, w, kh, kw, oh, ow)] = x.view(item).reshape(-1)
    else:
        planes.reshape(kh, kw, n, oh, ow, c)[...] = _blocks(x, spec).transpose(2, 4, 0, 1, 3, 5)
    hits = xp.equal(planes, y[None], out=temp(xp, "pool.hits", planes.shape, bool))
    if xp is np:
        # Bit-parallel on words: `seen` (or-accumulated over offsets) holds each window's hits so
        # far; an offset's first hits are its `seen` minus the previous one's (xor: a subset).
        words = _words(hits)
        if positive:
            words &= _words(np.greater(y, 0, out=temp(xp, "pool.positive", y.shape, bool))[None])
        if k > 1:  # (bitwise_or.accumulate over axis 0 would loop over the k offsets innermost)
            seen = temp(xp, "pool.seen", words.shape, words.dtype)
            np.copyto(seen[0], words[0])
            for i in range(1, k):
                np.bitwise_or(seen[i - 1], words[i], out=seen[i])
            np.bitwise_xor(seen[1:], seen[:-1], out=words[1:])
        return rows, hits
    taken = hits[0]
    if k > 2:
        taken = temp(xp, "pool.taken", taken.shape, bool)
        xp.copyto(taken, hits[0])
    for i in range(1, k):
        xp.greater(hits[i], taken, out=hits[i])  # a maximum here and none before
        if i + 1 < k:
            taken |= hits[i]
    if positive:  # where hit, x is the window's output y: test y > 0, a quarter of the inputs
        hits &= xp.greater(y, 0, out=temp(xp, "pool.positive", y.shape, bool))[None]
    return rows, hits


def max_grad(xp: Any, spec: Any, x: Any, y: Any, g: Any, dx: Any, relu: bool = False) -> None:
    """MaxPoolGrad where the windows tile the input: each window's gradient times its first
    maximum's 0/1 mask (times `x > 0` with `relu`: ReluGrad fused), computed offset by offset
    and moved back into the window layout of `dx`. The mask is made float (one cast) and multiplied:
    g * 1.0 and g * 0.0 (-0.0 for negative g, NaN for NaN and inf), as g * bool would."""
    rows, hits = _tiled_hits(xp, spec, x, y, positive=relu)
    # (g * hit) * (x > 0) is g * (hit and x > 0) bit for bit: both factors are 0 or 1; and where
    # hit, x is the window's output y: so the ReLU test is y > 0, in `hits` already
    (kh, kw), (oh, ow) = spec.k, spec.outs
    n, h, w, c = x.shape
    if rows.dtype != dx.dtype:
        rows = temp(xp, "pool.grads", rows.shape, dx.dtype)
    grads = rows[:-1].reshape(hits.shape)  # the planes are read: their memory takes the gradients
    xp.copyto(grads, hits)
    xp.multiply(g[None], grads, out=grads)
    if _gather_rows(dx):  # every row of dx, those past the last window from the zero row
        rows[-1] = 0
        np.take(rows, _window_order_inverse(n, h, w, kh, kw, oh, ow), axis=0, mode="clip", out=dx.reshape(-1, c))
    else:
        _blocks(dx, spec)[...] = grads.reshape(kh, kw, n, oh, ow, c).transpose(2, 3, 0, 4, 1, 5)


def max_pool(spec: Any, x: Any, out: Any) -> None:
    """MaxPool of channels-last, C-contiguous NumPy `x` into `out` where the windows tile it, in
    long flat loops: the maximum of x and x shifted by one image row (then two...) over the whole
    flattened batch, the same for the result shifted by one channel row, and then each window's
    start is copied out (a single void item per channel row). Elsewhere the shifted maxima mix
    neighbouring windows and are never read. A strided slice per offset would loop over
    rows of W * C or C values, each loop costing NumPy ~0.2 us here. Same operands in the same
    order as pooling_ops' `_separable` (rows, then columns): the same bits."""
    (kh, kw), (oh, ow) = spec.k, spec.outs
    n, h, w, c = x.shape
    flat = x.reshape(-1)
    row = w * c
    valid = flat.size - (kh - 1) * row
    if kh > 1:
        acc = temp(np, "pool.rows", flat.shape, x.dtype)
        np.maximum(flat[:valid], flat[row:row + valid], out=acc[:valid])
        for i in range(2, kh):
            np.maximum(acc[:valid], flat[i * row:i * row + valid], out=acc[:valid])
        flat = acc
    if kw > 1:
        cols = temp(np, "pool.cols", flat.shape, x.dtype)
        last = valid - (kw - 1) * c
        np.maximum(flat[:last], flat[c:c + last], out=cols[:last])
        for j in range(2, kw):
            np.maximum(cols[:last], flat[j * c:j * c + last], out=cols[:last])
        flat = cols
    item = np.dtype((np.void, c * x.dtype.itemsize))
    out.view(item)[..., 0] = flat.view(item).reshape(n, h, w)[:, :oh * kh:kh, :ow * kw:kw]


def fast_max_pool(spec: Any, x: Any) -> bool:
    """Whether `max_pool` applies: NumPy, windows tiling the input, C-contiguous channels-last."""
    return tiles(spec) and _gather_rows(x) and all(o > 0 for o in spec.outs)
