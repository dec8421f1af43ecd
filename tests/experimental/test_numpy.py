"""tf.experimental.numpy: each expression runs with `xp` bound to tnp and to NumPy; the values and
dtypes must agree (NumPy is the reference for the NumPy API). Differential against TF's tnp too."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf

tnp = tf.experimental.numpy

# Expressions whose tnp result must equal NumPy's (value and dtype).
SAME_AS_NUMPY = [
    "xp.array(1.0)", "xp.array([1, 2])", "xp.array([[1, 2], [3, 4]], dtype=xp.float32)",
    "xp.asarray([1.5, 2])", "xp.arange(5)", "xp.arange(1, 2, 0.25)", "xp.arange(3, dtype=xp.float32)",
    "xp.zeros((2, 3))", "xp.ones(3, dtype=xp.int32)", "xp.full((2,), 3)", "xp.eye(3, k=1)",
    "xp.identity(2)", "xp.linspace(0, 1, 5)", "xp.linspace(0, 10, 4, endpoint=False)",
    "xp.logspace(0, 2, 3)", "xp.geomspace(1, 8, 4)", "xp.tri(3)", "xp.tril(xp.ones((3, 3)), -1)",
    "xp.triu(xp.ones((3, 3)))", "xp.full_like(xp.ones(2, dtype=xp.int32), 4.7)",
    # NumPy's promotion: weak Python scalars, int32 + float32 -> float64
    "xp.add(xp.array([1], dtype=xp.int32), 2.5)", "xp.add(xp.array([1.], dtype=xp.float32), 2)",
    "xp.add(xp.array([1], dtype=xp.int32), xp.array([1.], dtype=xp.float32))",
    "xp.add(xp.array([True]), xp.array([True]))", "xp.subtract(xp.arange(3), 1)",
    "xp.multiply(xp.arange(3), 2.5)", "xp.true_divide(xp.array([1, 2]), 2)",
    "xp.divide(xp.array([1.], dtype=xp.float32), 3)", "xp.floor_divide(xp.array([5, -5]), 2)",
    "xp.mod(xp.array([5, -5]), 3)", "xp.remainder(xp.array([5.5, -5.5]), 2)",
    "xp.power(xp.array([2]), 3)", "xp.maximum(xp.array([1, 5]), xp.array([3., 2.]))",
    "xp.minimum(xp.array([1, 5]), 2)", "xp.arctan2(xp.array([1.]), xp.array([1.]))",
    "xp.hypot(3., 4.)", "xp.logaddexp(xp.array([1., 2.]), xp.array([3., -1.]))",
    "xp.logaddexp2(xp.array([1., 2.]), 3.)", "xp.heaviside(xp.array([-1., 0., 2.]), 0.5)",
    # unary: integers go to float64
    "xp.sqrt(xp.array([1, 4]))", "xp.exp(xp.array([0., 1.], dtype=xp.float32))",
    "xp.log(xp.array([1, 2]))", "xp.log1p(xp.array([0.5]))", "xp.log2(xp.array([8.]))",
    "xp.log10(xp.array([100.]))", "xp.exp2(xp.array([3.]))", "xp.cbrt(xp.array([-8., 27.]))",
    "xp.sinh(xp.array([0.5]))", "xp.cosh(xp.array([0.5]))", "xp.tanh(xp.array([0.5]))",
    "xp.arcsin(xp.array([0.5]))", "xp.arccos(xp.array([0.5]))", "xp.arctan(xp.array([0.5]))",
    "xp.arcsinh(xp.array([0.5]))", "xp.arccosh(xp.array([1.5]))", "xp.arctanh(xp.array([0.5]))",
    "xp.deg2rad(xp.array([180.]))", "xp.rad2deg(xp.array([1.]))", "xp.sinc(xp.array([0., 0.5]))",
    "xp.abs(xp.array([-1, 2]))", "xp.fabs(xp.array([-1.5]))", "xp.negative(xp.array([1]))",
    "xp.sign(xp.array([-2., 0., 3.]))", "xp.signbit(xp.array([-2., 0., 3.]))",
    "xp.square(xp.array([3]))", "xp.ceil(xp.array([1.2]))", "xp.floor(xp.array([1.7]))",
    "xp.fix(xp.array([-1.7, 1.7]))", "xp.around(xp.array([0.5, 1.5, 2.5]))",
    "xp.round(xp.array([1.234]), 2)", "xp.clip(xp.array([1, 5, 9]), 2, 6)",
    "xp.real(xp.array([1+2j]))", "xp.imag(xp.array([1+2j]))", "xp.conj(xp.array([1+2j]))",
    "xp.angle(xp.array([1j]))", "xp.isnan(xp.array([1., np.nan]))",
    "xp.isinf(xp.array([1., np.inf]))", "xp.isfinite(xp.array([1., np.inf]))",
    "xp.isposinf(xp.array([-np.inf, np.inf]))", "xp.isneginf(xp.array([-np.inf, np.inf]))",
    "xp.isclose(xp.array([1., 2.]), xp.array([1., 2.1]))",
    "xp.equal(xp.array([1, 2]), 2)", "xp.less(xp.array([1, 2]), 1.5)",
    "xp.logical_and(xp.array([1, 0]), True)", "xp.logical_xor(xp.array([1, 0]), xp.array([1, 1]))",
    "xp.logical_not(xp.array([0, 2]))", "xp.bitwise_and(xp.array([5]), 3)",
    "xp.bitwise_or(xp.array([5]), 3)", "xp.bitwise_xor(xp.array([5]), 3)",
    "xp.bitwise_not(xp.array([5]))", "xp.gcd(xp.array([12]), 18)", "xp.lcm(xp.array([4]), 6)",
    "xp.nextafter(xp.array([1.]), 2.)",
    # reductions: NumPy's accumulator dtypes
    "xp.sum(xp.ones((2, 3)), axis=0)", "xp.sum(xp.array([True, True]))",
    "xp.sum(xp.array([1, 2], dtype=xp.int32))", "xp.prod(xp.array([1, 2], dtype=xp.int8))",
    "xp.mean(xp.array([1, 2]))", "xp.mean(xp.ones(2, dtype=xp.float32))",
    "xp.mean(xp.ones((2, 2)), axis=(0, 1))",
    "xp.average(xp.array([1., 2., 3.]), weights=xp.array([3., 1., 0.]))",
    "xp.average(xp.array([[1., 2.], [3., 4.]]), axis=1)", "xp.var(xp.array([1., 2., 4.]))",
    "xp.var(xp.array([[1., 2.], [3., 5.]]), axis=0, ddof=1)", "xp.std(xp.array([1, 2, 4]))",
    "xp.amax(xp.array([[1, 5], [3, 2]]), axis=1)", "xp.max(xp.array([[1, 5], [3, 2]]))",
    "xp.min(xp.array([[1, 5], [3, 2]]), axis=0)", "xp.ptp(xp.array([[1, 5], [3, 2]]), axis=1)",
    "xp.all(xp.array([1, 0]))", "xp.any(xp.array([[1, 0], [0, 0]]), axis=1)",
    "xp.count_nonzero(xp.array([[1, 0], [2, 0]]), axis=0)",
    "xp.argmax(xp.array([[1, 5], [3, 2]]))", "xp.argmin(xp.array([[1, 5], [3, 2]]), axis=1)",
    "xp.cumsum(xp.array([1, 2], dtype=xp.int32))", "xp.cumsum(xp.array([[1, 2], [3, 4]]), axis=1)",
    "xp.cumprod(xp.array([1., 2., 3.]))", "xp.nansum(xp.array([1., np.nan, 2.]))",
    "xp.nanprod(xp.array([3., np.nan, 2.]))", "xp.nanmean(xp.array([1., np.nan, 2.]))",
    # products
    "xp.matmul(xp.ones((2, 2), dtype=xp.int32), xp.ones((2, 2)))",
    "xp.matmul(xp.ones((2, 3)), xp.ones(3))", "xp.matmul(xp.ones(3), xp.ones(3))",
    "xp.dot(xp.ones((2, 3)), xp.ones(3))", "xp.dot(2, xp.ones(3))",
    "xp.dot(xp.ones((2, 2, 3)), xp.ones((4, 3, 2)))",
    "xp.vdot(xp.array([1+2j, 3]), xp.array([1, 1j]))", "xp.inner(xp.ones((2, 3)), xp.ones((4, 3)))",
    "xp.outer(xp.array([1, 2]), xp.array([3., 4., 5.]))",
    "xp.tensordot(xp.ones((2, 3)), xp.ones((3, 4)), 1)",
    "xp.kron(xp.array([[1, 2], [3, 4]]), xp.array([[1, 10]]))",
    "xp.cross(xp.array([1., 0, 0]), xp.array([0., 1, 0]))",
    "xp.cross(xp.array([1., 2]), xp.array([3., 4, 5]))",
    "xp.einsum('ij,jk->ik', xp.ones((2, 3)), xp.ones((3, 2), dtype=xp.int32))",
    "xp.polyval(xp.array([1., 2., 3.]), xp.array([2., 0.]))",
    "xp.trace(xp.reshape(xp.arange(9), (3, 3)))",
    # shapes
    "xp.reshape(xp.arange(6), (2, -1))", "xp.ravel(xp.ones((2, 2)))",
    "xp.transpose(xp.reshape(xp.arange(6), (2, 3)))", "xp.transpose(xp.ones((2, 3, 4)), (2, 0, 1))",
    "xp.moveaxis(xp.ones((2, 3, 4)), 0, -1)", "xp.swapaxes(xp.ones((2, 3, 4)), 0, 2)",
    "xp.squeeze(xp.ones((1, 3, 1)))", "xp.expand_dims(xp.ones(3), 1)",
    "xp.broadcast_to(xp.array([1, 2]), (2, 2))", "xp.atleast_1d(1.0)",
    "xp.atleast_2d(xp.array([1, 2]))", "xp.atleast_3d(xp.ones((2, 3)))",
    "xp.concatenate([xp.array([1]), xp.array([2.])])", "xp.append(xp.array([1, 2]), 3)",
    "xp.stack([xp.array([1, 2]), xp.array([3, 4])], axis=1)",
    "xp.hstack([xp.array([1]), xp.array([2, 3])])", "xp.vstack([xp.array([1, 2]), xp.array([3, 4])])",
    "xp.dstack([xp.array([1, 2]), xp.array([3, 4])])",
    "xp.flip(xp.array([[1, 2], [3, 4]]))", "xp.fliplr(xp.array([[1, 2], [3, 4]]))",
    "xp.flipud(xp.array([[1, 2], [3, 4]]))", "xp.rot90(xp.array([[1, 2], [3, 4]]))",
    "xp.rot90(xp.array([[1, 2], [3, 4]]), 3)", "xp.roll(xp.arange(5), 2)",
    "xp.roll(xp.reshape(xp.arange(6), (2, 3)), -1, axis=1)", "xp.tile(xp.array([1, 2]), (2, 2))",
    "xp.repeat(xp.array([1, 2]), 2)", "xp.repeat(xp.array([[1, 2], [3, 4]]), [1, 2], axis=0)",
    "xp.pad(xp.array([1, 2]), 2, mode='constant')",
    "xp.pad(xp.array([1, 2, 3]), (1, 2), mode='reflect')",
    "xp.take(xp.array([4, 5, 6]), [0, 5], mode='clip')",
    "xp.take(xp.array([[4, 5], [6, 7]]), [1], axis=1)",
    "xp.take_along_axis(xp.array([[10, 30, 20], [60, 40, 50]]), xp.array([[0], [1]]), axis=1)",
    "xp.where(xp.array([True, False]), 1, 2.)",
    "xp.compress([True, False, True], xp.array([1, 2, 3]))",
    "xp.select([xp.array([True, False]), xp.array([False, True])], [xp.array([1, 2]), xp.array([3, 4])])",
    "xp.diff(xp.array([1, 4, 9]))", "xp.diff(xp.array([1, 4, 9, 16]), 2)",
    "xp.sort(xp.array([3., 1, 2]))", "xp.sort(xp.array([[3, 1], [0, 2]]), axis=0)",
    "xp.argsort(xp.array([3, 1, 2]))", "xp.diag(xp.array([1, 2]))", "xp.diag(xp.array([1, 2]), 1)",
    "xp.diag(xp.reshape(xp.arange(9), (3, 3)))", "xp.diagonal(xp.reshape(xp.arange(9), (3, 3)), 1)",
    "xp.diagflat(xp.array([[1, 2]]))", "xp.vander(xp.array([1, 2, 3]))",
    "xp.copy(xp.array([1, 2]))", "xp.zeros_like(xp.ones(2), dtype=xp.int32)",
    "xp.ascontiguousarray(3)", "xp.array(3, ndmin=2)",
]

SEQUENCE_RESULTS = [
    "xp.split(xp.arange(6), 3)", "xp.split(xp.arange(6), [1, 4])", "xp.hsplit(xp.ones((2, 4)), 2)",
    "xp.vsplit(xp.ones((4, 2)), [1])", "xp.nonzero(xp.array([0, 3, 0, 4]))",
    "xp.where(xp.array([[0, 1], [1, 0]]))", "xp.meshgrid(xp.array([1, 2, 3]), xp.array([4, 5]))",
    "xp.meshgrid(xp.array([1, 2, 3]), xp.array([4, 5]), indexing='ij')",
    "xp.ix_(xp.array([0, 1]), xp.array([2, 4]))", "xp.divmod(xp.array([7]), 2)",
    "xp.broadcast_arrays(xp.array([1, 2]), xp.array([[1.], [2.]]))",
]


def _run(xp, code):
    return eval(code, {"xp": xp, "np": np})  # noqa: S307 - fixed expressions above


def _check(ours, reference):
    reference = np.asarray(reference)
    assert isinstance(ours, tf.Tensor)
    assert ours.dtype.as_numpy_dtype == reference.dtype, (ours.dtype, reference.dtype)
    np.testing.assert_allclose(ours.numpy(), reference, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("code", SAME_AS_NUMPY)
def test_tnp_matches_numpy(code):
    with np.errstate(all="ignore"):
        _check(_run(tnp, code), _run(np, code))


@pytest.mark.parametrize("code", SEQUENCE_RESULTS)
def test_tnp_sequence_results_match_numpy(code):
    ours, reference = _run(tnp, code), _run(np, code)
    assert len(ours) == len(reference)
    for a, b in zip(ours, reference):
        _check(a, b)


def test_ndarray_is_tensor_and_types_are_numpys():
    assert tnp.ndarray is tf.Tensor
    assert (tnp.float32, tnp.int_, tnp.float_, tnp.bool_) == (np.float32, np.int64, np.float64, np.bool_)
    assert (tnp.pi, tnp.e, tnp.inf, tnp.newaxis) == (np.pi, np.e, np.inf, None)


def test_result_type_returns_a_tf_dtype():
    assert tnp.result_type(tnp.int32, tnp.float32) == tf.float64
    assert tnp.result_type(tnp.array([1], dtype=tnp.int8), 1.0) == tf.float64
    assert tnp.promote_types(tnp.int8, tnp.uint8) == np.dtype("int16")


def test_info_and_predicates():
    assert tnp.finfo(tnp.float32).eps == np.finfo(np.float32).eps
    assert tnp.finfo("bfloat16").eps == tnp.finfo(tf.bfloat16).eps == 2.0 ** -7  # Keras asks so
    assert tnp.iinfo(tnp.int8).max == 127
    assert tnp.issubdtype(tnp.float32, np.floating)
    assert tnp.iscomplexobj(tnp.array([1j])) and tnp.isrealobj(tnp.array([1.0]))
    assert tnp.isscalar(1) and not tnp.isscalar(tnp.ones(2))
    assert tnp.ndim(tnp.ones((2, 3))) == 2 and tnp.size(tnp.ones((2, 3))) == 6
    assert tnp.shape(tnp.ones((2, 3))) == tf.TensorShape([2, 3])


def test_gradients_flow_through_tnp_functions():
    x = tf.constant([0.5, 1.5, -2.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tnp.sum(tnp.sinh(x) * tnp.sort(x) + tnp.take_along_axis(x, tnp.array([2, 0, 1]), 0))
    grad = tape.gradient(y, x).numpy()
    # d/dx of sum(sinh(x) * sort(x) + x[[2, 0, 1]]), written out with NumPy
    xs = x.numpy()
    order = np.argsort(xs)
    expected = np.cosh(xs) * np.sort(xs) + 1.0
    expected[order] += np.sinh(xs)[np.arange(3)]
    np.testing.assert_allclose(grad, expected)


def test_random_dtypes_and_seed():
    tnp.random.seed(3)
    first = tnp.random.rand(4).numpy()
    tnp.random.seed(3)
    np.testing.assert_array_equal(tnp.random.rand(4).numpy(), first)
    assert tnp.random.rand(2).dtype == tf.float64
    assert tnp.random.randn(2, 3).shape == tf.TensorShape([2, 3])
    ints = tnp.random.randint(0, 5, size=100)
    assert ints.dtype == tf.int64 and 0 <= ints.numpy().min() and ints.numpy().max() < 5
    assert tnp.random.uniform(size=(2,)).dtype == tf.float64
    assert tnp.random.standard_normal(size=(2,)).dtype == tf.float64
    assert tnp.random.random((2,)).dtype == tf.float64
    assert tnp.random.poisson(2.0, size=(2,)).dtype == tf.int64


def test_enable_numpy_behavior_in_a_fresh_process():
    code = textwrap.dedent("""
        import eagerflow as tf
        tnp = tf.experimental.numpy
        tnp.experimental_enable_numpy_behavior()
        s = tf.ones([], tf.int32) + tf.ones([], tf.float32)
        assert s.dtype == tf.float64, s
        assert (tf.ones([2], tf.int32) * 2.5).dtype == tf.float64
        assert (tf.ones([], tf.float32) + 1.5).dtype == tf.float32
        m = tf.constant([[1, 2]])
        assert m.T.shape == (2, 1) and m.reshape(2).shape == (2,) and m.reshape((2, 1)).shape == (2, 1)
        assert m.astype("float32").dtype == tf.float32 and m.ndim == 2 and m.size == 2
        assert m.tolist() == [[1, 2]] and m.ravel().shape == (2,)
        assert tf.constant([1, 2]).mean().dtype == tf.float64
        assert tf.constant([1, 2, 3])[tf.constant([0, 2])].numpy().tolist() == [1, 3]
        assert tf.constant([1, 2, 3])[tf.constant([True, False, True])].numpy().tolist() == [1, 3]
        assert tf.constant([1, 5]).clip(2, 3).numpy().tolist() == [2, 3]
        tnp.experimental_enable_numpy_behavior(prefer_float32=True)
        assert tnp.array(1.0).dtype == tf.float32 and tnp.ones(2).dtype == tf.float32
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- differential: TF's own tnp (where TF's tnp works; TF fails on a few that NumPy allows) ---
TF_DIFFERS = {
    "xp.hypot(3., 4.)", "xp.around(xp.array([0.5, 1.5, 2.5]))", "xp.round(xp.array([1.234]), 2)",
    "xp.var(xp.array([[1., 2.], [3., 5.]]), axis=0, ddof=1)", "xp.log(xp.array([1, 2]))",
    "xp.sqrt(xp.array([1, 4]))", "xp.pad(xp.array([1, 2]), 2, mode='constant')",
    "xp.pad(xp.array([1, 2, 3]), (1, 2), mode='reflect')",
}


