"""TensorFlow's checkpoint protos, declared in Python with TF's field numbers.

The messages are built from descriptors when this module is imported (no generated `_pb2`
code), in the private pool of framework/proto_pool.py, which also holds the shared `DataType`,
`VersionDef` and `TensorShapeProto`. Only `protobuf` is needed, and only when a checkpoint is
saved or loaded: nothing imports this module at `import eagerflow`.

Messages (same names, packages and field numbers as TensorFlow, so bytes interoperate):
`VersionDef`, `TensorShapeProto`, `TensorSliceProto`, `BundleHeaderProto`,
`BundleEntryProto`, `TrackableObjectGraph` (with `TrackableObject`, `ObjectReference`,
`SerializedTensor`, `SlotVariableReference`) and `RegisteredSaver`.
"""
from __future__ import annotations

from typing import Any

from google.protobuf.message import DecodeError

from eagerflow._src.framework import errors
from eagerflow._src.framework import proto_pool
from eagerflow._src.framework.proto_pool import F as _F, OPTIONAL as _OPTIONAL, REPEATED as _REPEATED
from eagerflow._src.framework.proto_pool import file as _file, message as _message

# The key under which tf.train.Checkpoint stores the serialized TrackableObjectGraph.
OBJECT_GRAPH_PROTO_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _add_files() -> None:
    tensor_slice = _file("tensorflow/core/framework/tensor_slice.proto")
    slice_msg = _message(tensor_slice, "TensorSliceProto", [
        ("extent", 1, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.TensorSliceProto.Extent"),
    ])
    extent = _message(slice_msg, "Extent", [
        ("start", 1, _F.TYPE_INT64, _OPTIONAL),
        ("length", 2, _F.TYPE_INT64, _OPTIONAL),
    ])
    extent.oneof_decl.add(name="has_length_hack")
    extent.field[1].oneof_index = 0
    proto_pool.add_file(tensor_slice)

    bundle = _file("tensorflow/core/protobuf/tensor_bundle.proto", (
        proto_pool.TENSOR_SHAPE_FILE,
        "tensorflow/core/framework/tensor_slice.proto",
        proto_pool.TYPES_FILE,
        proto_pool.VERSIONS_FILE,
    ))
    header = _message(bundle, "BundleHeaderProto", [
        ("num_shards", 1, _F.TYPE_INT32, _OPTIONAL),
        ("endianness", 2, _F.TYPE_ENUM, _OPTIONAL, ".tensorflow.BundleHeaderProto.Endianness"),
        ("version", 3, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.VersionDef"),
    ])
    endianness = header.enum_type.add(name="Endianness")
    endianness.value.add(name="LITTLE", number=0)
    endianness.value.add(name="BIG", number=1)
    _message(bundle, "BundleEntryProto", [
        ("dtype", 1, _F.TYPE_ENUM, _OPTIONAL, ".tensorflow.DataType"),
        ("shape", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.TensorShapeProto"),
        ("shard_id", 3, _F.TYPE_INT32, _OPTIONAL),
        ("offset", 4, _F.TYPE_INT64, _OPTIONAL),
        ("size", 5, _F.TYPE_INT64, _OPTIONAL),
        ("crc32c", 6, _F.TYPE_FIXED32, _OPTIONAL),
        ("slices", 7, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.TensorSliceProto"),
    ])
    proto_pool.add_file(bundle)

    graph = _file("tensorflow/core/protobuf/trackable_object_graph.proto",
                  (proto_pool.WRAPPERS_FILE,))
    graph_msg = _message(graph, "TrackableObjectGraph", [
        ("nodes", 1, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.TrackableObjectGraph.TrackableObject"),
    ])
    obj = ".tensorflow.TrackableObjectGraph.TrackableObject"
    trackable = _message(graph_msg, "TrackableObject", [
        ("children", 1, _F.TYPE_MESSAGE, _REPEATED, obj + ".ObjectReference"),
        ("attributes", 2, _F.TYPE_MESSAGE, _REPEATED, obj + ".SerializedTensor"),
        ("slot_variables", 3, _F.TYPE_MESSAGE, _REPEATED, obj + ".SlotVariableReference"),
        ("registered_saver", 4, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.RegisteredSaver"),
        ("has_checkpoint_values", 5, _F.TYPE_MESSAGE, _OPTIONAL, ".google.protobuf.BoolValue"),
    ])
    _message(trackable, "ObjectReference", [
        ("node_id", 1, _F.TYPE_INT32, _OPTIONAL),
        ("local_name", 2, _F.TYPE_STRING, _OPTIONAL),
    ])
    serialized = _message(trackable, "SerializedTensor", [
        ("name", 1, _F.TYPE_STRING, _OPTIONAL),
        ("full_name", 2, _F.TYPE_STRING, _OPTIONAL),
        ("checkpoint_key", 3, _F.TYPE_STRING, _OPTIONAL),
    ])
    serialized.reserved_range.add(start=4, end=5)
    serialized.reserved_name.append("optional_restore")
    _message(trackable, "SlotVariableReference", [
        ("original_variable_node_id", 1, _F.TYPE_INT32, _OPTIONAL),
        ("slot_name", 2, _F.TYPE_STRING, _OPTIONAL),
        ("slot_variable_node_id", 3, _F.TYPE_INT32, _OPTIONAL),
    ])
    _message(graph, "RegisteredSaver", [
        ("name", 1, _F.TYPE_STRING, _OPTIONAL),
        ("object_name", 2, _F.TYPE_STRING, _OPTIONAL),
    ])
    proto_pool.add_file(graph)


_add_files()
_class = proto_pool.message_class


VersionDef = _class("tensorflow.VersionDef")
TensorShapeProto = _class("tensorflow.TensorShapeProto")
TensorSliceProto = _class("tensorflow.TensorSliceProto")
BundleHeaderProto = _class("tensorflow.BundleHeaderProto")
BundleEntryProto = _class("tensorflow.BundleEntryProto")
TrackableObjectGraph = _class("tensorflow.TrackableObjectGraph")
RegisteredSaver = _class("tensorflow.RegisteredSaver")
TrackableObject = TrackableObjectGraph.TrackableObject
ObjectReference = TrackableObject.ObjectReference
SerializedTensor = TrackableObject.SerializedTensor
SlotVariableReference = TrackableObject.SlotVariableReference


def parse(message_class: type, data: bytes, what: str) -> Any:
    """Parses `data` as `message_class`; a malformed message raises `DataLossError` naming `what`."""
    message = message_class()
    try:
        message.ParseFromString(bytes(data))
    except (DecodeError, RuntimeError, ValueError) as exc:  # RuntimeError: recursion limit.
        raise errors.DataLossError(None, None, f"{what} not parseable: {exc}") from None
    return message


def parse_object_graph(data: bytes) -> Any:
    """Parses the `_CHECKPOINTABLE_OBJECT_GRAPH` value into a `TrackableObjectGraph`.

    Raises:
      DataLossError: the bytes are not a valid serialized TrackableObjectGraph.
    """
    return parse(TrackableObjectGraph, data, "Object graph proto")
