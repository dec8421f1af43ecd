"""Ops on composite values (RaggedTensor, SparseTensor), as TF's dispatch runs them.

Op wrappers never look for composites on their fast path: a composite argument fails conversion,
and the wrapper's error path asks here (`composite_in`) before re-raising. Each composite family
registers its handlers in these tables when it loads (a composite cannot exist before that).
Tables are keyed by the composite's class:
  ELEMENTWISE[cls](apply, args): `apply(*tensors)` run on the components of `args`.
  REDUCE[cls](kind, value, axis, keepdims): a reduction ("sum", "mean", "max", ...).
  CONCAT[cls](values, axis): `tf.concat` of a list holding composites.
  API[(cls, name)](*args, **kwargs): any other public op by TF's name ("ones_like", "gather", ...);
  a wrapper hooks in with `except (TypeError, ValueError): if composite_in(x): return call(...)`.
"""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.framework.composite_tensor import CompositeTensor

ELEMENTWISE: dict[type, Callable[..., Any]] = {}
REDUCE: dict[type, Callable[..., Any]] = {}
CONCAT: dict[type, Callable[..., Any]] = {}
API: dict[tuple[type, str], Callable[..., Any]] = {}


def composite_in(*values: Any) -> type | None:
    """The class of the first composite among `values` (lists looked into), else None."""
    for v in values:
        if isinstance(v, CompositeTensor):
            return type(v)
        if isinstance(v, (list, tuple)):
            for w in v:
                if isinstance(w, CompositeTensor):
                    return type(w)
    return None


def elementwise(apply: Callable[..., Any], *args: Any) -> Any:
    cls = composite_in(*args)
    handler = ELEMENTWISE.get(cls)
    if handler is None:
        _not_convertible(args)
    return handler(apply, args)


def reduce(kind: str, value: Any, axis: Any, keepdims: bool) -> Any:
    handler = REDUCE.get(type(value))
    if handler is None:
        _not_convertible((value,))
    return handler(kind, value, axis, keepdims)


def concat(values: Any, axis: Any) -> Any:
    cls = composite_in(values)
    handler = CONCAT.get(cls)
    if handler is None:
        _not_convertible(values)
    return handler(values, axis)


def call(name: str, *args: Any, **kwargs: Any) -> Any:
    """The composite handler of the op TF calls `name`, on these arguments."""
    cls = composite_in(*args)
    handler = API.get((cls, name))
    if handler is None:
        _not_convertible(args)
    return handler(*args, **kwargs)


def _not_convertible(values: Any) -> None:
    """A composite no handler takes: TF's error is the one converting it to a tensor raises."""
    from eagerflow._src.framework.convert import convert_to_tensor

    for v in values:
        if isinstance(v, CompositeTensor):
            convert_to_tensor(v)  # raises TF's ValueError
    raise TypeError("no composite handler")  # unreachable: a composite is always among `values`
