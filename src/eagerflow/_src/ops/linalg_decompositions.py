"""Matrix decompositions and matrix functions (`tf.linalg.cholesky`, `qr`, `svd`, `eigh`, `eig`,
`lu`, `slogdet`, `expm`, `logm`, `sqrtm`), each with TF's gradient where TF has one.

Kernels run LAPACK through `xp.linalg` (half precision in float32); what NumPy lacks comes from
SciPy, imported on first use.
"""
from __future__ import annotations

import collections
import warnings
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.dtype_sets import COMPLEX
from eagerflow._src.ops.linalg_ops import matmul, solve
from eagerflow._src.ops.linalg_structure_ops import adjoint, band_part, diag, diag_part, set_diag

SOLVER_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64) + COMPLEX
_EIG_DTYPES = (_dtypes.float32, _dtypes.float64) + COMPLEX

Qr = collections.namedtuple("Qr", ["q", "r"])
Lu = collections.namedtuple("Lu", ["lu", "p"])
LogMatrixDeterminant = collections.namedtuple("LogMatrixDeterminant", ["sign", "log_abs_determinant"])


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def check_rank(x: Any, index: int = 0) -> None:
    if x.ndim < 2:
        raise invalid(f"Input tensor {index} must have rank >= 2, got {x.ndim}")


def check_square(x: Any) -> None:
    check_rank(x)
    if x.shape[-1] != x.shape[-2]:
        raise invalid("Input matrix must be square.")


