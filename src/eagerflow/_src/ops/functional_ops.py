"""Higher-order functions over the first axis: `tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr`,
`tf.vectorized_map`.

Each unstacks its elements along axis 0, calls the function per element and collects results
in TensorArrays (so dtype and shape errors are TF's). With a static number of elements (always
eagerly) the loop is Python and tapes record each call; in a traced function with an unknown
number of elements it is a `tf.while_loop` over TensorArrays.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops.control_flow_ops import (
    assert_same_structure, flatten, map_structure, pack_sequence_as,
)
from eagerflow._src.ops.tensor_array_ops import TensorArray

_thread = context.thread


def _as_tensors(elems: Any) -> list[Tensor]:
    return [e if isinstance(e, Tensor) or _is_sparse(e) or _is_ragged(e) else convert_to_tensor(e)
            for e in flatten(elems)]


def _is_ragged(value: Any) -> bool:
    return hasattr(value, "flat_values") and hasattr(value, "row_splits")


def _is_sparse(value: Any) -> bool:
    return hasattr(value, "dense_shape") and hasattr(value, "indices") and hasattr(value, "with_values")


def _sparse_rows(sp: Any, n: int) -> list:
    """The slices of a SparseTensor along axis 0, each a SparseTensor of one rank less (TF's
    map_fn unbatches composite elems)."""
    from eagerflow._src.sparse.sparse_tensor import SparseTensor

    indices, values = np.asarray(sp.indices.numpy()), sp.values
    dense_shape = np.asarray(sp.dense_shape.numpy())[1:]
    rows = []
    for i in range(n):
        keep = np.nonzero(indices[:, 0] == i)[0]
        rows.append(SparseTensor(indices[keep][:, 1:].reshape(-1, len(dense_shape)),
                                 _gather_rows(values, keep), dense_shape))
    return rows


def _gather_rows(values: Tensor, keep: Any) -> Tensor:
    from eagerflow._src.ops.gather_scatter_ops import gather

    return gather(values, keep.astype(np.int64))


def _count(flat: list[Tensor], what: str = "elems") -> int | None:
    """The common static length of `flat`'s first axes, with TF's errors."""
    n = None
    for t in flat:
        if t.shape.rank == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
        d = t.shape[0] if t.shape.rank is not None else None
        if n is not None and d is not None and n != d:
            raise ValueError(f"Dimensions {n} and {d} are not compatible")
        if d is not None:
            n = d
    return n


# In a trace, up to this many elements are unrolled (each step's ops stay differentiable);
# more, or an unknown count, become one While node over TensorArrays.
UNROLL_LIMIT = 32


def _loops_in_graph(n: int | None) -> bool:
    if getattr(_thread, "graph", None) is None:
        return False
    return n is None or n > UNROLL_LIMIT


def _slices(flat: list[Tensor], n: int) -> list[list[Tensor]]:
    from eagerflow._src.ops.join_split_ops import unstack

    columns = [_sparse_rows(t, n) if _is_sparse(t) else [t[i] for i in range(n)] if _is_ragged(t)
               else unstack(t, num=n) for t in flat]
    return [[column[i] for column in columns] for i in range(n)]


def _signature_dtype(spec: Any) -> _dtypes.DType:
    dtype = getattr(spec, "dtype", spec)
    return _dtypes.as_dtype(dtype)


def map_fn(fn: Callable, elems: Any, dtype: Any = None, parallel_iterations: Any = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: Any = None, fn_output_signature: Any = None) -> Any:
    """Applies `fn` to each slice of `elems` along axis 0 and stacks the results (`tf.map_fn`).

    `elems` may be a nested structure of tensors (sliced together); `fn_output_signature`
    (a dtype, a TensorSpec, or a nested structure of them) describes `fn`'s output when it
    differs from `elems`' structure or dtypes.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable. Received: {fn}")
    if fn_output_signature is None:
        fn_output_signature = dtype
    flat = _as_tensors(elems)
    if not flat:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors. Got []")
    packed_elems = pack_sequence_as(elems, flat)
    if fn_output_signature is None:
        signature = map_structure(lambda t: t.dtype, packed_elems)
    else:
        signature = fn_output_signature
    n = _count(flat)
    if _loops_in_graph(n):
        from eagerflow._src.ops import graph_loops

        return graph_loops.map_fn_loop(fn, packed_elems, flat, signature, infer_shape)
    out_dtypes = [_signature_dtype(s) for s in flatten(signature)]
    # Ragged results (TF batches each element's spec): where `fn_output_signature` says so or,
    # without one, where the matching elems are ragged; their rows are stacked as a RaggedTensor.
    ragged = [_is_ragged(e) for e in flat] if fn_output_signature is None else \
        [type(s).__name__ == "RaggedTensorSpec" for s in flatten(signature)]
    arrays = [[] if r else TensorArray._list_backed(d, n, infer_shape) for d, r in zip(out_dtypes, ragged)]
    for i, row in enumerate(_slices(flat, n)):
        result = fn(pack_sequence_as(elems, row))
        assert_same_structure(signature, result)
        for ta, value in zip(arrays, flatten(result)):
            ta.append(value) if type(ta) is list else ta.write(i, value)
    return pack_sequence_as(signature, [_ragged_stack(ta) if type(ta) is list else ta.stack() for ta in arrays])


