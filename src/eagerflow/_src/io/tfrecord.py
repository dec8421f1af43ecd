"""TFRecord files: TF's framing (length, masked CRC32C of the length, data, masked CRC32C of
the data), uncompressed, ZLIB or GZIP.

The reader treats files as hostile: a length field is never trusted for an allocation (data
is read in bounded chunks and stops at the end of the file), every checksum is verified, and
a bad record raises `DataLossError` with TF's message plus the file's name.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any, BinaryIO, Iterator

from eagerflow._src.framework import errors

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")
_MASK_DELTA = 0xA282EAD8
_CHUNK = 1 << 22  # reads never ask the file for more than this at once

_COMPRESSION_NAMES = {None: "", "": "", "ZLIB": "ZLIB", "GZIP": "GZIP"}


def _crc32c(data: Any) -> int:
    import google_crc32c  # loaded on first record, not at `import eagerflow`

    return google_crc32c.value(data)


def _unmask(masked: int) -> int:
    """The CRC32C that `masked_crc32c` masked (the inverse of TF's `Mask`)."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def masked_crc32c(data: Any) -> int:
    """TF's masked CRC32C (crc32c.h `Mask`): rotate right by 15 bits, add a constant."""
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


class TFRecordCompressionType:
    """`tf.compat.v1.io.TFRecordCompressionType`: NONE, ZLIB, GZIP."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """Options used for manipulating TFRecord files (`tf.io.TFRecordOptions`).

    Args:
      compression_type: `"ZLIB"`, `"GZIP"`, `""`/None (no compression), or a
        `TFRecordCompressionType` value.
      compression_level: 0-9 for ZLIB/GZIP (default: zlib's default).
      window_bits: zlib window size (8-15).
      The remaining arguments are accepted for TF's signature; zlib buffer sizes do not
      change the bytes written.
    """

    compression_type_map = {TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP",
                            TFRecordCompressionType.NONE: ""}

    def __init__(self, compression_type: Any = None, flush_mode: Any = None,
                 input_buffer_size: Any = None, output_buffer_size: Any = None,
                 window_bits: Any = None, compression_level: Any = None,
                 compression_method: Any = None, mem_level: Any = None,
                 compression_strategy: Any = None) -> None:
        if isinstance(compression_type, TFRecordOptions):
            compression_type = compression_type.compression_type
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        """The compression type as a string (`""`, `"ZLIB"` or `"GZIP"`)."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return cls.get_compression_type_string(options.compression_type)
        if isinstance(options, int):
            return cls.compression_type_map[options]
        if isinstance(options, bytes):
            options = options.decode()
        if options in _COMPRESSION_NAMES:
            return _COMPRESSION_NAMES[options]
        raise ValueError(f'Not a valid compression_type: "{options}"')


def compression_name(options: Any) -> str:
    """`""`, `"ZLIB"` or `"GZIP"` for a `TFRecordOptions`, string, enum value or None."""
    name = TFRecordOptions.get_compression_type_string(options)
    if name not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(None, None, f"Unsupported compression_type: {name}")
    return name


def _wbits(compression: str, window_bits: int | None) -> int:
    bits = window_bits or zlib.MAX_WBITS
    return bits + 16 if compression == "GZIP" else bits


class TFRecordWriter:
    """A class to write records to a TFRecords file (`tf.io.TFRecordWriter`).

    Args:
      path: the file to write (created or truncated).
      options: a `TFRecordOptions` or a compression type string.
    """

    def __init__(self, path: Any, options: Any = None) -> None:
        from eagerflow._src.io import gfile

        opts = options if isinstance(options, TFRecordOptions) else TFRecordOptions(options)
        self._compression = compression_name(opts)
        try:
            self._file: BinaryIO | None = gfile.open_binary(path, "wb")
        except OSError as exc:
            raise gfile.os_error(exc, path) from None
        self._compressor = None
        if self._compression:
            level = -1 if opts.compression_level is None else int(opts.compression_level)
            self._compressor = zlib.compressobj(level, zlib.DEFLATED,
                                                _wbits(self._compression, opts.window_bits))

    def __enter__(self) -> "TFRecordWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _put(self, data: bytes) -> None:
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if self._compressor is not None:
            data = self._compressor.compress(data)
        self._file.write(data)

    def write(self, record: Any) -> None:
        """Writes one serialized record (bytes, str or a scalar string tensor)."""
        if hasattr(record, "numpy"):
            record = record.numpy()
        if isinstance(record, str):
            record = record.encode("utf-8")
        record = bytes(record)
        header = struct.pack("<Q", len(record))
        self._put(header + _FOOTER.pack(masked_crc32c(header)) + record
                  + _FOOTER.pack(masked_crc32c(record)))

    def flush(self) -> None:
        """Flushes the file (a compressed stream is flushed to a byte boundary)."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if self._compressor is not None:
            self._file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self) -> None:
        """Flushes and closes the file; further writes raise `FailedPreconditionError`."""
        if self._file is None:
            return
        if self._compressor is not None:
            self._file.write(self._compressor.flush(zlib.Z_FINISH))
        self._file.close()
        self._file = None


class _Inflater:
    """A file read through zlib, handing out at most the bytes asked for (no bombs)."""

    def __init__(self, raw: BinaryIO, compression: str) -> None:
        self._raw = raw
        self._wbits = _wbits(compression, None)
        self._z = zlib.decompressobj(self._wbits)
        self._pending = b""

    def read(self, n: int) -> bytes:
        out = []
        want = n
        while want > 0:
            if self._pending:
                try:
                    piece = self._z.decompress(self._pending, want)
                except zlib.error as exc:
                    raise errors.DataLossError(None, None, f"corrupted compressed stream: {exc}") from None
                self._pending = self._z.unconsumed_tail
            else:
                if self._z.eof:
                    # GZIP files may hold several members, as TF's reader accepts.
                    rest = self._z.unused_data
                    if not rest:
                        break
                    self._z = zlib.decompressobj(self._wbits)
                    self._pending = rest
                    continue
                chunk = self._raw.read(1 << 16)
                if not chunk:
                    break
                self._pending = chunk
                continue
            out.append(piece)
            want -= len(piece)
        return b"".join(out)

    def close(self) -> None:
        self._raw.close()


class RecordReader:
    """Reads the records of one TFRecord file in order.

    `next_record()` returns `(offset, bytes)` or None at the end of the file. A partial
    header at the end is the end of the file (as TF); anything else wrong raises.
    """

    def __init__(self, path: Any, compression: str = "", buffer_size: int | None = None) -> None:
        from eagerflow._src.io import gfile

        self.path = gfile.path_str(path)
        try:
            raw = gfile.open_binary(self.path, "rb")
        except OSError as exc:
            raise gfile.os_error(exc, self.path) from None
        self._file: Any = _Inflater(raw, compression) if compression else raw
        self._buf = b""
        self._pos = 0
        self.offset = 0  # the offset of the next record in the (uncompressed) stream
        import google_crc32c  # loaded on first use, not at `import eagerflow`

        self._crc = google_crc32c.value

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "RecordReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _take(self, n: int) -> bytes:
        """Exactly `n` bytes, or fewer at the end of the file. Reads in bounded chunks."""
        avail = len(self._buf) - self._pos
        if avail >= n:
            out = self._buf[self._pos:self._pos + n]
            self._pos += n
            return out
        pieces = [self._buf[self._pos:]]
        got = avail
        self._buf, self._pos = b"", 0
        while got < n and self._file is not None:
            chunk = self._file.read(_CHUNK)
            if not chunk:
                break
            need = n - got
            if len(chunk) > need:
                pieces.append(chunk[:need])
                self._buf, self._pos = chunk, need
                got = n
                break
            pieces.append(chunk)
            got += len(chunk)
        return b"".join(pieces)

    def _error(self, message: str) -> errors.DataLossError:
        return errors.DataLossError(None, None, f"{message} (file: {self.path})")

    def next_record(self) -> bytes | None:
        """The next record's bytes; None at the end. Raises `DataLossError` on corruption."""
        buf, pos = self._buf, self._pos
        if len(buf) - pos >= 16:  # fast path: the whole record lies in the buffer
            length, length_crc = _HEADER.unpack_from(buf, pos)
            end = pos + 12 + length
            if end + 4 <= len(buf):
                crc = self._crc
                if crc(buf[pos:pos + 8]) == _unmask(length_crc):
                    data = buf[pos + 12:end]
                    if crc(data) == _unmask(_FOOTER.unpack_from(buf, end)[0]):
                        self._pos = end + 4
                        self.offset += 16 + length
                        return data
                # a bad checksum: the slow path below names the error
        return self._next_record_slow()

    def _next_record_slow(self) -> bytes | None:
        start = self.offset
        header = self._take(12)
        if len(header) < 12:
            return None
        length, length_crc = _HEADER.unpack(header)
        if masked_crc32c(header[:8]) != length_crc:
            hint = " (Is this even a TFRecord file?)" if start == 0 else ""
            raise self._error(f"corrupted record at {start}{hint}")
        body = self._take(length + 4) if length < (1 << 62) else b""
        if len(body) < length + 4:
            raise self._error(f"truncated record at {start}' failed with Read less bytes than requested")
        data = body[:length]
        if masked_crc32c(data) != _FOOTER.unpack(body[length:])[0]:
            raise self._error(f"corrupted record at {start + 12}")  # TF names the data's offset
        self.offset = start + 16 + length
        return data

    def __iter__(self) -> Iterator[bytes]:
        """The records; the same checks as `next_record`, with the common case (a whole record
        in the buffer, good checksums) inlined."""
        crc, header, footer = self._crc, _HEADER.unpack_from, _FOOTER.unpack_from
        delta, mask = _MASK_DELTA, 0xFFFFFFFF
        while True:
            buf, pos = self._buf, self._pos
            n = len(buf)
            while n - pos >= 16:
                length, length_crc = header(buf, pos)
                end = pos + 12 + length
                if end + 4 > n:
                    break
                c = crc(buf[pos:pos + 8])
                if (((c >> 15) | (c << 17)) + delta) & mask != length_crc:
                    break
                data = buf[pos + 12:end]
                c = crc(data)
                if (((c >> 15) | (c << 17)) + delta) & mask != footer(buf, end)[0]:
                    break
                pos = end + 4
                self._pos = pos
                self.offset += 16 + length
                yield data
            self._pos = pos
            record = self._next_record_slow()  # refills the buffer, or names the error
            if record is None:
                return
            yield record


def tf_record_iterator(path: Any, options: Any = None) -> Iterator[bytes]:
    """`tf.compat.v1.io.tf_record_iterator`: yields the records of one file as bytes."""
    with RecordReader(path, compression_name(options)) as reader:
        yield from reader
