"""Specs for matrix products and linear algebra (`tf.linalg`, `tf.einsum`, `tf.norm`)."""
import numpy as np

from eagerflow._src.ops import linalg_ops, linalg_structure_ops
from tests.ops.specs import OpSpec

FLOATS = ("float32", "float64")
SOLVER = ("float32", "float64", "complex128")


def _sample(rng, shape, dt):
    dt = np.dtype(dt)
    if dt.kind in "iu":
        return rng.integers(-3, 4, size=shape).astype(dt)
    x = rng.uniform(-2.0, 2.0, size=shape)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-2.0, 2.0, size=shape)
    return x.astype(dt)


def arrays(*shapes):
    def make(rng, dt):
        return tuple(_sample(rng, s, dt) for s in shapes)
    return make


def well_conditioned(n=3, batch=(), rhs=None):
    """Diagonally dominant matrices (condition number near 1), with an optional right-hand side."""
    def make(rng, dt):
        a = _sample(rng, batch + (n, n), dt) + (3 * n * np.eye(n)).astype(dt)
        return (a,) if rhs is None else (a, _sample(rng, batch + (n, rhs), dt))
    return make


def away_from_zero(shape):
    def make(rng, dt):
        return ((rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)).astype(dt),)
    return make


def _np_norm(x, ord="euclidean", axis=None, keepdims=False):
    if ord in ("euclidean", "fro"):
        ord = None if axis is None or np.ndim(axis) == 0 else "fro"
    if axis is None:
        x = x.ravel()
        return np.asarray(np.linalg.norm(x, ord=ord)).astype(x.dtype)
    axis = tuple(axis) if isinstance(axis, list) else axis
    return np.asarray(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)).astype(x.dtype)


def _np_clip_by_norm(t, clip_norm, axes=None):
    axes = tuple(axes) if isinstance(axes, list) else axes
    norm = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
    return (t * clip_norm / np.maximum(norm, clip_norm)).astype(t.dtype)


