"""TensorFlow's V2 checkpoint format (a "tensor bundle"): `prefix.index` + `prefix.data-*`.

`write_bundle` produces the same bytes as TF 2.21's `SaveV2` for the same key -> array
mapping: tensors laid out back to back in the mapping's order, as SaveV2 writes them in
the order of its `tensor_names` (no alignment padding), an
`.index` table whose empty key holds the `BundleHeaderProto` and whose other keys hold
one `BundleEntryProto` each (dtype, shape, shard, offset, size, masked CRC32C).

String tensors are laid out as TF's `WriteStringTensor` does: varint64 lengths, a
4-byte masked checksum of the lengths, then the bytes. Their entry checksum covers each
length as a little-endian uint32 (uint64 above 4 GiB), then the 4 stored checksum
bytes, then the string bytes; not the bytes as laid out on disk.

`BundleReader` reads bundles written by TF (one or several shards) or by us, treating
them as hostile: every entry's shape, size, offset and checksum is checked before data
is used, and failures raise `DataLossError`.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ml_dtypes
import numpy as np

from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.checkpoint.formats.table import (
    TableReader, build_table, crc32c, get_varint, mask_crc, put_varint, unmask_crc)
from eagerflow._src.framework import errors, proto_pool

Progress = Callable[[int, int], None]

HEADER_KEY = b""
_BUNDLE_VERSION = 1  # kTensorBundleVersion
_MIN_PRODUCER = 0  # kTensorBundleMinProducer
# Bytes per read/write step: the checksum runs on each chunk while it is still in the
# CPU cache, which keeps the crc from costing a second pass over memory.
_CHUNK = 256 << 10
_PROGRESS_EVERY = 64 << 20
_MAX_DIMS = 254  # TensorShape::MaxDimensions()
_NUMPY_MAX_DIMS = 64
_UINT32_MAX = 0xFFFFFFFF

# TF DataType -> the NumPy dtype holding it with the same bytes per element.
NUMPY_DTYPES: dict[int, np.dtype] = {
    proto_pool.DT_FLOAT: np.dtype(np.float32),
    proto_pool.DT_DOUBLE: np.dtype(np.float64),
    proto_pool.DT_HALF: np.dtype(np.float16),
    proto_pool.DT_BFLOAT16: np.dtype(ml_dtypes.bfloat16),
    proto_pool.DT_INT8: np.dtype(np.int8),
    proto_pool.DT_INT16: np.dtype(np.int16),
    proto_pool.DT_INT32: np.dtype(np.int32),
    proto_pool.DT_INT64: np.dtype(np.int64),
    proto_pool.DT_UINT8: np.dtype(np.uint8),
    proto_pool.DT_UINT16: np.dtype(np.uint16),
    proto_pool.DT_UINT32: np.dtype(np.uint32),
    proto_pool.DT_UINT64: np.dtype(np.uint64),
    proto_pool.DT_COMPLEX64: np.dtype(np.complex64),
    proto_pool.DT_COMPLEX128: np.dtype(np.complex128),
    proto_pool.DT_BOOL: np.dtype(np.bool_),
    proto_pool.DT_STRING: np.dtype(object),
    proto_pool.DT_FLOAT8_E5M2: np.dtype(ml_dtypes.float8_e5m2),
    proto_pool.DT_FLOAT8_E4M3FN: np.dtype(ml_dtypes.float8_e4m3fn),
    proto_pool.DT_FLOAT8_E4M3FNUZ: np.dtype(ml_dtypes.float8_e4m3fnuz),
    proto_pool.DT_FLOAT8_E4M3B11FNUZ: np.dtype(ml_dtypes.float8_e4m3b11fnuz),
    proto_pool.DT_FLOAT8_E5M2FNUZ: np.dtype(ml_dtypes.float8_e5m2fnuz),
}
# NumPy dtype -> TF DataType; object arrays (of bytes) are TF strings.
DATA_TYPES: dict[np.dtype, int] = {dtype: dt for dt, dtype in NUMPY_DTYPES.items()}


def numpy_dtype(data_type: int, key: str = "") -> np.dtype:
    """The NumPy dtype for TF `DataType` number `data_type`.

    Raises:
      UnimplementedError: eagerflow cannot hold that dtype (quantized, resource, variant,
        4-bit and 2-bit types).
    """
    dtype = NUMPY_DTYPES.get(data_type)
    if dtype is None:
        name = proto_pool.DATA_TYPE_NAMES.get(data_type, f"DataType {data_type}")
        where = f" for key {key}" if key else ""
        raise errors.UnimplementedError(None, None, f"Checkpoint dtype {name}{where} is not supported by eagerflow")
    return dtype


def data_type(dtype: np.dtype) -> int:
    """The TF `DataType` number for a NumPy dtype; raises InvalidArgumentError if TF has none."""
    dtype = np.dtype(dtype)
    if dtype.kind in "SUO":
        return proto_pool.DT_STRING
    result = DATA_TYPES.get(dtype.newbyteorder("=") if dtype.byteorder == ">" else dtype)
    if result is None:
        raise errors.InvalidArgumentError(None, None, f"Cannot save a tensor of NumPy dtype {dtype} in a checkpoint")
    return result


def data_filename(prefix: str, shard_id: int, num_shards: int) -> str:
    """TF's `DataFilename`: `prefix.data-00000-of-00001`."""
    return f"{prefix}.data-{shard_id:05d}-of-{num_shards:05d}"


