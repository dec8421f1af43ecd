"""Linear algebra: TF 2.21's errors and messages, einsum forms, norm variants, properties."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eagerflow as tf
from eagerflow._src.ops import linalg_ops as L


def _c(x, dtype=tf.float32):
    return tf.constant(np.asarray(x), dtype)


def _raises(cls, message):
    """TF's eager message; the `{{function_node ...}}` prefix differs by build (oneDNN), so it is not pinned."""
    return pytest.raises(cls, match=re.escape(message))


A = _c([[1.0, 2.0], [3.0, 4.0]])
X = _c([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])


# --- errors, as TF 2.21 prints them ---------------------------------------------------------
def test_inv_singular_matrix_error():
    with _raises(tf.errors.InvalidArgumentError, "Input is not invertible. [Op:MatrixInverse] name: "):
        L.inv(_c([[1.0, 2.0], [2.0, 4.0]]))


def test_inv_non_square_and_rank_errors():
    with _raises(tf.errors.InvalidArgumentError, "Input matrix must be square. [Op:MatrixInverse]"):
        L.inv(X)
    with _raises(tf.errors.InvalidArgumentError, "Input tensor 0 must have rank >= 2, got 1 [Op:MatrixInverse]"):
        L.inv(_c([1.0, 2.0]))


def test_inv_rejects_integers_with_tf_dtype_message():
    with _raises(tf.errors.InvalidArgumentError, "Value for attr 'T' of int32 is not in the list of allowed values: "
                                                 "double, float, half, complex64, complex128"):
        L.inv(_c([[1, 2], [3, 4]], tf.int32))


def test_det_non_square_error():
    with _raises(tf.errors.InvalidArgumentError, "Input matrix must be square. [Op:MatrixDeterminant]"):
        L.det(X)


@pytest.mark.parametrize("matrix, rhs, message", [
    ([[1.0, 2.0], [2.0, 4.0]], [[1.0], [2.0]], "Input matrix is not invertible."),
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0], [2.0]], "First input (lhs) must be a square matrix."),
    ([[1.0, 2.0], [3.0, 4.0]], [[1.0], [2.0], [3.0]], "Input matrix and rhs are incompatible."),
    ([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], "All input tensors must have the same rank."),
])
def test_solve_errors(matrix, rhs, message):
    with _raises(tf.errors.InvalidArgumentError, message + " [Op:MatrixSolve] name: "):
        L.solve(_c(matrix), _c(rhs))


def test_solve_dtype_mismatch_error():
    with _raises(tf.errors.InvalidArgumentError, "cannot compute MatrixSolve as input #1(zero-based) was expected "
                                                 "to be a float tensor but is a double tensor [Op:MatrixSolve]"):
        L.solve(A, _c([[1.0], [2.0]], tf.float64))


def test_einsum_errors():
    with _raises(tf.errors.InvalidArgumentError, "Expected dimension 3 at axis 0 of the input shaped [4,5] but got "
                                                 "dimension 4 [Op:Einsum] name: "):
        L.einsum("ij,jk->ik", _c(np.ones((2, 3))), _c(np.ones((4, 5))))
    with _raises(ValueError, 'Got 1 inputs for equation "ij,jk", expecting 2'):
        L.einsum("ij,jk", _c(np.ones((2, 3))))
    with _raises(tf.errors.InvalidArgumentError, "Expected input 0 to have rank 3 but got: 2 [Op:Einsum]"):
        L.einsum("ijk,jk->ik", _c(np.ones((2, 3))), _c(np.ones((3, 2))))
    with _raises(ValueError, "Output subscripts contain the label k not present in the input subscripts."):
        L.einsum("ij->k", _c(np.ones((2, 3))))
    with _raises(tf.errors.InvalidArgumentError, "Output contains 1 broadcasting dimension(s) but no ellipsis (...) "
                                                 "was found in the output subscripts. [Op:Einsum]"):
        L.einsum("...i->i", _c(np.ones((2, 3))))
    with _raises(tf.errors.InvalidArgumentError, "cannot compute Einsum as input #1(zero-based) was expected to be "
                                                 "a float tensor but is a double tensor [Op:Einsum] name: "):
        L.einsum("ij,jk->ik", _c(np.ones((2, 3))), _c(np.ones((3, 2)), tf.float64))


