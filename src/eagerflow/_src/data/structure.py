"""Dataset elements: nested tuples, dicts and namedtuples of tensors, and their specs.

A small, fast walk of the containers tf.data elements use (tuples, lists, dicts with keys in
sorted order, namedtuples); the hot paths of iteration call it per element.

A `None` component (spec `NoneTensorSpec()`) has no tensors, as in TF: `flatten` skips it (and
its spec), `pack_as` puts `None` back where the structure has one, and `map_structure` passes
it through unchanged, so batching, shuffling, caching and functions carry it for free.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.none_tensor import NoneTensorSpec
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape


def _spec_class() -> type:
    try:
        from eagerflow._src.framework.tensor_spec import TensorSpec
    except ImportError:  # until tf.TensorSpec lands in the framework
        return _TensorSpecStandIn
    return TensorSpec


class _TensorSpecStandIn:
    """`TensorSpec(shape, dtype)` with TF's repr and equality (until the framework's lands)."""

    def __init__(self, shape: Any, dtype: Any, name: Any = None) -> None:
        self.shape = TensorShape(shape)
        self.dtype = _dtypes.as_dtype(dtype)
        self.name = name

    def __eq__(self, other: Any) -> bool:
        return (getattr(other, "shape", None) == self.shape and getattr(other, "dtype", None) == self.dtype)

    def __hash__(self) -> int:
        return hash((str(self.shape), self.dtype))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def tensor_spec(shape: Any, dtype: Any) -> Any:
    return _spec_class()(shape, dtype)


def is_spec(x: Any) -> bool:
    return hasattr(x, "_component_specs") or type(x).__name__ in ("TensorSpec", "SparseTensorSpec", "RaggedTensorSpec")


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_none(x: Any) -> bool:
    """Whether `x` is a `None` component or its spec (a leaf without tensors)."""
    return x is None or type(x) is NoneTensorSpec


def map_structure(fn: Callable, structure: Any, skip_none: bool = True) -> Any:
    """Applies `fn` to every leaf (anything not a tuple, list or dict); `None` components and
    their specs stay as they are unless `skip_none` is False."""
    t = type(structure)
    if t is tuple or t is list:
        return t(map_structure(fn, s, skip_none) for s in structure)
    if t is dict:
        return {k: map_structure(fn, structure[k], skip_none) for k in structure}
    if _is_namedtuple(structure):
        return t(*(map_structure(fn, s, skip_none) for s in structure))
    if isinstance(structure, dict):
        return t((k, map_structure(fn, v, skip_none)) for k, v in structure.items())
    if skip_none and (structure is None or t is NoneTensorSpec):
        return structure
    return fn(structure)


def map_structure2(fn: Callable, a: Any, b: Any) -> Any:
    """`fn(leaf_a, leaf_b)` over two structures of the same shape (b drives the walk)."""
    if isinstance(b, (tuple, list)):
        out = [map_structure2(fn, x, y) for x, y in zip(a, b)]
        return type(b)(*out) if _is_namedtuple(b) else type(b)(out)
    if isinstance(b, dict):
        return type(b)((k, map_structure2(fn, a[k], b[k])) for k in b)
    return fn(a, b)


def flatten(structure: Any) -> list:
    """The leaves in TF's order (dict keys sorted), without `None` components and their specs."""
    out: list = []
    _flatten(structure, out)
    return out


def _flatten(x: Any, out: list) -> None:
    if isinstance(x, (tuple, list)):
        for v in x:
            _flatten(v, out)
    elif isinstance(x, dict):
        for k in sorted(x):
            _flatten(x[k], out)
    elif x is not None and type(x) is not NoneTensorSpec:
        out.append(x)


def pack_as(structure: Any, flat: list) -> Any:
    """Rebuilds `structure` with the leaves of `flat` (in `flatten`'s order); where `structure`
    has a `None` component or its spec the result has `None` (nothing taken from `flat`)."""
    it = iter(flat)
    return _pack(structure, it)


def _pack(x: Any, it: Any) -> Any:
    if isinstance(x, (tuple, list)):
        out = [_pack(v, it) for v in x]
        return type(x)(*out) if _is_namedtuple(x) else type(x)(out)
    if isinstance(x, dict):
        keys = sorted(x)
        vals = {k: _pack(x[k], it) for k in keys}
        return type(x)((k, vals[k]) for k in x)
    if x is None or type(x) is NoneTensorSpec:
        return None
    return next(it)


def normalize(value: Any) -> Any:
    """A function's or user's element: lists become tuples, leaves become tensors (TF's
    `structure.normalize_element` plus the list-to-tuple rule of dataset functions)."""
    if isinstance(value, list):
        return tuple(normalize(v) for v in value)
    if _is_namedtuple(value):
        return type(value)(*(normalize(v) for v in value))
    if isinstance(value, tuple):
        return tuple(normalize(v) for v in value)
    if isinstance(value, dict):
        return type(value)((k, normalize(v)) for k, v in value.items())
    if value is None:
        return None
    return to_tensor(value)


