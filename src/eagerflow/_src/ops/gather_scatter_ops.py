"""Gathering and scattering by index (`tf.gather`, `tf.gather_nd`, `tf.scatter_nd`,
`tf.tensor_scatter_nd_*`, `tf.math.unsorted_segment_sum`).

The family's gradients are each other: gather's is a segment sum, scatter's a gather. Each op
is declared once with its gradient beside it; index checks carry TF's messages.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.ops import (array_ops, conversion, dispatch, dynamic_shape_ops, join_split_ops, math_ops,
                                 run_time_axis)
from eagerflow._src.ops.array_args import (
    INDEX_TYPES, INT32_64, check_index_dtype, dims_text, index_tensor, invalid, matching, scalar_int,
    static_shape, zeros_like_array,
)


def _first_bad(xp: Any, bad: Any) -> tuple | None:
    """The multi-index of the first True in `bad`, or None."""
    if not bool(xp.any(bad)):
        return None
    flat = int(xp.argmax(bad.ravel()))
    return tuple(int(i) for i in np.unravel_index(flat, bad.shape))


def _position_text(position: tuple) -> str:
    return "[" + ",".join(str(i) for i in position) + "]" if position else ""


def _gather(xp: Any, params: Any, indices: Any, axis: int, batch_dims: int) -> Any:
    if params.ndim < axis + 1:
        raise invalid(f"Shape must be at least rank {axis + 1} but is rank {params.ndim}")
    if batch_dims > axis:
        raise invalid(f"batch_dims ({batch_dims}) must be less than or equal to axis ({axis}).")
    limit = params.shape[axis]
    position = _first_bad(xp, (indices < 0) | (indices >= limit))
    if position is not None:
        value = int(indices[position])
        raise invalid(f"indices{_position_text(position)} = {value} is not in [0, {limit})")
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    batch = params.shape[:batch_dims]
    nb = math.prod(batch)
    p = params.reshape((nb,) + params.shape[batch_dims:])
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    p = xp.moveaxis(p, axis - batch_dims + 1, 1)  # (nb, N, outer..., inner...)
    rows = xp.arange(nb).reshape((nb,) + (1,) * (idx.ndim - 1))
    out = p[rows, idx]  # (nb, I..., outer..., inner...)
    n_i = idx.ndim - 1
    n_outer = axis - batch_dims
    perm = [0] + [1 + n_i + k for k in range(n_outer)] + [1 + k for k in range(n_i)]
    perm += list(range(1 + n_i + n_outer, out.ndim))
    out = xp.transpose(out, perm)
    return out.reshape(batch + out.shape[1:])


def _gather_grad(ctx: Any, dy: Tensor) -> tuple:
    params, indices = ctx.inputs
    axis, bd = ctx.attrs["axis"], ctx.attrs["batch_dims"]
    pshape = static_shape(params)
    if axis == 0 and bd == 0:
        # TF's gradient of a row gather is sparse: the rows of dy at the gathered indices.
        if dynamic_shape_ops.has_unknown(pshape):  # a traced gather over dims known only when the graph runs
            dense_shape = array_ops.shape(params, out_type=_dtypes.int32)
            rows = array_ops.reshape(dy, join_split_ops.concat([[-1], dense_shape[1:]], 0))
        else:
            rows = array_ops.reshape(dy, (-1,) + pshape[1:])
            dense_shape = conversion.tensor(np.asarray(pshape, dtype=np.int32))
        return (IndexedSlices(rows, array_ops.reshape(indices, (-1,)), dense_shape), None)
    if dynamic_shape_ops.has_unknown(pshape) or dynamic_shape_ops.has_unknown(indices._array.shape):
        # dims known only when the graph runs: dy summed into zeros like params by one kernel
        return (execute(GATHER_GRAD_LIKE, (dy, params, indices), {"axis": axis, "batch_dims": bd}), None)
    batch, outer, n, inner = pshape[:bd], pshape[bd:axis], pshape[axis], pshape[axis + 1:]
    ishape = static_shape(indices)[bd:]
    nb, ni = math.prod(batch), math.prod(ishape)
    n_outer, n_i = len(outer), len(ishape)
    # dy is batch + outer + I + inner: bring I forward, flatten, and sum rows into segments.
    perm = list(range(bd)) + [bd + n_outer + k for k in range(n_i)]
    perm += [bd + k for k in range(n_outer)] + list(range(bd + n_outer + n_i, len(static_shape(dy))))
    rows = array_ops.reshape(array_ops.transpose(dy, perm), (nb * ni,) + outer + inner)
    ids = array_ops.reshape(indices, (nb, ni))
    if nb > 1:
        offsets = array_ops.reshape(array_ops.range(0, nb * n, n, dtype=indices.dtype), (nb, 1))
        ids = math_ops.add(ids, offsets)
    summed = unsorted_segment_sum(rows, array_ops.reshape(ids, (-1,)), nb * n)
    summed = array_ops.reshape(summed, batch + (n,) + outer + inner)
    back = list(range(bd)) + [bd + 1 + k for k in range(n_outer)] + [bd]
    back += list(range(bd + 1 + n_outer, bd + 1 + n_outer + len(inner)))
    return (array_ops.transpose(summed, back), None)


GATHER = Op("GatherV2", _gather, grad=_gather_grad)


def _gather_grad_like(xp: Any, dy: Any, params: Any, indices: Any, axis: int, batch_dims: int) -> Any:
    out = xp.zeros(params.shape, dtype=dy.dtype)
    axis %= params.ndim
    if batch_dims < 0:
        batch_dims += indices.ndim
    lead = (slice(None),) * (axis - batch_dims)
    for b in np.ndindex(*params.shape[:batch_dims]):
        xp.add.at(out[b], lead + (indices[b],), dy[b])
    return out


def _gather_grad_like_grad(ctx: Any, g: Tensor) -> tuple:
    return (execute(GATHER, (g, ctx.inputs[2]), ctx.attrs), None, None)


# The gradient of a gather over dims known only when the graph runs: `dy` added into zeros
# shaped like `params` at `indices` (linear in dy: its gradient gathers again).
GATHER_GRAD_LIKE = Op("GatherGradDynamic", _gather_grad_like, grad=_gather_grad_like_grad,
                      shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, inputs[1]._array.shape)])


def gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None, batch_dims: int = 0,
           name: str | None = None) -> Tensor:
    """Slices of `params` along `axis` at `indices` (`tf.gather`)."""
    fallback = conversion.takes_fallback(params, indices, 0 if axis is None else axis)
    try:
        p = conversion.tensor(params)
    except (TypeError, ValueError):
        if dispatch.composite_in(params):  # RaggedTensor (TF's dispatch)
            return dispatch.call("gather", params, indices, axis=axis, batch_dims=batch_dims)
        raise
    try:
        idx = index_tensor(indices)
    except (TypeError, ValueError):
        if dispatch.composite_in(indices):  # RaggedTensor indices (TF's dispatch)
            return dispatch.call("gather", params, indices, axis=axis, batch_dims=batch_dims)
        raise
    check_index_dtype(GATHER, idx, fallback=fallback)
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += idx.ndim
    if axis is None:
        axis = batch_dims
    else:
        axis = run_time_axis.folded(axis)
        if isinstance(axis, SymbolicTensor):
            return run_time_axis.switch_over_axis(
                axis, p, 0, "Shape must be at least rank {need} but is rank {rank}",
                lambda a: gather(p, idx, axis=a, batch_dims=batch_dims))
        axis = scalar_int(axis)
    if axis < 0:
        axis += p.ndim
    return conversion.run(GATHER, (p, idx), {"axis": axis, "batch_dims": batch_dims}, fallback)


def _nd_index(indices: Any) -> tuple:
    return tuple(indices[..., k] for k in range(indices.shape[-1]))


def _check_nd_indices(xp: Any, indices: Any, shape: tuple, what: str) -> None:
    depth = indices.shape[-1]
    bounds = xp.asarray(shape[:depth], dtype=indices.dtype)
    bad = xp.any((indices < 0) | (indices >= bounds), axis=-1)
    position = _first_bad(xp, bad)
    if position is not None:
        values = ", ".join(str(int(v)) for v in indices[position])
        raise invalid(f"indices{_position_text(position) or '[0]'} = [{values}] does not index into {what} {dims_text(shape)}")


def _gather_nd(xp: Any, params: Any, indices: Any, batch_dims: int = 0) -> Any:
    batch = params.shape[:batch_dims]
    nb = math.prod(batch)
    p = params.reshape((nb,) + params.shape[batch_dims:])
    idx = indices.reshape((nb,) + indices.shape[batch_dims:])
    inner = p.shape[1:]
    if idx.shape[-1] > len(inner):
        raise invalid(f"index innermost dimension length must be <= params rank; saw: {idx.shape[-1]} vs. {len(inner)}")
    position = _first_bad(xp, xp.any((idx < 0) | (idx >= xp.asarray(inner[:idx.shape[-1]], dtype=idx.dtype)), axis=-1))
    if position is not None:
        position = np.unravel_index(np.ravel_multi_index(position, idx.shape[:-1]), indices.shape[:-1])
        values = ", ".join(str(int(v)) for v in indices[tuple(position)])
        raise invalid(f"indices{_position_text(tuple(int(i) for i in position))} = [{values}] does not index "
                      f"into param shape {dims_text(params.shape)}, node name: GatherNd")
    rows = xp.arange(nb).reshape((nb,) + (1,) * (idx.ndim - 2))
    out = p[(rows,) + _nd_index(idx)]
    return out.reshape(batch + out.shape[1:])


def _gather_nd_grad(ctx: Any, dy: Tensor) -> tuple:
    params, indices = ctx.inputs
    bd = ctx.attrs["batch_dims"]
    pshape = static_shape(params)
    if dynamic_shape_ops.has_unknown(pshape) or dynamic_shape_ops.has_unknown(indices._array.shape):
        return (execute(GATHER_ND_GRAD_LIKE, (dy, params, indices), {"batch_dims": bd}), None)
    if bd == 0:
        return (scatter_nd(indices, dy, pshape), None)
    batch, rest = pshape[:bd], pshape[bd:]
    nb = math.prod(batch)
    ishape = static_shape(indices)
    nj, depth = math.prod(ishape[bd:-1]), ishape[-1]
    idx = array_ops.reshape(indices, (nb, nj, depth))
    rows = array_ops.broadcast_to(array_ops.reshape(array_ops.range(nb, dtype=indices.dtype), (nb, 1, 1)), (nb, nj, 1))
    full = join_split_ops.concat([rows, idx], -1)
    updates = array_ops.reshape(dy, (nb, nj) + rest[depth:])
    return (array_ops.reshape(scatter_nd(full, updates, (nb,) + rest), pshape), None)


GATHER_ND = Op("GatherNd", _gather_nd, grad=_gather_nd_grad)


def _gather_nd_grad_like(xp: Any, dy: Any, params: Any, indices: Any, batch_dims: int) -> Any:
    out = xp.zeros(params.shape, dtype=dy.dtype)
    for b in np.ndindex(*params.shape[:batch_dims]):
        idx = indices[b]
        xp.add.at(out[b], tuple(xp.moveaxis(idx, -1, 0)), dy[b])
    return out


# gather_nd's gradient over dims known only when the graph runs (linear in dy: gathers again).
GATHER_ND_GRAD_LIKE = Op("GatherNdGradDynamic", _gather_nd_grad_like,
                         grad=lambda ctx, g: (execute(GATHER_ND, (g, ctx.inputs[2]), ctx.attrs), None, None),
                         shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, inputs[1]._array.shape)])


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name: str | None = None) -> Tensor:
    """Slices of `params` at the coordinates in `indices`' last dimension (`tf.gather_nd`)."""
    fallback = conversion.takes_fallback(params, indices)
    p = conversion.tensor(params)
    idx = index_tensor(indices)
    check_index_dtype(GATHER_ND, idx, fallback=fallback)
    return conversion.run(GATHER_ND, (p, idx), {"batch_dims": int(batch_dims)}, fallback)