def index_filename(prefix: str) -> str:
    """TF's `MetaFilename`: `prefix.index`."""
    return f"{prefix}.index"


# ----------------------------------------------------------------------------- writing

def _as_string_array(value: Any, key: str) -> np.ndarray:
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    out = np.empty(array.shape, dtype=object)
    flat_in = array.reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(flat_in.size):
        element = flat_in[i]
        if isinstance(element, str):
            element = element.encode("utf-8")
        elif isinstance(element, (bytearray, memoryview)):
            element = bytes(element)
        if not isinstance(element, bytes):
            raise errors.InvalidArgumentError(
                None, None, f"String tensor {key} holds a {type(element).__name__}, not bytes or str")
        flat_out[i] = element
    return out


def _prepare(key: str, value: Any) -> tuple[int, np.ndarray]:
    """Returns (TF DataType, C-ordered little-endian array) for one tensor to save."""
    if isinstance(value, (bytes, str)):
        value = np.array(value, dtype=object)
    array = np.asarray(value)
    dt = data_type(array.dtype)
    if dt == proto_pool.DT_STRING:
        return dt, _as_string_array(array, key)
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("="))
    # np.asarray(order="C"), not ascontiguousarray, which would turn 0-d into shape (1,).
    return dt, np.asarray(array, order="C")


def _shape_proto(shape: tuple[int, ...], out: Any) -> None:
    out.SetInParent()  # TF always sets the shape field, even for scalars.
    for size in shape:
        out.dim.add(size=size)


class _ProgressCounter:
    def __init__(self, progress: Progress | None, total: int):
        self._progress = progress
        self.total = total
        self.done = 0
        self._reported = 0

    def advance(self, nbytes: int, flush: bool = True) -> None:
        """Counts `nbytes`; reports at the end of a tensor (`flush`) or every 64 MiB."""
        self.done += nbytes
        if self._progress is not None and (flush or self.done - self._reported >= _PROGRESS_EVERY):
            self._reported = self.done
            self._progress(self.done, self.total)


def _write_numeric(f: Any, array: np.ndarray, counter: _ProgressCounter) -> tuple[int, int]:
    """Writes the array's bytes (from a uint8 view, no copy); returns (size, crc32c)."""
    data = array.reshape(-1).view(np.uint8)
    crc = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        crc = crc32c(chunk, crc)
        f.write(chunk)
        counter.advance(len(chunk), flush=False)
    counter.advance(0)
    return len(data), crc


