"""Specs for ops on RaggedTensor and SparseTensor values: the composite is built inside `fn` from
its dense components, so the table's NumPy comparison, gradient checks and GPU run reach the
values through to_tensor, reductions, SparseToDense and SparseTensorDenseMatMul."""
import numpy as np

import eagerflow as tf
from tests.ops.specs import OpSpec

SOME = ("float32", "float64", "int32", "int64")
FLOATS = ("float32", "float64")
LENGTHS = [2, 0, 3, 1]  # rows of the ragged values (6 in all)
INDICES = [[0, 1], [1, 0], [1, 2], [2, 2]]  # a 3x3 sparse matrix, row-major


def sample(*shapes):
    def make(rng, dt):
        dt = np.dtype(dt)
        if dt.kind in "iu":
            return tuple(rng.integers(-5, 6, size=s).astype(dt) for s in shapes)
        return tuple(rng.uniform(-2, 2, size=s).astype(dt) for s in shapes)
    return make


def _rows(v):
    starts = np.cumsum([0] + LENGTHS)
    return [v[starts[i]:starts[i + 1]] for i in range(len(LENGTHS))]


def _padded(v, fill):
    out = np.full((len(LENGTHS), max(LENGTHS)), fill, dtype=v.dtype)
    for i, row in enumerate(_rows(v)):
        out[i, :len(row)] = row
    return out


def _ragged(v):
    return tf.RaggedTensor.from_row_lengths(v, LENGTHS)


def _dense(values):
    out = np.zeros((3, 3), values.dtype)
    out[tuple(np.asarray(INDICES).T)] = values
    return out


def _sparse(values):
    return tf.SparseTensor(INDICES, values, [3, 3])


def _lowest(v):
    return np.finfo(v.dtype).min if v.dtype.kind == "f" else np.iinfo(v.dtype).min


SPECS = [
    OpSpec("ragged_to_tensor", lambda v: _ragged(v).to_tensor(), lambda v: _padded(v, 0), sample((6,)), SOME,
           differentiable=True),
    OpSpec("ragged_to_tensor_cut_to_shape", lambda v: _ragged(v).to_tensor(shape=[3, 2]),
           lambda v: _padded(v, 0)[:3, :2], sample((6,)), SOME, differentiable=True),
    OpSpec("ragged_gather_rows", lambda v: tf.gather(_ragged(v), [3, 0, 2]).flat_values,
           lambda v: np.concatenate([_rows(v)[i] for i in (3, 0, 2)]), sample((6,)), SOME, differentiable=True),
    OpSpec("ragged_reduce_sum_rows", lambda v: tf.reduce_sum(_ragged(v), axis=1),
           lambda v: np.array([r.sum() for r in _rows(v)], v.dtype), sample((6,)), SOME, differentiable=True),
    OpSpec("ragged_reduce_max_rows", lambda v: tf.reduce_max(_ragged(v), axis=1),
           lambda v: np.array([r.max() if r.size else _lowest(v) for r in _rows(v)], v.dtype), sample((6,)), SOME),
    # No empty row here: its lowest-value result would swamp the finite differences.
    OpSpec("ragged_reduce_max_full_rows", lambda v: tf.reduce_max(tf.RaggedTensor.from_row_lengths(v, [2, 1, 3]), axis=1),
           lambda v: np.array([v[:2].max(), v[2], v[3:].max()], v.dtype), sample((6,)), SOME, differentiable=True),
    OpSpec("ragged_reduce_sum_columns", lambda v: tf.reduce_sum(_ragged(v), axis=0),
           lambda v: _padded(v, 0).sum(axis=0).astype(v.dtype), sample((6,)), SOME, differentiable=True),
    OpSpec("ragged_mul_dense_column", lambda v, c: (_ragged(v) * c).flat_values,
           lambda v, c: v * np.repeat(c[:, 0], LENGTHS), sample((6,), (4, 1)), SOME, differentiable=True,
           grad_args=(0, 1)),
    OpSpec("sparse_to_dense", lambda v: tf.sparse.to_dense(_sparse(v)), _dense, sample((4,)), SOME,
           differentiable=True),
    OpSpec("sparse_dense_matmul", lambda v, b: tf.sparse.sparse_dense_matmul(_sparse(v), b),
           lambda v, b: _dense(v) @ b, sample((4,), (3, 2)), SOME, differentiable=True, grad_args=(0, 1)),
    OpSpec("sparse_dense_matmul_adjoint_a", lambda v, b: tf.sparse.sparse_dense_matmul(_sparse(v), b, adjoint_a=True),
           lambda v, b: _dense(v).T @ b, sample((4,), (3, 2)), FLOATS, differentiable=True, grad_args=(0, 1)),
    OpSpec("sparse_reduce_sum_rows", lambda v: tf.sparse.reduce_sum(_sparse(v), axis=1),
           lambda v: _dense(v).sum(axis=1).astype(v.dtype), sample((4,)), SOME, differentiable=True),
    OpSpec("sparse_add", lambda v, w: tf.sparse.to_dense(tf.sparse.add(_sparse(v), _sparse(w))),
           lambda v, w: _dense(v) + _dense(w), sample((4,), (4,)), SOME, differentiable=True, grad_args=(0, 1)),
]