def test_einsum_of_a_dtype_without_cpu_kernel_is_not_found():
    with pytest.raises(tf.errors.NotFoundError) as info:
        L.einsum("ij,jk", _c([[1]], tf.int8), _c([[1]], tf.int8))
    assert str(info.value) == (
        'Could not find device for node: {{node Einsum}} = Einsum[N=2, T=DT_INT8, equation="ij,jk->ik"]\n'
        "All kernels registered for op Einsum:\n"
        "  device='XLA_CPU_JIT'; T in [DT_FLOAT, DT_DOUBLE, DT_INT32, DT_COMPLEX64, DT_INT64, DT_BFLOAT16, "
        "DT_COMPLEX128, DT_HALF, DT_UINT64]\n"
        "  device='CPU'; T in [DT_INT64]\n  device='CPU'; T in [DT_INT32]\n  device='CPU'; T in [DT_HALF]\n"
        "  device='CPU'; T in [DT_FLOAT]\n  device='CPU'; T in [DT_DOUBLE]\n  device='CPU'; T in [DT_COMPLEX64]\n"
        "  device='CPU'; T in [DT_COMPLEX128]\n  device='CPU'; T in [DT_BFLOAT16]\n [Op:Einsum] name: ")
    with pytest.raises(tf.errors.NotFoundError, match=r"T=DT_UINT64"):
        L.einsum("i->i", _c([1], tf.uint64))


def test_einsum_of_bfloat16_rounds_a_float32_result_once():
    a = np.array([[1.5, 2.25], [3.0, 4.0]])
    out = L.einsum("ij,jk->ik", _c(a, tf.bfloat16), _c(a.T, tf.bfloat16))
    assert out.dtype == tf.bfloat16
    np.testing.assert_array_equal(out.numpy().astype(np.float32), (a @ a.T).astype(np.float32))


def test_tensordot_errors():
    a, b = _c(np.ones((2, 3))), _c(np.ones((3, 2)))
    with _raises(ValueError, "`axes` must be at least 0. Received: -1."):
        L.tensordot(a, b, -1)
    with _raises(ValueError, "`axes` must not be larger than the number of dimensions of tensor [[1. 1. 1.]\n "
                             "[1. 1. 1.]].  Received 3, vs tensor dimensions 2."):
        L.tensordot(a, b, 3)
    with _raises(ValueError, "Different number of contraction axes `a` and `b`, 1 != 2."):
        L.tensordot(a, b, [[1], [0, 1]])
    with _raises(ValueError, "`axes` must be an integer or have length 2. Received [[1]]."):
        L.tensordot(a, b, [[1]])
    with _raises(tf.errors.InvalidArgumentError, "Matrix size-incompatible: In[0]: [2,3], In[1]: [4,2] [Op:MatMul]"):
        L.tensordot(a, _c(np.ones((4, 2))), [[1], [0]])


@pytest.mark.parametrize("kwargs, message", [
    ({"ord": "fro", "axis": 1}, "'ord' must be a supported vector norm, got fro"),
    ({"ord": 0}, "'ord' must be a supported vector norm, got 0"),
    ({"ord": -1}, "'ord' must be a supported vector norm, got -1"),
    ({"ord": 3, "axis": [0, 1]}, "'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got 3"),
    ({"ord": "nuc", "axis": [0, 1]}, "'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got nuc"),
    ({"axis": [0, 0]}, "'axis' must be None, an integer, or a tuple of 2 unique integers, got (0, 0)"),
    ({"axis": [0, 1, 0]}, "'axis' must be None, an integer, or a tuple of 2 unique integers, got [0, 1, 0]"),
])
def test_norm_argument_errors(kwargs, message):
    with _raises(ValueError, message):
        L.norm(X, **kwargs)


