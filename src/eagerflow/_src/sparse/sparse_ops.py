"""`tf.sparse`: ops on SparseTensors.

Index bookkeeping (sorting, grouping, offsets) is integer work done on the host; values move only
through ops (gather, segment sums, the SparseToDense op below), so gradients reach them.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import (
    array_ops, dispatch, gather_scatter_ops, join_split_ops, math_ops, reduce_ops,
)
from eagerflow._src.sparse.sparse_tensor import SparseTensor


def _host(t: Any) -> np.ndarray:
    return np.asarray(t.numpy())


def _on_host(array: Any) -> np.ndarray:
    """A kernel's input as NumPy (CuPy arrays are copied): index bookkeeping runs on the host."""
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _sparse(indices: np.ndarray, values: Tensor, shape: Any) -> SparseTensor:
    indices = np.asarray(indices, np.int64).reshape(int(values.shape[0]), len(shape))
    return SparseTensor(constant(indices), values, constant(np.asarray(shape, np.int64)))


def _take(values: Tensor, order: np.ndarray) -> Tensor:
    return gather_scatter_ops.gather(values, constant(np.asarray(order, np.int64)))


def _check(sp_input: Any, what: str = "sp_input") -> SparseTensor:
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor.")
    return sp_input


# --- SparseToDense ------------------------------------------------------------------------------
def _index_text(row: Any) -> str:
    return "[" + ",".join(str(int(v)) for v in row) + "]"


def _sparse_to_dense(xp: Any, indices: Any, values: Any, default: Any, shape: tuple,
                     validate_indices: bool = True) -> Any:
    idx = _on_host(indices).reshape(indices.shape[0], len(shape))
    bounds = np.asarray(shape, np.int64)
    if validate_indices and idx.size:
        bad = np.nonzero(np.any((idx < 0) | (idx >= bounds), axis=1))[0]
        if bad.size:
            i = int(bad[0])
            raise _invalid(f"indices[{i}] = {_index_text(idx[i])} is out of bounds: need 0 <= index < "
                           f"{_index_text(bounds)}")
        if idx.shape[0] > 1:
            flat = np.ravel_multi_index(idx.T, shape) if len(shape) else np.zeros(idx.shape[0], np.int64)
            step = np.diff(flat)
            wrong = np.nonzero(step <= 0)[0]
            if wrong.size:
                i = int(wrong[0]) + 1
                if step[i - 1] == 0:
                    raise _invalid(f"indices[{i}] = {_index_text(idx[i])} is repeated")
                raise _invalid(f"indices[{i}] = {_index_text(idx[i])} is out of order. Many sparse ops require "
                               "sorted indices.\n    Use `tf.sparse.reorder` to create a correctly ordered copy.\n\n")
    out = xp.empty(shape, dtype=values.dtype if values.size or values.dtype != object else default.dtype)
    out[...] = default
    if idx.shape[0] and len(shape):
        out[tuple(xp.asarray(idx).T)] = values
    elif idx.shape[0]:
        out[()] = values[-1]
    return out


def _sparse_to_dense_grad(ctx: Any, dy: Tensor) -> tuple:
    return None, gather_scatter_ops.gather_nd(dy, ctx.inputs[0]), None


SPARSE_TO_DENSE = Op("SparseToDense", _sparse_to_dense, grad=_sparse_to_dense_grad)


def to_dense(sp_input: Any, default_value: Any = None, validate_indices: bool = True, name: str | None = None) -> Tensor:
    """The dense tensor (`tf.sparse.to_dense`); unset entries are `default_value` (zero)."""
    sp = _check(sp_input)
    dtype = sp.dtype
    default = convert_to_tensor(default_value if default_value is not None else
                                (b"" if dtype == _dtypes.string else 0), dtype)
    return execute(SPARSE_TO_DENSE, (sp.indices, sp.values, default),
                   {"shape": tuple(int(d) for d in _host(sp.dense_shape)), "validate_indices": bool(validate_indices)})


