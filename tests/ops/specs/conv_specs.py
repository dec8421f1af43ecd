"""Specs for convolutions and pooling (`tf.nn.conv*`, `depthwise_conv2d`, `max_pool*`, `avg_pool*`).

The references are written independently of the kernels: a convolution is a sum over the
filter's offsets of shifted-input matmuls, pooling is a loop over output positions.
"""
import itertools

import numpy as np

from eagerflow._src.ops import conv_ops as C
from eagerflow._src.ops import depthwise_conv_ops as D
from eagerflow._src.ops import pooling_ops as P
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")


def _same_pads(n, k, s, d):
    eff = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + eff - n, 0)
    return out, (total // 2, total - total // 2)


def conv_ref(x, w, strides, padding, dilations=None, data_format="NHWC", depthwise=False):
    """Channels-last N-d convolution by shifted matmuls (float64), cast back to x's dtype."""
    if data_format.startswith("NC"):
        x = np.moveaxis(x, 1, -1)
    nd = x.ndim - 2
    dilations = dilations or [1] * nd
    xw = x.astype(np.float64)
    outs, pads = [], []
    for n, k, s, d in zip(x.shape[1:-1], w.shape[:nd], strides, dilations):
        if padding == "SAME":
            out, pad = _same_pads(n, k, s, d)
        elif padding == "VALID":
            out, pad = (n - (k - 1) * d - 1) // s + 1, (0, 0)
        else:
            pad = padding[len(outs)]
            out = (n + sum(pad) - (k - 1) * d - 1) // s + 1
        outs.append(out)
        pads.append(pad)
    xw = np.pad(xw, [(0, 0)] + [(lo, hi + 8) for lo, hi in pads] + [(0, 0)])
    channels = w.shape[-1] * (x.shape[-1] if depthwise else 1)
    y = np.zeros((x.shape[0], *outs, channels))
    for offset in itertools.product(*(range(k) for k in w.shape[:nd])):
        index = (slice(None),) + tuple(slice(j * d, j * d + (o - 1) * s + 1, s)
                                       for j, d, o, s in zip(offset, dilations, outs, strides))
        patch = xw[index]
        if depthwise:
            y += (patch[..., :, None] * w[offset].astype(np.float64)).reshape(*patch.shape[:-1], -1)
        else:
            y += patch @ w[offset].astype(np.float64)
    if data_format.startswith("NC"):
        y = np.moveaxis(y, -1, 1)
    return y.astype(x.dtype)


def pool_ref(x, k, s, padding, kind):
    """2-D NHWC pooling by a loop over output positions (float64)."""
    n, h, w, c = x.shape
    if padding == "SAME":
        (oh, (ph, _)), (ow, (pw, _)) = _same_pads(h, k[0], s[0], 1), _same_pads(w, k[1], s[1], 1)
    else:
        oh, ow, ph, pw = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, 0, 0
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - ph, j * s[1] - pw
            win = x[:, max(r0, 0):r0 + k[0], max(c0, 0):c0 + k[1], :].astype(np.float64)
            y[:, i, j] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return y.astype(x.dtype)


def arrays(*shapes, distinct=False):
    def make(rng, dt):
        if distinct:  # well-separated values: no ties inside a pooling window
            out = []
            for shape in shapes:
                size = int(np.prod(shape))
                out.append((rng.permutation(size).reshape(shape) / size * 4 - 2).astype(dt))
            return tuple(out)
        return tuple(rng.uniform(-1, 1, size=s).astype(dt) for s in shapes)
    return make


def _squared(fn):
    """fn(...) ** 2: makes second-order gradients pass through the backprop ops' own gradients."""
    def run(*args, **kwargs):
        y = fn(*args, **kwargs)
        return y * y
    return run


def _squared_ref(fn):
    def run(*args, **kwargs):
        y = fn(*args, **kwargs).astype(np.float64)
        return (y * y).astype(args[0].dtype)
    return run


X = (2, 5, 6, 3)
W = (3, 3, 3, 4)
SPECS = [
    OpSpec("conv2d_same", lambda x, w: C.conv2d(x, w, 1, "SAME"), lambda x, w: conv_ref(x, w, [1, 1], "SAME"),
           arrays(X, W), FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_valid_strided", lambda x, w: C.conv2d(x, w, [2, 1], "VALID"),
           lambda x, w: conv_ref(x, w, [2, 1], "VALID"), arrays(X, W), ("float32", "float64"),
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_same_strided_dilated", lambda x, w: C.conv2d(x, w, 2, "SAME", dilations=[1, 2, 2, 1]),
           lambda x, w: conv_ref(x, w, [2, 2], "SAME", [2, 2]), arrays(X, W), ("float32", "float64"),
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_explicit", lambda x, w: C.conv2d(x, w, 2, [[0, 0], [1, 2], [0, 1], [0, 0]]),
           lambda x, w: conv_ref(x, w, [2, 2], [(1, 2), (0, 1)]), arrays(X, W), ("float32", "float64"),
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_nchw", lambda x, w: C.conv2d(x, w, 2, "SAME", data_format="NCHW"),
           lambda x, w: conv_ref(x, w, [2, 2], "SAME", data_format="NCHW"), arrays((2, 3, 5, 6), W),
           ("float32", "float64"), differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_int32", lambda x, w: C.conv2d(x, w, 1, "SAME"),
           lambda x, w: conv_ref(x, w, [1, 1], "SAME"),
           lambda rng, dt: (rng.integers(-3, 4, X).astype(dt), rng.integers(-3, 4, W).astype(dt)), ("int32",)),
    OpSpec("conv2d_squared_input", _squared(lambda x, w: C.conv2d(x, w, 2, "SAME")),
           _squared_ref(lambda x, w: conv_ref(x, w, [2, 2], "SAME")), arrays(X, W), ("float64",),
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv2d_squared_filter", _squared(lambda w, x: C.conv2d(x, w, 2, "SAME")),
           _squared_ref(lambda w, x: conv_ref(x, w, [2, 2], "SAME")), arrays(W, X), ("float64",),
           differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("conv1d", lambda x, w: C.conv1d(x, w, 2, "SAME"), lambda x, w: conv_ref(x, w, [2], "SAME"),
           arrays((2, 7, 3), (3, 3, 2)), ("float32", "float64"), differentiable=True, grad_args=(0, 1),
           rtol=1e-4, atol=1e-5),
    OpSpec("conv3d", lambda x, w: C.conv3d(x, w, [1, 2, 1, 1, 1], "SAME"),
           lambda x, w: conv_ref(x, w, [2, 1, 1], "SAME"), arrays((1, 4, 3, 4, 2), (2, 2, 3, 2, 3)),
           ("float32", "float64"), differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("depthwise_conv2d", lambda x, w: D.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"),
           lambda x, w: conv_ref(x, w, [2, 2], "SAME", depthwise=True), arrays(X, (3, 3, 3, 2)),
           ("float32", "float64"), differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("depthwise_conv2d_squared", _squared(lambda w, x: D.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID",
                                                                                dilations=[2, 1])),
           _squared_ref(lambda w, x: conv_ref(x, w, [1, 1], "VALID", [2, 1], depthwise=True)),
           arrays((3, 3, 3, 2), X), ("float64",), differentiable=True, grad_args=(0, 1), rtol=1e-4, atol=1e-5),
    OpSpec("max_pool2d", lambda x: P.max_pool2d(x, 3, 2, "SAME"), lambda x: pool_ref(x, (3, 3), (2, 2), "SAME", "max"),
           arrays((2, 5, 6, 3), distinct=True), FLOATS + ("int32",), differentiable=True),
    OpSpec("max_pool2d_valid", lambda x: P.max_pool2d(x, [2, 3], [2, 1], "VALID"),
           lambda x: pool_ref(x, (2, 3), (2, 1), "VALID", "max"), arrays((2, 5, 6, 3), distinct=True),
           ("float32", "float64"), differentiable=True),
    OpSpec("max_pool2d_squared", _squared(lambda x: P.max_pool2d(x, 2, 1, "SAME")),
           _squared_ref(lambda x: pool_ref(x, (2, 2), (1, 1), "SAME", "max")), arrays((1, 4, 4, 2), distinct=True),
           ("float64",), differentiable=True),
    OpSpec("avg_pool2d", lambda x: P.avg_pool2d(x, 3, 2, "SAME"), lambda x: pool_ref(x, (3, 3), (2, 2), "SAME", "avg"),
           arrays((2, 5, 6, 3)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("avg_pool2d_squared", _squared(lambda x: P.avg_pool2d(x, 2, 1, "VALID")),
           _squared_ref(lambda x: pool_ref(x, (2, 2), (1, 1), "VALID", "avg")), arrays((1, 4, 4, 2)),
           ("float64",), differentiable=True),
]