def test_diag_part_and_trace_need_matrices():
    with _raises(tf.errors.InvalidArgumentError, "input must be at least 2-dim, received shape: [3] [Op:MatrixDiagPartV3]"):
        tf.linalg.trace(_c([1.0, 2.0, 3.0]))
    with _raises(tf.errors.InvalidArgumentError, "diagonal must be at least 1-dim, received shape: [] [Op:MatrixDiagV3]"):
        tf.linalg.diag(_c(1.0))


def test_clip_by_norm_refuses_to_broadcast():
    with _raises(ValueError, "Shapes (2, 3) and (4, 2, 3) are incompatible"):
        L.clip_by_norm(_c(np.ones((2, 3))), _c(np.ones((4, 1, 1))))


def test_clip_by_norm_integer_input_fails_at_sqrt():
    with _raises(tf.errors.InvalidArgumentError, "Value for attr 'T' of int32 is not in the list of allowed values"):
        L.clip_by_norm(_c([3, 4], tf.int32), 1)


# --- values TF 2.21 returns ------------------------------------------------------------------
@pytest.mark.parametrize("equation, shapes, expected_shape", [
    ("ij,jk->ik", [(2, 3), (3, 4)], (2, 4)),
    ("ij,jk", [(2, 3), (3, 4)], (2, 4)),
    ("i j, j k -> i k", [(2, 3), (3, 4)], (2, 4)),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)], (5, 2, 4)),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)], (5, 2, 4)),
    ("ii->", [(3, 3)], ()),
    ("ii->i", [(3, 3)], (3,)),
    ("ij->ji", [(2, 3)], (3, 2)),
    ("i,i,i->", [(3,), (3,), (3,)], ()),
    ("Ij,jK->IK", [(2, 3), (3, 4)], (2, 4)),
])
def test_einsum_forms_match_numpy(equation, shapes, expected_shape):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    out = L.einsum(equation, *[_c(a, tf.float64) for a in arrays])
    assert tuple(out.shape) == expected_shape
    np.testing.assert_allclose(out.numpy(), np.einsum(equation.replace(" ", ""), *arrays), rtol=1e-12)


def test_norm_variants_match_tf():
    np.testing.assert_allclose(L.norm(X).numpy(), 9.539392, rtol=1e-6)
    np.testing.assert_allclose(L.norm(X, ord=1, axis=1).numpy(), [6.0, 15.0])
    np.testing.assert_allclose(L.norm(X, ord=np.inf, axis=-1).numpy(), [3.0, 6.0])
    np.testing.assert_allclose(L.norm(X, ord=1, axis=[0, 1]).numpy(), 9.0)
    np.testing.assert_allclose(L.norm(X, ord=np.inf, axis=[0, 1]).numpy(), 15.0)
    np.testing.assert_allclose(L.norm(X, ord=2, axis=[0, 1]).numpy(), 9.225029, rtol=1e-6)
    np.testing.assert_allclose(L.norm(X, ord=0.5).numpy(), 117.32838, rtol=1e-6)
    assert L.norm(X, axis=1, keepdims=True).shape == (2, 1)
    assert L.norm(_c(np.ones((2, 3, 4))), ord=2, axis=[1, 2], keepdims=True).shape == (2, 1, 1)


def test_norm_of_complex_keeps_complex_dtype():
    # TF computes sqrt(sum(x * conj(x))) and returns it in the complex dtype.
    out = L.norm(tf.constant([3 + 4j, 1j]))
    assert out.dtype == tf.complex128
    np.testing.assert_allclose(out.numpy(), np.sqrt(26.0))


def test_clip_by_norm_values_match_tf():
    np.testing.assert_allclose(L.clip_by_norm(X, 1.0).numpy()[0], [0.10482848, -0.20965695, 0.31448543], rtol=1e-6)
    np.testing.assert_allclose(L.clip_by_norm(X, 1.0, axes=1).numpy()[0], [0.26726124, -0.5345225, 0.8017837], rtol=1e-6)
    np.testing.assert_array_equal(L.clip_by_norm(X, -1.0).numpy(), np.zeros((2, 3)))  # clip_norm clamps at 0
    assert L.clip_by_norm(X, tf.constant(1.0, tf.float64)).dtype == tf.float32