def from_dense(tensor: Any, name: str | None = None) -> SparseTensor:
    """The nonzero (non-empty for strings) entries of `tensor` (`tf.sparse.from_dense`)."""
    t = convert_to_tensor(tensor)
    array = _host(t)
    zero = b"" if t.dtype == _dtypes.string else 0
    indices = np.argwhere(array != zero).astype(np.int64) if array.ndim else \
        np.zeros((1 if array != zero else 0, 0), np.int64)
    values = gather_scatter_ops.gather_nd(t, constant(indices)) if array.ndim else \
        array_ops.reshape(t, [-1])[: indices.shape[0]]
    return _sparse(indices, values, array.shape)


# --- structure ------------------------------------------------------------------------------------
def _order(indices: np.ndarray) -> np.ndarray:
    if indices.shape[0] == 0 or indices.shape[1] == 0:
        return np.arange(indices.shape[0])
    return np.lexsort(indices.T[::-1])


def reorder(sp_input: Any, name: str | None = None) -> SparseTensor:
    """Indices in row-major order (`tf.sparse.reorder`)."""
    sp = _check(sp_input)
    idx = _host(sp.indices)
    order = _order(idx)
    return _sparse(idx[order], _take(sp.values, order), _host(sp.dense_shape))


def _sparse_reshape(xp: Any, indices: Any, old: Any, new: Any) -> list:
    old, new = _on_host(old).astype(np.int64), _on_host(new).astype(np.int64)
    total = int(np.prod(old))
    shapes = f"input_shape={_index_text(old)} output_shape={_index_text(new)}"
    unknown = np.nonzero(new == -1)[0]
    if unknown.size > 1:
        raise _invalid(f"only one output dimension may be -1, not both {unknown[0]} and {unknown[1]}")
    if unknown.size:
        known = int(np.prod(new[new != -1]))
        if known == 0 or total % known:
            raise _invalid(f"Input to reshape is a SparseTensor with {total} dense values, but the requested "
                           f"shape requires a multiple of {known}. {shapes}")
        new[unknown[0]] = total // known
    if int(np.prod(new)) != total:
        raise _invalid(f"Input to reshape is a tensor with {total} dense values, but the requested shape has "
                       f"{int(np.prod(new))}. {shapes}")
    idx = _on_host(indices)
    flat = np.ravel_multi_index(idx.T, old) if idx.size else np.zeros(idx.shape[0], np.int64)
    new_idx = np.stack(np.unravel_index(flat, new), axis=1) if idx.shape[0] else np.zeros((0, new.shape[0]))
    return [xp.asarray(new_idx.astype(np.int64)), xp.asarray(new)]


SPARSE_RESHAPE = Op("SparseReshape", _sparse_reshape, num_outputs=2)


def reshape(sp_input: Any, shape: Any, name: str | None = None) -> SparseTensor:
    """The same entries in a dense shape with as many elements (`tf.sparse.reshape`); one dim may be -1."""
    sp = _check(sp_input)
    indices, new_shape = execute(SPARSE_RESHAPE, (sp.indices, sp.dense_shape, convert_to_tensor(shape, _dtypes.int64)))
    return SparseTensor(indices, sp.values, new_shape)


def slice(sp_input: Any, start: Any, size: Any, name: str | None = None) -> SparseTensor:  # noqa: A001
    """The entries inside the box `start`..`start + size` (`tf.sparse.slice`)."""
    sp = _check(sp_input)
    shape = _host(sp.dense_shape).astype(np.int64)
    start = np.asarray(_host(convert_to_tensor(start, _dtypes.int64)), np.int64)
    size = np.asarray(_host(convert_to_tensor(size, _dtypes.int64)), np.int64)
    stop = np.minimum(start + size, shape)
    idx = _host(sp.indices)
    keep = np.nonzero(np.all((idx >= start) & (idx < stop), axis=1))[0] if idx.size else np.zeros(0, np.int64)
    return _sparse(idx[keep] - start, _take(sp.values, keep), np.maximum(stop - start, 0))


