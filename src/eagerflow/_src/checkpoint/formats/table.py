"""The sorted string table behind a checkpoint's `.index` file (TensorFlow's LevelDB fork).

Layout (tensorflow/core/lib/io/table_builder.cc, block_builder.cc, format.cc):

    data block*  metaindex block  index block  footer (48 bytes)

A block holds entries `varint32 shared, varint32 unshared, varint32 value_len,
key[shared:], value`, with the key prefix-compressed against the previous key and a
full key every 16 entries (a restart point); it ends with the restart offsets
(fixed32 each) and their count (fixed32). Every block is followed by a 5-byte trailer:
a type byte (0: uncompressed, the only kind TF writes) and the masked CRC32C of the
block and the type byte. The index block maps a separator key >= every key of a data
block to that block's handle (varint64 offset, varint64 size). The footer holds the
metaindex and index handles, zero padding to 40 bytes, and the magic number.

The reader treats the file as hostile: every varint, length and offset is checked
against the bytes actually present and every checksum is verified before a byte of
the block is used. Any problem raises `DataLossError` naming what is wrong; nothing is
allocated with a size taken from the file before that size is checked against the file.
"""
from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

import google_crc32c
import numpy as np

from eagerflow._src.framework import errors

TABLE_MAGIC_NUMBER = 0xDB4775248B80FB57
FOOTER_SIZE = 48  # Two block handles padded to 2 * 20 bytes, then the 8-byte magic.
BLOCK_TRAILER_SIZE = 5
NO_COMPRESSION = 0
SNAPPY_COMPRESSION = 1
DEFAULT_BLOCK_SIZE = 262144  # TF's table::Options::block_size.
DEFAULT_RESTART_INTERVAL = 16

_MAX_HANDLE_LENGTH = 20  # Two varint64s.
_MASK_DELTA = 0xA282EAD8
_U32 = struct.Struct("<I")


def crc32c(data: bytes | bytearray | memoryview | np.ndarray, crc: int = 0) -> int:
    """CRC32C of `data`, extending `crc`, without copying the buffer.

    google_crc32c takes bytes and NumPy arrays but not bytearray or memoryview, so
    other buffers are viewed as a uint8 array first (a view, not a copy).
    """
    if not isinstance(data, (bytes, np.ndarray)):
        data = np.frombuffer(data, dtype=np.uint8)
    return google_crc32c.extend(crc, data)


def mask_crc(crc: int) -> int:
    """TF's `crc32c::Mask`: rotates right by 15 bits and adds a constant."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def unmask_crc(masked: int) -> int:
    """TF's `crc32c::Unmask`, the inverse of `mask_crc`."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def put_varint(out: bytearray, value: int) -> None:
    """Appends `value` (>= 0) as a little-endian base-128 varint."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def get_varint(data: bytes | memoryview, pos: int, limit: int, max_bytes: int, what: str) -> tuple[int, int]:
    """Decodes a varint of at most `max_bytes` bytes from `data[pos:limit]`.

    Returns (value, position after it). Raises DataLossError if it runs past `limit`,
    is longer than `max_bytes`, or does not fit in `7 * max_bytes` bits as TF's
    varint32 (5 bytes, 32 bits) and varint64 (10 bytes, 64 bits) decoders require.
    """
    result = 0
    shift = 0
    bits = 32 if max_bytes == 5 else 64
    for i in range(max_bytes):
        if pos >= limit:
            raise errors.DataLossError(None, None, f"Truncated varint in {what}")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            if result >> bits:
                raise errors.DataLossError(None, None, f"Varint overflow in {what}")
            return result, pos
        shift += 7
    raise errors.DataLossError(None, None, f"Varint too long in {what}")


class BlockBuilder:
    """Builds one block: prefix-compressed entries, then the restart array."""

    def __init__(self, restart_interval: int = DEFAULT_RESTART_INTERVAL):
        self._restart_interval = restart_interval
        self.reset()

    def reset(self) -> None:
        self._buffer = bytearray()
        self._restarts = [0]
        self._counter = 0
        self._last_key = b""

    @property
    def empty(self) -> bool:
        return not self._buffer

    def size_estimate(self) -> int:
        return len(self._buffer) + 4 * len(self._restarts) + 4

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self._counter < self._restart_interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buffer))
            self._counter = 0
        put_varint(self._buffer, shared)
        put_varint(self._buffer, len(key) - shared)
        put_varint(self._buffer, len(value))
        self._buffer += key[shared:]
        self._buffer += value
        self._last_key = key
        self._counter += 1

    def finish(self) -> bytes:
        for restart in self._restarts:
            self._buffer += _U32.pack(restart)
        self._buffer += _U32.pack(len(self._restarts))
        return bytes(self._buffer)


def _shortest_separator(start: bytes, limit: bytes) -> bytes:
    """TF's FindShortestSeparator: a short key in [start, limit)."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start  # One is a prefix of the other, or no byte to spare: keep `start`.


