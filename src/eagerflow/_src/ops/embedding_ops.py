"""Embedding lookups (`tf.nn.embedding_lookup`, `embedding_lookup_sparse`, `safe_embedding_lookup_sparse`).

A lookup is a Gather (its gradient is TF's: IndexedSlices summed densely by the tape); a list of
shards is TF 2's "div" partitioning, which is the same as gathering from the shards concatenated.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, gather_scatter_ops, join_split_ops, math_ops, reduce_ops


def _table(params: Any) -> Tensor:
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("`params` must be specified. Received params=[]")
        if len(params) == 1:
            return conversion.tensor(params[0]) if not hasattr(params[0], "read_value") else params[0]
        return join_split_ops.concat([p.read_value() if hasattr(p, "read_value") else conversion.tensor(p)
                                      for p in params], 0)
    if params is None:
        raise ValueError("params must be specified")
    return params


def _clip(embeddings: Tensor, max_norm: Any, ids: Tensor) -> Tensor:
    """TF's `_clip`: each embedding scaled down to at most `max_norm` in l2 norm."""
    if max_norm is None:
        return embeddings
    axes = list(range(ids.ndim, embeddings.ndim))
    if not axes:
        return embeddings
    square_sum = reduce_ops.reduce_sum(math_ops.square(embeddings), axes, keepdims=True)
    norm = math_ops.sqrt(square_sum)
    clip = conversion.like(max_norm, norm)
    return math_ops.truediv(math_ops.multiply(embeddings, clip), math_ops.maximum(norm, clip))


def embedding_lookup(params: Any, ids: Any, max_norm: Any = None, name: str | None = None) -> Tensor:
    """Rows of `params` (a tensor, variable or list of shards) at `ids` (`tf.nn.embedding_lookup`).

    With `max_norm`, each looked-up embedding whose l2 norm exceeds it is scaled down to it.
    """
    if hasattr(ids, "flat_values") and hasattr(ids, "with_flat_values"):  # RaggedTensor ids (TF's dispatch)
        return ids.with_flat_values(embedding_lookup(params, ids.flat_values, max_norm))
    table = _table(params)
    ids = conversion.tensor(ids)
    return _clip(gather_scatter_ops.gather(table, ids), max_norm, ids)


def embedding_lookup_sparse(params: Any, sp_ids: Any, sp_weights: Any, combiner: str | None = None,
                            max_norm: Any = None, name: str | None = None, allow_fast_lookup: bool = False) -> Tensor:
    """Combined embeddings per row of a SparseTensor of ids (`tf.nn.embedding_lookup_sparse`).

    Row r of the result combines the embeddings of the ids in row r of `sp_ids` with `combiner`
    ("mean" by default, "sum" or "sqrtn"), weighted by `sp_weights` (a SparseTensor with the same
    indices) when given. Rows without ids are zero; the result has dense_shape[0] rows.
    """
    combiner = combiner or "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner}")
    table = _table(params)
    segment_ids = math_ops.cast(sp_ids.indices[:, 0], _int32())
    ids = sp_ids.values
    rows = _rows(sp_ids)
    embeddings = _clip(gather_scatter_ops.gather(table, ids), max_norm, ids)
    if sp_weights is not None:
        weights = math_ops.cast(sp_weights.values, embeddings.dtype)
        shape = [-1] + [1] * (embeddings.ndim - 1)
        weights_col = array_ops.reshape(weights, shape)
        embeddings = math_ops.multiply(embeddings, weights_col)
    else:
        weights = math_ops.ones_like_same(math_ops.cast(ids, embeddings.dtype))
    total = _segment_sum(embeddings, segment_ids, rows)
    if combiner == "sum":
        return total
    if combiner == "mean":
        denominator = _segment_sum(weights, segment_ids, rows)
    else:
        denominator = math_ops.sqrt(_segment_sum(math_ops.square(weights), segment_ids, rows))
    shape = [-1] + [1] * (total.ndim - 1)
    return math_ops.divide_no_nan(total, array_ops.reshape(denominator, shape))


def _int32() -> Any:
    from eagerflow._src.framework import dtypes as _dtypes

    return _dtypes.int32


