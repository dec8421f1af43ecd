"""TensorFlow's SavedModel protos, declared with TF's names and field numbers.

`SavedModel`, `MetaGraphDef` (with `MetaInfoDef`, `SignatureDef`, `TensorInfo`, `SaverDef`,
`CollectionDef`), `SavedObjectGraph` and its objects, `StructuredValue` (struct.proto) and
`FingerprintDef`, in framework/proto_pool.py's shared pool beside the GraphDef and FunctionDef
messages of function/graph_def.py and the checkpoint's `TrackableObjectGraph`. Fields eagerflow
never reads (`Any` payloads) are left out: the parser skips them.
"""
from __future__ import annotations

import functools
from typing import Any

from google.protobuf.message import DecodeError

from eagerflow._src.checkpoint.formats import protos as checkpoint_protos
from eagerflow._src.framework import errors, proto_pool
from eagerflow._src.framework.proto_pool import F, OPTIONAL as opt, REPEATED as rep, map_field, message
from eagerflow._src.function import graph_def

_STRUCT_FILE = "tensorflow/core/protobuf/struct.proto"
_TRACKABLE_FILE = "tensorflow/core/protobuf/trackable_object_graph.proto"
_OBJ = ".tensorflow.TrackableObjectGraph.TrackableObject"


def _struct_file() -> Any:
    proto = proto_pool.file(_STRUCT_FILE, (proto_pool.TENSOR_FILE, proto_pool.TENSOR_SHAPE_FILE,
                                           proto_pool.TYPES_FILE))
    value = message(proto, "StructuredValue", [
        ("none_value", 1, F.TYPE_MESSAGE, opt, ".tensorflow.NoneValue", 0),
        ("float64_value", 11, F.TYPE_DOUBLE, opt, "", 0),
        ("int64_value", 12, F.TYPE_SINT64, opt, "", 0),
        ("string_value", 13, F.TYPE_STRING, opt, "", 0),
        ("bool_value", 14, F.TYPE_BOOL, opt, "", 0),
        ("tensor_shape_value", 31, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto", 0),
        ("tensor_dtype_value", 32, F.TYPE_ENUM, opt, ".tensorflow.DataType", 0),
        ("tensor_spec_value", 33, F.TYPE_MESSAGE, opt, ".tensorflow.TensorSpecProto", 0),
        ("type_spec_value", 34, F.TYPE_MESSAGE, opt, ".tensorflow.TypeSpecProto", 0),
        ("bounded_tensor_spec_value", 35, F.TYPE_MESSAGE, opt, ".tensorflow.BoundedTensorSpecProto", 0),
        ("list_value", 51, F.TYPE_MESSAGE, opt, ".tensorflow.ListValue", 0),
        ("tuple_value", 52, F.TYPE_MESSAGE, opt, ".tensorflow.TupleValue", 0),
        ("dict_value", 53, F.TYPE_MESSAGE, opt, ".tensorflow.DictValue", 0),
        ("named_tuple_value", 54, F.TYPE_MESSAGE, opt, ".tensorflow.NamedTupleValue", 0),
        ("tensor_value", 55, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto", 0),
        ("numpy_value", 56, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto", 0)])
    value.oneof_decl.add(name="kind")
    message(proto, "NoneValue", [])
    message(proto, "ListValue", [("values", 1, F.TYPE_MESSAGE, rep, ".tensorflow.StructuredValue")])
    message(proto, "TupleValue", [("values", 1, F.TYPE_MESSAGE, rep, ".tensorflow.StructuredValue")])
    map_field(message(proto, "DictValue", []), "fields", 1, ".tensorflow.StructuredValue")
    message(proto, "PairValue", [("key", 1, F.TYPE_STRING, opt),
                                 ("value", 2, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue")])
    message(proto, "NamedTupleValue", [("name", 1, F.TYPE_STRING, opt),
                                       ("values", 2, F.TYPE_MESSAGE, rep, ".tensorflow.PairValue")])
    spec_fields = [("name", 1, F.TYPE_STRING, opt),
                   ("shape", 2, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto"),
                   ("dtype", 3, F.TYPE_ENUM, opt, ".tensorflow.DataType")]
    message(proto, "TensorSpecProto", spec_fields)
    message(proto, "BoundedTensorSpecProto", spec_fields + [
        ("minimum", 4, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto"),
        ("maximum", 5, F.TYPE_MESSAGE, opt, ".tensorflow.TensorProto")])
    type_spec = message(proto, "TypeSpecProto", [
        ("type_spec_class", 1, F.TYPE_ENUM, opt, ".tensorflow.TypeSpecProto.TypeSpecClass"),
        ("type_state", 2, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue"),
        ("type_spec_class_name", 3, F.TYPE_STRING, opt),
        ("num_flat_components", 4, F.TYPE_INT32, opt)])
    classes = type_spec.enum_type.add(name="TypeSpecClass")
    for number, name in enumerate(("UNKNOWN", "SPARSE_TENSOR_SPEC", "INDEXED_SLICES_SPEC", "RAGGED_TENSOR_SPEC",
                                   "TENSOR_ARRAY_SPEC", "DATA_DATASET_SPEC", "DATA_ITERATOR_SPEC",
                                   "OPTIONAL_SPEC", "PER_REPLICA_SPEC", "VARIABLE_SPEC",
                                   "ROW_PARTITION_SPEC")):
        classes.value.add(name=name, number=number)
    classes.value.add(name="REGISTERED_TYPE_SPEC", number=12)
    classes.value.add(name="EXTENSION_TYPE_SPEC", number=13)
    return proto


def _saved_model_file() -> Any:
    proto = proto_pool.file("tensorflow/core/protobuf/saved_model.proto", (
        "eagerflow/graph.proto", _STRUCT_FILE, _TRACKABLE_FILE, proto_pool.TENSOR_FILE,
        proto_pool.TENSOR_SHAPE_FILE, proto_pool.TYPES_FILE, proto_pool.VERSIONS_FILE))
    # saved_object_graph.proto
    graph = message(proto, "SavedObjectGraph", [("nodes", 1, F.TYPE_MESSAGE, rep, ".tensorflow.SavedObject")])
    map_field(graph, "concrete_functions", 2, ".tensorflow.SavedConcreteFunction")
    obj = message(proto, "SavedObject", [
        ("children", 1, F.TYPE_MESSAGE, rep, _OBJ + ".ObjectReference"),
        ("slot_variables", 3, F.TYPE_MESSAGE, rep, _OBJ + ".SlotVariableReference"),
        ("user_object", 4, F.TYPE_MESSAGE, opt, ".tensorflow.SavedUserObject", 0),
        ("asset", 5, F.TYPE_MESSAGE, opt, ".tensorflow.SavedAsset", 0),
        ("function", 6, F.TYPE_MESSAGE, opt, ".tensorflow.SavedFunction", 0),
        ("variable", 7, F.TYPE_MESSAGE, opt, ".tensorflow.SavedVariable", 0),
        ("bare_concrete_function", 8, F.TYPE_MESSAGE, opt, ".tensorflow.SavedBareConcreteFunction", 0),
        ("constant", 9, F.TYPE_MESSAGE, opt, ".tensorflow.SavedConstant", 0),
        ("resource", 10, F.TYPE_MESSAGE, opt, ".tensorflow.SavedResource", 0),
        ("captured_tensor", 12, F.TYPE_MESSAGE, opt, ".tensorflow.CapturedTensor", 0),
        ("registered_name", 13, F.TYPE_STRING, opt),
        ("dependencies", 15, F.TYPE_MESSAGE, rep, _OBJ + ".ObjectReference"),
        ("registered_saver", 16, F.TYPE_STRING, opt)])
    obj.oneof_decl.add(name="kind")
    map_field(obj, "saveable_objects", 11, ".tensorflow.SaveableObject")
    message(proto, "SavedUserObject", [("identifier", 1, F.TYPE_STRING, opt),
                                       ("version", 2, F.TYPE_MESSAGE, opt, ".tensorflow.VersionDef"),
                                       ("metadata", 3, F.TYPE_STRING, opt)])
    message(proto, "SavedAsset", [("asset_file_def_index", 1, F.TYPE_INT32, opt)])
    message(proto, "SavedFunction", [("concrete_functions", 1, F.TYPE_STRING, rep),
                                     ("function_spec", 2, F.TYPE_MESSAGE, opt, ".tensorflow.FunctionSpec")])
    message(proto, "CapturedTensor", [("name", 1, F.TYPE_STRING, opt),
                                      ("concrete_function", 2, F.TYPE_STRING, opt)])
    message(proto, "SavedConcreteFunction", [
        ("bound_inputs", 2, F.TYPE_INT32, rep),
        ("canonicalized_input_signature", 3, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue"),
        ("output_signature", 4, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue")])
    message(proto, "SavedBareConcreteFunction", [
        ("concrete_function_name", 1, F.TYPE_STRING, opt), ("argument_keywords", 2, F.TYPE_STRING, rep),
        ("allowed_positional_arguments", 3, F.TYPE_INT64, opt),
        ("function_spec", 4, F.TYPE_MESSAGE, opt, ".tensorflow.FunctionSpec")])
    message(proto, "SavedConstant", [("operation", 1, F.TYPE_STRING, opt)])
    message(proto, "SavedVariable", [
        ("dtype", 1, F.TYPE_ENUM, opt, ".tensorflow.DataType"),
        ("shape", 2, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto"),
        ("trainable", 3, F.TYPE_BOOL, opt), ("synchronization", 4, F.TYPE_INT32, opt),
        ("aggregation", 5, F.TYPE_INT32, opt), ("name", 6, F.TYPE_STRING, opt),
        ("device", 7, F.TYPE_STRING, opt)])
    message(proto, "FunctionSpec", [
        ("fullargspec", 1, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue"),
        ("is_method", 2, F.TYPE_BOOL, opt),
        ("input_signature", 5, F.TYPE_MESSAGE, opt, ".tensorflow.StructuredValue"),
        ("jit_compile", 6, F.TYPE_INT32, opt)])
    message(proto, "SavedResource", [("device", 1, F.TYPE_STRING, opt)])
    message(proto, "SaveableObject", [("save_function", 2, F.TYPE_INT32, opt),
                                      ("restore_function", 3, F.TYPE_INT32, opt)])
    # saver.proto, meta_graph.proto, saved_model.proto
    saver = message(proto, "SaverDef", [
        ("filename_tensor_name", 1, F.TYPE_STRING, opt), ("save_tensor_name", 2, F.TYPE_STRING, opt),
        ("restore_op_name", 3, F.TYPE_STRING, opt), ("max_to_keep", 4, F.TYPE_INT32, opt),
        ("sharded", 5, F.TYPE_BOOL, opt), ("keep_checkpoint_every_n_hours", 6, F.TYPE_FLOAT, opt),
        ("version", 7, F.TYPE_ENUM, opt, ".tensorflow.SaverDef.CheckpointFormatVersion")])
    version = saver.enum_type.add(name="CheckpointFormatVersion")
    for number, name in enumerate(("LEGACY", "V1", "V2")):
        version.value.add(name=name, number=number)
    tensor_info = message(proto, "TensorInfo", [
        ("name", 1, F.TYPE_STRING, opt, "", 0),
        ("dtype", 2, F.TYPE_ENUM, opt, ".tensorflow.DataType"),
        ("tensor_shape", 3, F.TYPE_MESSAGE, opt, ".tensorflow.TensorShapeProto")])
    tensor_info.oneof_decl.add(name="encoding")
    signature = message(proto, "SignatureDef", [("method_name", 3, F.TYPE_STRING, opt)])
    map_field(signature, "inputs", 1, ".tensorflow.TensorInfo")
    map_field(signature, "outputs", 2, ".tensorflow.TensorInfo")
    collection = message(proto, "CollectionDef", [
        ("node_list", 1, F.TYPE_MESSAGE, opt, ".tensorflow.CollectionDef.NodeList", 0),
        ("bytes_list", 2, F.TYPE_MESSAGE, opt, ".tensorflow.CollectionDef.BytesList", 0)])
    collection.oneof_decl.add(name="kind")
    message(collection, "NodeList", [("value", 1, F.TYPE_STRING, rep)])
    message(collection, "BytesList", [("value", 1, F.TYPE_BYTES, rep)])
    message(proto, "AssetFileDef", [("tensor_info", 1, F.TYPE_MESSAGE, opt, ".tensorflow.TensorInfo"),
                                    ("filename", 2, F.TYPE_STRING, opt)])
    meta_graph = message(proto, "MetaGraphDef", [
        ("meta_info_def", 1, F.TYPE_MESSAGE, opt, ".tensorflow.MetaGraphDef.MetaInfoDef"),
        ("graph_def", 2, F.TYPE_MESSAGE, opt, ".tensorflow.GraphDef"),
        ("saver_def", 3, F.TYPE_MESSAGE, opt, ".tensorflow.SaverDef"),
        ("asset_file_def", 6, F.TYPE_MESSAGE, rep, ".tensorflow.AssetFileDef"),
        ("object_graph_def", 7, F.TYPE_MESSAGE, opt, ".tensorflow.SavedObjectGraph")])
    map_field(meta_graph, "collection_def", 4, ".tensorflow.CollectionDef")
    map_field(meta_graph, "signature_def", 5, ".tensorflow.SignatureDef")
    info = message(meta_graph, "MetaInfoDef", [
        ("meta_graph_version", 1, F.TYPE_STRING, opt),
        ("stripped_op_list", 2, F.TYPE_MESSAGE, opt, ".tensorflow.OpList"),
        ("tags", 4, F.TYPE_STRING, rep), ("tensorflow_version", 5, F.TYPE_STRING, opt),
        ("tensorflow_git_version", 6, F.TYPE_STRING, opt), ("stripped_default_attrs", 7, F.TYPE_BOOL, opt)])
    aliases = message(info, "FunctionAliasesEntry", [("key", 1, F.TYPE_STRING, opt), ("value", 2, F.TYPE_STRING, opt)])
    aliases.options.map_entry = True
    info.field.add(name="function_aliases", number=8, type=F.TYPE_MESSAGE, label=rep,
                   type_name=".tensorflow.MetaGraphDef.MetaInfoDef.FunctionAliasesEntry")
    message(proto, "SavedModel", [("saved_model_schema_version", 1, F.TYPE_INT64, opt),
                                  ("meta_graphs", 2, F.TYPE_MESSAGE, rep, ".tensorflow.MetaGraphDef")])
    message(proto, "FingerprintDef", [
        ("saved_model_checksum", 1, F.TYPE_UINT64, opt), ("graph_def_program_hash", 2, F.TYPE_UINT64, opt),
        ("signature_def_hash", 3, F.TYPE_UINT64, opt), ("saved_object_graph_hash", 4, F.TYPE_UINT64, opt),
        ("checkpoint_hash", 5, F.TYPE_UINT64, opt),
        ("version", 6, F.TYPE_MESSAGE, opt, ".tensorflow.VersionDef"), ("uuid", 7, F.TYPE_STRING, opt)])
    return proto


@functools.lru_cache(maxsize=None)
def messages() -> dict[str, type]:
    """Every message class by its short name (`SavedModel`, `SavedObject`, `StructuredValue`, ...)."""
    graph_def.messages()
    checkpoint_protos.TrackableObjectGraph  # the trackable_object_graph file is in the pool
    proto_pool.add_file(_struct_file())
    proto_pool.add_file(_saved_model_file())
    names = ("SavedModel", "MetaGraphDef", "SignatureDef", "TensorInfo", "SaverDef", "CollectionDef",
             "SavedObjectGraph", "SavedObject", "SavedUserObject", "SavedFunction", "SavedConcreteFunction",
             "SavedBareConcreteFunction", "SavedVariable", "SavedConstant", "FunctionSpec", "StructuredValue",
             "TensorSpecProto", "FingerprintDef", "NoneValue", "AssetFileDef")
    found = {name: proto_pool.message_class(f"tensorflow.{name}") for name in names}
    found.update(graph_def.messages())
    found["TrackableObjectGraph"] = checkpoint_protos.TrackableObjectGraph
    return found


def parse(name: str, data: bytes, what: str) -> Any:
    """Parses `data` as message `name`; malformed bytes raise TF's error for a bad SavedModel."""
    message_class = messages()[name]
    out = message_class()
    try:
        out.ParseFromString(bytes(data))
    except (DecodeError, RuntimeError, ValueError) as exc:  # RuntimeError: recursion limit.
        raise errors.DataLossError(None, None, f"Can't parse {what} as binary proto: {exc}") from None
    return out
