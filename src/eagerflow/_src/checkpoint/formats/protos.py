"""TensorFlow's checkpoint protos, declared in Python with TF's field numbers.

The messages are built from descriptors at import time (no generated `_pb2` code and
no `protoc`), in a private descriptor pool so they never clash with TensorFlow's own
`tensorflow.*` messages when both are loaded in one process. Only `protobuf` is needed,
and only when a checkpoint is saved or loaded: nothing imports this module at
`import eagerflow`.

Messages (same names, packages and field numbers as TensorFlow, so bytes interoperate):
`VersionDef`, `TensorShapeProto`, `TensorSliceProto`, `BundleHeaderProto`,
`BundleEntryProto`, `TrackableObjectGraph` (with `TrackableObject`, `ObjectReference`,
`SerializedTensor`, `SlotVariableReference`) and `RegisteredSaver`.
"""
from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, wrappers_pb2
from google.protobuf.message import DecodeError

from eagerflow._src.framework import errors

# TensorFlow's `DataType` enum (tensorflow/core/framework/types.proto).
DT_INVALID = 0
DT_FLOAT = 1
DT_DOUBLE = 2
DT_INT32 = 3
DT_UINT8 = 4
DT_INT16 = 5
DT_INT8 = 6
DT_STRING = 7
DT_COMPLEX64 = 8
DT_INT64 = 9
DT_BOOL = 10
DT_QINT8 = 11
DT_QUINT8 = 12
DT_QINT32 = 13
DT_BFLOAT16 = 14
DT_QINT16 = 15
DT_QUINT16 = 16
DT_UINT16 = 17
DT_COMPLEX128 = 18
DT_HALF = 19
DT_RESOURCE = 20
DT_VARIANT = 21
DT_UINT32 = 22
DT_UINT64 = 23
DT_FLOAT8_E5M2 = 24
DT_FLOAT8_E4M3FN = 25
DT_FLOAT8_E4M3FNUZ = 26
DT_FLOAT8_E4M3B11FNUZ = 27
DT_FLOAT8_E5M2FNUZ = 28
DT_INT4 = 29
DT_UINT4 = 30
DT_INT2 = 31
DT_UINT2 = 32
DT_FLOAT4_E2M1FN = 33

DATA_TYPE_NAMES: dict[int, str] = {
    DT_INVALID: "DT_INVALID", DT_FLOAT: "DT_FLOAT", DT_DOUBLE: "DT_DOUBLE",
    DT_INT32: "DT_INT32", DT_UINT8: "DT_UINT8", DT_INT16: "DT_INT16", DT_INT8: "DT_INT8",
    DT_STRING: "DT_STRING", DT_COMPLEX64: "DT_COMPLEX64", DT_INT64: "DT_INT64",
    DT_BOOL: "DT_BOOL", DT_QINT8: "DT_QINT8", DT_QUINT8: "DT_QUINT8", DT_QINT32: "DT_QINT32",
    DT_BFLOAT16: "DT_BFLOAT16", DT_QINT16: "DT_QINT16", DT_QUINT16: "DT_QUINT16",
    DT_UINT16: "DT_UINT16", DT_COMPLEX128: "DT_COMPLEX128", DT_HALF: "DT_HALF",
    DT_RESOURCE: "DT_RESOURCE", DT_VARIANT: "DT_VARIANT", DT_UINT32: "DT_UINT32",
    DT_UINT64: "DT_UINT64", DT_FLOAT8_E5M2: "DT_FLOAT8_E5M2",
    DT_FLOAT8_E4M3FN: "DT_FLOAT8_E4M3FN", DT_FLOAT8_E4M3FNUZ: "DT_FLOAT8_E4M3FNUZ",
    DT_FLOAT8_E4M3B11FNUZ: "DT_FLOAT8_E4M3B11FNUZ", DT_FLOAT8_E5M2FNUZ: "DT_FLOAT8_E5M2FNUZ",
    DT_INT4: "DT_INT4", DT_UINT4: "DT_UINT4", DT_INT2: "DT_INT2", DT_UINT2: "DT_UINT2",
    DT_FLOAT4_E2M1FN: "DT_FLOAT4_E2M1FN",
}

# The key under which tf.train.Checkpoint stores the serialized TrackableObjectGraph.
OBJECT_GRAPH_PROTO_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"

_F = descriptor_pb2.FieldDescriptorProto
_OPTIONAL = _F.LABEL_OPTIONAL
_REPEATED = _F.LABEL_REPEATED


def _message(parent: Any, name: str, fields: list[tuple]) -> descriptor_pb2.DescriptorProto:
    """Adds message `name` to `parent` with fields `(name, number, type, label[, type_name])`."""
    msg = parent.message_type.add() if hasattr(parent, "message_type") else parent.nested_type.add()
    msg.name = name
    for field_name, number, field_type, label, *type_name in fields:
        field = msg.field.add(name=field_name, number=number, type=field_type, label=label)
        if type_name:
            field.type_name = type_name[0]
    return msg


def _file(name: str, dependencies: tuple[str, ...] = ()) -> descriptor_pb2.FileDescriptorProto:
    return descriptor_pb2.FileDescriptorProto(
        name=name, package="tensorflow", syntax="proto3", dependency=list(dependencies))


def _build_pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    wrappers = descriptor_pb2.FileDescriptorProto()
    wrappers_pb2.DESCRIPTOR.CopyToProto(wrappers)
    pool.Add(wrappers)

    types = _file("tensorflow/core/framework/types.proto")
    data_type = types.enum_type.add(name="DataType")
    for number, enum_name in sorted(DATA_TYPE_NAMES.items()):
        data_type.value.add(name=enum_name, number=number)
    pool.Add(types)

    versions = _file("tensorflow/core/framework/versions.proto")
    _message(versions, "VersionDef", [
        ("producer", 1, _F.TYPE_INT32, _OPTIONAL),
        ("min_consumer", 2, _F.TYPE_INT32, _OPTIONAL),
        ("bad_consumers", 3, _F.TYPE_INT32, _REPEATED),
    ])
    pool.Add(versions)

    shape = _file("tensorflow/core/framework/tensor_shape.proto")
    shape_msg = _message(shape, "TensorShapeProto", [
        ("dim", 2, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.TensorShapeProto.Dim"),
        ("unknown_rank", 3, _F.TYPE_BOOL, _OPTIONAL),
    ])
    _message(shape_msg, "Dim", [
        ("size", 1, _F.TYPE_INT64, _OPTIONAL),
        ("name", 2, _F.TYPE_STRING, _OPTIONAL),
    ])
    pool.Add(shape)

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
    pool.Add(tensor_slice)

    bundle = _file("tensorflow/core/protobuf/tensor_bundle.proto", (
        "tensorflow/core/framework/tensor_shape.proto",
        "tensorflow/core/framework/tensor_slice.proto",
        "tensorflow/core/framework/types.proto",
        "tensorflow/core/framework/versions.proto",
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
    pool.Add(bundle)

    graph = _file("tensorflow/core/protobuf/trackable_object_graph.proto",
                  ("google/protobuf/wrappers.proto",))
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
    pool.Add(graph)
    return pool


_POOL = _build_pool()


def _class(full_name: str) -> type:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


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


def file_descriptor_proto(name: str) -> descriptor_pb2.FileDescriptorProto:
    """The `FileDescriptorProto` of one of our files, e.g. `tensorflow/core/protobuf/tensor_bundle.proto`."""
    out = descriptor_pb2.FileDescriptorProto()
    _POOL.FindFileByName(name).CopyToProto(out)
    return out


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
