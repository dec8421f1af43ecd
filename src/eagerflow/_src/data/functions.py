"""The seam between datasets and the functions users give them (map, filter, flat_map, ...).

As TF does, each function is traced by `tf.function` (autograph on) and the traced graph runs
per element: Python side effects happen once per trace, `tf.print` on every element, and
`tf.executing_eagerly()` is False inside. A trace is keyed by the element's dtypes and shapes
(TF traces once against the element spec; a dataset whose elements change shape, such as a last
smaller batch, traces once more here). The output spec comes from one call on a stand-in
element built from the input spec.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.data import structure


def _call(fn: Callable, element: Any) -> Any:
    # TF unpacks a tuple element into positional arguments, anything else is one argument.
    if type(element) is tuple:
        return fn(*element)
    return fn(element)


def _traced(fn: Callable) -> Callable:
    from eagerflow._src.function.polymorphic_function import Function, function

    return fn if isinstance(fn, Function) else function(fn, autograph=True)


def _stand_in(spec: Any) -> Any:
    def leaf(s: Any) -> Any:
        if not hasattr(s, "shape") or not hasattr(s, "dtype"):
            raise TypeError(f"cannot build a stand-in for {s!r}")
        dims = [1 if d is None else d for d in (s.shape.as_list() if s.shape.rank is not None else [])]
        dt = s.dtype
        if dt.name == "string":
            arr = np.full(dims, b"", dtype=object)
        else:
            arr = np.zeros(dims, dt.as_numpy_dtype)
        return structure.wrap(arr)
    return structure.map_structure(leaf, spec)


class DatasetFunction:
    """A user function applied to dataset elements.

    Args:
      fn: the Python callable.
      input_spec: the element spec of its input.
      transformation: the dataset method's name (for error messages).
    """

    def __init__(self, fn: Callable, input_spec: Any, transformation: str) -> None:
        if not callable(fn):
            raise TypeError(f"`{transformation}` expected a callable, got {type(fn).__name__}.")
        self._python_fn = fn
        self._fn = _traced(fn)
        self._input_spec = input_spec
        self._transformation = transformation
        self._output_spec: Any = None

    def __call__(self, element: Any) -> Any:
        return structure.normalize(_call(self._fn, element))

    def call_raw(self, element: Any) -> Any:
        """The function's result before conversion (for flat_map/interleave datasets, whose
        functions return datasets: those run as Python, as TF's build a dataset graph)."""
        return _call(self._python_fn, element)

    @property
    def output_spec(self) -> Any:
        """The spec of the function's output, found by one call on a stand-in element."""
        if self._output_spec is None:
            self._output_spec = self._traced_output_spec()
        if self._output_spec is None:
            out = self(_stand_in(self._input_spec))
            self._output_spec = structure.spec_of(out)
        return self._output_spec

    def _traced_output_spec(self) -> Any:
        """The output spec from tracing on the input spec, as TF finds it (unknown dimensions stay
        unknown); None where the function cannot be traced on specs."""
        spec = self._input_spec
        leaves = structure.flatten(spec) if hasattr(structure, "flatten") else None
        if not leaves or not all(type(s).__name__ == "TensorSpec" for s in leaves):
            return None
        try:
            args = spec if type(spec) is tuple else (spec,)
            outputs = self._fn.get_concrete_function(*args).structured_outputs
            return structure.spec_of(structure.normalize(outputs))
        except Exception:  # noqa: BLE001 - not traceable on specs: fall back to a stand-in call
            return None

    def raw_output(self) -> Any:
        return _call(self._python_fn, _stand_in(self._input_spec))
