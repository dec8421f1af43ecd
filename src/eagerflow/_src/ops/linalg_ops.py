"""Matrix products and linear algebra (`tf.linalg`, `tf.matmul`, `tf.einsum`, `tf.norm`)."""
from __future__ import annotations

import string
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops.dtype_sets import COMPLEX, FLOAT, INT

_MATMUL_DTYPES = FLOAT + tuple(d for d in INT if d.name not in ("int8", "int16")) + COMPLEX
_BATCH_MATMUL_DTYPES = FLOAT + tuple(d for d in INT if d.name != "int8") + COMPLEX  # TF's adds int16
_SOLVER_DTYPES = FLOAT[1:] + COMPLEX  # half, float, double, complex64, complex128
_EINSUM_DTYPES = FLOAT + tuple(d for d in INT if d.name in ("int32", "int64")) + COMPLEX  # TF's CPU kernels


def _dims(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _constant_like(x: Tensor, array: Any) -> Tensor:
    """A constant (no gradient) on `x`'s device with `x`'s dtype."""
    return EagerTensor(array.astype(x._array.dtype, copy=False), x._device)


# --- matmul ------------------------------------------------------------------------------------
def _matmul(xp: Any, a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
            adjoint_a: bool = False, adjoint_b: bool = False) -> Any:
    if a.ndim < 2 or b.ndim < 2:
        # TF runs MatMul when neither operand has rank above 2, else BatchMatMulV2, which adds the rank.
        index, ndims = (0, a.ndim) if a.ndim < 2 else (1, b.ndim)
        batched = f": {ndims}" if a.ndim > 2 or b.ndim > 2 else ""
        raise _invalid(f"In[{index}] ndims must be >= 2{batched}")
    if (a.ndim > 2 or b.ndim > 2) and not _batches_broadcast(a.shape[:-2], b.shape[:-2]):
        raise _invalid(f"In[0] and In[1] must have compatible batch dimensions: "
                       f"{_dims(a.shape)} vs. {_dims(b.shape)}")
    if transpose_a or adjoint_a:
        a = xp.swapaxes(a, -1, -2)
        if adjoint_a and a.dtype.kind == "c":  # conj of a real array would only copy it
            a = xp.conj(a)
    if transpose_b or adjoint_b:
        b = xp.swapaxes(b, -1, -2)
        if adjoint_b and b.dtype.kind == "c":
            b = xp.conj(b)
    if a.shape[-1] != b.shape[-2]:
        raise _invalid(f"Matrix size-incompatible: In[0]: {_dims(a.shape)}, In[1]: {_dims(b.shape)}")
    if xp is np and a.ndim == 2 and b.ndim == 2 and \
            _BLAS_ONE_THREAD[0] < a.shape[0] * a.shape[1] * b.shape[1] < _BLAS_ONE_THREAD[1]:
        # Mid-size products (a Dense layer's batch) on one OpenBLAS thread: a threaded call
        # gains little at this size and leaves its helper threads spinning afterwards, taking
        # a core from the host threads of the next ops (Keras CNN/MLP steps stalled on it).
        from eagerflow._src.ops.conv_ops import single_threaded_blas

        with single_threaded_blas():
            return np.matmul(a, b)
    return xp.matmul(a, b)


_BLAS_ONE_THREAD = (1 << 18, 1 << 25)  # multiply-adds: OpenBLAS does not thread below the first


def _batches_broadcast(a: tuple, b: tuple) -> bool:
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


# Gradients of C = op(A) @ op(B), keyed by (op(A) is an adjoint, op(B) is an adjoint): TF's
# table, one entry per input so an input the tape does not need costs no matmul.
_MATMUL_GRAD_A = {
    (False, False): lambda a, b, g: matmul(g, b, adjoint_b=True),
    (False, True): lambda a, b, g: matmul(g, b),
    (True, False): lambda a, b, g: matmul(b, g, adjoint_b=True),
    (True, True): lambda a, b, g: matmul(b, g, adjoint_a=True, adjoint_b=True),
}
_MATMUL_GRAD_B = {
    (False, False): lambda a, b, g: matmul(a, g, adjoint_a=True),
    (False, True): lambda a, b, g: matmul(g, a, adjoint_a=True),
    (True, False): lambda a, b, g: matmul(a, g),
    (True, True): lambda a, b, g: matmul(g, a, adjoint_a=True, adjoint_b=True),
}


_NO_ATTRS: dict = {}
_ADJOINT_A = {"adjoint_a": True}
_ADJOINT_B = {"adjoint_b": True}


def _matmul_grad(ctx: Any, dy: Tensor) -> tuple:
    a, b = ctx.inputs
    attrs = ctx.attrs
    if not attrs and type(dy) is EagerTensor and dy._array.ndim == 2 and a._array.dtype.kind != "c":
        # The training-loop case (plain real 2-D product): straight to the op, no table lookups.
        need_a, need_b = ctx.needs
        return (execute(MATMUL, (dy, b), _ADJOINT_B) if need_a else None,
                execute(MATMUL, (a, dy), _ADJOINT_A) if need_b else None)
    # A plain transpose of a complex matrix is the adjoint of its conjugate (TF's matmul does this).
    conj_a = bool(attrs.get("transpose_a")) and a.dtype.is_complex
    conj_b = bool(attrs.get("transpose_b")) and b.dtype.is_complex
    if conj_a:
        a = math_ops.conj(a)
    if conj_b:
        b = math_ops.conj(b)
    key = (bool(attrs.get("transpose_a") or attrs.get("adjoint_a")),
           bool(attrs.get("transpose_b") or attrs.get("adjoint_b")))
    need_a, need_b = ctx.needs
    ga = _MATMUL_GRAD_A[key](a, b, dy) if need_a else None
    gb = _MATMUL_GRAD_B[key](a, b, dy) if need_b else None
    return (math_ops.conj(ga) if conj_a and ga is not None else ga,
            math_ops.conj(gb) if conj_b and gb is not None else gb)


MATMUL = Op("MatMul", _matmul, dtypes=_MATMUL_DTYPES, grad=_matmul_grad)
BATCH_MATMUL = Op("BatchMatMulV2", _matmul, dtypes=_BATCH_MATMUL_DTYPES, grad=_matmul_grad)


def _matmul_v3(xp: Any, a: Any, b: Any, Tout: Any, adj_x: bool = False, adj_y: bool = False) -> Any:
    # Products of (u)int8 accumulate in int32 (TF's quantized kernels); half types in float32.
    work = np.float32 if np.dtype(Tout).itemsize < 4 and np.dtype(Tout).kind == "f" else Tout
    out = _matmul(xp, a.astype(work), b.astype(work), adjoint_a=adj_x, adjoint_b=adj_y)
    return out.astype(Tout, copy=False)


# BatchMatMulV3: operand and output types apart (`matmul(..., output_type=)`). TF's CPU kernels:
# each type with itself, and these mixed pairs.
BATCH_MATMUL_V3 = Op("BatchMatMulV3", _matmul_v3)
_V3_MIXED = {("int8", "int8"): "int32", ("uint8", "uint8"): "int32", ("int8", "uint8"): "int32",
             ("uint8", "int8"): "int32", ("int8", "bfloat16"): "bfloat16", ("uint8", "bfloat16"): "bfloat16",
             ("bfloat16", "int8"): "bfloat16", ("bfloat16", "uint8"): "bfloat16"}


def _matmul_with_output_type(a: Tensor, b: Tensor, output_type: Any, transpose_a: bool, transpose_b: bool,
                             adjoint_a: bool, adjoint_b: bool) -> Tensor:
    out = _dtypes.as_dtype(output_type)
    adjoint_a, adjoint_b = adjoint_a or transpose_a, adjoint_b or transpose_b  # real types only
    ta, tb = a.dtype.name, b.dtype.name
    if _V3_MIXED.get((ta, tb)) != out.name and not (ta == tb == out.name):
        def attr(d: str) -> str:
            return "DT_" + {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}.get(d, d.upper())
        raise errors.NotFoundError(
            None, None, f"Could not find device for node: {{{{node BatchMatMulV3}}}} = BatchMatMulV3[Ta={attr(ta)}, "
            f"Tb={attr(tb)}, Tout={attr(out.name)}, adj_x={str(adjoint_a).lower()}, adj_y={str(adjoint_b).lower()}, "
            f"grad_x=false, grad_y=false] [Op:BatchMatMulV3] name: ")
    attrs = {"Tout": out._np}
    if adjoint_a:
        attrs["adj_x"] = True
    if adjoint_b:
        attrs["adj_y"] = True
    return execute(BATCH_MATMUL_V3, (a, b), attrs)


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, output_type: Any = None, grad_a: bool = False,
           grad_b: bool = False, name: str | None = None) -> Tensor:
    """Matrix product of the inner two dims, batched (and broadcast) over the rest (`tf.linalg.matmul`).

    Raises:
      ValueError: both transpose_x and adjoint_x are set.
      InvalidArgumentError: ranks below 2, inner dimensions or dtypes that do not match.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    if type(a) is not EagerTensor or type(b) is not EagerTensor:
        # TF converts a on its own, then b with a's dtype as a hint only: a mismatch is the op's error.
        a = conversion.tensor(a)
        b = conversion.like(b, a, strict=False)
    if output_type is not None and (_dtypes.as_dtype(output_type) != a.dtype or _dtypes.as_dtype(output_type) != b.dtype):
        return _matmul_with_output_type(a, b, output_type, transpose_a, transpose_b, adjoint_a, adjoint_b)
    # TF's dispatch: BatchMatMulV2 only when an operand has batch dimensions (rank-1 is MatMul's error).
    ranks = (a._array.ndim, b._array.ndim)  # (None: unknown rank, batched as TF's)
    op = BATCH_MATMUL if None in ranks or ranks[0] > 2 or ranks[1] > 2 else MATMUL
    if a._array.dtype != b._array.dtype:
        raise conversion.mismatch(op, a, b)
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


def matvec(a: Any, b: Any, transpose_a: bool = False, adjoint_a: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: str | None = None) -> Tensor:
    """Matrix-vector product `a @ b[..., None]` without the trailing axis (`tf.linalg.matvec`)."""
    a, b = conversion.binary(MATMUL, a, b)
    out = matmul(a, array_ops.expand_dims(b, -1), transpose_a=transpose_a, adjoint_a=adjoint_a)
    return array_ops.squeeze(out, [-1])


# --- einsum ------------------------------------------------------------------------------------
def _parse_equation(equation: str, count: int) -> tuple[list[str], str]:
    """TF's einsum equation as (input subscripts, output subscripts), with the output made explicit."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != count:
        raise ValueError(f'Got {count} inputs for equation "{equation}", expecting {len(inputs)}')
    labels = "".join(s.replace("...", "") for s in inputs)
    if not arrow:  # implicit mode: labels seen once, in sorted order, after any ellipsis
        once = sorted(c for c in set(labels) if labels.count(c) == 1)
        out = ("..." if any("..." in s for s in inputs) else "") + "".join(once)
    for c in out.replace("...", ""):
        if c not in labels:
            raise ValueError(f"Output subscripts contain the label {c} not present in the input subscripts.")
    return inputs, out


