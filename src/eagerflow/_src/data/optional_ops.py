"""`tf.experimental.Optional` inside `tf.function`: one variant tensor (TF's OptionalVariant).

Eagerly an `Optional` holds its value (or nothing) in Python. A graph cannot branch on that at
trace time when the value only exists at run time (`iterator.get_next_as_optional()` in a
loop, an Optional threaded through `tf.while_loop`/`tf.cond`), so there it is one scalar
variant tensor: a 0-d object array that holds, when the graph runs, the tuple of the value's
flat arrays, or None for an empty optional. The ops below make, test and open it; they run
on the host (object arrays live there), as TF keeps variants on the host.

Composite values inside an optional (sparse and ragged tensors, and `PerReplica`: one batch
per replica) travel as their component tensors.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.util import nest

_OBJECT = np.dtype(object)
_VARIANT_SHAPE = [(_OBJECT, ())]


def _host_scope() -> Any:
    from eagerflow._src.framework.devices import cpu0
    from eagerflow._src.framework.scopes import device as device_scope

    return device_scope(cpu0().name)


def _variant(content: Any) -> np.ndarray:
    out = np.empty((), _OBJECT)
    out[()] = content
    return out


def _content(variant: Any) -> Any:
    return variant[()] if isinstance(variant, np.ndarray) else variant


# --- flat views of values and specs: composites (sparse, ragged, per-replica) expand --------
def flatten_value(value: Any) -> list:
    # a None component has no tensors (its NoneTensorSpec has no component specs)
    return [x for x in nest.flatten(value, expand_composites=True) if x is not None]


def flatten_spec(spec: Any) -> list:
    return nest.flatten(spec, expand_composites=True)


def pack_spec(spec: Any, flat: list) -> Any:
    """Values in `spec`'s structure from the tensors of `flat` (`flatten_spec` order)."""
    it = iter(flat)

    def leaf(s: Any) -> Any:
        if not nest.is_nested_or_composite(s):
            return next(it)
        parts = [next(it) for _ in nest.flatten(s, expand_composites=True)]
        return s._from_components(pack_spec(s._component_specs, parts))

    return nest.map_structure(leaf, spec)


def _dtype_and_shape(spec: Any) -> tuple:
    dims = spec.shape.as_list() if spec.shape.rank is not None else None
    return spec.dtype._np, (None if dims is None else tuple(dims))


# --- the ops --------------------------------------------------------------------------------
def _from_value_kernel(xp: Any, *arrays: Any) -> Any:
    return _variant(tuple(arrays))


def _none_kernel(xp: Any) -> Any:
    return _variant(None)


def _has_value_kernel(xp: Any, variant: Any) -> Any:
    return np.array(_content(variant) is not None)


OPTIONAL_FROM_VALUE = Op("OptionalFromValue", _from_value_kernel,
                         shape_fn=lambda inputs, attrs: _VARIANT_SHAPE)
OPTIONAL_NONE = Op("OptionalNone", _none_kernel, shape_fn=lambda inputs, attrs: _VARIANT_SHAPE)
OPTIONAL_HAS_VALUE = Op("OptionalHasValue", _has_value_kernel,
                        shape_fn=lambda inputs, attrs: [(np.dtype(np.bool_), ())])


def from_value(value: Any) -> Any:
    """A variant tensor holding `value`'s flat tensors."""
    from eagerflow._src.framework.convert import convert_to_tensor

    flat = [convert_to_tensor(t) for t in flatten_value(value)]
    with _host_scope():
        return execute(OPTIONAL_FROM_VALUE, flat)


def none() -> Any:
    """A variant tensor holding no value."""
    with _host_scope():
        return execute(OPTIONAL_NONE, [])


def has_value(variant: Any) -> Any:
    with _host_scope():
        return execute(OPTIONAL_HAS_VALUE, [variant])


def get_value(variant: Any, spec: Any) -> Any:
    """The value a variant tensor holds, in `spec`'s structure; TF's InvalidArgumentError when
    the graph runs and it holds none."""
    if spec is None:
        raise ValueError("The element_spec of an Optional read inside tf.function must be known "
                         "(set it, or make the Optional with Optional.from_value).")
    specs = flatten_spec(spec)
    signature = [_dtype_and_shape(s) for s in specs]
    n = len(signature)

    def kernel(xp: Any, v: Any) -> Any:
        content = _content(v)
        if content is None:
            raise errors.InvalidArgumentError(
                None, None, "The given optional does not have a value.")
        return content[0] if n == 1 else list(content)

    op = Op("OptionalGetValue", kernel, num_outputs=n, shape_fn=lambda inputs, attrs: signature)
    with _host_scope():
        outputs = execute(op, [variant])
    flat = [outputs] if n == 1 else list(outputs or [])
    return pack_spec(spec, flat)


def graph_get_next_as_optional(pull: Callable[[], Any]) -> Any:
    """A stateful op taking the next element each time the graph runs, as a variant tensor
    (empty at the end). `pull()` returns the next element eagerly or raises StopIteration."""

    def kernel(xp: Any) -> Any:
        try:
            element = pull()
        except StopIteration:
            return _variant(None)
        return _variant(tuple(t._device.backend.to_host(t._array) for t in flatten_value(element)))

    op = Op("IteratorGetNextAsOptional", kernel, stateful=True,
            shape_fn=lambda inputs, attrs: _VARIANT_SHAPE)
    with _host_scope():
        return execute(op, [])


def eager_content(variant: Any, spec: Any) -> tuple[bool, Any]:
    """(has a value, the value) of an eager variant tensor a function returned."""
    from eagerflow._src.framework.tensor import EagerTensor

    content = _content(variant._array)
    if content is None:
        return False, None
    device = variant._device
    return True, pack_spec(spec, [EagerTensor(a, device) for a in content])