def function_output(value: Any, transformation: str) -> Any:
    """A dataset function's return value as an element, by TF's rule: a top-level list is a
    tuple, a list inside is one tensor (packed); None stays a None component."""
    if isinstance(value, list):
        value = tuple(value)
    try:
        return _output(value)
    except (TypeError, ValueError):
        error = TypeError(f"Unsupported return value from function passed to Dataset.{transformation}(): {value}.")
        error._unsupported_return = True  # raised where the dataset is built, as TF's
        raise error from None


def _output(value: Any) -> Any:
    if _is_namedtuple(value):
        return type(value)(*(_output(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_output(v) for v in value)
    if isinstance(value, dict):
        return type(value)((k, _output(v)) for k, v in value.items())
    if value is None:
        return None
    if isinstance(value, list):
        return convert_to_tensor(value)
    return to_tensor(value)


def to_tensor(value: Any) -> Any:
    if type(value) is EagerTensor or _is_composite(value):
        return value
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "_as_tensor") or hasattr(value, "read_value") or hasattr(value, "__tf_tensor__"):
        # variables (Keras's too: a Metric.result() may return one), read as TF's convert does
        return convert_to_tensor(value)
    return constant(value)


def _is_composite(value: Any) -> bool:
    return hasattr(value, "_type_spec") or type(value).__name__ in (
        "SparseTensor", "RaggedTensor", "_SparseStandIn", "_RaggedStandIn")


def spec_of(element: Any) -> Any:
    """The `element_spec` of one element: TensorSpec leaves (type specs for composites)."""
    def leaf(v: Any) -> Any:
        if v is None:
            return NoneTensorSpec()
        if hasattr(v, "_type_spec"):
            return v._type_spec
        return tensor_spec(v.shape, v.dtype)
    return map_structure(leaf, element, skip_none=False)


def host(t: Any) -> np.ndarray:
    """A tensor's value as a NumPy array (shared: never written)."""
    if type(t) is EagerTensor:
        return t._device.backend.to_host(t._array)
    return np.asarray(t.numpy())


def wrap(array: Any) -> EagerTensor:
    """An eager tensor on the default device holding `array` (no copy on CPU)."""
    from eagerflow._src.framework.convert import creation_device

    array = np.asarray(array)
    device = creation_device(array.dtype)
    return EagerTensor(device.backend.from_host(array, device.backend_index), device)


def spec_repr(spec: Any) -> str:
    return repr(spec)


def unknown_batch(shape: TensorShape, known: int | None) -> TensorShape:
    return TensorShape([known]).concatenate(shape)


def dtype_of(spec: Any) -> _dtypes.DType:
    return spec.dtype


# The dataset ops that refuse an element without tensors (only `None` components, or none at
# all): their signatures as TF's attr check prints them.
_OP_SIGNATURES = {
    "OptionalFromValue": ("Toutput_types", "components: -> optional:variant; attr=Toutput_types:list(type),min=1"),
    "TensorDataset": ("Toutput_types", "components: -> handle:variant; attr=Toutput_types:list(type),min=1; "
                      "attr=output_shapes:list(shape),min=1; attr=metadata:string,default=\"\"; is_stateful=true"),
    "MapDataset": ("output_types", "input_dataset:variant, other_arguments: -> handle:variant; attr=f:func; "
                   "attr=Targuments:list(type),min=0; attr=output_types:list(type),min=1; "
                   "attr=output_shapes:list(shape),min=1; attr=use_inter_op_parallelism:bool,default=true; "
                   "attr=preserve_cardinality:bool,default=false; attr=force_synchronous:bool,default=false; "
                   "attr=metadata:string,default=\"\""),
    "ParallelMapDatasetV2": ("output_types", "input_dataset:variant, other_arguments:, num_parallel_calls:int64 -> "
                             "handle:variant; attr=f:func; attr=Targuments:list(type),min=0; "
                             "attr=output_types:list(type),min=1; attr=output_shapes:list(shape),min=1; "
                             "attr=use_inter_op_parallelism:bool,default=true; "
                             "attr=deterministic:string,default=\"default\"; "
                             "attr=preserve_cardinality:bool,default=false; "
                             "attr=use_unbounded_threadpool:bool,default=false; attr=metadata:string,default=\"\""),
}


def check_has_components(spec: Any, op_name: str) -> None:
    """TF's InvalidArgumentError for a dataset op whose element has no tensor components."""
    if flatten(spec):
        return
    from eagerflow._src.framework import errors

    attr, signature = _OP_SIGNATURES[op_name]
    raise errors.InvalidArgumentError(None, None, (
        f"Length for attr '{attr}' of 0 must be at least minimum 1\n\t; NodeDef: {{{{node {op_name}}}}}; "
        f"Op<name={op_name}; signature={signature}> [Op:{op_name}] name: "))
