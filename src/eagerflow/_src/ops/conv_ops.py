"""Convolutions (`tf.nn.conv1d/2d/3d`, `convolution`, the transposes), through BLAS GEMMs.

Every kernel works channels-last: "NC..." inputs are moved to "N...C" first. A forward views the
padded input's patches with `as_strided` (padding, strides and dilations are only strides), copies
them a chunk at a time into a [pixels, window * channels] matrix and multiplies each chunk by the
filter with one BLAS matmul (im2col). Backprop to the filter multiplies the same patch chunks by
the output gradient. Backprop to the input is, at stride 1, a correlation of the padded output
gradient with the flipped filter (the same im2col path); at larger strides one matmul gives each
patch's gradient and a loop over the window's offsets (9 for 3x3, never over pixels) adds them
back (col2im). Grouped filters (input depth a multiple of the filter's) are batched matmuls.

TF's op structure is kept so gradients of gradients are TF's: Conv2D's gradient is
Conv2DBackpropInput and Conv2DBackpropFilter, and each of those differentiates into the other
two (the same for Conv3D, and DepthwiseConv2dNative in depthwise_conv_ops).
"""
from __future__ import annotations

import itertools
import math
import threading
from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import errors
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.shape_inference import shape_value
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion
from eagerflow._src.ops.dtype_sets import FLOAT

_CONV_DTYPES = FLOAT + (_dtypes.int32,)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# --- geometry ----------------------------------------------------------------------------------
def channels_first(data_format: str) -> bool:
    return data_format.startswith("NC")


def spatial(values: Any, data_format: str) -> list:
    """The spatial entries of a per-dimension list given in `data_format` order."""
    values = list(values)
    return values[2:] if channels_first(data_format) else values[1:-1]


def _explicit_pairs(explicit: Any, data_format: str, ndim: int) -> list:
    pairs = [(int(explicit[2 * i]), int(explicit[2 * i + 1])) for i in range(ndim + 2)]
    batch_channel = (pairs[0], pairs[1]) if channels_first(data_format) else (pairs[0], pairs[-1])
    if any(batch_channel[0] + batch_channel[1]):  # TF's reference kernel (oneDNN's ignores them)
        raise _invalid("Nonzero explicit padding in the batch or depth dimensions is not supported")
    return spatial(pairs, data_format)


