"""Specs for tf.math's special functions, inverse trig/hyperbolic functions, the xlogy family,
segment reductions, top_k/sort and the statistics reductions: values against SciPy/NumPy per
dtype, gradients (first and second order) in float64 where TF differentiates them."""
import numpy as np
import scipy.special as sp

import eagerflow as tf
from tests.ops.specs import OpSpec

FLOATS = ("float16", "float32", "float64")
F32_64 = ("float32", "float64")


def uniform(low, high, shape=(3, 4), count=1):
    def make(rng, dt):
        return tuple(rng.uniform(low, high, size=shape).astype(dt) for _ in range(count))
    return make


def _same(fn):
    """SciPy's result (computed in float64) rounded to the input dtype."""
    def ref(x, *rest):
        wide = [np.asarray(a, np.float64) for a in (x,) + rest]
        return np.asarray(fn(*wide)).astype(x.dtype)
    return ref


UNARY = [
    # name, function, reference, input range, dtypes
    ("acos", tf.math.acos, np.arccos, (-0.9, 0.9), FLOATS),
    ("asin", tf.math.asin, np.arcsin, (-0.9, 0.9), FLOATS),
    ("atan", tf.math.atan, np.arctan, (-2.0, 2.0), FLOATS),
    ("acosh", tf.math.acosh, np.arccosh, (1.2, 3.0), FLOATS),
    ("asinh", tf.math.asinh, np.arcsinh, (-2.0, 2.0), FLOATS),
    ("atanh", tf.math.atanh, np.arctanh, (-0.8, 0.8), FLOATS),
    ("sinh", tf.math.sinh, np.sinh, (-2.0, 2.0), FLOATS),
    ("cosh", tf.math.cosh, np.cosh, (-2.0, 2.0), FLOATS),
    ("lgamma", tf.math.lgamma, sp.gammaln, (0.3, 4.0), FLOATS),
    ("digamma", tf.math.digamma, sp.psi, (0.3, 4.0), FLOATS),
    ("erfinv", tf.math.erfinv, sp.erfinv, (-0.8, 0.8), FLOATS),
    ("ndtri", tf.math.ndtri, sp.ndtri, (0.1, 0.9), FLOATS),
    ("erfc", tf.math.erfc, sp.erfc, (-2.0, 2.0), FLOATS),
    ("erfcinv", tf.math.erfcinv, sp.erfcinv, (0.2, 1.8), F32_64),
    ("bessel_i0", tf.math.bessel_i0, sp.i0, (-3.0, 3.0), FLOATS),
    ("bessel_i0e", tf.math.bessel_i0e, sp.i0e, (0.2, 3.0), FLOATS),
    ("bessel_i1", tf.math.bessel_i1, sp.i1, (0.2, 3.0), FLOATS),
    ("bessel_i1e", tf.math.bessel_i1e, sp.i1e, (0.2, 3.0), FLOATS),
    ("bessel_j0", tf.math.special.bessel_j0, sp.j0, (0.2, 3.0), FLOATS),
    ("bessel_j1", tf.math.special.bessel_j1, sp.j1, (0.2, 3.0), FLOATS),
    ("bessel_y0", tf.math.special.bessel_y0, sp.y0, (0.5, 3.0), F32_64),
    ("bessel_y1", tf.math.special.bessel_y1, sp.y1, (0.5, 3.0), F32_64),
    ("bessel_k0", tf.math.special.bessel_k0, sp.k0, (0.5, 3.0), F32_64),
    ("bessel_k0e", tf.math.special.bessel_k0e, sp.k0e, (0.5, 3.0), F32_64),
    ("bessel_k1", tf.math.special.bessel_k1, sp.k1, (0.5, 3.0), F32_64),
    ("bessel_k1e", tf.math.special.bessel_k1e, sp.k1e, (0.5, 3.0), F32_64),
    ("dawsn", tf.math.special.dawsn, sp.dawsn, (-2.0, 2.0), FLOATS),
    ("expint", tf.math.special.expint, sp.expi, (0.3, 2.0), F32_64),
    ("fresnel_cos", tf.math.special.fresnel_cos, lambda x: sp.fresnel(x)[1], (-1.5, 1.5), F32_64),
    ("fresnel_sin", tf.math.special.fresnel_sin, lambda x: sp.fresnel(x)[0], (-1.5, 1.5), F32_64),
    ("spence", tf.math.special.spence, sp.spence, (0.3, 2.0), F32_64),
    ("rint", tf.math.rint, np.rint, (-4.0, 4.0), FLOATS),
    ("log_sigmoid", tf.math.log_sigmoid, lambda x: -np.logaddexp(0, -x), (-4.0, 4.0), F32_64),
]
NOT_DIFFERENTIABLE = {"rint"}


def _weights_xlogy(rng, dt):
    x = rng.uniform(0.2, 2.0, size=(3, 4)).astype(dt)
    x[0, 0] = 0  # TF's 0 * log(y) = 0 case
    return x, rng.uniform(0.3, 2.0, size=(3, 4)).astype(dt)


