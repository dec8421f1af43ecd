"""Matrix structure: diagonals and bands, transposes, cross products and norms (`tf.linalg`)."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops.dtype_sets import REAL


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _dims(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _k_pair(k: Any) -> tuple[int, int]:
    if isinstance(k, (tuple, list)):
        return (int(k[0]), int(k[-1]))
    k = int(np.asarray(k))
    return (k, k)


# --- diagonals (MatrixDiagV3, MatrixDiagPartV3, MatrixSetDiagV3) --------------------------------
def _diag_positions(rows: int, cols: int, k: tuple[int, int], align: str) -> tuple:
    """Index arrays (diagonal slot, position in it, row, col) for the diagonals k[1] down to k[0],
    each padded to the longest and aligned as TF's `align` ("SUPER_SUB": RIGHT or LEFT) says."""
    lo, hi = k
    lengths = {d: max(0, min(rows + min(d, 0), cols - max(d, 0))) for d in range(lo, hi + 1)}
    longest = max(lengths.values()) if lengths else 0
    super_align, sub_align = align.split("_")
    slots, places, rs, cs = [], [], [], []
    for slot, d in enumerate(range(hi, lo - 1, -1)):
        n = lengths[d]
        right = (super_align if d >= 0 else sub_align) == "RIGHT"
        i = np.arange(n)
        slots.append(np.full(n, slot))
        places.append(i + (longest - n if right else 0))
        rs.append(i + max(-d, 0))
        cs.append(i + max(d, 0))
    cat = np.concatenate
    return cat(slots).astype(np.intp), cat(places).astype(np.intp), cat(rs).astype(np.intp), cat(cs).astype(np.intp), longest


def _check_k(k: tuple[int, int]) -> None:
    if k[0] > k[1]:
        raise _invalid(f"lower_diag_index must not be larger than upper_diag_index: {k[0]} > {k[1]}")


