"""Differential test: tf.math's special functions, segment/sort/statistics ops and the new top-level
names, printed by eagerflow and by TensorFlow 2.21 (values, dtypes, shapes, errors) must match."""
import numpy as np
import pytest

from tests.compat.test_vs_tensorflow import run

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

EXACT = [
    "x = tf.constant([[1., 3., 3., 2.], [4., 0., 4., 1.]]); print(tf.math.top_k(x, 2))",
    "print(tf.math.top_k(tf.constant([[1., 2.]]), 5))",
    "print(tf.math.top_k(tf.constant([1., 2.]), -1))",
    "print(tf.math.in_top_k(tf.constant([2, 1]), tf.constant([[1., 3., 3., 2.], [4., 0., 4., 1.]]), 1))",
    "x = tf.constant([[1., 3., 3., 2.], [4., 0., 4., 1.]]); print(tf.sort(x, direction='DESCENDING')); print(tf.argsort(x)); print(tf.argsort(x, axis=0, direction='DESCENDING'))",
    "print(tf.sort(tf.constant([3, 1, 2], tf.uint8)), tf.argsort(tf.constant([3, 1, 2], tf.uint8)))",
    "tf.sort(tf.constant([1.]), direction='foo')",
    "print(tf.searchsorted([[1, 3, 5], [2, 4, 6]], [[2, 5], [6, 1]], side='right'))",
    "print(tf.math.approx_max_k(tf.constant([[1., 3., 3., 2.]]), 2))",  # TF has no CPU kernel for approx_min_k
    "print(tf.unique(tf.constant([1, 1, 3, 2, 3]))); print(tf.unique_with_counts(tf.constant([b'a', b'b', b'a'])))",
    "tf.unique(tf.constant([[1]]))",
    "d = tf.constant([[1., 2.], [3., 4.], [5., 6.]]); print(tf.math.segment_max(d, [0, 0, 2])); print(tf.math.segment_min(d, [0, 0, 2])); print(tf.math.segment_mean(d, [0, 0, 2])); print(tf.math.segment_prod(d, [0, 0, 2]))",
    "tf.math.segment_sum(tf.constant([[1., 2.], [3., 4.], [5., 6.]]), [0, 2, 1])",
    "tf.math.segment_sum(tf.constant([[1., 2.], [3., 4.], [5., 6.]]), [-1, 0, 1])",
    "tf.math.segment_sum(tf.constant([1., 2., 3.]), [0, 1])",
    "d = tf.constant([[1., 2.], [3., 4.], [5., 6.]]); print(tf.math.unsorted_segment_max(d, [0, 0, 2], 3)); print(tf.math.unsorted_segment_min(d, [0, 0, 2], 3)); print(tf.math.unsorted_segment_prod(d, [0, 0, 2], 3))",
    "print(tf.math.unsorted_segment_mean(tf.constant([1, 2, 3]), [0, 0, 2], 3)); print(tf.math.unsorted_segment_max(tf.constant([1, 2, 3]), [0, 0, 2], 3))",
    "tf.math.unsorted_segment_max(tf.constant([1., 2., 3.]), [0, 5, 2], 3)",
    "print(tf.math.segment_mean(tf.constant([1, 2, 4]), [0, 0, 2]))",
    "print(tf.math.bincount(tf.constant([1, 1, 3]))); print(tf.math.bincount(tf.constant([1, 1, 3]), minlength=6, maxlength=5))",
    "print(tf.math.bincount(tf.constant([1, 1, 3]), weights=tf.constant([.5, 1., 2.]))); print(tf.math.bincount(tf.constant([[1, 1], [0, 3]]), axis=-1))",
    "print(tf.math.bincount(tf.constant([1, 1, 3]), binary_output=True)); print(tf.math.bincount(tf.constant([], tf.int32)))",
    "tf.math.bincount(tf.constant([1, -1, 3]))",
    "print(tf.math.confusion_matrix([1, 2, 0], [1, 1, 0])); print(tf.math.confusion_matrix([1, 2, 0], [1, 1, 0], num_classes=4, weights=[1., 2., 3.], dtype=tf.float32))",
    "print(tf.histogram_fixed_width(tf.constant([-1., 0., 1.5, 2., 5., 15.]), [0., 5.], nbins=5)); print(tf.histogram_fixed_width_bins(tf.constant([-1., 0., 1.5, 2., 5., 15.]), [0., 5.], nbins=5))",
    "print(tf.truncatemod(tf.constant([-7, 7]), 3), tf.truncatemod(tf.constant([-7., 7.5]), 2.))",
    "print(tf.math.rint(tf.constant([0.5, 1.5, -2.5])), tf.math.nextafter(tf.constant([1.]), tf.constant([2.])))",
    "print(tf.math.multiply_no_nan(tf.constant([float('nan'), 2.]), tf.constant([0., 3.])), tf.math.reciprocal_no_nan(tf.constant([0., 2.])))",
    "print(tf.math.angle(tf.constant([-1., 2.])), tf.math.angle(tf.constant([-1 + 0j])))",
    "print(tf.math.polyval([1., 2., 3.], tf.constant([2.])), tf.math.polyval([], tf.constant([2.])))",
    "print(tf.math.is_non_decreasing([1, 2, 2]), tf.math.is_strictly_increasing([1, 2, 2]), tf.math.invert_permutation([2, 0, 1]))",
    "tf.math.invert_permutation([2, 2, 1])",
    "print(tf.math.reduce_variance(tf.constant([[1., 2.], [3., 5.]]), axis=1), tf.math.reduce_std(tf.constant([1., 2., 4.])))",
    "tf.math.reduce_variance(tf.constant([1, 2]))",
    "print(tf.math.reduce_euclidean_norm(tf.constant([3, 4])), tf.math.reduce_euclidean_norm(tf.constant([[3., 4.]]), 1, keepdims=True))",
    "print(tf.math.cumulative_logsumexp(tf.constant([0., 0., 0.]), exclusive=True))",
    "print(tf.math.xlogy(tf.constant([0., 1., 2.]), tf.constant([0., 2., 1.])), tf.math.xdivy(tf.constant([0., 1.]), tf.constant([0., 2.])))",
    "print(tf.math.sobol_sample(3, 4), tf.math.sobol_sample(2, 2, skip=3, dtype=tf.float64))",
    "print(tf.math.lgamma(tf.constant([1., 2., 3.])).dtype, tf.math.lgamma(tf.constant([1.], tf.float16)).dtype)",
    "tf.math.lgamma(tf.constant([1, 2]))",
    "tf.math.zeta(tf.constant([1.], tf.float16), tf.constant([1.], tf.float16))",
    "print(tf.math.igamma(tf.constant(1.), tf.constant(0.)), tf.math.igammac(tf.constant(1.), tf.constant(0.)))",
]