def _xlogy_ref(fn):
    def ref(x, y):
        return np.where(x == 0, 0, fn(x.astype(np.float64), y.astype(np.float64))).astype(x.dtype)
    return ref


def _segment_data(rng, dt):
    return (rng.uniform(-2, 2, size=(5, 3)).astype(dt), np.array([0, 0, 1, 3, 3], np.int32))


def _unsorted_data(rng, dt):
    return (rng.uniform(-2, 2, size=(5, 3)).astype(dt), np.array([2, 0, 1, -1, 0], np.int32))


def _np_segment(kind, n=None, empty=0.0):
    """NumPy's segment reduction; `empty` fills empty segments (+-inf: the dtype's highest/lowest)."""
    def ref(data, ids):
        count = int(ids.max()) + 1 if n is None else n
        out = np.full((count,) + data.shape[1:], empty, dtype=np.float64)
        for s in range(count):
            rows = data[ids == s].astype(np.float64)
            if len(rows):
                out[s] = {"sum": rows.sum(0), "prod": rows.prod(0), "max": rows.max(0), "min": rows.min(0),
                          "mean": rows.mean(0)}[kind]
        if np.isinf(empty):
            info = np.finfo(data.dtype)
            out[np.isinf(out)] = info.max if empty > 0 else info.min
        return out.astype(data.dtype)
    return ref


def _top_k_values(x):
    return tf.math.top_k(x, 2).values


def _sort_desc(x):
    return tf.sort(x, axis=0, direction="DESCENDING")