def _encode_lengths(lengths: list[int]) -> tuple[bytes, int]:
    """The varint64 lengths and TF's checksum over them as uint32 (uint64 if > 4 GiB)."""
    varints = bytearray()
    raw = bytearray()
    for length in lengths:
        put_varint(varints, length)
        raw += length.to_bytes(4 if length <= _UINT32_MAX else 8, "little")
    return bytes(varints), crc32c(bytes(raw))


def _string_size(array: np.ndarray) -> int:
    """Bytes TF's string layout takes: varint lengths, 4-byte checksum, the bytes."""
    return 4 + sum(len(e) + max(1, (len(e).bit_length() + 6) // 7) for e in array.reshape(-1).tolist())


def _write_string(f: Any, array: np.ndarray, counter: _ProgressCounter) -> tuple[int, int]:
    """TF's WriteStringTensor layout; returns (size, crc32c)."""
    elements = array.reshape(-1).tolist()
    varints, crc = _encode_lengths([len(e) for e in elements])
    length_checksum = mask_crc(crc).to_bytes(4, "little")
    crc = crc32c(length_checksum, crc)
    f.write(varints)
    f.write(length_checksum)
    size = len(varints) + 4
    for element in elements:
        f.write(element)
        crc = crc32c(element, crc)
        size += len(element)
    counter.advance(size)
    return size, crc


def _fsync_dir(path: str) -> None:
    try:
        fd = os.open(path or ".", os.O_RDONLY)
    except OSError:
        return  # Some platforms cannot open directories; the renames are still atomic.
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bundle(prefix: str | os.PathLike, tensors: Mapping[str, Any], progress: Progress | None = None) -> None:
    """Writes `tensors` as the TF checkpoint `prefix.index` + `prefix.data-00000-of-00001`.

    The bytes are those TF's SaveV2 writes for the same tensors. Both files are written
    under temporary names, flushed and fsynced, then renamed into place, data first and
    index last, so a crash never leaves a half-written file under the final names. An
    existing index at `prefix` is removed just before the renames: killed between them,
    the prefix holds no checkpoint rather than an old index describing new data.

    Args:
      prefix: checkpoint prefix, e.g. `/tmp/ckpt/model-1`. Its directory is created.
      tensors: checkpoint key -> array (NumPy array or anything `np.asarray` accepts;
        `bytes`/`str` and object arrays of them are TF strings).
      progress: optional callable receiving (bytes written, total bytes) after each
        tensor or each 64 MiB.

    Raises:
      InvalidArgumentError: an empty or non-str key, or a value TF cannot hold.
    """
    prefix = os.fspath(prefix)
    prepared: list[tuple[bytes, int, np.ndarray]] = []
    for key, value in tensors.items():
        if not isinstance(key, str) or not key:
            raise errors.InvalidArgumentError(None, None, f"Checkpoint keys must be non-empty str, got {key!r}")
        dt, array = _prepare(key, value)
        prepared.append((key.encode("utf-8"), dt, array))

    total = sum(_string_size(a) if dt == proto_pool.DT_STRING else a.nbytes for _, dt, a in prepared)
    counter = _ProgressCounter(progress, total)
    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)

    data_path = data_filename(prefix, 0, 1)
    index_path = index_filename(prefix)
    token = secrets.token_hex(8)
    data_tmp = f"{data_path}.tempstate{token}"
    index_tmp = f"{index_path}.tempstate{token}"
    entries: list[tuple[bytes, bytes]] = []
    try:
        with open(data_tmp, "wb") as f:
            offset = 0
            for key, dt, array in prepared:
                writer = _write_string if dt == proto_pool.DT_STRING else _write_numeric
                size, crc = writer(f, array, counter)
                entry = protos.BundleEntryProto(dtype=dt, offset=offset, size=size, crc32c=mask_crc(crc))
                _shape_proto(array.shape, entry.shape)
                entries.append((key, entry.SerializeToString()))
                offset += size
            f.flush()
            os.fsync(f.fileno())
        # TF 2.21's SaveV2 writes data in the order it is given; the index is sorted
        # bytewise (std::string's operator<).
        entries.sort(key=lambda item: item[0])

        header = protos.BundleHeaderProto(num_shards=1)
        header.version.producer = _BUNDLE_VERSION
        index = build_table([(HEADER_KEY, header.SerializeToString())] + entries)
        with open(index_tmp, "wb") as f:
            f.write(index)
            f.flush()
            os.fsync(f.fileno())

        # An old index beside new data would describe bytes that are no longer there:
        # drop it first, so a crash between the renames leaves no checkpoint rather
        # than a mismatched one.
        if os.path.exists(index_path):
            os.remove(index_path)
        os.replace(data_tmp, data_path)
        os.replace(index_tmp, index_path)
        _fsync_dir(directory)
    finally:
        for path in (data_tmp, index_tmp):
            if os.path.exists(path):
                os.remove(path)


# ----------------------------------------------------------------------------- reading

def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"Failed to find any matching files for {path}") from None
    except PermissionError as exc:
        raise errors.PermissionDeniedError(None, None, f"Cannot read {path}: {exc}") from None
    except OSError as exc:
        raise errors.UnknownError(None, None, f"Cannot read {path}: {exc}") from None