def _short_successor(key: bytes) -> bytes:
    """TF's FindShortSuccessor: a short key >= `key`."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def _encode_handle(offset: int, size: int) -> bytes:
    out = bytearray()
    put_varint(out, offset)
    put_varint(out, size)
    return bytes(out)


class TableBuilder:
    """Writes a table into memory exactly as TF's `table::TableBuilder` (no compression).

    Keys must be added in strictly increasing bytewise order. `finish()` returns the
    file's bytes.
    """

    def __init__(self, block_size: int = DEFAULT_BLOCK_SIZE,
                 restart_interval: int = DEFAULT_RESTART_INTERVAL):
        self._block_size = block_size
        self._out = bytearray()
        self._data_block = BlockBuilder(restart_interval)
        self._index_block = BlockBuilder(1)
        self._last_key: bytes | None = None
        self._pending_handle: bytes | None = None

    def add(self, key: bytes, value: bytes) -> None:
        if self._last_key is not None:
            if key <= self._last_key:
                raise errors.InvalidArgumentError(
                    None, None, f"Table keys must be added in increasing order: {key!r} after {self._last_key!r}")
            # TF flushes before an entry that is overly large (>= 2 blocks) on its own.
            if len(key) + len(value) >= 2 * self._block_size:
                self._flush()
        if self._pending_handle is not None:
            self._index_block.add(_shortest_separator(self._last_key, key), self._pending_handle)
            self._pending_handle = None
        self._last_key = key
        self._data_block.add(key, value)
        if self._data_block.size_estimate() >= self._block_size:
            self._flush()

    def _flush(self) -> None:
        if self._data_block.empty:
            return
        self._pending_handle = self._write_block(self._data_block)

    def _write_block(self, block: BlockBuilder) -> bytes:
        contents = block.finish()
        block.reset()
        handle = _encode_handle(len(self._out), len(contents))
        crc = crc32c(bytes([NO_COMPRESSION]), crc32c(contents))
        self._out += contents
        self._out.append(NO_COMPRESSION)
        self._out += _U32.pack(mask_crc(crc))
        return handle

    def finish(self) -> bytes:
        self._flush()
        metaindex_handle = self._write_block(BlockBuilder())
        if self._pending_handle is not None:
            self._index_block.add(_short_successor(self._last_key), self._pending_handle)
            self._pending_handle = None
        index_handle = self._write_block(self._index_block)
        footer = bytearray(metaindex_handle + index_handle)
        footer += bytes(2 * _MAX_HANDLE_LENGTH - len(footer))
        footer += struct.pack("<Q", TABLE_MAGIC_NUMBER)
        self._out += footer
        return bytes(self._out)


def build_table(items: Iterable[tuple[bytes, bytes]], block_size: int = DEFAULT_BLOCK_SIZE) -> bytes:
    """Returns the bytes of a table holding `items` (key, value), keys in increasing order."""
    builder = TableBuilder(block_size)
    for key, value in items:
        builder.add(key, value)
    return builder.finish()


def _decode_handle(data: bytes, pos: int, limit: int, what: str) -> tuple[int, int, int]:
    offset, pos = get_varint(data, pos, limit, 10, what)
    size, pos = get_varint(data, pos, limit, 10, what)
    return offset, size, pos


def _read_block(data: bytes, offset: int, size: int, limit: int, what: str) -> memoryview:
    """Checks a block handle against `limit` and the block's trailer; returns its contents."""
    if offset > limit or size > limit - offset or BLOCK_TRAILER_SIZE > limit - offset - size:
        raise errors.DataLossError(
            None, None, f"Truncated block read: {what} at offset {offset} size {size} "
                        f"past the end of the table data ({limit} bytes)")
    end = offset + size
    view = memoryview(data)
    block_type = data[end]
    stored = unmask_crc(_U32.unpack_from(data, end + 1)[0])
    actual = crc32c(view[offset:end + 1])
    if stored != actual:
        raise errors.DataLossError(None, None, f"Block checksum mismatch in {what} at offset {offset}")
    if block_type == SNAPPY_COMPRESSION:
        raise errors.UnimplementedError(
            None, None, f"Snappy-compressed table blocks are not supported ({what} at offset {offset})")
    if block_type != NO_COMPRESSION:
        raise errors.DataLossError(None, None, f"Bad block type {block_type} in {what} at offset {offset}")
    return view[offset:end]


