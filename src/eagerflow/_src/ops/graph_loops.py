"""Loops built from `While` nodes for autograph and the functional ops in traces: `for` over
`tf.range` bounds, `map_fn`/`scan`/folds over TensorArrays, and `for` over datasets (an
iterator made each time the graph runs, read through "optional" values)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops.control_flow_ops import assert_same_structure, flatten, pack_sequence_as
from eagerflow._src.ops.graph_control_flow import (
    _function_api, _graph_shape_fn, _single, _tensorize, _tensorize_structure,
)


def dry_run_specs(fn: Callable, structure: bool = False) -> Any:
    """(DType, shape list) of each leaf `fn()` returns when traced into a scratch graph (None
    for non-tensor leaves); the graph is discarded. `structure`: packed as `fn`'s result."""
    trace, _, _, _ = _function_api()
    graph = trace(lambda: _tensorize_structure(fn()), (), {}, "dry_run")
    out = []
    for leaf in flatten(graph.structured_outputs):
        if isinstance(leaf, Tensor):
            dims = leaf.shape.as_list() if leaf.shape.rank is not None else []
            out.append((leaf.dtype, [0 if d is None else d for d in dims]))
        else:
            out.append(None)
    if structure:  # the dtypes, in the result's structure
        return pack_sequence_as(graph.structured_outputs, [None if o is None else o[0] for o in out])
    return out


def range_bounds(t: Any) -> tuple | None:
    """(start, limit, delta) when `t` is the output of a graph `Range` op, else None."""
    node = getattr(t, "_op", None)
    if node is None or node.type != "Range":
        return None
    inputs = node.inputs
    if len(inputs) != 3:
        return None
    return tuple(inputs)


def range_test(i: Any, limit: Any, delta: Any) -> Any:
    from eagerflow._src.ops.math_ops import greater, less, logical_or, logical_and
    node = getattr(delta, "_op", None)
    if node is not None and node.type == "Const":  # a known step: one comparison per step
        step = node.attrs["value"].numpy()
        return less(i, limit) if step > 0 else greater(i, limit)
    up = logical_and(greater(delta, 0), less(i, limit))
    down = logical_and(less(delta, 0), greater(i, limit))
    return logical_or(up, down)


def _length(flat: list) -> Any:
    from eagerflow._src.ops.array_ops import shape
    from eagerflow._src.ops.functional_ops import _is_sparse
    from eagerflow._src.ops.math_ops import cast

    if _is_sparse(flat[0]):
        return cast(flat[0].dense_shape[0], _dtypes.int32)
    return shape(flat[0], out_type=_dtypes.int32)[0]


class _SparseRows:
    """A SparseTensor read row by row inside a loop body (TF's map_fn unbatches composites): row
    `i` is the entries whose first index is `i`, one rank less, sliced by ops."""

    def __init__(self, sp: Any) -> None:
        self._sp = sp

    def read(self, i: Any) -> Any:
        from eagerflow._src.ops.array_ops import reshape, where
        from eagerflow._src.ops.gather_scatter_ops import gather
        from eagerflow._src.ops.math_ops import cast, equal
        from eagerflow._src.sparse.sparse_tensor import SparseTensor

        sp = self._sp
        keep = reshape(where(equal(cast(sp.indices[:, 0], _dtypes.int32), i)), [-1])
        row = SparseTensor(gather(sp.indices, keep)[:, 1:], gather(sp.values, keep), sp.dense_shape[1:])
        dims = sp.shape.dims
        if dims is not None:
            row.set_shape(dims[1:])
        return row


def _input_arrays(flat: list, n: Any) -> list:
    from eagerflow._src.ops.functional_ops import _is_sparse
    from eagerflow._src.ops.tensor_array_ops import TensorArray
    return [_SparseRows(t) if _is_sparse(t) else TensorArray(t.dtype, size=n).unstack(t) for t in flat]


def map_fn_loop(fn: Callable, elems: Any, flat: list, signature: Any, infer_shape: bool) -> Any:
    """`tf.map_fn` as one While over TensorArrays (graphs; lengths unknown or large)."""
    from eagerflow._src.ops.control_flow_ops import while_loop as tf_while
    from eagerflow._src.ops.functional_ops import _signature_dtype
    from eagerflow._src.ops.tensor_array_ops import TensorArray

    n = _length(flat)
    inputs = _input_arrays(flat, n)
    outputs = [TensorArray(_signature_dtype(s), size=n, infer_shape=infer_shape) for s in flatten(signature)]

    def body(i: Any, *arrays: Any) -> tuple:
        result = fn(pack_sequence_as(elems, [ta.read(i) for ta in inputs]))
        assert_same_structure(signature, result)
        return (i + 1, *[ta.write(i, v) for ta, v in zip(arrays, flatten(result))])

    _, *arrays = tf_while(lambda i, *arrays: i < n, body, [convert_to_tensor(0), *outputs])
    return pack_sequence_as(signature, [ta.stack() for ta in arrays])