def test_clip_by_norm_zero_input_has_finite_gradient():
    x = tf.constant(np.zeros(3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = L.clip_by_norm(x, 1.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.ones(3))


def test_inv_and_solve_adjoint():
    np.testing.assert_allclose(L.inv(A, adjoint=True).numpy(), np.linalg.inv(A.numpy().T), rtol=1e-6)
    np.testing.assert_allclose(L.solve(A, _c([[1.0], [2.0]]), adjoint=True).numpy(), [[1.0], [0.0]], atol=1e-6)


def test_half_precision_inverse():
    out = L.inv(_c([[1, 2], [3, 4]], tf.float16))
    assert out.dtype == tf.float16
    np.testing.assert_allclose(out.numpy(), [[-2.0, 1.0], [1.5, -0.5]])


def test_matvec_transpose():
    np.testing.assert_allclose(L.matvec(X, _c([1.0, 2.0]), transpose_a=True).numpy(), [9.0, 8.0, -9.0])


def test_spectral_norm_first_order_gradient():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4))
    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = L.norm(x, ord=2, axis=[0, 1])
    u, _, vh = np.linalg.svd(a)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.outer(u[:, 0], vh[0]), rtol=1e-8, atol=1e-10)


def test_matmul_complex_transpose_gradient_matches_tf():
    b = tf.constant(np.array([[2 - 1j, 1j], [1j, 1.0]]))
    weights = tf.constant(np.array([[1 + 1j, 2 - 1j]]))
    for a, kwargs in [(np.array([[1 + 2j, 3 - 1j]]), {"transpose_b": True}),
                      (np.array([[1 + 2j], [3 - 1j]]), {"transpose_a": True})]:
        a = tf.constant(a)
        with tf.GradientTape() as tape:
            tape.watch(a)
            y = L.matmul(a, b, **kwargs) * weights
        # Values TF 2.21 returns for the same calls.
        np.testing.assert_allclose(tape.gradient(y, a).numpy().ravel(), [4 - 3j, 1])


# --- properties --------------------------------------------------------------------------------
_matrices = st.integers(1, 5).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, 10_000)))


@settings(max_examples=40, deadline=None)
@given(_matrices)
def test_inverse_times_matrix_is_identity(case):
    n, seed = case
    a = np.random.default_rng(seed).standard_normal((n, n)) + 2 * n * np.eye(n)
    np.testing.assert_allclose(L.matmul(L.inv(_c(a, tf.float64)), _c(a, tf.float64)).numpy(), np.eye(n), atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(_matrices)
def test_solve_satisfies_system_and_det_is_multiplicative(case):
    n, seed = case
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n)) + 2 * n * np.eye(n)
    b = rng.standard_normal((n, n))
    x = L.solve(_c(a, tf.float64), _c(b, tf.float64))
    np.testing.assert_allclose(a @ x.numpy(), b, atol=1e-9)
    det_ab = L.det(L.matmul(_c(a, tf.float64), _c(b, tf.float64))).numpy()
    np.testing.assert_allclose(det_ab, np.linalg.det(a) * np.linalg.det(b), rtol=1e-8, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.1, 5.0))
def test_clip_by_norm_bounds_the_norm(seed, clip):
    t = np.random.default_rng(seed).standard_normal((3, 4))
    out = L.clip_by_norm(_c(t, tf.float64), clip).numpy()
    norm = np.linalg.norm(t)
    assert np.linalg.norm(out) <= clip + 1e-9
    np.testing.assert_allclose(out, t if norm <= clip else t * clip / norm, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_tensordot_equals_einsum_and_trace_equals_diag_sum(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    np.testing.assert_allclose(L.tensordot(_c(a, tf.float64), _c(b, tf.float64), [[1, 2], [1, 0]]).numpy(),
                               np.einsum("ijk,kjl->il", a, b), rtol=1e-10)
    m = rng.standard_normal((2, 4, 4))
    np.testing.assert_allclose(tf.linalg.trace(_c(m, tf.float64)).numpy(), L.einsum("...ii->...", _c(m, tf.float64)).numpy())