def widened(x: Any) -> Any:
    """`x` in float32 when it is half (LAPACK has no half)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def per_matrix(xp: Any, fn: Any, x: Any) -> Any:
    """`fn` (one matrix in, one array out, via NumPy) over the batch dims of `x`, back on `xp`."""
    host = np.asarray(x.get() if hasattr(x, "get") else x)
    flat = host.reshape((-1,) + host.shape[-2:])
    outs = [np.asarray(fn(m)) for m in flat]
    stacked = np.stack(outs) if outs else np.zeros(flat.shape, host.dtype)
    return xp.asarray(stacked.reshape(host.shape[:-2] + stacked.shape[1:]))


def _safe_reciprocal(x: Tensor) -> Tensor:
    # TF's Lorentz broadening: finite where eigen/singular values repeat.
    return math_ops.multiply(x, math_ops.reciprocal(math_ops.add(math_ops.multiply(x, x),
                                                                 conversion.scalar_like(1e-20, x))))


def _pairwise_gaps(values: Tensor) -> Tensor:
    """f[i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it (broadened)."""
    rows = array_ops.expand_dims(values, -2)
    cols = array_ops.expand_dims(values, -1)
    return set_diag(_safe_reciprocal(math_ops.subtract(rows, cols)), math_ops.zeros_like_same(values))


def _eye_like(x: Tensor) -> Tensor:
    dims = x._array.shape
    if dims is None or None in dims:  # traced: ones written on the diagonal of zeros like x
        return set_diag(math_ops.zeros_like_same(x), math_ops.ones_like_same(diag_part(x)))
    shape = tuple(x.shape)
    return array_ops.eye(shape[-1], batch_shape=shape[:-2], dtype=x.dtype)


# --- Cholesky ----------------------------------------------------------------------------------
def _cholesky(xp: Any, x: Any) -> Any:
    check_square(x)
    if x.size == 0:
        return x.copy()
    work = widened(x)
    try:
        out = xp.linalg.cholesky(work)
    except np.linalg.LinAlgError:
        # TF 2.21 reports no error: matrices that are not positive definite come back as NaN.
        def one(m: Any) -> Any:
            try:
                return np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                return np.full(m.shape, np.nan, m.dtype)
        out = per_matrix(xp, one, work)
    return out.astype(x.dtype, copy=False)


def _cholesky_grad(ctx: Any, dy: Tensor) -> tuple:
    # l^-H (tril(l^H dy) with its diagonal halved) l^-1, symmetrised.
    l = ctx.output
    l_inverse = triangular_solve(l, _eye_like(l))
    middle = matmul(l, dy, adjoint_a=True)
    middle = set_diag(middle, math_ops.multiply(diag_part(middle), conversion.scalar_like(0.5, middle)))
    middle = band_part(middle, -1, 0)
    grad = matmul(matmul(l_inverse, middle, adjoint_a=True), l_inverse)
    return (math_ops.multiply(math_ops.add(grad, adjoint(grad)), conversion.scalar_like(0.5, grad)),)


CHOLESKY = Op("Cholesky", _cholesky, dtypes=SOLVER_DTYPES, grad=_cholesky_grad)


def cholesky(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The lower Cholesky factor of each Hermitian positive-definite matrix (`tf.linalg.cholesky`).

    Only the lower triangle is read. As TF 2.21 does, a matrix that is not positive definite
    gives NaN rather than an error.
    """
    return conversion.run_unary(CHOLESKY, input)


# --- QR ----------------------------------------------------------------------------------------
def _qr(xp: Any, x: Any, full_matrices: bool = False) -> list:
    check_rank(x)
    work = widened(x)
    if work.size == 0:
        m, n = x.shape[-2:]
        k = m if full_matrices else min(m, n)
        q = xp.zeros(x.shape[:-2] + (m, k), x.dtype)
        idx = xp.arange(min(m, k))
        q[..., idx, idx] = 1
        return [q, xp.zeros(x.shape[:-2] + (k, n), x.dtype)]
    q, r = xp.linalg.qr(work, mode="complete" if full_matrices else "reduced")
    return [q.astype(x.dtype, copy=False), r.astype(x.dtype, copy=False)]


def _right_solve_upper(x: Tensor, r: Tensor) -> Tensor:
    """x @ inv(r)^H for upper-triangular r."""
    return adjoint(triangular_solve(r, adjoint(x), lower=False))


def _qr_grad_deep(q: Tensor, r: Tensor, dq: Tensor, dr: Tensor) -> Tensor:
    # The m >= n case (arXiv:2009.10071): grad = q (dr + copyltu(M) r^-H) + (dq - q q^H dq) r^-H.
    qdq = matmul(q, dq, adjoint_a=True)
    rdr = matmul(r, dr, adjoint_b=True)
    tril = band_part(math_ops.add(math_ops.subtract(qdq, adjoint(qdq)), math_ops.subtract(rdr, adjoint(rdr))), -1, 0)
    grad = math_ops.add(matmul(q, math_ops.add(dr, _right_solve_upper(tril, r))),
                        _right_solve_upper(math_ops.subtract(dq, matmul(q, qdq)), r))
    if q.dtype.is_complex:
        m = math_ops.subtract(rdr, adjoint(qdq))
        diagonal = diag_part(m)
        imaginary = math_ops.subtract(diagonal, math_ops.cast(math_ops.real(diagonal), q.dtype))
        correction = diag(imaginary)
        grad = math_ops.add(grad, _right_solve_upper(matmul(q, adjoint(correction)), r))
    return grad


def _qr_grad(ctx: Any, dy: list) -> tuple:
    dq, dr = dy
    q, r = ctx.output
    m, n = tuple(ctx.inputs[0].shape)[-2:]
    if ctx.attrs.get("full_matrices") and m > n:
        raise NotImplementedError("QrGrad not implemented when nrows > ncols and full_matrices is true. "
                                  f"Received r.shape={r.shape} with nrows={m}and ncols={n}.")
    if m >= n:
        return (_qr_grad_deep(q, r, dq, dr),)
    # Wide: a = [x | y], r = [u | v]; reduce to the square case for x.
    a = ctx.inputs[0]
    y = a[..., :, m:]
    u = r[..., :, :m]
    dv = dr[..., :, m:]
    du = dr[..., :, :m]
    dx = _qr_grad_deep(q, u, math_ops.add(dq, matmul(y, dv, adjoint_b=True)), du)
    from eagerflow._src.ops.join_split_ops import concat

    return (concat([dx, matmul(q, dv)], axis=-1),)


QR = Op("Qr", _qr, dtypes=SOLVER_DTYPES, grad=_qr_grad, num_outputs=2)


def qr(input: Any, full_matrices: bool = False, name: str | None = None) -> Qr:  # noqa: A002
    """QR decomposition of each matrix in the last two dims: `Qr(q, r)` (`tf.linalg.qr`)."""
    try:
        q, r = execute(QR, (conversion.tensor(input),), {"full_matrices": bool(full_matrices)})
    except errors.OpError as e:
        raise conversion.worded(e, input) from None
    return Qr(q, r)


# --- SVD ---------------------------------------------------------------------------------------
def _svd(xp: Any, x: Any, compute_uv: bool = True, full_matrices: bool = False) -> list:
    check_rank(x)
    work = widened(x)
    real = np.float16 if x.dtype == np.float16 else np.empty(0, x.dtype).real.dtype
    m, n = x.shape[-2:]
    if not compute_uv:
        s = xp.linalg.svd(work, compute_uv=False) if work.size else xp.zeros(x.shape[:-2] + (min(m, n),))
        return [s.astype(real, copy=False), xp.zeros((0,), x.dtype), xp.zeros((0,), x.dtype)]
    if work.size == 0:
        k = (m, n) if full_matrices else (min(m, n),) * 2
        eye_u = xp.broadcast_to(xp.eye(m, k[0], dtype=x.dtype), x.shape[:-2] + (m, k[0])).copy()
        eye_v = xp.broadcast_to(xp.eye(n, k[1], dtype=x.dtype), x.shape[:-2] + (n, k[1])).copy()
        return [xp.zeros(x.shape[:-2] + (min(m, n),), real), eye_u, eye_v]
    u, s, vh = xp.linalg.svd(work, full_matrices=full_matrices)
    v = xp.conj(xp.swapaxes(vh, -1, -2))
    return [s.astype(real, copy=False), u.astype(x.dtype, copy=False), v.astype(x.dtype, copy=False)]


def _svd_grad(ctx: Any, dy: list) -> tuple:
    a = ctx.inputs[0]
    ds = math_ops.cast(dy[0], a.dtype)
    if not ctx.attrs.get("compute_uv", True):
        _, u, v = execute(SVD, (a,), {"compute_uv": True})
        return (matmul(math_ops.multiply(u, array_ops.expand_dims(ds, -2)), v, adjoint_b=True),)
    du, dv = dy[1], dy[2]
    s, u, v = ctx.output
    m, n = tuple(a.shape)[-2:]
    if ctx.attrs.get("full_matrices") and abs(m - n) > 1:
        raise NotImplementedError("svd gradient is not implemented for abs(m - n) > 1 when full_matrices "
                                  f"is True. Received: m={m} and n={n}.")
    s = math_ops.cast(s, a.dtype)
    flipped = m > n  # differentiate a^H = v s u^H instead, and take the adjoint at the end
    if flipped:
        m, n, u, v, du, dv = n, m, v, u, dv, du
    v1, dv1 = v[..., :, :m], dv[..., :, :m]
    f = _pairwise_gaps(math_ops.multiply(s, s))
    s_mat = diag(s)
    fu = math_ops.multiply(f, matmul(u, du, adjoint_a=True))
    v_dv = matmul(v1, dv1, adjoint_a=True)
    fv = math_ops.multiply(f, v_dv)
    core = math_ops.add(math_ops.add(diag(ds), matmul(math_ops.add(fu, adjoint(fu)), s_mat)),
                        matmul(s_mat, math_ops.add(fv, adjoint(fv))))
    grad = matmul(u, matmul(core, v1, adjoint_b=True))
    s_inv = diag(_safe_reciprocal(s))
    if m != n:
        dv1h = adjoint(dv1)
        rest = math_ops.subtract(dv1h, matmul(matmul(dv1h, v1), v1, adjoint_b=True))
        if ctx.attrs.get("full_matrices"):
            rest = math_ops.subtract(rest, matmul(matmul(v1, dv[..., :, m:n], adjoint_a=True), v[..., :, m:n],
                                                  adjoint_b=True))
        grad = math_ops.add(grad, matmul(matmul(u, s_inv), rest))
    if a.dtype.is_complex:
        l = diag(diag_part(v_dv))
        term = matmul(s_inv, math_ops.subtract(adjoint(l), l))
        grad = math_ops.add(grad, math_ops.multiply(matmul(u, matmul(term, v1, adjoint_b=True)),
                                                    conversion.scalar_like(0.5, grad)))
    return (adjoint(grad) if flipped else grad,)


SVD = Op("Svd", _svd, dtypes=SOLVER_DTYPES, grad=_svd_grad, num_outputs=3)


def svd(tensor: Any, full_matrices: bool = False, compute_uv: bool = True, name: str | None = None) -> Any:
    """Singular values `s` (descending) and, with `compute_uv`, vectors: `(s, u, v)` with
    `a = u @ diag(s) @ adjoint(v)` (`tf.linalg.svd`; note TF's order and `v`, not `v^H`)."""
    try:
        s, u, v = execute(SVD, (conversion.tensor(tensor),),
                          {"compute_uv": bool(compute_uv), "full_matrices": bool(full_matrices)})
    except errors.OpError as e:
        raise conversion.worded(e, tensor) from None
    return (s, u, v) if compute_uv else s


# --- Hermitian eigendecomposition --------------------------------------------------------------
def _eigh(xp: Any, x: Any, compute_v: bool = True) -> list:
    check_square(x)
    work = widened(x)
    if work.size == 0:
        return [xp.zeros(x.shape[:-1], x.dtype), x.copy() if compute_v else xp.zeros((0,), x.dtype)]
    if not compute_v:
        return [xp.linalg.eigvalsh(work, UPLO="L").astype(x.dtype), xp.zeros((0,), x.dtype)]
    e, v = xp.linalg.eigh(work, UPLO="L")
    return [e.astype(x.dtype, copy=False), v.astype(x.dtype, copy=False)]


def _eigh_grad(ctx: Any, dy: list) -> tuple:
    de, dv = dy
    a = ctx.inputs[0]
    if ctx.attrs.get("compute_v", True):
        e, v = ctx.output
        inner = math_ops.add(diag(de), math_ops.multiply(_pairwise_gaps(e), matmul(v, dv, adjoint_a=True)))
    else:
        _, v = execute(SELF_ADJOINT_EIG, (a,), {"compute_v": True})
        inner = diag(de)
    grad = matmul(v, matmul(inner, v, adjoint_b=True))
    # The kernel reads the lower triangle only: fold the upper part onto it.
    grad = band_part(math_ops.add(grad, adjoint(grad)), -1, 0)
    return (set_diag(grad, math_ops.multiply(diag_part(grad), conversion.scalar_like(0.5, grad))),)


SELF_ADJOINT_EIG = Op("SelfAdjointEigV2", _eigh, dtypes=SOLVER_DTYPES, grad=_eigh_grad, num_outputs=2)


def eigh(tensor: Any, name: str | None = None) -> tuple:
    """Eigenvalues (ascending) and eigenvectors of each Hermitian matrix, reading its lower
    triangle (`tf.linalg.eigh`)."""
    try:
        e, v = execute(SELF_ADJOINT_EIG, (conversion.tensor(tensor),), {"compute_v": True})
    except errors.OpError as e:
        raise conversion.worded(e, tensor) from None
    return e, v


def eigvalsh(tensor: Any, name: str | None = None) -> Tensor:
    """Eigenvalues (ascending) of each Hermitian matrix (`tf.linalg.eigvalsh`)."""
    try:
        return execute(SELF_ADJOINT_EIG, (conversion.tensor(tensor),), {"compute_v": False})[0]
    except errors.OpError as e:
        raise conversion.worded(e, tensor) from None


# --- general eigendecomposition ----------------------------------------------------------------
def _eig(xp: Any, x: Any, compute_v: bool = True, Tout: Any = np.complex64) -> list:
    check_square(x)
    if x.size == 0:
        return [xp.zeros(x.shape[:-1], Tout), xp.zeros(x.shape, Tout)]
    e, v = xp.linalg.eig(x)
    return [e.astype(Tout), v.astype(Tout) if compute_v else xp.zeros((0,), Tout)]


def _eig_grad(ctx: Any, dy: list) -> tuple:
    de, dv = dy
    a = ctx.inputs[0]
    if ctx.attrs.get("compute_v", True):
        e, v = ctx.output
        vh = adjoint(v)
        f = math_ops.conj(_pairwise_gaps(e))
        vh_dv = matmul(vh, dv)
        real_diag = diag(math_ops.cast(math_ops.real(diag_part(vh_dv)), vh_dv.dtype))
        inner = math_ops.add(diag(de), math_ops.multiply(f, math_ops.subtract(vh_dv, matmul(matmul(vh, v), real_diag))))
    else:
        _, v = execute(EIG, (a,), dict(ctx.attrs, compute_v=True))
        vh = adjoint(v)
        inner = diag(de)
    return (math_ops.cast(solve(vh, matmul(inner, vh)), a.dtype),)


EIG = Op("Eig", _eig, dtypes=_EIG_DTYPES, grad=_eig_grad, num_outputs=2)


def _complex_for(x: Tensor) -> Any:
    return np.complex128 if x.dtype in (_dtypes.float64, _dtypes.complex128) else np.complex64


def eig(tensor: Any, name: str | None = None) -> tuple:
    """Eigenvalues and eigenvectors of each square matrix, as complex tensors (`tf.linalg.eig`)."""
    x = conversion.tensor(tensor)
    try:
        e, v = execute(EIG, (x,), {"compute_v": True, "Tout": _complex_for(x)})
    except errors.OpError as e:
        raise conversion.worded(e, tensor) from None
    return e, v


def eigvals(tensor: Any, name: str | None = None) -> Tensor:
    """Eigenvalues of each square matrix, as a complex tensor (`tf.linalg.eigvals`)."""
    x = conversion.tensor(tensor)
    try:
        return execute(EIG, (x,), {"compute_v": False, "Tout": _complex_for(x)})[0]
    except errors.OpError as e:
        raise conversion.worded(e, tensor) from None


# --- LU ----------------------------------------------------------------------------------------
def _lu(xp: Any, x: Any, output_idx_type: Any = np.int32) -> list:
    check_square(x)
    from scipy.linalg import lu_factor

    n = x.shape[-1]
    host = np.asarray(x.get() if hasattr(x, "get") else x)
    flat = widened(host).reshape((-1, n, n))
    lus, perms = [], []
    for m in flat:
        if n and not np.all(np.isfinite(m)):
            raise invalid("Input is not invertible.")
        with warnings.catch_warnings():  # a singular matrix is reported below, in TF's words
            warnings.simplefilter("ignore")
            lu, piv = lu_factor(m, check_finite=False) if n else (m.copy(), np.zeros(0, np.int32))
        if n and np.any(np.diagonal(lu) == 0):
            raise invalid("Input is not invertible.")
        perm = np.arange(n)
        for i, p in enumerate(piv):  # LAPACK's row swaps, applied in order, as a permutation
            perm[[i, p]] = perm[[p, i]]
        lus.append(lu)
        perms.append(perm)
    lu = np.stack(lus).reshape(x.shape).astype(x.dtype) if lus else host.copy()
    perm = np.stack(perms).reshape(x.shape[:-1]) if perms else np.zeros(x.shape[:-1])
    return [xp.asarray(lu), xp.asarray(perm.astype(output_idx_type))]


LU = Op("Lu", _lu, dtypes=SOLVER_DTYPES, num_outputs=2)


def lu(input: Any, output_idx_type: Any = _dtypes.int32, name: str | None = None) -> Lu:  # noqa: A002
    """LU decomposition with partial pivoting: `Lu(lu, p)`, `L` unit lower and `U` upper packed in
    `lu`, and `p` the row permutation (`tf.linalg.lu`).

    Raises:
      InvalidArgumentError: "Input is not invertible." for a singular matrix.
    """
    idx = _dtypes.as_dtype(output_idx_type)
    try:
        out, p = execute(LU, (conversion.tensor(input),), {"output_idx_type": idx.as_numpy_dtype})
    except errors.OpError as e:
        raise conversion.worded(e, input) from None
    return Lu(out, p)


# --- triangular solve --------------------------------------------------------------------------
def _substitute(xp: Any, a: Any, b: Any, lower: bool) -> Any:
    """Forward (lower) or back substitution, row by row, batched."""
    n = a.shape[-1]
    x = xp.zeros(b.shape, b.dtype)
    rows = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in rows:
            done = slice(0, i) if lower else slice(i + 1, n)
            partial = xp.einsum("...j,...jk->...k", a[..., i, done], x[..., done, :])
            x[..., i, :] = (b[..., i, :] - partial) / a[..., i, i][..., None]
    return x


def _triangular_solve(xp: Any, matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False) -> Any:
    check_rank(matrix)
    check_rank(rhs, 1)
    if matrix.shape[-1] != matrix.shape[-2]:
        raise invalid("Input matrix must be square.")
    if matrix.shape[-1] != rhs.shape[-2]:
        raise invalid(f"In[0] mismatch In[1] shape: {matrix.shape[-1]} vs. {rhs.shape[-2]}: "
                      f"[{','.join(map(str, matrix.shape))}] [{','.join(map(str, rhs.shape))}] "
                      f"{int(lower)} {int(adjoint)}")
    try:
        batch = np.broadcast_shapes(matrix.shape[:-2], rhs.shape[:-2])
    except ValueError:
        raise invalid(f"Incompatible shapes: [{','.join(map(str, matrix.shape))}] vs. "
                      f"[{','.join(map(str, rhs.shape))}]") from None
    a = xp.tril(matrix) if lower else xp.triu(matrix)
    if adjoint:
        a = xp.conj(xp.swapaxes(a, -1, -2))
    a = xp.broadcast_to(widened(a), batch + matrix.shape[-2:])
    b = xp.broadcast_to(widened(rhs), batch + rhs.shape[-2:])
    if a.size == 0 or b.size == 0:
        return xp.zeros(batch + rhs.shape[-2:], rhs.dtype)
    try:
        out = xp.linalg.solve(a, b)
        if xp is not np and not bool(xp.all(xp.isfinite(out))):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        # A zero on the diagonal: TF's substitution runs on and gives inf/nan; so does this one.
        out = _substitute(xp, a, b, lower != adjoint)
    return out.astype(rhs.dtype, copy=False)


def _triangular_solve_grad(ctx: Any, dy: Tensor) -> tuple:
    a = ctx.inputs[0]
    c = ctx.output
    lower, adj = bool(ctx.attrs.get("lower", True)), bool(ctx.attrs.get("adjoint"))
    grad_b = triangular_solve(a, dy, lower=lower, adjoint=not adj)
    if not ctx.needs[0]:
        return None, grad_b
    grad_a = math_ops.negative(matmul(c, grad_b, adjoint_b=True) if adj else matmul(grad_b, c, adjoint_b=True))
    grad_a = band_part(grad_a, -1, 0) if lower else band_part(grad_a, 0, -1)
    return grad_a, grad_b


TRIANGULAR_SOLVE = Op("MatrixTriangularSolve", _triangular_solve, dtypes=SOLVER_DTYPES + (_dtypes.bfloat16,),
                      grad=_triangular_solve_grad)


def triangular_solve(matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False,
                     name: str | None = None) -> Tensor:
    """X with `matrix @ X = rhs` for triangular `matrix` (its other triangle ignored), batch dims
    broadcast (`tf.linalg.triangular_solve`)."""
    try:
        return execute(TRIANGULAR_SOLVE, conversion.binary(TRIANGULAR_SOLVE, matrix, rhs),
                       {"lower": bool(lower), "adjoint": bool(adjoint)})
    except errors.OpError as e:
        raise conversion.worded(e, matrix, rhs) from None


# --- log-determinant ---------------------------------------------------------------------------
def _slogdet(xp: Any, x: Any) -> list:
    check_square(x)
    sign, logdet = xp.linalg.slogdet(widened(x))
    return [sign.astype(x.dtype), logdet.astype(x.dtype)]


def _slogdet_grad(ctx: Any, dy: list) -> tuple:
    a = ctx.inputs[0]
    from eagerflow._src.ops.linalg_ops import inv

    multipliers = array_ops.expand_dims(array_ops.expand_dims(dy[1], -1), -1)
    return (math_ops.multiply(multipliers, inv(a, adjoint=True)),)


LOG_MATRIX_DETERMINANT = Op("LogMatrixDeterminant", _slogdet, dtypes=SOLVER_DTYPES, grad=_slogdet_grad,
                            num_outputs=2)


def slogdet(input: Any, name: str | None = None) -> LogMatrixDeterminant:  # noqa: A002
    """`(sign, log|det|)` of each square matrix, stable where det over/underflows (`tf.linalg.slogdet`)."""
    try:
        sign, value = execute(LOG_MATRIX_DETERMINANT, (conversion.tensor(input),))
    except errors.OpError as e:
        raise conversion.worded(e, input) from None
    return LogMatrixDeterminant(sign, value)


def logdet(matrix: Any, name: str | None = None) -> Tensor:
    """log(det(matrix)) of Hermitian positive-definite matrices, via Cholesky (`tf.linalg.logdet`)."""
    chol = cholesky(matrix)
    diagonal = diag_part(chol)
    log_diag = math_ops.log(math_ops.real(diagonal)) if chol.dtype.is_complex else math_ops.log(diagonal)
    from eagerflow._src.ops import reduce_ops

    total = math_ops.multiply(reduce_ops.reduce_sum(log_diag, axis=-1), conversion.scalar_like(2.0, log_diag))
    return math_ops.cast(total, chol.dtype)


# --- matrix functions: expm, logm, sqrtm -------------------------------------------------------
def _expm(xp: Any, x: Any) -> Any:
    check_square(x)
    from scipy.linalg import expm as scipy_expm

    if x.size == 0:
        return x.copy()
    return per_matrix(xp, scipy_expm, widened(x)).astype(x.dtype, copy=False)


def _expm_grad(ctx: Any, dy: Tensor) -> tuple:
    # d expm(A)^H[G] is the upper-right block of expm([[A^H, G], [0, A^H]]).
    from eagerflow._src.ops.join_split_ops import concat

    a_h = adjoint(ctx.inputs[0])
    n = a_h._array.shape[-1] if a_h._array.shape is not None else None
    zeros = math_ops.zeros_like_same(a_h)
    block = concat([concat([a_h, dy], axis=-1), concat([zeros, a_h], axis=-1)], axis=-2)
    if n is None:  # traced: the block split where the run-time size says
        from eagerflow._src.ops.join_split_ops import SPLIT_LIKE

        top = execute(SPLIT_LIKE, (execute(MATRIX_EXPONENTIAL, (block,)), a_h, a_h), {"axis": -2})[0]
        return (execute(SPLIT_LIKE, (top, a_h, a_h), {"axis": -1})[1],)
    return (execute(MATRIX_EXPONENTIAL, (block,))[..., :n, n:],)


MATRIX_EXPONENTIAL = Op("MatrixExponential", _expm, dtypes=SOLVER_DTYPES, grad=_expm_grad,
                        shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, inputs[0]._array.shape)])


