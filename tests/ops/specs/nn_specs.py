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