def _einsum(xp: Any, *arrays: Any, equation: str) -> Any:
    inputs, out = equation.split("->")
    inputs = inputs.split(",")
    sizes: dict[str, tuple[int, int, tuple]] = {}
    broadcast_dims = 0
    for i, (sub, x) in enumerate(zip(inputs, arrays)):
        named = sub.replace("...", "")
        if "..." not in sub and x.ndim != len(named):
            raise _invalid(f"Expected input {i} to have rank {len(named)} but got: {x.ndim}")
        if "..." in sub:
            broadcast_dims = max(broadcast_dims, x.ndim - len(named))
        head, _, tail = sub.partition("...")
        axes = list(enumerate(head)) + [(x.ndim - len(tail) + k, c) for k, c in enumerate(tail)]
        for axis, c in axes:
            seen = sizes.setdefault(c, (x.shape[axis], axis, x.shape))
            if seen[0] != x.shape[axis]:
                raise _invalid(f"Expected dimension {seen[0]} at axis {axis} of the input shaped "
                               f"{_dims(x.shape)} but got dimension {x.shape[axis]}")
    if broadcast_dims and "..." not in out:
        raise _invalid(f"Output contains {broadcast_dims} broadcasting dimension(s) but no ellipsis (...) "
                       "was found in the output subscripts.")
    if arrays and arrays[0].dtype == _dtypes.bfloat16._np:  # NumPy's einsum has no bfloat16 loop
        wide = xp.einsum(equation, *(a.astype(np.float32) for a in arrays), optimize=len(arrays) > 1)
        return wide.astype(arrays[0].dtype)
    return xp.einsum(equation, *arrays, optimize=len(arrays) > 1)


