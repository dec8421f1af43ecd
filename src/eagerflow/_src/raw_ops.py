"""`tf.raw_ops`: each op eagerflow declares, called as TensorFlow's generated raw-op functions.

A raw op takes keyword arguments only, named as in TF's OpDef: its inputs (a list for a list
argument) and its attrs, plus `name`. The call runs through the same adapter that runs the nodes
of a loaded SavedModel (`saved_model/import_function.py`): TF inputs that are attrs of ours are
read as constants, TF's attrs are matched to what our kernel takes, and the op goes through
`execute` (eagerly it computes, in a trace it adds a node). The result is a tensor for one
output, a list for a list output, a namedtuple of the outputs for several, None for none.
"""
from __future__ import annotations

import collections
import functools
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.raw_op_names import RENAMES

_RESOURCE = 20  # DT_RESOURCE

# Graph plumbing a SavedModel holds that is not a computation to call.
_NOT_CALLABLE = frozenset({
    "Const", "Placeholder", "NoOp", "PartitionedCall", "StatefulPartitionedCall", "If", "StatelessIf",
    "While", "StatelessWhile", "VarHandleOp", "SaveV2", "RestoreV2", "MergeV2Checkpoints", "ShardedFilename",
})


def snake_case(op_name: str) -> str:
    """TF's Python name of an op: `AssignAddVariableOp` -> `assign_add_variable_op`, `Conv2D` ->
    `conv2d`, `TopKV2` -> `top_kv2`."""
    out = []
    for i, c in enumerate(op_name):
        if c.isupper():
            prev = op_name[i - 1] if i else ""
            following = op_name[i + 1] if i + 1 < len(op_name) else ""
            if i and (prev.islower() or (prev.isupper() and following.islower())):
                out.append("_")
            out.append(c.lower())
        else:
            out.append(c)
    return "".join(out)


def _op_defs() -> dict:
    from eagerflow._src.saved_model.op_defs import OP_DEFS

    return OP_DEFS


@functools.lru_cache(maxsize=1)
def op_names() -> tuple[str, ...]:
    """The ops `tf.raw_ops` offers: those eagerflow can run that TF's OpDefs describe."""
    import importlib
    import pkgutil

    import eagerflow._src.ops

    for module in pkgutil.iter_modules(eagerflow._src.ops.__path__, "eagerflow._src.ops."):
        importlib.import_module(module.name)  # every op family registers its ops on import
    from eagerflow._src.framework.op import REGISTRY
    from eagerflow._src.saved_model import import_function

    public = import_function._public()
    return tuple(sorted(n for n in _op_defs() if (n in REGISTRY or n in public) and n not in _NOT_CALLABLE))


def _attr(value: Any, kind: str) -> Any:
    if kind == "type":
        dtype = _dtypes.as_dtype(value)
        return dtype._np if dtype._np is not None else np.dtype(object)
    if kind == "list(type)":
        return [_attr(v, "type") for v in value]
    if kind == "shape":
        from eagerflow._src.framework.tensor_shape import TensorShape

        shape = TensorShape(value)
        return None if shape.rank is None else shape.as_list()
    return value


def _convert(values: list, dtype: Any) -> list:
    from eagerflow._src.framework.convert import convert_to_tensor
    from eagerflow._src.framework.tensor import Tensor

    if dtype is None:
        first = next((v for v in values if isinstance(v, Tensor) or hasattr(v, "_as_tensor")), None)
        if first is not None:
            dtype = convert_to_tensor(first).dtype
    return [convert_to_tensor(v, dtype) for v in values]


def _call(op_name: str, python_name: str, kwargs: dict) -> Any:
    from eagerflow._src.saved_model.import_function import FunctionRunner

    in_args, out_args, attr_defs = _op_defs()[op_name]
    kwargs.pop("name", None)
    attr_kinds = {a[0]: a[1] for a in attr_defs}
    attrs = {}
    for key in list(kwargs):
        if key in attr_kinds:
            attrs[key] = _attr(kwargs.pop(key), attr_kinds[key])
    inputs: list = []
    groups: dict[Any, list] = {}  # one dtype per type attr: the first tensor's, as TF infers it
    renames = RENAMES.get(op_name, {})
    for arg, type_spec, number_attr, list_attr in in_args:
        arg = renames.get(arg, arg)
        if arg not in kwargs:
            raise TypeError(f"{python_name}() missing 1 required positional argument: '{arg}'")
        value = kwargs.pop(arg)
        many = bool(number_attr or list_attr)
        values = list(value) if many else [value]
        if number_attr:
            attrs.setdefault(number_attr, len(values))
        inputs.append((values, type_spec))
        if isinstance(type_spec, str) and not list_attr:
            groups.setdefault(type_spec, []).extend(values)
    if kwargs:
        raise TypeError(f"{python_name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    dtypes: dict[str, Any] = {}
    for type_attr, values in groups.items():
        given = attrs.get(type_attr)
        dtypes[type_attr] = _dtypes.as_dtype(given) if given is not None else \
            (_convert(values, None)[0].dtype if values else None)
    flat = []
    for values, type_spec in inputs:
        if type_spec == _RESOURCE:  # a variable (our handles are the variables themselves)
            flat.extend(getattr(v, "handle", v) for v in values)
            continue
        if isinstance(type_spec, int):
            dtype = _dtypes.as_dtype(type_spec) if type_spec not in (0, 21) else None
        else:
            dtype = dtypes.get(type_spec)
        flat.extend(_convert(values, dtype))
    result = FunctionRunner({})._compute(op_name, flat, attrs)
    if not out_args:
        return None
    if len(out_args) == 1:
        _, _, number_attr, list_attr = out_args[0]
        return list(result) if (number_attr or list_attr) else result[0]
    return _outputs_type(op_name, tuple(a[0] for a in out_args))(*result[:len(out_args)])


@functools.lru_cache(maxsize=None)
def _outputs_type(op_name: str, fields: tuple) -> type:
    return collections.namedtuple(op_name, fields)


@functools.lru_cache(maxsize=None)
def raw_op(op_name: str) -> Callable[..., Any]:
    """The `tf.raw_ops.<op_name>` function."""
    if op_name not in op_names():
        raise AttributeError(f"module 'eagerflow.raw_ops' has no attribute {op_name!r}")
    python_name = snake_case(op_name)
    in_args, _, attr_defs = _op_defs()[op_name]
    inferred = {a[1] for a in in_args if isinstance(a[1], str)} | {a[2] for a in in_args} | {a[3] for a in in_args}
    renames = RENAMES.get(op_name, {})
    keys = [renames.get(a[0], a[0]) for a in in_args] + [a[0] for a in attr_defs if a[0] not in inferred] + ["name"]

    def op(*args: Any, **kwargs: Any) -> Any:
        if args:
            raise TypeError(f"{python_name} only takes keyword args (possible keys: {keys}). "
                            "Please pass these args as kwargs instead.")
        return _call(op_name, python_name, kwargs)

    op.__name__ = op.__qualname__ = python_name
    op.__doc__ = f"TensorFlow's `{op_name}` op (keyword arguments: {', '.join(keys)})."
    return op
