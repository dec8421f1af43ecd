"""Iterators inside `tf.function`: `get_next` as a stateful op of the graph (TF's IteratorGetNext).

Traced code that calls `iterator.get_next()` must take a new element each time the graph runs,
not the element seen while tracing: the graph holds an op whose kernel pulls from the Python
iterator when it runs, with outputs typed by the iterator's element spec.
"""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op


def _dtype_and_shape(spec: Any) -> tuple:
    dims = spec.shape.as_list() if spec.shape.rank is not None else None
    return spec.dtype._np, (None if dims is None else tuple(dims))


def graph_get_next(pull: Callable[[], Any], element_spec: Any) -> Any:
    """Adds an IteratorGetNext op to the graph being traced; returns its outputs in the element's
    structure. `pull()` returns the next element (eagerly) when the graph runs."""
    from eagerflow._src.util import nest

    specs = nest.flatten(element_spec)
    signature = [_dtype_and_shape(s) for s in specs]

    def kernel(xp: Any) -> Any:
        arrays = [t._array for t in nest.flatten(pull())]
        return arrays[0] if len(arrays) == 1 else arrays

    op = Op("IteratorGetNext", kernel, num_outputs=len(specs), stateful=True,
            shape_fn=lambda inputs, attrs: signature)
    outputs = execute(op, ())
    return nest.pack_sequence_as(element_spec, [outputs] if len(specs) == 1 else list(outputs))