def _einsum_grad(ctx: Any, dy: Tensor) -> tuple:
    inputs, out = ctx.attrs["equation"].split("->")
    inputs = inputs.split(",")
    return tuple(_einsum_operand_grad(ctx.inputs, inputs, out, i, dy) for i in range(len(inputs)))


def _ones_along(x: Tensor, axis: int) -> Tensor:
    """A ones vector as long as `x`'s dim `axis`, a size known only when the graph runs."""
    length = array_ops.reshape(array_ops.shape(x, out_type=_dtypes.int32)[axis], (1,))
    return array_ops.fill(length, conversion.tensor(1, x.dtype))


def _eye_like(ones: Tensor) -> Tensor:
    from eagerflow._src.ops import linalg_structure_ops  # (it imports this module)

    return linalg_structure_ops.diag(ones)


def _einsum_operand_grad(tensors: tuple, subs: list, out: str, i: int, dy: Tensor) -> Tensor:
    """d(out)/d(input i) as one einsum of dy with the other operands (conjugated).

    Labels of input i found nowhere else are broadcast with a ones vector; a label repeated
    within input i (a diagonal, as in "ii->i") is spread back with an identity matrix.
    """
    x = tensors[i]
    xp = x._device.xp
    sub = subs[i]
    if "..." in sub and "..." not in out:
        sub = sub.replace("...", "")  # TF allows this only when the ellipsis covers no dimension
    others = [(s, t) for k, (s, t) in enumerate(zip(subs, tensors)) if k != i]
    fresh = iter(c for c in string.ascii_letters if c not in "".join(subs) + out)
    operands: list[Tensor] = [dy]
    terms = [out]
    for s, t in others:
        operands.append(math_ops.conj(t))
        terms.append(s)
    elsewhere = out + "".join(s for s, _ in others)
    target = ""
    head, _, tail = sub.partition("...")
    axis_of = {c: k for k, c in enumerate(head)}
    axis_of.update({c: x.ndim - len(tail) + k for k, c in enumerate(tail)})
    for c in sub.replace("...", "\0"):
        if c == "\0":
            target += "..."
            continue
        size = x.shape[axis_of[c]]
        if c in target:  # repeated label: a diagonal of the input
            f = next(fresh)
            operands.append(_constant_like(x, xp.eye(size)) if size is not None else
                            _eye_like(_ones_along(x, axis_of[c])))
            terms.append(c + f)
            target += f
            continue
        if c not in elsewhere:
            operands.append(_constant_like(x, xp.ones(size)) if size is not None else _ones_along(x, axis_of[c]))
            terms.append(c)
            elsewhere += c
        target += c
    if "..." not in target:
        # Ellipsis dims of dy and the other operands that input i lacks: summed out (TF's grad).
        k = max((len(t.shape) - len(term.replace("...", "")) for t, term in zip(operands, terms) if "..." in term),
                default=0)
        if k > 0:
            full = execute(EINSUM, operands, {"equation": ",".join(terms) + "->..." + target})
            return reduce_ops.reduce_sum(full, axis=list(range(k)))
    return execute(EINSUM, operands, {"equation": ",".join(terms) + "->" + target})


