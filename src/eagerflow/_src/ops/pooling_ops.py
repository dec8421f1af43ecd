"""Max and average pooling (`tf.nn.max_pool*`, `avg_pool*`, `pool`, `max_pool_with_argmax`).

Kernels work channels-last and loop over the window's offsets (4 for 2x2, 9 for 3x3), each step
one vectorised NumPy operation on a strided slice of the padded input; never over pixels.
Gradients are TF's ops: MaxPool differentiates into MaxPoolGrad (the gradient goes to the first
maximum of each window, as TF's CPU kernel picks it), MaxPoolGrad into MaxPoolGradGrad and back,
AvgPool into AvgPoolGrad and AvgPoolGrad into AvgPool (the same for the 3-D ops).
Where 2-D windows tile the input (2x2 pooling by 2), MaxPoolGrad gathers each window offset's
inputs into one contiguous plane (np.take of channel rows) so that every later step is one flat
NumPy loop; MaxPoolGradWithReluGrad is MaxPoolGrad and ReluGrad in that one pass.
"""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, pool_tiles
from eagerflow._src.framework.shape_inference import same_as_first
from eagerflow._src.ops.conv_ops import (
    attr_error, channels_first, geometry, padding_attrs, sequence, sized_output, spatial, static_shape,
)
from eagerflow._src.ops.conv_ops import _run as run_tasks
from eagerflow._src.ops.dtype_sets import FLOAT, REAL

_MAX_DTYPES = REAL
_AVG_DTYPES = FLOAT


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


class _Pool:
    """One pooling call's settings, decoded from TF's attrs, for a channels-last input shape."""

    def __init__(self, x_shape: tuple, ksize: Any, strides: Any, padding: str, data_format: str,
                 explicit_paddings: Any = (), dilations: Any = None) -> None:
        n = len(x_shape) - 2
        if len(ksize) != n + 2 or len(strides) != n + 2:
            raise _invalid(f"Sliding window ksize and strides fields must specify {n + 2} dimensions")
        first = channels_first(data_format)
        if (ksize[0] != 1 or strides[0] != 1 or (ksize[1] if first else ksize[-1]) != 1
                or (strides[1] if first else strides[-1]) != 1):
            raise errors.UnimplementedError(
                None, None, "Pooling is not yet supported on the batch nor channel dimension.")
        self.fmt = data_format
        self.k = [int(v) for v in spatial(ksize, data_format)]
        self.s = [int(v) for v in spatial(strides, data_format)]
        self.d = [int(v) for v in spatial(dilations, data_format)] if dilations else [1] * n
        self.in_sizes = [int(v) for v in spatial(x_shape, data_format)]
        self.outs, self.pads = geometry(self.in_sizes, self.k, self.s, self.d, padding, explicit_paddings,
                                        data_format)

    def padded_sizes(self) -> list:
        sizes = []
        for n, (lo, hi), o, k, s, d in zip(self.in_sizes, self.pads, self.outs, self.k, self.s, self.d):
            need = (o - 1) * s + (k - 1) * d + 1 if o > 0 else 0
            sizes.append(max(n + lo + max(hi, 0), need, lo + n))
        return sizes

    def slices(self) -> Any:
        """For each window offset, the index of its strided slice in the padded array."""
        for offset in itertools.product(*(range(k) for k in self.k)):
            yield (slice(None),) + tuple(slice(j * d, j * d + (o - 1) * s + 1, s)
                                         for j, d, o, s in zip(offset, self.d, self.outs, self.s))

    def crop(self) -> tuple:
        return (slice(None),) + tuple(slice(lo, lo + n) for (lo, _), n in zip(self.pads, self.in_sizes))

    def unpadded(self) -> bool:
        """Whether every window lies inside the input (no padding to add)."""
        return all(lo == 0 for lo, _ in self.pads) and self.padded_sizes() == self.in_sizes

    def disjoint(self) -> bool:
        """Whether windows never overlap (window no wider than its stride, no dilation)."""
        return all(k <= s and d == 1 for k, s, d in zip(self.k, self.s, self.d))

    def pad(self, xp: Any, x: Any, value: Any) -> Any:
        if self.unpadded():
            return x
        full = xp.full((x.shape[0], *self.padded_sizes(), x.shape[-1]), value, x.dtype)
        full[self.crop()] = x
        return full


# Pooling kernels run a batch slice of about this many input bytes per task on the host threads.
_TASK_BYTES = 1 << 20


