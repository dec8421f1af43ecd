"""`tf.linalg`: re-exports only."""
from eagerflow._src.ops.array_ops import eye  # noqa: F401
from eagerflow._src.ops.linalg_ops import (  # noqa: F401
    det, diag, diag_part, einsum, inv, matmul, matvec, norm, solve, tensordot, trace,
)