def _block_entries(block: memoryview, what: str) -> Iterator[tuple[bytes, memoryview]]:
    """Yields (key, value) of every entry of a block, checking every length and offset."""
    size = len(block)
    if size < 4:
        raise errors.DataLossError(None, None, f"Bad block contents in {what}: {size} bytes")
    num_restarts = _U32.unpack_from(block, size - 4)[0]
    if num_restarts == 0 or num_restarts > (size - 4) // 4:
        raise errors.DataLossError(None, None, f"Bad block contents in {what}: {num_restarts} restarts")
    restarts_start = size - 4 - 4 * num_restarts
    restarts = struct.unpack_from(f"<{num_restarts}I", block, restarts_start)
    restart_set = set(restarts)
    entry_starts = set()
    pos = 0
    key = b""
    while pos < restarts_start:
        entry_starts.add(pos)
        at_restart = pos in restart_set
        shared, pos = get_varint(block, pos, restarts_start, 5, what)
        unshared, pos = get_varint(block, pos, restarts_start, 5, what)
        value_length, pos = get_varint(block, pos, restarts_start, 5, what)
        if shared > len(key) or (at_restart and shared):
            raise errors.DataLossError(None, None, f"Bad entry in {what}: shared prefix {shared} "
                                                   f"longer than the previous key ({len(key)})")
        if unshared > restarts_start - pos or value_length > restarts_start - pos - unshared:
            raise errors.DataLossError(None, None, f"Bad entry in {what}: key or value runs past the block")
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, block[pos:pos + value_length]
        pos += value_length
    # Restart points must start entries (TF's reader seeks by them), the first at 0.
    valid = entry_starts or {0}
    if restarts[0] != 0 or not restart_set <= valid or list(restarts) != sorted(set(restarts)):
        raise errors.DataLossError(None, None, f"Bad restart array in {what}")


class TableReader:
    """Reads every entry of a table held in memory, verifying the whole file on open.

    `data` is the file's bytes. Entries are exposed as an ordered mapping from key
    (bytes) to value (bytes). Raises DataLossError on any corruption.
    """

    def __init__(self, data: bytes, name: str = "table"):
        data = bytes(data)
        self._name = name
        if len(data) < FOOTER_SIZE:
            raise errors.DataLossError(
                None, None, f"{name}: file too short ({len(data)} bytes) to be an sstable")
        footer_at = len(data) - FOOTER_SIZE
        magic = struct.unpack_from("<Q", data, len(data) - 8)[0]
        if magic != TABLE_MAGIC_NUMBER:
            raise errors.DataLossError(None, None, f"{name}: not an sstable (bad magic number)")
        footer_end = len(data) - 8
        meta_off, meta_size, pos = _decode_handle(data, footer_at, footer_end, f"{name} footer")
        index_off, index_size, pos = _decode_handle(data, pos, footer_end, f"{name} footer")
        # TF pads the footer with zeros; anything else there is damage.
        if any(data[pos:footer_end]):
            raise errors.DataLossError(None, None, f"{name}: footer padding is not zero")
        _read_block(data, meta_off, meta_size, footer_at, f"{name} metaindex block")
        index = _read_block(data, index_off, index_size, footer_at, f"{name} index block")

        self._entries: dict[bytes, bytes] = {}
        last_key: bytes | None = None
        previous_separator: bytes | None = None
        for separator, handle in _block_entries(index, f"{name} index block"):
            offset, size, end = _decode_handle(handle, 0, len(handle), f"{name} index block handle")
            if end != len(handle):
                raise errors.DataLossError(None, None, f"{name}: bad block handle in index block")
            what = f"{name} data block at offset {offset}"
            block = _read_block(data, offset, size, footer_at, what)
            for key, value in _block_entries(block, what):
                if last_key is not None and key <= last_key:
                    raise errors.DataLossError(None, None, f"{name}: keys out of order at {key!r}")
                if previous_separator is not None and key <= previous_separator:
                    raise errors.DataLossError(None, None, f"{name}: key {key!r} below its index entry")
                if key > separator:
                    raise errors.DataLossError(None, None, f"{name}: key {key!r} beyond its index entry")
                self._entries[key] = bytes(value)
                last_key = key
            previous_separator = separator

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs in key order."""
        return iter(self._entries.items())

    def keys(self) -> list[bytes]:
        return list(self._entries)

    def get(self, key: bytes) -> bytes | None:
        return self._entries.get(key)

    def __contains__(self, key: bytes) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