SPECS = [
    OpSpec("matmul", linalg_ops.matmul, np.matmul, arrays((2, 3), (3, 4)),
           FLOATS + ("int32", "complex64"), differentiable=True, grad_args=(0, 1)),
    OpSpec("matmul_transpose_a", linalg_ops.matmul, lambda a, b, **k: np.swapaxes(a, -1, -2) @ b,
           arrays((3, 2), (3, 4)), FLOATS, kwargs={"transpose_a": True}, differentiable=True, grad_args=(0, 1)),
    OpSpec("matmul_transpose_b", linalg_ops.matmul, lambda a, b, **k: a @ np.swapaxes(b, -1, -2),
           arrays((2, 3), (4, 3)), FLOATS, kwargs={"transpose_b": True}, differentiable=True, grad_args=(0, 1)),
    OpSpec("matmul_adjoint_both", linalg_ops.matmul,
           lambda a, b, **k: np.conj(np.swapaxes(a, -1, -2)) @ np.conj(np.swapaxes(b, -1, -2)),
           arrays((3, 2), (4, 3)), FLOATS + ("complex128",), kwargs={"adjoint_a": True, "adjoint_b": True},
           differentiable=True, grad_args=(0, 1)),
    OpSpec("matmul_batch_broadcast", linalg_ops.matmul, np.matmul, arrays((2, 1, 2, 3), (4, 3, 2)),
           FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("einsum_matmul", lambda a, b: linalg_ops.einsum("ij,jk->ik", a, b),
           lambda a, b: np.einsum("ij,jk->ik", a, b), arrays((2, 3), (3, 4)),
           FLOATS + ("int32", "float16"), differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("einsum_ellipsis", lambda a, b: linalg_ops.einsum("...ij,...jk->...ik", a, b),
           lambda a, b: np.einsum("...ij,...jk->...ik", a, b), arrays((5, 2, 3), (3, 4)),
           FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("einsum_trace", lambda a: linalg_ops.einsum("ii->", a), lambda a: np.einsum("ii->", a),
           arrays((3, 3)), FLOATS + ("int64",), differentiable=True),
    OpSpec("einsum_diagonal", lambda a: linalg_ops.einsum("ii->i", a), lambda a: np.einsum("ii->i", a),
           arrays((3, 3)), FLOATS, differentiable=True),
    OpSpec("einsum_implicit_outer", lambda a, b: linalg_ops.einsum("i,j", a, b),
           lambda a, b: np.einsum("i,j", a, b), arrays((2,), (3,)), FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("einsum_three_operands", lambda a, b, c: linalg_ops.einsum("i,ij,jk->k", a, b, c),
           lambda a, b, c: np.einsum("i,ij,jk->k", a, b, c), arrays((2,), (2, 3), (3, 4)),
           FLOATS, differentiable=True, grad_args=(0, 1, 2), rtol=1e-4),
    OpSpec("einsum_sum_unshared_label", lambda a, b: linalg_ops.einsum("ij,k->i", a, b),
           lambda a, b: np.einsum("ij,k->i", a, b), arrays((2, 3), (4,)), FLOATS,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("tensordot_int", lambda a, b: linalg_ops.tensordot(a, b, 1), lambda a, b: np.tensordot(a, b, 1),
           arrays((2, 3), (3, 4)), FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("tensordot_pairs", lambda a, b: linalg_ops.tensordot(a, b, [[0, 2], [1, 0]]),
           lambda a, b: np.tensordot(a, b, [[0, 2], [1, 0]]), arrays((2, 3, 4), (4, 2, 5)),
           FLOATS, differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("norm_euclidean", linalg_ops.norm, _np_norm, arrays((3, 4)), FLOATS, differentiable=True),
    OpSpec("norm_axis_keepdims", linalg_ops.norm, _np_norm, arrays((3, 4)), FLOATS,
           kwargs={"axis": 1, "keepdims": True}, differentiable=True),
    OpSpec("norm_ord1_vector", linalg_ops.norm, _np_norm, away_from_zero((3, 4)), FLOATS,
           kwargs={"ord": 1, "axis": -1}, differentiable=True),
    OpSpec("norm_inf_vector", linalg_ops.norm, _np_norm, arrays((3, 4)), FLOATS,
           kwargs={"ord": np.inf, "axis": 0}, differentiable=True),
    OpSpec("norm_p3", linalg_ops.norm, _np_norm, away_from_zero((3, 4)), FLOATS,
           kwargs={"ord": 3, "axis": 1}, differentiable=True, rtol=1e-4),
    OpSpec("norm_fro_matrix", linalg_ops.norm, _np_norm, arrays((2, 3, 4)), FLOATS,
           kwargs={"ord": "fro", "axis": (1, 2)}, differentiable=True),
    OpSpec("norm_ord1_matrix", linalg_ops.norm, _np_norm, arrays((3, 4)), FLOATS,
           kwargs={"ord": 1, "axis": [0, 1]}),
    OpSpec("norm_inf_matrix", linalg_ops.norm, _np_norm, arrays((3, 4)), FLOATS,
           kwargs={"ord": np.inf, "axis": [0, 1]}),
    OpSpec("norm_spectral", linalg_ops.norm, _np_norm, arrays((2, 3, 4)), FLOATS,
           kwargs={"ord": 2, "axis": (1, 2)}, rtol=1e-4),  # first order only: tests/ops/test_linalg_ops.py
    OpSpec("inv", linalg_ops.inv, np.linalg.inv, well_conditioned(), SOLVER, differentiable=True, rtol=1e-4),
    OpSpec("inv_adjoint_batch", linalg_ops.inv, lambda a, **k: np.linalg.inv(np.conj(np.swapaxes(a, -1, -2))),
           well_conditioned(batch=(2,)), SOLVER, kwargs={"adjoint": True}, differentiable=True, rtol=1e-4),
    OpSpec("det", linalg_ops.det, np.linalg.det, well_conditioned(batch=(2,)), SOLVER,
           differentiable=True, rtol=1e-4),
    OpSpec("solve", linalg_ops.solve, np.linalg.solve, well_conditioned(rhs=2), SOLVER,
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("solve_adjoint", linalg_ops.solve,
           lambda a, b, **k: np.linalg.solve(np.conj(np.swapaxes(a, -1, -2)), b),
           well_conditioned(batch=(2,), rhs=1), FLOATS, kwargs={"adjoint": True},
           differentiable=True, grad_args=(0, 1), rtol=1e-4),
    OpSpec("matvec", linalg_ops.matvec, lambda a, b: a @ b, arrays((2, 3, 4), (4,)),
           FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("trace", linalg_structure_ops.trace, lambda x: np.trace(x, axis1=-2, axis2=-1).astype(x.dtype),
           arrays((2, 3, 3)), FLOATS + ("int32",), differentiable=True),
    OpSpec("diag_part", linalg_structure_ops.diag_part, lambda x: np.diagonal(x, axis1=-2, axis2=-1),
           arrays((2, 3, 4)), FLOATS + ("int64",), differentiable=True),
    OpSpec("diag", linalg_structure_ops.diag, lambda d: d[..., None] * np.eye(d.shape[-1], dtype=d.dtype),
           arrays((2, 3)), FLOATS + ("int32",), differentiable=True),
    OpSpec("clip_by_norm", linalg_ops.clip_by_norm, _np_clip_by_norm,
           lambda rng, dt: (_sample(rng, (3, 4), dt), 1.0), FLOATS, differentiable=True),
    OpSpec("clip_by_norm_axes", linalg_ops.clip_by_norm, _np_clip_by_norm,
           lambda rng, dt: (_sample(rng, (3, 4), dt), 1.5, [1]), FLOATS, differentiable=True),
]
