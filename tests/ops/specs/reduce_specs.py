"""Specs for reductions, arg-reductions and scans: every axis form (None, int, negative, list),
keepdims, several dtypes; gradients in float64 (inputs without ties for max/min)."""
import numpy as np

import eagerflow as tf
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
NUMERIC = ("float32", "float64", "int32", "int64")
AXES = (None, 0, 1, -1, [0, 2], [-1, 0], [0, 1, 2], [])


def _sample(rng, dt, shape=(2, 3, 4), low=-2.0, high=2.0):
    dt = np.dtype(dt)
    if dt.kind in "iu":
        return rng.integers(0 if dt.kind == "u" else -5, 6, size=shape).astype(dt)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind == "c":
        return (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dt)
    return rng.uniform(low, high, size=shape).astype(dt)


def _distinct(rng, dt, shape=(2, 3, 4)):
    """A permutation of well-separated values: no ties anywhere."""
    values = (rng.permutation(int(np.prod(shape))) * 0.25 - 1.5).reshape(shape)
    return values.astype(dt)


def _np_axis(axis):
    return None if axis is None else tuple(axis) if isinstance(axis, list) else axis


def _reduction(name, fn, reference, dtypes, make=_sample, differentiable=True, rtol=1e-5):
    specs = []
    for axis in AXES:
        for keepdims in (False, True):
            axis_id = "all" if axis is None else str(axis).replace(" ", "")
            specs.append(OpSpec(
                f"{name}-axis{axis_id}{'-keepdims' if keepdims else ''}",
                lambda x, axis=axis, keepdims=keepdims: fn(x, axis=axis, keepdims=keepdims),
                lambda x, axis=axis, keepdims=keepdims: reference(x, _np_axis(axis), keepdims),
                lambda rng, dt: (make(rng, dt),), dtypes, differentiable=differentiable, rtol=rtol))
    return specs


def _sum(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _mean(x, axis, keepdims):
    if x.dtype.kind in "iu":
        total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
        count = x.size // max(np.size(total), 1)
        return (np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    return np.mean(x, axis=axis, keepdims=keepdims, dtype=np.float64).astype(x.dtype)


def _prod(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)


def _logsumexp(x, axis, keepdims):
    wide = x.astype(np.float64)
    return np.log(np.sum(np.exp(wide), axis=axis, keepdims=keepdims)).astype(x.dtype)


def _small(rng, dt):
    return _sample(rng, dt, low=0.5, high=1.5) if np.dtype(dt).kind == "f" else \
        rng.integers(-2, 3, size=(2, 3, 4)).astype(dt)


def _axis_only(name, fn, reference, make, dtypes, differentiable=True):
    return [OpSpec(f"{name}-axis{axis}{'-excl' if exclusive else ''}{'-rev' if reverse else ''}",
                   lambda x, a=axis, e=exclusive, r=reverse: fn(x, axis=a, exclusive=e, reverse=r),
                   lambda x, a=axis, e=exclusive, r=reverse: reference(x, a, e, r),
                   lambda rng, dt: (make(rng, dt),), dtypes, differentiable=differentiable, rtol=1e-4)
            for axis in (0, 1, -1) for exclusive in (False, True) for reverse in (False, True)]


def _scan(np_fn, identity):
    def ref(x, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = np_fn(x, axis=axis, dtype=x.dtype)
        if exclusive:
            first = np.full_like(np.take(out, [0], axis=axis), identity)
            out = np.concatenate([first, np.take(out, range(out.shape[axis] - 1), axis=axis)], axis=axis)
        return np.flip(out, axis) if reverse else out
    return ref


def _argmax(x, axis=None, output_type=tf.int64):
    return tf.math.argmax(x, axis=axis, output_type=output_type)


SPECS = (
    _reduction("reduce_sum", tf.math.reduce_sum, _sum, NUMERIC + ("complex64", "int8", "uint8"))
    + _reduction("reduce_mean", tf.math.reduce_mean, _mean, NUMERIC + ("float16", "int8"), rtol=1e-4)
    + _reduction("reduce_max", tf.math.reduce_max, lambda x, a, k: np.max(x, axis=a, keepdims=k),
                 NUMERIC + ("float16", "uint8", "bfloat16"), make=_distinct)
    + _reduction("reduce_min", tf.math.reduce_min, lambda x, a, k: np.min(x, axis=a, keepdims=k),
                 NUMERIC + ("float16", "int8"), make=_distinct)
    + _reduction("reduce_prod", tf.math.reduce_prod, _prod, NUMERIC, make=_small, rtol=1e-4)
    + _reduction("reduce_logsumexp", tf.math.reduce_logsumexp, _logsumexp, ("float32", "float64"), rtol=1e-4)
    + _reduction("reduce_any", tf.math.reduce_any, lambda x, a, k: np.any(x, axis=a, keepdims=k), ("bool",),
                 differentiable=False)
    + _reduction("reduce_all", tf.math.reduce_all, lambda x, a, k: np.all(x, axis=a, keepdims=k), ("bool",),
                 differentiable=False)
    + _reduction("count_nonzero", tf.math.count_nonzero,
                 lambda x, a, k: np.count_nonzero(x, axis=a, keepdims=k).astype(np.int64),
                 ("float32", "int32", "bool"), differentiable=False)
    + _axis_only("cumsum", tf.math.cumsum, _scan(np.cumsum, 0), _sample, NUMERIC)
    + _axis_only("cumprod", tf.math.cumprod, _scan(np.cumprod, 1), _small, NUMERIC)
    + [
        OpSpec("reduce_max_ties", tf.math.reduce_max, lambda x, axis: np.max(x, axis=axis),
               lambda rng, dt: (np.array([[1, 3, 3], [2, 2, 0]], dt),), ("float32", "int32"), kwargs={"axis": 1}),
        OpSpec("reduce_sum_scalar", tf.math.reduce_sum, lambda x: x, lambda rng, dt: (np.array(2.5, dt),),
               ("float32", "float64"), differentiable=True),
        OpSpec("reduce_prod_with_zero", tf.math.reduce_prod, lambda x, axis: np.prod(x, axis=axis),
               lambda rng, dt: (np.array([[1.5, 0.0, 2.0], [0.5, -1.0, 2.5]], dt),), ("float64",),
               kwargs={"axis": 1}),
        OpSpec("reduce_prod_with_zero_all", tf.math.reduce_prod, lambda x, axis: np.prod(x, axis=axis),
               lambda rng, dt: (np.array([[1.5, 0.0, 2.0], [0.5, -1.0, 2.5]], dt),), ("float64",),
               kwargs={"axis": (0, 1)}),
        OpSpec("argmax", _argmax, lambda x, axis=None, output_type=None: np.argmax(x, axis=0).astype(np.int64),
               lambda rng, dt: (_distinct(rng, dt),), NUMERIC + ("float16", "uint8")),
        OpSpec("argmax_axis", _argmax, lambda x, axis, output_type: np.argmax(x, axis=axis).astype(np.int32),
               lambda rng, dt: (_distinct(rng, dt),), NUMERIC, kwargs={"axis": -1, "output_type": tf.int32}),
        OpSpec("argmin", tf.math.argmin, lambda x, axis: np.argmin(x, axis=axis).astype(np.int64),
               lambda rng, dt: (_distinct(rng, dt),), NUMERIC + ("float16",), kwargs={"axis": 1}),
    ]
)