def _scatter_at(xp: Any, ufunc: str, target: Any, index: tuple, values: Any) -> None:
    """`target[index] op= values` with repeated indices combined (NumPy's ufunc.at; cupyx on GPU)."""
    fn = getattr(xp, ufunc)
    if hasattr(fn, "at"):
        fn.at(target, index, values)
        return
    import cupyx  # GPU only

    getattr(cupyx, {"add": "scatter_add", "minimum": "scatter_min", "maximum": "scatter_max"}[ufunc])(
        target, index, values)


def _check_updates(indices: Any, updates: Any, shape: tuple, op_name: str) -> None:
    outer = indices.shape[:-1]
    expected = outer + tuple(shape[indices.shape[-1]:])
    if updates.shape != expected:
        if op_name == "ScatterNd":
            raise invalid(f"Dimensions [0,{len(outer)}) of indices[shape={dims_text(indices.shape)}] must "
                          f"match dimensions [0,{len(outer)}) of updates[shape={dims_text(updates.shape)}]")
        raise invalid(f"Outer dimensions of indices and update must match. Indices shape: "
                      f"{dims_text(indices.shape)}, updates shape:{dims_text(updates.shape)}")


def _scatter_nd(xp: Any, indices: Any, updates: Any, shape: tuple) -> Any:
    _check_updates(indices, updates, shape, "ScatterNd")
    _check_nd_indices(xp, indices, shape, "shape")
    out = zeros_like_array(xp, xp.empty(shape, dtype=updates.dtype))
    _scatter_at(xp, "add", out, _nd_index(indices), updates)
    return out


