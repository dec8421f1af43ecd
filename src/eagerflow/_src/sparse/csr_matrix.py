"""TF's CSR sparse matrices (`tensorflow.python.ops.linalg.sparse.sparse_csr_matrix_ops`), the
three functions Keras's sparse x sparse matmul calls. TF holds a CSR matrix in a variant tensor;
here it is an opaque handle on the SparseTensor it was made from, and the product runs dense
(the result keeps the entries that are not zero)."""
from __future__ import annotations

from collections import namedtuple
from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.sparse.sparse_tensor import SparseTensor

CSRSparseMatrixToSparseTensor = namedtuple("CSRSparseMatrixToSparseTensor", ["indices", "values", "dense_shape"])


class CSRSparseMatrixHandle:
    """What `sparse_tensor_to_csr_sparse_matrix` returns (TF: a scalar variant tensor)."""

    __slots__ = ("sparse",)

    def __init__(self, sparse: SparseTensor) -> None:
        self.sparse = sparse

    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.variant

    def __repr__(self) -> str:
        return f"<CSRSparseMatrix dense_shape={self.sparse.dense_shape.numpy().tolist()}>"


def sparse_tensor_to_csr_sparse_matrix(indices: Any, values: Any, dense_shape: Any,
                                       name: str | None = None) -> CSRSparseMatrixHandle:
    from eagerflow._src.sparse import sparse_ops

    return CSRSparseMatrixHandle(sparse_ops.reorder(SparseTensor(indices, values, dense_shape)))


def sparse_matrix_sparse_mat_mul(a: CSRSparseMatrixHandle, b: CSRSparseMatrixHandle, type: Any,  # noqa: A002
                                 transpose_a: bool = False, transpose_b: bool = False,
                                 adjoint_a: bool = False, adjoint_b: bool = False,
                                 name: str | None = None) -> CSRSparseMatrixHandle:
    """`a @ b` for rank-2 or batched rank-3 CSR matrices of dtype `type`."""
    from eagerflow._src.ops import linalg_ops, math_ops
    from eagerflow._src.sparse import sparse_ops

    dense_a = sparse_ops.to_dense(a.sparse)
    dense_b = sparse_ops.to_dense(b.sparse)
    product = linalg_ops.matmul(dense_a, dense_b, transpose_a=transpose_a, transpose_b=transpose_b,
                              adjoint_a=adjoint_a, adjoint_b=adjoint_b)
    return CSRSparseMatrixHandle(sparse_ops.from_dense(math_ops.cast(product, type)))


def csr_sparse_matrix_to_sparse_tensor(sparse_matrix: CSRSparseMatrixHandle, type: Any,  # noqa: A002
                                       name: str | None = None) -> CSRSparseMatrixToSparseTensor:
    from eagerflow._src.ops import math_ops

    s = sparse_matrix.sparse
    return CSRSparseMatrixToSparseTensor(s.indices, math_ops.cast(s.values, type), s.dense_shape)