def concat(axis: int, sp_inputs: Any, name: str | None = None, expand_nonconcat_dims: bool = False,
           concat_dim: Any = None, expand_nonconcat_dim: bool = False) -> SparseTensor:
    """SparseTensors joined along `axis` (`tf.sparse.concat`), output in row-major order."""
    if concat_dim is not None:
        axis = concat_dim
    expand = expand_nonconcat_dims or expand_nonconcat_dim
    inputs = [_check(s) for s in sp_inputs]
    shapes = [_host(s.dense_shape).astype(np.int64) for s in inputs]
    rank = shapes[0].shape[0]
    if axis < 0:
        axis += rank
    out_shape = np.max(shapes, axis=0) if expand else shapes[0].copy()
    if not expand:
        for i, s in enumerate(shapes[1:], 1):
            other = np.delete(s, axis)
            if not np.array_equal(other, np.delete(shapes[0], axis)):
                raise _invalid(f"Input shapes must match: expected {_index_text(np.delete(shapes[0], axis))} for "
                               f"input 0 and {_index_text(other)} for input {i}")
    out_shape[axis] = sum(int(s[axis]) for s in shapes)
    parts, offset = [], 0
    for s, shape in zip(inputs, shapes):
        idx = _host(s.indices).copy()
        idx[:, axis] += offset
        offset += int(shape[axis])
        parts.append(idx)
    idx = np.concatenate(parts) if parts else np.zeros((0, rank), np.int64)
    values = join_split_ops.concat([s.values for s in inputs], axis=0)
    order = _order(idx)
    return _sparse(idx[order], _take(values, order), out_shape)


def retain(sp_input: Any, to_retain: Any) -> SparseTensor:
    """The entries where `to_retain` (bool, one per value) is True (`tf.sparse.retain`)."""
    sp = _check(sp_input)
    keep = _host(convert_to_tensor(to_retain))
    if keep.shape != (sp.values.shape[0],):
        raise ValueError(f"Shapes ({sp.values.shape[0]},) and {keep.shape} are incompatible")
    where = np.nonzero(keep)[0]
    return _sparse(_host(sp.indices)[where], _take(sp.values, where), _host(sp.dense_shape))


def fill_empty_rows(sp_input: Any, default_value: Any, name: str | None = None) -> tuple[SparseTensor, Tensor]:
    """Each empty row gets `default_value` at column 0; also the bool per row of which were empty."""
    sp = _check(sp_input)
    shape = _host(sp.dense_shape).astype(np.int64)
    idx = _host(sp.indices)
    nrows = int(shape[0])
    present = np.zeros(nrows, bool)
    present[idx[:, 0]] = True
    empty = np.nonzero(~present)[0]
    new_idx = np.zeros((empty.shape[0], shape.shape[0]), np.int64)
    new_idx[:, 0] = empty
    all_idx = np.concatenate([idx, new_idx])
    default = array_ops.fill([empty.shape[0]], convert_to_tensor(default_value, sp.dtype))
    values = join_split_ops.concat([sp.values, default], axis=0)
    order = np.argsort(all_idx[:, 0], kind="stable")
    return _sparse(all_idx[order], _take(values, order), shape), constant(~present)


def transpose(sp_input: Any, perm: Any = None, name: str | None = None) -> SparseTensor:
    sp = _check(sp_input)
    shape = _host(sp.dense_shape)
    perm = np.arange(shape.shape[0])[::-1] if perm is None else np.asarray(_host(convert_to_tensor(perm)))
    idx = _host(sp.indices)[:, perm]
    order = _order(idx)
    return _sparse(idx[order], _take(sp.values, order), shape[perm])


def expand_dims(sp_input: Any, axis: Any = None, name: str | None = None) -> SparseTensor:
    sp = _check(sp_input)
    shape = _host(sp.dense_shape)
    rank = shape.shape[0]
    axis = -1 if axis is None else int(axis)
    if axis < 0:
        axis += rank + 1
    idx = np.insert(_host(sp.indices), axis, 0, axis=1)
    return _sparse(idx, sp.values, np.insert(shape, axis, 1))