EINSUM = Op("Einsum", _einsum, dtypes=_EINSUM_DTYPES, grad=_einsum_grad)


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """Tensor contraction over the labels of `equation` (`tf.einsum`), e.g. "...ij,...jk->...ik".

    Raises:
      ValueError: the equation does not fit the number of inputs or names unknown output labels.
      InvalidArgumentError: ranks or dimensions that disagree with the equation.
      NotFoundError: a dtype TF has no CPU kernel for (int8, int16, unsigned, bool, string).
    """
    tensors = conversion.same_dtype(EINSUM, list(inputs)) if inputs else []
    subs, out = _parse_equation(equation, len(tensors))
    attrs = {"equation": ",".join(subs) + "->" + out}
    fallback = conversion.takes_fallback(*inputs)
    if tensors and tensors[0].dtype not in _EINSUM_DTYPES:  # Einsum's OpDef takes any type
        raise conversion.no_kernel_error(EINSUM, {"N": len(tensors), "T": tensors[0].dtype, **attrs}, fallback)
    return conversion.run(EINSUM, tensors, attrs, fallback)


def _letters(n: int) -> str:
    return string.ascii_letters[:n]


def _tensordot_flat(a: Tensor, b: Tensor, n: int) -> Tensor:
    """tensordot over the last n dims of `a` and first n of `b` as TF builds it for shapes known
    only at run time: one MatMul of the operands flattened to matrices, reshaped back."""
    from eagerflow._src.ops.join_split_ops import concat, stack

    sa, sb = array_ops.shape(a), array_ops.shape(b)
    split = math_ops.subtract(array_ops.rank(a), conversion.tensor(n, _dtypes.int32))
    a_free, a_inner, b_inner, b_free = sa[:split], sa[split:], sb[:n], sb[n:]
    a2 = array_ops.reshape(a, stack([reduce_ops.reduce_prod(a_free), reduce_ops.reduce_prod(a_inner)]))
    b2 = array_ops.reshape(b, stack([reduce_ops.reduce_prod(b_inner), reduce_ops.reduce_prod(b_free)]))
    return array_ops.reshape(matmul(a2, b2), concat([a_free, b_free], 0))


