"""Matrix products and linear algebra (`tf.linalg`, `tf.matmul`)."""
from __future__ import annotations

from typing import Any

from eagerflow.framework import errors
from eagerflow.framework.execute import execute
from eagerflow.framework.op import Op
from eagerflow.framework.tensor import Tensor
from eagerflow.ops import conversion
from eagerflow.ops.dtype_sets import COMPLEX, FLOAT, INT

_MATMUL_DTYPES = FLOAT + tuple(d for d in INT if d.name not in ("int8", "int16")) + COMPLEX


def _dims(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _matmul(xp: Any, a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
            adjoint_a: bool = False, adjoint_b: bool = False) -> Any:
    if a.ndim < 2 or b.ndim < 2:
        raise errors.InvalidArgumentError(
            None, None, f"In[0] and In[1] has different ndims: {_dims(a.shape)} vs. {_dims(b.shape)}")
    if transpose_a or adjoint_a:
        a = xp.swapaxes(a, -1, -2)
        if adjoint_a:
            a = xp.conj(a)
    if transpose_b or adjoint_b:
        b = xp.swapaxes(b, -1, -2)
        if adjoint_b:
            b = xp.conj(b)
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            None, None, f"Matrix size-incompatible: In[0]: {_dims(a.shape)}, In[1]: {_dims(b.shape)}")
    return xp.matmul(a, b)


MATMUL = Op("MatMul", _matmul, dtypes=_MATMUL_DTYPES)
BATCH_MATMUL = Op("BatchMatMulV2", _matmul, dtypes=_MATMUL_DTYPES)


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, output_type: Any = None, grad_a: bool = False,
           grad_b: bool = False, name: str | None = None) -> Tensor:
    """Matrix product of the inner two dims, batched over the rest (`tf.linalg.matmul`)."""
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    a, b = conversion.binary(MATMUL, a, b)
    op = MATMUL if a._array.ndim == 2 and b._array.ndim == 2 else BATCH_MATMUL
    attrs = {}
    if transpose_a:
        attrs["transpose_a"] = True
    if transpose_b:
        attrs["transpose_b"] = True
    if adjoint_a:
        attrs["adjoint_a"] = True
    if adjoint_b:
        attrs["adjoint_b"] = True
    return execute(op, (a, b), attrs)
