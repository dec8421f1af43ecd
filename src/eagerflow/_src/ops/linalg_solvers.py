"""Solvers built from the decompositions (`tf.linalg.cholesky_solve`, `lu_solve`, `lstsq`, `pinv`,
`matrix_rank`, tridiagonal systems).

Each is composed of differentiable ops, as TF composes them in Python, so their gradients come
from the ops they are made of.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops.linalg_decompositions import cholesky, svd, triangular_solve
from eagerflow._src.ops.linalg_ops import matmul, solve
from eagerflow._src.ops.linalg_structure_ops import adjoint, band_part, diag, set_diag


def cholesky_solve(chol: Any, rhs: Any, name: str | None = None) -> Tensor:
    """X with `A @ X = rhs`, given `chol`, the Cholesky factor of A (`tf.linalg.cholesky_solve`)."""
    chol = conversion.tensor(chol)
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def _permutation_matrix(perm: Any, dtype: Any) -> Tensor:
    """P with `P @ x == x[perm]` (batched like `perm`)."""
    perm = conversion.tensor(perm)
    n = tuple(perm.shape)[-1]
    return array_ops.one_hot(perm, n, dtype=dtype)


def _lu_factors(lower_upper: Tensor) -> tuple[Tensor, Tensor]:
    lower = band_part(lower_upper, -1, 0)
    lower = set_diag(lower, array_ops.ones_like(array_ops.zeros(tuple(lower.shape)[:-1], lower.dtype)))
    return lower, band_part(lower_upper, 0, -1)


def lu_solve(lower_upper: Any, perm: Any, rhs: Any, validate_args: bool = False, name: str | None = None) -> Tensor:
    """X with `A @ X = rhs`, given `tf.linalg.lu(A)` (`tf.linalg.lu_solve`)."""
    lower_upper = conversion.tensor(lower_upper)
    rhs = conversion.like(rhs, lower_upper)
    lower, upper = _lu_factors(lower_upper)
    permuted = matmul(_permutation_matrix(perm, lower_upper.dtype), rhs)
    y = triangular_solve(lower, permuted, lower=True)
    return triangular_solve(upper, y, lower=False)


def lu_reconstruct(lower_upper: Any, perm: Any, validate_args: bool = False, name: str | None = None) -> Tensor:
    """The matrix A that `tf.linalg.lu` factored into `(lower_upper, perm)` (`tf.linalg.lu_reconstruct`)."""
    lower_upper = conversion.tensor(lower_upper)
    lower, upper = _lu_factors(lower_upper)
    return matmul(_permutation_matrix(perm, lower_upper.dtype), matmul(lower, upper), adjoint_a=True)


def lu_matrix_inverse(lower_upper: Any, perm: Any, validate_args: bool = False, name: str | None = None) -> Tensor:
    """The inverse of A, given `tf.linalg.lu(A)` (`tf.linalg.lu_matrix_inverse`)."""
    lower_upper = conversion.tensor(lower_upper)
    shape = tuple(lower_upper.shape)
    eye = array_ops.eye(shape[-1], batch_shape=shape[:-2], dtype=lower_upper.dtype)
    return lu_solve(lower_upper, perm, eye)


def lstsq(matrix: Any, rhs: Any, l2_regularizer: Any = 0.0, fast: bool = True, name: str | None = None) -> Tensor:
    """Least-squares solutions of `matrix @ X = rhs` (Tikhonov-regularised by `l2_regularizer`)
    (`tf.linalg.lstsq`). `fast` solves the normal equations by Cholesky, as TF does; otherwise the
    minimum-norm solution comes from the pseudo-inverse."""
    a = conversion.tensor(matrix)
    b = conversion.like(rhs, a)
    m, n = tuple(a.shape)[-2:]
    reg = math_ops.cast(conversion.tensor(l2_regularizer), a.dtype)
    if not fast:
        return matmul(pinv(a), b)
    if m >= n:
        gram = matmul(a, a, adjoint_a=True)
        gram = math_ops.add(gram, math_ops.multiply(reg, array_ops.eye(n, dtype=a.dtype)))
        return cholesky_solve(cholesky(gram), matmul(a, b, adjoint_a=True))
    gram = matmul(a, a, adjoint_b=True)
    gram = math_ops.add(gram, math_ops.multiply(reg, array_ops.eye(m, dtype=a.dtype)))
    return matmul(a, cholesky_solve(cholesky(gram), b), adjoint_a=True)


def _default_rcond(a: Tensor) -> float:
    m, n = tuple(a.shape)[-2:]
    return 10.0 * max(m, n) * float(np.finfo(a.dtype.real_dtype.as_numpy_dtype).eps)


def pinv(a: Any, rcond: Any = None, validate_args: bool = False, name: str | None = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse, singular values below `rcond * max(s)` dropped
    (`tf.linalg.pinv`; default `rcond = 10 * max(m, n) * eps`)."""
    a = conversion.tensor(a)
    rcond = _default_rcond(a) if rcond is None else rcond
    s, u, v = svd(a, full_matrices=False, compute_uv=True)
    cutoff = math_ops.multiply(math_ops.cast(conversion.tensor(rcond), s.dtype),
                               reduce_ops.reduce_max(s, axis=-1, keepdims=True))
    kept = math_ops.select(math_ops.greater(s, cutoff), s, array_ops.fill(tuple(s.shape), np.array(np.inf, s.dtype.as_numpy_dtype)))
    scaled = math_ops.truediv(v, math_ops.cast(array_ops.expand_dims(kept, -2), v.dtype))
    return matmul(scaled, u, adjoint_b=True)


