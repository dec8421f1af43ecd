"""`Graph.as_graph_def()`: a graph as TensorFlow's `GraphDef` message.

The messages (`GraphDef`, `NodeDef`, `AttrValue`, ...) are declared from descriptors with TF's
names and field numbers in framework/proto_pool.py's shared pool (which holds `TensorProto`,
`TensorShapeProto`, `VersionDef`); protobuf loads only when a GraphDef is asked for.

Nodes carry TF's op type names and inputs ("name" for output 0, "name:1" after). Attrs: "T"
(the first input's dtype) where the op is typed, "dtype"/"shape" for placeholders,
"dtype"/"value" for constants, and the op's own attrs converted by value type (ints, floats,
bools, strings, dtypes, lists of them). Captured variables appear as `resource` placeholders.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes

_PRODUCER = 2129  # TF 2.21's GraphDef version
_MESSAGES = ("GraphDef", "NodeDef", "AttrValue", "TensorProto", "TensorShapeProto", "VersionDef",
             "NameAttrList", "FunctionDefLibrary", "FunctionDef", "OpDef", "OpList", "ResourceHandleProto",
             "RunMetadata")


@functools.lru_cache(maxsize=None)
def messages() -> dict[str, type]:
    """The message classes, built once on first use (in framework/proto_pool.py's shared pool)."""
    from eagerflow._src.framework import proto_pool
    from eagerflow._src.framework.proto_pool import F, OPTIONAL as opt, REPEATED as rep, message

    proto = proto_pool.file("eagerflow/graph.proto", (
        proto_pool.TYPES_FILE, proto_pool.TENSOR_SHAPE_FILE, proto_pool.TENSOR_FILE,
        proto_pool.VERSIONS_FILE))
    name_attr_list = message(proto, "NameAttrList", [("name", 1, F.TYPE_STRING, opt)])
    proto_pool.map_field(name_attr_list, "attr", 2, ".tensorflow.AttrValue")
    attr = message(proto, "AttrValue", [
        ("list", 1, F.TYPE_MESSAGE, opt, ".tensorflow.AttrValue.ListValue", 0),
        ("s", 2, F.TYPE_BYTES, opt, "", 0),
        ("i", 3, F.TYPE_INT64, opt, "", 0),
        ("f", 4, F.TYPE_FLOAT, opt, "", 0),
        ("b", 5, F.TYPE_BOOL, opt, "", 0),
        ("type", 6, F.TYPE_ENUM, opt, ".tensorflow.DataType", 0),
        ("shape", 7, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto", 0),
        ("tensor", 8, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto", 0),
        ("placeholder", 9, F.TYPE_STRING, opt, "", 0),
        ("func", 10, F.TYPE_MESSAGE, opt, ".tensorflow.NameAttrList", 0)])
    attr.oneof_decl.add(name="value")
    message(attr, "ListValue", [
        ("s", 2, F.TYPE_BYTES, rep), ("i", 3, F.TYPE_INT64, rep), ("f", 4, F.TYPE_FLOAT, rep),
        ("b", 5, F.TYPE_BOOL, rep), ("type", 6, F.TYPE_ENUM, rep, ".tensorflow.DataType"),
        ("shape", 7, F.TYPE_MESSAGE, rep, ".tensorflow.TensorShapeProto"),
        ("tensor", 8, F.TYPE_MESSAGE, rep, ".tensorflow.TensorProto"),
        ("func", 9, F.TYPE_MESSAGE, rep, ".tensorflow.NameAttrList")])
    node = message(proto, "NodeDef", [
        ("name", 1, F.TYPE_STRING, opt), ("op", 2, F.TYPE_STRING, opt),
        ("input", 3, F.TYPE_STRING, rep), ("device", 4, F.TYPE_STRING, opt)])
    proto_pool.map_field(node, "attr", 5, ".tensorflow.AttrValue")
    message(proto, "GraphDef", [("node", 1, F.TYPE_MESSAGE, rep, ".tensorflow.NodeDef"),
                                ("library", 2, F.TYPE_MESSAGE, opt, ".tensorflow.FunctionDefLibrary"),
                                ("version", 3, F.TYPE_INT32, opt),
                                ("versions", 4, F.TYPE_MESSAGE, opt, ".tensorflow.VersionDef")])
    _function_messages(proto)
    # RunMetadata (config.proto), what tf.summary.trace_export writes: the graphs of functions run.
    run = message(proto, "RunMetadata", [("function_graphs", 4, F.TYPE_MESSAGE, rep,
                                          ".tensorflow.RunMetadata.FunctionGraphs")])
    message(run, "FunctionGraphs", [("partition_graphs", 1, F.TYPE_MESSAGE, rep, ".tensorflow.GraphDef"),
                                    ("pre_optimization_graph", 2, F.TYPE_MESSAGE, opt, ".tensorflow.GraphDef"),
                                    ("post_optimization_graph", 3, F.TYPE_MESSAGE, opt, ".tensorflow.GraphDef")])
    proto_pool.add_file(proto)
    return {name: proto_pool.message_class(f"tensorflow.{name}") for name in _MESSAGES}


def _function_messages(proto: Any) -> None:
    """`FunctionDefLibrary`, `FunctionDef`, `OpDef` (function.proto, op_def.proto): the functions a
    SavedModel's graph carries."""
    from eagerflow._src.framework.proto_pool import F, OPTIONAL as opt, REPEATED as rep, message, map_field

    handle = message(proto, "ResourceHandleProto", [])
    message(handle, "DtypeAndShape", [
        ("dtype", 1, F.TYPE_ENUM, opt, ".tensorflow.DataType"),
        ("shape", 2, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto")])
    op_def = message(proto, "OpDef", [
        ("name", 1, F.TYPE_STRING, opt),
        ("input_arg", 2, F.TYPE_MESSAGE, rep, ".tensorflow.OpDef.ArgDef"),
        ("output_arg", 3, F.TYPE_MESSAGE, rep, ".tensorflow.OpDef.ArgDef"),
        ("attr", 4, F.TYPE_MESSAGE, rep, ".tensorflow.OpDef.AttrDef"),
        ("summary", 5, F.TYPE_STRING, opt), ("description", 6, F.TYPE_STRING, opt),
        ("is_aggregate", 16, F.TYPE_BOOL, opt), ("is_stateful", 17, F.TYPE_BOOL, opt),
        ("is_commutative", 18, F.TYPE_BOOL, opt), ("allows_uninitialized_input", 19, F.TYPE_BOOL, opt),
        ("control_output", 20, F.TYPE_STRING, rep)])
    message(op_def, "ArgDef", [
        ("name", 1, F.TYPE_STRING, opt), ("description", 2, F.TYPE_STRING, opt),
        ("type", 3, F.TYPE_ENUM, opt, ".tensorflow.DataType"), ("type_attr", 4, F.TYPE_STRING, opt),
        ("number_attr", 5, F.TYPE_STRING, opt), ("type_list_attr", 6, F.TYPE_STRING, opt),
        ("handle_data", 7, F.TYPE_MESSAGE, rep, ".tensorflow.ResourceHandleProto.DtypeAndShape"),
        ("is_ref", 16, F.TYPE_BOOL, opt)])
    message(op_def, "AttrDef", [
        ("name", 1, F.TYPE_STRING, opt), ("type", 2, F.TYPE_STRING, opt),
        ("default_value", 3, F.TYPE_MESSAGE, opt, ".tensorflow.AttrValue"),
        ("description", 4, F.TYPE_STRING, opt), ("has_minimum", 5, F.TYPE_BOOL, opt),
        ("minimum", 6, F.TYPE_INT64, opt), ("allowed_values", 7, F.TYPE_MESSAGE, opt, ".tensorflow.AttrValue")])
    message(proto, "OpList", [("op", 1, F.TYPE_MESSAGE, rep, ".tensorflow.OpDef")])
    function = message(proto, "FunctionDef", [
        ("signature", 1, F.TYPE_MESSAGE, opt, ".tensorflow.OpDef"),
        ("node_def", 3, F.TYPE_MESSAGE, rep, ".tensorflow.NodeDef")])
    map_field(function, "attr", 5, ".tensorflow.AttrValue")
    arg_attrs = message(function, "ArgAttrs", [])
    _map(arg_attrs, "FunctionDef.ArgAttrs", "attr", 1, F.TYPE_STRING, (F.TYPE_MESSAGE, ".tensorflow.AttrValue"))
    _map(function, "FunctionDef", "arg_attr", 7, F.TYPE_UINT32,
         (F.TYPE_MESSAGE, ".tensorflow.FunctionDef.ArgAttrs"))
    _map(function, "FunctionDef", "ret", 4, F.TYPE_STRING, (F.TYPE_STRING,))
    _map(function, "FunctionDef", "control_ret", 6, F.TYPE_STRING, (F.TYPE_STRING,))
    _map(function, "FunctionDef", "resource_arg_unique_id", 8, F.TYPE_UINT32, (F.TYPE_UINT32,))
    message(proto, "FunctionDefLibrary", [("function", 1, F.TYPE_MESSAGE, rep, ".tensorflow.FunctionDef")])


def _map(msg: Any, path: str, field: str, number: int, key_type: int, value: tuple) -> None:
    """A `map<key_type, value> field = number;` in the message at `tensorflow.<path>` (what
    proto_pool.map_field declares for string keys and message values of top-level messages)."""
    from eagerflow._src.framework.proto_pool import F, OPTIONAL as opt, REPEATED as rep, message

    entry_name = "".join(part.capitalize() for part in field.split("_")) + "Entry"
    entry = message(msg, entry_name, [("key", 1, key_type, opt), ("value", 2, value[0], opt, *value[1:])])
    entry.options.map_entry = True
    msg.field.add(name=field, number=number, type=F.TYPE_MESSAGE, label=rep,
                  type_name=f".tensorflow.{path}.{entry_name}")


def _dtype_enum(dtype: Any) -> int:
    """TF's DataType number of a NumPy dtype or DType (0, DT_INVALID, when it has none)."""
    if isinstance(dtype, _dtypes.DType):
        return dtype.as_datatype_enum
    try:
        return _dtypes.from_numpy(np.dtype(dtype)).as_datatype_enum
    except (TypeError, KeyError, ValueError):
        return 0


def _set_shape(proto: Any, shape: Any) -> None:
    if shape is None:
        proto.unknown_rank = True
        return
    for d in shape:
        proto.dim.add(size=-1 if d is None else int(d))


def _set_attr(value_proto: Any, value: Any) -> bool:
    """Writes `value` into an AttrValue; False when it has no AttrValue form."""
    if isinstance(value, bool):
        value_proto.b = value
    elif isinstance(value, (int, np.integer)):
        value_proto.i = int(value)
    elif isinstance(value, (float, np.floating)):
        value_proto.f = float(value)
    elif isinstance(value, str):
        value_proto.s = value.encode()
    elif isinstance(value, bytes):
        value_proto.s = value
    elif isinstance(value, np.dtype) or isinstance(value, _dtypes.DType) or isinstance(value, type):
        try:
            value_proto.type = _dtype_enum(value)
        except TypeError:
            return False
    elif isinstance(value, (tuple, list)) and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                                                  for v in value):
        value_proto.list.i.extend(int(v) for v in value)
    elif isinstance(value, (tuple, list)) and all(isinstance(v, (float, np.floating)) for v in value):
        value_proto.list.f.extend(float(v) for v in value)
    elif value is None:
        return False
    else:
        return False
    return True


def _tensor_proto(proto: Any, array: Any) -> None:
    array = np.asarray(array)
    proto.dtype = _dtype_enum(array.dtype)
    _set_shape(proto.tensor_shape, array.shape)
    if array.dtype == object:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in array.ravel())
    elif array.size == 1:
        flat = array.ravel()
        kind = array.dtype.kind
        if kind == "b":
            proto.bool_val.append(bool(flat[0]))
        elif array.dtype == np.float32:
            proto.float_val.append(float(flat[0]))
        elif array.dtype == np.float64:
            proto.double_val.append(float(flat[0]))
        elif array.dtype == np.int64:
            proto.int64_val.append(int(flat[0]))
        elif kind in "iu":
            proto.int_val.append(int(flat[0]))
        else:
            proto.tensor_content = array.tobytes()
    else:
        proto.tensor_content = np.ascontiguousarray(array).tobytes()


def _input_name(x: Any, variable_names: dict) -> str:
    if id(x) in variable_names:
        return variable_names[id(x)]
    name = x._op.name
    return name if x._value_index == 0 else f"{name}:{x._value_index}"


def node_def(operation: Any, variable_names: dict | None = None) -> Any:
    """One operation as a `NodeDef`."""
    m = messages()
    node = m["NodeDef"](name=operation.name, op=operation.type, device=operation.device or "")
    names = variable_names if variable_names is not None else {}
    for x in operation._inputs:
        if hasattr(x, "_op"):
            node.input.append(_input_name(x, names))
        elif id(x) in names:
            node.input.append(names[id(x)])
    for dep in operation.control_inputs:
        node.input.append(f"^{dep.name}")
    if operation.type == "Placeholder":
        node.attr["dtype"].type = _dtype_enum(operation.attrs["dtype"])
        _set_shape(node.attr["shape"].shape, operation.attrs["shape"])
        return node
    if operation.type == "Const":
        array = operation.attrs["value"]._array
        host = operation.attrs["value"]._device.backend.to_host(array)
        node.attr["dtype"].type = _dtype_enum(np.asarray(host).dtype)
        _tensor_proto(node.attr["value"].tensor, host)
        return node
    typed = [x for x in operation._inputs if hasattr(x, "_array") and hasattr(x, "_op")]
    if operation.op is not None and operation.op.resource and len(operation._inputs) > 0:
        variable = operation._inputs[0]
        if variable._array is not None:
            node.attr["dtype"].type = _dtype_enum(variable._array.dtype)
    elif typed:
        node.attr["T"].type = _dtype_enum(typed[0]._array.dtype)
    for key, value in operation.attrs.items():
        if key not in node.attr:
            _set_attr(node.attr[key], value)
            if not node.attr[key].WhichOneof("value"):
                del node.attr[key]
    return node


def graph_def(graph: Any, add_shapes: bool = False) -> Any:
    """The graph as a `GraphDef` (captured variables as resource placeholders first)."""
    m = messages()
    out = m["GraphDef"]()
    out.versions.producer = _PRODUCER
    variable_names: dict[int, str] = {}
    taken = {op.name for op in graph.get_operations()}
    for variable in getattr(graph, "variable_captures", {}).values():
        base = getattr(variable, "name", "Variable").split(":")[0].replace("/", "_") or "Variable"
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        taken.add(name)
        variable_names[id(variable)] = name
        node = out.node.add(name=name, op="Placeholder")
        node.attr["dtype"].type = _dtypes.resource.as_datatype_enum
        node.attr["shape"].shape.SetInParent()
    for operation in graph.get_operations():
        node = node_def(operation, variable_names)
        if add_shapes and operation.outputs:
            for t in operation.outputs:
                _set_shape(node.attr["_output_shapes"].list.shape.add(), t._array.shape)
        out.node.append(node)
    return out