def _tensor_scatter(ufunc: str | None, op_name: str) -> Any:
    def forward(xp: Any, tensor: Any, indices: Any, updates: Any) -> Any:
        _check_updates(indices, updates, tensor.shape, op_name)
        _check_nd_indices(xp, indices, tensor.shape, "shape")
        out = tensor.copy()
        if ufunc is None:
            out[_nd_index(indices)] = updates
        elif ufunc == "subtract":
            _scatter_at(xp, "add", out, _nd_index(indices), -updates)
        else:
            _scatter_at(xp, ufunc, out, _nd_index(indices), updates)
        return out

    return forward


def _tensor_scatter_update_grad(ctx: Any, dy: Tensor) -> tuple:
    _, indices, updates = ctx.inputs
    cleared = execute(TENSOR_SCATTER_UPDATE, (dy, indices, array_ops.zeros_like(updates)))
    return (cleared, None, gather_nd(dy, indices))


def _tensor_scatter_min_max_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF's rule: the gradient is shared among the inputs that equal the chosen output.
    tensor, indices, updates = ctx.inputs
    out = ctx.output
    x_hit = math_ops.cast(math_ops.equal(tensor, out), dy.dtype)
    y_hit = math_ops.cast(math_ops.equal(updates, gather_nd(out, indices)), dy.dtype)
    if dynamic_shape_ops.has_unknown(tensor._array.shape):  # (its shape known only when the graph runs)
        hits = execute(TENSOR_SCATTER_ADD, (x_hit, indices, y_hit))
    else:
        hits = math_ops.add(x_hit, scatter_nd(indices, y_hit, static_shape(tensor)))
    share = math_ops.divide(dy, hits)
    return (math_ops.multiply(share, x_hit), None, math_ops.multiply(gather_nd(share, indices), y_hit))


