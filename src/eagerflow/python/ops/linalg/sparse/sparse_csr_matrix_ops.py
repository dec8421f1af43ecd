"""`tensorflow.python.ops.linalg.sparse.sparse_csr_matrix_ops`: TF's CSR sparse matrices, the
conversions and the sparse x sparse product Keras uses (see `_src/sparse/csr_matrix.py`)."""
from eagerflow._src.sparse.csr_matrix import (  # noqa: F401
    csr_sparse_matrix_to_sparse_tensor, sparse_matrix_sparse_mat_mul, sparse_tensor_to_csr_sparse_matrix,
)
