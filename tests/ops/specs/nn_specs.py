"""Specs for activations, softmax and losses (`tf.nn`)."""
import numpy as np

from eagerflow._src.ops import nn_ops
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def away_from_kinks(shape=(3, 4), low=0.2, high=3.0):
    """Values with |x| in [low, high], so no input sits on a kink (0 for relu, 6 for relu6)."""
    def make(rng, dt):
        x = rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return (x.astype(dt),)
    return make


def ints(shape=(3, 4)):
    def make(rng, dt):
        return (rng.integers(-5, 6, size=shape).astype(dt),)
    return make


def labelled(shape=(3, 4), axis=-1):
    """Logits and labels that are probability distributions along `axis`."""
    def make(rng, dt):
        p = rng.uniform(0.1, 1.0, size=shape)
        return (p / p.sum(axis=axis, keepdims=True)).astype(dt), rng.uniform(-2, 2, size=shape).astype(dt)
    return make


def _cast(fn):
    return lambda x, **k: np.asarray(fn(x.astype(np.float64), **k)).astype(x.dtype)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _erf(x):
    from math import erf
    return np.vectorize(erf)(x)


def _softmax_xent(labels, logits, axis=-1):
    return np.asarray(-(labels * _log_softmax(logits.astype(np.float64), axis)).sum(axis=axis)).astype(logits.dtype)


def _sparse_args(rng, dt):
    return np.array([2, 0, 3]).astype(np.int32), rng.uniform(-2, 2, size=(3, 4)).astype(dt)


def _sparse_xent(labels, logits):
    log_p = _log_softmax(logits.astype(np.float64))
    return (-log_p[np.arange(len(labels)), labels]).astype(logits.dtype)


def _sigmoid_xent(labels, logits):
    x = logits.astype(np.float64)
    return (np.maximum(x, 0) - x * labels + np.log1p(np.exp(-np.abs(x)))).astype(logits.dtype)


def _bias_args(rng, dt):
    return rng.uniform(-2, 2, size=(2, 3, 4)).astype(dt), rng.uniform(-2, 2, size=(4,)).astype(dt)


def _bias_nchw_args(rng, dt):
    return rng.uniform(-2, 2, size=(2, 3, 4)).astype(dt), rng.uniform(-2, 2, size=(3,)).astype(dt)


def _moments(x, axes, keepdims=False):
    w = x.astype(np.float64)
    return (w.mean(axis=tuple(axes), keepdims=keepdims).astype(x.dtype),
            w.var(axis=tuple(axes), keepdims=keepdims).astype(x.dtype))