def scan_loop(fn: Callable, elems: Any, flat: list, initializer: Any, infer_shape: bool, reverse: bool) -> Any:
    """`tf.scan` as one While over TensorArrays."""
    from eagerflow._src.ops.control_flow_ops import while_loop as tf_while
    from eagerflow._src.ops.tensor_array_ops import TensorArray
    from eagerflow._src.ops.math_ops import subtract

    n = _length(flat)
    inputs = _input_arrays(flat, n)

    def element(i: Any) -> Any:
        k = subtract(subtract(n, 1), i) if reverse else i
        return k, pack_sequence_as(elems, [ta.read(k) for ta in inputs])

    start = convert_to_tensor(0)
    if initializer is None:
        structure = elems
        _, accumulator = element(start)
        start = convert_to_tensor(1)
        first = accumulator
    else:
        structure = initializer
        accumulator = _tensorize_structure(initializer)
        first = None
    acc_flat = [_tensorize(x) for x in flatten(accumulator)]
    outputs = [TensorArray(x.dtype, size=n, infer_shape=infer_shape) for x in acc_flat]
    if first is not None:
        k = subtract(n, 1) if reverse else 0
        outputs = [ta.write(k, x) for ta, x in zip(outputs, acc_flat)]
    count = len(acc_flat)

    def body(i: Any, *values: Any) -> tuple:
        acc = pack_sequence_as(structure, list(values[:count]))
        k, x = element(i)
        new = fn(acc, x)
        assert_same_structure(structure, new)
        new_flat = [_tensorize(v) for v in flatten(new)]
        arrays = [ta.write(k, v) for ta, v in zip(values[count:], new_flat)]
        return (i + 1, *new_flat, *arrays)

    result = tf_while(lambda i, *values: i < n, body, [start, *acc_flat, *outputs])
    arrays = result[1 + count:]
    return pack_sequence_as(structure, [ta.stack() for ta in arrays])


def fold_loop(fn: Callable, elems: Any, flat: list, initializer: Any, reverse: bool) -> Any:
    """`tf.foldl` / `tf.foldr` as one While."""
    from eagerflow._src.ops.control_flow_ops import while_loop as tf_while
    from eagerflow._src.ops.math_ops import subtract

    n = _length(flat)
    inputs = _input_arrays(flat, n)

    def element(i: Any) -> Any:
        k = subtract(subtract(n, 1), i) if reverse else i
        return pack_sequence_as(elems, [ta.read(k) for ta in inputs])

    start = convert_to_tensor(0)
    if initializer is None:
        structure = elems
        accumulator = element(start)
        start = convert_to_tensor(1)
    else:
        structure = initializer
        accumulator = _tensorize_structure(initializer)
    acc_flat = [_tensorize(x) for x in flatten(accumulator)]

    def body(i: Any, *values: Any) -> tuple:
        new = fn(pack_sequence_as(structure, list(values)), element(i))
        return (i + 1, *[_tensorize(v) for v in flatten(new)])

    result = tf_while(lambda i, *values: i < n, body, [start, *acc_flat])
    return pack_sequence_as(structure, list(result[1:]))


# --- iterating datasets in graphs ----------------------------------------------------------------
# A `for` over a dataset (anything with `element_spec` and `__iter__`) in a trace is a While
# whose loop variable is an "optional" (the next element or none), fetched from an iterator
# made fresh each time the graph runs: elements are read at run time, not frozen at trace time.
_OBJECT = np.dtype(object)


def _boxed(value: Any) -> Any:
    out = np.empty((), _OBJECT)
    out[()] = value
    return out


def _make_iterator(xp: Any, dataset: Any) -> Any:
    return _boxed(iter(dataset))


def _next_optional(xp: Any, iterator: Any) -> Any:
    try:
        return _boxed(next(iterator[()]))
    except StopIteration:
        return _boxed(None)


def _has_value(xp: Any, optional: Any) -> Any:
    return np.asarray(optional[()] is not None)


def _optional_value(xp: Any, optional: Any, _output_specs: tuple) -> Any:
    from eagerflow._src.data import structure  # a None component holds no tensor

    leaves = structure.flatten(optional[()])
    arrays = [leaf._array if isinstance(leaf, EagerTensor) else np.asarray(leaf) for leaf in leaves]
    return _single(tuple(arrays))


_OBJECT_SPEC = [(_OBJECT, ())]
MAKE_ITERATOR = Op("AnonymousIteratorV3", _make_iterator, shape_fn=lambda i, a: _OBJECT_SPEC, stateful=True)
NEXT_OPTIONAL = Op("IteratorGetNextAsOptional", _next_optional, shape_fn=lambda i, a: _OBJECT_SPEC, stateful=True)
HAS_VALUE = Op("OptionalHasValue", _has_value, shape_fn=lambda i, a: [(np.dtype(bool), ())], stateful=True)
_VALUE_OPS: dict = {}


def _value_op(count: int) -> Op:
    op = _VALUE_OPS.get(count)
    if op is None:
        op = _VALUE_OPS[count] = Op("OptionalGetValue", _optional_value, num_outputs=count,
                                     shape_fn=_graph_shape_fn, stateful=True)
    return op


def is_dataset(value: Any) -> bool:
    return hasattr(value, "element_spec") and hasattr(value, "__iter__") and not isinstance(value, Tensor)


def dataset_loop_parts(dataset: Any) -> tuple:
    """(first optional, next_fn, has_fn, value_fn) for a graph loop over `dataset`."""
    from eagerflow._src.data import structure  # a None component (NoneTensorSpec) holds no tensor

    spec = dataset.element_spec
    leaves = structure.flatten(spec)
    specs = []
    for s in leaves:
        dtype = _dtypes.as_dtype(s.dtype)
        dims = s.shape.as_list() if s.shape.rank is not None else None
        specs.append((dtype._np if dtype._np is not None else _OBJECT, None if dims is None else tuple(dims)))
    iterator = execute(MAKE_ITERATOR, [], {"dataset": dataset})
    first = execute(NEXT_OPTIONAL, [iterator], {})

    def next_fn() -> Any:
        return execute(NEXT_OPTIONAL, [iterator], {})

    def has_fn(optional: Any) -> Any:
        return execute(HAS_VALUE, [optional], {})

    def value_fn(optional: Any) -> Any:
        out = execute(_value_op(len(specs)), [optional], {"_output_specs": tuple(specs)})
        return structure.pack_as(spec, out if isinstance(out, list) else [out])

    return first, next_fn, has_fn, value_fn
