"""`tf.io` ops on bytes and files: read_file, write_file, serialize_tensor, parse_tensor,
decode_raw, decode_csv, matching_files."""
from __future__ import annotations

import csv
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.io import gfile


def _scalar_bytes(value: Any) -> bytes:
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, np.ndarray):
        value = value.item()
    return bytes(value)


def _read_file(xp: Any, filename: Any) -> Any:
    path = gfile.path_str(filename.item() if isinstance(filename, np.ndarray) else filename)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise gfile.os_error(exc, path) from None
    out = np.empty((), object)
    out[()] = data
    return out


# An op (not Python around a constant) so that tf.data functions and tf.function graphs read
# the file when they run, with the file name a graph tensor.
READ_FILE = Op("ReadFile", _read_file, dtypes=(_dtypes.string,), stateful=True,
               shape_fn=lambda inputs, attrs: [(np.dtype(object), ())])


def read_file(filename: Any, name: Any = None) -> Any:
    """Reads the contents of a file into a scalar string tensor (`tf.io.read_file`)."""
    tensor = filename if isinstance(filename, Tensor) else convert_to_tensor(
        gfile.path_str(filename), _dtypes.string)
    try:
        return execute(READ_FILE, (tensor,))
    except errors.OpError as e:
        # TF's generated wrapper words errors of non-tensor arguments without ` name: `.
        raise (e if isinstance(filename, Tensor) else errors.fallback_error(e)) from None


def write_file(filename: Any, contents: Any, name: Any = None) -> None:
    """Writes `contents` to a file, creating missing parent directories (`tf.io.write_file`)."""
    import os

    path = gfile.path_str(filename)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(_scalar_bytes(contents))


def matching_files(pattern: Any, name: Any = None) -> Any:
    """The sorted file names matching a glob pattern (`tf.io.matching_files`)."""
    if hasattr(pattern, "numpy"):
        pattern = pattern.numpy()
    patterns = np.atleast_1d(np.asarray(pattern, dtype=object)).tolist()
    names = sorted(n.encode() for n in gfile.glob([gfile.path_str(p) for p in patterns]))
    out = np.empty(len(names), object)
    out[:] = names
    return constant(out) if names else constant(np.empty(0, object))


def _tensor_proto_class() -> Any:
    from eagerflow._src.io import example_protos

    return example_protos.TensorProto


def _dtype_enum(dt: _dtypes.DType) -> int:
    return dt.as_datatype_enum


def serialize_tensor(tensor: Any, name: Any = None) -> Any:
    """A `TensorProto` serialized as a scalar string tensor (`tf.io.serialize_tensor`)."""
    t = convert_to_tensor(tensor)
    array = np.asarray(t.numpy())
    proto = _tensor_proto_class()(dtype=_dtype_enum(t.dtype))
    proto.tensor_shape.SetInParent()  # TF writes the (empty) shape of a scalar too
    for dim in array.shape:
        proto.tensor_shape.dim.add(size=dim)
    if t.dtype == _dtypes.string:
        proto.string_val.extend(array.reshape(-1).tolist())
    elif array.size:
        proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return constant(proto.SerializeToString())


