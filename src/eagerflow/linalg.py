"""`tf.linalg`: re-exports only."""
import importlib as _importlib
import typing as _typing

from eagerflow._src.ops.array_ops import eye  # noqa: F401
from eagerflow._src.ops.linalg_decompositions import (  # noqa: F401
    cholesky, eig, eigh, eigvals, eigvalsh, expm, logdet, logm, lu, qr, slogdet, sqrtm, svd,
    triangular_solve,
)
from eagerflow._src.ops.linalg_ops import (  # noqa: F401
    det, einsum, inv, matmul, matvec, norm, solve, tensordot,
)
from eagerflow._src.ops.linalg_solvers import (  # noqa: F401
    banded_triangular_solve, cholesky_solve, eigh_tridiagonal, lstsq, lu_matrix_inverse,
    lu_reconstruct, lu_solve, matrix_rank, pinv, tridiagonal_matmul, tridiagonal_solve,
)
from eagerflow._src.ops.linalg_structure_ops import (  # noqa: F401
    adjoint, band_part, cross, diag, diag_part, global_norm, l2_normalize, matrix_transpose,
    normalize, set_diag, tensor_diag, tensor_diag_part, trace,
)

# The LinearOperator family and `experimental` load on first access (`import eagerflow` stays fast).
_LAZY = frozenset({
    "LinearOperator", "LinearOperatorAdjoint", "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular", "LinearOperatorCirculant", "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D", "LinearOperatorComposition", "LinearOperatorDiag",
    "LinearOperatorFullMatrix", "LinearOperatorHouseholder", "LinearOperatorIdentity",
    "LinearOperatorInversion", "LinearOperatorKronecker", "LinearOperatorLowerTriangular",
    "LinearOperatorLowRankUpdate", "LinearOperatorPermutation", "LinearOperatorScaledIdentity",
    "LinearOperatorToeplitz", "LinearOperatorTridiag", "LinearOperatorZeros", "experimental",
})


def __getattr__(name: str) -> _typing.Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'eagerflow.linalg' has no attribute {name!r}")
    operators = _importlib.import_module("eagerflow._src.ops.linear_operator")
    value = operators.experimental_namespace() if name == "experimental" else getattr(operators, name)
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | _LAZY)