def geometry(in_sizes: Any, k_sizes: Any, strides: Any, dilations: Any, padding: str,
             explicit: Any = None, data_format: str = "NHWC") -> tuple[list, list]:
    """Output sizes and (low, high) paddings per spatial dimension, by TF's rules."""
    outs, pads = [], []
    explicit_pairs = _explicit_pairs(explicit, data_format, len(in_sizes)) if padding == "EXPLICIT" else None
    for i, (n, k, s, d) in enumerate(zip(in_sizes, k_sizes, strides, dilations)):
        eff = (k - 1) * d + 1
        if padding == "SAME":
            out = -(-n // s)
            total = max((out - 1) * s + eff - n, 0)
            lo, hi = total // 2, total - total // 2
        elif padding == "VALID":
            out = (n - eff) // s + 1 if n >= eff else (n - eff + 1) // s
            lo = hi = 0
        else:
            lo, hi = explicit_pairs[i]
            out = (n + lo + hi - eff) // s + 1 if n + lo + hi >= eff else (n + lo + hi - eff + 1) // s
        if out < 0:
            raise _invalid(f"Computed output size would be negative: {out} [input_size: {n}, "
                           f"effective_filter_size: {eff}, stride: {s}]")
        outs.append(out)
        pads.append((lo, hi))
    return outs, pads


def to_last(xp: Any, x: Any, data_format: str) -> Any:
    return xp.moveaxis(x, 1, -1) if channels_first(data_format) else x


def from_last(xp: Any, y: Any, data_format: str) -> Any:
    return xp.ascontiguousarray(xp.moveaxis(y, -1, 1)) if channels_first(data_format) else y


def work_dtype(dtype: Any) -> Any:
    # float16/bfloat16 accumulate in float32 (as TF's CPU kernels do); NumPy's half GEMM is slow.
    return np.float32 if dtype.kind == "f" and dtype.itemsize < 4 or dtype.kind == "V" else dtype


def padded(xp: Any, x: Any, pads: list, outs: list, k_sizes: list, strides: list, dilations: list) -> Any:
    """`x` (N, *spatial, C) with zero padding wide enough for every window."""
    widths = [(0, 0)]
    for n, (lo, hi), o, k, s, d in zip(x.shape[1:-1], pads, outs, k_sizes, strides, dilations):
        need = (o - 1) * s + (k - 1) * d + 1 if o > 0 else 0
        widths.append((lo, max(hi, need - n - lo, 0)))
    widths.append((0, 0))
    if not any(lo or hi for lo, hi in widths):
        return x
    return xp.pad(x, widths)


def windows(xp: Any, xpad: Any, outs: list, k_sizes: list, strides: list, dilations: list) -> Any:
    """A view (N, *outs, *k_sizes, C) of every window of the padded input."""
    st = xpad.strides
    shape = (xpad.shape[0], *outs, *k_sizes, xpad.shape[-1])
    strides_ = (st[0], *(st[1 + i] * s for i, s in enumerate(strides)),
                *(st[1 + i] * d for i, d in enumerate(dilations)), st[-1])
    return xp.lib.stride_tricks.as_strided(xpad, shape, strides_)


class Conv:
    """One convolution call's settings, decoded from TF's attrs."""

    def __init__(self, x_shape: tuple, f_shape: tuple, strides: Any, padding: str, explicit_paddings: Any,
                 data_format: str, dilations: Any, op_name: str) -> None:
        nd = len(x_shape) - 2
        if len(f_shape) != nd + 2:
            raise _invalid(f"filter must be {nd + 2}-dimensional: [{','.join(map(str, f_shape))}]")
        if len(x_shape) != nd + 2:
            raise _invalid(f"input must be {nd + 2}-dimensional")
        if len(strides) != nd + 2:
            raise _invalid("Sliding window strides field must specify 4 or 5 dimensions")
        self.fmt = data_format
        self.strides = [int(s) for s in spatial(strides, data_format)]
        self.dilations = [int(d) for d in spatial(dilations or [1] * (nd + 2), data_format)]
        self.k_sizes = [int(k) for k in f_shape[:nd]]
        self.in_sizes = [int(v) for v in spatial(x_shape, data_format)]
        self.outs, self.pads = geometry(self.in_sizes, self.k_sizes, self.strides, self.dilations, padding,
                                        explicit_paddings, data_format)
        self.op_name = op_name

    def args(self) -> tuple:
        return self.outs, self.pads, self.k_sizes, self.strides, self.dilations


def channels(x_shape: tuple, data_format: str) -> int:
    return x_shape[1] if channels_first(data_format) else x_shape[-1]


def _groups(in_depth: int, f_shape: tuple) -> int:
    filter_depth, out_depth = f_shape[-2], f_shape[-1]
    if filter_depth == 0 or in_depth % filter_depth:
        raise _invalid(f"input depth must be evenly divisible by filter depth: {in_depth} vs {filter_depth}")
    groups = in_depth // filter_depth
    if out_depth % groups:
        raise _invalid(f"output depth must be evenly divisible by number of groups: {out_depth} vs {groups}")
    return groups


def _grouped_matmul(xp: Any, cols: Any, f2: Any, groups: int, k: int) -> Any:
    """cols (M, k * C) times filter (k * Cg, O) group by group: (M, O)."""
    if groups == 1:
        return cols @ f2
    m = cols.shape[0]
    cg = f2.shape[0] // k
    og = f2.shape[1] // groups
    a = cols.reshape(m, k, groups, cg).transpose(2, 0, 1, 3).reshape(groups, m, k * cg)
    b = f2.reshape(k * cg, groups, og).transpose(1, 0, 2)
    return (a @ b).transpose(1, 0, 2).reshape(m, groups * og)


# --- kernels -----------------------------------------------------------------------------------
# Patch matrices are built and multiplied a few MiB at a time: memory stays bounded, the chunk is
# still in cache when the GEMM reads it, and the chunks are independent tasks spread over the host
# threads (see `_run`), each building its patches and calling a single-threaded GEMM.
_CHUNK_BYTES = 1 << 20


def _chunks(n: int, outs: list, row_bytes: int) -> list:
    """[(n0, n1, h0, h1)]: batch and first-spatial-dimension ranges of about _CHUNK_BYTES of patches."""
    if not outs:
        return [(0, n, 0, 0)]
    # Without a handle on the BLAS's threads each GEMM is multi-threaded: fewer, larger calls.
    target = _CHUNK_BYTES if _blas_control() else _CHUNK_BYTES * 16
    rest = math.prod(outs[1:]) * row_bytes
    per_image = outs[0] * rest
    if per_image and per_image < target:
        step = max(1, target // per_image)
        return [(i, min(i + step, n), 0, outs[0]) for i in range(0, n, step)]
    step = max(1, target // max(rest, 1))
    return [(i, i + 1, h, min(h + step, outs[0])) for i in range(n) for h in range(0, outs[0], step)]


# --- host threads ------------------------------------------------------------------------------
# A convolution is many independent chunk tasks (patches + GEMM). They run on the host threads,
# each GEMM single-threaded meanwhile: NumPy's OpenBLAS would otherwise split every chunk's GEMM
# over the same cores and meet at a barrier several times per call, which is slow for these
# narrow GEMMs (N = output channels) and stalls whenever another process holds a core; tasks
# handed out one at a time keep both cores busy and balance themselves under load. The results
# do not depend on the thread count: chunks are fixed by sizes, and partial sums are added in
# chunk order.
_blas: Any = None  # (get, set) of NumPy's OpenBLAS thread count, or () when not found
_blas_lock = threading.Lock()
_blas_users = 0
_blas_saved = 1
_pool: Any = None


def _find_blas() -> tuple:
    import ctypes
    import glob
    import os

    base = os.path.dirname(np.__file__)
    names = (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
             ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
             ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
             ("openblas_get_num_threads", "openblas_set_num_threads"))
    for path in sorted(glob.glob(os.path.join(base + ".libs", "*openblas*"))
                       + glob.glob(os.path.join(base, ".dylibs", "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in names:
            getter, setter = getattr(lib, get_name, None), getattr(lib, set_name, None)
            if getter is not None and setter is not None:
                getter.restype, setter.argtypes, setter.restype = ctypes.c_int, [ctypes.c_int], None
                return getter, setter
    return ()


def _blas_control() -> tuple:
    global _blas
    if _blas is None:
        try:
            _blas = _find_blas()
        except Exception:  # noqa: BLE001 - no control: chunks then run on one thread
            _blas = ()
    return _blas


def _blas_single(enter: bool) -> None:
    global _blas_users, _blas_saved
    get, set_ = _blas
    with _blas_lock:
        if enter:
            if _blas_users == 0:
                _blas_saved = get()
                if _blas_saved != 1:
                    set_(1)
            _blas_users += 1
        else:
            _blas_users -= 1
            if _blas_users == 0 and _blas_saved != 1:
                set_(_blas_saved)


class single_threaded_blas:
    """`with single_threaded_blas():` NumPy's OpenBLAS on one thread meanwhile (refcounted with
    the conv tasks). For small BLAS calls: a multi-threaded OpenBLAS call leaves its helper
    threads spinning for a while afterwards, a whole core on a 2-core machine."""

    def __enter__(self) -> None:
        self.held = bool(_blas_control())
        if self.held:
            _blas_single(True)

    def __exit__(self, *exc: Any) -> None:
        if self.held:
            _blas_single(False)


def _threads(xp: Any, tasks: int) -> int:
    """How many host threads run `tasks` chunk tasks (0: the caller alone, BLAS threads as set)."""
    if xp is not np or tasks < 2 or not _blas_control():
        return 0
    return min(host_threads.num_threads(), tasks)


def _run(xp: Any, task: Any, items: list, max_threads: int | None = None) -> list:
    """[task(item) for item in items], the items handed out one at a time to the host threads
    (at most `max_threads` of them)."""
    threads = _threads(xp, len(items))
    if max_threads is not None and threads:
        threads = max(1, min(threads, max_threads))
    if threads < 2:
        if not threads:
            return [task(item) for item in items]
        _blas_single(True)  # one thread asked for: the small chunk GEMMs on one core too
        try:
            return [task(item) for item in items]
        finally:
            _blas_single(False)
    global _pool
    with _blas_lock:
        if _pool is None or _pool._max_workers < threads - 1:
            from concurrent.futures import ThreadPoolExecutor

            _pool = ThreadPoolExecutor(threads - 1, thread_name_prefix="eagerflow-conv")
    results: list = [None] * len(items)
    order = iter(range(len(items)))
    take = threading.Lock()

    def work() -> None:
        while True:
            with take:
                i = next(order, None)
            if i is None:
                return
            results[i] = task(items[i])

    _blas_single(True)
    try:
        futures = [_pool.submit(work) for _ in range(threads - 1)]
        try:
            work()
        finally:
            for f in futures:
                f.result()
    finally:
        _blas_single(False)
    return results


def _scratch(xp: Any, shape: tuple, dtype: Any) -> Any:
    """An uninitialised array for this thread's patches, reused between calls: a fresh multi-MiB
    array is fresh pages, and the page faults cost about as much as filling it."""
    if xp is not np:
        return xp.empty(shape, dtype)
    return host_threads.scratch("conv", shape, dtype)


def _patch_rows(xp: Any, view: Any, chunk: tuple) -> Any:
    """The chunk's rows of the patch matrix, (rows, window * C), copied into this thread's scratch."""
    n0, n1, h0, h1 = chunk
    part = view[n0:n1, h0:h1]
    nd = (view.ndim - 2) // 2
    cols = _scratch(xp, part.shape, part.dtype)
    xp.copyto(cols, part)
    return cols.reshape(math.prod(part.shape[:1 + nd]), math.prod(part.shape[1 + nd:]))


# Inputs this narrow (a grayscale or RGB first layer) build their patches tap-major instead:
# (window * C, pixels), each tap's row a copy of whole output rows (a [pixels, 9] matrix copies
# one float at a time), and the GEMMs read it transposed.
_NARROW = 4


def _row_bytes(patch: int, out_depth: int, narrow: bool, itemsize: int) -> int:
    """Bytes per output pixel that a chunk budget counts. A GEMM of patches (K = window * C) is
    compute-bound, and its chunks are sized by the larger of a patch row and an output row. A
    narrow input's GEMMs (K of 9 or 27) only stream the output (or dy) rows: its patches and
    those rows together take half the budget, so they stay in cache beside another process's
    data (the CNN's 28x28x1 layer: 4 images a chunk, 25% faster than 12)."""
    if narrow:
        return 2 * (patch + out_depth) * itemsize
    return max(patch, out_depth) * itemsize


def _patch_cols_t(xp: Any, view: Any, chunk: tuple) -> Any:
    """The chunk's patch matrix transposed, (window * C, rows), in this thread's scratch."""
    n0, n1, h0, h1 = chunk
    part = view[n0:n1, h0:h1]
    nd = (view.ndim - 2) // 2
    # (n, *outs, *window, C) -> (*window, C, n, *outs): output positions innermost.
    order = tuple(range(1 + nd, part.ndim)) + tuple(range(1 + nd))
    moved = part.transpose(order)
    cols = _scratch(xp, moved.shape, part.dtype)
    xp.copyto(cols, moved)
    return cols.reshape(math.prod(part.shape[1 + nd:]), math.prod(part.shape[:1 + nd]))


def _setup(xp: Any, x_last: Any, spec: "Conv") -> Any:
    """The windows view (N, *outs, *k_sizes, C) of the zero-padded channels-last input."""
    xpad = padded(xp, x_last, spec.pads, spec.outs, spec.k_sizes, spec.strides, spec.dilations)
    return windows(xp, xpad, spec.outs, spec.k_sizes, spec.strides, spec.dilations)


def _conv_forward(xp: Any, x: Any, f: Any, strides: Any, padding: str, explicit_paddings: Any = (),
                  data_format: str = "NHWC", dilations: Any = None, op_name: str = "Conv2D",
                  epilogue: Any = None) -> Any:
    """The convolution, channels-last in `work` precision; `epilogue(rows)`, when given, runs on
    each chunk's (pixels, out_depth) rows in place right after its GEMM (they are still in cache)."""
    spec = Conv(x.shape, f.shape, strides, padding, explicit_paddings, data_format, dilations, op_name)
    in_depth = channels(x.shape, data_format)
    # Grouped Conv3D runs as TF's GPU and XLA kernels run it (TF's CPU kernel refuses it).
    groups = _groups(in_depth, f.shape)
    work = work_dtype(x.dtype)
    xl = to_last(xp, x, data_format).astype(work, copy=False)
    k = math.prod(spec.k_sizes)
    f2 = f.astype(work, copy=False).reshape(k * f.shape[-2], -1)
    out = xp.empty((x.shape[0], *spec.outs, f.shape[-1]), work)
    narrow = groups == 1 and in_depth <= _NARROW
    if out.size:
        view = _setup(xp, xl, spec)

        def task(chunk: tuple) -> None:
            n0, n1, h0, h1 = chunk
            target = out[n0:n1, h0:h1].reshape(-1, f.shape[-1])
            if narrow:
                xp.matmul(_patch_cols_t(xp, view, chunk).T, f2, out=target)
            else:
                cols = _patch_rows(xp, view, chunk)
                if groups == 1:
                    xp.matmul(cols, f2, out=target)
                else:
                    target[...] = _grouped_matmul(xp, cols, f2, groups, k)
            if epilogue is not None:
                epilogue(target)

        _run(xp, task, _chunks(x.shape[0], spec.outs, _row_bytes(k * in_depth, f.shape[-1], narrow, xl.itemsize)))
    return from_last(xp, out, data_format).astype(x.dtype, copy=False)


def int_values(values: Any) -> tuple:
    return tuple(int(v) for v in values.tolist())


def _check_backprop(op_name: str, dyl: Any, spec: "Conv", batch: int) -> None:
    if tuple(dyl.shape[1:-1]) != tuple(spec.outs) or dyl.shape[0] != batch:
        raise _invalid(f"{op_name}: Size of out_backprop doesn't match computed: actual = "
                       f"{list(dyl.shape[1:-1])}, computed = {spec.outs}")


def _conv_backprop_input(xp: Any, input_sizes: Any, f: Any, dy: Any, strides: Any, padding: str,
                         explicit_paddings: Any = (), data_format: str = "NHWC", dilations: Any = None,
                         op_name: str = "Conv2DBackpropInput") -> Any:
    x_shape = int_values(input_sizes)
    spec = Conv(x_shape, f.shape, strides, padding, explicit_paddings, data_format, dilations, op_name)
    in_depth = channels(x_shape, data_format)
    groups = _groups(in_depth, f.shape)
    dyl = to_last(xp, dy, data_format)
    _check_backprop(op_name, dyl, spec, x_shape[0])
    work = work_dtype(dy.dtype)
    low = [(kk - 1) * d - lo for kk, d, (lo, _) in zip(spec.k_sizes, spec.dilations, spec.pads)]
    high = [size - o + lo for size, o, (lo, _) in zip(spec.in_sizes, spec.outs, spec.pads)]
    if (groups == 1 and all(s == 1 for s in spec.strides) and min(low + high) >= 0 and dyl.size
            and in_depth >= min(64, f.shape[-1])):
        # Stride 1: the input gradient is a correlation of the padded output gradient with the
        # flipped, transposed filter: im2col + GEMM like a forward, no scatter-add. (Its GEMM is
        # `in_depth` wide: with fewer input than output channels, below 64, the scatter-add
        # below, whose GEMM is window * in_depth wide, is faster.)
        nd = len(spec.outs)
        flipped = f[(slice(None, None, -1),) * nd]
        f_t = xp.ascontiguousarray(xp.swapaxes(flipped, -1, -2))
        explicit = [0, 0] + [v for pair in zip(low, high) for v in pair] + [0, 0]
        fmt = "N" + "DHW"[3 - nd:] + "C"
        dx = _conv_forward(xp, dyl, f_t, [1] * (nd + 2), "EXPLICIT", explicit, fmt, [1, *spec.dilations, 1])
        return from_last(xp, dx, data_format).astype(dy.dtype, copy=False)
    k = math.prod(spec.k_sizes)
    f2 = f.astype(work, copy=False).reshape(k * f.shape[-2], f.shape[-1])
    g = dyl.astype(work, copy=False)
    nd = len(spec.outs)
    sizes = []
    for size, (lo, hi), o, kk, s, d in zip(spec.in_sizes, spec.pads, spec.outs, spec.k_sizes, spec.strides,
                                           spec.dilations):
        need = (o - 1) * s + (kk - 1) * d + 1 if o > 0 else 0
        sizes.append(max(size + lo + max(hi, 0), need, lo + size))
    # On NumPy each task zeroes its own images (in parallel, into cache) instead of a calloc'd
    # array zeroed by the caller alone.
    fresh = xp.empty if xp is np and g.size else xp.zeros
    dxpad = fresh((x_shape[0], *sizes, in_depth), work)
    if g.size:
        offsets = list(itertools.product(*(range(kk) for kk in spec.k_sizes)))
        f_taps = xp.ascontiguousarray(f2.reshape(k, in_depth, f.shape[-1]).transpose(0, 2, 1)) if groups == 1 else None

        def place(offset: tuple, chunk: tuple) -> tuple:
            """Where the chunk's patches at window `offset` land in the padded input gradient."""
            n0, n1, h0, h1 = chunk
            index = [slice(n0, n1)]
            for axis, (j, d, o, s) in enumerate(zip(offset, spec.dilations, spec.outs, spec.strides)):
                first, last = (h0, h1 - 1) if axis == 0 else (0, o - 1)
                index.append(slice(j * d + first * s, j * d + last * s + 1, s))
            return tuple(index)

        # Where each offset's add lands for chunks of whole images (the usual case).
        whole = [(slice(None),) + place(offset, (0, 0, 0, spec.outs[0]))[1:] for offset in offsets]

        def add_back(chunk: tuple) -> None:
            n0, n1, h0, h1 = chunk
            rows = g[n0:n1, h0:h1].reshape(-1, f.shape[-1])
            if groups == 1:
                # Tap-major (window, rows, C): each offset's add below reads whole contiguous
                # output rows (a [rows, window * C] product would be read C floats at a time).
                taps = xp.matmul(rows[None], f_taps, out=_scratch(xp, (k, rows.shape[0], in_depth), work))
                images = dxpad[n0:n1]
                for t, offset in enumerate(offsets):
                    dst = images[whole[t]] if h0 == 0 and h1 == spec.outs[0] else dxpad[place(offset, chunk)]
                    xp.add(dst, taps[t].reshape(dst.shape), out=dst)
                return
            else:
                m, cg, og = rows.shape[0], f.shape[-2], f.shape[-1] // groups
                a = rows.reshape(m, groups, og).transpose(1, 0, 2)
                b = f2.reshape(k, cg, groups, og).transpose(2, 3, 0, 1).reshape(groups, og, k * cg)
                cols = (a @ b).reshape(groups, m, k, cg).transpose(1, 2, 0, 3)
            cols = cols.reshape(n1 - n0, h1 - h0, *spec.outs[1:], *spec.k_sizes, in_depth)
            for offset in offsets:
                dxpad[place(offset, chunk)] += cols[(slice(None),) * (1 + nd) + offset]

        # Windows of neighbouring rows of one image overlap in dx: a task is whole images.
        # The tap products take half the chunk budget: the dy rows and the dx images they are
        # added to stay in cache beside them (1 -> 0.5 MiB: 12% faster on the CNN's conv2).
        chunks = _chunks(x_shape[0], spec.outs, 2 * k * in_depth * dxpad.itemsize)
        images: dict = {}
        for chunk in chunks:
            images.setdefault(chunk[:2], []).append(chunk)

        def task(parts: list) -> None:
            if fresh is xp.empty:
                dxpad[parts[0][0]:parts[0][1]].fill(0)
            for part in parts:
                add_back(part)

        _run(xp, task, list(images.values()))
    crop = (slice(None),) + tuple(slice(lo, lo + size) for (lo, _), size in zip(spec.pads, spec.in_sizes))
    dx = xp.ascontiguousarray(dxpad[crop])
    return from_last(xp, dx, data_format).astype(dy.dtype, copy=False)


def _conv_backprop_filter(xp: Any, x: Any, filter_sizes: Any, dy: Any, strides: Any, padding: str,
                          explicit_paddings: Any = (), data_format: str = "NHWC", dilations: Any = None,
                          op_name: str = "Conv2DBackpropFilter", with_bias: bool = False) -> Any:
    """The filter gradient; with `with_bias`, [filter gradient, bias gradient]: the bias gradient
    (dy summed over all but its channel axis) from each chunk of dy while it is in cache."""
    f_shape = int_values(filter_sizes)
    spec = Conv(x.shape, f_shape, strides, padding, explicit_paddings, data_format, dilations, op_name)
    in_depth = channels(x.shape, data_format)
    groups = _groups(in_depth, f_shape)
    work = work_dtype(x.dtype)
    dyl = to_last(xp, dy, data_format)
    _check_backprop(op_name, dyl, spec, x.shape[0])
    k = math.prod(spec.k_sizes)
    xl = to_last(xp, x, data_format).astype(work, copy=False)
    g = dyl.astype(work, copy=False)
    df = xp.zeros((k * f_shape[-2], f_shape[-1]), work)
    db = blocks = None
    if with_bias:
        # BiasAddGrad's own sums (nn_ops): below its block size or off NumPy's float32/64, the
        # kernel itself; else its blocks (matrix-vector products with ones, added in order) are
        # computed here, each by the chunk task where it starts, so the sums are bit-identical.
        from eagerflow._src.ops import nn_ops

        block = nn_ops._BIAS_GRAD_ROWS
        g_rows = g.reshape(-1, f_shape[-1]) if g.size else None
        if xp is np and dyl.dtype in (np.float32, np.float64) and g.size and g_rows.shape[0] > block:
            ones = np.ones(block, g.dtype)
            per_row = math.prod(spec.outs[1:])  # dy rows per output row
            blocks = True
        else:
            db = nn_ops._bias_add_grad_kernel(xp, dyl)
    if g.size:
        view = _setup(xp, xl, spec)
        chunks = _chunks(x.shape[0], spec.outs,
                         _row_bytes(k * in_depth, f_shape[-1], groups == 1 and in_depth <= _NARROW, xl.itemsize))

        def bias_part(chunk: tuple, m: int) -> list:
            n0, _, h0, _ = chunk
            r0 = (n0 * spec.outs[0] + h0) * per_row  # the chunk's first row of dy
            first = -(-r0 // block) * block
            return [ones[:min(block, g_rows.shape[0] - lo)] @ g_rows[lo:lo + block]
                    for lo in range(first, min(r0 + m, g_rows.shape[0]), block)]

        def part(chunk: tuple) -> Any:
            n0, n1, h0, h1 = chunk
            rows = g[n0:n1, h0:h1].reshape(-1, f_shape[-1])
            if groups == 1 and in_depth <= _NARROW:
                grad = _patch_cols_t(xp, view, chunk) @ rows
            elif groups == 1:
                grad = _patch_rows(xp, view, chunk).T @ rows
            else:
                cols = _patch_rows(xp, view, chunk)
                m, cg, og = rows.shape[0], f_shape[-2], f_shape[-1] // groups
                a = cols.reshape(m, k, groups, cg).transpose(2, 1, 3, 0).reshape(groups, k * cg, m)
                b = rows.reshape(m, groups, og).transpose(1, 0, 2)
                grad = (a @ b).transpose(1, 0, 2).reshape(k * cg, groups * og)
            return grad if blocks is None else (grad, bias_part(chunk, rows.shape[0]))

        if blocks is not None:
            db = np.zeros(f_shape[-1], g.dtype)
        # Narrow inputs' filter gradient (a (window, rows) x (rows, out) product per chunk) runs
        # on one thread: measured on 2 cores, two threads took 1.3-1.6x one thread's wall time.
        narrow = groups == 1 and in_depth <= _NARROW
        for p in _run(xp, part, chunks, 1 if narrow else None):
            if blocks is None:
                df += p
            else:
                df += p[0]
                for partial in p[1]:
                    db += partial
    df = df.reshape(f_shape).astype(x.dtype, copy=False)
    if not with_bias:
        return df
    if db is None:  # dy is empty
        db = xp.zeros((f_shape[-1],), dyl.dtype)
    return [df, db.astype(dyl.dtype, copy=False)]


def static_shape(t: Tensor) -> Tensor:
    """t's shape as an int32 tensor: a constant when fully known (so graphs built by tf.function
    know the backprop ops' output shapes), else the Shape op."""
    dims = t.shape
    if dims.rank is not None and all(d is not None for d in dims.as_list()):
        return conversion.tensor(np.asarray(dims.as_list(), np.int32))
    return array_ops.shape(t)


def sized_output(size_index: int, dtype_index: int) -> Any:
    """A shape rule for tracing: the output shape is the value of the int input `size_index`
    (dims known where it is a constant or a stack of constants and tensors) and the dtype that of
    input `dtype_index`."""
    def rule(inputs: Any, attrs: dict) -> list:
        return [(inputs[dtype_index]._array.dtype, shape_value(inputs[size_index]))]
    return rule


def conv_grad(ops: tuple) -> Any:
    forward, backprop_input, backprop_filter = ops

    def grad(ctx: Any, dy: Tensor) -> tuple:
        x, f = ctx.inputs
        dx = execute(backprop_input(), (static_shape(x), f, dy), ctx.attrs) if ctx.needs[0] else None
        df = execute(backprop_filter(), (x, static_shape(f), dy), ctx.attrs) if ctx.needs[1] else None
        return (dx, df)

    def grad_input(ctx: Any, g: Tensor) -> tuple:
        _, f, dy = ctx.inputs
        d_f = execute(backprop_filter(), (g, static_shape(f), dy), ctx.attrs) if ctx.needs[1] else None
        d_dy = execute(forward(), (g, f), ctx.attrs) if ctx.needs[2] else None
        return (None, d_f, d_dy)

    def grad_filter(ctx: Any, g: Tensor) -> tuple:
        x, _, dy = ctx.inputs
        d_x = execute(backprop_input(), (static_shape(x), g, dy), ctx.attrs) if ctx.needs[0] else None
        d_dy = execute(forward(), (x, g), ctx.attrs) if ctx.needs[2] else None
        return (d_x, None, d_dy)

    return grad, grad_input, grad_filter


def _named(kernel: Any, name: str) -> Any:
    def run(xp: Any, *arrays: Any, **attrs: Any) -> Any:
        return kernel(xp, *arrays, op_name=name, **attrs)
    return run


_g2 = conv_grad((lambda: CONV2D, lambda: CONV2D_BACKPROP_INPUT, lambda: CONV2D_BACKPROP_FILTER))
CONV2D = Op("Conv2D", _named(_conv_forward, "Conv2D"), dtypes=_CONV_DTYPES, grad=_g2[0])
CONV2D_BACKPROP_INPUT = Op("Conv2DBackpropInput", _named(_conv_backprop_input, "Conv2DBackpropInput"),
                           grad=_g2[1], shape_fn=sized_output(0, 2))
CONV2D_BACKPROP_FILTER = Op("Conv2DBackpropFilter", _named(_conv_backprop_filter, "Conv2DBackpropFilter"),
                            dtypes=_CONV_DTYPES, grad=_g2[2], shape_fn=sized_output(1, 0))
_g3 = conv_grad((lambda: CONV3D, lambda: CONV3D_BACKPROP_INPUT, lambda: CONV3D_BACKPROP_FILTER))
CONV3D = Op("Conv3D", _named(_conv_forward, "Conv3D"), dtypes=FLOAT, grad=_g3[0])
CONV3D_BACKPROP_INPUT = Op("Conv3DBackpropInputV2", _named(_conv_backprop_input, "Conv3DBackpropInputV2"),
                           grad=_g3[1], shape_fn=sized_output(0, 2))
CONV3D_BACKPROP_FILTER = Op("Conv3DBackpropFilterV2", _named(_conv_backprop_filter, "Conv3DBackpropFilterV2"),
                            dtypes=FLOAT, grad=_g3[2], shape_fn=sized_output(1, 0))


# --- _FusedConv2D: Conv2D + BiasAdd (+ activation) ---------------------------------------------
# TF's grappler remapper turns Relu(BiasAdd(Conv2D(x, f), b)) into this internal op; tf.function's
# graph rewrite does the same. It computes exactly what the three ops compute (the same float
# operations in the same order per element, so bit-identical), but the bias add and the
# activation run on each chunk of the GEMM's output while it is still in cache, instead of two
# more passes over the whole activation in memory.
_ACTIVATIONS = ("Relu", "Relu6", "Elu", "LeakyRelu")


def _unfused_epilogue(xp: Any, y: Any, bias: Any, activation: str | None, alpha: float, channel: int) -> Any:
    """BiasAdd's and the activation's kernels (nn_ops) as they compute them, on a whole output."""
    shape = [1] * y.ndim
    shape[channel] = -1
    y = y + bias.reshape(shape)
    if activation == "Relu":
        return xp.maximum(y, 0).astype(y.dtype, copy=False)
    if activation == "Relu6":
        return xp.clip(y, 0, 6).astype(y.dtype, copy=False)
    if activation == "Elu":
        return xp.where(y > 0, y, xp.expm1(xp.minimum(y, 0))).astype(y.dtype, copy=False)
    if activation == "LeakyRelu":
        return xp.where(y > 0, y, y * alpha).astype(y.dtype, copy=False)
    return y


def _chunk_epilogue(bias: Any, activation: str | None, alpha: float) -> Any:
    """In place on a C-contiguous (pixels, channels) NumPy chunk: the same per-element operations
    as `_unfused_epilogue`."""
    # The bias repeated over rows, 64 KiB: the adds run over long contiguous rows (rows of C
    # floats cost NumPy's loop overhead every C elements: 10 vs 4 Gelem/s).
    tiled = np.tile(bias, max(1, (1 << 16) // max(bias.nbytes, 1)))

    def run(t: Any) -> None:
        flat = t.reshape(-1)
        width = tiled.shape[0]
        whole = flat.size - flat.size % width
        if whole:
            block = flat[:whole].reshape(-1, width)
            np.add(block, tiled, out=block)
        if whole < flat.size:  # whole rows of the chunk are left: a prefix of the tiled bias
            np.add(flat[whole:], tiled[:flat.size - whole], out=flat[whole:])
        if activation is None:
            return
        if activation == "Relu":
            np.maximum(flat, host_threads.zeros(flat.dtype, flat.size), out=flat)
        elif activation == "Relu6":
            np.clip(flat, 0, 6, out=flat)
        elif activation == "Elu":
            flat[...] = np.where(flat > 0, flat, np.expm1(np.minimum(flat, 0)))
        else:
            flat[...] = np.where(flat > 0, flat, flat * alpha)

    return run


def _fused_conv2d(xp: Any, x: Any, f: Any, bias: Any, strides: Any, padding: str, explicit_paddings: Any = (),
                  data_format: str = "NHWC", dilations: Any = None, fused_ops: Any = (),
                  leakyrelu_alpha: float = 0.2, **unused: Any) -> Any:
    """`_FusedConv2D(input, filter, bias)`: Conv2D, then BiasAdd, then `fused_ops[1]` if any.
    (TF's other attrs — num_args, epsilon, filter_format, use_cudnn_on_gpu — are accepted and
    unused: only a bias with an optional activation is fused here.)"""
    ops = tuple(fused_ops)
    if not ops or ops[0] != "BiasAdd" or len(ops) > 2 or (len(ops) == 2 and ops[1] not in _ACTIVATIONS):
        raise errors.UnimplementedError(None, None, f"Fusion is not implemented: [{','.join(ops)}]")
    activation = ops[1] if len(ops) == 2 else None
    out_depth = f.shape[-1] if f.ndim else 0
    if bias.ndim != 1 or bias.shape[0] != out_depth:
        raise _invalid(f"Must provide as many biases as the last dimension of the input tensor: "
                       f"[{','.join(map(str, bias.shape))}] vs. [{out_depth}]")
    if bias.dtype != x.dtype:
        raise _invalid(f"bias must have the input's dtype {x.dtype}, got {bias.dtype}")
    alpha = float(leakyrelu_alpha)
    if xp is np and x.dtype in (np.float32, np.float64):
        return _conv_forward(xp, x, f, strides, padding, explicit_paddings, data_format, dilations, "_FusedConv2D",
                             epilogue=_chunk_epilogue(bias, activation, alpha))
    # Half types (computed in float32, then rounded) and other array modules: the unfused kernels.
    y = _conv_forward(xp, x, f, strides, padding, explicit_paddings, data_format, dilations, "_FusedConv2D")
    return _unfused_epilogue(xp, y, bias, activation, alpha, 1 if channels_first(data_format) else y.ndim - 1)


# Internal (not in tf.raw_ops): only graph rewrites create it. No gradient: it replaces ops of a
# graph that has already been differentiated.
FUSED_CONV2D = Op("_FusedConv2D", _fused_conv2d, dtypes=FLOAT)


# --- _Conv2DBackpropFilterWithBias: Conv2DBackpropFilter + BiasAddGrad of the same dy -----------
# (TF's oneDNN builds have Conv2DBackpropFilterWithBias.) Graph rewrites pair the filter gradient
# of a conv with the bias gradient of the BiasAdd after it: both read the same dy, here once.
def _filter_bias_shapes(inputs: Any, attrs: dict) -> list:
    dtype = inputs[0]._array.dtype
    dims = shape_value(inputs[1])
    depth = dims[-1] if dims else None
    if depth is None:
        dy_dims = inputs[2]._array.shape
        depth = dy_dims[-1] if dy_dims else None
    return [(dtype, dims), (dtype, (depth,))]


def _backprop_filter_with_bias(xp: Any, x: Any, filter_sizes: Any, dy: Any, strides: Any, padding: str,
                               explicit_paddings: Any = (), data_format: str = "NHWC", dilations: Any = None,
                               **unused: Any) -> list:
    """[Conv2DBackpropFilter(x, filter_sizes, dy), BiasAddGrad(dy)]; channels-last only (a
    channels-first dy's bias axis is not its last)."""
    if channels_first(data_format):
        raise _invalid("_Conv2DBackpropFilterWithBias supports only channels-last data formats")
    return _conv_backprop_filter(xp, x, filter_sizes, dy, strides, padding, explicit_paddings, data_format,
                                 dilations, "_Conv2DBackpropFilterWithBias", with_bias=True)


# Internal: created by graph rewrites of differentiated graphs only, so no gradient.
CONV2D_BACKPROP_FILTER_WITH_BIAS = Op("_Conv2DBackpropFilterWithBias", _backprop_filter_with_bias,
                                      dtypes=_CONV_DTYPES, num_outputs=2, shape_fn=_filter_bias_shapes)


# --- argument handling (TF's nn_ops helpers) ---------------------------------------------------
def sequence(value: Any, n: int, channel_index: int, name: str) -> list:
    """TF's `_get_sequence`: an int or a list of 1, n or n + 2 ints as n + 2 per-dimension values."""
    if value is None:
        return [1] * (n + 2)
    if isinstance(value, Tensor):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)):
        value = [int(value)]
    value = [int(v) for v in value]
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
                         f"length {len(value)}")
    full = [1] * (n + 2)
    start = 2 if channel_index == 1 else 1
    full[start:start + n] = value
    return full


def attr_error(attr: str, value: Any, allowed: tuple, op_name: str) -> errors.InvalidArgumentError:
    """TF's error for a string attr outside its OpDef's list (first line and NodeDef)."""
    listed = ", ".join(f'"{a}"' for a in allowed)
    return _invalid(f'Value for attr \'{attr}\' of "{value}" is not in the list of allowed values: {listed}\n'
                    f"\t; NodeDef: {{{{node {op_name}}}}}")


def padding_attrs(padding: Any, n: int, data_format: str, op_name: str = "Conv2D") -> dict:
    """{'padding': ..., 'explicit_paddings': ...} from a string or a list of (low, high) pairs."""
    if isinstance(padding, str):
        upper = padding.upper()
        if upper not in ("SAME", "VALID"):
            raise attr_error("padding", padding, ("SAME", "VALID", "EXPLICIT"), op_name)
        return {"padding": upper}
    pairs = [list(p) for p in padding]
    if len(pairs) != n + 2:
        raise ValueError(f"When padding is a list, it must be of size {n + 2}. Received: padding={padding} of "
                         f"size {len(pairs)}")
    return {"padding": "EXPLICIT", "explicit_paddings": [int(v) for p in pairs for v in p]}


def convert_pair(input: Any, filters: Any, op: Op) -> tuple:  # noqa: A002
    try:
        return conversion.binary(op, input, filters)
    except errors.OpError as e:
        raise conversion.worded(e, input, filters) from None


def _conv_nd(op: Op, input: Any, filters: Any, strides: Any, padding: Any, data_format: str,  # noqa: A002
             dilations: Any, n: int) -> Tensor:
    x, f = convert_pair(input, filters, op)
    cidx = 1 if channels_first(data_format) else n + 1
    attrs = {"strides": sequence(strides, n, cidx, "strides"), "data_format": data_format,
             "dilations": sequence(dilations, n, cidx, "dilations")}
    attrs.update(padding_attrs(padding, n, data_format, op.name))
    return execute(op, (x, f), attrs)


def _check_format(data_format: str, allowed: tuple, op_name: str) -> None:
    if data_format not in allowed:
        raise attr_error("data_format", data_format, allowed, op_name)


# --- public functions --------------------------------------------------------------------------
def conv2d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
           dilations: Any = None, name: str | None = None) -> Tensor:
    """2-D convolution of `input` [batch, height, width, in] with `filters` [h, w, in, out] (`tf.nn.conv2d`).

    `padding` is "SAME", "VALID" or explicit [[0, 0], [top, bottom], [left, right], [0, 0]];
    `data_format` "NHWC" or "NCHW"; strides and dilations an int or a list of 1, 2 or 4.
    """
    _check_format(data_format, ("NHWC", "NCHW"), "Conv2D")
    return _conv_nd(CONV2D, input, filters, strides, padding, data_format, dilations, 2)


def conv3d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
           dilations: Any = None, name: str | None = None) -> Tensor:
    """3-D convolution (`tf.nn.conv3d`): `filters` [d, h, w, in, out]; "NDHWC" or "NCDHW"."""
    _check_format(data_format, ("NDHWC", "NCDHW"), "Conv3D")
    if isinstance(strides, (list, tuple)) and len(strides) < 5:
        raise _invalid(f"Length for attr 'strides' of {len(strides)} must be at least minimum 5\n"
                       "\t; NodeDef: {{node Conv3D}}")
    x, f = convert_pair(input, filters, CONV3D)
    attrs = {"strides": sequence(strides, 3, 1 if channels_first(data_format) else 4, "strides"),
             "data_format": data_format,
             "dilations": sequence(dilations, 3, 1 if channels_first(data_format) else 4, "dilations")}
    attrs.update(padding_attrs(padding, 3, data_format, "Conv3D"))
    if attrs["padding"] == "EXPLICIT":
        raise ValueError("Conv3D does not support explicit padding.")
    return execute(CONV3D, (x, f), attrs)


def conv1d(input: Any, filters: Any, stride: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
           dilations: Any = None, name: str | None = None) -> Tensor:
    """1-D convolution (`tf.nn.conv1d`): `filters` [w, in, out]; a Conv2D over a height of 1."""
    if data_format not in ("NWC", "NCW", "NHWC", "NCHW", None):
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    first = data_format in ("NCW", "NCHW")
    x, f = convert_pair(input, filters, CONV2D)
    spatial_axis = 2 if first else 1
    x4 = array_ops.expand_dims(x, spatial_axis)
    f4 = array_ops.expand_dims(f, 0)
    stride_l = sequence(stride, 1, 1 if first else 2, "stride")
    dil_l = sequence(dilations, 1, 1 if first else 2, "dilations")
    fmt = "NCHW" if first else "NHWC"
    stride4 = stride_l[:spatial_axis] + [1] + stride_l[spatial_axis:]
    dil4 = dil_l[:spatial_axis] + [1] + dil_l[spatial_axis:]
    if isinstance(padding, str):
        pad = padding
    else:
        pad = [list(p) for p in padding]
        pad = pad[:spatial_axis] + [[0, 0]] + pad[spatial_axis:]
    y = conv2d(x4, f4, stride4, pad, fmt, dil4)
    return array_ops.squeeze(y, [spatial_axis])


def convolution(input: Any, filters: Any, strides: Any = None, padding: str = "VALID",  # noqa: A002
                data_format: str | None = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """N-d convolution chosen by the input's rank (`tf.nn.convolution`): 1-D, 2-D or 3-D."""
    x = conversion.tensor(input)
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={x.shape} of rank {x.ndim}.")
    first = data_format is not None and data_format.startswith("NC")
    fmt = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}[n][int(first)]
    strides = 1 if strides is None else strides
    if isinstance(strides, (list, tuple)) and len(strides) == n:
        strides = sequence(strides, n, 1 if first else n + 1, "strides")
    if isinstance(dilations, (list, tuple)) and len(dilations) == n:
        dilations = sequence(dilations, n, 1 if first else n + 1, "dilations")
    if n == 1:
        return conv1d(x, filters, strides, padding, fmt, dilations)
    if n == 2:
        return conv2d(x, filters, strides, padding, fmt, dilations)
    return conv3d(x, filters, sequence(strides, 3, 1 if first else 4, "strides"), padding, fmt, dilations)


def shape_input(value: Any) -> Tensor:
    t = conversion.tensor(value) if not isinstance(value, Tensor) else value
    if t.dtype not in (_dtypes.int32, _dtypes.int64):
        t = conversion.tensor(np.asarray(t.numpy(), np.int32))
    return t


def conv2d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",  # noqa: A002
                     data_format: str = "NHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """The gradient of conv2d with respect to its input (`tf.nn.conv2d_transpose`).

    `filters` is [h, w, output_channels, input_channels]; `output_shape` the full 4-D result shape.
    """
    _check_format(data_format, ("NHWC", "NCHW"), "Conv2DBackpropInput")
    x, f = convert_pair(input, filters, CONV2D_BACKPROP_INPUT)
    cidx = 1 if channels_first(data_format) else 3
    attrs = {"strides": sequence(strides, 2, cidx, "strides"), "data_format": data_format,
             "dilations": sequence(dilations, 2, cidx, "dilations")}
    attrs.update(padding_attrs(padding, 2, data_format, "Conv2DBackpropInput"))
    return execute(CONV2D_BACKPROP_INPUT, (shape_input(output_shape), f, x), attrs)


def conv3d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",  # noqa: A002
                     data_format: str = "NDHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """The gradient of conv3d with respect to its input (`tf.nn.conv3d_transpose`)."""
    _check_format(data_format, ("NDHWC", "NCDHW"), "Conv3DBackpropInputV2")
    x, f = convert_pair(input, filters, CONV3D_BACKPROP_INPUT)
    cidx = 1 if channels_first(data_format) else 4
    attrs = {"strides": sequence(strides, 3, cidx, "strides"), "data_format": data_format,
             "dilations": sequence(dilations, 3, cidx, "dilations")}
    attrs.update(padding_attrs(padding, 3, data_format, "Conv3DBackpropInputV2"))
    return execute(CONV3D_BACKPROP_INPUT, (shape_input(output_shape), f, x), attrs)


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: str = "SAME",  # noqa: A002
                     data_format: str = "NWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """The gradient of conv1d with respect to its input (`tf.nn.conv1d_transpose`)."""
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    first = data_format == "NCW"
    axis = 2 if first else 1
    x, f = convert_pair(input, filters, CONV2D_BACKPROP_INPUT)
    if isinstance(output_shape, (list, tuple)):  # items may be traced (a symbolic batch size)
        shape = [v if isinstance(v, Tensor) else int(v) for v in output_shape]
    else:
        shape = [int(v) for v in (output_shape.numpy().tolist() if isinstance(output_shape, Tensor) else output_shape)]
    shape4 = shape[:axis] + [1] + shape[axis:]
    s = sequence(strides, 1, 1 if first else 2, "strides")
    d = sequence(dilations, 1, 1 if first else 2, "dilations")
    y = conv2d_transpose(array_ops.expand_dims(x, axis), array_ops.expand_dims(f, 0), shape4,
                         s[:axis] + [1] + s[axis:], padding, "NCHW" if first else "NHWC", d[:axis] + [1] + d[axis:])
    return array_ops.squeeze(y, [axis])


def conv_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: str = "SAME",  # noqa: A002
                   data_format: str | None = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """conv1d/2d/3d_transpose chosen by the length of `output_shape` (`tf.nn.conv_transpose`)."""
    n = len(output_shape.shape and output_shape.numpy()) if isinstance(output_shape, Tensor) else len(output_shape)
    n -= 2
    first = data_format is not None and data_format.startswith("NC")
    if n == 1:
        return conv1d_transpose(input, filters, output_shape, strides, padding, "NCW" if first else "NWC", dilations)
    if n == 2:
        return conv2d_transpose(input, filters, output_shape, strides, padding, "NCHW" if first else "NHWC",
                                dilations)
    if n == 3:
        return conv3d_transpose(input, filters, output_shape, strides, padding, "NCDHW" if first else "NDHWC",
                                dilations)
    shape = output_shape.numpy().tolist() if isinstance(output_shape, Tensor) else list(output_shape)
    raise ValueError(f"`output_shape` must be of length 3, 4 or 5. Received: output_shape={shape} of length {n + 2}.")


def conv2d_backprop_input(input_sizes: Any, filters: Any, out_backprop: Any, strides: Any, padding: Any,
                          data_format: str = "NHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """Conv2DBackpropInput."""
    return conv2d_transpose(out_backprop, filters, input_sizes, strides, padding, data_format, dilations)


def conv2d_backprop_filter(input: Any, filter_sizes: Any, out_backprop: Any, strides: Any, padding: Any,  # noqa: A002
                           data_format: str = "NHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """Conv2DBackpropFilter."""
    x, dy = convert_pair(input, out_backprop, CONV2D_BACKPROP_FILTER)
    cidx = 1 if channels_first(data_format) else 3
    attrs = {"strides": sequence(strides, 2, cidx, "strides"), "data_format": data_format,
             "dilations": sequence(dilations, 2, cidx, "dilations")}
    attrs.update(padding_attrs(padding, 2, data_format, "Conv2DBackpropFilter"))
    return execute(CONV2D_BACKPROP_FILTER, (x, shape_input(filter_sizes), dy), attrs)


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str, name: str | None = None) -> Tensor:
    """conv2d with dilation `rate` (`tf.nn.atrous_conv2d`)."""
    if rate < 1:
        raise ValueError(f"all values of `dilation_rate` must be positive. Received: dilation_rate={np.array([rate] * 2)}")
    return conv2d(value, filters, 1, padding, "NHWC", [1, rate, rate, 1])


def atrous_conv2d_transpose(value: Any, filters: Any, output_shape: Any, rate: int, padding: str,
                            name: str | None = None) -> Tensor:
    """The transpose of atrous_conv2d (`tf.nn.atrous_conv2d_transpose`)."""
    if rate < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return conv2d_transpose(value, filters, output_shape, 1, padding, "NHWC", [1, rate, rate, 1])