SCATTER_ND = Op("ScatterNd", _scatter_nd, grad=lambda ctx, dy: (None, gather_nd(dy, ctx.inputs[0])),
                shape_fn=lambda inputs, attrs: [(inputs[1]._array.dtype, tuple(attrs["shape"]))])
TENSOR_SCATTER_UPDATE = Op("TensorScatterUpdate", _tensor_scatter(None, "TensorScatterUpdate"),
                           grad=_tensor_scatter_update_grad)
TENSOR_SCATTER_ADD = Op("TensorScatterAdd", _tensor_scatter("add", "TensorScatterAdd"),
                        grad=lambda ctx, dy: (dy, None, gather_nd(dy, ctx.inputs[1])))
TENSOR_SCATTER_SUB = Op("TensorScatterSub", _tensor_scatter("subtract", "TensorScatterSub"),
                        grad=lambda ctx, dy: (dy, None, math_ops.negative(gather_nd(dy, ctx.inputs[1]))))
TENSOR_SCATTER_MIN = Op("TensorScatterMin", _tensor_scatter("minimum", "TensorScatterMin"),
                        grad=_tensor_scatter_min_max_grad)
TENSOR_SCATTER_MAX = Op("TensorScatterMax", _tensor_scatter("maximum", "TensorScatterMax"),
                        grad=_tensor_scatter_min_max_grad)


