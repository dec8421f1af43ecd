"""TensorFlow's `Example` and `TensorProto` messages, declared with TF's field numbers.

Built from descriptors at first use (no generated `_pb2` code), in a private descriptor pool
so they never clash with TensorFlow's own `tensorflow.*` classes in one process; the bytes
interoperate with TF's. Nothing imports this module at `import eagerflow`.

Messages: `BytesList`, `FloatList`, `Int64List`, `Feature`, `Features`, `FeatureList`,
`FeatureLists`, `Example`, `SequenceExample` (tensorflow/core/example/*.proto) and
`TensorProto` (tensorflow/core/framework/tensor.proto).
"""
from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from eagerflow._src.checkpoint.formats import protos as _checkpoint_protos

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


def _map_field(msg: descriptor_pb2.DescriptorProto, field: str, number: int, value_type: str) -> None:
    """A proto3 `map<string, value_type> field = number;` (a repeated nested map entry)."""
    entry_name = "".join(part.capitalize() for part in field.split("_")) + "Entry"
    entry = _message(msg, entry_name, [
        ("key", 1, _F.TYPE_STRING, _OPTIONAL),
        ("value", 2, _F.TYPE_MESSAGE, _OPTIONAL, value_type),
    ])
    entry.options.map_entry = True
    msg.field.add(name=field, number=number, type=_F.TYPE_MESSAGE, label=_REPEATED,
                  type_name=f".{_PACKAGE}.{msg.name}.{entry_name}")


_PACKAGE = "tensorflow"


def _file(name: str, dependencies: tuple[str, ...] = ()) -> descriptor_pb2.FileDescriptorProto:
    return descriptor_pb2.FileDescriptorProto(
        name=name, package=_PACKAGE, syntax="proto3", dependency=list(dependencies))


def _build_pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    for dependency in ("tensorflow/core/framework/types.proto",
                       "tensorflow/core/framework/tensor_shape.proto"):
        pool.Add(_checkpoint_protos.file_descriptor_proto(dependency))

    feature = _file("tensorflow/core/example/feature.proto")
    _message(feature, "BytesList", [("value", 1, _F.TYPE_BYTES, _REPEATED)])
    _message(feature, "FloatList", [("value", 1, _F.TYPE_FLOAT, _REPEATED)])
    _message(feature, "Int64List", [("value", 1, _F.TYPE_INT64, _REPEATED)])
    one = _message(feature, "Feature", [
        ("bytes_list", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.BytesList"),
        ("float_list", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.FloatList"),
        ("int64_list", 3, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Int64List"),
    ])
    one.oneof_decl.add(name="kind")
    for field in one.field:
        field.oneof_index = 0
    features = _message(feature, "Features", [])
    _map_field(features, "feature", 1, ".tensorflow.Feature")
    _message(feature, "FeatureList", [
        ("feature", 1, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.Feature"),
    ])
    lists = _message(feature, "FeatureLists", [])
    _map_field(lists, "feature_list", 1, ".tensorflow.FeatureList")
    pool.Add(feature)

    example = _file("tensorflow/core/example/example.proto", ("tensorflow/core/example/feature.proto",))
    _message(example, "Example", [
        ("features", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features"),
    ])
    _message(example, "SequenceExample", [
        ("context", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features"),
        ("feature_lists", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.FeatureLists"),
    ])
    pool.Add(example)

    tensor = _file("tensorflow/core/framework/tensor.proto", (
        "tensorflow/core/framework/tensor_shape.proto", "tensorflow/core/framework/types.proto"))
    _message(tensor, "TensorProto", [
        ("dtype", 1, _F.TYPE_ENUM, _OPTIONAL, ".tensorflow.DataType"),
        ("tensor_shape", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.TensorShapeProto"),
        ("version_number", 3, _F.TYPE_INT32, _OPTIONAL),
        ("tensor_content", 4, _F.TYPE_BYTES, _OPTIONAL),
        ("float_val", 5, _F.TYPE_FLOAT, _REPEATED),
        ("double_val", 6, _F.TYPE_DOUBLE, _REPEATED),
        ("int_val", 7, _F.TYPE_INT32, _REPEATED),
        ("string_val", 8, _F.TYPE_BYTES, _REPEATED),
        ("scomplex_val", 9, _F.TYPE_FLOAT, _REPEATED),
        ("int64_val", 10, _F.TYPE_INT64, _REPEATED),
        ("bool_val", 11, _F.TYPE_BOOL, _REPEATED),
        ("dcomplex_val", 12, _F.TYPE_DOUBLE, _REPEATED),
        ("half_val", 13, _F.TYPE_INT32, _REPEATED),
        ("uint32_val", 16, _F.TYPE_UINT32, _REPEATED),
        ("uint64_val", 17, _F.TYPE_UINT64, _REPEATED),
        ("float8_val", 18, _F.TYPE_BYTES, _OPTIONAL),
    ])
    pool.Add(tensor)
    return pool


_POOL = _build_pool()


def _class(full_name: str) -> type:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


BytesList = _class("tensorflow.BytesList")
FloatList = _class("tensorflow.FloatList")
Int64List = _class("tensorflow.Int64List")
Feature = _class("tensorflow.Feature")
Features = _class("tensorflow.Features")
FeatureList = _class("tensorflow.FeatureList")
FeatureLists = _class("tensorflow.FeatureLists")
Example = _class("tensorflow.Example")
SequenceExample = _class("tensorflow.SequenceExample")
TensorProto = _class("tensorflow.TensorProto")
TensorShapeProto = _class("tensorflow.TensorShapeProto")
