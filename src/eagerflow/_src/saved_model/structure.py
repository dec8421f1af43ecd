"""Nested Python values <-> TensorFlow's `StructuredValue` (struct.proto).

Function signatures in a SavedModel (`canonicalized_input_signature`, `output_signature`) are
stored this way: tuples, lists, dicts, named tuples, None, Python scalars and `TensorSpec`s.
"""
from __future__ import annotations

import collections
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.function import graph_def as _graph_def
from eagerflow._src.saved_model import protos


def _spec_class() -> Any:
    from eagerflow._src.framework.tensor_spec import TensorSpec

    return TensorSpec


def encode(value: Any, out: Any = None) -> Any:
    """`value` as a StructuredValue."""
    m = protos.messages()
    out = out if out is not None else m["StructuredValue"]()
    TensorSpec = _spec_class()
    if value is None:
        out.none_value.SetInParent()
    elif isinstance(value, TensorSpec):
        spec = out.tensor_spec_value
        if value.name:
            spec.name = value.name
        spec.dtype = _dtypes.as_dtype(value.dtype).as_datatype_enum
        dims = value.shape.dims if hasattr(value.shape, "dims") else value.shape
        _graph_def._set_shape(spec.shape, None if dims is None else tuple(dims))
    elif isinstance(value, bool):
        out.bool_value = value
    elif isinstance(value, (int, np.integer)):
        out.int64_value = int(value)
    elif isinstance(value, (float, np.floating)):
        out.float64_value = float(value)
    elif isinstance(value, str):
        out.string_value = value
    elif isinstance(value, _dtypes.DType):
        out.tensor_dtype_value = value.as_datatype_enum
    elif isinstance(value, tuple) and hasattr(type(value), "_fields"):
        out.named_tuple_value.name = type(value).__name__
        for key, item in zip(type(value)._fields, value):
            encode(item, out.named_tuple_value.values.add(key=key).value)
    elif isinstance(value, tuple):
        out.tuple_value.SetInParent()
        for item in value:
            encode(item, out.tuple_value.values.add())
    elif isinstance(value, list):
        out.list_value.SetInParent()
        for item in value:
            encode(item, out.list_value.values.add())
    elif isinstance(value, dict):
        out.dict_value.SetInParent()
        for key, item in value.items():
            encode(item, out.dict_value.fields[str(key)])
    else:
        raise ValueError(f"Unable to save a SavedModel signature holding {value!r} of type {type(value).__name__}.")
    return out


def decode(proto: Any, depth: int = 0) -> Any:
    """A StructuredValue as the Python value (TensorSpecs for tensor specs)."""
    if depth > 100:
        raise errors.InvalidArgumentError(None, None, "SavedModel signature nested too deeply.")
    kind = proto.WhichOneof("kind")
    if kind is None or kind == "none_value":
        return None
    if kind in ("float64_value", "int64_value", "string_value", "bool_value"):
        return getattr(proto, kind)
    if kind == "tensor_dtype_value":
        return _dtypes.as_dtype(proto.tensor_dtype_value)
    if kind == "tensor_shape_value":
        shape = proto.tensor_shape_value
        return None if shape.unknown_rank else tuple(None if d.size < 0 else d.size for d in shape.dim)
    if kind in ("tensor_spec_value", "bounded_tensor_spec_value"):
        spec = getattr(proto, kind)
        shape = None if spec.shape.unknown_rank else [None if d.size < 0 else d.size for d in spec.shape.dim]
        return _spec_class()(shape, _dtypes.as_dtype(spec.dtype), name=spec.name or None)
    if kind == "list_value":
        return [decode(v, depth + 1) for v in proto.list_value.values]
    if kind == "tuple_value":
        return tuple(decode(v, depth + 1) for v in proto.tuple_value.values)
    if kind == "dict_value":
        return {k: decode(v, depth + 1) for k, v in proto.dict_value.fields.items()}
    if kind == "named_tuple_value":
        pairs = [(p.key, decode(p.value, depth + 1)) for p in proto.named_tuple_value.values]
        try:
            cls = collections.namedtuple(proto.named_tuple_value.name or "NamedTuple", [k for k, _ in pairs])
        except ValueError:
            return dict(pairs)
        return cls(*(v for _, v in pairs))
    raise errors.UnimplementedError(None, None, f"eagerflow cannot load a SavedModel signature holding {kind}.")
