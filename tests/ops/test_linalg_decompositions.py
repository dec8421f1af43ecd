"""tf.linalg decompositions, solvers and structure ops: behaviours beyond the spec table
(values and gradients are in tests/ops/specs/linalg_decomposition_specs.py)."""
import numpy as np
import pytest

import eagerflow as tf


def _spd(n=3, batch=()):
    rng = np.random.default_rng(0)
    a = rng.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def test_qr_returns_named_tuple_with_tf_field_names():
    result = tf.linalg.qr(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert type(result).__name__ == "Qr" and result._fields == ("q", "r")
    np.testing.assert_allclose((result.q @ result.r).numpy(), [[1.0, 2.0], [3.0, 4.0]], rtol=1e-6)


def test_svd_returns_s_u_v_in_tf_order_with_v_not_its_adjoint():
    a = np.random.default_rng(1).normal(size=(4, 3))
    s, u, v = tf.linalg.svd(a)
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ v.numpy().T, a, atol=1e-12)


def test_svd_full_matrices_gives_square_factors():
    s, u, v = tf.linalg.svd(np.ones((2, 4, 3)), full_matrices=True)
    assert (s.shape, u.shape, v.shape) == ((2, 3), (2, 4, 4), (2, 3, 3))


def test_svd_of_complex_gives_real_singular_values():
    s = tf.linalg.svd(tf.constant([[1 + 1j, 0], [0, 2j]], tf.complex64), compute_uv=False)
    assert s.dtype == tf.float32


def test_eigh_reads_only_the_lower_triangle():
    a = _spd()
    upper_garbage = a + np.triu(np.full((3, 3), 100.0), 1)
    np.testing.assert_allclose(tf.linalg.eigvalsh(upper_garbage).numpy(), np.linalg.eigvalsh(a), rtol=1e-10)


def test_eig_of_real_float32_is_complex64():
    e, v = tf.linalg.eig(tf.constant([[2.0, 0.0], [0.0, 3.0]]))
    assert e.dtype == tf.complex64 and v.dtype == tf.complex64
    assert tf.eigvals is tf.linalg.eigvals


def test_cholesky_of_indefinite_matrix_is_nan_as_tf_2_21():
    assert np.isnan(tf.linalg.cholesky(-np.eye(2)).numpy()).all()


def test_cholesky_of_half_runs_in_float32_and_returns_half():
    out = tf.linalg.cholesky(tf.constant(_spd(), tf.float16))
    assert out.dtype == tf.float16


def test_cholesky_rejects_int_with_tf_attr_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Value for attr 'T' of int32 is not in the list"):
        tf.linalg.cholesky(tf.eye(2, dtype=tf.int32))


def test_non_square_cholesky_is_tf_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input matrix must be square. \[Op:Cholesky\]"):
        tf.linalg.cholesky(np.ones((2, 3)))


def test_lu_of_singular_matrix_is_not_invertible_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input is not invertible. \[Op:Lu\]"):
        tf.linalg.lu(np.zeros((2, 2)))


def test_lu_permutation_and_reconstruct_round_trip():
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])
    lu, p = tf.linalg.lu(a)
    assert p.dtype == tf.int32
    lower = np.tril(lu.numpy(), -1) + np.eye(3)
    np.testing.assert_allclose(lower @ np.triu(lu.numpy()), a[p.numpy()], atol=1e-12)
    np.testing.assert_allclose(tf.linalg.lu_reconstruct(lu, p).numpy(), a, atol=1e-12)


def test_triangular_solve_with_zero_pivot_gives_inf_not_error():
    out = tf.linalg.triangular_solve(np.array([[0.0, 0.0], [1.0, 1.0]]), np.ones((2, 1))).numpy()
    assert np.isinf(out).all()


def test_triangular_solve_shape_mismatch_words_tf_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"In\[0\] mismatch In\[1\] shape: 2 vs. 3: \[2,2\] \[3,1\] 1 0"):
        tf.linalg.triangular_solve(np.eye(2), np.ones((3, 1)))


def test_logm_accepts_only_complex():
    with pytest.raises(tf.errors.InvalidArgumentError, match="allowed values: complex64, complex128"):
        tf.linalg.logm(np.eye(2))


