"""Batch decoding of `Example`s that share one wire layout, with NumPy over a [B, L] byte array.

A record's wire structure (keys, lengths, map keys, which fields exist) is fixed by its
*skeleton*: every byte except the payloads of values. The payload bytes of floats (packed or
fixed32) and of bytes values are never looked at by the decoder's control flow, and for a
varint int64 value only its continuation bits (0x80) decide where it ends. So records of one
length whose skeleton bytes, and the continuation bits of their varint values, equal those of
a template record decode exactly as the template does, with the values read from their own
payload bytes: one `np.frombuffer` over the joined batch and a few column gathers decode them
all. A record that differs anywhere in its skeleton takes the generic decoder
(`example_wire.example`).

`build(blob)` walks one record the same way `example_wire.example` does (same fields, same
"later wins" rules, same errors) while recording which bytes are payload.
"""
from __future__ import annotations

import numpy as np

from eagerflow._src.io import example_wire as _wire
from eagerflow._src.io.example_wire import BYTES, FLOAT, INT64, _fields, _varint

_STRUCT, _FREE, _VARINT, _BYTES_PAYLOAD = 0, 1, 2, 3
_F32 = np.dtype("<f4")


class Template:
    """One record's layout: which bytes must match, and where each feature's values lie.

    Attributes:
      length: the record's length in bytes.
      parsed: the record decoded by `example_wire.example` ({name: (kind, chunks)}).
      features: {name: (kind, locators)}: for FLOAT a list of (start, stop) byte spans of
        little-endian float32s, for INT64 a list of varint byte-position tuples (one per value),
        for BYTES a list of (start, stop) spans (one per value).
    """

    def __init__(self, blob: bytes) -> None:
        self.length = len(blob)
        flags = bytearray(len(blob))
        self.features: dict = {}
        for number, wire, start, stop in _fields(blob, 0, len(blob)):
            if number == 1 and wire == 2:
                for n2, w2, s2, e2 in _fields(blob, start, stop):
                    if n2 == 1 and w2 == 2:
                        self._map_entry(blob, s2, e2, flags)
        self.parsed = _wire.example(blob)  # the generic decoder's reading (the reference)
        mask = np.frombuffer(bytes(flags), np.uint8)
        # The [G, width] arrays hold only the bytes that are looked at: bytes values (images...)
        # are sliced from the records themselves, so they are left out of the copy.
        keep = mask != _BYTES_PAYLOAD
        if keep.all():
            self._segments = None
            compact = np.arange(len(blob))
        else:
            edges = np.flatnonzero(np.diff(np.concatenate(([0], keep.astype(np.int8), [0]))))
            self._segments = list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
            compact = np.cumsum(keep) - 1
        self.width = int(keep.sum())
        template = np.frombuffer(blob, np.uint8)
        struct_idx = np.flatnonzero(mask == _STRUCT)
        cont_idx = np.flatnonzero(mask == _VARINT)
        self._struct_idx, self._struct_vals = compact[struct_idx], template[struct_idx]
        self._cont_idx, self._cont_vals = compact[cont_idx], template[cont_idx] & 0x80
        self._columns = {}  # numeric locators in the [G, width] coordinates
        for name, (kind, locs) in self.features.items():
            if kind == FLOAT:
                self._columns[name] = [(int(compact[s]), int(compact[e - 1]) + 1) for s, e in locs]
            elif kind == INT64:
                self._columns[name] = [tuple(compact[list(p)].tolist()) for p in locs]

    def rows(self, blobs: list) -> np.ndarray:
        """The [G, width] uint8 array of records of the template's length (bytes values left out)."""
        if self._segments is None:
            joined = b"".join(blobs)
        else:
            segments = self._segments
            joined = b"".join([b[s:e] for b in blobs for s, e in segments])
        return np.frombuffer(joined, np.uint8).reshape(len(blobs), self.width)

    def _map_entry(self, blob: bytes, pos: int, end: int, flags: bytearray) -> None:
        key = ""
        value_span = None
        for number, wire, start, stop in _fields(blob, pos, end):
            if number == 1 and wire == 2:
                key = blob[start:stop].decode("utf-8", "replace")
            elif number == 2 and wire == 2:
                value_span = (start, stop)
        self.features[key] = _feature(blob, *(value_span or (0, 0)), flags)

    def count(self, name: str) -> int:
        """How many values the feature holds (0 when absent or empty)."""
        entry = self.features.get(name)
        return 0 if entry is None else len(_positions(entry))

    def match(self, rows: np.ndarray) -> np.ndarray:
        """A boolean [G] mask over `rows(blobs)`: the records laid out as the template."""
        ok = (rows[:, self._struct_idx] == self._struct_vals).all(axis=1)
        if self._cont_idx.size:
            ok &= ((rows[:, self._cont_idx] & 0x80) == self._cont_vals).all(axis=1)
        return ok

    def values(self, name: str, rows: np.ndarray, blobs: list) -> np.ndarray:
        """The feature's values in every row (`rows(blobs)`): [G, n] float32 / int64 / object."""
        kind, locs = self.features[name]
        g = rows.shape[0]
        if kind != BYTES:
            locs = self._columns[name]
        if kind == FLOAT:
            if len(locs) == 1:
                start, stop = locs[0]
                raw = rows[:, start:stop].copy()
            else:
                raw = np.ascontiguousarray(rows[:, np.concatenate([np.arange(s, e) for s, e in locs])])
            return raw.view(_F32).astype(np.float32, copy=False).reshape(g, -1)
        if kind == INT64:
            return _varints(rows, locs)
        out = np.empty((g, len(locs)), object)
        for j, (start, stop) in enumerate(locs):
            out[:, j] = [b[start:stop] for b in blobs]
        return out