def _rows(sp: Any) -> Any:
    """The SparseTensor's number of rows: an int when known while tracing (or eager), else a
    scalar int32 tensor known when the traced graph runs."""
    from eagerflow._src.framework.shape_inference import constant_value

    dense_shape = conversion.tensor(sp.dense_shape)
    known = constant_value(dense_shape)
    if known is not None:
        return int(known[0])
    return math_ops.cast(dense_shape[0], _int32())


def _segment_sum(data: Tensor, segment_ids: Tensor, rows: Any) -> Tensor:
    """`unsorted_segment_sum` of `data` into `rows` rows, `rows` an int or a tensor known at run time."""
    if isinstance(rows, int):
        return gather_scatter_ops.unsorted_segment_sum(data, segment_ids, rows)
    shape = join_split_ops.concat([array_ops.reshape(rows, [1]), array_ops.shape(data)[1:]], 0)
    zeros = array_ops.zeros(shape, data.dtype)
    total = gather_scatter_ops.tensor_scatter_nd_add(zeros, array_ops.reshape(segment_ids, [-1, 1]), data)
    total.set_shape([None] + data.shape.as_list()[1:] if data.shape.rank is not None else None)
    return total


def safe_embedding_lookup_sparse(embedding_weights: Any, sparse_ids: Any, sparse_weights: Any = None,
                                 combiner: str = "mean", default_id: Any = None, max_norm: Any = None,
                                 name: str | None = None, allow_fast_lookup: bool = False) -> Tensor:
    """embedding_lookup_sparse that drops invalid (negative) ids and non-positive weights, and gives
    empty rows the embedding of `default_id` (or zeros) (`tf.nn.safe_embedding_lookup_sparse`).

    Ids of rank R > 2 are looked up as rank 2 (all dims but the last flattened into rows); the
    result has shape `dense_shape[:-1] + embedding dims`."""
    from eagerflow._src.sparse import sparse_ops
    from eagerflow._src.sparse.sparse_tensor import SparseTensor

    original_shape = conversion.tensor(sparse_ids.dense_shape)
    rank = original_shape.shape[0]
    if rank != 2:  # flatten the leading dims into rows, as TF does
        flat_shape = join_split_ops.stack([reduce_ops.reduce_prod(original_shape[:-1]), original_shape[-1]])
        sparse_ids = sparse_ops.reshape(sparse_ids, flat_shape)
        if sparse_weights is not None:
            sparse_weights = sparse_ops.reshape(sparse_weights, flat_shape)
    ids = sparse_ids.values
    keep = math_ops.greater_equal(ids, math_ops.zeros_like_same(ids))
    if sparse_weights is not None:
        keep = math_ops.logical_and(keep, math_ops.greater(sparse_weights.values,
                                                           math_ops.zeros_like_same(sparse_weights.values)))
    where = array_ops.reshape(array_ops.where(keep), [-1])
    kept_indices = gather_scatter_ops.gather(sparse_ids.indices, where)
    kept_ids = SparseTensor(kept_indices, gather_scatter_ops.gather(ids, where), sparse_ids.dense_shape)
    kept_weights = None
    if sparse_weights is not None:
        kept_weights = SparseTensor(kept_indices, gather_scatter_ops.gather(sparse_weights.values, where),
                                    sparse_ids.dense_shape)
    result = embedding_lookup_sparse(embedding_weights, kept_ids, kept_weights, combiner, max_norm)
    present = _segment_sum(math_ops.ones_like_same(math_ops.cast(kept_ids.values, _int32())),
                           math_ops.cast(kept_indices[:, 0], _int32()), _rows(sparse_ids))
    empty = math_ops.equal(present, math_ops.zeros_like_same(present))
    shape = [-1] + [1] * (result.ndim - 1)
    empty = array_ops.reshape(empty, shape)
    if default_id is None:
        filler = math_ops.zeros_like_same(result)
    else:
        row = embedding_lookup(embedding_weights, conversion.tensor([default_id]), max_norm)
        filler = math_ops.add(math_ops.zeros_like_same(result), row)
    result = array_ops.where(empty, filler, result)
    if rank == 2:
        return result
    lead = math_ops.cast(original_shape[:-1], _int32())
    embedded = result.shape[1:]
    result = array_ops.reshape(result, join_split_ops.concat([lead, array_ops.shape(result)[1:]], 0))
    if rank is not None and embedded.rank is not None:
        result.set_shape([None] * (rank - 1) + embedded.as_list())
    return result
