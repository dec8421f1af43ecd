"""Specs for decompositions, matrix functions, solvers and matrix structure (`tf.linalg`)."""
import numpy as np

from eagerflow._src.ops import linalg_decompositions as dec
from eagerflow._src.ops import linalg_solvers as sol
from eagerflow._src.ops import linalg_structure_ops as st
from tests.ops.specs import OpSpec
from tests.ops.specs.linalg_specs import _sample, arrays, well_conditioned

FLOATS = ("float32", "float64")
SOLVER = ("float32", "float64", "complex128")


def _adj(x):
    return np.conj(np.swapaxes(x, -1, -2))


def spd(n=3, batch=()):
    """Hermitian positive-definite matrices with distinct eigenvalues."""
    def make(rng, dt):
        a = _sample(rng, batch + (n, n), dt)
        return ((a @ _adj(a) + np.diag(np.arange(1, n + 1) * 2.0)).astype(dt),)
    return make


def separated_eigenvalues(n=3):
    """A non-symmetric matrix with well separated real eigenvalues."""
    def make(rng, dt):
        t = np.triu(rng.uniform(-0.5, 0.5, size=(n, n))) + np.diag(np.arange(1.0, n + 1) * 2)
        p = np.eye(n) + 0.2 * rng.uniform(-1, 1, size=(n, n))
        return ((p @ t @ np.linalg.inv(p)).astype(dt),)
    return make


def triangular(lower=True, batch=(), rhs=2):
    def make(rng, dt):
        a, b = well_conditioned(3, batch, rhs)(rng, dt)
        return ((np.tril(a) if lower else np.triu(a)), b)
    return make


def _sym(x):
    return (x + _adj(x)) / 2


def _sym_t(x):
    return (x + st.adjoint(x)) / 2


def _np_triangular(a, b, lower=True, adjoint=False):
    a = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(_adj(a) if adjoint else a, b)


def _np_svd(a, full_matrices=False, compute_uv=True):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return (s, u, _adj(vh)) if compute_uv else s


def _np_band(x, lower, upper):
    rows, cols = np.indices(x.shape[-2:])
    keep = ((lower < 0) | (rows - cols <= lower)) & ((upper < 0) | (cols - rows <= upper))
    return np.where(keep, x, 0).astype(x.dtype)


def _np_set_diag(x, d):
    out = x.copy()
    i = np.arange(d.shape[-1])
    out[..., i, i] = d
    return out


def _np_expm(a):
    from scipy.linalg import expm

    return np.stack([expm(m) for m in a.reshape((-1,) + a.shape[-2:])]).reshape(a.shape)


def _np_sqrtm(a):
    e, v = np.linalg.eigh(a)
    return (v * np.sqrt(e)[..., None, :]) @ _adj(v)


def _lu_solve_args(rng, dt):
    a, b = well_conditioned(3, (2,), 2)(rng, dt)
    from scipy.linalg import lu_factor

    lus, perms = [], []
    for m in a:
        lu, piv = lu_factor(m)
        perm = np.arange(3)
        for i, p in enumerate(piv):
            perm[[i, p]] = perm[[p, i]]
        lus.append(lu)
        perms.append(perm.astype(np.int32))
    return np.stack(lus).astype(dt), np.stack(perms), b, a


def _lu_solve(lu, perm, b, a):
    return sol.lu_solve(lu, perm, b)


def _np_lu_solve(lu, perm, b, a):
    return np.linalg.solve(a, b)


def _tridiagonal_args(rng, dt):
    d = rng.uniform(-1, 1, size=(2, 3, 4)).astype(dt)
    d[:, 1] += 4.0
    return d, rng.uniform(-1, 1, size=(2, 4, 2)).astype(dt)


def _np_tridiagonal_dense(d):
    m = d.shape[-1]
    i = np.arange(m)
    dense = np.zeros(d.shape[:-2] + (m, m), d.dtype)
    dense[..., i, i] = d[..., 1, :]
    dense[..., i[:-1], i[1:]] = d[..., 0, :-1]
    dense[..., i[1:], i[:-1]] = d[..., 2, 1:]
    return dense