def _matrix_diag_part(xp: Any, x: Any, k: tuple = (0, 0), padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Any:
    if x.ndim < 2:
        raise _invalid(f"input must be at least 2-dim, received shape: {_dims(x.shape)}")
    _check_k(k)
    rows, cols = x.shape[-2:]
    if k[0] == k[1]:
        return xp.ascontiguousarray(xp.diagonal(x, offset=k[0], axis1=-2, axis2=-1))
    slot, place, r, c, longest = _diag_positions(rows, cols, k, align)
    out = xp.full(x.shape[:-2] + (k[1] - k[0] + 1, longest), padding_value, dtype=x.dtype)
    out[..., slot, place] = x[..., r, c]
    return out


def _matrix_diag(xp: Any, d: Any, k: tuple = (0, 0), num_rows: int = -1, num_cols: int = -1,
                 padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Any:
    _check_k(k)
    if d.ndim < (1 if k[0] == k[1] else 2):
        raise _invalid(f"diagonal must be at least 1-dim, received shape: {_dims(d.shape)}")
    longest = d.shape[-1]
    min_rows = longest - min(k[1], 0)
    min_cols = longest + max(k[0], 0)
    if num_rows < 0 and num_cols < 0:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows < 0:
        num_rows = min_rows
    elif num_cols < 0:
        num_cols = min_cols
    batch = d.shape[:-1] if k[0] == k[1] else d.shape[:-2]
    out = xp.full(batch + (num_rows, num_cols), padding_value, dtype=d.dtype)
    if k[0] == k[1]:
        d = d[..., None, :]
    slot, place, r, c, _ = _diag_positions(num_rows, num_cols, k, align)
    out[..., r, c] = d[..., slot, place]
    return out


def _matrix_set_diag(xp: Any, x: Any, diagonal: Any, k: tuple = (0, 0), align: str = "RIGHT_LEFT") -> Any:
    if x.ndim < 2:
        raise _invalid(f"input must be at least 2-dim, received shape: {_dims(x.shape)}")
    _check_k(k)
    out = x.copy()
    if k[0] == k[1]:
        diagonal = diagonal[..., None, :]
    slot, place, r, c, _ = _diag_positions(x.shape[-2], x.shape[-1], k, align)
    out[..., r, c] = diagonal[..., slot, place]
    return out


def _diag_part_grad(ctx: Any, dy: Tensor) -> tuple:
    if ctx.inputs[0]._array.shape is None or None in ctx.inputs[0]._array.shape[-2:]:
        # the matrix's size is known only at run time: the band written into zeros like it
        attrs = {"k": ctx.attrs.get("k", (0, 0)), "align": ctx.attrs.get("align", "RIGHT_LEFT")}
        return (execute(MATRIX_SET_DIAG, (math_ops.zeros_like_same(ctx.inputs[0]), dy), attrs),)
    shape = tuple(ctx.inputs[0].shape)
    attrs = dict(ctx.attrs, num_rows=shape[-2], num_cols=shape[-1])
    attrs.pop("padding_value", None)
    return (execute(MATRIX_DIAG, (dy,), attrs),)


def _diag_grad(ctx: Any, dy: Tensor) -> tuple:
    attrs = {"k": ctx.attrs.get("k", (0, 0)), "align": ctx.attrs.get("align", "RIGHT_LEFT")}
    return (execute(MATRIX_DIAG_PART, (dy,), attrs),)


def _set_diag_grad(ctx: Any, dy: Tensor) -> tuple:
    attrs = {"k": ctx.attrs.get("k", (0, 0)), "align": ctx.attrs.get("align", "RIGHT_LEFT")}
    part = execute(MATRIX_DIAG_PART, (dy,), attrs)
    return (execute(MATRIX_SET_DIAG, (dy, math_ops.zeros_like_same(part)), attrs), part)


MATRIX_DIAG_PART = Op("MatrixDiagPartV3", _matrix_diag_part, grad=_diag_part_grad)
MATRIX_DIAG = Op("MatrixDiagV3", _matrix_diag, grad=_diag_grad)
MATRIX_SET_DIAG = Op("MatrixSetDiagV3", _matrix_set_diag, grad=_set_diag_grad)


def diag_part(input: Any, name: str = "diag_part", k: Any = 0, padding_value: Any = 0,  # noqa: A002
              align: str = "RIGHT_LEFT") -> Tensor:
    """The k-th diagonal (or diagonals k[0]..k[1], aligned by `align`) of each matrix
    (`tf.linalg.diag_part`)."""
    attrs = {"k": _k_pair(k), "align": align}
    if padding_value != 0:
        attrs["padding_value"] = padding_value
    try:
        return execute(MATRIX_DIAG_PART, (conversion.tensor(input),), attrs)
    except errors.OpError as e:
        raise conversion.worded(e, input, name=name) from None


def diag(diagonal: Any, name: str = "diag", k: Any = 0, num_rows: int = -1, num_cols: int = -1,
         padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Tensor:
    """Matrices with `diagonal` on their k-th diagonal(s) (`tf.linalg.diag`)."""
    attrs = {"k": _k_pair(k), "num_rows": int(num_rows), "num_cols": int(num_cols), "align": align}
    if padding_value != 0:
        attrs["padding_value"] = padding_value
    return execute(MATRIX_DIAG, (conversion.tensor(diagonal),), attrs)


def set_diag(input: Any, diagonal: Any, name: str = "set_diag", k: Any = 0,  # noqa: A002
             align: str = "RIGHT_LEFT") -> Tensor:
    """`input` with its k-th diagonal(s) replaced by `diagonal` (`tf.linalg.set_diag`)."""
    x = conversion.tensor(input)
    d = conversion.like(diagonal, x)
    return execute(MATRIX_SET_DIAG, (x, d), {"k": _k_pair(k), "align": align})


def trace(x: Any, name: str | None = None) -> Tensor:
    """Sum of the main diagonal of each matrix in the last two dims (`tf.linalg.trace`)."""
    return reduce_ops.reduce_sum(diag_part(conversion.tensor(x)), axis=-1)  # TF converts x first


# --- band part ---------------------------------------------------------------------------------
def _band_mask(xp: Any, rows: int, cols: int, lower: int, upper: int) -> Any:
    offset = xp.arange(cols)[None, :] - xp.arange(rows)[:, None]  # col - row
    keep = xp.ones((rows, cols), dtype=bool)
    if lower >= 0:
        keep &= offset >= -lower
    if upper >= 0:
        keep &= offset <= upper
    return keep


def _band_part(xp: Any, x: Any, num_lower: Any, num_upper: Any) -> Any:
    if x.ndim < 2:
        raise _invalid(f"input must be at least 2-dim, received shape: {_dims(x.shape)}")
    lower, upper = int(num_lower), int(num_upper)
    rows, cols = x.shape[-2:]
    if lower > rows:
        raise _invalid(f"num_lower must be negative or less or equal to number of rows ({rows}) got: {lower}")
    if upper > cols:
        raise _invalid(f"num_upper must be negative or less or equal to number of columns ({cols}) got: {upper}")
    return xp.where(_band_mask(xp, rows, cols, lower, upper), x, xp.zeros((), x.dtype))


def _band_part_grad(ctx: Any, dy: Tensor) -> tuple:
    return (execute(MATRIX_BAND_PART, (dy, ctx.inputs[1], ctx.inputs[2])), None, None)


MATRIX_BAND_PART = Op("MatrixBandPart", _band_part, grad=_band_part_grad)


def band_part(input: Any, num_lower: Any, num_upper: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Keeps `num_lower` subdiagonals and `num_upper` superdiagonals (negative: all) of each
    matrix and zeroes the rest (`tf.linalg.band_part`)."""
    x = conversion.tensor(input)
    lower = conversion.tensor(num_lower)
    upper = conversion.like(num_upper, lower)
    try:
        return execute(MATRIX_BAND_PART, (x, lower, upper))
    except errors.OpError as e:
        raise conversion.worded(e, input) from None


# --- transposes --------------------------------------------------------------------------------
def _swap_last_two_shape(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    return [(x.dtype, None if x.shape is None else x.shape[:-2] + (x.shape[-1], x.shape[-2]))]


def _swap_last_two(xp: Any, x: Any, conj: bool = False) -> Any:
    if x.ndim < 2:
        raise _invalid(f"transpose expects a vector of size {x.ndim}. But input(1) is a vector of size 2")
    out = xp.ascontiguousarray(xp.swapaxes(x, -1, -2))
    return xp.conj(out) if conj else out


# A matrix transpose of a traced tensor of unknown rank (TF builds the perm at run time).
SWAP_LAST_TWO = Op("MatrixTransposeDynamic", _swap_last_two, shape_fn=_swap_last_two_shape,
                   grad=lambda ctx, dy: (execute(SWAP_LAST_TWO, (dy,)),))
SWAP_LAST_TWO_CONJ = Op("ConjugateMatrixTransposeDynamic", lambda xp, x: _swap_last_two(xp, x, True),
                        shape_fn=_swap_last_two_shape, grad=lambda ctx, dy: (execute(SWAP_LAST_TWO_CONJ, (dy,)),))


def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """Transposes the last two dims of `a` (conjugating when asked) (`tf.linalg.matrix_transpose`).

    Raises:
      ValueError: `a` has rank below 2 (TF's message).
    """
    x = conversion.tensor(a)
    if x._array.shape is None:  # traced with unknown rank: the last two dims swapped when it runs
        return execute(SWAP_LAST_TWO_CONJ if conjugate and x.dtype.is_complex else SWAP_LAST_TWO, (x,))
    if x.ndim < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received `a` = {x} "
                         f"with shape: {x.shape}")
    perm = tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2)
    return array_ops.transpose(x, perm, conjugate=conjugate)


def adjoint(matrix: Any, name: str | None = None) -> Tensor:
    """The conjugate transpose of each matrix in the last two dims (`tf.linalg.adjoint`)."""
    return matrix_transpose(matrix, conjugate=True)


# --- cross product -----------------------------------------------------------------------------
def _cross(xp: Any, a: Any, b: Any) -> Any:
    if a.shape != b.shape:
        raise _invalid(f"Both inputs must be of same shape: {_dims(a.shape)} vs. {_dims(b.shape)}")
    if a.ndim < 1:
        raise _invalid(f"Input must be at least 1D{_dims(a.shape)}")
    if a.shape[-1] != 3:
        raise _invalid(f"Dimension 0 in both shapes must be equal to 3 but are {a.shape[-1]} and {b.shape[-1]}")
    return xp.cross(a, b)


def _cross_grad(ctx: Any, dy: Tensor) -> tuple:
    a, b = ctx.inputs
    return execute(CROSS, (b, dy)), execute(CROSS, (dy, a))


CROSS = Op("Cross", _cross, dtypes=REAL, grad=_cross_grad)


def cross(a: Any, b: Any, name: str | None = None) -> Tensor:
    """Pairwise cross products of the 3-vectors in the last dim (`tf.linalg.cross`)."""
    return execute(CROSS, conversion.binary(CROSS, a, b))


# --- tensor diagonals (Diag, DiagPart) ---------------------------------------------------------
def _tensor_diag(xp: Any, d: Any) -> Any:
    n = d.size
    out = xp.zeros((n, n), dtype=d.dtype)
    out[xp.arange(n), xp.arange(n)] = d.reshape(-1)
    return out.reshape(d.shape + d.shape)


def _tensor_diag_part(xp: Any, x: Any) -> Any:
    half = x.ndim // 2
    if x.ndim % 2 or x.shape[:half] != x.shape[half:]:
        raise _invalid(f"Input must have even rank and the first half of its dimensions must equal the "
                       f"second half, got shape {_dims(x.shape)}")
    n = int(np.prod(x.shape[:half], dtype=np.int64))
    flat = x.reshape(n, n)
    return xp.ascontiguousarray(xp.diagonal(flat)).reshape(x.shape[:half])


TENSOR_DIAG = Op("Diag", _tensor_diag, grad=lambda ctx, dy: (execute(TENSOR_DIAG_PART, (dy,)),))
TENSOR_DIAG_PART = Op("DiagPart", _tensor_diag_part, grad=lambda ctx, dy: (execute(TENSOR_DIAG, (dy,)),))


def tensor_diag(diagonal: Any, name: str | None = None) -> Tensor:
    """A tensor of shape `d.shape + d.shape` with `diagonal` on its diagonal (`tf.linalg.tensor_diag`)."""
    return conversion.run_unary(TENSOR_DIAG, diagonal)


def tensor_diag_part(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The diagonal of a tensor of shape `s + s` (`tf.linalg.tensor_diag_part`)."""
    return conversion.run_unary(TENSOR_DIAG_PART, input)


# --- norms and normalisation -------------------------------------------------------------------
def _squared_magnitude(x: Tensor) -> Tensor:
    if x.dtype.is_complex:
        re, im = math_ops.real(x), math_ops.imag(x)
        return math_ops.add(math_ops.square(re), math_ops.square(im))
    return math_ops.square(x)


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None, dim: Any = None) -> Tensor:
    """`x / sqrt(max(sum(|x|**2, axis), epsilon))` (`tf.linalg.l2_normalize`, `tf.math.l2_normalize`)."""
    x = conversion.tensor(x)
    axis = dim if axis is None else axis
    total = reduce_ops.reduce_sum(_squared_magnitude(x), axis, keepdims=True)
    inv_norm = math_ops.rsqrt(math_ops.maximum(total, conversion.scalar_like(epsilon, total)))
    return math_ops.multiply(x, math_ops.cast(inv_norm, x.dtype) if x.dtype.is_complex else inv_norm)


def normalize(tensor: Any, ord: Any = "euclidean", axis: Any = None, name: str | None = None) -> tuple:  # noqa: A002
    """`(tensor / norm, norm)` with `tf.norm`'s `ord` and `axis`, norms kept as size-1 dims
    (`tf.linalg.normalize`)."""
    from eagerflow._src.ops.linalg_ops import norm

    x = conversion.tensor(tensor)
    n = norm(x, ord=ord, axis=axis, keepdims=True)
    return math_ops.truediv(x, n), n


def global_norm(t_list: Any, name: str | None = None) -> Tensor:
    """`sqrt(sum(l2norm(t)**2 for t in t_list))`, None entries skipped (`tf.linalg.global_norm`).

    Raises:
      TypeError: `t_list` is not a sequence (TF's message).
    """
    if isinstance(t_list, (str, bytes)) or not hasattr(t_list, "__iter__") or isinstance(t_list, Tensor):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    values = [conversion.tensor(getattr(t, "values", t)) for t in t_list if t is not None]
    sums = [reduce_ops.reduce_sum(math_ops.square(v)) for v in values]
    total = math_ops.add_n(sums) if sums else conversion.tensor(0.0)
    return math_ops.sqrt(total)