def _by_batch(xp: Any, work: Any, x: Any) -> None:
    """work(n0, n1) over batch slices, spread over the host threads when `x` is large."""
    n = x.shape[0]
    tasks = max(1, -(-x.nbytes // _TASK_BYTES))
    threads = host_threads.num_threads()
    if tasks > 1 and threads > 1:  # as many tasks for each thread
        tasks = -(-tasks // threads) * threads
    step = max(1, -(-n // tasks))
    run_tasks(xp, lambda r: work(*r), [(i, min(i + step, n)) for i in range(0, n, step)])


def _to_last(xp: Any, x: Any, fmt: str) -> Any:
    return xp.moveaxis(x, 1, -1) if channels_first(fmt) else x


def _from_last(xp: Any, y: Any, fmt: str) -> Any:
    return xp.ascontiguousarray(xp.moveaxis(y, -1, 1)) if channels_first(fmt) else y


def _lowest(dtype: Any) -> Any:
    return -np.inf if dtype.kind == "f" or dtype.kind == "V" else np.iinfo(dtype).min


def _separable(xp: Any, full: Any, spec: _Pool, combine: Any, out: Any = None) -> Any:
    """The window reduction one spatial axis at a time (sum(k) passes instead of prod(k)): max and
    sum over a box are separable. With `out`, the last axis's result is written there and the
    others' go to this thread's scratch memory."""
    arr = full
    last = len(spec.k) - 1
    for axis, (k, s, d, o) in enumerate(zip(spec.k, spec.s, spec.d, spec.outs)):
        def part(j: int, arr: Any = arr, axis: int = axis, s: int = s, d: int = d, o: int = o) -> Any:
            index = [slice(None)] * arr.ndim
            index[1 + axis] = slice(j * d, j * d + (o - 1) * s + 1, s) if o > 0 else slice(0, 0)
            return arr[tuple(index)]
        first = part(0)
        if out is None:
            acc = xp.empty(first.shape, first.dtype)
        else:
            acc = out if axis == last else pool_tiles.temp(xp, f"pool.axis{axis}", first.shape, first.dtype)
        if (xp is np and combine is np.maximum and axis < last and k == s > 1 and d == 1
                and arr.strides[-1] == arr.itemsize):
            # Windows side by side along a row axis of channels-last data: one reduce over each
            # window's rows (the same maximum(maximum(r0, r1), r2)... fold), 1.7x faster in
            # NumPy than maximum over strided rows (and slower on channels-first views).
            rows = arr[(slice(None),) * (1 + axis) + (slice(0, o * k),)]
            np.maximum.reduce(rows.reshape(rows.shape[:1 + axis] + (o, k) + rows.shape[2 + axis:]),
                              axis=2 + axis, out=acc)
        else:
            if k > 1:  # the first two slices combined straight into acc: no copy of the first
                combine(first, part(1), out=acc)
            else:
                acc[...] = first
            for j in range(2, k):
                combine(acc, part(j), out=acc)
        arr = acc
    return arr


def _max_pool(xp: Any, x: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NHWC",
              explicit_paddings: Any = (), dilations: Any = None) -> Any:
    spec = _Pool(x.shape, ksize, strides, padding, data_format, explicit_paddings, dilations)
    xl = _to_last(xp, x, data_format)
    full = spec.pad(xp, xl, _lowest(x.dtype))
    out = xp.empty((x.shape[0], *spec.outs, xl.shape[-1]), x.dtype)
    tiled = pool_tiles.fast_max_pool(spec, full)

    def work(n0: int, n1: int) -> None:
        if tiled:
            pool_tiles.max_pool(spec, full[n0:n1], out[n0:n1])
        else:
            _separable(xp, full[n0:n1], spec, xp.maximum, out[n0:n1])

    if out.size:
        _by_batch(xp, work, full)
    return _from_last(xp, out, data_format)


def _argmax_mask_walk(xp: Any, spec: _Pool, full: Any, yl: Any) -> Any:
    """Yields (slice index, mask): the first window position holding each output's maximum, from
    the padded input `full`."""
    taken = None
    slices = list(spec.slices())
    for i, index in enumerate(slices):
        hit = full[index] == yl
        if taken is None:
            taken = hit if len(slices) == 1 else hit.copy()
        else:
            xp.greater(hit, taken, out=hit)  # hit and not taken
            if i + 1 < len(slices):
                taken |= hit
        yield index, hit


def _max_pool_grad(xp: Any, orig_input: Any, orig_output: Any, grad: Any, ksize: Any, strides: Any, padding: str,
                   data_format: str = "NHWC", explicit_paddings: Any = (), dilations: Any = None) -> Any:
    return _max_grad(xp, orig_input, orig_output, grad, (ksize, strides, padding, data_format, explicit_paddings,
                                                         dilations), relu=False)


def _max_grad(xp: Any, orig_input: Any, orig_output: Any, grad: Any, settings: tuple, relu: bool) -> Any:
    """MaxPoolGrad, times ReluGrad's mask `orig_input > 0` with `relu`."""
    ksize, strides, padding, data_format, explicit_paddings, dilations = settings
    spec = _Pool(orig_input.shape, ksize, strides, padding, data_format, explicit_paddings, dilations)
    xl, yl = _to_last(xp, orig_input, data_format), _to_last(xp, orig_output, data_format)
    gl = _to_last(xp, grad, data_format)
    full = spec.pad(xp, xl, _lowest(xl.dtype))
    disjoint = spec.disjoint()
    tiled = pool_tiles.tiles(spec)
    if tiled:  # every input in a window is written below (on NumPy all of them, the others as 0)
        dx = xp.empty((xl.shape[0], *spec.in_sizes, xl.shape[-1]), grad.dtype)
        if xp is not np:
            (kh, kw), (oh, ow) = spec.k, spec.outs
            dx[:, oh * kh:] = 0
            dx[:, :oh * kh, ow * kw:] = 0
    else:
        dx = xp.zeros((xl.shape[0], *spec.padded_sizes(), xl.shape[-1]), grad.dtype)

    def work(n0: int, n1: int) -> None:
        part, g = dx[n0:n1], gl[n0:n1]
        if tiled:
            pool_tiles.max_grad(xp, spec, full[n0:n1], yl[n0:n1], g, part, relu)
            return
        for index, hit in _argmax_mask_walk(xp, spec, full[n0:n1], yl[n0:n1]):
            if disjoint:  # each input is in one window at most: write, no add
                xp.multiply(g, hit, out=part[index])
            else:
                part[index] += g * hit
        if relu:
            unpadded = part if spec.unpadded() else part[spec.crop()]
            xp.multiply(unpadded, xl[n0:n1] > 0, out=unpadded)

    if yl.size:
        _by_batch(xp, work, full)
    if not spec.unpadded():
        dx = xp.ascontiguousarray(dx[spec.crop()])
    return _from_last(xp, dx, data_format)


def _max_pool_grad_with_relu_grad(xp: Any, orig_input: Any, orig_output: Any, grad: Any, ksize: Any, strides: Any,
                                  padding: str, data_format: str = "NHWC", explicit_paddings: Any = (),
                                  dilations: Any = None) -> Any:
    """ReluGrad(MaxPoolGrad(orig_input, orig_output, grad), features=orig_input) in one pass."""
    return _max_grad(xp, orig_input, orig_output, grad, (ksize, strides, padding, data_format, explicit_paddings,
                                                         dilations), relu=True)


def _max_pool_grad_grad(xp: Any, orig_input: Any, orig_output: Any, grad: Any, ksize: Any, strides: Any,
                        padding: str, data_format: str = "NHWC", explicit_paddings: Any = (),
                        dilations: Any = None) -> Any:
    spec = _Pool(orig_input.shape, ksize, strides, padding, data_format, explicit_paddings, dilations)
    xl, yl = _to_last(xp, orig_input, data_format), _to_last(xp, orig_output, data_format)
    gfull = spec.pad(xp, _to_last(xp, grad, data_format), 0)
    out = xp.zeros(yl.shape, grad.dtype)
    for index, hit in _argmax_mask_walk(xp, spec, spec.pad(xp, xl, _lowest(xl.dtype)), yl):
        out += gfull[index] * hit
    return _from_last(xp, out, data_format)


def _counts(xp: Any, spec: _Pool, dtype: Any) -> Any:
    """How many real (unpadded) inputs each window covers, broadcastable over (N, *outs, C): the
    outer product of the per-axis counts."""
    counts = xp.ones((1,) * (len(spec.outs) + 2), dtype)
    for axis, (n, (lo, _), size, k, s, d, o) in enumerate(zip(spec.in_sizes, spec.pads, spec.padded_sizes(), spec.k,
                                                              spec.s, spec.d, spec.outs)):
        real = np.zeros(size)
        real[lo:lo + n] = 1
        per_axis = sum(real[j * d:j * d + (o - 1) * s + 1:s] for j in range(k)) if o > 0 else np.zeros(0)
        shape = [1] * (len(spec.outs) + 2)
        shape[1 + axis] = o
        counts = counts * xp.asarray(np.asarray(per_axis, dtype).reshape(shape))
    return counts


def _avg_pool(xp: Any, x: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NHWC",
              explicit_paddings: Any = (), dilations: Any = None) -> Any:
    spec = _Pool(x.shape, ksize, strides, padding, data_format, explicit_paddings, dilations)
    xl = _to_last(xp, x, data_format)
    work = np.float32 if x.dtype.itemsize < 4 else x.dtype
    total = _separable(xp, spec.pad(xp, xl.astype(work, copy=False), 0), spec, xp.add)
    # 1 / count laid out like one image (channels innermost): the multiply then runs contiguously.
    inverse = xp.ascontiguousarray(xp.broadcast_to(1 / _counts(xp, spec, work), (1, *total.shape[1:])))
    out = xp.multiply(total, inverse, out=total)
    return _from_last(xp, out.astype(x.dtype, copy=False), data_format)


def _avg_pool_grad(xp: Any, orig_input_shape: Any, grad: Any, ksize: Any, strides: Any, padding: str,
                   data_format: str = "NHWC", explicit_paddings: Any = (), dilations: Any = None) -> Any:
    shape = tuple(int(v) for v in orig_input_shape.tolist())
    spec = _Pool(shape, ksize, strides, padding, data_format, explicit_paddings, dilations)
    work = np.float32 if grad.dtype.itemsize < 4 else grad.dtype
    gl = _to_last(xp, grad, data_format).astype(work, copy=False) / _counts(xp, spec, work)
    channels = shape[1] if channels_first(data_format) else shape[-1]
    dx = xp.zeros((shape[0], *spec.padded_sizes(), channels), work)
    for index in spec.slices():
        dx[index] += gl
    return _from_last(xp, xp.ascontiguousarray(dx[spec.crop()]), data_format).astype(grad.dtype, copy=False)


def _like_second(inputs: Any, attrs: dict) -> list:
    """Shape rule of MaxPoolGradGrad: the original output's shape, the gradient's dtype."""
    return [(inputs[2]._array.dtype, inputs[1]._array.shape)]


def _pool_family(names: tuple) -> tuple:
    """MaxPool, MaxPoolGrad, MaxPoolGradGrad, AvgPool, AvgPoolGrad ops (2-D or 3-D names)."""
    ops: dict = {}

    def max_grad(ctx: Any, dy: Tensor) -> tuple:
        return (execute(ops["grad"], (ctx.inputs[0], ctx.output, dy), ctx.attrs),)

    def max_grad_grad(ctx: Any, g: Tensor) -> tuple:
        x, y, _ = ctx.inputs
        return (math_ops.zeros_like_same(x), math_ops.zeros_like_same(y),
                execute(ops["gradgrad"], (x, y, g), ctx.attrs))

    def max_grad_grad_grad(ctx: Any, g: Tensor) -> tuple:
        x, y, _ = ctx.inputs
        return (math_ops.zeros_like_same(x), math_ops.zeros_like_same(y),
                execute(ops["grad"], (x, y, g), ctx.attrs))

    def avg_grad(ctx: Any, dy: Tensor) -> tuple:
        return (execute(ops["avggrad"], (static_shape(ctx.inputs[0]), dy), ctx.attrs),)

    def avg_grad_grad(ctx: Any, g: Tensor) -> tuple:
        return (None, execute(ops["avg"], (g,), ctx.attrs))

    ops["max"] = Op(names[0], _max_pool, dtypes=_MAX_DTYPES, grad=max_grad)
    ops["grad"] = Op(names[1], _max_pool_grad, dtypes=_MAX_DTYPES, grad=max_grad_grad, shape_fn=same_as_first)
    ops["gradgrad"] = Op(names[2], _max_pool_grad_grad, dtypes=_MAX_DTYPES, grad=max_grad_grad_grad,
                         shape_fn=_like_second)
    ops["avg"] = Op(names[3], _avg_pool, dtypes=_AVG_DTYPES, grad=avg_grad)
    ops["avggrad"] = Op(names[4], _avg_pool_grad, grad=avg_grad_grad, shape_fn=sized_output(0, 1))
    return ops["max"], ops["grad"], ops["gradgrad"], ops["avg"], ops["avggrad"]


MAX_POOL, MAX_POOL_GRAD, MAX_POOL_GRAD_GRAD, AVG_POOL, AVG_POOL_GRAD = _pool_family(
    ("MaxPool", "MaxPoolGrad", "MaxPoolGradGrad", "AvgPool", "AvgPoolGrad"))
MAX_POOL3D, MAX_POOL3D_GRAD, MAX_POOL3D_GRAD_GRAD, AVG_POOL3D, AVG_POOL3D_GRAD = _pool_family(
    ("MaxPool3D", "MaxPool3DGrad", "MaxPool3DGradGrad", "AvgPool3D", "AvgPool3DGrad"))
# ReluGrad(MaxPoolGrad(x, y, g), features=x), which the graph remapper (function/remapper.py)
# puts in place of the two ops: no TF op of that name, not in tf.raw_ops; a rewrite of an already
# differentiated graph, so no gradient.
MAX_POOL_GRAD_WITH_RELU_GRAD = Op("MaxPoolGradWithReluGrad", _max_pool_grad_with_relu_grad, dtypes=_MAX_DTYPES,
                                  shape_fn=same_as_first)
# N-d pooling with dilations (tf.nn.pool): no TF kernel of that name; TF builds it from
# space_to_batch around MaxPool/AvgPool. Same kernels with a dilation attr.
MAX_POOL_ND, MAX_POOL_ND_GRAD, MAX_POOL_ND_GRAD_GRAD, AVG_POOL_ND, AVG_POOL_ND_GRAD = _pool_family(
    ("DilatedMaxPool", "DilatedMaxPoolGrad", "DilatedMaxPoolGradGrad", "DilatedAvgPool", "DilatedAvgPoolGrad"))


# --- max_pool_with_argmax ----------------------------------------------------------------------
def _max_pool_with_argmax(xp: Any, x: Any, ksize: Any, strides: Any, padding: str, Targmax: Any = np.int64,
                          include_batch_in_index: bool = False) -> list:
    spec = _Pool(x.shape, ksize, strides, padding, "NHWC")
    n, h, w, c = x.shape
    full = spec.pad(xp, x, _lowest(x.dtype))
    rows = xp.arange(-spec.pads[0][0], spec.padded_sizes()[0] - spec.pads[0][0]).reshape(1, -1, 1, 1)
    cols = xp.arange(-spec.pads[1][0], spec.padded_sizes()[1] - spec.pads[1][0]).reshape(1, 1, -1, 1)
    flat = (rows * w + cols) * c + xp.arange(c).reshape(1, 1, 1, c)
    if include_batch_in_index:
        flat = flat + xp.arange(n).reshape(n, 1, 1, 1) * (h * w * c)
    flat = xp.broadcast_to(flat, full.shape)
    out = argmax = None
    for index in spec.slices():
        values = full[index]
        if out is None:
            out, argmax = values.copy(), flat[index].copy()
        else:
            better = values > out
            out = xp.where(better, values, out)
            argmax = xp.where(better, flat[index], argmax)
    return [out, argmax.astype(Targmax)]


def _max_pool_grad_with_argmax(xp: Any, x: Any, grad: Any, argmax: Any, ksize: Any, strides: Any,
                               padding: str, include_batch_in_index: bool = False) -> Any:
    n = x.shape[0]
    per = x.size // max(n, 1)
    dx = xp.zeros(x.size, grad.dtype)
    index = argmax.reshape(n, -1).astype(np.int64)
    if not include_batch_in_index:
        index = index + xp.arange(n).reshape(n, 1) * per
    xp.add.at(dx, index.ravel(), grad.ravel())
    return dx.reshape(x.shape)


def _max_pool_grad_grad_with_argmax(xp: Any, x: Any, grad: Any, argmax: Any, ksize: Any, strides: Any,
                                    padding: str, include_batch_in_index: bool = False) -> Any:
    n = x.shape[0]
    index = argmax.reshape(n, -1).astype(np.int64)
    if not include_batch_in_index:
        index = index + xp.arange(n).reshape(n, 1) * (x.size // max(n, 1))
    return grad.ravel()[index.ravel()].reshape(argmax.shape)


def _argmax_grad(ctx: Any, dy: list) -> tuple:
    x = ctx.inputs[0]
    attrs = {k: v for k, v in ctx.attrs.items() if k != "Targmax"}
    return (execute(MAX_POOL_GRAD_WITH_ARGMAX, (x, dy[0], ctx.output[1]), attrs),)


def _argmax_grad_grad(ctx: Any, g: Tensor) -> tuple:
    x, _, argmax = ctx.inputs
    return (math_ops.zeros_like_same(x), execute(MAX_POOL_GRAD_GRAD_WITH_ARGMAX, (x, g, argmax), ctx.attrs), None)


def _argmax_grad_grad_grad(ctx: Any, g: Tensor) -> tuple:
    x, _, argmax = ctx.inputs
    return (math_ops.zeros_like_same(x), execute(MAX_POOL_GRAD_WITH_ARGMAX, (x, g, argmax), ctx.attrs), None)


MAX_POOL_WITH_ARGMAX = Op("MaxPoolWithArgmax", _max_pool_with_argmax, dtypes=_MAX_DTYPES, num_outputs=2,
                          grad=_argmax_grad)
MAX_POOL_GRAD_WITH_ARGMAX = Op("MaxPoolGradWithArgmax", _max_pool_grad_with_argmax, dtypes=_MAX_DTYPES,
                               grad=_argmax_grad_grad)
MAX_POOL_GRAD_GRAD_WITH_ARGMAX = Op("MaxPoolGradGradWithArgmax", _max_pool_grad_grad_with_argmax,
                                    dtypes=_MAX_DTYPES, grad=_argmax_grad_grad_grad)


# --- public functions --------------------------------------------------------------------------
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _attrs(ksize: Any, strides: Any, padding: Any, data_format: str, n: int, op: Op) -> dict:
    cidx = 1 if channels_first(data_format) else n + 1
    attrs = {"ksize": sequence(ksize, n, cidx, "ksize"), "strides": sequence(strides, n, cidx, "strides"),
             "data_format": data_format}
    attrs.update(padding_attrs(padding, n, data_format, op.name))
    return attrs


def _pool_call(op: Op, input: Any, ksize: Any, strides: Any, padding: Any, data_format: str,  # noqa: A002
               n: int) -> Tensor:
    x = conversion.tensor(input)
    if data_format not in _FORMATS[n]:
        allowed = _FORMATS[n] + (("NCHW_VECT_C",) if n == 2 and op is MAX_POOL else ())
        raise attr_error("data_format", data_format, allowed, op.name)
    if x._array.ndim is not None and x.ndim != n + 2:  # unknown rank (traced): the kernel checks
        raise ValueError(f"`input` must have rank {n + 2}. Received: input.shape={x.shape} of rank {x.ndim}")
    if n == 1:  # TF runs 1-D pooling as 2-D over a height of 1
        first = channels_first(data_format)
        axis = 2 if first else 1
        k = sequence(ksize, 1, 1 if first else 2, "ksize")
        s = sequence(strides, 1, 1 if first else 2, "strides")
        pad = padding if isinstance(padding, str) else [list(p) for p in padding]
        if not isinstance(pad, str):
            pad = pad[:axis] + [[0, 0]] + pad[axis:]
        y = _pool_call(op, array_ops.expand_dims(x, axis), k[:axis] + [1] + k[axis:], s[:axis] + [1] + s[axis:],
                       pad, "NCHW" if first else "NHWC", 2)
        return array_ops.squeeze(y, [axis])
    attrs = _attrs(ksize, strides, padding, data_format, n, op)
    if op in (AVG_POOL, AVG_POOL3D) and attrs["padding"] == "EXPLICIT":
        raise TypeError(f"Expected string for argument 'padding' not {padding}.")
    return execute(op, (x,), attrs)


def _ops_for(n: int, kind: str) -> Op:
    if n == 3:
        return MAX_POOL3D if kind == "max" else AVG_POOL3D
    return MAX_POOL if kind == "max" else AVG_POOL


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Max over windows of a [batch, width, channels] input (`tf.nn.max_pool1d`)."""
    return _pool_call(MAX_POOL, input, ksize, strides, padding, data_format, 1)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Max over windows of an NHWC/NCHW input (`tf.nn.max_pool2d`); padding may be explicit."""
    return _pool_call(MAX_POOL, input, ksize, strides, padding, data_format, 2)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Max over windows of an NDHWC/NCDHW input (`tf.nn.max_pool3d`)."""
    return _pool_call(MAX_POOL3D, input, ksize, strides, padding, data_format, 3)


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Mean over windows (`tf.nn.avg_pool1d`); SAME windows average only the real inputs."""
    return _pool_call(AVG_POOL, input, ksize, strides, padding, data_format, 1)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Mean over windows (`tf.nn.avg_pool2d`); SAME windows average only the real inputs."""
    return _pool_call(AVG_POOL, input, ksize, strides, padding, data_format, 2)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",  # noqa: A002
               name: str | None = None) -> Tensor:
    """Mean over windows (`tf.nn.avg_pool3d`)."""
    return _pool_call(AVG_POOL3D, input, ksize, strides, padding, data_format, 3)


def _rank_dispatch(kind: str, input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
                   data_format: str | None) -> Tensor:
    x = conversion.tensor(input)
    n = x.ndim - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={x.shape} of rank {x.ndim}.")
    if data_format is None:
        data_format = _FORMATS[n][0]
    return _pool_call(_ops_for(n, kind), x, ksize, strides, padding, data_format, n)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str | None = None,  # noqa: A002
             name: str | None = None) -> Tensor:
    """max_pool1d/2d/3d chosen by the input's rank (`tf.nn.max_pool`)."""
    return _rank_dispatch("max", input, ksize, strides, padding, data_format)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str | None = None,  # noqa: A002
             name: str | None = None) -> Tensor:
    """avg_pool1d/2d/3d chosen by the input's rank (`tf.nn.avg_pool`)."""
    return _rank_dispatch("avg", input, ksize, strides, padding, data_format)


def pool(input: Any, window_shape: Any, pooling_type: str, strides: Any = None, padding: str = "VALID",  # noqa: A002
         data_format: str | None = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """N-d max or average pooling with optional dilation (`tf.nn.pool`)."""
    x = conversion.tensor(input)
    n = len(window_shape)
    if x.ndim != n + 2:
        raise ValueError(f"`input` must have rank {n + 2}. Received: input.shape={x.shape} of rank {x.ndim}")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")
    strides = [1] * n if strides is None else list(strides)
    dilations = [1] * n if dilations is None else list(dilations)
    if any(s != 1 for s in strides) and any(d != 1 for d in dilations):
        raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                         f"Received: strides={np.array(strides)} and dilation_rate={np.array(dilations)}")
    if padding == "SAME" and any(d != 1 for d in dilations):
        raise ValueError(f"pooling with 'SAME' padding is not implemented for `dilation_rate` > 1. Received: "
                         f"padding={padding} and dilation_rate={np.array(dilations)}")
    first = data_format is not None and data_format.startswith("NC")
    fmt = _FORMATS[n][int(first)] if n in _FORMATS else ("NC" + "X" * n if first else "N" + "X" * n + "C")
    kind = "max" if pooling_type == "MAX" else "avg"
    if all(d == 1 for d in dilations) and n in (1, 2, 3):
        return _pool_call(_ops_for(n, kind), x, list(window_shape), strides, padding, fmt, n)
    cidx = 1 if first else n + 1
    attrs = {"ksize": sequence(list(window_shape), n, cidx, "ksize"), "strides": sequence(strides, n, cidx, "strides"),
             "data_format": fmt, "dilations": sequence(dilations, n, cidx, "dilations")}
    attrs.update(padding_attrs(padding, n, fmt, "MaxPool" if kind == "max" else "AvgPool"))
    return execute(MAX_POOL_ND if kind == "max" else AVG_POOL_ND, (x,), attrs)


def max_pool_with_argmax(input: Any, ksize: Any, strides: Any, padding: str, data_format: str = "NHWC",  # noqa: A002
                         output_dtype: Any = None, include_batch_in_index: bool = False,
                         name: str | None = None) -> tuple:
    """(max_pool2d, flattened argmax) (`tf.nn.max_pool_with_argmax`).

    The index of input[b, y, x, c] is ((b * height + y) * width + x) * channels + c, the
    `b * height` term only with `include_batch_in_index`.
    """
    from eagerflow._src.framework import dtypes as _dtypes

    if data_format != "NHWC":
        raise ValueError(f"`data_format` values other  than 'NHWC' are not supported. Received: "
                         f"data_format={data_format}")
    x = conversion.tensor(input)
    out_dtype = _dtypes.as_dtype(output_dtype) if output_dtype is not None else _dtypes.int64
    attrs = {"ksize": sequence(ksize, 2, 3, "ksize"), "strides": sequence(strides, 2, 3, "strides"),
             "padding": padding.upper(), "Targmax": out_dtype.as_numpy_dtype,
             "include_batch_in_index": bool(include_batch_in_index)}
    out, argmax = execute(MAX_POOL_WITH_ARGMAX, (x,), attrs)
    return out, argmax


# --- grayscale morphology (dilation2d / erosion2d) --------------------------------------------------
def _morph_spec(x: Any, f: Any, strides: Any, rates: Any, padding: str) -> _Pool:
    if f.ndim != 3 or f.shape[2] != x.shape[3]:
        raise _invalid(f"input and filter must have the same depth: {x.shape[3]} vs {f.shape[-1]}")
    return _Pool(x.shape, [1, f.shape[0], f.shape[1], 1], strides, padding, "NHWC", (), rates)


def _dilation2d(xp: Any, x: Any, f: Any, strides: Any, rates: Any, padding: str) -> Any:
    spec = _morph_spec(x, f, strides, rates, padding)
    full = spec.pad(xp, x, _lowest(x.dtype))
    out = None
    for index, (i, j) in zip(spec.slices(), itertools.product(range(f.shape[0]), range(f.shape[1]))):
        value = full[index] + f[i, j]
        out = value if out is None else xp.maximum(out, value, out=out)
    return out.astype(x.dtype, copy=False)


def _dilation_argmax_walk(xp: Any, spec: _Pool, x: Any, f: Any) -> Any:
    """Yields (slice index, (i, j), mask): the first window offset reaching each output's maximum."""
    full = spec.pad(xp, x, _lowest(x.dtype))
    best = None
    offsets = list(zip(spec.slices(), itertools.product(range(f.shape[0]), range(f.shape[1]))))
    for index, (i, j) in offsets:
        value = full[index] + f[i, j]
        best = value if best is None else xp.maximum(best, value)
    taken = xp.zeros(best.shape, bool)
    for index, (i, j) in offsets:
        hit = (full[index] + f[i, j] == best) & ~taken
        taken |= hit
        yield index, (i, j), hit


def _dilation_backprop_input(xp: Any, x: Any, f: Any, dy: Any, strides: Any, rates: Any, padding: str) -> Any:
    spec = _morph_spec(x, f, strides, rates, padding)
    dx = xp.zeros((x.shape[0], *spec.padded_sizes(), x.shape[-1]), dy.dtype)
    for index, _, hit in _dilation_argmax_walk(xp, spec, x, f):
        dx[index] += dy * hit
    return xp.ascontiguousarray(dx[spec.crop()])


def _dilation_backprop_filter(xp: Any, x: Any, f: Any, dy: Any, strides: Any, rates: Any, padding: str) -> Any:
    spec = _morph_spec(x, f, strides, rates, padding)
    df = xp.zeros(f.shape, dy.dtype)
    for _, (i, j), hit in _dilation_argmax_walk(xp, spec, x, f):
        df[i, j] += (dy * hit).sum(axis=(0, 1, 2))
    return df


def _dilation_grad(ctx: Any, dy: Tensor) -> tuple:
    x, f = ctx.inputs
    return (execute(DILATION2D_BACKPROP_INPUT, (x, f, dy), ctx.attrs),
            execute(DILATION2D_BACKPROP_FILTER, (x, f, dy), ctx.attrs))


DILATION2D = Op("Dilation2D", _dilation2d, dtypes=REAL, grad=_dilation_grad)
DILATION2D_BACKPROP_INPUT = Op("Dilation2DBackpropInput", _dilation_backprop_input, dtypes=REAL)
DILATION2D_BACKPROP_FILTER = Op("Dilation2DBackpropFilter", _dilation_backprop_filter, dtypes=REAL)


def dilation2d(input: Any, filters: Any, strides: Any, padding: str, data_format: str,  # noqa: A002
               dilations: Any, name: str | None = None) -> Tensor:
    """Grayscale dilation: max over the window of input + filter (`tf.nn.dilation2d`), NHWC only.

    `filters` is [height, width, depth]; `strides` and `dilations` are lists of 4.
    """
    if data_format != "NHWC":
        raise ValueError("`data_format` values other  than 'NHWC' are not supported. Received: "
                         f"data_format={data_format}")
    x, f = conversion.binary(DILATION2D, input, filters)
    return execute(DILATION2D, (x, f), {"strides": [int(s) for s in strides], "rates": [int(r) for r in dilations],
                                        "padding": padding.upper()})


def erosion2d(value: Any, filters: Any, strides: Any, padding: str, data_format: str, dilations: Any,
              name: str | None = None) -> Tensor:
    """Grayscale erosion: min over the window of value - filter (`tf.nn.erosion2d`), i.e.
    -dilation2d(-value, filters reversed in height and width)."""
    if data_format != "NHWC":
        raise ValueError("`data_format` values other  than 'NHWC' are not supported. Received: "
                         f"data_format={data_format}")
    x, f = conversion.binary(DILATION2D, value, filters)
    flipped = array_ops.reverse(f, [0, 1])
    return math_ops.negative(dilation2d(math_ops.negative(x), flipped, strides, padding, "NHWC", dilations))
