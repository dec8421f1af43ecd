"""Flattening of argument and result structures for tracing (lists, tuples, namedtuples, dicts
with sorted keys), as `tf.nest` does. Kept tiny and private; `tf.nest` itself lives in
`_src/util/nest.py`."""
from __future__ import annotations

from typing import Any, Iterator

from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.tensor_spec import TypeSpec


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _is_distributed_values(x: Any) -> bool:
    """PerReplica/Mirrored values (not distributed variables): structures of their components."""
    return type(x).__module__ == "eagerflow._src.distribute.values" and hasattr(x, "_values")


def _is_optional(x: Any) -> bool:
    """`tf.experimental.Optional`: a structure of its value (whether it holds one is static here)."""
    return type(x).__module__ == "eagerflow._src.data.iterator" and type(x).__name__ == "Optional"


def _composite_spec(x: Any) -> Any:
    """The TypeSpec of a composite value (RaggedTensor), or the composite TypeSpec itself
    (RaggedTensorSpec): a structure of its component tensors or specs. None otherwise. Only specs
    that opt in (`_flatten_in_functions`) are flattened: a SparseTensor still crosses as one
    Python leaf (its static shape is read from values, which traced components lack)."""
    if isinstance(x, CompositeTensor):
        try:
            spec = x._type_spec
        except (AttributeError, TypeError, ValueError):
            return None
        return spec if getattr(spec, "_flatten_in_functions", False) else None
    if isinstance(x, TypeSpec) and getattr(x, "_flatten_in_functions", False):
        return x
    return None


def flatten(structure: Any) -> list:
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x: Any, out: list) -> None:
    t = type(x)
    if t is list or t is tuple:
        for item in x:
            _flatten_into(item, out)
    elif isinstance(x, dict):
        for key in sorted(x, key=_sort_key):
            _flatten_into(x[key], out)
    elif isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    elif _is_distributed_values(x):
        for item in x._values:
            _flatten_into(item, out)
    elif _is_optional(x):
        if x._variant is not None:  # known only when the graph runs: one variant tensor
            out.append(x._variant)
        elif x._has:
            _flatten_into(x._value, out)
    elif (spec := _composite_spec(x)) is not None:
        for item in (spec._component_specs if spec is x else spec._to_components(x)):
            _flatten_into(item, out)
    else:
        out.append(x)


def _sort_key(key: Any) -> Any:
    return (type(key).__name__, key) if not isinstance(key, (int, float, str)) else (0, key) \
        if isinstance(key, (int, float)) else (1, key)


def pack(structure: Any, flat: Iterator) -> Any:
    """`structure` with its leaves replaced, in order, by items of the iterator `flat`."""
    t = type(structure)
    if t is list:
        return [pack(item, flat) for item in structure]
    if t is tuple:
        return tuple(pack(item, flat) for item in structure)
    if isinstance(structure, dict):
        packed = {key: pack(structure[key], flat) for key in sorted(structure, key=_sort_key)}
        result = {key: packed[key] for key in structure}
        return result if t is dict else t(result)
    if _is_namedtuple(structure):
        return t(*(pack(item, flat) for item in structure))
    if isinstance(structure, (list, tuple)):
        return t(pack(item, flat) for item in structure)
    if _is_distributed_values(structure):
        return t([pack(item, flat) for item in structure._values])
    if _is_optional(structure):
        if structure._variant is not None:
            return structure._from_loop_value(next(flat))
        return t(pack(structure._value, flat), True, structure._spec) if structure._has else structure
    spec = _composite_spec(structure)
    if spec is not None:
        parts = spec._component_specs if spec is structure else spec._to_components(structure)
        return spec._from_components([pack(item, flat) for item in parts])
    return next(flat)


def map_structure(fn: Any, structure: Any) -> Any:
    return pack(structure, iter([fn(x) for x in flatten(structure)]))
