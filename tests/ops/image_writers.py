"""Tiny independent image writers for the codec tests: raw PNG chunks (any color type, bit
depth, filter, Adam7), GIF (real LZW with growing code sizes) and BMP. Plain Python + zlib, no
eagerflow code, so the tests do not check our decoders against our own encoder only."""
from __future__ import annotations

import struct
import zlib

import numpy as np

ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _pack_rows(samples: np.ndarray, depth: int) -> np.ndarray:
    """(h, w, c) integer samples -> (h, rowbytes) uint8 packed big-endian as PNG stores them."""
    h = samples.shape[0]
    flat = samples.reshape(h, -1).astype(np.int64)
    if depth == 16:
        return flat.astype(">u2").view(np.uint8).reshape(h, -1)
    if depth == 8:
        return flat.astype(np.uint8)
    bits = ((flat[..., None] >> np.arange(depth - 1, -1, -1)) & 1).reshape(h, -1).astype(np.uint8)
    return np.packbits(bits, axis=1)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_rows(rows: np.ndarray, bpp: int, filters: list) -> bytes:
    """Applies PNG filter `filters[r % len(filters)]` to each row (pure Python reference)."""
    out = bytearray()
    prev = [0] * rows.shape[1]
    for r, row in enumerate(rows.tolist()):
        kind = filters[r % len(filters)]
        out.append(kind)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            out.append((x - pred) & 255)
        prev = row
    return bytes(out)


def png_bytes(samples: np.ndarray, depth: int, color: int, palette: bytes | None = None,
              trns: bytes | None = None, interlace: bool = False, filters: tuple = (0, 1, 2, 3, 4)) -> bytes:
    """A PNG of `samples` ((h, w, channels) raw sample values at `depth`; palette indices for
    color type 3), rows filtered with the given filter types in turn."""
    h, w = samples.shape[:2]
    nch = CHANNELS[color]
    bpp = max(1, nch * depth // 8)
    filters = list(filters)
    if interlace:
        data = b""
        for x0, y0, dx, dy in ADAM7:
            part = samples[y0::dy, x0::dx]
            if part.size:
                data += _filter_rows(_pack_rows(part, depth), bpp, filters)
    else:
        data = _filter_rows(_pack_rows(samples, depth), bpp, filters)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, int(interlace)))
    if palette is not None:
        out += _chunk(b"PLTE", palette)
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    return out + _chunk(b"IDAT", zlib.compress(data)) + _chunk(b"IEND", b"")


def _lzw_encode(indices: bytes, min_size: int) -> bytes:
    clear, end = 1 << min_size, (1 << min_size) + 1
    size, next_code = min_size + 1, end + 1
    table = {bytes([i]): i for i in range(clear)}
    acc = nbits = 0
    out = bytearray()

    def emit(code: int) -> None:
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 255)
            acc >>= 8
            nbits -= 8

    emit(clear)
    word = b""
    for value in indices:
        candidate = word + bytes([value])
        if candidate in table:
            word = candidate
            continue
        emit(table[word])
        table[candidate] = next_code
        next_code += 1
        if next_code - 1 == 1 << size and size < 12:
            size += 1
        if next_code == 4096:
            emit(clear)
            table = {bytes([i]): i for i in range(clear)}
            size, next_code = min_size + 1, end + 1
        word = bytes([value])
    if word:
        emit(table[word])
        if next_code == 1 << size and size < 12:
            size += 1
    emit(end)
    if nbits:
        out.append(acc & 255)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255)) + b"\x00"


def gif_bytes(width: int, height: int, palette: np.ndarray, frames: list, interlace: bool = False) -> bytes:
    """A GIF89a: `palette` (n, 3) uint8 global color table (n a power of two); `frames` lists
    (left, top, indices (h, w) uint8, transparent index or None)."""
    n = len(palette)
    bits = max(1, int(np.log2(n)))
    out = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80 | (bits - 1), 0, 0) + palette.astype(np.uint8).tobytes()
    for left, top, indices, transparent in frames:
        if transparent is not None:
            out += b"\x21\xf9\x04" + struct.pack("<BHB", 1, 0, transparent) + b"\x00"
        h, w = indices.shape
        rows = indices
        if interlace:
            order = np.concatenate([np.arange(s, h, d) for s, d in ((0, 8), (4, 8), (2, 4), (1, 2))])
            rows = indices[order]
        min_size = max(2, bits)
        out += b"\x2c" + struct.pack("<HHHHB", left, top, w, h, 0x40 if interlace else 0)
        out += bytes([min_size]) + _sub_blocks(_lzw_encode(rows.astype(np.uint8).tobytes(), min_size))
    return out + b"\x3b"


