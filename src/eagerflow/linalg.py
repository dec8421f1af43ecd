"""`tf.linalg`: re-exports only."""
from eagerflow._src.ops.array_ops import eye  # noqa: F401
from eagerflow._src.ops.linalg_decompositions import (  # noqa: F401
    cholesky, eig, eigh, eigvals, eigvalsh, expm, logdet, logm, lu, qr, slogdet, sqrtm, svd,
    triangular_solve,
)
from eagerflow._src.ops.linalg_ops import (  # noqa: F401
    det, einsum, inv, matmul, matvec, norm, solve, tensordot,
)
from eagerflow._src.ops.linalg_solvers import (  # noqa: F401
    cholesky_solve, lstsq, lu_matrix_inverse, lu_reconstruct, lu_solve, matrix_rank, pinv,
    tridiagonal_matmul, tridiagonal_solve,
)
from eagerflow._src.ops.linalg_structure_ops import (  # noqa: F401
    adjoint, band_part, cross, diag, diag_part, global_norm, l2_normalize, matrix_transpose,
    normalize, set_diag, tensor_diag, tensor_diag_part, trace,
)
