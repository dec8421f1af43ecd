"""The seam between datasets and the functions users give them (map, filter, flat_map, ...).

As TF does, each function is traced by `tf.function` (autograph on) when the dataset is built,
against the input's element spec, over the element's flattened components (placeholders
`args_0`, `args_1`, ... as TF's `StructuredFunctionWrapper` names them); the traced graph runs
per element. Python side effects happen once, at construction, `tf.print` on every element, and
`tf.executing_eagerly()` is False inside. A function that cannot be traced on the spec (a
composite component our tracer does not take) is traced per element shape instead; where no
trace works the output spec comes from one call on a stand-in element.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.framework.tensor import EagerTensor


def _call(fn: Callable, element: Any) -> Any:
    # TF unpacks a tuple element into positional arguments, anything else is one argument.
    if type(element) is tuple:
        return fn(*element)
    return fn(element)


def _traced(fn: Callable, input_spec: Any, transformation: str) -> Callable:
    """`tf.function` of `fn` taking the element's flattened components (`*args`); its result
    follows TF's rule for function outputs (`structure.function_output`)."""
    from eagerflow._src.function.polymorphic_function import Function, _autograph, function

    converted = fn if isinstance(fn, Function) else _autograph(fn)

    def flat_fn(*args: Any) -> Any:
        return structure.function_output(_call(converted, structure.pack_as(input_spec, list(args))),
                                         transformation)

    flat_fn.__name__ = getattr(fn, "__name__", "dataset_fn").replace("<", "_").replace(">", "_")
    traced = function(flat_fn, autograph=False)
    # TF never warns about retracing dataset functions (Keras builds a dataset per fit/predict
    # call with the same mapped functions, which would count as traces of one Python code).
    traced._note_call = _no_retracing_count
    return traced


def _no_retracing_count(traced: bool) -> None:
    return None


def _stand_in(spec: Any) -> Any:
    def leaf(s: Any) -> Any:
        from eagerflow._src.data.batching import _ListDataset
        from eagerflow._src.data.dataset_spec import DatasetSpec

        if isinstance(s, DatasetSpec):
            return _ListDataset([], s._spec)
        if structure.is_none(s):
            return None
        if not hasattr(s, "shape") or not hasattr(s, "dtype"):
            raise TypeError(f"cannot build a stand-in for {s!r}")
        dims = [1 if d is None else d for d in (s.shape.as_list() if s.shape.rank is not None else [])]
        dt = s.dtype
        if type(s).__name__ == "SparseTensorSpec":  # an empty SparseTensor of that shape
            from eagerflow._src.sparse.sparse_tensor import SparseTensor

            return SparseTensor(np.zeros((0, len(dims)), np.int64), np.zeros((0,), dt.as_numpy_dtype), dims)
        if dt.name == "string":
            arr = np.full(dims, b"", dtype=object)
        else:
            arr = np.zeros(dims, dt.as_numpy_dtype)
        return structure.wrap(arr)
    return structure.map_structure(leaf, spec, skip_none=False)


class DatasetFunction:
    """A user function applied to dataset elements.

    Args:
      fn: the Python callable.
      input_spec: the element spec of its input.
      transformation: the dataset method's name (for error messages).
      trace: trace now, as TF does when the dataset is built (False for functions that return
        datasets: flat_map and interleave run them as Python).
    """

    def __init__(self, fn: Callable, input_spec: Any, transformation: str, trace: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"`{transformation}` expected a callable, got {type(fn).__name__}.")
        self._python_fn = fn
        self._input_spec = input_spec
        self._transformation = transformation
        self._output_spec: Any = None
        self._fn: Any = None
        self._concrete: Any = None
        if trace:
            self._trace()

    def _trace(self) -> None:
        if self._fn is not None:
            return
        self._fn = _traced(self._python_fn, self._input_spec, self._transformation)
        leaves = structure.flatten(self._input_spec)
        if all(type(s).__name__ in ("TensorSpec", "RaggedTensorSpec") for s in leaves):
            try:
                self._concrete = self._fn.get_concrete_function(*leaves)
            except Exception as exc:  # noqa: BLE001 - not traceable on specs: traced per element shape
                if getattr(exc, "_unsupported_return", False):
                    raise
                self._concrete = None
            else:
                self._output_spec = structure.spec_of(structure.normalize(self._concrete.structured_outputs))

    def __call__(self, element: Any) -> Any:
        if self._fn is None:
            self._trace()
        flat = structure.flatten(element)
        concrete = self._concrete
        if concrete is not None:
            for t in flat:
                if type(t) is not EagerTensor:
                    return structure.normalize(concrete(*flat))
            # tf.function's own fast path: the plan's entry on the eager tensors
            return structure.normalize(concrete._call_eager_tensors(tuple(flat)))
        return structure.normalize(self._fn(*flat))

    def call_raw(self, element: Any) -> Any:
        """The function's result before conversion (for flat_map/interleave datasets, whose
        functions return datasets: those run as Python, as TF's build a dataset graph)."""
        return _call(self._python_fn, element)

    @property
    def output_spec(self) -> Any:
        """The spec of the function's output: from the trace on the input spec, as TF finds it
        (unknown dimensions stay unknown), else from one call on a stand-in element."""
        if self._output_spec is None:
            self._trace()
        if self._output_spec is None:
            out = self(_stand_in(self._input_spec))
            self._output_spec = structure.spec_of(out)
        return self._output_spec

    def raw_output(self) -> Any:
        return _call(self._python_fn, _stand_in(self._input_spec))