SPECS = [
    OpSpec(name, fn, _same(ref), uniform(lo, hi), dtypes, differentiable=name not in NOT_DIFFERENTIABLE)
    for name, fn, ref, (lo, hi), dtypes in UNARY
] + [
    # grad_args starts with x: TF's IgammaGradA (d/da) has no gradient, so second order is in x.
    OpSpec("igamma", tf.math.igamma, _same(sp.gammainc), uniform(0.5, 3.0, count=2), F32_64,
           differentiable=True, grad_args=(1, 0), rtol=1e-4),
    OpSpec("igammac", tf.math.igammac, _same(sp.gammaincc), uniform(0.5, 3.0, count=2), F32_64,
           differentiable=True, grad_args=(1,), rtol=1e-4),
    OpSpec("zeta", tf.math.zeta, _same(sp.zeta), uniform(1.5, 3.0, count=2), F32_64,
           differentiable=True, grad_args=(1,), rtol=1e-4),
    OpSpec("polygamma", tf.math.polygamma, _same(sp.polygamma),
           lambda rng, dt: (np.array([[0.0], [1.0], [2.0]], dt), rng.uniform(0.5, 3.0, size=(3, 4)).astype(dt)),
           F32_64, differentiable=True, grad_args=(1,), rtol=1e-4),
    OpSpec("betainc", tf.math.betainc, _same(sp.betainc),
           lambda rng, dt: (rng.uniform(0.5, 3, (3, 4)).astype(dt), rng.uniform(0.5, 3, (3, 4)).astype(dt),
                            rng.uniform(0.1, 0.9, (3, 4)).astype(dt)), F32_64,
           differentiable=True, grad_args=(2,), rtol=1e-4),
    # Values with an x = 0 entry; gradients away from it (TF's d/dx there is 0, not log y).
    OpSpec("xlogy", tf.math.xlogy, _xlogy_ref(lambda x, y: x * np.log(y)), _weights_xlogy, FLOATS),
    OpSpec("xlog1py", tf.math.xlog1py, _xlogy_ref(lambda x, y: x * np.log1p(y)), _weights_xlogy, FLOATS),
    OpSpec("xdivy", tf.math.xdivy, _xlogy_ref(lambda x, y: x / y), _weights_xlogy, FLOATS),
    OpSpec("xlogy_grad", tf.math.xlogy, _xlogy_ref(lambda x, y: x * np.log(y)), uniform(0.3, 2.0, count=2),
           F32_64, differentiable=True, grad_args=(0, 1)),
    OpSpec("xlog1py_grad", tf.math.xlog1py, _xlogy_ref(lambda x, y: x * np.log1p(y)), uniform(0.3, 2.0, count=2),
           F32_64, differentiable=True, grad_args=(0, 1)),
    OpSpec("xdivy_grad", tf.math.xdivy, _xlogy_ref(lambda x, y: x / y), uniform(0.3, 2.0, count=2),
           F32_64, differentiable=True, grad_args=(0, 1)),
    OpSpec("multiply_no_nan", tf.math.multiply_no_nan, _same(np.multiply), uniform(-2, 2, count=2), F32_64,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("truncatemod", tf.truncatemod, _same(np.fmod),
           lambda rng, dt: (rng.uniform(-5, 5, (3, 4)).astype(dt), rng.uniform(1.1, 2.0, (3, 4)).astype(dt)),
           FLOATS, differentiable=True, grad_args=(0,)),
    OpSpec("truncatemod_int", tf.truncatemod, np.fmod,
           lambda rng, dt: (rng.integers(-9, 9, (3, 4)).astype(dt), rng.integers(1, 4, (3, 4)).astype(dt)),
           ("int32", "int64")),
    OpSpec("segment_sum", tf.math.segment_sum, _np_segment("sum"), _segment_data, FLOATS,
           differentiable=True),
    OpSpec("segment_mean", tf.math.segment_mean, _np_segment("mean"), _segment_data, FLOATS, differentiable=True),
    OpSpec("segment_max", tf.math.segment_max, _np_segment("max"), _segment_data, FLOATS, differentiable=True),
    OpSpec("segment_min", tf.math.segment_min, _np_segment("min"), _segment_data, FLOATS, differentiable=True),
    OpSpec("segment_prod", tf.math.segment_prod, _np_segment("prod", empty=1.0), _segment_data, F32_64,
           differentiable=True),
    OpSpec("unsorted_segment_prod", lambda d, i: tf.math.unsorted_segment_prod(d, i, 4),
           _np_segment("prod", 4, 1.0), _unsorted_data, F32_64, differentiable=True),
    OpSpec("unsorted_segment_max", lambda d, i: tf.math.unsorted_segment_max(d, i, 3),
           _np_segment("max", 3, -np.inf), _unsorted_data, F32_64, differentiable=True),
    OpSpec("unsorted_segment_max_empty", lambda d, i: tf.math.unsorted_segment_max(d, i, 5),
           _np_segment("max", 5, -np.inf), _unsorted_data, F32_64),
    OpSpec("unsorted_segment_min", lambda d, i: tf.math.unsorted_segment_min(d, i, 3),
           _np_segment("min", 3, np.inf), _unsorted_data, F32_64, differentiable=True),
    OpSpec("unsorted_segment_min_empty", lambda d, i: tf.math.unsorted_segment_min(d, i, 5),
           _np_segment("min", 5, np.inf), _unsorted_data, F32_64),
    OpSpec("unsorted_segment_mean", lambda d, i: tf.math.unsorted_segment_mean(d, i, 3),
           _np_segment("mean", 3), _unsorted_data, F32_64, differentiable=True),
    OpSpec("top_k_values", _top_k_values, lambda x: -np.sort(-x, axis=-1)[..., :2], uniform(-2, 2),
           FLOATS, differentiable=True),
    OpSpec("sort_axis0_descending", _sort_desc, lambda x: -np.sort(-x, axis=0), uniform(-2, 2), FLOATS,
           differentiable=True),
    OpSpec("argsort", tf.argsort, lambda x: np.argsort(x, axis=-1, kind="stable").astype(np.int32),
           uniform(-2, 2), FLOATS),
    OpSpec("reduce_variance", lambda x: tf.math.reduce_variance(x, axis=1), lambda x: np.var(x, axis=1),
           uniform(-2, 2), F32_64, differentiable=True, rtol=1e-4),
    OpSpec("reduce_std", lambda x: tf.math.reduce_std(x, axis=0, keepdims=True),
           lambda x: np.std(x, axis=0, keepdims=True), uniform(-2, 2), F32_64, differentiable=True, rtol=1e-4),
    OpSpec("reduce_euclidean_norm", lambda x: tf.math.reduce_euclidean_norm(x, axis=1),
           lambda x: np.sqrt((x.astype(np.float64) ** 2).sum(1)).astype(x.dtype), uniform(-2, 2), F32_64,
           differentiable=True, rtol=1e-5),
    OpSpec("cumulative_logsumexp", lambda x: tf.math.cumulative_logsumexp(x, axis=1),
           lambda x: np.logaddexp.accumulate(x.astype(np.float64), axis=1).astype(x.dtype), uniform(-2, 2),
           F32_64, differentiable=True, rtol=1e-5),
    OpSpec("cumulative_logsumexp_reverse", lambda x: tf.math.cumulative_logsumexp(x, axis=0, reverse=True),
           lambda x: np.logaddexp.accumulate(x[::-1].astype(np.float64), axis=0)[::-1].astype(x.dtype),
           uniform(-2, 2), F32_64, differentiable=True, rtol=1e-5),
    OpSpec("lbeta", tf.math.lbeta,
           lambda x: (sp.gammaln(x.astype(np.float64)).sum(-1) - sp.gammaln(x.astype(np.float64).sum(-1))).astype(x.dtype),
           uniform(0.5, 3.0), F32_64, differentiable=True, rtol=1e-5),
    OpSpec("polyval", lambda x: tf.math.polyval([1.5, -2.0, 0.5], x),
           lambda x: np.polyval([1.5, -2.0, 0.5], x).astype(x.dtype), uniform(-2, 2), F32_64,
           differentiable=True),
]