def _ragged_stack(rows: list) -> Any:
    from eagerflow._src.ragged.ragged_ops import stack

    return stack(rows)


def scan(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
         back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
         reverse: bool = False, name: Any = None) -> Any:
    """The running results of `a = fn(a, x)` over the slices `x` of `elems` (`tf.scan`).

    Without `initializer` the first slice starts the accumulator (and is the first output).
    `reverse=True` scans from the last slice; outputs keep their slices' positions.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable. Received: {fn}")
    flat = _as_tensors(elems)
    n = _count(flat)
    if _loops_in_graph(n):
        from eagerflow._src.ops import graph_loops

        return graph_loops.scan_loop(fn, elems, flat, initializer, infer_shape, reverse)
    rows = _slices(flat, n)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    if initializer is None:
        if not order:
            raise errors.OutOfRangeError(None, None, "Tried to read from index 0 but array size is: 0 ")
        structure = elems
        first = order.pop(0)
        accumulator = pack_sequence_as(elems, rows[first])
        start = [(first, accumulator)]
    else:
        structure = initializer
        accumulator = pack_sequence_as(initializer, _as_tensors(initializer))
        start = []
    out_dtypes = [t.dtype for t in _as_tensors(accumulator)]
    arrays = [TensorArray._list_backed(d, n, infer_shape) for d in out_dtypes]
    for i, value in start:
        for ta, v in zip(arrays, flatten(value)):
            ta.write(i, v)
    for i in order:
        accumulator = fn(accumulator, pack_sequence_as(elems, rows[i]))
        assert_same_structure(structure, accumulator)
        for ta, v in zip(arrays, flatten(accumulator)):
            ta.write(i, v)
    return pack_sequence_as(structure, [ta.stack() for ta in arrays])


def _fold(fn: Callable, elems: Any, initializer: Any, reverse: bool) -> Any:
    if not callable(fn):
        raise TypeError(f"{'foldr' if reverse else 'foldl'} fn must be callable.")
    flat = _as_tensors(elems)
    n = _count(flat)
    if _loops_in_graph(n):
        from eagerflow._src.ops import graph_loops

        return graph_loops.fold_loop(fn, elems, flat, initializer, reverse)
    rows = _slices(flat, n)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    if initializer is None:
        if not order:
            index = n - 1 if reverse else 0
            raise errors.OutOfRangeError(
                None, None, f"Tried to read from index {index} but array size is: 0 ")
        accumulator = pack_sequence_as(elems, rows[order.pop(0)])
    else:
        accumulator = map_structure(_to_tensor, initializer)
    for i in order:
        accumulator = fn(accumulator, pack_sequence_as(elems, rows[i]))
    return map_structure(_to_tensor, accumulator)


def _to_tensor(x: Any) -> Any:
    return x if isinstance(x, (Tensor, TensorArray)) else convert_to_tensor(x)


def foldl(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: Any = None) -> Any:
    """`fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n-1])` (`tf.foldl`)."""
    return _fold(fn, elems, initializer, False)


def foldr(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10,
          back_prop: bool = True, swap_memory: bool = False, name: Any = None) -> Any:
    """`fn(...fn(fn(initializer, elems[n-1]), elems[n-2])..., elems[0])` (`tf.foldr`)."""
    return _fold(fn, elems, initializer, True)


def vectorized_map(fn: Callable, elems: Any, fallback_to_while_loop: bool = True,
                   warn: bool = True) -> Any:
    """`fn` applied to each slice of `elems` along axis 0, stacked (`tf.vectorized_map`).

    TF vectorizes `fn` (pfor); eagerflow runs the loop, which gives the same values.
    """
    flat = _as_tensors(elems)
    n = _count(flat)
    if _loops_in_graph(n):
        from eagerflow._src.ops import graph_loops
        from eagerflow._src.ops.gather_scatter_ops import gather

        first = pack_sequence_as(elems, [gather(t, 0) for t in flat])
        signature = graph_loops.dry_run_specs(lambda: fn(first), structure=True)
        return map_fn(fn, elems, fn_output_signature=signature)
    from eagerflow._src.ops.join_split_ops import stack

    outputs = [fn(pack_sequence_as(elems, row)) for row in _slices(flat, n)]
    if not outputs:
        return map_fn(fn, elems)
    leaves = [[_to_tensor(v) for v in flatten(o)] for o in outputs]
    return pack_sequence_as(outputs[0], [stack(list(column)) for column in zip(*leaves)])