def _no_kernel(op: Op, tensor: Tensor, indices: Tensor, fallback: bool) -> None:
    """TF's NotFoundError for int16/uint16 indices, which its OpDef takes and no CPU kernel does."""
    if indices.dtype not in INT32_64:
        attrs = {"T": tensor.dtype, "Tindices": indices.dtype, "bad_indices_policy": ""}
        raise conversion.no_kernel_error(op, attrs, fallback)


def scatter_nd(indices: Any, updates: Any, shape: Any, name: str | None = None) -> Tensor:
    """Zeros of `shape` with `updates` summed in at `indices` (`tf.scatter_nd`)."""
    fallback = conversion.takes_fallback(indices, updates, shape)
    u = conversion.tensor(updates)
    idx, shape_t = conversion.typed_operands(SCATTER_ND, "Tindices", [indices, shape], INDEX_TYPES, None, fallback,
                                             positions=(0, 2))
    _no_kernel(SCATTER_ND, u, idx, fallback)
    dims = tuple(int(d) for d in np.asarray(shape_t.numpy()).ravel())
    return conversion.run(SCATTER_ND, (idx, u), {"shape": dims}, fallback)


# The indices each tensor_scatter op's OpDef takes (TF's CPU kernels: int32 and int64 only).
_TENSOR_SCATTER_INDEX_TYPES = {"TensorScatterUpdate": INDEX_TYPES + (_dtypes.uint16,)}


def _run_tensor_scatter(op: Op, tensor: Any, indices: Any, updates: Any) -> Tensor:
    fallback = conversion.takes_fallback(tensor, indices, updates)
    t = conversion.tensor(tensor)
    idx = index_tensor(indices)
    check_index_dtype(op, idx, allowed=_TENSOR_SCATTER_INDEX_TYPES.get(op.name, INT32_64), fallback=fallback)
    t, u = matching(op, [t, updates])
    _no_kernel(op, t, idx, fallback)
    return conversion.run(op, (t, idx, u), {}, fallback)


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with the slices at `indices` replaced by `updates` (`tf.tensor_scatter_nd_update`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_UPDATE, tensor, indices, updates)


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with `updates` added at `indices` (`tf.tensor_scatter_nd_add`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_ADD, tensor, indices, updates)


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """`tensor` with `updates` subtracted at `indices` (`tf.tensor_scatter_nd_sub`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_SUB, tensor, indices, updates)


def tensor_scatter_nd_min(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """Elementwise min of `tensor` and `updates` at `indices` (`tf.tensor_scatter_nd_min`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_MIN, tensor, indices, updates)