SPECS = [
    OpSpec("cholesky", lambda a: dec.cholesky(_sym_t(a)), lambda a: np.linalg.cholesky(_sym(a)),
           spd(3, (2,)), SOLVER, differentiable=True, rtol=1e-4),
    OpSpec("qr_deep", lambda a: list(dec.qr(a)), lambda a: list(np.linalg.qr(a)), arrays((2, 4, 3)),
           SOLVER, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("qr_square", lambda a: list(dec.qr(a)), lambda a: list(np.linalg.qr(a)), well_conditioned(3),
           FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("qr_wide", lambda a: list(dec.qr(a)), lambda a: list(np.linalg.qr(a)), arrays((3, 5)),
           FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("qr_full", lambda a: list(dec.qr(a, full_matrices=True)),
           lambda a: list(np.linalg.qr(a, mode="complete")), arrays((4, 3)), FLOATS, rtol=1e-4, atol=1e-5),
    OpSpec("svd", lambda a: list(dec.svd(a)), _np_svd, arrays((2, 4, 3)), FLOATS + ("complex128",),
           differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("svd_wide", lambda a: list(dec.svd(a)), _np_svd, arrays((3, 5)), FLOATS,
           differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("svd_values", lambda a: dec.svd(a, compute_uv=False), lambda a: _np_svd(a, compute_uv=False),
           arrays((2, 3, 4)), FLOATS, differentiable=True, rtol=1e-4),
    OpSpec("eigh", lambda a: list(dec.eigh(a)), lambda a: [np.linalg.eigvalsh(a).astype(a.dtype), np.linalg.eigh(a)[1]], spd(3, (2,)),
           SOLVER, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("eigvalsh", dec.eigvalsh, lambda a: np.linalg.eigvalsh(a).astype(a.dtype), spd(3), SOLVER, differentiable=True, rtol=1e-4),
    OpSpec("eig", lambda a: list(dec.eig(a)), lambda a: [x.astype(np.complex128) for x in np.linalg.eig(a)],
           separated_eigenvalues(), ("float64",), differentiable=True, rtol=1e-4, atol=1e-6),
    OpSpec("eigvals", dec.eigvals, lambda a: np.linalg.eigvals(a).astype(np.complex128),
           separated_eigenvalues(), ("float64",), differentiable=True, rtol=1e-4),
    OpSpec("triangular_solve_lower", dec.triangular_solve, _np_triangular, triangular(True, (2,)), SOLVER,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("triangular_solve_upper_adjoint", dec.triangular_solve, _np_triangular, triangular(False), SOLVER,
           kwargs={"lower": False, "adjoint": True}, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("triangular_solve_broadcast", dec.triangular_solve, _np_triangular,
           lambda rng, dt: (triangular(True)(rng, dt)[0], _sample(rng, (2, 3, 2), dt)), FLOATS,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("slogdet", lambda a: list(dec.slogdet(a)), lambda a: list(np.linalg.slogdet(a)),
           well_conditioned(3, (2,)), FLOATS, differentiable=True, rtol=1e-4),
    OpSpec("logdet", dec.logdet, lambda a: np.linalg.slogdet(a)[1], spd(3, (2,)), FLOATS, rtol=1e-4),
    OpSpec("expm", dec.expm, _np_expm, lambda rng, dt: (0.5 * _sample(rng, (2, 3, 3), dt),), SOLVER,
           differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("sqrtm", dec.sqrtm, _np_sqrtm, spd(3), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("cholesky_solve", lambda a, b: sol.cholesky_solve(dec.cholesky(a), b), np.linalg.solve,
           lambda rng, dt: spd(3)(rng, dt) + (_sample(rng, (3, 2), dt),), FLOATS, rtol=1e-4),
    OpSpec("lu_solve", _lu_solve, _np_lu_solve, _lu_solve_args, FLOATS, rtol=1e-4),
    OpSpec("lstsq", sol.lstsq, lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], arrays((5, 3), (5, 2)),
           ("float64",), differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("pinv", sol.pinv, np.linalg.pinv, arrays((2, 4, 3)), FLOATS, differentiable=True, rtol=1e-4, atol=1e-5),
    OpSpec("tridiagonal_solve", sol.tridiagonal_solve, lambda d, b: np.linalg.solve(_np_tridiagonal_dense(d), b),
           _tridiagonal_args, FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("tridiagonal_matmul", sol.tridiagonal_matmul, lambda d, b: _np_tridiagonal_dense(d) @ b,
           _tridiagonal_args, FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("band_part", st.band_part, _np_band, lambda rng, dt: (_sample(rng, (2, 4, 5), dt), 1, 2),
           FLOATS + ("int32", "complex64"), differentiable=True),
    OpSpec("band_part_lower_all", st.band_part, _np_band, lambda rng, dt: (_sample(rng, (4, 3), dt), -1, 0),
           FLOATS, differentiable=True),
    OpSpec("set_diag", st.set_diag, _np_set_diag, arrays((2, 3, 4), (2, 3)), FLOATS + ("int64",),
           differentiable=True, grad_args=(0, 1)),
    OpSpec("diag_part_band", lambda x: st.diag_part(x, k=(-1, 1)),
           lambda x: np.stack([np.pad(np.diagonal(x, 1, -2, -1), [(0, 0), (1, 0)]),
                               np.diagonal(x, 0, -2, -1), np.pad(np.diagonal(x, -1, -2, -1), [(0, 0), (0, 1)])], -2),
           arrays((2, 3, 3)), FLOATS, differentiable=True),
    OpSpec("matrix_transpose", st.matrix_transpose, lambda x: np.swapaxes(x, -1, -2), arrays((2, 3, 4)),
           FLOATS + ("int32",), differentiable=True),
    OpSpec("adjoint", st.adjoint, _adj, arrays((2, 3, 4)), FLOATS + ("complex64",), differentiable=True),
    OpSpec("cross", st.cross, np.cross, arrays((2, 3), (2, 3)), FLOATS + ("int32",), differentiable=True,
           grad_args=(0, 1)),
    OpSpec("tensor_diag", st.tensor_diag, lambda d: np.diag(d.ravel()).reshape(d.shape * 2), arrays((2, 3)),
           FLOATS + ("int32",), differentiable=True),
    OpSpec("tensor_diag_part", st.tensor_diag_part,
           lambda x: np.diagonal(x.reshape(6, 6)).reshape(2, 3), arrays((2, 3, 2, 3)), FLOATS, differentiable=True),
    OpSpec("l2_normalize", lambda x: st.l2_normalize(x, axis=-1),
           lambda x: x / np.sqrt(np.sum(x * x, -1, keepdims=True)), arrays((3, 4)), FLOATS, differentiable=True),
    OpSpec("global_norm", lambda a, b: st.global_norm([a, b]),
           lambda a, b: np.sqrt(np.sum(a * a) + np.sum(b * b)), arrays((3, 4), (2,)), FLOATS,
           differentiable=True, grad_args=(0, 1)),
]
