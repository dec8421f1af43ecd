"""TensorFlow's event protos (`Event`, `Summary`, `SummaryMetadata`), declared in Python with
TF's field numbers, built from descriptors on first use as checkpoint/formats/protos.py does.

`Summary.Value.tensor` is TF's `TensorProto`, copied into this module's private pool from the
one tf.io declares (io/example_protos.py), so TensorBoard and TF parse our bytes unchanged.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from eagerflow._src.framework.proto_pool import message as _message
from eagerflow._src.io import example_protos

_F = descriptor_pb2.FieldDescriptorProto
_OPTIONAL = _F.LABEL_OPTIONAL
_REPEATED = _F.LABEL_REPEATED

# SummaryMetadata.DataClass (tensorflow/core/framework/summary.proto).
DATA_CLASS_UNKNOWN = 0
DATA_CLASS_SCALAR = 1
DATA_CLASS_TENSOR = 2
DATA_CLASS_BLOB_SEQUENCE = 3


def _add_with_dependencies(pool: descriptor_pool.DescriptorPool, file_descriptor: Any, added: set) -> None:
    if file_descriptor.name in added:
        return
    for dependency in file_descriptor.dependencies:
        _add_with_dependencies(pool, dependency, added)
    proto = descriptor_pb2.FileDescriptorProto()
    file_descriptor.CopyToProto(proto)
    pool.Add(proto)
    added.add(file_descriptor.name)


def _build_pool() -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    _add_with_dependencies(pool, example_protos.TensorProto.DESCRIPTOR.file, set())
    tensor_file = example_protos.TensorProto.DESCRIPTOR.file.name

    summary = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/framework/summary.proto", package="tensorflow", syntax="proto3",
        dependency=[tensor_file])
    data_class = summary.enum_type.add(name="DataClass")
    for name, number in (("DATA_CLASS_UNKNOWN", 0), ("DATA_CLASS_SCALAR", 1), ("DATA_CLASS_TENSOR", 2),
                         ("DATA_CLASS_BLOB_SEQUENCE", 3)):
        data_class.value.add(name=name, number=number)
    metadata = _message(summary, "SummaryMetadata", [
        ("plugin_data", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.SummaryMetadata.PluginData"),
        ("display_name", 2, _F.TYPE_STRING, _OPTIONAL),
        ("summary_description", 3, _F.TYPE_STRING, _OPTIONAL),
        ("data_class", 4, _F.TYPE_ENUM, _OPTIONAL, ".tensorflow.DataClass"),
    ])
    _message(metadata, "PluginData", [
        ("plugin_name", 1, _F.TYPE_STRING, _OPTIONAL),
        ("content", 2, _F.TYPE_BYTES, _OPTIONAL),
    ])
    _message(summary, "HistogramProto", [
        ("min", 1, _F.TYPE_DOUBLE, _OPTIONAL),
        ("max", 2, _F.TYPE_DOUBLE, _OPTIONAL),
        ("num", 3, _F.TYPE_DOUBLE, _OPTIONAL),
        ("sum", 4, _F.TYPE_DOUBLE, _OPTIONAL),
        ("sum_squares", 5, _F.TYPE_DOUBLE, _OPTIONAL),
        ("bucket_limit", 6, _F.TYPE_DOUBLE, _REPEATED),
        ("bucket", 7, _F.TYPE_DOUBLE, _REPEATED),
    ])
    summary_msg = _message(summary, "Summary", [
        ("value", 1, _F.TYPE_MESSAGE, _REPEATED, ".tensorflow.Summary.Value"),
    ])
    _message(summary_msg, "Image", [
        ("height", 1, _F.TYPE_INT32, _OPTIONAL),
        ("width", 2, _F.TYPE_INT32, _OPTIONAL),
        ("colorspace", 3, _F.TYPE_INT32, _OPTIONAL),
        ("encoded_image_string", 4, _F.TYPE_BYTES, _OPTIONAL),
    ])
    _message(summary_msg, "Audio", [
        ("sample_rate", 1, _F.TYPE_FLOAT, _OPTIONAL),
        ("num_channels", 2, _F.TYPE_INT64, _OPTIONAL),
        ("length_frames", 3, _F.TYPE_INT64, _OPTIONAL),
        ("encoded_audio_string", 4, _F.TYPE_BYTES, _OPTIONAL),
        ("content_type", 5, _F.TYPE_STRING, _OPTIONAL),
    ])
    value = _message(summary_msg, "Value", [
        ("node_name", 7, _F.TYPE_STRING, _OPTIONAL),
        ("tag", 1, _F.TYPE_STRING, _OPTIONAL),
        ("metadata", 9, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.SummaryMetadata"),
        ("simple_value", 2, _F.TYPE_FLOAT, _OPTIONAL),
        ("obsolete_old_style_histogram", 3, _F.TYPE_BYTES, _OPTIONAL),
        ("image", 4, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Summary.Image"),
        ("histo", 5, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.HistogramProto"),
        ("audio", 6, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Summary.Audio"),
        ("tensor", 8, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.TensorProto"),
    ])
    # Summary.Value.value is a oneof in TF (`value.WhichOneof("value")` names the kind).
    value.oneof_decl.add(name="value")
    for field in value.field:
        if field.number not in (1, 7, 9):
            field.oneof_index = 0
    pool.Add(summary)

    event = descriptor_pb2.FileDescriptorProto(
        name="tensorflow/core/util/event.proto", package="tensorflow", syntax="proto3",
        dependency=["tensorflow/core/framework/summary.proto"])
    _message(event, "Event", [
        ("wall_time", 1, _F.TYPE_DOUBLE, _OPTIONAL),
        ("step", 2, _F.TYPE_INT64, _OPTIONAL),
        ("file_version", 3, _F.TYPE_STRING, _OPTIONAL),
        ("graph_def", 4, _F.TYPE_BYTES, _OPTIONAL),
        ("summary", 5, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Summary"),
        ("meta_graph_def", 9, _F.TYPE_BYTES, _OPTIONAL),
        ("source_metadata", 10, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.SourceMetadata"),
    ])
    _message(event, "SourceMetadata", [("writer", 1, _F.TYPE_STRING, _OPTIONAL)])
    # Event.what is a oneof in TF: at most one of these is set.
    event.message_type[0].oneof_decl.add(name="what")
    for field in event.message_type[0].field:
        if field.name in ("file_version", "graph_def", "summary", "meta_graph_def"):
            field.oneof_index = 0
    pool.Add(event)
    return pool


_POOL = _build_pool()


def _class(full_name: str) -> type:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


TensorProto = _class("tensorflow.TensorProto")
SummaryMetadata = _class("tensorflow.SummaryMetadata")
Summary = _class("tensorflow.Summary")
HistogramProto = _class("tensorflow.HistogramProto")
Event = _class("tensorflow.Event")


def tensor_proto(array: np.ndarray, datatype: int) -> Any:
    """The `TensorProto` TF's summary writer stores: `tensor_content` for numbers, `string_val`
    for strings."""
    proto = TensorProto(dtype=datatype)
    proto.tensor_shape.SetInParent()  # TF writes the (empty) shape of a scalar too
    for size in array.shape:
        proto.tensor_shape.dim.add(size=int(size))
    if array.dtype == object:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in array.ravel())
    else:
        proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return proto