def expm(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The matrix exponential of each square matrix (`tf.linalg.expm`)."""
    return conversion.run_unary(MATRIX_EXPONENTIAL, input)


def _logm(xp: Any, x: Any) -> Any:
    check_square(x)
    from scipy.linalg import logm as scipy_logm

    if x.size == 0:
        return x.copy()
    with warnings.catch_warnings():  # SciPy warns of its error estimate; TF reports nothing
        warnings.simplefilter("ignore", RuntimeWarning)
        return per_matrix(xp, scipy_logm, x).astype(x.dtype, copy=False)


MATRIX_LOGARITHM = Op("MatrixLogarithm", _logm, dtypes=COMPLEX)


def logm(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The principal matrix logarithm of each complex square matrix (`tf.linalg.logm`; TF has no
    real kernel and no gradient)."""
    return conversion.run_unary(MATRIX_LOGARITHM, input)


def _sqrtm(xp: Any, x: Any) -> Any:
    check_square(x)
    from scipy.linalg import sqrtm as scipy_sqrtm

    if x.size == 0:
        return x.copy()

    def one(m: Any) -> Any:
        root = scipy_sqrtm(m)
        if m.dtype.kind != "c" and np.iscomplexobj(root):
            # A real matrix without a real square root: TF's real kernel gives NaN.
            return np.where(np.abs(root.imag) > 1e-7 * max(1.0, np.abs(root).max()), np.nan, root.real)
        return root
    return per_matrix(xp, one, widened(x)).astype(x.dtype, copy=False)


def _sqrtm_grad(ctx: Any, dy: Tensor) -> tuple:
    # R = sqrtm(A), so dA = R dR + dR R: solve the Sylvester equation R^H X + X R^H = G for X
    # as one linear system over vec(X) (a Kronecker sum, built with einsum).
    from eagerflow._src.ops.linalg_ops import einsum

    r = ctx.output
    if r._array.shape is None or None in r._array.shape:  # traced: sizes known when the graph runs
        from eagerflow._src.ops.join_split_ops import concat, stack

        eye, r_conj = _eye_like(r), math_ops.conj(r)
        big = math_ops.add(einsum("...ki,...jl->...ijkl", r_conj, eye), einsum("...ik,...jl->...ijkl", eye, r_conj))
        dims = array_ops.shape(r, out_type=_dtypes.int32)
        nn = math_ops.multiply(dims[-1], dims[-1])
        big = array_ops.reshape(big, concat([dims[:-2], stack([nn, nn])], 0))
        vec = array_ops.reshape(dy, concat([dims[:-2], stack([nn, conversion.tensor(1, _dtypes.int32)])], 0))
        return (array_ops.reshape(solve(big, vec), dims),)
    shape = tuple(r.shape)
    n = shape[-1]
    eye = array_ops.eye(n, dtype=r.dtype)
    r_conj = math_ops.conj(r)
    big = math_ops.add(einsum("...ki,jl->...ijkl", r_conj, eye), einsum("ik,...jl->...ijkl", eye, r_conj))
    big = array_ops.reshape(big, shape[:-2] + (n * n, n * n))
    vec = array_ops.reshape(dy, shape[:-2] + (n * n, 1))
    return (array_ops.reshape(solve(big, vec), shape),)


MATRIX_SQUARE_ROOT = Op("MatrixSquareRoot", _sqrtm, dtypes=SOLVER_DTYPES, grad=_sqrtm_grad)


def sqrtm(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The principal square root of each square matrix (`tf.linalg.sqrtm`)."""
    return conversion.run_unary(MATRIX_SQUARE_ROOT, input)