def _readinto(f: Any, buffer: np.ndarray, path: str, offset: int, counter: _ProgressCounter) -> int:
    """Fills the uint8 array `buffer` from `f` at `offset`; returns the crc32c of its bytes."""
    f.seek(offset)
    done = 0
    crc = 0
    while done < len(buffer):
        chunk = buffer[done:done + _CHUNK]
        n = f.readinto(chunk)
        if not n:
            raise errors.DataLossError(None, None, f"Truncated read of {path} at offset {offset + done}")
        crc = crc32c(chunk[:n], crc)
        done += n
        counter.advance(n, flush=False)
    counter.advance(0)
    return crc


class BundleReader:
    """Reads a TF V2 checkpoint (`prefix.index` + `prefix.data-*-of-*`).

    The index is read and fully verified on construction (table checksums, header,
    version, every entry proto). Tensor data is read on demand by `get_tensor`, which
    checks dtype, shape, size, shard, offset and checksum before returning.

    Args:
      prefix: the checkpoint prefix (without `.index`).
      progress: optional callable receiving (bytes read, total bytes of all tensors).

    Raises:
      NotFoundError: no `prefix.index`.
      DataLossError: the index is corrupt.
      InvalidArgumentError: the checkpoint's version is not readable by this reader.
      UnimplementedError: a big-endian checkpoint.
    """

    def __init__(self, prefix: str | os.PathLike, progress: Progress | None = None):
        self._prefix = os.fspath(prefix)
        index_path = index_filename(self._prefix)
        table = TableReader(_read_file(index_path), name=index_path)
        header_bytes = table.get(HEADER_KEY)
        if header_bytes is None:
            raise errors.DataLossError(None, None, f"Unable to read file ({index_path}): no header entry")
        header = protos.parse(protos.BundleHeaderProto, header_bytes, f"Header of {index_path}")
        if header.num_shards <= 0:
            raise errors.DataLossError(None, None, f"{index_path}: invalid number of shards {header.num_shards}")
        if header.endianness != protos.BundleHeaderProto.LITTLE:
            raise errors.UnimplementedError(None, None, f"{index_path}: big-endian checkpoints are not supported")
        _check_version(header.version)
        self._num_shards = header.num_shards

        self._entries: dict[str, Any] = {}
        for key_bytes, value in table.items():
            if key_bytes == HEADER_KEY:
                continue
            try:
                key = key_bytes.decode("utf-8")
            except UnicodeDecodeError:
                key = key_bytes.decode("utf-8", "surrogateescape")
            self._entries[key] = protos.parse(protos.BundleEntryProto, value, f"Entry for key {key}")
        total = sum(max(e.size, 0) for e in self._entries.values())
        self._counter = _ProgressCounter(progress, total)

    @property
    def prefix(self) -> str:
        return self._prefix

    @property
    def num_shards(self) -> int:
        return self._num_shards

    def keys(self) -> list[str]:
        """The tensor keys, in the index's (sorted) order."""
        return list(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def entry(self, key: str) -> Any:
        """The raw `BundleEntryProto` for `key` (a copy); NotFoundError if absent."""
        result = protos.BundleEntryProto()
        result.CopyFrom(self._entry(key))
        return result

    def dtype_map(self) -> dict[str, np.dtype]:
        """Key -> NumPy dtype (object for TF strings). UnimplementedError for a dtype we cannot hold."""
        return {key: numpy_dtype(e.dtype, key) for key, e in self._entries.items()}

    def shape_map(self) -> dict[str, tuple[int, ...]]:
        """Key -> shape tuple. DataLossError for an invalid stored shape."""
        return {key: _shape(e, key) for key, e in self._entries.items()}

    def get_tensor(self, key: str) -> np.ndarray:
        """Reads, verifies and returns the tensor stored under `key`.

        Raises:
          NotFoundError: `key` is not in the checkpoint.
          DataLossError: size, offset, shard, shape or checksum is wrong.
          UnimplementedError: the dtype cannot be held, or the tensor is partitioned.
        """
        entry = self._entry(key)
        dtype = numpy_dtype(entry.dtype, key)
        shape = _shape(entry, key)
        if len(shape) > _NUMPY_MAX_DIMS:
            raise errors.UnimplementedError(None, None, f"Tensor {key} has {len(shape)} dimensions; NumPy holds "
                                                        f"at most {_NUMPY_MAX_DIMS}")
        if len(entry.slices):
            raise errors.UnimplementedError(None, None, f"Partitioned (sliced) tensor {key} is not supported")
        if entry.shard_id < 0 or entry.shard_id >= self._num_shards:
            raise errors.DataLossError(
                None, None, f"Invalid shard id {entry.shard_id} for key {key} (bundle has {self._num_shards})")
        path = data_filename(self._prefix, entry.shard_id, self._num_shards)
        offset, size = entry.offset, entry.size
        try:
            f = open(path, "rb", buffering=0)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, f"Data file {path} not found for key {key}") from None
        with f:
            file_size = os.fstat(f.fileno()).st_size
            if offset < 0 or size < 0 or offset > file_size or size > file_size - offset:
                raise errors.DataLossError(
                    None, None, f"Entry for key {key} (offset {offset}, size {size}) lies outside "
                                f"{path} ({file_size} bytes)")
            if entry.dtype == proto_pool.DT_STRING:
                array, crc = self._read_strings(f, path, key, shape, offset, size)
            else:
                array, crc = self._read_numeric(f, path, key, dtype, shape, offset, size)
        if crc != unmask_crc(entry.crc32c):
            raise errors.DataLossError(
                None, None, f"Checksum does not match for key {key}: stored {unmask_crc(entry.crc32c):08x} "
                            f"vs. calculated on the restored bytes {crc:08x}")
        return array

    def get_tensors(self, keys: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Reads several tensors (all by default) in file order, as RestoreV2 does."""
        wanted = list(self._entries) if keys is None else list(keys)
        order = sorted(wanted, key=lambda k: (self._entry(k).shard_id, self._entry(k).offset))
        tensors = {key: self.get_tensor(key) for key in order}
        return {key: tensors[key] for key in wanted}

    def object_graph(self) -> Any:
        """The `TrackableObjectGraph` saved by tf.train.Checkpoint, or None if absent."""
        if protos.OBJECT_GRAPH_PROTO_KEY not in self._entries:
            return None
        value = self.get_tensor(protos.OBJECT_GRAPH_PROTO_KEY)
        if value.dtype != object or value.shape != ():
            raise errors.DataLossError(None, None, "The object graph entry is not a string scalar")
        return protos.parse_object_graph(value.item())

    # -- internals

    def _entry(self, key: str) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        return entry

    def _read_numeric(self, f: Any, path: str, key: str, dtype: np.dtype, shape: tuple[int, ...],
                      offset: int, size: int) -> tuple[np.ndarray, int]:
        expected = dtype.itemsize * _num_elements(shape)
        if size != expected:
            raise errors.DataLossError(
                None, None, f"Invalid size in bundle entry: key {key}; stored size {size}; "
                            f"expected size {expected}")
        # size is now checked against the file, so this allocation is bounded by it.
        array = _allocate(shape, dtype, key)
        return array, _readinto(f, array.reshape(-1).view(np.uint8), path, offset, self._counter)

    def _read_strings(self, f: Any, path: str, key: str, shape: tuple[int, ...],
                      offset: int, size: int) -> tuple[np.ndarray, int]:
        count = _num_elements(shape)
        # Every element takes at least one length byte: this bounds the allocation by the file.
        if count > size or (count == 0 and size not in (0, 4)):
            raise errors.DataLossError(
                None, None, f"Invalid size in bundle entry: key {key}; {count} strings in {size} bytes")
        data = np.empty(size, dtype=np.uint8)
        _readinto(f, data, path, offset, self._counter)
        data = data.tobytes()  # Small (string tensors); bytes make the parsing below simple.
        out = _allocate(shape, np.dtype(object), key)
        if size == 0:
            return out, 0  # TF's ReadStringTensor reads nothing for an empty entry.
        lengths = []
        pos = 0
        for _ in range(count):
            length, pos = get_varint(data, pos, size, 10, f"string lengths of {key}")
            lengths.append(length)
        if size - pos < 4:
            raise errors.DataLossError(None, None, f"String lengths longer than expected in key {key}")
        _, crc = _encode_lengths(lengths)
        stored = int.from_bytes(data[pos:pos + 4], "little")
        if unmask_crc(stored) != crc:
            raise errors.DataLossError(
                None, None, f"The length checksum does not match for key {key}: expected "
                            f"{unmask_crc(stored):08x} but actual is {crc:08x}")
        crc = crc32c(data[pos:pos + 4], crc)
        pos += 4
        if sum(lengths) != size - pos:
            raise errors.DataLossError(
                None, None, f"String bytes of key {key} do not fill the entry: lengths sum to "
                            f"{sum(lengths)}, entry holds {size - pos}")
        crc = crc32c(data[pos:], crc)
        flat = out.reshape(-1)
        for i, length in enumerate(lengths):
            flat[i] = data[pos:pos + length]
            pos += length
        return out, crc


def _check_version(version: Any) -> None:
    """TF's CheckVersions for checkpoints (producer >= 0, consumer 1 accepted)."""
    if version.producer < _MIN_PRODUCER:
        raise errors.InvalidArgumentError(
            None, None, f"Checkpoint producer version {version.producer} below min producer {_MIN_PRODUCER} "
                        "supported by eagerflow. Please regenerate your checkpoint.")
    if version.min_consumer > _BUNDLE_VERSION:
        raise errors.InvalidArgumentError(
            None, None, f"Checkpoint min consumer version {version.min_consumer} above current version "
                        f"{_BUNDLE_VERSION} for eagerflow. Please upgrade eagerflow.")
    if _BUNDLE_VERSION in version.bad_consumers:
        raise errors.InvalidArgumentError(
            None, None, f"Checkpoint disallows consumer version {_BUNDLE_VERSION}. Please upgrade eagerflow.")


def _shape(entry: Any, key: str) -> tuple[int, ...]:
    dims = tuple(d.size for d in entry.shape.dim)
    if entry.shape.unknown_rank or len(dims) > _MAX_DIMS or any(d < 0 for d in dims) \
            or _num_elements(dims) >= 1 << 63:
        raise errors.DataLossError(None, None, f"Invalid tensor shape: {key} {list(dims)}")
    return dims


def _allocate(shape: tuple[int, ...], dtype: np.dtype, key: str) -> np.ndarray:
    try:
        return np.empty(shape, dtype=dtype)
    except ValueError:  # e.g. (0, 2**62): no elements, but NumPy refuses the shape.
        raise errors.DataLossError(None, None, f"Invalid tensor shape: {key} {list(shape)}") from None


def _num_elements(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