SPECS = [
    OpSpec("relu", nn_ops.relu, lambda x: np.maximum(x, 0).astype(x.dtype), away_from_kinks(),
           FLOATS, differentiable=True),
    OpSpec("relu_int", nn_ops.relu, lambda x: np.maximum(x, 0).astype(x.dtype), ints(), ("int32", "int64", "int8")),
    OpSpec("relu6", nn_ops.relu6, lambda x: np.clip(x, 0, 6).astype(x.dtype), away_from_kinks(high=5.5),
           FLOATS, differentiable=True),
    OpSpec("relu6_large", nn_ops.relu6, lambda x: np.clip(x, 0, 6).astype(x.dtype),
           away_from_kinks(low=6.5, high=9.0), ("float32", "float64"), differentiable=True),
    OpSpec("leaky_relu", nn_ops.leaky_relu, lambda x, alpha=0.2: np.where(x > 0, x, alpha * x).astype(x.dtype),
           away_from_kinks(), FLOATS, kwargs={"alpha": 0.1}, differentiable=True),
    OpSpec("elu", nn_ops.elu, _cast(lambda x: np.where(x > 0, x, np.expm1(x))), away_from_kinks(),
           FLOATS, differentiable=True),
    OpSpec("selu", nn_ops.selu, _cast(lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
           away_from_kinks(), FLOATS, differentiable=True),
    OpSpec("softplus", nn_ops.softplus, _cast(lambda x: np.logaddexp(0, x)), away_from_kinks(high=30.0),
           FLOATS, differentiable=True),
    OpSpec("softsign", nn_ops.softsign, _cast(lambda x: x / (1 + np.abs(x))), away_from_kinks(),
           FLOATS, differentiable=True),
    OpSpec("gelu", nn_ops.gelu, _cast(lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))), away_from_kinks(),
           ("float32", "float64"), differentiable=True),
    OpSpec("gelu_approximate", nn_ops.gelu,
           _cast(lambda x, approximate: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
           away_from_kinks(), ("float32", "float64"), kwargs={"approximate": True}, differentiable=True),
    OpSpec("softmax", nn_ops.softmax, _cast(_softmax), away_from_kinks(), FLOATS, differentiable=True),
    OpSpec("softmax_axis0", nn_ops.softmax, _cast(_softmax), away_from_kinks((3, 4, 2)), FLOATS,
           kwargs={"axis": 0}, differentiable=True),
    OpSpec("log_softmax", nn_ops.log_softmax, _cast(_log_softmax), away_from_kinks(), FLOATS, differentiable=True),
    OpSpec("log_softmax_axis1", nn_ops.log_softmax, _cast(_log_softmax), away_from_kinks((3, 4, 2)), FLOATS,
           kwargs={"axis": 1}, differentiable=True),
    OpSpec("l2_loss", nn_ops.l2_loss, lambda x: np.asarray((x.astype(np.float64) ** 2).sum() / 2).astype(x.dtype),
           away_from_kinks(), FLOATS, differentiable=True),
    OpSpec("sigmoid_cross_entropy_with_logits", nn_ops.sigmoid_cross_entropy_with_logits, _sigmoid_xent,
           lambda rng, dt: (rng.uniform(0, 1, (3, 4)).astype(dt), rng.uniform(-3, 3, (3, 4)).astype(dt)),
           FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("softmax_cross_entropy_with_logits", nn_ops.softmax_cross_entropy_with_logits, _softmax_xent,
           labelled(), FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("softmax_cross_entropy_with_logits_axis0", nn_ops.softmax_cross_entropy_with_logits, _softmax_xent,
           labelled((3, 4), axis=0), ("float32", "float64"), kwargs={"axis": 0}, differentiable=True,
           grad_args=(0, 1)),
    OpSpec("sparse_softmax_cross_entropy_with_logits", nn_ops.sparse_softmax_cross_entropy_with_logits,
           _sparse_xent, _sparse_args, FLOATS, differentiable=True, grad_args=(1,)),
    OpSpec("bias_add", nn_ops.bias_add, lambda v, b: v + b, _bias_args, FLOATS + ("int32",),
           differentiable=True, grad_args=(0, 1)),
    OpSpec("bias_add_nchw", nn_ops.bias_add, lambda v, b, data_format: v + b[:, None], _bias_nchw_args,
           ("float32", "float64"), kwargs={"data_format": "NCHW"}, differentiable=True, grad_args=(0, 1)),
    OpSpec("moments", lambda x: nn_ops.moments(x, [0, 2]), lambda x: _moments(x, [0, 2]),
           away_from_kinks((3, 4, 2)), FLOATS, differentiable=True),
    OpSpec("moments_keepdims", lambda x: nn_ops.moments(x, [1], keepdims=True),
           lambda x: _moments(x, [1], keepdims=True), away_from_kinks(), ("float32", "float64"), differentiable=True),
]


# --- tf.nn layers' helpers: normalisation, activations, block moves, losses ---------------------
from eagerflow._src.ops import loss_ops, normalization_ops  # noqa: E402


def _uniform(*shapes, low=-2.0, high=2.0):
    def make(rng, dt):
        return tuple(rng.uniform(low, high, size=s).astype(dt) for s in shapes)
    return make


def _bn_args(rng, dt):
    return (rng.uniform(-2, 2, (2, 3, 4)).astype(dt), rng.uniform(-1, 1, (4,)).astype(dt),
            rng.uniform(0.5, 2, (4,)).astype(dt), rng.uniform(-1, 1, (4,)).astype(dt),
            rng.uniform(0.5, 2, (4,)).astype(dt))


def _bn(x, m, v, o, s):
    w = [a.astype(np.float64) for a in (x, m, v, o, s)]
    return ((w[0] - w[1]) / np.sqrt(w[2] + 1e-3) * w[4] + w[3]).astype(x.dtype)


def _d2s(x, block=2):
    n, h, w, c = x.shape
    out = np.zeros((n, h * block, w * block, c // block ** 2), x.dtype)
    for i in range(h * block):
        for j in range(w * block):
            k = ((i % block) * block + j % block) * (c // block ** 2)
            out[:, i, j] = x[:, i // block, j // block, k:k + c // block ** 2]
    return out


def _s2d(x, block=2):
    n, h, w, c = x.shape
    out = np.zeros((n, h // block, w // block, c * block ** 2), x.dtype)
    for i in range(h):
        for j in range(w):
            k = ((i % block) * block + j % block) * c
            out[:, i // block, j // block, k:k + c] = x[:, i, j]
    return out


def _lrn(x, r=2, bias=1.5, alpha=0.3, beta=0.7):
    w = x.astype(np.float64)
    c = x.shape[-1]
    sq = np.stack([(w[..., max(0, k - r):k + r + 1] ** 2).sum(-1) for k in range(c)], -1)
    return (w / (bias + alpha * sq) ** beta).astype(x.dtype)


def _weighted_moments(x, w):
    xw, ww = x.astype(np.float64), np.broadcast_to(w, x.shape).astype(np.float64)
    mean = (xw * ww).sum(axis=(0, 1)) / ww.sum(axis=(0, 1))
    var = (ww * (xw - mean) ** 2).sum(axis=(0, 1)) / ww.sum(axis=(0, 1))
    return mean.astype(x.dtype), var.astype(x.dtype)


def _log_poisson_full(t, l):
    tw, lw = t.astype(np.float64), l.astype(np.float64)
    stirling = np.where(tw <= 1, 0.0, tw * np.log(np.maximum(tw, 1e-30)) - tw + 0.5 * np.log(2 * np.pi * tw))
    return (np.exp(lw) - lw * tw + stirling).astype(l.dtype)


def _weighted_xent(z, x, q=2.5):
    zw, xw = z.astype(np.float64), x.astype(np.float64)
    p = 1 / (1 + np.exp(-xw))
    return (-(q * zw * np.log(p) + (1 - zw) * np.log(1 - p))).astype(x.dtype)


SPECS += [
    OpSpec("silu", lambda x: nn_ops.silu(x, 1.5), _cast(lambda x: x / (1 + np.exp(-1.5 * x))), away_from_kinks(),
           FLOATS, differentiable=True),
    OpSpec("crelu", lambda x: nn_ops.crelu(x, axis=0), lambda x: np.maximum(np.concatenate([x, -x], 0), 0),
           away_from_kinks(), FLOATS, differentiable=True),
    OpSpec("depth_to_space", lambda x: nn_ops.depth_to_space(x, 2), _d2s, _uniform((2, 3, 2, 8)),
           ("float32", "float64", "int32"), differentiable=True),
    OpSpec("space_to_depth", lambda x: nn_ops.space_to_depth(x, 2), _s2d, _uniform((2, 4, 6, 3)),
           ("float32", "float64", "int32"), differentiable=True),
    OpSpec("depth_to_space_nchw", lambda x: nn_ops.depth_to_space(x, 2, "NCHW"),
           lambda x: np.moveaxis(_d2s(np.moveaxis(x, 1, -1)), -1, 1), _uniform((2, 8, 3, 2)), ("float32",)),
    OpSpec("local_response_normalization", lambda x: normalization_ops.lrn(x, 2, 1.5, 0.3, 0.7), _lrn,
           _uniform((2, 3, 2, 7)), ("float16", "float32"), rtol=1e-5),
    OpSpec("l2_normalize", lambda x: normalization_ops.l2_normalize(x, axis=1),
           _cast(lambda x: x / np.sqrt((x ** 2).sum(1, keepdims=True))), away_from_kinks(), FLOATS,
           differentiable=True),
    OpSpec("batch_normalization", lambda x, m, v, o, s: normalization_ops.batch_normalization(x, m, v, o, s, 1e-3),
           _bn, _bn_args, FLOATS, differentiable=True, grad_args=(0, 1, 2, 3, 4), rtol=1e-4),
    OpSpec("weighted_moments", lambda x, w: normalization_ops.weighted_moments(x, [0, 1], w), _weighted_moments,
           lambda rng, dt: (rng.uniform(-2, 2, (3, 2, 4)).astype(dt), rng.uniform(0.5, 2, (3, 1, 4)).astype(dt)),
           FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("log_poisson_loss_full", lambda t, l: loss_ops.log_poisson_loss(t, l, compute_full_loss=True),
           _log_poisson_full, lambda rng, dt: (rng.uniform(0, 4, (3, 4)).astype(dt), rng.uniform(-2, 2, (3, 4)).astype(dt)),
           ("float32", "float64"), differentiable=True, grad_args=(1,), rtol=1e-4),
    OpSpec("weighted_cross_entropy_with_logits", lambda z, x: loss_ops.weighted_cross_entropy_with_logits(z, x, 2.5),
           _weighted_xent, lambda rng, dt: (rng.uniform(0, 1, (3, 4)).astype(dt), rng.uniform(-3, 3, (3, 4)).astype(dt)),
           FLOATS, differentiable=True, grad_args=(1, 0), rtol=1e-4),
]