def reset_shape(sp_input: Any, new_shape: Any = None) -> SparseTensor:
    sp = _check(sp_input)
    idx = _host(sp.indices)
    if new_shape is None:
        shape = idx.max(axis=0) + 1 if idx.shape[0] else np.zeros(idx.shape[1], np.int64)
    else:
        shape = _host(convert_to_tensor(new_shape, _dtypes.int64))
        old = _host(sp.dense_shape)
        if shape.shape != old.shape:
            raise ValueError(f"Shapes {old.shape} and {shape.shape} are incompatible")
        if np.any(shape < old):
            raise _invalid("Condition x <= y did not hold element-wise")
    return _sparse(idx, sp.values, shape)


def to_indicator(sp_input: Any, vocab_size: int, name: str | None = None) -> Tensor:
    """Dense bool: True at [..., id] for each id in each row (`tf.sparse.to_indicator`)."""
    sp = _check(sp_input)
    shape = _host(sp.dense_shape)
    idx = _host(sp.indices)
    ids = _host(sp.values).astype(np.int64)
    out = np.zeros(tuple(shape[:-1]) + (int(vocab_size),), bool)
    if idx.shape[0]:
        out[tuple(idx[:, :-1].T) + (ids,)] = True
    return constant(out)


def split(sp_input: Any = None, num_split: Any = None, axis: Any = None, name: str | None = None,
          keyword_required: Any = None) -> list[SparseTensor]:
    """`num_split` SparseTensors along `axis`; the first `size % num_split` get one more (`tf.sparse.split`)."""
    sp = _check(sp_input)
    shape = _host(sp.dense_shape).astype(np.int64)
    axis = int(axis) % shape.shape[0]
    size, n = int(shape[axis]), int(num_split)
    sizes = [size // n + (1 if i < size % n else 0) for i in range(n)]
    out, start = [], 0
    idx = _host(sp.indices)
    for part in sizes:
        keep = np.nonzero((idx[:, axis] >= start) & (idx[:, axis] < start + part))[0]
        new = idx[keep].copy()
        new[:, axis] -= start
        piece_shape = shape.copy()
        piece_shape[axis] = part
        out.append(_sparse(new, _take(sp.values, keep), piece_shape))
        start += part
    return out


def eye(num_rows: int, num_columns: int | None = None, dtype: Any = _dtypes.float32, name: str | None = None) -> SparseTensor:
    cols = num_rows if num_columns is None else int(num_columns)
    n = min(int(num_rows), cols)
    diag = np.stack([np.arange(n), np.arange(n)], axis=1)
    return _sparse(diag, array_ops.ones([n], dtype=dtype), [int(num_rows), cols])


def map_values(op: Callable[..., Any], *args: Any, **kwargs: Any) -> SparseTensor:
    """`op` on the values of the SparseTensors in args (all with the same indices)."""
    found: list[SparseTensor] = []

    def swap(v: Any) -> Any:
        if isinstance(v, SparseTensor):
            if found and not (np.array_equal(_host(v.indices), _host(found[0].indices))
                              and np.array_equal(_host(v.dense_shape), _host(found[0].dense_shape))):
                raise _invalid("Condition x == y did not hold.")
            found.append(v)
            return v.values
        if isinstance(v, (list, tuple)):
            return type(v)(swap(w) for w in v)
        if isinstance(v, dict):
            return {k: swap(w) for k, w in v.items()}
        return v

    new_args, new_kwargs = swap(list(args)), swap(dict(kwargs))
    if not found:
        raise ValueError("No SparseTensor in argument list of map_values")
    return found[0].with_values(op(*new_args, **new_kwargs))


# --- arithmetic -----------------------------------------------------------------------------------
def _union(a: SparseTensor, b: SparseTensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sorted union of both index sets, and where each input's entries land in it."""
    ia, ib = _host(a.indices), _host(b.indices)
    shape = np.maximum(_host(a.dense_shape), _host(b.dense_shape))
    both = np.concatenate([ia, ib])
    flat = np.ravel_multi_index(both.T, shape) if both.size else np.zeros(both.shape[0], np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    indices = np.stack(np.unravel_index(unique, shape), axis=1) if unique.size else np.zeros((0, shape.shape[0]))
    return indices, inverse[:ia.shape[0]], inverse[ia.shape[0]:]


def add(a: Any, b: Any, threshold: Any = 0, thresh: Any = None) -> Any:
    """a + b (`tf.sparse.add`): sparse + sparse is sparse (sums below `threshold` in magnitude
    dropped); with a dense operand the result is dense."""
    if thresh is not None:
        threshold = thresh
    if not isinstance(a, SparseTensor):
        a, b = b, a
    if not isinstance(b, SparseTensor):
        return math_ops.add(to_dense(a), convert_to_tensor(b, a.dtype))
    if not np.array_equal(_host(a.dense_shape), _host(b.dense_shape)):
        raise _invalid(f"Operands do not have the same ranks; got shapes: {_index_text(_host(a.dense_shape))} and "
                       f"{_index_text(_host(b.dense_shape))}")
    indices, pos_a, pos_b = _union(a, b)
    ids = constant(np.concatenate([pos_a, pos_b]).astype(np.int64))
    values = gather_scatter_ops.unsorted_segment_sum(join_split_ops.concat([a.values, b.values], 0), ids,
                                                     indices.shape[0])
    limit = float(_host(convert_to_tensor(threshold)))
    if limit > 0:
        keep = np.nonzero(np.abs(_host(values)) >= limit)[0]
        return _sparse(indices[keep], _take(values, keep), _host(a.dense_shape))
    return _sparse(indices, values, _host(a.dense_shape))


def _extreme(a: Any, b: Any, fn: Callable[..., Tensor]) -> SparseTensor:
    a, b = _check(a), _check(b)
    indices, pos_a, pos_b = _union(a, b)
    n = indices.shape[0]
    zeros = array_ops.zeros([n], a.dtype)
    dense_a = gather_scatter_ops.tensor_scatter_nd_update(zeros, constant(pos_a[:, None].astype(np.int64)), a.values)
    dense_b = gather_scatter_ops.tensor_scatter_nd_update(zeros, constant(pos_b[:, None].astype(np.int64)), b.values)
    return _sparse(indices, fn(dense_a, dense_b), _host(a.dense_shape))


def maximum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    """Elementwise max of two SparseTensors; a missing entry counts as zero (`tf.sparse.maximum`)."""
    return _extreme(sp_a, sp_b, math_ops.maximum)


def minimum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    return _extreme(sp_a, sp_b, math_ops.minimum)


def _sparse_matmul(xp: Any, indices: Any, values: Any, shape: Any, b: Any, adjoint_a: bool = False,
                   adjoint_b: bool = False) -> Any:
    idx = _on_host(indices)
    rows_n, cols_n = (int(d) for d in _on_host(shape))
    rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    out_rows, inner = (cols_n, rows_n) if adjoint_a else (rows_n, cols_n)
    if adjoint_a and values.dtype.kind == "c":
        values = xp.conj(values)
    if adjoint_b:
        b = xp.conj(b.T) if b.dtype.kind == "c" else b.T
    if b.shape[0] != inner:
        raise _invalid(f"Cannot multiply A and B because inner dimension does not match: {inner} vs. {b.shape[0]}.  "
                       f"Did you forget a transpose?  Dimensions of A: [{out_rows}, {inner}).  Dimensions of B: "
                       f"[{b.shape[0]},{b.shape[1]}]")
    bad = np.nonzero((rows < 0) | (rows >= out_rows))[0]
    if bad.size:
        i = int(bad[0])
        raise _invalid(f"m ({int(rows[i])}) from index[{i},{1 if adjoint_a else 0}] out of bounds (>={out_rows})")
    bad = np.nonzero((cols < 0) | (cols >= inner))[0]
    if bad.size:
        i = int(bad[0])
        raise _invalid(f"k ({int(cols[i])}) from index[{i},{0 if adjoint_a else 1}] out of bounds (>={inner})")
    if xp is np and values.dtype.kind in "fc":
        import scipy.sparse  # first use only: `import eagerflow` does not load SciPy

        matrix = scipy.sparse.csr_matrix((values, (rows, cols)), shape=(out_rows, inner))
        return np.asarray(matrix @ b).astype(b.dtype, copy=False)
    out = xp.zeros((out_rows, b.shape[1]), dtype=b.dtype)
    products = b[xp.asarray(cols)] * values[:, None]
    if xp is np:
        np.add.at(out, rows, products)
    else:
        import cupyx  # GPU only

        cupyx.scatter_add(out, xp.asarray(rows), products)
    return out


def _sparse_matmul_grad(ctx: Any, dy: Tensor) -> tuple:
    """TF's gradient: for b, A^T (or A) times dy; for the values, the dot product of dy's row and
    b's row each entry links."""
    indices, values, shape, b = ctx.inputs
    adjoint_a, adjoint_b = ctx.attrs.get("adjoint_a", False), ctx.attrs.get("adjoint_b", False)
    grad_b = None
    if ctx.needs[3]:
        grad_b = execute(SPARSE_MATMUL, (indices, values, shape, dy), {"adjoint_a": not adjoint_a})
        if adjoint_b:
            grad_b = array_ops.transpose(grad_b)
    grad_values = None
    if ctx.needs[1]:
        idx = _host(indices)
        rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
        dense_b = array_ops.transpose(b) if adjoint_b else b
        parts = math_ops.multiply(_take(dy, rows), _take(dense_b, cols))
        grad_values = reduce_ops.reduce_sum(parts, axis=1)
    return None, grad_values, None, grad_b


SPARSE_MATMUL = Op("SparseTensorDenseMatMul", _sparse_matmul, grad=_sparse_matmul_grad)


def sparse_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False, adjoint_b: bool = False,
                        name: str | None = None) -> Tensor:
    """Sparse matrix times dense matrix (`tf.sparse.sparse_dense_matmul`); a dense `sp_a` with a
    sparse `b` works too."""
    if not isinstance(sp_a, SparseTensor):
        # dense a times sparse b: (b^T a^T)^T
        return array_ops.transpose(sparse_dense_matmul(b, convert_to_tensor(sp_a), adjoint_a=not adjoint_b,
                                                       adjoint_b=not adjoint_a))
    b = convert_to_tensor(b, sp_a.dtype)
    return execute(SPARSE_MATMUL, (sp_a.indices, sp_a.values, sp_a.dense_shape, b),
                   {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)})


def _groups(sp: SparseTensor, axis: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """Entries grouped by their coordinates outside `axis`: group of each entry, the groups' kept
    coordinates, the kept dims."""
    shape = _host(sp.dense_shape).astype(np.int64)
    rank = shape.shape[0]
    axes = list(range(rank)) if axis is None else sorted({int(a) % rank for a in np.atleast_1d(axis)})
    keep = [d for d in range(rank) if d not in axes]
    idx = _host(sp.indices)[:, keep]
    if idx.shape[1]:
        flat = np.ravel_multi_index(idx.T, shape[keep]) if idx.shape[0] else np.zeros(0, np.int64)
    else:
        flat = np.zeros(idx.shape[0], np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    coords = np.stack(np.unravel_index(unique, shape[keep]), axis=1) if keep else np.zeros((unique.shape[0], 0))
    return inverse, coords.astype(np.int64), shape, axes


def _sparse_reduce(sp_input: Any, axis: Any, keepdims: bool, output_is_sparse: bool, kind: str) -> Any:
    sp = _check(sp_input)
    groups, coords, shape, axes = _groups(sp, axis)
    keep = [d for d in range(shape.shape[0]) if d not in axes]
    n = coords.shape[0]
    if kind == "sum":
        values = gather_scatter_ops.unsorted_segment_sum(sp.values, constant(groups.astype(np.int64)), n)
    else:
        # The max of each group's entries (implicit zeros do not count), through the dense op.
        counts = np.bincount(groups, minlength=n) if groups.size else np.zeros(n, np.int64)
        width = int(counts.max()) if counts.size else 0
        order = np.argsort(groups, kind="stable")
        slot = np.arange(groups.shape[0]) - np.repeat(np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        where = np.zeros((groups.shape[0], 2), np.int64)
        where[order, 0] = groups[order]
        where[order, 1] = slot
        dtype = sp.dtype.as_numpy_dtype
        lowest = np.finfo(dtype).min if sp.dtype.is_floating else np.iinfo(dtype).min
        padded = execute(SPARSE_TO_DENSE, (constant(where), sp.values, constant(np.asarray(lowest, dtype))),
                         {"shape": (n, width), "validate_indices": False})
        values = reduce_ops.reduce_max(padded, axis=1)
    out_shape = shape[keep]
    if keepdims:
        full = np.zeros((n, shape.shape[0]), np.int64)
        full[:, keep] = coords
        coords = full
        out_shape = shape.copy()
        out_shape[axes] = 1
    if output_is_sparse:
        return _sparse(coords, values, out_shape)
    return to_dense(_sparse(coords, values, out_shape), validate_indices=False)


def reduce_sum(sp_input: Any, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: str | None = None) -> Any:
    """Sum over `axis` (all when None) (`tf.sparse.reduce_sum`); dense unless `output_is_sparse`."""
    return _sparse_reduce(sp_input, axis, bool(keepdims), output_is_sparse, "sum")


def reduce_max(sp_input: Any, axis: Any = None, keepdims: Any = None, output_is_sparse: bool = False,
               name: str | None = None) -> Any:
    """Max over the entries present along `axis` (`tf.sparse.reduce_max`); an empty group gives 0."""
    return _sparse_reduce(sp_input, axis, bool(keepdims), output_is_sparse, "max")


def softmax(sp_input: Any, name: str | None = None) -> SparseTensor:
    """Softmax over the entries present in each innermost row (`tf.sparse.softmax`)."""
    sp = _check(sp_input)
    groups, _, _, _ = _groups(sp, -1)
    n = int(groups.max()) + 1 if groups.size else 0
    ids = constant(groups.astype(np.int64))
    row_max = reduce_max(sp, axis=-1, output_is_sparse=True).values
    shifted = math_ops.exp(math_ops.subtract(sp.values, gather_scatter_ops.gather(row_max, ids)))
    totals = gather_scatter_ops.unsorted_segment_sum(shifted, ids, n)
    return sp.with_values(math_ops.truediv(shifted, gather_scatter_ops.gather(totals, ids)))


def mask(a: Any, mask_indices: Any, name: str | None = None) -> Any:
    """The slices of an IndexedSlices whose indices are not in `mask_indices` (`tf.sparse.mask`)."""
    from eagerflow._src.framework.indexed_slices import IndexedSlices

    indices = _host(a.indices)
    keep = np.nonzero(~np.isin(indices, _host(convert_to_tensor(mask_indices))))[0]
    return IndexedSlices(_take(a.values, keep), constant(indices[keep]), a.dense_shape)


def _segment(data: Any, indices: Any, segment_ids: Any, num_segments: Any, scale: str) -> Tensor:
    rows = gather_scatter_ops.gather(convert_to_tensor(data), indices)
    ids = convert_to_tensor(segment_ids)
    host_ids = _host(ids).astype(np.int64)
    n = int(_host(convert_to_tensor(num_segments))) if num_segments is not None else \
        (int(host_ids.max()) + 1 if host_ids.size else 0)
    total = gather_scatter_ops.unsorted_segment_sum(rows, ids, n)
    if scale == "sum":
        return total
    counts = np.bincount(host_ids, minlength=n)[:n].astype(rows.dtype.as_numpy_dtype)
    counts = np.maximum(counts, 1)
    if scale == "sqrt_n":
        counts = np.sqrt(counts)
    shape = [n] + [1] * (rows.shape.rank - 1)
    return math_ops.truediv(total, constant(counts.reshape(shape)))


def segment_sum(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    """Sums of `data[indices]` rows per segment (`tf.sparse.segment_sum`)."""
    return _segment(data, indices, segment_ids, num_segments, "sum")


def segment_mean(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    return _segment(data, indices, segment_ids, num_segments, "mean")


def segment_sqrt_n(data: Any, indices: Any, segment_ids: Any, num_segments: Any = None, name: str | None = None) -> Tensor:
    return _segment(data, indices, segment_ids, num_segments, "sqrt_n")


def bincount(values: Any, weights: Any = None, axis: int = 0, minlength: Any = None, maxlength: Any = None,
             binary_output: bool = False, name: str | None = None) -> SparseTensor:
    """Counts (or summed `weights`) of each value, over everything (`axis=0`) or per row
    (`axis=-1`), as a SparseTensor (`tf.sparse.bincount`). `values` may be dense, ragged or sparse."""
    def parts(v: Any) -> tuple[np.ndarray | None, np.ndarray, Any]:
        if isinstance(v, SparseTensor):
            idx = _host(v.indices)
            return (idx[:, 0] if idx.shape[1] > 1 else None), _host(v.values), v.dtype
        if hasattr(v, "flat_values"):  # a RaggedTensor
            return _host(v.value_rowids()), _host(v.flat_values), v.dtype
        t = convert_to_tensor(v)
        array = _host(t)
        if array.ndim > 1:
            return np.repeat(np.arange(array.shape[0]), array.shape[1]), array.reshape(-1), t.dtype
        return None, array.reshape(-1), t.dtype

    rows, items, dtype = parts(values)
    nrows = (int(_host(values.dense_shape)[0]) if isinstance(values, SparseTensor) else
             values.nrows_int() if hasattr(values, "flat_values") else
             (convert_to_tensor(values).shape[0] if convert_to_tensor(values).shape.rank > 1 else None))
    if weights is not None:
        _, w, out_dtype = parts(weights)
    else:
        w, out_dtype = np.ones(items.shape[0]), dtype
    items = items.astype(np.int64)
    keep = items >= 0
    if maxlength is not None:
        keep &= items < int(maxlength)
    size = int(items[keep].max()) + 1 if keep.any() else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    per_row = axis in (-1, 1) and rows is not None
    keys = np.stack([rows[keep], items[keep]], 1) if per_row else items[keep][:, None]
    unique, inverse = np.unique(keys, axis=0, return_inverse=True) if keys.size else \
        (np.zeros((0, keys.shape[1]), np.int64), np.zeros(0, np.int64))
    sums = np.zeros(unique.shape[0])
    np.add.at(sums, inverse.reshape(-1), w[keep] if not binary_output else 1)
    if binary_output:
        sums = np.ones_like(sums)
    shape = [nrows, size] if per_row else [size]
    return _sparse(unique, constant(sums.astype(out_dtype.as_numpy_dtype)), shape)


# --- dispatch: elementwise ops on a SparseTensor --------------------------------------------------
def elementwise(apply: Callable[..., Any], args: tuple) -> Any:
    """Unary ops and products/quotients with scalars or dense tensors act on the stored values
    (TF's sparse dispatch); sparse + sparse is `tf.sparse.add`."""
    sparse = [a for a in args if isinstance(a, SparseTensor)]
    ref = sparse[0]
    if len(sparse) == 2 and len(args) == 2:
        if apply is math_ops.add:
            return add(args[0], args[1])
        raise TypeError("Binary ops on two SparseTensors are not supported here; use tf.sparse.add/maximum/minimum")
    operands = []
    for a in args:
        if a is ref:
            operands.append(ref.values)
        elif isinstance(a, (int, float, bool, complex, np.generic)) or a is None:
            operands.append(a)
        else:
            t = convert_to_tensor(a, dtype_hint=ref.dtype)
            if t.shape.rank == 0:
                operands.append(t)
            else:
                dense = array_ops.broadcast_to(t, [int(d) for d in _host(ref.dense_shape)])
                operands.append(gather_scatter_ops.gather_nd(dense, ref.indices))
    return ref.with_values(apply(*operands))


def _install_operators() -> None:
    cls = SparseTensor
    # TF's SparseTensor overloads only these (with a scalar or dense operand).
    cls.__mul__ = lambda x, y: math_ops.multiply(x, y)
    cls.__truediv__ = lambda x, y: math_ops.truediv(x, y)
    cls.__div__ = cls.__truediv__


_install_operators()
dispatch.ELEMENTWISE[SparseTensor] = elementwise
