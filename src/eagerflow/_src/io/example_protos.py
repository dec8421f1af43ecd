"""TensorFlow's `Example` messages, declared with TF's field numbers.

Built from descriptors at first use (no generated `_pb2` code), in the private pool of
framework/proto_pool.py (which declares `TensorProto` and `TensorShapeProto` for every area);
the bytes interoperate with TF's. Nothing imports this module at `import eagerflow`.

Messages: `BytesList`, `FloatList`, `Int64List`, `Feature`, `Features`, `FeatureList`,
`FeatureLists`, `Example`, `SequenceExample` (tensorflow/core/example/*.proto), with the
shared `TensorProto` and `TensorShapeProto` handed on for tf.io's users.
"""
from __future__ import annotations

from eagerflow._src.framework import proto_pool
from eagerflow._src.framework.proto_pool import F as _F, OPTIONAL as _OPTIONAL, REPEATED as _REPEATED
from eagerflow._src.framework.proto_pool import file as _file, map_field as _map_field, message as _message


def _add_files() -> None:
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
    proto_pool.add_file(feature)

    example = _file("tensorflow/core/example/example.proto", ("tensorflow/core/example/feature.proto",))
    _message(example, "Example", [
        ("features", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features"),
    ])
    _message(example, "SequenceExample", [
        ("context", 1, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.Features"),
        ("feature_lists", 2, _F.TYPE_MESSAGE, _OPTIONAL, ".tensorflow.FeatureLists"),
    ])
    proto_pool.add_file(example)


_add_files()
_class = proto_pool.message_class

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
