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
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ops import (
    array_ops, dispatch, gather_scatter_ops, join_split_ops, math_ops,
)
from eagerflow._src.sparse.sparse_tensor import SparseTensor


def host(t: Any) -> np.ndarray:
    return np.asarray(t.numpy())


def on_host(array: Any) -> np.ndarray:
    """A kernel's input as NumPy (CuPy arrays are copied): index bookkeeping runs on the host."""
    return np.asarray(array.get() if hasattr(array, "get") else array)


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def make_sparse(indices: np.ndarray, values: Tensor, shape: Any) -> SparseTensor:
    indices = np.asarray(indices, np.int64).reshape(int(values.shape[0]), len(shape))
    return SparseTensor(constant(indices), values, constant(np.asarray(shape, np.int64)))


def take(values: Tensor, order: np.ndarray) -> Tensor:
    return gather_scatter_ops.gather(values, constant(np.asarray(order, np.int64)))


def check_sparse(sp_input: Any, what: str = "sp_input") -> SparseTensor:
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor.")
    return sp_input


# --- SparseToDense ------------------------------------------------------------------------------
def index_text(row: Any) -> str:
    return "[" + ",".join(str(int(v)) for v in row) + "]"


def _sparse_to_dense(xp: Any, indices: Any, values: Any, default: Any, shape: tuple,
                     validate_indices: bool = True) -> Any:
    idx = on_host(indices).reshape(indices.shape[0], len(shape))
    bounds = np.asarray(shape, np.int64)
    if validate_indices and idx.size:
        bad = np.nonzero(np.any((idx < 0) | (idx >= bounds), axis=1))[0]
        if bad.size:
            i = int(bad[0])
            raise invalid(f"indices[{i}] = {index_text(idx[i])} is out of bounds: need 0 <= index < "
                           f"{index_text(bounds)}")
        if idx.shape[0] > 1:
            flat = np.ravel_multi_index(idx.T, shape) if len(shape) else np.zeros(idx.shape[0], np.int64)
            step = np.diff(flat)
            wrong = np.nonzero(step <= 0)[0]
            if wrong.size:
                i = int(wrong[0]) + 1
                if step[i - 1] == 0:
                    raise invalid(f"indices[{i}] = {index_text(idx[i])} is repeated")
                raise invalid(f"indices[{i}] = {index_text(idx[i])} is out of order. Many sparse ops require "
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


def _sparse_to_dense_run_time_shape(xp: Any, indices: Any, values: Any, default: Any, dense_shape: Any,
                                    validate_indices: bool = True) -> Any:
    shape = tuple(int(d) for d in on_host(dense_shape).reshape(-1))
    return _sparse_to_dense(xp, indices, values, default, shape, validate_indices)


def _sparse_to_dense_run_time_shape_grad(ctx: Any, dy: Tensor) -> tuple:
    return None, gather_scatter_ops.gather_nd(dy, ctx.inputs[0]), None, None


def _sparse_to_dense_run_time_shape_rule(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    dims = shape_value(inputs[3])
    return [(inputs[1]._array.dtype, None if dims is None else tuple(dims))]


# SparseToDense of a dense shape known when a traced graph runs (TF's op takes it as an input).
SPARSE_TO_DENSE_RUN_TIME_SHAPE = Op("SparseToDenseRunTimeShape", _sparse_to_dense_run_time_shape,
                                    grad=_sparse_to_dense_run_time_shape_grad,
                                    shape_fn=_sparse_to_dense_run_time_shape_rule)


def to_dense(sp_input: Any, default_value: Any = None, validate_indices: bool = True, name: str | None = None) -> Tensor:
    """The dense tensor (`tf.sparse.to_dense`); unset entries are `default_value` (zero)."""
    sp = check_sparse(sp_input)
    dtype = sp.dtype
    default = convert_to_tensor(default_value if default_value is not None else
                                (b"" if dtype == _dtypes.string else 0), dtype)
    if type(sp.dense_shape).__name__ != "EagerTensor":
        dims = sp.shape.dims
        out = execute(SPARSE_TO_DENSE_RUN_TIME_SHAPE, (sp.indices, sp.values, default, sp.dense_shape),
                      {"validate_indices": bool(validate_indices)})
        out.set_shape(dims)
        return out
    return execute(SPARSE_TO_DENSE, (sp.indices, sp.values, default),
                   {"shape": tuple(int(d) for d in host(sp.dense_shape)), "validate_indices": bool(validate_indices)})


def from_dense(tensor: Any, name: str | None = None) -> SparseTensor:
    """The nonzero (non-empty for strings) entries of `tensor` (`tf.sparse.from_dense`)."""
    t = convert_to_tensor(tensor)
    zero = b"" if t.dtype == _dtypes.string else 0
    if type(t).__name__ != "EagerTensor" and t.shape.rank:  # traced: TF's where + gather_nd
        indices = array_ops.where(math_ops.not_equal(t, convert_to_tensor(zero, t.dtype)))
        out = SparseTensor(indices, gather_scatter_ops.gather_nd(t, indices),
                           array_ops.shape(t, out_type=_dtypes.int64))
        out._static_shape = t.shape
        return out
    array = host(t)
    indices = np.argwhere(array != zero).astype(np.int64) if array.ndim else \
        np.zeros((1 if array != zero else 0, 0), np.int64)
    values = gather_scatter_ops.gather_nd(t, constant(indices)) if array.ndim else \
        array_ops.reshape(t, [-1])[: indices.shape[0]]
    return make_sparse(indices, values, array.shape)


# --- structure ------------------------------------------------------------------------------------
def _order(indices: np.ndarray) -> np.ndarray:
    if indices.shape[0] == 0 or indices.shape[1] == 0:
        return np.arange(indices.shape[0])
    return np.lexsort(indices.T[::-1])


def _reorder_indices(xp: Any, indices: Any) -> list:
    idx = on_host(indices).astype(np.int64)
    order = _order(idx)
    return [xp.asarray(idx[order]), xp.asarray(order.astype(np.int64))]


# The row-major order of the indices (TF's SparseReorder sorts the values along): runs when the
# graph runs; the values follow by a gather, which carries their gradient.
SPARSE_REORDER = Op("SparseReorderIndices", _reorder_indices, num_outputs=2,
                    shape_fn=lambda inputs, attrs: [(np.dtype(np.int64), inputs[0]._array.shape),
                                                    (np.dtype(np.int64), (None,))])


def _sorted(indices: Tensor, values: Tensor, dense_shape: Tensor, static: Any = None) -> SparseTensor:
    idx, order = execute(SPARSE_REORDER, (indices,))
    out = SparseTensor(idx, gather_scatter_ops.gather(values, order), dense_shape)
    if static is not None and type(dense_shape).__name__ != "EagerTensor":
        out._static_shape = static
    return out


def reorder(sp_input: Any, name: str | None = None) -> SparseTensor:
    """Indices in row-major order (`tf.sparse.reorder`)."""
    sp = check_sparse(sp_input)
    return _sorted(sp.indices, sp.values, sp.dense_shape, sp._static_shape)


def _sparse_reshape(xp: Any, indices: Any, old: Any, new: Any) -> list:
    old, new = on_host(old).astype(np.int64), on_host(new).astype(np.int64)
    total = int(np.prod(old))
    shapes = f"input_shape={index_text(old)} output_shape={index_text(new)}"
    unknown = np.nonzero(new == -1)[0]
    if unknown.size > 1:
        raise invalid(f"only one output dimension may be -1, not both {unknown[0]} and {unknown[1]}")
    if unknown.size:
        known = int(np.prod(new[new != -1]))
        if known == 0 or total % known:
            raise invalid(f"Input to reshape is a SparseTensor with {total} dense values, but the requested "
                           f"shape requires a multiple of {known}. {shapes}")
        new[unknown[0]] = total // known
    if int(np.prod(new)) != total:
        raise invalid(f"Input to reshape is a tensor with {total} dense values, but the requested shape has "
                       f"{int(np.prod(new))}. {shapes}")
    idx = on_host(indices)
    flat = np.ravel_multi_index(idx.T, old) if idx.size else np.zeros(idx.shape[0], np.int64)
    new_idx = np.stack(np.unravel_index(flat, new), axis=1) if idx.shape[0] else np.zeros((0, new.shape[0]))
    return [xp.asarray(new_idx.astype(np.int64)), xp.asarray(new)]


SPARSE_RESHAPE = Op("SparseReshape", _sparse_reshape, num_outputs=2)


def reshape(sp_input: Any, shape: Any, name: str | None = None) -> SparseTensor:
    """The same entries in a dense shape with as many elements (`tf.sparse.reshape`); one dim may be -1."""
    sp = check_sparse(sp_input)
    indices, new_shape = execute(SPARSE_RESHAPE, (sp.indices, sp.dense_shape, convert_to_tensor(shape, _dtypes.int64)))
    return SparseTensor(indices, sp.values, new_shape)


def slice(sp_input: Any, start: Any, size: Any, name: str | None = None) -> SparseTensor:  # noqa: A001
    """The entries inside the box `start`..`start + size` (`tf.sparse.slice`)."""
    sp = check_sparse(sp_input)
    shape = host(sp.dense_shape).astype(np.int64)
    start = np.asarray(host(convert_to_tensor(start, _dtypes.int64)), np.int64)
    size = np.asarray(host(convert_to_tensor(size, _dtypes.int64)), np.int64)
    stop = np.minimum(start + size, shape)
    idx = host(sp.indices)
    keep = np.nonzero(np.all((idx >= start) & (idx < stop), axis=1))[0] if idx.size else np.zeros(0, np.int64)
    return make_sparse(idx[keep] - start, take(sp.values, keep), np.maximum(stop - start, 0))


def _concat_indices(xp: Any, *arrays: Any, axis: int, expand: bool) -> list:
    n = len(arrays) // 2
    indices = [on_host(a).astype(np.int64) for a in arrays[:n]]
    shapes = [on_host(a).astype(np.int64) for a in arrays[n:]]
    out_shape = np.max(shapes, axis=0) if expand else shapes[0].copy()
    if not expand:
        for i, s in enumerate(shapes[1:], 1):
            for d in range(s.shape[0]):
                if d != axis and s[d] != shapes[0][d]:
                    raise invalid(f"Input shapes must match: expected {int(shapes[0][d])} for dimension {d} "
                                  f"but got {int(s[d])} at position {i}")
    out_shape[axis] = sum(int(s[axis]) for s in shapes)
    parts, offset = [], 0
    for idx, shape in zip(indices, shapes):
        idx = idx.reshape(-1, shape.shape[0]).copy()
        idx[:, axis] += offset
        offset += int(shape[axis])
        parts.append(idx)
    idx = np.concatenate(parts) if parts else np.zeros((0, out_shape.shape[0]), np.int64)
    order = _order(idx)
    return [xp.asarray(idx[order]), xp.asarray(order.astype(np.int64)), xp.asarray(out_shape)]


def _numbered(e: errors.OpError, count: int) -> errors.OpError:
    from eagerflow._src.ops.conversion import numbered

    return numbered(e, SPARSE_CONCAT, "N", count)


# TF's SparseConcat (index work when the graph runs; the values follow by a gather).
SPARSE_CONCAT = Op("SparseConcat", _concat_indices, num_outputs=3,
                   shape_fn=lambda inputs, attrs: [(np.dtype(np.int64), (None, inputs[-1]._array.shape[0]
                                                                       if inputs[-1]._array.shape else None)),
                                                   (np.dtype(np.int64), (None,)),
                                                   (np.dtype(np.int64), inputs[-1]._array.shape)])


def concat(axis: int, sp_inputs: Any, name: str | None = None, expand_nonconcat_dims: bool = False,
           concat_dim: Any = None, expand_nonconcat_dim: bool = False) -> SparseTensor:
    """SparseTensors joined along `axis` (`tf.sparse.concat`), output in row-major order."""
    if concat_dim is not None:
        axis = concat_dim
    expand = bool(expand_nonconcat_dims or expand_nonconcat_dim)
    inputs = [check_sparse(s) for s in sp_inputs]
    rank = inputs[0].dense_shape.shape[0]
    if axis < 0:
        axis += rank
    try:
        indices, order, shape = execute(SPARSE_CONCAT, tuple([s.indices for s in inputs]
                                                             + [s.dense_shape for s in inputs]),
                                        {"axis": int(axis), "expand": expand})
    except errors.OpError as e:  # TF names the op after its list length (SparseConcat_N_2)
        raise _numbered(e, len(inputs)) from None
    values = gather_scatter_ops.gather(join_split_ops.concat([s.values for s in inputs], axis=0), order)
    out = SparseTensor(indices, values, shape)
    if type(shape).__name__ != "EagerTensor":
        dims = [s.shape.dims for s in inputs]
        if all(d is not None for d in dims) and not expand:
            along = [d[axis] for d in dims]
            merged = TensorShape(dims[0])
            for d in dims[1:]:
                merged = merged.merge_with(TensorShape(d[:axis] + [merged.dims[axis]] + d[axis + 1:]))
            out._static_shape = TensorShape(merged.dims[:axis] + [None if None in along else sum(along)]
                                            + merged.dims[axis + 1:])
    return out


def retain(sp_input: Any, to_retain: Any) -> SparseTensor:
    """The entries where `to_retain` (bool, one per value) is True (`tf.sparse.retain`)."""
    sp = check_sparse(sp_input)
    keep = convert_to_tensor(to_retain)
    if keep.shape.rank not in (None, 1):
        raise ValueError(f"Shape {keep.shape} must have rank 1")
    n, k = sp.values.shape[0], keep.shape[0] if keep.shape.rank else None
    if n is not None and k is not None and n != k:
        raise ValueError(f"Dimensions {n} and {k} are not compatible")
    where = array_ops.reshape(array_ops.where(keep), [-1])  # ops: works when traced
    out = SparseTensor(gather_scatter_ops.gather(sp.indices, where), gather_scatter_ops.gather(sp.values, where),
                       sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


def _fill_empty_rows_indices(xp: Any, indices: Any, dense_shape: Any) -> list:
    """(indices with one [row, 0, ...] per empty row, sorted by row; the order that takes the
    values followed by the defaults into them; the empty-row indicator; the number of defaults)."""
    shape = on_host(dense_shape).astype(np.int64)
    idx = on_host(indices).astype(np.int64).reshape(-1, shape.shape[0])
    present = np.zeros(int(shape[0]), bool)
    present[idx[:, 0]] = True
    empty = np.nonzero(~present)[0]
    new_idx = np.zeros((empty.shape[0], shape.shape[0]), np.int64)
    new_idx[:, 0] = empty
    all_idx = np.concatenate([idx, new_idx])
    order = np.argsort(all_idx[:, 0], kind="stable")
    return [xp.asarray(all_idx[order]), xp.asarray(order.astype(np.int64)), xp.asarray(~present),
            xp.asarray(np.int64(empty.shape[0]))]


def _fill_empty_rows_shapes(inputs: Any, attrs: dict) -> list:
    rank = inputs[1]._array.shape[0] if inputs[1]._array.shape is not None else None
    from eagerflow._src.framework.shape_inference import shape_value

    dims = shape_value(inputs[1])
    rows = dims[0] if dims else None
    return [(np.dtype(np.int64), (None, rank)), (np.dtype(np.int64), (None,)), (np.dtype(bool), (rows,)),
            (np.dtype(np.int64), ())]


# Integer bookkeeping only (values follow by a gather, which carries their gradient): runs when
# the graph runs, so it works on SparseTensors traced in tf.function and tf.data.
SPARSE_FILL_EMPTY_ROWS = Op("SparseFillEmptyRowsIndices", _fill_empty_rows_indices, num_outputs=4,
                            shape_fn=_fill_empty_rows_shapes)


def fill_empty_rows(sp_input: Any, default_value: Any, name: str | None = None) -> tuple[SparseTensor, Tensor]:
    """Each empty row gets `default_value` at column 0; also the bool per row of which were empty."""
    sp = check_sparse(sp_input)
    indices, order, empty, count = execute(SPARSE_FILL_EMPTY_ROWS, (sp.indices, sp.dense_shape))
    default = array_ops.fill(array_ops.reshape(count, [1]), convert_to_tensor(default_value, sp.dtype))
    values = gather_scatter_ops.gather(join_split_ops.concat([sp.values, default], axis=0), order)
    out = SparseTensor(indices, values, sp.dense_shape)
    out._static_shape = sp._static_shape
    return out, empty


def transpose(sp_input: Any, perm: Any = None, name: str | None = None) -> SparseTensor:
    sp = check_sparse(sp_input)
    rank = sp.dense_shape.shape[0]
    if perm is None:
        perm = np.arange(rank)[::-1]
    perm = np.asarray(host(convert_to_tensor(perm)), np.int64)
    permutation = constant(perm)
    indices = gather_scatter_ops.gather(sp.indices, permutation, axis=1)
    dims = sp.shape.dims
    static = None if dims is None else TensorShape([dims[p] for p in perm])
    return _sorted(indices, sp.values, gather_scatter_ops.gather(sp.dense_shape, permutation), static)


def expand_dims(sp_input: Any, axis: Any = None, name: str | None = None) -> SparseTensor:
    sp = check_sparse(sp_input)
    rank = sp.dense_shape.shape[0]
    axis = -1 if axis is None else int(axis)
    if axis < 0:
        axis += rank + 1
    # Through ops (a column of zeros into the indices, a 1 into the shape): works when traced.
    column = array_ops.zeros_like(sp.indices[:, :1])
    indices = join_split_ops.concat([sp.indices[:, :axis], column, sp.indices[:, axis:]], 1)
    shape = join_split_ops.concat([sp.dense_shape[:axis], constant(np.ones(1, np.int64)), sp.dense_shape[axis:]], 0)
    out = SparseTensor(indices, sp.values, shape)
    if type(shape).__name__ != "EagerTensor":
        dims = sp.shape.dims
        out._static_shape = TensorShape(None if dims is None else dims[:axis] + [1] + dims[axis:])
    return out


def reset_shape(sp_input: Any, new_shape: Any = None) -> SparseTensor:
    sp = check_sparse(sp_input)
    idx = host(sp.indices)
    if new_shape is None:
        shape = idx.max(axis=0) + 1 if idx.shape[0] else np.zeros(idx.shape[1], np.int64)
    else:
        shape = host(convert_to_tensor(new_shape, _dtypes.int64))
        old = host(sp.dense_shape)
        if shape.shape != old.shape:
            raise ValueError(f"Shapes {old.shape} and {shape.shape} are incompatible")
        if np.any(shape < old):
            raise invalid("Condition x <= y did not hold element-wise")
    return make_sparse(idx, sp.values, shape)


def to_indicator(sp_input: Any, vocab_size: int, name: str | None = None) -> Tensor:
    """Dense bool: True at [..., id] for each id in each row (`tf.sparse.to_indicator`)."""
    sp = check_sparse(sp_input)
    shape = host(sp.dense_shape)
    idx = host(sp.indices)
    ids = host(sp.values).astype(np.int64)
    out = np.zeros(tuple(shape[:-1]) + (int(vocab_size),), bool)
    if idx.shape[0]:
        out[tuple(idx[:, :-1].T) + (ids,)] = True
    return constant(out)


def split(sp_input: Any = None, num_split: Any = None, axis: Any = None, name: str | None = None,
          keyword_required: Any = None) -> list[SparseTensor]:
    """`num_split` SparseTensors along `axis`; the first `size % num_split` get one more (`tf.sparse.split`)."""
    sp = check_sparse(sp_input)
    shape = host(sp.dense_shape).astype(np.int64)
    axis = int(axis) % shape.shape[0]
    size, n = int(shape[axis]), int(num_split)
    sizes = [size // n + (1 if i < size % n else 0) for i in range(n)]
    out, start = [], 0
    idx = host(sp.indices)
    for part in sizes:
        keep = np.nonzero((idx[:, axis] >= start) & (idx[:, axis] < start + part))[0]
        new = idx[keep].copy()
        new[:, axis] -= start
        piece_shape = shape.copy()
        piece_shape[axis] = part
        out.append(make_sparse(new, take(sp.values, keep), piece_shape))
        start += part
    return out


def eye(num_rows: int, num_columns: int | None = None, dtype: Any = _dtypes.float32, name: str | None = None) -> SparseTensor:
    cols = num_rows if num_columns is None else int(num_columns)
    n = min(int(num_rows), cols)
    diag = np.stack([np.arange(n), np.arange(n)], axis=1)
    return make_sparse(diag, array_ops.ones([n], dtype=dtype), [int(num_rows), cols])


def map_values(op: Callable[..., Any], *args: Any, **kwargs: Any) -> SparseTensor:
    """`op` on the values of the SparseTensors in args (all with the same indices)."""
    found: list[SparseTensor] = []

    def swap(v: Any) -> Any:
        if isinstance(v, SparseTensor):
            if found and not (np.array_equal(host(v.indices), host(found[0].indices))
                              and np.array_equal(host(v.dense_shape), host(found[0].dense_shape))):
                raise invalid("Condition x == y did not hold.")
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


# --- dispatch: elementwise ops on a SparseTensor --------------------------------------------------
def elementwise(apply: Callable[..., Any], args: tuple) -> Any:
    """Unary ops and products/quotients with scalars or dense tensors act on the stored values
    (TF's sparse dispatch); sparse + sparse is `tf.sparse.add`."""
    sparse = [a for a in args if isinstance(a, SparseTensor)]
    ref = sparse[0]
    if len(sparse) == 2 and len(args) == 2:
        if apply is math_ops.add:
            from eagerflow._src.sparse.sparse_math_ops import add  # sparse + sparse

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
                dense = array_ops.broadcast_to(t, [int(d) for d in host(ref.dense_shape)])
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


# --- dispatch: size and rank (TF's `tf.size`/`tf.rank` take a SparseTensor) -------------------------
def _size(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:  # noqa: A002
    from eagerflow._src.ops import reduce_ops

    return math_ops.cast(reduce_ops.reduce_prod(input.dense_shape), _dtypes.int32 if out_type is None else out_type)


def _rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    return array_ops.size(input.dense_shape)


dispatch.API[(SparseTensor, "size")] = _size
dispatch.API[(SparseTensor, "rank")] = _rank
