"""TF's profile container, `XSpace` (tsl/profiler/protobuf/xplane.proto), declared from
descriptors with TF's names and field numbers in framework/proto_pool.py's shared pool, so the
`<host>.xplane.pb` files eagerflow writes parse with TF's `xplane_pb2` and TensorBoard's
profile plugin. protobuf loads on first use only.

An `XSpace` holds planes; a plane (`/host:CPU`) holds lines (one per thread) of events, each
event naming an `XEventMetadata` by id and carrying `XStat`s named by `XStatMetadata` ids.
"""
from __future__ import annotations

import functools
from typing import Any

_PACKAGE = "tensorflow.profiler"


@functools.lru_cache(maxsize=None)
def messages() -> dict[str, type]:
    """{"XSpace": class, "XPlane": ..., ...}, built once."""
    from google.protobuf import descriptor_pb2

    from eagerflow._src.framework import proto_pool

    F = descriptor_pb2.FieldDescriptorProto
    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    proto = descriptor_pb2.FileDescriptorProto(name="tsl/profiler/protobuf/xplane.proto", package=_PACKAGE,
                                               syntax="proto3")
    t = f".{_PACKAGE}."

    def message(parent: Any, name: str, fields: list) -> Any:
        return proto_pool.message(parent, name, fields)

    def int_map(msg: Any, field: str, number: int, value_type: str) -> None:
        proto_pool.map_field(msg, field, number, value_type, key_type=F.TYPE_INT64, package=_PACKAGE)

    message(proto, "XSpace", [("planes", 1, F.TYPE_MESSAGE, rep, t + "XPlane"),
                              ("errors", 2, F.TYPE_STRING, rep), ("warnings", 3, F.TYPE_STRING, rep),
                              ("hostnames", 4, F.TYPE_STRING, rep)])
    plane = message(proto, "XPlane", [("id", 1, F.TYPE_INT64, opt), ("name", 2, F.TYPE_STRING, opt),
                                      ("lines", 3, F.TYPE_MESSAGE, rep, t + "XLine"),
                                      ("stats", 6, F.TYPE_MESSAGE, rep, t + "XStat")])
    int_map(plane, "event_metadata", 4, t + "XEventMetadata")
    int_map(plane, "stat_metadata", 5, t + "XStatMetadata")
    message(proto, "XLine", [("id", 1, F.TYPE_INT64, opt), ("display_id", 10, F.TYPE_INT64, opt),
                             ("name", 2, F.TYPE_STRING, opt), ("display_name", 11, F.TYPE_STRING, opt),
                             ("timestamp_ns", 3, F.TYPE_INT64, opt), ("duration_ps", 9, F.TYPE_INT64, opt),
                             ("events", 4, F.TYPE_MESSAGE, rep, t + "XEvent")])
    event = message(proto, "XEvent", [("metadata_id", 1, F.TYPE_INT64, opt),
                                      ("offset_ps", 2, F.TYPE_INT64, opt, "", 0),
                                      ("num_occurrences", 5, F.TYPE_INT64, opt, "", 0),
                                      ("duration_ps", 3, F.TYPE_INT64, opt),
                                      ("stats", 4, F.TYPE_MESSAGE, rep, t + "XStat")])
    event.oneof_decl.add(name="data")
    stat = message(proto, "XStat", [("metadata_id", 1, F.TYPE_INT64, opt),
                                    ("double_value", 2, F.TYPE_DOUBLE, opt, "", 0),
                                    ("uint64_value", 3, F.TYPE_UINT64, opt, "", 0),
                                    ("int64_value", 4, F.TYPE_INT64, opt, "", 0),
                                    ("str_value", 5, F.TYPE_STRING, opt, "", 0),
                                    ("bytes_value", 6, F.TYPE_BYTES, opt, "", 0),
                                    ("ref_value", 7, F.TYPE_UINT64, opt, "", 0)])
    stat.oneof_decl.add(name="value")
    message(proto, "XEventMetadata", [("id", 1, F.TYPE_INT64, opt), ("name", 2, F.TYPE_STRING, opt),
                                      ("display_name", 4, F.TYPE_STRING, opt),
                                      ("metadata", 3, F.TYPE_BYTES, opt),
                                      ("stats", 5, F.TYPE_MESSAGE, rep, t + "XStat"),
                                      ("child_id", 6, F.TYPE_INT64, rep)])
    message(proto, "XStatMetadata", [("id", 1, F.TYPE_INT64, opt), ("name", 2, F.TYPE_STRING, opt),
                                     ("description", 3, F.TYPE_STRING, opt)])
    proto_pool.add_file(proto)
    return {name: proto_pool.message_class(f"{_PACKAGE}.{name}")
            for name in ("XSpace", "XPlane", "XLine", "XEvent", "XStat", "XEventMetadata", "XStatMetadata")}