def tensordot(a: Any, b: Any, axes: Any, name: str | None = None) -> Tensor:
    """Sum of products over `axes` of `a` and `b` (`tf.tensordot`).

    `axes` is an int N (last N of `a` with first N of `b`) or a pair of axis lists.
    """
    a, b = conversion.binary(MATMUL, a, b)
    if isinstance(axes, Tensor):
        axes = axes.numpy().tolist()
    if not isinstance(axes, (list, tuple, np.ndarray)):
        n = int(axes)
        if n < 0:
            raise ValueError(f"`axes` must be at least 0. Received: {n}.")
        if a._array.ndim is None or b._array.ndim is None:  # traced with unknown rank
            return _tensordot_flat(a, b, n)
        if n > a.ndim:
            raise ValueError(f"`axes` must not be larger than the number of dimensions of tensor {a.numpy()}.  "
                             f"Received {n}, vs tensor dimensions {a.ndim}.")
        a_axes, b_axes = list(range(a.ndim - n, a.ndim)), list(range(n))
    else:
        if len(axes) != 2:
            raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
        a_axes, b_axes = axes
        a_axes = [int(v) for v in a_axes] if isinstance(a_axes, (list, tuple, np.ndarray)) else [int(a_axes)]
        b_axes = [int(v) for v in b_axes] if isinstance(b_axes, (list, tuple, np.ndarray)) else [int(b_axes)]
        if len(a_axes) != len(b_axes):
            raise ValueError(f"Different number of contraction axes `a` and `b`, {len(a_axes)} != {len(b_axes)}.")
        a_axes = [v % a.ndim for v in a_axes]
        b_axes = [v % b.ndim for v in b_axes]
    letters = iter(string.ascii_letters)
    sa = [next(letters) for _ in range(a.ndim)]
    sb = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        sb[j] = sa[i]
    a_shape, b_shape = tuple(a.shape), tuple(b.shape)
    if any(a_shape[i] != b_shape[j] for i, j in zip(a_axes, b_axes)):
        # TF contracts with a MatMul of the flattened operands; report its error.
        free_a = int(np.prod([d for k, d in enumerate(a_shape) if k not in a_axes]))
        free_b = int(np.prod([d for k, d in enumerate(b_shape) if k not in b_axes]))
        inner_a = int(np.prod([a_shape[k] for k in a_axes]))
        inner_b = int(np.prod([b_shape[k] for k in b_axes]))
        matmul(array_ops.reshape(a, (free_a, inner_a)), array_ops.reshape(b, (inner_b, free_b)))
    out = [c for k, c in enumerate(sa) if k not in a_axes] + [c for k, c in enumerate(sb) if k not in b_axes]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


