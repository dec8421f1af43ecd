"""One private protobuf descriptor pool for the TensorFlow messages eagerflow reads and writes.

Messages are declared from descriptors with TF's names, packages and field numbers (no
generated `_pb2` code, no `protoc`), so their bytes interoperate with TensorFlow's. The pool is
private, so our `tensorflow.*` messages never clash with TF's own when both are loaded in one
process. Only `protobuf` is needed, and only on first use: nothing imports this module at
`import eagerflow`.

The pool starts with the files several areas share: `DataType` (types.proto), `VersionDef`,
`TensorShapeProto` and `TensorProto`, plus protobuf's `wrappers.proto`. Each area adds its own
files with `add_file` (checkpoint/formats/protos.py, io/example_protos.py,
function/graph_def.py) and gets classes with `message_class`.
"""
from __future__ import annotations

import functools
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, wrappers_pb2

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
    number: name for name, number in globals().items() if name.startswith("DT_")}

PACKAGE = "tensorflow"
F = descriptor_pb2.FieldDescriptorProto
OPTIONAL = F.LABEL_OPTIONAL
REPEATED = F.LABEL_REPEATED

TYPES_FILE = "tensorflow/core/framework/types.proto"
VERSIONS_FILE = "tensorflow/core/framework/versions.proto"
TENSOR_SHAPE_FILE = "tensorflow/core/framework/tensor_shape.proto"
TENSOR_FILE = "tensorflow/core/framework/tensor.proto"
WRAPPERS_FILE = "google/protobuf/wrappers.proto"


def message(parent: Any, name: str, fields: list[tuple]) -> descriptor_pb2.DescriptorProto:
    """Adds message `name` to a file or message `parent`.

    Each field is `(name, number, type, label[, type_name[, oneof_index]])`; an empty
    `type_name` stands for none (a scalar field inside a oneof).
    """
    msg = parent.message_type.add() if hasattr(parent, "message_type") else parent.nested_type.add()
    msg.name = name
    for field_name, number, field_type, label, *rest in fields:
        field = msg.field.add(name=field_name, number=number, type=field_type, label=label)
        if rest and rest[0]:
            field.type_name = rest[0]
        if len(rest) > 1:
            field.oneof_index = rest[1]
    return msg


def map_field(msg: descriptor_pb2.DescriptorProto, field: str, number: int, value_type: str,
              key_type: int = F.TYPE_STRING, package: str = PACKAGE) -> None:
    """A proto3 `map<key_type, value_type> field = number;` (a repeated nested map entry) of a
    message of `package`; keys are strings unless `key_type` says otherwise."""
    entry_name = "".join(part.capitalize() for part in field.split("_")) + "Entry"
    entry = message(msg, entry_name, [
        ("key", 1, key_type, OPTIONAL),
        ("value", 2, F.TYPE_MESSAGE, OPTIONAL, value_type),
    ])
    entry.options.map_entry = True
    msg.field.add(name=field, number=number, type=F.TYPE_MESSAGE, label=REPEATED,
                  type_name=f".{package}.{msg.name}.{entry_name}")


def file(name: str, dependencies: tuple[str, ...] = ()) -> descriptor_pb2.FileDescriptorProto:
    """An empty proto3 file of package `tensorflow`."""
    return descriptor_pb2.FileDescriptorProto(
        name=name, package=PACKAGE, syntax="proto3", dependency=list(dependencies))


def _shared_files() -> list[descriptor_pb2.FileDescriptorProto]:
    wrappers = descriptor_pb2.FileDescriptorProto()
    wrappers_pb2.DESCRIPTOR.CopyToProto(wrappers)

    types = file(TYPES_FILE)
    data_type = types.enum_type.add(name="DataType")
    for number, enum_name in sorted(DATA_TYPE_NAMES.items()):
        data_type.value.add(name=enum_name, number=number)

    versions = file(VERSIONS_FILE)
    message(versions, "VersionDef", [
        ("producer", 1, F.TYPE_INT32, OPTIONAL),
        ("min_consumer", 2, F.TYPE_INT32, OPTIONAL),
        ("bad_consumers", 3, F.TYPE_INT32, REPEATED),
    ])

    shape = file(TENSOR_SHAPE_FILE)
    shape_msg = message(shape, "TensorShapeProto", [
        ("dim", 2, F.TYPE_MESSAGE, REPEATED, ".tensorflow.TensorShapeProto.Dim"),
        ("unknown_rank", 3, F.TYPE_BOOL, OPTIONAL),
    ])
    message(shape_msg, "Dim", [
        ("size", 1, F.TYPE_INT64, OPTIONAL),
        ("name", 2, F.TYPE_STRING, OPTIONAL),
    ])

    tensor = file(TENSOR_FILE, (TENSOR_SHAPE_FILE, TYPES_FILE))
    message(tensor, "TensorProto", [
        ("dtype", 1, F.TYPE_ENUM, OPTIONAL, ".tensorflow.DataType"),
        ("tensor_shape", 2, F.TYPE_MESSAGE, OPTIONAL, ".tensorflow.TensorShapeProto"),
        ("version_number", 3, F.TYPE_INT32, OPTIONAL),
        ("tensor_content", 4, F.TYPE_BYTES, OPTIONAL),
        ("float_val", 5, F.TYPE_FLOAT, REPEATED),
        ("double_val", 6, F.TYPE_DOUBLE, REPEATED),
        ("int_val", 7, F.TYPE_INT32, REPEATED),
        ("string_val", 8, F.TYPE_BYTES, REPEATED),
        ("scomplex_val", 9, F.TYPE_FLOAT, REPEATED),
        ("int64_val", 10, F.TYPE_INT64, REPEATED),
        ("bool_val", 11, F.TYPE_BOOL, REPEATED),
        ("dcomplex_val", 12, F.TYPE_DOUBLE, REPEATED),
        ("half_val", 13, F.TYPE_INT32, REPEATED),
        ("uint32_val", 16, F.TYPE_UINT32, REPEATED),
        ("uint64_val", 17, F.TYPE_UINT64, REPEATED),
        ("float8_val", 18, F.TYPE_BYTES, OPTIONAL),
    ])
    return [wrappers, types, versions, shape, tensor]


@functools.lru_cache(maxsize=None)
def pool() -> descriptor_pool.DescriptorPool:
    """The shared pool, built on first use with the shared files."""
    shared = descriptor_pool.DescriptorPool()
    for proto in _shared_files():
        shared.Add(proto)
    return shared


def add_file(proto: descriptor_pb2.FileDescriptorProto) -> None:
    """Adds a file to the shared pool; a file already there (a module imported again) is kept."""
    try:
        pool().FindFileByName(proto.name)
    except KeyError:
        pool().Add(proto)


def message_class(full_name: str) -> type:
    """The message class of e.g. `tensorflow.TensorProto` (one class per message)."""
    return message_factory.GetMessageClass(pool().FindMessageTypeByName(full_name))


def file_descriptor_proto(name: str) -> descriptor_pb2.FileDescriptorProto:
    """The `FileDescriptorProto` of a file in the pool, e.g. `tensorflow/core/framework/tensor.proto`."""
    out = descriptor_pb2.FileDescriptorProto()
    pool().FindFileByName(name).CopyToProto(out)
    return out
