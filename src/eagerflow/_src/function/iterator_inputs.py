"""Dataset iterators as `tf.function` arguments: traced by their element spec, fed per call.

TF passes an iterator to a function as a resource tensor typed by its `IteratorSpec`, so a new
iterator over elements of the same structure reuses the trace (Keras makes one iterator per
epoch and calls the same train function with each). Here an iterator argument
(`OwnedIterator`, a distributed iterator) is one graph input: a 0-d object tensor on the host
boxing the iterator the call passes. While tracing, the function sees an `IteratorInput` in its
place, whose `get_next`, `next()`, `get_next_as_optional` and `for` loops add stateful ops
reading from that input each time the graph runs.
"""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.data import optional_ops
from eagerflow._src.data.optional_ops import _VARIANT_SHAPE, _host_scope, _variant
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor

_owned_iterator: Any = None


def is_iterator(x: Any) -> bool:
    """An iterator of a dataset or distributed dataset (the kinds TF passes as tensors)."""
    global _owned_iterator
    if _owned_iterator is None:
        from eagerflow._src.data.iterator import OwnedIterator as _owned_iterator
    t = type(x)
    return isinstance(x, _owned_iterator) or (
        t.__name__ == "DistributedIterator" and t.__module__ == "eagerflow._src.distribute.input_lib")


def trace_key(x: Any) -> tuple:
    """The trace key of iterator `x`: its kind, element spec (and strategy), not its identity.
    Computed once per iterator (its element spec does not change)."""
    key = x.__dict__.get("_function_trace_key")
    if key is None:
        spec = x.element_spec
        kind = x._kind if type(x) is IteratorInput else type(x)
        try:
            hash(spec)
            spec_key: Any = spec
        except TypeError:
            spec_key = repr(spec)
        key = ("iterator", kind, spec_key, id(getattr(x, "_strategy", None)))
        x.__dict__["_function_trace_key"] = key
    return key


def host_device() -> Any:
    from eagerflow._src.framework.devices import cpu0

    return cpu0()


def boxed(x: Any) -> EagerTensor:
    """The iterator as the tensor fed to its graph input (a 0-d object array on the host)."""
    return EagerTensor(_variant(x), host_device())


def _arrays(element: Any) -> list:
    return [t._device.backend.to_host(t._array) for t in optional_ops.flatten_value(element)]


def _get_next_kernel(xp: Any, handle: Any, _output_specs: tuple) -> Any:
    arrays = _arrays(handle[()].get_next())  # the iterator's own end: OutOfRangeError
    return arrays[0] if len(_output_specs) == 1 else arrays


def _next_optional_kernel(xp: Any, handle: Any) -> Any:
    try:
        element = next(handle[()])
    except StopIteration:
        return _variant(None)  # an empty optional
    return _variant(tuple(_arrays(element)))


# TF's limit on `next(iterator)` calls in one trace, and its error past it.
_NEXT_CALL_LIMIT = 32
_NEXT_CALL_ERROR = (
    "An unusually high number of `tf.data.Iterator.get_next()` calls was detected. This suggests "
    "that the `for elem in dataset: ...` idiom is used within tf.function with AutoGraph disabled. "
    "This idiom is only supported when AutoGraph is enabled.")
_GET_NEXT: dict = {}
NEXT_AS_OPTIONAL = Op("IteratorGetNextAsOptional", _next_optional_kernel, stateful=True,
                      shape_fn=lambda inputs, attrs: _VARIANT_SHAPE)


def _get_next_op(count: int) -> Op:
    op = _GET_NEXT.get(count)
    if op is None:
        op = _GET_NEXT[count] = Op("IteratorGetNext", _get_next_kernel, num_outputs=count, stateful=True,
                                   shape_fn=lambda inputs, attrs: list(attrs["_output_specs"]))
    return op


class IteratorInput:
    """An iterator argument while tracing: the graph input `handle` (the iterator of each call)
    and the element spec of the iterator the trace was made for."""

    def __init__(self, handle: Any, like: Any) -> None:
        self._handle = handle
        self._element_spec = like.element_spec
        self._kind = like._kind if type(like) is IteratorInput else type(like)
        self._strategy = getattr(like, "_strategy", None)
        self._next_calls = 0

    @property
    def element_spec(self) -> Any:
        return self._element_spec

    def get_next(self, name: Any = None) -> Any:
        """The next element, taken each time the graph runs (OutOfRangeError at the end)."""
        specs = optional_ops.flatten_spec(self._element_spec)
        signature = tuple(optional_ops._dtype_and_shape(s) for s in specs)
        with _host_scope():
            outputs = execute(_get_next_op(len(specs)), [self._handle], {"_output_specs": signature})
        return optional_ops.pack_spec(self._element_spec, [outputs] if len(specs) == 1 else list(outputs))

    def __next__(self) -> Any:
        # A Python `for` over the iterator (code autograph did not convert) would trace forever.
        self._next_calls += 1
        if self._next_calls > _NEXT_CALL_LIMIT:
            raise ValueError(_NEXT_CALL_ERROR)
        return self.get_next()

    def next(self) -> Any:
        return self.get_next()

    def __iter__(self) -> "IteratorInput":
        return self

    def _next_variant(self) -> Any:
        with _host_scope():
            return execute(NEXT_AS_OPTIONAL, [self._handle])

    def get_next_as_optional(self) -> Any:
        """The next element as an `Optional` (empty at the end), taken each time the graph runs."""
        from eagerflow._src.data.iterator import Optional

        return Optional(None, False, self._element_spec, self._next_variant())

    def _autograph_for_loop(self, extra_test: Callable | None, body: Callable, state: tuple) -> Any:
        """`for element in iterator:` in a trace: one While over the remaining elements. Variables
        undefined before the loop (autograph's `Undefined`) are local to each step: they stay
        undefined after it."""
        from eagerflow._src.framework.convert import convert_to_tensor
        from eagerflow._src.ops.control_flow_ops import cond, while_loop

        carried = [k for k, v in enumerate(state) if type(v).__name__ != "Undefined"]

        def full(values: tuple) -> list:
            out = list(state)
            for k, v in zip(carried, values):
                out[k] = v
            return out

        def test(variant: Any, *values: Any) -> Any:
            has = optional_ops.has_value(variant)
            if extra_test is None:
                return has
            return cond(has, lambda: convert_to_tensor(extra_test(*full(values)), "bool"), lambda: has)

        def loop_body(variant: Any, *values: Any) -> tuple:
            new = tuple(body(optional_ops.get_value(variant, self._element_spec), *full(values)))
            return (self._next_variant(), *[new[k] for k in carried])

        result = while_loop(test, loop_body, (self._next_variant(), *[state[k] for k in carried]))
        return tuple(full(tuple(result[1:])))

    def __repr__(self) -> str:
        return f"<IteratorInput of {self._kind.__name__} element_spec={self._element_spec}>"