def matrix_rank(a: Any, tol: Any = None, validate_args: bool = False, name: str | None = None) -> Tensor:
    """The number of singular values above `tol` (default `eps * max(m, n) * max(s)`), as int32
    (`tf.linalg.matrix_rank`)."""
    a = conversion.tensor(a)
    s = svd(a, compute_uv=False)
    if tol is None:
        m, n = tuple(a.shape)[-2:]
        eps = float(np.finfo(s.dtype.as_numpy_dtype).eps)
        tol = math_ops.multiply(reduce_ops.reduce_max(s, axis=-1, keepdims=True), conversion.scalar_like(eps * max(m, n), s))
    else:
        tol = array_ops.expand_dims(math_ops.cast(conversion.tensor(tol), s.dtype), -1)
    return reduce_ops.reduce_sum(math_ops.cast(math_ops.greater(s, tol), _dtypes.int32), axis=-1)


# --- tridiagonal systems -----------------------------------------------------------------------
def _tridiagonal_dense(diagonals: Any, diagonals_format: str) -> Tensor:
    """The full matrices of tridiagonal `diagonals` given in TF's 'compact', 'sequence' or 'matrix'
    format (a superdiagonal's last and a subdiagonal's first entries are ignored)."""
    if diagonals_format == "matrix":
        return conversion.tensor(diagonals)
    if diagonals_format == "compact":
        d = conversion.tensor(diagonals)
        if d._array.ndim is not None and (d.ndim < 2 or d.shape[-2] not in (3, None)):  # (None: traced)
            raise ValueError(f"Expected last two dimensions of diagonals to be (3, M), got {d.shape}")
        superdiag, maindiag, subdiag = d[..., 0, :], d[..., 1, :], d[..., 2, :]
    elif diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        superdiag, maindiag, subdiag = (conversion.tensor(t) for t in diagonals)
    else:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    m = maindiag.shape[-1] if maindiag._array.ndim is not None else None
    dense = diag(maindiag)
    if m is None:  # traced: the size known only when the graph runs; bands written in place
        from eagerflow._src.ops.linalg_structure_ops import set_diag

        dense = set_diag(dense, superdiag[..., :-1], k=1)
        return set_diag(dense, subdiag[..., 1:], k=-1)
    if m > 1:
        dense = math_ops.add(dense, diag(superdiag[..., : m - 1], k=1, num_rows=m, num_cols=m))
        dense = math_ops.add(dense, diag(subdiag[..., 1:], k=-1, num_rows=m, num_cols=m))
    return dense