# --- inverse, determinant, solve ---------------------------------------------------------------
def _check_square(x: Any, index: int = 0) -> None:
    if x.ndim < 2:
        raise _invalid(f"Input tensor {index} must have rank >= 2, got {x.ndim}")
    if x.shape[-1] != x.shape[-2]:
        raise _invalid("Input matrix must be square.")


def _lapack(xp: Any, fn: Any, x: Any, *more: Any) -> Any:
    """Runs `fn` in float32 for half inputs (LAPACK has no half) and casts back."""
    work = x.astype(np.float32) if x.dtype == np.float16 else x
    more = [m.astype(np.float32) if m.dtype == np.float16 else m for m in more]
    return xp.asarray(fn(work, *more)).astype(x.dtype, copy=False)


def _adjoint(xp: Any, x: Any) -> Any:
    return xp.conj(xp.swapaxes(x, -1, -2))


def _not_invertible(xp: Any, x: Any, out: Any) -> bool:
    """CuPy returns non-finite values where LAPACK would report a zero pivot."""
    return xp is not np and bool(xp.all(xp.isfinite(x))) and not bool(xp.all(xp.isfinite(out)))


def _matrix_inverse(xp: Any, x: Any, adjoint: bool = False) -> Any:
    _check_square(x)
    if adjoint:
        x = _adjoint(xp, x)
    if x.size == 0:
        return x.copy()
    try:
        out = _lapack(xp, xp.linalg.inv, x)
    except np.linalg.LinAlgError:
        raise _invalid("Input is not invertible.") from None
    if _not_invertible(xp, x, out):
        raise _invalid("Input is not invertible.")
    return out


def _matrix_inverse_grad(ctx: Any, dy: Tensor) -> tuple:
    ainv = ctx.output
    adjoint = bool(ctx.attrs.get("adjoint"))
    inner = matmul(dy, ainv, adjoint_a=adjoint, adjoint_b=not adjoint)
    return (math_ops.negative(matmul(ainv, inner, adjoint_a=not adjoint)),)


MATRIX_INVERSE = Op("MatrixInverse", _matrix_inverse, dtypes=_SOLVER_DTYPES, grad=_matrix_inverse_grad)


