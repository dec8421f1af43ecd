"""tf.linalg.LinearOperator family: structure, fallbacks and gradients (values vs TF 2.21 are in
tests/compat/test_linalg_signal_image_vs_tensorflow.py)."""
import numpy as np
import pytest

import eagerflow as tf


def test_diag_operator_matmul_solve_and_determinant():
    op = tf.linalg.LinearOperatorDiag([2.0, 4.0])
    x = tf.constant([[1.0], [1.0]])
    np.testing.assert_allclose(op.matmul(x).numpy(), [[2.0], [4.0]])
    np.testing.assert_allclose(op.solve(x).numpy(), [[0.5], [0.25]])
    assert float(op.determinant()) == 8.0


def test_gradient_flows_to_operator_parameters():
    d = tf.Variable([1.0, 3.0])
    with tf.GradientTape() as tape:
        op = tf.linalg.LinearOperatorDiag(d)
        y = tf.reduce_sum(op.matvec([1.0, 1.0])) + op.log_abs_determinant()
    np.testing.assert_allclose(tape.gradient(y, d).numpy(), [2.0, 1.0 + 1.0 / 3.0])


def test_composition_matmul_equals_dense_product():
    a = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [3.0, 4.0]])
    b = tf.linalg.LinearOperatorLowerTriangular([[1.0, 9.0], [2.0, 3.0]])
    composed = a @ b
    assert isinstance(composed, tf.linalg.LinearOperatorComposition)
    np.testing.assert_allclose(composed.to_dense().numpy(), a.to_dense().numpy() @ np.array([[1.0, 0.0], [2.0, 3.0]]))


def test_inversion_of_inversion_is_the_operator():
    op = tf.linalg.LinearOperatorFullMatrix([[2.0, 0.0], [0.0, 4.0]], is_non_singular=True)
    assert op.inverse().inverse() is op


def test_singular_operator_refuses_solve():
    op = tf.linalg.LinearOperatorZeros(2)
    with pytest.raises(NotImplementedError, match="expected to be singular"):
        op.solve([[1.0], [1.0]])


def test_positive_definite_and_singular_hints_conflict():
    with pytest.raises(ValueError, match="A positive definite matrix is always non-singular."):
        tf.linalg.LinearOperatorDiag([1.0], is_positive_definite=True, is_non_singular=False)


def test_kronecker_matches_numpy_kron():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    op = tf.linalg.LinearOperatorKronecker([tf.linalg.LinearOperatorFullMatrix(a), tf.linalg.LinearOperatorFullMatrix(b)])
    np.testing.assert_array_equal(op.to_dense().numpy(), np.kron(a, b))


def test_toeplitz_dense_layout():
    op = tf.linalg.LinearOperatorToeplitz([1.0, 2.0, 3.0], [1.0, 5.0, 6.0])
    np.testing.assert_array_equal(op.to_dense().numpy(), [[1, 5, 6], [2, 1, 5], [3, 2, 1]])


def test_circulant_of_flat_spectrum_is_scaled_identity():
    op = tf.linalg.LinearOperatorCirculant(tf.constant([2.0, 2.0, 2.0, 2.0], tf.complex64))
    np.testing.assert_allclose(op.to_dense().numpy(), 2 * np.eye(4), atol=1e-6)


def test_cholesky_of_positive_definite_operator_is_lower_triangular_operator():
    op = tf.linalg.LinearOperatorFullMatrix([[4.0, 2.0], [2.0, 3.0]], is_self_adjoint=True, is_positive_definite=True)
    chol = op.cholesky()
    assert isinstance(chol, tf.linalg.LinearOperatorLowerTriangular)
    np.testing.assert_allclose((chol.to_dense() @ tf.transpose(chol.to_dense())).numpy(), op.to_dense().numpy())