def tridiagonal_solve(diagonals: Any, rhs: Any, diagonals_format: str = "compact", transpose_rhs: bool = False,
                      conjugate_rhs: bool = False, name: str | None = None, partial_pivoting: bool = True,
                      perturb_singular: bool = False) -> Tensor:
    """X with `A @ X = rhs` for tridiagonal A given by `diagonals` (`tf.linalg.tridiagonal_solve`).

    Solved with partial pivoting on the dense matrix (a reference path, O(M^3)).
    """
    dense = _tridiagonal_dense(diagonals, diagonals_format)
    b = conversion.like(rhs, dense)
    ranks = (b._array.ndim, dense._array.ndim)  # (None: traced with unknown rank, a matrix rhs)
    is_vector = None not in ranks and ranks[0] == ranks[1] - 1
    if is_vector:
        b = array_ops.expand_dims(b, -1)
    elif transpose_rhs:
        from eagerflow._src.ops.linalg_structure_ops import matrix_transpose

        b = matrix_transpose(b, conjugate=conjugate_rhs)
    elif conjugate_rhs:
        b = math_ops.conj(b)
    if is_vector and conjugate_rhs:
        b = math_ops.conj(b)
    x = solve(dense, b)
    return array_ops.squeeze(x, -1) if is_vector else x


def tridiagonal_matmul(diagonals: Any, rhs: Any, diagonals_format: str = "compact", name: str | None = None) -> Tensor:
    """`A @ rhs` for tridiagonal A given by `diagonals` (`tf.linalg.tridiagonal_matmul`)."""
    dense = _tridiagonal_dense(diagonals, diagonals_format)
    return matmul(dense, conversion.like(rhs, dense))


def banded_triangular_solve(bands: Any, rhs: Any, lower: bool = True, adjoint: bool = False,
                            name: str | None = None) -> Tensor:
    """X with `A @ X = rhs` for triangular A given by its `[..., K, M]` bands: the diagonal first
    (lower) or last (upper), 'LEFT_RIGHT' aligned (`tf.linalg.banded_triangular_solve`)."""
    bands = conversion.tensor(bands)
    k, m = tuple(bands.shape)[-2:]
    band = (-(k - 1), 0) if lower else (0, k - 1)
    dense = diag(bands, k=band, num_rows=m, num_cols=m, align="LEFT_RIGHT")
    return triangular_solve(dense, conversion.like(rhs, bands), lower=lower, adjoint=adjoint)


def eigh_tridiagonal(alpha: Any, beta: Any, eigvals_only: bool = True, select: str = "a", select_range: Any = None,
                     tol: Any = None, name: str | None = None) -> Any:
    """Eigenvalues (ascending), and eigenvectors unless `eigvals_only`, of the Hermitian tridiagonal
    matrix with diagonal `alpha` and superdiagonal `beta`; `select` 'a' (all), 'v' (values in
    `(lo, hi]`) or 'i' (indices `lo..hi`) (`tf.linalg.eigh_tridiagonal`; solved densely).

    Raises:
      ValueError: an unknown `select`.
    """
    from eagerflow._src.ops.linalg_decompositions import eigh, eigvalsh

    if select not in ("a", "v", "i"):
        raise ValueError("'select' must have a value in {'a', 'i', 'v'}.")
    alpha = conversion.tensor(alpha)
    beta = conversion.tensor(beta)
    dtype = beta.dtype if beta.dtype.is_complex else alpha.dtype
    n = tuple(alpha.shape)[-1]
    dense = diag(math_ops.cast(alpha, dtype))
    if n > 1:
        dense = math_ops.add(dense, diag(math_ops.conj(beta), k=-1, num_rows=n, num_cols=n))
        dense = math_ops.add(dense, diag(beta, k=1, num_rows=n, num_cols=n))
    if eigvals_only:
        values, vectors = math_ops.cast(eigvalsh(dense), alpha.dtype), None
    else:
        values, vectors = eigh(dense)
        values = math_ops.cast(values, alpha.dtype)
    if select != "a":
        lo, hi = (float(v) for v in np.reshape(np.asarray(select_range), -1)[:2])
        host = values.numpy()
        if select == "v":
            keep = np.nonzero((host > lo) & (host <= hi))[0]
        else:
            keep = np.arange(int(lo), int(hi) + 1)
        from eagerflow._src.ops.gather_scatter_ops import gather

        values = gather(values, keep.astype(np.int32), axis=0)
        if vectors is not None:
            vectors = gather(vectors, keep.astype(np.int32), axis=1)
    return values if eigvals_only else (values, vectors)