def _positions(entry: tuple) -> list:
    kind, locs = entry
    if kind == FLOAT:
        return [p for s, e in locs for p in range(s, e, 4)]
    return locs


def _varints(rows: np.ndarray, locs: list) -> np.ndarray:
    g = rows.shape[0]
    if not locs:
        return np.zeros((g, 0), np.int64)
    width = max(len(p) for p in locs)
    if width == 1:
        return rows[:, [p[0] for p in locs]].astype(np.int64)
    pos = np.zeros((len(locs), width), np.intp)
    valid = np.zeros((len(locs), width), bool)
    for i, p in enumerate(locs):
        pos[i, :len(p)] = p
        valid[i, :len(p)] = True
    digits = (rows[:, pos] & 0x7F).astype(np.uint64) * valid
    shifts = (np.arange(width, dtype=np.uint64) * np.uint64(7))
    return np.bitwise_or.reduce(digits << shifts, axis=2).view(np.int64)


def _feature(blob: bytes, pos: int, end: int, flags: bytearray) -> tuple:
    """(kind, locators) of one `Feature`, marking its payload bytes in `flags`; the same walk
    (and the same errors) as `example_wire._feature`."""
    kind = 0
    locs: list = []
    for number, wire, start, stop in _fields(blob, pos, end):
        if number not in (BYTES, FLOAT, INT64) or wire != 2:
            continue
        if number != kind:
            kind, locs = number, []
        for vnum, vwire, vs, ve in _fields(blob, start, stop):
            if vnum != 1:
                continue
            if number == BYTES:
                if vwire != 2:
                    raise ValueError("bad bytes_list")
                flags[vs:ve] = b"\x03" * (ve - vs)
                locs.append((vs, ve))
            elif number == FLOAT:
                if vwire == 2:
                    if (ve - vs) % 4:
                        raise ValueError("bad packed float_list")
                elif vwire == 5:
                    ve = vs + 4
                else:
                    raise ValueError("bad float_list")
                flags[vs:ve] = b"\x01" * (ve - vs)
                if locs and locs[-1][1] == vs:
                    locs[-1] = (locs[-1][0], ve)
                else:
                    locs.append((vs, ve))
            else:
                if vwire == 2:
                    p = vs
                    while p < ve:
                        _, q = _varint(blob, p, ve)
                        locs.append(tuple(range(p, q)))
                        p = q
                elif vwire == 0:
                    locs.append(tuple(range(vs, ve)))
                else:
                    raise ValueError("bad int64_list")
                flags[vs:ve] = b"\x02" * (ve - vs)
    return kind, locs


def build(blob: bytes) -> Template | None:
    """A template from one record, or None when the record does not decode."""
    try:
        return Template(blob)
    except (ValueError, UnicodeDecodeError):
        return None