def test_expm_of_logm_round_trips():
    a = tf.constant(_spd(), tf.complex128)
    np.testing.assert_allclose(tf.linalg.expm(tf.linalg.logm(a)).numpy(), a.numpy(), rtol=1e-8)


def test_slogdet_is_named_and_stable_where_det_overflows():
    sign, logabs = tf.linalg.slogdet(np.eye(400) * 10.0)
    assert float(sign) == 1.0
    np.testing.assert_allclose(float(logabs), 400 * np.log(10.0))


def test_matrix_rank_counts_independent_rows_as_int32():
    r = tf.linalg.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))
    assert r.dtype == tf.int32 and int(r) == 1


def test_band_part_negative_keeps_whole_triangle():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(tf.linalg.band_part(x, -1, 0).numpy(), np.tril(x))


def test_band_part_larger_than_rows_is_tf_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_lower must be negative or less or equal"):
        tf.linalg.band_part(np.ones((2, 2)), 3, 0)


def test_diag_with_k_pair_aligns_superdiagonals_right():
    out = tf.linalg.diag(np.array([[1, 2, 3], [4, 5, 6]]), k=(0, 1)).numpy()
    np.testing.assert_array_equal(out, [[4, 2, 0], [0, 5, 3], [0, 0, 6]])


def test_diag_single_k_is_square_by_default():
    assert tf.linalg.diag([1, 2, 3], k=1).shape == (4, 4)


def test_cross_needs_three_vectors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Both inputs must be of same shape"):
        tf.linalg.cross(np.ones(3), np.ones(2))


def test_matrix_transpose_of_vector_is_value_error():
    with pytest.raises(ValueError, match="should be a \\(batch\\) matrix with rank >= 2"):
        tf.linalg.matrix_transpose(tf.constant([1.0, 2.0]))


def test_global_norm_rejects_a_single_tensor():
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.linalg.global_norm(tf.constant([1.0]))


def test_tridiagonal_matrix_format_matches_compact_format():
    compact = np.array([[1.0, 2.0, 0.0], [5.0, 6.0, 7.0], [0.0, 1.0, 2.0]])
    dense = np.array([[5.0, 1.0, 0.0], [1.0, 6.0, 2.0], [0.0, 2.0, 7.0]])
    rhs = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_allclose(tf.linalg.tridiagonal_solve(compact, rhs).numpy(),
                               tf.linalg.tridiagonal_solve(dense, rhs, diagonals_format="matrix").numpy())


def test_decompositions_keep_batch_shapes():
    a = _spd(3, (2, 5))
    assert tf.linalg.cholesky(a).shape == (2, 5, 3, 3)
    assert tf.linalg.eigh(a)[0].shape == (2, 5, 3)
    assert tf.linalg.slogdet(a).sign.shape == (2, 5)
    assert tf.linalg.lu(a).p.shape == (2, 5, 3)
    assert tf.linalg.expm(a * 0.01).shape == (2, 5, 3, 3)


def test_importing_linalg_does_not_load_scipy():
    import subprocess
    import sys

    code = "import sys, eagerflow as tf; tf.linalg.qr([[1.0]]); print(any(m.startswith('scipy') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_banded_triangular_solve_matches_dense_solve():
    bands = np.array([[4.0, 5.0, 6.0], [0.5, -1.0, 2.0]])  # diagonal, then the first subdiagonal
    dense = np.diag(bands[0]) + np.diag(bands[1, 1:], -1)
    rhs = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(tf.linalg.banded_triangular_solve(bands, rhs).numpy(), np.linalg.solve(dense, rhs))


def test_eigh_tridiagonal_matches_dense_eigenvalues():
    alpha, beta = np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.25])
    dense = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    np.testing.assert_allclose(tf.linalg.eigh_tridiagonal(alpha, beta).numpy(), np.linalg.eigvalsh(dense))


def test_conjugate_gradient_solves_positive_definite_system():
    op = tf.linalg.LinearOperatorFullMatrix(_spd(), is_self_adjoint=True, is_positive_definite=True)
    state = tf.linalg.experimental.conjugate_gradient(op, np.ones(3), tol=1e-12, max_iter=10)
    np.testing.assert_allclose(state.x.numpy(), np.linalg.solve(_spd(), np.ones(3)), rtol=1e-8)
