"""A decoder for serialized `Example`/`SequenceExample` bytes straight into NumPy arrays.

Walks protobuf's wire format (no message objects): packed float lists become one
`np.frombuffer`. Input is hostile: every length is checked against the bytes left and a
malformed message raises `ValueError` (the parse ops turn it into TF's error).
"""
from __future__ import annotations

import numpy as np

_F32 = np.dtype("<f4")

# Feature kinds, as the `Feature.kind` oneof numbers them.
BYTES, FLOAT, INT64 = 1, 2, 3
KIND_NAMES = {BYTES: "string", FLOAT: "float", INT64: "int64"}


def _varint(buf: bytes, pos: int, end: int) -> tuple[int, int]:
    if pos < end:
        b = buf[pos]
        if b < 0x80:  # one byte: keys and most lengths and values
            return b, pos + 1
    result = 0
    shift = 0
    while True:
        if pos >= end or shift > 63:
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _skip(buf: bytes, pos: int, end: int, wire: int) -> int:
    if wire == 0:
        return _varint(buf, pos, end)[1]
    if wire == 1:
        pos += 8
    elif wire == 5:
        pos += 4
    elif wire == 2:
        n, pos = _varint(buf, pos, end)
        pos += n
    else:
        raise ValueError(f"unsupported wire type {wire}")
    if pos > end:
        raise ValueError("truncated field")
    return pos


def _fields(buf: bytes, pos: int, end: int):
    """Yields (field number, wire type, start, stop) for length-delimited fields; others skipped
    but yielded with start=value position for the scalar decoders."""
    while pos < end:
        key = buf[pos]
        if key < 0x80:
            pos += 1
        else:
            key, pos = _varint(buf, pos, end)
        number, wire = key >> 3, key & 7
        if wire == 2:
            n, pos = _varint(buf, pos, end)
            stop = pos + n
            if stop > end:
                raise ValueError("truncated length-delimited field")
            yield number, wire, pos, stop
            pos = stop
        else:
            start = pos
            pos = _skip(buf, pos, end, wire)
            yield number, wire, start, pos


def _signed64(v: int) -> int:
    v &= (1 << 64) - 1  # a 10-byte varint's bits past 64 are dropped, as protobuf does
    return v - (1 << 64) if v >= (1 << 63) else v


def _feature(buf: bytes, pos: int, end: int) -> tuple[int, list]:
    """(kind, chunks): chunks are numpy arrays (float/int64) or lists of bytes."""
    kind = 0
    chunks: list = []
    for number, wire, start, stop in _fields(buf, pos, end):
        if number not in (BYTES, FLOAT, INT64) or wire != 2:
            continue
        if number != kind:  # a later member of the oneof replaces an earlier one
            kind, chunks = number, []
        for vnum, vwire, vs, ve in _fields(buf, start, stop):
            if vnum != 1:
                continue
            if number == BYTES:
                if vwire != 2:
                    raise ValueError("bad bytes_list")
                chunks.append(buf[vs:ve])
            elif number == FLOAT:
                if vwire == 2:
                    if (ve - vs) % 4:
                        raise ValueError("bad packed float_list")
                    chunks.append(np.frombuffer(buf, _F32, (ve - vs) // 4, vs))
                elif vwire == 5:
                    chunks.append(np.frombuffer(buf, _F32, 1, vs))
                else:
                    raise ValueError("bad float_list")
            else:
                if vwire == 2:
                    values = []
                    p = vs
                    while p < ve:
                        v, p = _varint(buf, p, ve)
                        values.append(_signed64(v))
                    chunks.append(np.array(values, np.int64))
                elif vwire == 0:
                    chunks.append(np.array([_signed64(_varint(buf, vs, ve)[0])], np.int64))
                else:
                    raise ValueError("bad int64_list")
    return kind, chunks


def feature_values(kind: int, chunks: list):
    """A feature's values: a float32/int64 array, or a list of bytes."""
    if kind == BYTES:
        out: list = []
        for c in chunks:
            out.append(c)
        return out
    if not chunks:
        return np.zeros(0, np.float32 if kind == FLOAT else np.int64)
    return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)


def _map(buf: bytes, pos: int, end: int, into: dict, value_parser) -> None:
    """Decodes one `map<string, V>` entry into `into` (later keys win, as protobuf merges)."""
    key = ""
    value_span = None
    for number, wire, start, stop in _fields(buf, pos, end):
        if number == 1 and wire == 2:
            key = buf[start:stop].decode("utf-8", "replace")
        elif number == 2 and wire == 2:
            value_span = (start, stop)
    into[key] = value_parser(buf, *(value_span or (0, 0)))


def features(buf: bytes, pos: int, end: int, into: dict) -> None:
    """Decodes a `Features` message into {name: (kind, chunks)}."""
    for number, wire, start, stop in _fields(buf, pos, end):
        if number == 1 and wire == 2:
            _map(buf, start, stop, into, _feature)


def _feature_list(buf: bytes, pos: int, end: int) -> list:
    return [_feature(buf, start, stop) for number, wire, start, stop in _fields(buf, pos, end)
            if number == 1 and wire == 2]


def example(buf: bytes) -> dict:
    """`Example` bytes -> {feature name: (kind, chunks)}."""
    out: dict = {}
    for number, wire, start, stop in _fields(buf, 0, len(buf)):
        if number == 1 and wire == 2:
            features(buf, start, stop, out)
    return out


def sequence_example(buf: bytes) -> tuple[dict, dict]:
    """`SequenceExample` bytes -> (context {name: (kind, chunks)}, {name: [(kind, chunks)...]})."""
    context: dict = {}
    lists: dict = {}
    for number, wire, start, stop in _fields(buf, 0, len(buf)):
        if number == 1 and wire == 2:
            features(buf, start, stop, context)
        elif number == 2 and wire == 2:
            for n2, w2, s2, e2 in _fields(buf, start, stop):
                if n2 == 1 and w2 == 2:
                    _map(buf, s2, e2, lists, _feature_list)
    return context, lists