def inv(input: Any, adjoint: bool = False, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """Inverse of each square matrix in the last two dims (`tf.linalg.inv`).

    Raises:
      InvalidArgumentError: "Input is not invertible." for a singular matrix; rank < 2; not square.
    """
    try:
        return execute(MATRIX_INVERSE, (conversion.tensor(input),), {"adjoint": bool(adjoint)})
    except errors.OpError as e:
        raise conversion.worded(e, input) from None


def _matrix_determinant(xp: Any, x: Any) -> Any:
    _check_square(x)
    return _lapack(xp, xp.linalg.det, x)


def _matrix_determinant_grad(ctx: Any, dy: Tensor) -> tuple:
    a = ctx.inputs[0]
    a_adj_inv = inv(a, adjoint=True)
    multipliers = array_ops.expand_dims(array_ops.expand_dims(math_ops.multiply(dy, ctx.output), -1), -1)
    return (math_ops.multiply(multipliers, a_adj_inv),)


MATRIX_DETERMINANT = Op("MatrixDeterminant", _matrix_determinant, dtypes=_SOLVER_DTYPES,
                        grad=_matrix_determinant_grad)


def det(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """Determinant of each square matrix in the last two dims (`tf.linalg.det`)."""
    return conversion.run_unary(MATRIX_DETERMINANT, input)


def _matrix_solve(xp: Any, matrix: Any, rhs: Any, adjoint: bool = False) -> Any:
    if matrix.ndim != rhs.ndim:
        raise _invalid("All input tensors must have the same rank.")
    for i, x in enumerate((matrix, rhs)):
        if x.ndim < 2:
            raise _invalid(f"Input tensor {i} must have rank >= 2, got {x.ndim}")
    if matrix.shape[:-2] != rhs.shape[:-2]:
        raise _invalid("All input tensors must have the same outer dimensions.")
    if matrix.shape[-1] != matrix.shape[-2]:
        raise _invalid("First input (lhs) must be a square matrix.")
    if matrix.shape[-1] != rhs.shape[-2]:
        raise _invalid("Input matrix and rhs are incompatible.")
    if adjoint:
        matrix = _adjoint(xp, matrix)
    if matrix.size == 0 or rhs.size == 0:
        return xp.zeros(rhs.shape, rhs.dtype)
    try:
        out = _lapack(xp, xp.linalg.solve, matrix, rhs)
    except np.linalg.LinAlgError:
        raise _invalid("Input matrix is not invertible.") from None
    if _not_invertible(xp, matrix, out):
        raise _invalid("Input matrix is not invertible.")
    return out


def _matrix_solve_grad(ctx: Any, dy: Tensor) -> tuple:
    a = ctx.inputs[0]
    c = ctx.output
    adjoint = bool(ctx.attrs.get("adjoint"))
    grad_b = solve(a, dy, adjoint=not adjoint)
    if adjoint:
        grad_a = matmul(c, grad_b, adjoint_b=True)
    else:
        grad_a = matmul(grad_b, c, adjoint_b=True)
    return (math_ops.negative(grad_a), grad_b)


MATRIX_SOLVE = Op("MatrixSolve", _matrix_solve, dtypes=_SOLVER_DTYPES, grad=_matrix_solve_grad)


def solve(matrix: Any, rhs: Any, adjoint: bool = False, name: str | None = None) -> Tensor:
    """X with `matrix @ X = rhs` (or `adjoint(matrix) @ X = rhs`) per batch (`tf.linalg.solve`)."""
    try:
        return execute(MATRIX_SOLVE, conversion.binary(MATRIX_SOLVE, matrix, rhs), {"adjoint": bool(adjoint)})
    except errors.OpError as e:
        raise conversion.worded(e, matrix, rhs) from None


# --- norms -------------------------------------------------------------------------------------
def _to_last_two(x: Tensor, axes: tuple[int, int]) -> Tensor:
    """`x` with `axes` moved to the end, in that order (an einsum permutation, so differentiable)."""
    letters = _letters(x.ndim)
    rest = "".join(c for k, c in enumerate(letters) if k not in axes)
    return einsum(f"{letters}->{rest}{letters[axes[0]]}{letters[axes[1]]}", x)


_MATRIX_NORMS = ["euclidean", "fro", 1, 2, np.inf]
_VECTOR_NORMS = ["euclidean", 1, 2, np.inf]
_AXIS_ERROR = "'axis' must be None, an integer, or a tuple of 2 unique integers, got {}"


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None, keepdims: Any = None,  # noqa: A002
         name: str | None = None) -> Tensor:
    """Vector or matrix norm (`tf.norm`): ord 'euclidean'/'fro'/1/2/inf or p > 0; axis int or pair.

    Raises:
      ValueError: an unsupported `ord` or `axis`, with TF's messages.
    """
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not all(isinstance(a, int) for a in axis) or axis[0] == axis[1]:
            raise ValueError(_AXIS_ERROR.format(axis))
        if isinstance(ord, str) and ord not in _MATRIX_NORMS or not isinstance(ord, str) and ord not in _MATRIX_NORMS[2:]:
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {ord}")
    else:
        if not (axis is None or isinstance(axis, int)):
            raise ValueError(_AXIS_ERROR.format(axis))
        supported = ord in _VECTOR_NORMS if not isinstance(ord, str) else ord == "euclidean"
        if not supported and (isinstance(ord, str) or not np.isreal(ord) or ord <= 0):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        axis = None if axis is None else (axis,)
    x = conversion.tensor(tensor)
    if ord in ("fro", "euclidean") or (not isinstance(ord, str) and ord == 2):
        if is_matrix and not isinstance(ord, str):
            result = _spectral_norm(x, axis)
        else:
            result = math_ops.sqrt(reduce_ops.reduce_sum(math_ops.multiply(x, math_ops.conj(x)), axis, keepdims=True))
    else:
        result = math_ops.abs(x)
        if ord == 1:
            result = reduce_ops.reduce_sum(result, None if axis is None else axis[0], keepdims=True)
            if is_matrix:
                result = reduce_ops.reduce_max(result, axis[-1], keepdims=True)
        elif ord == np.inf:
            if is_matrix:
                result = reduce_ops.reduce_sum(result, axis[1], keepdims=True)
            result = reduce_ops.reduce_max(result, None if axis is None else axis[0], keepdims=True)
        else:
            power = math_ops.cast(ord, result.dtype)
            summed = reduce_ops.reduce_sum(math_ops.pow(result, power), axis, keepdims=True)
            result = math_ops.pow(summed, math_ops.reciprocal(power))
    if keepdims:
        return result
    if axis is None:
        return array_ops.reshape(result, ())
    ndim = x._array.ndim  # (None: traced with unknown rank, the axes resolved when it runs)
    dropped = list(axis) if ndim is None else sorted({a % ndim for a in axis})
    return array_ops.squeeze(result, dropped) if dropped else result


def _spectral_norm(x: Tensor, axis: tuple[int, int]) -> Tensor:
    """Largest singular value over `axis`, kept as size-1 dims."""
    ndim = x.ndim
    axes = (axis[0] % ndim, axis[1] % ndim)
    from eagerflow._src.ops.linalg_decompositions import SVD  # a sibling family, loaded on first use

    singular = execute(SVD, (_to_last_two(x, axes),), {"compute_uv": False})[0]
    top = reduce_ops.reduce_max(singular, axis=-1)
    shape = [d for k, d in enumerate(x.shape) if k not in axes]
    for a in sorted(axes):
        shape.insert(a, 1)
    return math_ops.cast(array_ops.reshape(top, tuple(shape)), x.dtype)


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """`t * clip_norm / max(l2norm(t, axes), clip_norm)` (`tf.clip_by_norm`).

    A zero norm gives zero gradients rather than NaN (TF's two-tap trick, done with a mask).
    """
    values = conversion.tensor(t)
    if np.isscalar(clip_norm):
        clip_norm = max(clip_norm, 0)
    else:
        clip_norm = math_ops.cast(math_ops.maximum(clip_norm, 0), values.dtype)
    l2sum = reduce_ops.reduce_sum(math_ops.multiply(values, values), axes, keepdims=True)
    positive = math_ops.cast(math_ops.greater(l2sum, math_ops.zeros_like_same(l2sum)), l2sum.dtype)
    l2sum_safe = math_ops.add(l2sum, math_ops.subtract(1, positive))
    l2norm = math_ops.multiply(math_ops.sqrt(l2sum_safe), positive)
    intermediate = math_ops.multiply(values, clip_norm)
    if intermediate._array.shape != values._array.shape and not values.shape.is_compatible_with(intermediate.shape):
        # TF refuses to broadcast t against clip_norm
        raise ValueError(f"Shapes {values.shape} and {intermediate.shape} are incompatible")
    return math_ops.truediv(intermediate, math_ops.maximum(l2norm, clip_norm))