def bmp_bytes(rgb: np.ndarray, top_down: bool = False) -> bytes:
    """An uncompressed BMP (BITMAPINFOHEADER) of (h, w, 3|4) uint8 RGB(A) pixels."""
    h, w, c = rgb.shape
    bgr = rgb[..., [2, 1, 0, 3][:c]]
    row_size = (w * c + 3) // 4 * 4
    rows = np.zeros((h, row_size), np.uint8)
    rows[:, :w * c] = bgr.reshape(h, -1)
    if not top_down:
        rows = rows[::-1]
    pixels = rows.tobytes()
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, 8 * c, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + info + pixels



def _huffman_segment(table_class: int, ident: int, symbols: list, length: int) -> tuple[bytes, dict]:
    """A DHT body giving every symbol a code of `length` bits, and the symbol -> (code, length) map."""
    counts = [0] * 16
    counts[length - 1] = len(symbols)
    codes = {s: (i, length) for i, s in enumerate(symbols)}
    return bytes([table_class << 4 | ident]) + bytes(counts) + bytes(symbols), codes


def jpeg_bytes(height: int, width: int, sampling: list, restart_interval: int = 0, seed: int = 0) -> bytes:
    """A baseline JPEG with random (sparse) coefficients: `sampling` lists (h, v) factors per
    component (1 component: grayscale; 3: YCbCr with a JFIF marker), optional restart markers.
    Fixed-length Huffman codes keep the writer tiny; the decoders must still follow the tables."""
    rng = np.random.default_rng(seed)
    dc_symbols = list(range(12))
    ac_symbols = [0x00, 0xF0] + [(run << 4) | size for run in range(4) for size in range(1, 8)]
    dht_dc, dc_codes = _huffman_segment(0, 0, dc_symbols, 4)
    dht_ac, ac_codes = _huffman_segment(1, 0, ac_symbols, 5)
    hmax = max(h for h, _ in sampling)
    vmax = max(v for _, v in sampling)
    mcux, mcuy = -(-width // (8 * hmax)), -(-height // (8 * vmax))
    bits: list = []

    def put(value: int, n: int) -> None:
        bits.extend((value >> (n - 1 - i)) & 1 for i in range(n))

    def magnitude(v: int) -> tuple[int, int]:
        size = abs(v).bit_length()
        return size, (v if v >= 0 else v + (1 << size) - 1)

    scan = bytearray()

    def flush() -> None:
        while len(bits) % 8:
            bits.append(1)
        for i in range(0, len(bits), 8):
            byte = int("".join(map(str, bits[i:i + 8])), 2)
            scan.append(byte)
            if byte == 0xFF:
                scan.append(0)
        bits.clear()

    preds = [0] * len(sampling)
    mcus = 0
    for _ in range(mcuy):
        for _ in range(mcux):
            if restart_interval and mcus and mcus % restart_interval == 0:
                flush()
                scan += bytes([0xFF, 0xD0 + (mcus // restart_interval - 1) % 8])
                preds = [0] * len(sampling)
            for ci, (h, v) in enumerate(sampling):
                for _ in range(h * v):
                    dc = int(rng.integers(-60, 60))
                    size, bitsval = magnitude(dc - preds[ci])
                    preds[ci] = dc
                    put(*dc_codes[size])
                    if size:
                        put(bitsval, size)
                    k = 1
                    while k < 64:
                        run = int(rng.integers(0, 4))
                        if k + run >= 64 or rng.random() < 0.15:
                            break
                        value = int(rng.integers(1, 40)) * (1 if rng.random() < 0.5 else -1)
                        size, bitsval = magnitude(value)
                        put(*ac_codes[(run << 4) | size])
                        put(bitsval, size)
                        k += run + 1
                    if k < 64:
                        put(*ac_codes[0x00])
            mcus += 1
    flush()

    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    quant = bytes([0]) + bytes(rng.integers(1, 8, 64, dtype=np.uint8))
    comps = b"".join(bytes([i + 1, h << 4 | v, 0]) for i, (h, v) in enumerate(sampling))
    out = b"\xff\xd8"
    if len(sampling) == 3:
        out += segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += segment(0xDB, quant) + segment(0xC0, struct.pack(">BHHB", 8, height, width, len(sampling)) + comps)
    out += segment(0xC4, dht_dc) + segment(0xC4, dht_ac)
    if restart_interval:
        out += segment(0xDD, struct.pack(">H", restart_interval))
    sos = bytes([len(sampling)]) + b"".join(bytes([i + 1, 0x00]) for i in range(len(sampling))) + b"\x00\x3f\x00"
    return out + segment(0xDA, sos) + bytes(scan) + b"\xff\xd9"