def parse_tensor(serialized: Any, out_type: Any, name: Any = None) -> Any:
    """Parses a serialized `TensorProto` into a tensor of `out_type` (`tf.io.parse_tensor`)."""
    from google.protobuf.message import DecodeError

    dt = _dtypes.as_dtype(out_type)
    proto = _tensor_proto_class()()
    try:
        proto.ParseFromString(_scalar_bytes(serialized))
    except (DecodeError, RuntimeError, ValueError):
        raise errors.InvalidArgumentError(
            None, None, "Could not parse `serialized` as TensorProto: '...' [Op:ParseTensor]") from None
    if proto.dtype != _dtype_enum(dt):
        got = _dtypes.as_dtype(proto.dtype).name if proto.dtype else "invalid"
        raise errors.InvalidArgumentError(None, None, (
            f"Type mismatch between parsed tensor ({got}) and dtype ({dt.name}) [Op:ParseTensor]"))
    shape = tuple(d.size for d in proto.tensor_shape.dim)
    if any(d < 0 for d in shape):
        raise errors.InvalidArgumentError(None, None, "Invalid TensorProto shape [Op:ParseTensor]")
    count = int(np.prod(shape)) if shape else 1
    if dt == _dtypes.string:
        values = list(proto.string_val)
        array = np.empty(count, object)
        if len(values) == count:
            array[:] = values
        elif len(values) == 1:
            array[:] = values * count
        elif not values:
            array[:] = [b""] * count
        else:
            raise errors.InvalidArgumentError(None, None, "Invalid TensorProto [Op:ParseTensor]")
        return constant(array.reshape(shape))
    np_dtype = np.dtype(dt.as_numpy_dtype).newbyteorder("<")
    if proto.tensor_content:
        if len(proto.tensor_content) != count * np_dtype.itemsize:
            raise errors.InvalidArgumentError(None, None, "Invalid TensorProto [Op:ParseTensor]")
        array = np.frombuffer(proto.tensor_content, np_dtype).astype(np_dtype.newbyteorder("="))
        return constant(array.reshape(shape))
    field = _VAL_FIELDS.get(dt.name)
    values = list(getattr(proto, field)) if field else []
    if dt.is_complex:
        values = [complex(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    if dt.name in ("float16", "bfloat16"):
        array = np.array(values, np.uint16).view(dt.as_numpy_dtype)
    else:
        array = np.array(values, dt.as_numpy_dtype)
    if array.size == count:
        return constant(array.reshape(shape))
    if array.size == 0:
        return constant(np.zeros(shape, dt.as_numpy_dtype))
    if array.size < count:  # TF repeats the last value
        full = np.empty(count, dt.as_numpy_dtype)
        full[:array.size] = array
        full[array.size:] = array[-1]
        return constant(full.reshape(shape))
    raise errors.InvalidArgumentError(None, None, "Invalid TensorProto [Op:ParseTensor]")


_VAL_FIELDS = {
    "float32": "float_val", "float64": "double_val", "int32": "int_val", "int16": "int_val",
    "int8": "int_val", "uint8": "int_val", "uint16": "int_val", "int64": "int64_val",
    "bool": "bool_val", "complex64": "scomplex_val", "complex128": "dcomplex_val",
    "float16": "half_val", "bfloat16": "half_val", "uint32": "uint32_val", "uint64": "uint64_val",
}


def decode_raw(input_bytes: Any, out_type: Any, little_endian: bool = True, fixed_length: Any = None,
               name: Any = None) -> Any:
    """Reinterprets the bytes of a string tensor as numbers (`tf.io.decode_raw`).

    Each string becomes a row of `len / itemsize` values (shape `input.shape + [n]`); all strings
    must have the same length unless `fixed_length` pads/truncates them.
    """
    dt = _dtypes.as_dtype(out_type)
    np_dtype = np.dtype(dt.as_numpy_dtype).newbyteorder("<" if little_endian else ">")
    t = convert_to_tensor(input_bytes)
    array = np.asarray(t.numpy(), dtype=object)
    flat = [bytes(v) for v in array.reshape(-1).tolist()]
    size = np_dtype.itemsize
    if fixed_length is not None:
        length = int(fixed_length.numpy() if hasattr(fixed_length, "numpy") else fixed_length)
        if length % size:
            raise errors.InvalidArgumentError(None, None, (
                f"fixed_length ({length}) must be a multiple of the size of out_type ({size}) [Op:DecodePaddedRaw]"))
        flat = [b[:length].ljust(length, b"\0") for b in flat]
    width = len(flat[0]) if flat else 0
    for b in flat:
        if len(b) != width:
            raise errors.InvalidArgumentError(None, None, (
                f"DecodeRaw requires input strings to all be the same size, but element 0 has size "
                f"{width} != {len(b)} [Op:DecodeRaw]"))
    if width % size:
        raise errors.InvalidArgumentError(None, None, (
            f"Input to DecodeRaw has length {width} that is not a multiple of {size}, the size of "
            f"{dt.name} [Op:DecodeRaw]"))
    values = np.frombuffer(b"".join(flat), np_dtype).astype(np_dtype.newbyteorder("="))
    return constant(values.reshape(array.shape + (width // size,)))


def decode_csv(records: Any, record_defaults: list, field_delim: str = ",", use_quote_delim: bool = True,
               name: Any = None, na_value: str = "", select_cols: Any = None) -> list:
    """Converts CSV records to tensors, one per column (`tf.io.decode_csv`).

    Args:
      records: a string tensor; every record must have one field per column.
      record_defaults: one entry per column: a tensor/list with one default value (its dtype is
        the column's), or an empty tensor/list of a dtype (the column is required).
    """
    t = convert_to_tensor(records)
    array = np.asarray(t.numpy(), dtype=object)
    columns = []
    for d in record_defaults:
        dt_t = d if hasattr(d, "dtype") and hasattr(d, "numpy") else convert_to_tensor(d) if not isinstance(d, _dtypes.DType) else None
        if dt_t is None:
            columns.append((d, None))
            continue
        values = np.asarray(dt_t.numpy()).reshape(-1)
        columns.append((dt_t.dtype, values[0] if values.size else None))
    if select_cols is not None:
        select = list(select_cols)
    else:
        select = None
    outs = [np.empty(array.shape, _dtypes.as_dtype(dt).as_numpy_dtype if dt != _dtypes.string else object)
            for dt, _ in columns]
    for idx, record in np.ndenumerate(array):
        fields = parse_csv_line(bytes(record).decode("utf-8"), field_delim, use_quote_delim)
        if select is not None:
            fields = [fields[c] if c < len(fields) else "" for c in select]
        if len(fields) != len(columns):
            raise errors.InvalidArgumentError(None, None, (
                f"Expect {len(columns)} fields but have {len(fields)} in record {idx[0] if idx else 0} "
                f"[Op:DecodeCSV]"))
        for c, (field, (dt, default)) in enumerate(zip(fields, columns)):
            outs[c][idx] = convert_field(field, dt, default, na_value, c)
    return [constant(o) for o in outs]


def parse_csv_line(line: str, delim: str, quoted: bool) -> list[str]:
    """The fields of one CSV line (RFC 4180 quoting when `quoted`)."""
    if not quoted:
        return line.split(delim)
    return next(csv.reader([line], delimiter=delim, quotechar='"', strict=True)) if line else [""]


def convert_field(field: str, dt: Any, default: Any, na_value: str, column: int) -> Any:
    """One CSV field as a value of `dt`; empty (or `na_value`) takes the default."""
    if field == "" or (na_value and field == na_value):
        if default is None:
            raise errors.InvalidArgumentError(None, None, (
                f"Field {column} is required but missing in record! [Op:DecodeCSV]"))
        return default
    try:
        if dt == _dtypes.string:
            return field.encode("utf-8")
        if dt.is_integer:
            return int(field)
        return float(field)
    except ValueError:
        kind = "int32" if dt == _dtypes.int32 else dt.name
        raise errors.InvalidArgumentError(None, None, (
            f"Field {column} in record is not a valid {kind}: {field} [Op:DecodeCSV]")) from None