# Elementwise values compared numerically (rounding of the last bit may differ).
CLOSE = [
    ("tf.math.lgamma", (np.array([0.3, 1.5, 4.0, -2.5]),)),
    ("tf.math.digamma", (np.array([0.3, 1.5, 4.0]),)),
    ("tf.math.erfinv", (np.array([-0.5, 0.2, 0.9]),)),
    ("tf.math.ndtri", (np.array([0.1, 0.5, 0.9]),)),
    ("tf.math.erfc", (np.array([-1.0, 0.2, 2.0]),)),
    ("tf.math.erfcinv", (np.array([0.2, 1.0, 1.8]),)),
    ("tf.math.bessel_i0", (np.array([-1.0, 0.2, 3.0]),)),
    ("tf.math.bessel_i1e", (np.array([-1.0, 0.2, 3.0]),)),
    ("tf.math.special.bessel_k1e", (np.array([0.5, 1.0, 3.0]),)),
    ("tf.math.special.bessel_y0", (np.array([0.5, 1.0, 3.0]),)),
    ("tf.math.special.dawsn", (np.array([-1.0, 0.2, 3.0]),)),
    ("tf.math.special.expint", (np.array([0.5, 1.0, 3.0]),)),
    ("tf.math.special.fresnel_cos", (np.array([-1.0, 0.2, 3.0]),)),
    ("tf.math.special.spence", (np.array([0.5, 1.0, 3.0]),)),
    ("tf.math.acosh", (np.array([1.5, 2.0]),)),
    ("tf.math.atanh", (np.array([-0.5, 0.2]),)),
    ("tf.math.log_sigmoid", (np.array([-100.0, 0.0, 2.0]),)),
    ("tf.math.igamma", (np.array([0.5, 2.0]), np.array([1.0, 3.0]))),
    ("tf.math.zeta", (np.array([2.0, 3.5]), np.array([1.0, 2.0]))),
    ("tf.math.polygamma", (np.array([1.0, 2.0]), np.array([1.5, 2.0]))),
    ("tf.math.betainc", (np.array([0.5, 2.0]), np.array([1.0, 3.0]), np.array([0.3, 0.7]))),
    ("tf.math.lbeta", (np.array([[0.5, 2.0, 3.0]]),)),
]


@pytest.mark.parametrize("code", EXACT, ids=[s[:70] for s in EXACT])
def test_same_transcript(code):
    assert run(ef, code) == run(tf_real, code)


def _resolve(module, path):
    obj = module
    for part in path.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("path,args", CLOSE, ids=[c[0] for c in CLOSE])
def test_values_and_gradients_match(path, args, dtype):
    results = {}
    for name, module in (("ef", ef), ("tf", tf_real)):
        fn = _resolve(module, path)
        xs = [module.constant(a.astype(dtype)) for a in args]
        with module.GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            y = fn(*xs)
        grads = tape.gradient(y, xs)
        results[name] = (y.numpy(), y.dtype.name, [None if g is None else np.asarray(g) for g in grads])
    (ey, edt, eg), (ty, tdt, tg) = results["ef"], results["tf"]
    assert edt == tdt
    np.testing.assert_allclose(ey, ty, rtol=1e-5 if dtype == "float32" else 1e-10)
    for e, t in zip(eg, tg):
        assert (e is None) == (t is None)
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=1e-4 if dtype == "float32" else 1e-6)