@pytest.mark.tensorflow
@pytest.mark.parametrize("code", [c for c in SAME_AS_NUMPY if c not in TF_DIFFERS])
def test_tnp_matches_tensorflow(code):
    tf_real = pytest.importorskip("tensorflow")
    with np.errstate(all="ignore"):
        theirs = _run(tf_real.experimental.numpy, code)
        ours = _run(tnp, code)
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-12)


def test_tnp_functions_trace_inside_tf_function():
    @tf.function
    def f(x):
        total = tnp.sum(tnp.sin(x) * 2, axis=0) + tnp.mean(x)
        product = tnp.matmul(tnp.reshape(x, (2, -1)), tnp.ones((1, 3)))
        return total, product, tnp.where(x > 0, x, 0.0), tnp.concatenate([x, x])

    x = np.array([1.0, -2.0])
    total, product, positive, joined = f(tf.constant(x))
    np.testing.assert_allclose(total.numpy(), np.sum(np.sin(x) * 2) + np.mean(x))
    np.testing.assert_array_equal(product.numpy(), np.reshape(x, (2, 1)) @ np.ones((1, 3)))
    np.testing.assert_array_equal(positive.numpy(), [1.0, 0.0])
    np.testing.assert_array_equal(joined.numpy(), [1.0, -2.0, 1.0, -2.0])


def test_nonzero_and_compress_trace_inside_tf_function():
    @tf.function
    def f(x):
        return tnp.nonzero(x)[0], tnp.compress(x > 1, x)

    indices, kept = f(tf.constant([0, 3, 0, 4]))
    np.testing.assert_array_equal(indices.numpy(), np.nonzero([0, 3, 0, 4])[0])
    np.testing.assert_array_equal(kept.numpy(), [3, 4])