def tensor_scatter_nd_max(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """Elementwise max of `tensor` and `updates` at `indices` (`tf.tensor_scatter_nd_max`)."""
    return _run_tensor_scatter(TENSOR_SCATTER_MAX, tensor, indices, updates)


def _unsorted_segment_sum(xp: Any, data: Any, segment_ids: Any, num_segments: int) -> Any:
    position = _first_bad(xp, segment_ids >= num_segments)
    if position is not None:
        raise invalid(f"segment_ids{_position_text(position)} = {int(segment_ids[position])} is out of range "
                      f"[0, {num_segments})")
    out = xp.zeros((num_segments,) + data.shape[segment_ids.ndim:], dtype=data.dtype)
    keep = segment_ids >= 0  # TF drops negative ids
    _scatter_at(xp, "add", out, segment_ids[keep], data[keep])
    return out


def trailing_ones(t: Tensor, data: Tensor, ids: Tensor) -> Tensor:
    """`t` with a size-1 dim appended per dim of `data` beyond `ids`' rank (to broadcast per row);
    in a graph with unknown dims or rank, through ops on the run-time shapes."""
    d, i = data._array.ndim, ids._array.ndim
    if d is not None and i is not None:
        shape = t._array.shape
        if shape is not None and None not in shape:
            return array_ops.reshape(t, tuple(shape) + (1,) * (d - i))
        for _ in range(d - i):
            t = array_ops.expand_dims(t, -1)
        return t
    extra = array_ops.reshape(math_ops.subtract(array_ops.rank(data), array_ops.rank(ids)), (1,))
    ones = array_ops.fill(extra, conversion.tensor(1, _dtypes.int32))
    return array_ops.reshape(t, join_split_ops.concat([array_ops.shape(t), ones], 0))


def _unsorted_segment_sum_grad(ctx: Any, dy: Tensor) -> tuple:
    ids = ctx.inputs[1]
    gathered = gather(dy, math_ops.maximum(ids, 0))
    keep = trailing_ones(math_ops.greater_equal(ids, 0), gathered, ids)
    return (array_ops.where(keep, gathered, array_ops.zeros_like(gathered)), None)


UNSORTED_SEGMENT_SUM = Op("UnsortedSegmentSum", _unsorted_segment_sum, grad=_unsorted_segment_sum_grad)


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Sums of the rows of `data` per segment id; negative ids are dropped (`tf.math.unsorted_segment_sum`)."""
    fallback = conversion.takes_fallback(data, segment_ids, num_segments)
    d = conversion.tensor(data)
    (ids,) = conversion.typed_operands(UNSORTED_SEGMENT_SUM, "Tindices", [segment_ids], INDEX_TYPES, None, fallback)
    (n,) = conversion.typed_operands(UNSORTED_SEGMENT_SUM, "Tnumsegments", [num_segments], INT32_64, _dtypes.int32,
                                     fallback)
    return conversion.run(UNSORTED_SEGMENT_SUM, (d, ids), {"num_segments": scalar_int(n)}, fallback)


def indexed_slices_to_dense(values: Tensor, indices: Tensor, dense_shape: Tensor) -> Tensor:
    """The dense tensor an `IndexedSlices` stands for: its rows summed at their indices."""
    # (TF's IndexedSlices keeps its arguments as given: a tuple dense_shape is fine.)
    if isinstance(dense_shape, Tensor) and type(dense_shape).__name__ != "EagerTensor":
        from eagerflow._src.framework.shape_inference import constant_value

        if constant_value(dense_shape) is None:  # known only when the traced graph runs
            zeros = array_ops.zeros(dense_shape, values.dtype)
            return tensor_scatter_nd_add(zeros, array_ops.reshape(indices, (-1, 1)), values)
    shape = tuple(int(d) for d in np.asarray(dense_shape.numpy() if hasattr(dense_shape, "numpy") else dense_shape))
    summed = unsorted_segment_sum(values, indices, shape[0])
    return summed if static_shape(summed) == shape else array_ops.reshape(summed, shape)
