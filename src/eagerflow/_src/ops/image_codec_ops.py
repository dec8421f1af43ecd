"""Image codecs written with NumPy and the standard library (zlib): TF's DecodePng, EncodePng,
DecodeJpeg, DecodeGif, DecodeBmp, DecodeImage and ExtractJpegShape ops.

Files are hostile input: every length is checked against the bytes present, decompressed PNG
data is limited to what the header's dimensions need, and any malformed file raises
InvalidArgumentError (TF's messages), never a crash. As in TF, each decode op sniffs the format
and decodes any supported one (decode_png reads a JPEG), except the pairs TF refuses (BMP only
through decode_bmp/decode_image, GIF only through decode_gif/decode_image).

JPEG: baseline and extended sequential Huffman files (any sampling factors, restart markers,
grayscale/YCbCr/RGB) decode bit-exactly as libjpeg-turbo does with TF's defaults: the integer
"islow" IDCT (vectorised over all blocks) and "fancy" (triangle) chroma upsampling. Progressive
and arithmetic-coded files raise UnimplementedError.
"""
from __future__ import annotations

import array
import functools
import re
import struct
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor

_UNKNOWN_FORMAT = "Unknown image file format. One of JPEG, JPEG XL, PNG, GIF, BMP, WebP required."
_MAX_PIXELS = 1 << 29  # larger headers are refused before allocating anything


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


# --- format sniffing ---------------------------------------------------------------------------
def _format(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"GIF":
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"\xff\x0a" or data[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "jxl"
    return "unknown"


# --- PNG ---------------------------------------------------------------------------------------
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_chunks(data: bytes) -> tuple:
    """IHDR fields, PLTE, tRNS and the joined IDAT bytes; raises ValueError('init') for a bad
    signature or header and ValueError('data') for anything after it."""
    import zlib

    if len(data) < 33 or data[:8] != _PNG_SIG or data[12:16] != b"IHDR":
        raise ValueError("init")
    pos, header, plte, trns, idat = 8, None, None, None, []
    while True:
        if pos + 12 > len(data):
            raise ValueError("init" if header is None else "data")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise ValueError("init" if header is None else "data")
        body = data[pos + 8:pos + 8 + length]
        critical = not (ctype[0] & 0x20)
        if critical and zlib.crc32(data[pos + 4:pos + 8 + length]) != struct.unpack(">I", data[end - 4:end])[0]:
            raise ValueError("init" if header is None else "data")
        if ctype == b"IHDR":
            if length != 13 or header is not None:
                raise ValueError("init")
            w, h, depth, color, comp, filt, inter = struct.unpack(">IIBBBBB", body)
            if (not 0 < w < 1 << 31 or not 0 < h < 1 << 31 or color not in _PNG_DEPTHS
                    or depth not in _PNG_DEPTHS[color] or comp or filt or inter > 1):
                raise ValueError("init")
            header = (w, h, depth, color, inter)
        elif ctype == b"PLTE":
            if length % 3 or length == 0 or length > 768:
                raise ValueError("data")
            plte = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif ctype == b"tRNS":
            trns = body
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
        elif critical:
            raise ValueError("data")
        pos = end
    if not idat or (header[3] == 3 and plte is None):
        raise ValueError("data")
    return header, plte, trns, b"".join(idat)


def _unfilter(rows: np.ndarray, bpp: int) -> np.ndarray:
    """Undoes PNG row filters: `rows` is (h, 1 + rowbytes) uint8; returns (h, rowbytes) uint8.
    None/Sub/Up rows go row by row (vectorised); when Average or Paeth rows occur, the whole
    image goes by anti-diagonal wavefront, each step vectorised over all rows."""
    kinds = rows[:, 0]
    raw = rows[:, 1:]
    h, n = raw.shape
    if kinds.max(initial=0) > 4:
        raise ValueError("data")
    if not (kinds >= 3).any():
        out = np.empty_like(raw)
        previous = np.zeros(n, np.uint8)
        for r in range(h):
            kind = kinds[r]
            row = raw[r]
            if kind == 1:
                row = np.cumsum(row.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
            elif kind == 2:
                row = row + previous
            out[r] = row
            previous = out[r]
        return out
    units = n // bpp
    # Skewed layout: pixel (r, i) sits at column r + i + 2 (two zero columns before each row),
    # row r + 1 (a zero row above), so each step's neighbours are plain slices.
    skew = np.zeros((h + 1, units + h + 2, bpp), np.int16)
    src = raw.reshape(h, units, bpp).astype(np.int16)
    cols = np.arange(units)[None, :] + np.arange(h)[:, None] + 2
    skew[np.arange(1, h + 1)[:, None], cols] = src
    masks = [(kinds == k).astype(np.int16)[:, None] for k in range(5)]
    counts = [np.concatenate([[0], np.cumsum(m[:, 0])]).tolist() for m in masks]
    for t in range(units + h - 1):
        r0, r1 = max(0, t - units + 1), min(h, t + 1)
        col = t + 2
        a = skew[r0 + 1:r1 + 1, col - 1]
        b = skew[r0:r1, col - 1]
        pred = None
        for k in (1, 2, 3, 4):
            if counts[k][r1] == counts[k][r0]:
                continue  # no row of this filter type on this diagonal
            if k == 1:
                term = a
            elif k == 2:
                term = b
            elif k == 3:
                term = (a + b) >> 1
            else:
                c = skew[r0:r1, col - 2]
                pa, pb, pc = np.abs(b - c), np.abs(a - c), np.abs(a + b - c - c)
                term = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
            term = term * masks[k][r0:r1]
            pred = term if pred is None else pred + term
        if pred is not None:
            x = skew[r0 + 1:r1 + 1, col]
            x += pred
            x &= 255
    return skew[np.arange(1, h + 1)[:, None], cols].astype(np.uint8).reshape(h, n)


def _png_samples(stream: bytes, w: int, h: int, depth: int, nch: int) -> np.ndarray:
    """One (sub)image's filtered bytes -> (h, w, nch) samples (uint8, or uint16 for depth 16)."""
    rowbytes = (w * nch * depth + 7) // 8
    if len(stream) < h * (rowbytes + 1):
        raise ValueError("data")
    rows = np.frombuffer(stream, np.uint8, h * (rowbytes + 1)).reshape(h, rowbytes + 1)
    raw = _unfilter(rows, max(1, nch * depth // 8))
    if depth == 16:
        return raw.view(">u2").astype(np.uint16).reshape(h, w, nch)
    if depth == 8:
        return raw.reshape(h, w, nch)
    bits = np.unpackbits(raw, axis=1)[:, :w * nch * depth].reshape(h, w * nch, depth)
    weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
    return (bits * weights).sum(axis=2, dtype=np.uint8).reshape(h, w, nch)


def _png_decode(data: bytes) -> tuple[np.ndarray, int]:
    """PNG bytes -> ((h, w, c) samples, palette expanded; source bit depth; alpha from a tRNS key
    colour, or None)."""
    import zlib

    (w, h, depth, color, inter), plte, trns, idat = _png_chunks(data)
    nch = _PNG_CHANNELS[color]
    if w * h * max(nch, 3) > _MAX_PIXELS:
        raise ValueError("data")
    passes = [(0, 0, 1, 1)] if not inter else _ADAM7
    sizes = []
    for x0, y0, dx, dy in passes:
        pw, ph = (w - x0 + dx - 1) // dx, (h - y0 + dy - 1) // dy
        sizes.append((pw, ph, (ph * ((pw * nch * depth + 7) // 8 + 1)) if pw and ph else 0))
    need = sum(s[2] for s in sizes)
    try:
        inflater = zlib.decompressobj()
        stream = inflater.decompress(idat, need)
    except zlib.error:
        raise ValueError("data") from None
    if len(stream) < need:
        raise ValueError("data")
    if not inter:
        samples = _png_samples(stream, w, h, depth, nch)
    else:
        samples = np.zeros((h, w, nch), np.uint16 if depth == 16 else np.uint8)
        offset = 0
        for (x0, y0, dx, dy), (pw, ph, size) in zip(passes, sizes):
            if size:
                samples[y0::dy, x0::dx] = _png_samples(stream[offset:offset + size], pw, ph, depth, nch)
                offset += size
    # libpng as TF drives it: a palette's valid tRNS (no longer than the palette) makes RGBA; a
    # gray/RGB key colour only shapes the alpha channel when one is asked for.
    if color == 3:
        palette = np.zeros((256, 4), np.uint8)
        palette[:, 3] = 255
        palette[:len(plte), :3] = plte
        if trns is not None and len(trns) <= len(plte):
            palette[:len(trns), 3] = np.frombuffer(trns, np.uint8)
            return palette[samples[..., 0]], depth, None
        return palette[samples[..., 0], :3], depth, None
    key_alpha = None
    if trns is not None and color in (0, 2) and len(trns) >= 2 * nch:
        key = np.array(struct.unpack(f">{nch}H", trns[:2 * nch]), samples.dtype)
        key_alpha = ~(samples == key).all(axis=2, keepdims=True)
    if depth < 8:
        samples = samples * np.uint8(255 // ((1 << depth) - 1))
    return samples, depth, key_alpha


def _rgb_to_gray(rgb: np.ndarray) -> np.ndarray:
    """libpng's png_set_rgb_to_gray as TF sets it (0.299, 0.587 truncated to 15-bit fixed point: 9797, 19234, 3737)."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    rounding = 16384 if rgb.dtype == np.uint16 else 0  # libpng rounds only its 16-bit path
    return ((9797 * r + 19234 * g + 3737 * b + rounding) >> 15).astype(rgb.dtype)[..., None]


def _to_channels(image: np.ndarray, channels: int, alpha_max: int, key_alpha: Any = None) -> np.ndarray:
    """libpng-style channel changes: gray <-> RGB, strip alpha or add one (from the tRNS key
    colour when there is one, else the opaque filler)."""
    have = image.shape[2]
    if channels == 0 or channels == have:
        return image
    color = image[..., :3] if have >= 3 else image[..., :1]
    alpha = image[..., have - 1:] if have in (2, 4) else None
    if channels in (1, 2):
        color = _rgb_to_gray(color) if color.shape[2] == 3 else color
    else:
        color = np.repeat(color, 3, axis=2) if color.shape[2] == 1 else color
    if channels in (2, 4):
        if alpha is None and key_alpha is not None:
            top = np.iinfo(image.dtype).max
            alpha = np.where(key_alpha, top, 0).astype(image.dtype)
        elif alpha is None:
            alpha = np.full(color.shape[:2] + (1,), alpha_max, image.dtype)
        return np.concatenate([color, alpha], axis=2)
    return np.ascontiguousarray(color)


def _decode_png(data: bytes, channels: int, dtype: np.dtype) -> np.ndarray:
    """TF's PNG path: 16-bit files keep 16 bits for uint16/float32 output (8-bit ones scale by
    257), uint8 output keeps the high byte; an added alpha is opaque at the file's bit depth
    (so 1 for a 1-bit file, libpng's filler)."""
    try:
        image, depth, key_alpha = _png_decode(data)
    except ValueError as e:
        if str(e) == "init":
            raise _invalid("Invalid PNG. Failed to initialize decoder.") from None
        raise _invalid(f"Invalid PNG data, size {len(data)}") from None
    filler = (1 << depth) - 1 if depth < 8 else np.iinfo(image.dtype).max
    image = _to_channels(image, channels, filler, key_alpha)
    if dtype == np.uint8:
        return (image >> 8).astype(np.uint8) if depth == 16 else image
    if depth != 16:
        image = image.astype(np.uint16) * np.uint16(257)
    if dtype == np.float32:
        return image.astype(np.float32) * np.float32(1.0 / 65535)
    return image


def _png_encode(image: np.ndarray, level: int) -> bytes:
    import zlib

    h, w, c = image.shape
    depth = 16 if image.dtype == np.uint16 else 8
    color = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    rows = image.astype(">u2").view(np.uint8) if depth == 16 else image
    rows = np.ascontiguousarray(rows).reshape(h, -1)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1).tobytes()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0)
    return (_PNG_SIG + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, level))
            + chunk(b"IEND", b""))


# --- GIF ---------------------------------------------------------------------------------------
def _lzw(data: bytes, min_size: int, count: int) -> bytes:
    clear, end = 1 << min_size, (1 << min_size) + 1
    base = [bytes([i]) for i in range(clear)] + [b"", b""]
    table = list(base)
    size, mask = min_size + 1, (1 << (min_size + 1)) - 1
    pos, limit = 0, len(data) * 8
    out = bytearray()
    prev = None
    data = data + b"\x00\x00\x00"
    while len(out) < count:
        if pos + size > limit:
            break
        b = pos >> 3
        code = (int.from_bytes(data[b:b + 3], "little") >> (pos & 7)) & mask
        pos += size
        if code == clear:
            table = list(base)
            size, mask, prev = min_size + 1, (1 << (min_size + 1)) - 1, None
            continue
        if code == end:
            break
        if prev is None:
            if code >= clear:
                raise ValueError("bad code")
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            if len(table) < 4096:
                table.append(prev + entry[:1])
        elif code == len(table) and len(table) < 4096:
            entry = prev + prev[:1]
            table.append(entry)
        else:
            raise ValueError("bad code")
        out += entry
        prev = entry
        if len(table) == mask + 1 and size < 12:
            size += 1
            mask = (1 << size) - 1
    if len(out) < count:
        raise ValueError("short")
    return bytes(out[:count])


def _sub_blocks(data: bytes, pos: int) -> tuple[bytes, int]:
    parts = []
    while True:
        if pos >= len(data):
            raise ValueError("truncated")
        n = data[pos]
        if pos + 1 + n > len(data):
            raise ValueError("truncated")
        if n == 0:
            return b"".join(parts), pos + 1
        parts.append(data[pos + 1:pos + 1 + n])
        pos += 1 + n


def _gif_frames(data: bytes) -> np.ndarray:
    """All frames as TF composes them on a canvas the size of the first frame: each starts as the
    previous one, a frame's transparent pixels keep what was there (black on the first), the
    first frame's uncovered area is black; frames are clipped to the canvas."""
    if len(data) < 13 or data[:6] not in (b"GIF87a", b"GIF89a"):
        raise _invalid(f"Invalid GIF data (size {len(data)}), failed to slurp gif file: Wrong record type detected")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos = 13
    global_map = None
    if flags & 0x80:
        n = 2 << (flags & 7)
        if pos + 3 * n > len(data):
            raise _invalid(f"Invalid GIF data (size {len(data)}), failed to slurp gif file: Failed to read from given file")
        global_map = np.frombuffer(data[pos:pos + 3 * n], np.uint8).reshape(n, 3)
        pos += 3 * n
    if width * height * 3 > _MAX_PIXELS:
        raise _invalid(f"Invalid GIF data (size {len(data)}), failed to slurp gif file: image too large")
    frames = []
    transparent = -1
    try:
        while pos < len(data):
            block = data[pos]
            if block == 0x3B:
                break
            if block == 0x21:
                if pos + 2 > len(data):
                    raise ValueError("truncated")
                label = data[pos + 1]
                body, pos = _sub_blocks(data, pos + 2)
                if label == 0xF9 and len(body) >= 4:
                    transparent = body[3] if body[0] & 1 else -1
                continue
            if block != 0x2C or pos + 10 > len(data):
                raise ValueError("bad block")
            left, top, w, h, fflags = struct.unpack("<HHHHB", data[pos + 1:pos + 10])
            pos += 10
            cmap = global_map
            if fflags & 0x80:
                n = 2 << (fflags & 7)
                if pos + 3 * n > len(data):
                    raise ValueError("truncated")
                cmap = np.frombuffer(data[pos:pos + 3 * n], np.uint8).reshape(n, 3)
                pos += 3 * n
            if pos >= len(data):
                raise ValueError("truncated")
            if w * h > _MAX_PIXELS:
                raise ValueError("image too large")
            min_size = data[pos]
            if not 1 <= min_size <= 11:
                raise ValueError("bad code size")
            body, pos = _sub_blocks(data, pos + 1)
            indices = np.frombuffer(_lzw(body, min_size, w * h), np.uint8).reshape(h, w)
            if fflags & 0x40:  # interlaced rows: 0::8, 4::8, 2::4, 1::2
                order = np.concatenate([np.arange(s, h, d) for s, d in ((0, 8), (4, 8), (2, 4), (1, 2))])
                deinterlaced = np.empty_like(indices)
                deinterlaced[order] = indices
                indices = deinterlaced
            if cmap is None:
                raise _invalid("missing color map")
            if not frames:  # TF sizes the output by the first frame, not the logical screen
                width, height = w, h
                if width * height * 3 > _MAX_PIXELS:
                    raise ValueError("image too large")
            canvas = frames[-1].copy() if frames else np.zeros((height, width, 3), np.uint8)
            x0, y0, x1, y1 = left, top, min(left + w, width), min(top + h, height)
            if x1 > x0 and y1 > y0:
                part = indices[:y1 - y0, :x1 - x0]
                keep = part == transparent
                bad = (part >= len(cmap)) & ~keep
                if bad.any():
                    raise _invalid(f"found color index {int(part[bad][0])} outside of color map range {len(cmap)}")
                colors = cmap[np.minimum(part, len(cmap) - 1)]
                region = canvas[y0:y1, x0:x1]
                region[~keep] = colors[~keep]
            frames.append(canvas)
            transparent = -1
    except ValueError as e:
        reason = "Wrong record type detected" if str(e) == "bad block" else "Failed to read from given file"
        raise _invalid(f"Invalid GIF data (size {len(data)}), failed to slurp gif file: {reason}") from None
    if not frames:
        raise _invalid(f"Invalid GIF data (size {len(data)}), failed to slurp gif file: Failed to read from given file")
    return np.stack(frames)


# --- BMP ---------------------------------------------------------------------------------------
def _decode_bmp(data: bytes, channels: int) -> np.ndarray:
    if len(data) < 32:
        raise _invalid(f"Incomplete bmp content, requires at least 32 bytes to find the header size, width, "
                       f"height, and bpp, got {len(data)} bytes")
    header_size, = struct.unpack("<i", data[10:14])
    width, height = struct.unpack("<ii", data[18:26])
    bpp, = struct.unpack("<h", data[28:30])
    img_channels = bpp // 8
    if img_channels not in (1, 3, 4):
        raise _invalid(f"Number of channels inherent in the image must be 1, 3 or 4, was {img_channels}")
    want = channels or img_channels
    if width <= 0:
        raise _invalid("Width must be positive")
    if height == 0:
        raise _invalid("Height must be nonzero")
    if header_size < 0:
        raise _invalid("header size must be nonnegative")
    if width * abs(height) * want >= 1 << 30:
        raise _invalid("Total possible pixel bytes must be less than 2^30")
    rows = abs(height)
    row_size = (img_channels * width + 3) // 4 * 4
    diff = len(data) - header_size - row_size * rows
    if diff != 0:
        raise _invalid(f"Input size should match (header_size + row_size * abs_height) but they differ by {diff}")
    pixels = np.frombuffer(data, np.uint8, row_size * rows, header_size).reshape(rows, row_size)
    if height > 0:
        pixels = pixels[::-1]
    padded = np.concatenate([pixels, np.zeros((rows, 4), np.uint8)], axis=1)
    start = np.arange(width) * img_channels
    take = {1: (0,), 3: (2, 1, 0), 4: (2, 1, 0, 3)}[want]
    planes = [padded[:, start + t] for t in take]
    if want == 4 and img_channels != 4:
        planes[3] = np.full_like(planes[0], 255)  # an added alpha is opaque
    return np.stack(planes, axis=2)


# --- JPEG --------------------------------------------------------------------------------------
_ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63])
_ZZ = _ZIGZAG.tolist() + [63] * 16  # spare entries: corrupt run lengths land harmlessly
_SEGMENT_END = re.compile(b"\xff[^\x00\xd0-\xd7]")
_RESTART = re.compile(b"\xff[\xd0-\xd7]")


class _JpegError(Exception):
    pass


@functools.lru_cache(maxsize=64)
def _huffman_table(counts: bytes, symbols: bytes) -> list:
    """A 65536-entry lookup from the next 16 bits to (symbol << 5) | code length (0: invalid).
    Cached: most files carry the same (standard) tables. Callers never mutate the list."""
    table = np.zeros(65536, np.int64)
    code, k = 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            if code >= 1 << length:
                raise _JpegError("bad Huffman table")
            lo = code << (16 - length)
            table[lo:lo + (1 << (16 - length))] = (symbols[k] << 5) | length
            code += 1
            k += 1
        code <<= 1
    return table.tolist()


@functools.lru_cache(maxsize=64)
def _ac_fast_table(counts: bytes, symbols: bytes) -> list:
    """The AC lookup with the coefficient decoded too (stb_image's trick): for each 16-bit peek,
    (kind, bits consumed, run, value) packed in one int, kind 0: a coefficient whose code and magnitude bits
    fit in the peek; 1: end of block; 2: sixteen zeros; 3: longer, decode the slow way (run
    holds the code length, value the symbol); 4: no such code."""
    table = np.array(_huffman_table(counts, symbols), np.int64)
    index = np.arange(65536, dtype=np.int64)
    length, symbol = table & 31, table >> 5
    run, size = symbol >> 4, symbol & 15
    fits = (size > 0) & (length + size <= 16) & (length > 0)
    raw = (index >> np.maximum(16 - length - size, 0)) & ((1 << size) - 1)
    value = np.where(raw < (1 << np.maximum(size - 1, 0)), raw - ((1 << size) - 1), raw)
    valid = length > 0
    kind = np.select([~valid, fits, size > 0, symbol == 0xF0], [4, 0, 3, 2], 1)
    consumed = np.where(kind == 0, length + size, length)
    runs = np.select([kind == 0, kind == 3, kind == 2], [run, length, 16], 0)
    values = np.select([kind == 0, kind == 3], [value, symbol], 0)
    # One int per entry (building 65536 tuples costs more than unpacking the fields):
    # kind | consumed << 3 | run << 8 | (value + 32768) << 13.
    return (kind | consumed << 3 | runs << 8 | (values + 32768) << 13).tolist()


def _jpeg_markers(data: bytes) -> dict:
    """Walks the marker segments: frame header, tables and each scan's entropy-coded bytes."""
    info: dict = {"dqt": {}, "dht": {}, "scans": [], "restart": 0, "adobe": None, "jfif": False}
    pos = 2
    n = len(data)
    while pos < n:
        if data[pos] != 0xFF:
            pos += 1
            continue
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if pos + 2 > n:
            raise _JpegError("truncated")
        length, = struct.unpack(">H", data[pos:pos + 2])
        if length < 2 or pos + length > n:
            raise _JpegError("truncated")
        body = data[pos + 2:pos + length]
        pos += length
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if len(body) < 6:
                raise _JpegError("bad SOF")
            precision, h, w, ncomp = struct.unpack(">BHHB", body[:6])
            if len(body) < 6 + 3 * ncomp or ncomp == 0:
                raise _JpegError("bad SOF")
            comps = [(body[6 + 3 * i], body[7 + 3 * i] >> 4, body[7 + 3 * i] & 15, body[8 + 3 * i])
                     for i in range(ncomp)]
            info["sof"] = (marker, precision, h, w, comps)
        elif marker == 0xC4:
            k = 0
            while k + 17 <= len(body):
                cls_id = body[k]
                counts = body[k + 1:k + 17]
                total = sum(counts)
                symbols = body[k + 17:k + 17 + total]
                if len(symbols) < total or total > 256:
                    raise _JpegError("bad DHT")
                key = (bytes(counts), bytes(symbols))
                info["dht"][(cls_id >> 4, cls_id & 15)] = (_huffman_table(*key) if cls_id >> 4 == 0
                                                           else _ac_fast_table(*key))
                k += 17 + total
        elif marker == 0xDB:
            k = 0
            while k < len(body):
                precision, ident = body[k] >> 4, body[k] & 15
                size = 128 if precision else 64
                if k + 1 + size > len(body):
                    raise _JpegError("bad DQT")
                values = np.frombuffer(body[k + 1:k + 1 + size], ">u2" if precision else np.uint8)
                natural = np.zeros(64, np.int64)
                natural[_ZIGZAG] = values
                info["dqt"][ident] = natural
                k += 1 + size
        elif marker == 0xDD:
            if len(body) >= 2:
                info["restart"] = struct.unpack(">H", body[:2])[0]
        elif marker == 0xEE and body[:5] == b"Adobe" and len(body) >= 12:
            info["adobe"] = body[11]
        elif marker == 0xE0 and body[:5] == b"JFIF\x00":
            info["jfif"] = True
        elif marker == 0xDA:
            if "sof" not in info:
                raise _JpegError("scan before frame")
            ns = body[0] if body else 0
            if len(body) < 4 + 2 * ns:
                raise _JpegError("bad SOS")
            sel = [(body[1 + 2 * i], body[2 + 2 * i] >> 4, body[2 + 2 * i] & 15) for i in range(ns)]
            found = _SEGMENT_END.search(data, pos)
            stop = found.start() if found else n
            tables = {key: value for key, value in info["dht"].items()}
            info["scans"].append((sel, data[pos:stop], tables, info["restart"]))
            pos = stop
    if "sof" not in info:
        raise _JpegError("no frame")
    return info


def _decode_blocks(segment: bytes, units: list, coefs: list) -> None:
    """Huffman-decodes one restart interval. `units` lists, per block in decoding order,
    (component index, offset into that component's flat coefficient list, DC lut, AC lut)."""
    buf = segment.replace(b"\xff\x00", b"\xff")
    limit = len(buf) * 8 + 64  # libjpeg pads a short segment with zero bits
    # The 40 bits starting at each byte, as Python ints: one list index per Huffman symbol.
    raw = np.frombuffer(buf + b"\x00" * 16, np.uint8).astype(np.int64)
    n = len(buf) + 8
    windows = ((raw[:n] << 32) | (raw[1:n + 1] << 24) | (raw[2:n + 2] << 16) | (raw[3:n + 3] << 8)
               | raw[4:n + 4]).tolist()
    zz = _ZZ
    pred = [0] * len(coefs)
    pos = 0
    for comp, base, dc, ac in units:
        blk = coefs[comp]
        word = windows[pos >> 3]
        shift = 24 - (pos & 7)
        entry = dc[(word >> shift) & 0xFFFF]
        length = entry & 31
        if not length:
            raise _JpegError("bad Huffman code")
        s = entry >> 5
        value = 0
        if s:
            if s > 15:
                raise _JpegError("bad DC")
            value = (word >> (shift + 16 - length - s)) & ((1 << s) - 1)
            if value < 1 << (s - 1):
                value -= (1 << s) - 1
        pos += length + s
        pred[comp] += value
        blk[base] = pred[comp]
        k = 1
        while k < 64:
            word = windows[pos >> 3]
            shift = 24 - (pos & 7)
            entry = ac[(word >> shift) & 0xFFFF]
            kind = entry & 7
            n = (entry >> 3) & 31
            if not kind:
                k += (entry >> 8) & 31
                blk[base + zz[k]] = (entry >> 13) - 32768
                pos += n
                k += 1
            elif kind == 1:
                pos += n
                break
            elif kind == 2:
                pos += n
                k += 16
            elif kind == 4:
                raise _JpegError("bad Huffman code")
            else:  # code + magnitude longer than 16 bits
                length, symbol = (entry >> 8) & 31, (entry >> 13) - 32768
                s = symbol & 15
                k += symbol >> 4
                value = (word >> (shift + 16 - length - s)) & ((1 << s) - 1)
                if value < 1 << (s - 1):
                    value -= (1 << s) - 1
                blk[base + zz[k]] = value
                pos += length + s
                k += 1
        if k > 64:
            raise _JpegError("bad run length")
        if pos > limit:
            raise _JpegError("truncated")


# libjpeg's jidctint.c constants (CONST_BITS = 13).
_F = dict(c0298=2446, c0390=3196, c0541=4433, c0765=6270, c0899=7373, c1175=9633, c1501=12299,
          c1847=15137, c1961=16069, c2053=16819, c2562=20995, c3072=25172)


def _idct_pass(x: np.ndarray, shift: int) -> np.ndarray:
    """One 1-D pass of libjpeg's ISLOW IDCT along the last axis, descaled by `shift` bits."""
    f = _F
    z2, z3 = x[..., 2], x[..., 6]
    z1 = (z2 + z3) * f["c0541"]
    tmp2 = z1 - z3 * f["c1847"]
    tmp3 = z1 + z2 * f["c0765"]
    tmp0 = (x[..., 0] + x[..., 4]) << 13
    tmp1 = (x[..., 0] - x[..., 4]) << 13
    tmp10, tmp13 = tmp0 + tmp3, tmp0 - tmp3
    tmp11, tmp12 = tmp1 + tmp2, tmp1 - tmp2
    t0, t1, t2, t3 = x[..., 7], x[..., 5], x[..., 3], x[..., 1]
    z1, z2, z3, z4 = t0 + t3, t1 + t2, t0 + t2, t1 + t3
    z5 = (z3 + z4) * f["c1175"]
    t0, t1, t2, t3 = t0 * f["c0298"], t1 * f["c2053"], t2 * f["c3072"], t3 * f["c1501"]
    z1, z2 = z1 * -f["c0899"], z2 * -f["c2562"]
    z3, z4 = z3 * -f["c1961"] + z5, z4 * -f["c0390"] + z5
    t0 += z1 + z3
    t1 += z2 + z4
    t2 += z2 + z3
    t3 += z1 + z4
    rnd = 1 << (shift - 1)
    out = np.stack([tmp10 + t3, tmp11 + t2, tmp12 + t1, tmp13 + t0,
                    tmp13 - t0, tmp12 - t1, tmp11 - t2, tmp10 - t3], axis=-1)
    return (out + rnd) >> shift


def _idct(coefs: np.ndarray) -> np.ndarray:
    """(N, 8, 8) dequantised coefficients -> (N, 8, 8) uint8 samples, bit-exact with jidctint.c."""
    cols = _idct_pass(coefs.swapaxes(1, 2), 11)  # pass 1 on columns, PASS1_BITS = 2
    rows = _idct_pass(cols.swapaxes(1, 2), 18)
    rows = ((rows + 512) & 1023) - 512  # libjpeg's range-limit table wraps at 10 bits
    return np.clip(rows + 128, 0, 255).astype(np.uint8)


def _aan_scales() -> np.ndarray:
    """jddctmgr.c's AA&N multipliers (scaled by 2**14): s[0] = 1, s[k] = cos(k pi / 16) sqrt 2."""
    s = np.array([1.0] + [np.cos(k * np.pi / 16) * np.sqrt(2) for k in range(1, 8)])
    return np.floor(np.outer(s, s) * 16384 + 0.5).astype(np.int64)


def _ifast_pass(x: np.ndarray) -> list:
    """One 1-D pass of libjpeg's IFAST IDCT (jidctfst.c, CONST_BITS = 8, truncating multiplies)."""
    def mul(v: np.ndarray, c: int) -> np.ndarray:
        return (v * c) >> 8

    tmp10, tmp11 = x[..., 0] + x[..., 4], x[..., 0] - x[..., 4]
    tmp13 = x[..., 2] + x[..., 6]
    tmp12 = mul(x[..., 2] - x[..., 6], 362) - tmp13
    tmp0, tmp3, tmp1, tmp2 = tmp10 + tmp13, tmp10 - tmp13, tmp11 + tmp12, tmp11 - tmp12
    z13, z10 = x[..., 5] + x[..., 3], x[..., 5] - x[..., 3]
    z11, z12 = x[..., 1] + x[..., 7], x[..., 1] - x[..., 7]
    tmp7 = z11 + z13
    tmp11 = mul(z11 - z13, 362)
    z5 = mul(z10 + z12, 473)
    tmp10 = mul(z12, 277) - z5
    tmp12 = mul(z10, -669) + z5
    tmp6 = tmp12 - tmp7
    tmp5 = tmp11 - tmp6
    tmp4 = tmp10 + tmp5
    return np.stack([tmp0 + tmp7, tmp1 + tmp6, tmp2 + tmp5, tmp3 - tmp4,
                     tmp3 + tmp4, tmp2 - tmp5, tmp1 - tmp6, tmp0 - tmp7], axis=-1)


def _idct_fast(coefs: np.ndarray) -> np.ndarray:
    """(N, 8, 8) coefficients times jddctmgr's IFAST multipliers -> uint8 samples (jidctfst.c)."""
    cols = _ifast_pass(coefs.swapaxes(1, 2))
    rows = _ifast_pass(cols.swapaxes(1, 2)) >> 5
    rows = ((rows + 512) & 1023) - 512
    return np.clip(rows + 128, 0, 255).astype(np.uint8)


def _upsample_h2(p: np.ndarray, dw: int) -> np.ndarray:
    """libjpeg's h2v1 fancy upsampling of the first `dw` columns (3/4-1/4 triangle filter)."""
    p = p[:, :dw].astype(np.int32)
    out = np.empty((p.shape[0], 2 * dw), np.int32)
    left = np.concatenate([p[:, :1], p[:, :-1]], axis=1)
    right = np.concatenate([p[:, 1:], p[:, -1:]], axis=1)
    out[:, 0::2] = (3 * p + left + 1) >> 2
    out[:, 1::2] = (3 * p + right + 2) >> 2
    out[:, 0] = p[:, 0]
    out[:, -1] = p[:, -1]
    return out


def _upsample_h2v2(p: np.ndarray, dw: int, dh: int) -> np.ndarray:
    """libjpeg's h2v2 fancy upsampling: vertical 3:1 sums, then horizontal 3:1 with rounding."""
    p = p[:dh, :dw].astype(np.int32)
    above = np.concatenate([p[:1], p[:-1]], axis=0)
    below = np.concatenate([p[1:], p[-1:]], axis=0)
    sums = np.empty((2 * dh, dw), np.int32)
    sums[0::2] = 3 * p + above
    sums[1::2] = 3 * p + below
    out = np.empty((2 * dh, 2 * dw), np.int32)
    if dw == 1:
        out[:, 0] = (sums[:, 0] * 4 + 8) >> 4
        out[:, 1] = (sums[:, 0] * 4 + 7) >> 4
        return out
    left = np.concatenate([sums[:, :1], sums[:, :-1]], axis=1)
    right = np.concatenate([sums[:, 1:], sums[:, -1:]], axis=1)
    out[:, 0::2] = (3 * sums + left + 8) >> 4
    out[:, 1::2] = (3 * sums + right + 7) >> 4
    out[:, 0] = (sums[:, 0] * 4 + 8) >> 4
    out[:, -1] = (sums[:, -1] * 4 + 7) >> 4
    return out


def _upsample_v2(p: np.ndarray, dh: int) -> np.ndarray:
    """libjpeg-turbo's h1v2 fancy upsampling (bias 1 above, 2 below)."""
    p = p[:dh].astype(np.int32)
    above = np.concatenate([p[:1], p[:-1]], axis=0)
    below = np.concatenate([p[1:], p[-1:]], axis=0)
    out = np.empty((2 * dh, p.shape[1]), np.int32)
    out[0::2] = (3 * p + above + 1) >> 2
    out[1::2] = (3 * p + below + 2) >> 2
    return out


def _jpeg_planes(data: bytes, gray_only: bool, fast: bool, columns: tuple | None = None) -> tuple:
    """Decodes every component to a full-size plane; returns (planes, color transform). With
    `columns` (x, w), as libjpeg-turbo's jpeg_crop_scanline: only the iMCU-aligned column range
    holding them is upsampled (edges replicated at that range's ends), then cut to [x, x + w)."""
    info = _jpeg_markers(data)
    marker, precision, height, width, comps = info["sof"]
    if marker in (0xC2, 0xC6, 0xCA, 0xCE):
        raise errors.UnimplementedError(None, None, "Progressive JPEG is not supported by eagerflow's decoder "
                                        "(baseline and extended sequential Huffman JPEGs are)")
    if marker not in (0xC0, 0xC1):
        raise errors.UnimplementedError(None, None, "Only sequential Huffman-coded JPEGs are supported "
                                        "(lossless and arithmetic-coded ones are not)")
    if precision != 8 or height == 0 or width == 0:
        raise _JpegError("unsupported precision or empty image")
    if height * width * len(comps) > _MAX_PIXELS:
        raise _JpegError("image too large")
    hmax = max(c[1] for c in comps)
    vmax = max(c[2] for c in comps)
    if any(not 1 <= c[1] <= 4 or not 1 <= c[2] <= 4 for c in comps):
        raise _JpegError("bad sampling factors")
    mcux, mcuy = -(-width // (8 * hmax)), -(-height // (8 * vmax))
    grid = [(mcuy * c[2], mcux * c[1]) for c in comps]  # padded block rows and columns
    # Every block takes at least 2 bits (a DC code and an EOB): refuse scans too short for the
    # header's size before allocating anything (hostile headers claim huge images).
    blocks = sum(-(-(-(-width * c[1] // hmax)) // 8) * -(-(-(-height * c[2] // vmax)) // 8) for c in comps)
    if 8 * sum(len(scan[1]) for scan in info["scans"]) < 2 * blocks:
        raise _JpegError("truncated")
    coefs = [array.array("i", bytes(4 * gh * gw * 64)) for gh, gw in grid]
    index = {c[0]: i for i, c in enumerate(comps)}
    for sel, segment, tables, restart in info["scans"]:
        members = []
        for cid, td, ta in sel:
            if cid not in index or (0, td) not in tables or (1, ta) not in tables:
                raise _JpegError("scan names an unknown component or table")
            members.append((index[cid], tables[(0, td)], tables[(1, ta)]))
        units = []
        if len(members) == 1:
            ci, dc, ac = members[0]
            _, hs, vs, _ = comps[ci]
            bw = -(-(-(-width * hs // hmax)) // 8)
            bh = -(-(-(-height * vs // vmax)) // 8)
            gw = grid[ci][1]
            units = [(ci, (by * gw + bx) * 64, dc, ac) for by in range(bh) for bx in range(bw)]
            per_mcu = 1
        else:
            per = []
            for ci, dc, ac in members:
                _, hs, vs, _ = comps[ci]
                per.append((ci, hs, vs, grid[ci][1], dc, ac))
            for my in range(mcuy):
                for mx in range(mcux):
                    for ci, hs, vs, gw, dc, ac in per:
                        for v in range(vs):
                            row = (my * vs + v) * gw + mx * hs
                            for hh in range(hs):
                                units.append((ci, (row + hh) * 64, dc, ac))
            per_mcu = sum(m[1] * m[2] for m in per)
        pieces = _RESTART.split(segment) if restart else [segment]
        step = restart * per_mcu if restart else len(units)
        for k, piece in enumerate(pieces):
            chunk = units[k * step:(k + 1) * step]
            if chunk:
                _decode_blocks(piece, chunk, coefs)
    planes = []
    wanted = comps[:1] if gray_only else comps
    for ci, (cid, hs, vs, tq) in enumerate(wanted):
        if tq not in info["dqt"]:
            raise _JpegError("missing quantization table")
        gh, gw = grid[ci]
        quant = info["dqt"][tq].reshape(8, 8)
        if fast:
            quant = (quant * _aan_scales() + (1 << 11)) >> 12
        block = np.frombuffer(coefs[ci], np.int32).astype(np.int64).reshape(-1, 8, 8) * quant
        samples = (_idct_fast if fast else _idct)(block).reshape(gh, gw, 8, 8).swapaxes(1, 2).reshape(gh * 8, gw * 8)
        dw, dh = -(-width * hs // hmax), -(-height * vs // vmax)
        start, cut = 0, (0, width)
        if columns is not None:
            align = 8 * hmax
            aligned = columns[0] // align * align
            out_width = columns[0] + columns[1] - aligned
            start, dw = aligned * hs // hmax, -(-out_width * hs // hmax)
            samples = samples[:, start:]
            cut = (columns[0] - aligned, columns[0] - aligned + columns[1])
        fx, fy = hmax // hs, vmax // vs
        if (fx, fy) == (1, 1):
            plane = samples
        elif (fx, fy) == (2, 1):
            plane = _upsample_h2(samples[:dh], dw)
        elif (fx, fy) == (2, 2):
            plane = _upsample_h2v2(samples, dw, dh)
        elif (fx, fy) == (1, 2):
            plane = _upsample_v2(samples, dh)
        else:
            plane = np.repeat(np.repeat(samples[:dh, :dw], fy, axis=0), fx, axis=1)
        planes.append(plane[:height, cut[0]:cut[1]])
    transform = "gray"
    if len(comps) == 3:
        ids = [c[0] for c in comps]
        if info["jfif"]:
            transform = "ycc"
        elif info["adobe"] is not None:
            transform = "ycc" if info["adobe"] else "rgb"
        elif ids == [82, 71, 66]:
            transform = "rgb"
        else:
            transform = "ycc"
    elif len(comps) != 1:
        raise errors.UnimplementedError(None, None, "CMYK/YCCK JPEGs are not supported by eagerflow's decoder")
    return planes, transform


def _ycc_to_rgb(y: np.ndarray, cb: np.ndarray, cr: np.ndarray) -> np.ndarray:
    """jdcolor.c's ycc_rgb_convert with its 16-bit fixed-point tables."""
    y = y.astype(np.int64)
    cb = cb.astype(np.int64) - 128
    cr = cr.astype(np.int64) - 128
    half = 1 << 15
    r = y + ((91881 * cr + half) >> 16)
    g = y + ((-46802 * cr - 22554 * cb + half) >> 16)
    b = y + ((116130 * cb + half) >> 16)
    return np.clip(np.stack([r, g, b], axis=2), 0, 255).astype(np.uint8)


def _decode_jpeg(data: bytes, channels: int, fast: bool = True, columns: tuple | None = None) -> np.ndarray:
    try:
        planes, transform = _jpeg_planes(data, channels == 1, fast, columns)
    except (_JpegError, IndexError, ValueError, OverflowError, struct.error):
        raise _invalid("jpeg::Uncompress failed. Invalid JPEG data or crop window.") from None
    if len(planes) == 1:
        gray = planes[0].astype(np.uint8)[..., None]
        return np.repeat(gray, 3, axis=2) if channels == 3 else gray
    if transform == "ycc":
        rgb = _ycc_to_rgb(*planes)
    else:
        rgb = np.clip(np.stack(planes, axis=2), 0, 255).astype(np.uint8)
    return rgb


def _jpeg_shape(data: bytes) -> tuple:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        length, = struct.unpack(">H", data[pos + 2:pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 10 + 3 > len(data) + 3 and pos + 10 > len(data):
                return None
            body = data[pos + 4:pos + 10]
            if len(body) < 6:
                return None
            _, h, w, ncomp = struct.unpack(">BHHB", body)
            return h, w, ncomp
        if marker in (0xD9, 0xDA):
            return None
        pos += 2 + length
    return None


# --- kernels -----------------------------------------------------------------------------------
def _scalar(x: Any, op: str) -> bytes:
    if x.ndim != 0:
        raise _invalid(f"`contents` must be scalar but got shape{list(x.shape)}".replace(", ", ","))
    value = x.reshape(()).item() if isinstance(x, np.ndarray) else x
    return bytes(value) if not isinstance(value, bytes) else value


def _check_channels(channels: int) -> None:
    if channels not in (0, 1, 3, 4):
        raise _invalid(f"`channels` must be 0, 1, 3 or 4 but got {channels}")


def _decode_any(data: bytes, op: str, channels: int, dtype: np.dtype, expand_animations: bool,
                dct_method: str = "") -> np.ndarray:
    """TF's DecodeImageV2 kernel: sniff the format, refuse the pairs TF refuses, decode, then
    convert channels and dtype. Returns 3-D, or 4-D for GIFs under DecodeGif/expanded DecodeImage."""
    kind = _format(data)
    if kind == "unknown":
        raise _invalid(_UNKNOWN_FORMAT)
    if kind in ("webp", "jxl"):
        raise errors.UnimplementedError(None, None, f"{kind.upper()} images are not supported by eagerflow")
    if op == "DecodeAndCropJpeg" and kind != "jpeg":
        raise _invalid(f"DecodeAndCropJpeg operation can run on JPEG only, but detected {kind.upper()}.")
    if op == "DecodeBmp" and kind != "bmp":
        name = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}[kind]
        raise _invalid(f"Trying to decode {name} format using DecodeBmp op. Use `decode_{kind}` or "
                       "`decode_image` instead.")
    if kind == "bmp" and op in ("DecodeJpeg", "DecodePng", "DecodeGif"):
        raise _invalid(f"Trying to decode BMP format using a wrong op. Use `decode_bmp` or "
                       f"`decode_image` instead. Op used: {op}")
    if kind == "png":
        image = _decode_png(data, channels, dtype)
        return image[None] if op == "DecodeGif" else image
    if kind == "gif":
        if channels not in (0, 3):
            raise _invalid(f"channels must be 0 or 3 for GIF, got {channels}")
        image = _gif_frames(data)
        if op in ("DecodeJpeg", "DecodePng") and len(image) > 1:
            raise _invalid(f"Got {len(image)} frames, but animated gifs can only be decoded by tf.io.decode_gif "
                           "or tf.io.decode_image")
        if op in ("DecodeJpeg", "DecodePng") or (op == "DecodeImage" and not expand_animations):
            image = image[0]
    elif kind == "jpeg":
        if channels == 4:
            raise _invalid("JPEG does not support 4 channels")
        image = _decode_jpeg(data, channels, fast=dct_method != "INTEGER_ACCURATE")
        image = image[None] if op == "DecodeGif" else image
    else:
        if channels == 1:
            raise _invalid(f"`channels` must be 0, 3 or 4 for BMP, but got {channels}")
        image = _decode_bmp(data, channels)
    # 8-bit formats: uint16 shifts left by 8, float32 scales by 1/255 (PNG differs: see above).
    if dtype == np.uint16:
        return image.astype(np.uint16) << np.uint16(8)
    if dtype == np.float32:
        return image.astype(np.float32) * np.float32(1.0 / 255)
    return image


def _decode_kernel(op: str) -> Any:
    def kernel(xp: Any, contents: Any, channels: int = 0, dtype: Any = np.uint8,
               expand_animations: bool = True, dct_method: str = "") -> Any:
        _check_channels(channels)
        if dct_method not in ("", "INTEGER_FAST", "INTEGER_ACCURATE"):
            raise _invalid("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}")
        data = _scalar(contents, op)
        return _decode_any(data, op, channels, np.dtype(dtype), expand_animations, dct_method)
    return kernel


def _decode_and_crop_kernel(xp: Any, contents: Any, window: Any, channels: int = 0, dct_method: str = "") -> Any:
    _check_channels(channels)
    if dct_method not in ("", "INTEGER_FAST", "INTEGER_ACCURATE"):
        raise _invalid("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}")
    data = _scalar(contents, "DecodeAndCropJpeg")
    kind = _format(data)
    if kind == "unknown":
        raise _invalid(_UNKNOWN_FORMAT)
    if kind != "jpeg":
        raise _invalid(f"DecodeAndCropJpeg operation can run on JPEG only, but detected {kind.upper()}.")
    if channels == 4:
        raise _invalid("JPEG does not support 4 channels")
    window = np.asarray(window).reshape(-1)
    if window.size != 4:
        raise _invalid(f"crop_window must be shape [4], got shape[{window.size}]")
    y, x, h, w = (int(v) for v in window)
    shape = _jpeg_shape(data)
    if (shape is None or y < 0 or x < 0 or h <= 0 or w <= 0 or y + h > shape[0] or x + w > shape[1]):
        raise _invalid("jpeg::Uncompress failed. Invalid JPEG data or crop window.")
    image = _decode_jpeg(data, channels, fast=dct_method != "INTEGER_ACCURATE", columns=(x, w))
    return np.ascontiguousarray(image[y:y + h])


def _encode_png_kernel(xp: Any, image: Any, compression: int) -> Any:
    image = np.asarray(image)
    if image.ndim < 3:
        raise _invalid(f"images must be at least rank 3{list(image.shape)}".replace(", ", ","))
    if image.shape[-1] not in (1, 2, 3, 4):
        raise _invalid(f"image must have 1, 2, 3, or 4 channels, got {image.shape[-1]}")
    if not -1 <= compression <= 9:
        raise _invalid(f"compression should be in [-1,9], got {compression}")
    if image.size >= 1 << 31:
        raise _invalid("image cannot have >= int32 max elements")
    batch = image.shape[:-3]
    flat = image.reshape((-1,) + image.shape[-3:])
    out = np.empty(len(flat), dtype=object)
    for k, one in enumerate(flat):
        out[k] = _png_encode(one, compression)
    return out.reshape(batch)


def _extract_shape_kernel(xp: Any, contents: Any, output_type: Any = np.int32) -> Any:
    data = _scalar(contents, "ExtractJpegShape")
    shape = _jpeg_shape(data) if data[:2] == b"\xff\xd8" else None
    if shape is None:
        raise _invalid(f"Invalid JPEG data, size {len(data)}")
    return np.array(shape, np.dtype(output_type))


def _decoded_shape(rank4: bool, fixed: int | None = None) -> Any:
    def rule(inputs: Any, attrs: dict) -> list:
        channels = attrs.get("channels", 0) or fixed
        dtype = np.dtype(attrs.get("dtype", np.uint8))
        if attrs.get("expand_animations") is True:
            return [(dtype, None)]
        return [(dtype, ((None,) if rank4 else ()) + (None, None, channels))]
    return rule


DECODE_PNG = Op("DecodePng", _decode_kernel("DecodePng"), shape_fn=_decoded_shape(False))
DECODE_JPEG = Op("DecodeJpeg", _decode_kernel("DecodeJpeg"), shape_fn=_decoded_shape(False))
DECODE_BMP = Op("DecodeBmp", _decode_kernel("DecodeBmp"), shape_fn=_decoded_shape(False))
DECODE_GIF = Op("DecodeGif", _decode_kernel("DecodeGif"), shape_fn=_decoded_shape(True, 3))
DECODE_AND_CROP_JPEG = Op("DecodeAndCropJpeg", _decode_and_crop_kernel,
                          shape_fn=_decoded_shape(False))
DECODE_IMAGE = Op("DecodeImage", _decode_kernel("DecodeImage"), shape_fn=_decoded_shape(False))
ENCODE_PNG = Op("EncodePng", _encode_png_kernel, dtypes=(_dtypes.uint8, _dtypes.uint16),
                shape_fn=lambda inputs, attrs: [(np.dtype(object), None if inputs[0]._array.shape is None
                                                 else tuple(inputs[0]._array.shape[:-3]))])
EXTRACT_JPEG_SHAPE = Op("ExtractJpegShape", _extract_shape_kernel,
                        shape_fn=lambda inputs, attrs: [(np.dtype(attrs["output_type"]), (3,))])


# --- public wrappers ---------------------------------------------------------------------------
def _contents(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else convert_to_tensor(value, _dtypes.string)


def _run(op: Op, value: Any, attrs: dict, extra: tuple = ()) -> Any:
    """Runs `op`; as in TF, errors drop ` name: ` when some argument was not a tensor (TF's
    wrapper then went through its fallback path)."""
    try:
        return execute(op, (_contents(value),) + tuple(t for t, _ in extra), attrs)
    except errors.OpError as e:
        given = (value,) + tuple(original for _, original in extra)
        raise (e if all(isinstance(v, Tensor) for v in given) else errors.fallback_error(e)) from None


def _dtype_attr(dtype: Any, allowed: tuple) -> Any:
    dt = _dtypes.as_dtype(dtype)
    if dt not in allowed:
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dt.name} not in list of allowed "
                        f"values: {', '.join(d.name for d in allowed)}")
    return dt.as_numpy_dtype


def decode_png(contents: Any, channels: int = 0, dtype: Any = _dtypes.uint8, name: str | None = None) -> Any:
    """Decodes a PNG image to a uint8 or uint16 tensor [height, width, channels] (`tf.io.decode_png`).
    Like TF's kernel it also decodes JPEG images."""
    np_dtype = _dtype_attr(dtype, (_dtypes.uint8, _dtypes.uint16))
    return _run(DECODE_PNG, contents, {"channels": int(channels), "dtype": np_dtype})


def decode_jpeg(contents: Any, channels: int = 0, ratio: int = 1, fancy_upscaling: bool = True,
                try_recover_truncated: bool = False, acceptable_fraction: float = 1, dct_method: str = "",
                name: str | None = None) -> Any:
    """Decodes a JPEG image to uint8 [height, width, channels] (`tf.io.decode_jpeg`), bit-exact with
    libjpeg-turbo under TF's settings: `dct_method` "" / "INTEGER_FAST" (IFAST IDCT, TF's default) or
    "INTEGER_ACCURATE" (ISLOW), fancy upsampling. `ratio` != 1 and `fancy_upscaling=False` are not
    emulated."""
    if ratio != 1 or not fancy_upscaling:
        raise errors.UnimplementedError(None, None, "decode_jpeg: only ratio=1 and fancy_upscaling=True are "
                                        "supported by eagerflow's decoder")
    return _run(DECODE_JPEG, contents, {"channels": int(channels), "dtype": np.uint8,
                                        "dct_method": dct_method})


def decode_and_crop_jpeg(contents: Any, crop_window: Any, channels: int = 0, ratio: int = 1,
                         fancy_upscaling: bool = True, try_recover_truncated: bool = False,
                         acceptable_fraction: float = 1, dct_method: str = "", name: str | None = None) -> Any:
    """Decodes a JPEG cropped to `crop_window` [y, x, height, width], with libjpeg-turbo's
    column-range upsampling (bit-exact with TF)."""
    if ratio != 1 or not fancy_upscaling:
        raise errors.UnimplementedError(None, None, "decode_and_crop_jpeg: only ratio=1 and fancy_upscaling=True "
                                        "are supported by eagerflow's decoder")
    window = crop_window if isinstance(crop_window, Tensor) else convert_to_tensor(crop_window, _dtypes.int32)
    return _run(DECODE_AND_CROP_JPEG, contents, {"channels": int(channels), "dct_method": dct_method},
                extra=((window, crop_window),))


def decode_bmp(contents: Any, channels: int = 0, name: str | None = None) -> Any:
    """Decodes an uncompressed 8/24/32-bit BMP image to uint8 [height, width, channels]."""
    return _run(DECODE_BMP, contents, {"channels": int(channels), "dtype": np.uint8})


def decode_gif(contents: Any, name: str | None = None) -> Any:
    """Decodes every frame of a GIF to uint8 [frames, height, width, 3] (`tf.io.decode_gif`)."""
    return _run(DECODE_GIF, contents, {"channels": 0, "dtype": np.uint8})


def decode_image(contents: Any, channels: Any = None, dtype: Any = _dtypes.uint8, name: str | None = None,
                 expand_animations: bool = True) -> Any:
    """Sniffs the format (BMP, GIF, JPEG, PNG) and decodes it (`tf.io.decode_image`): 3-D, or 4-D
    for GIFs when `expand_animations`. Other dtypes go through `convert_image_dtype` from uint16."""
    from eagerflow._src.ops.image_ops import convert_image_dtype

    channels = 0 if channels is None else int(channels)
    target = _dtypes.as_dtype(dtype)
    decode_as = target if target in (_dtypes.float32, _dtypes.uint8, _dtypes.uint16) else _dtypes.uint16
    image = _run(DECODE_IMAGE, contents, {"channels": channels, "dtype": decode_as.as_numpy_dtype,
                                          "expand_animations": bool(expand_animations)})
    if decode_as != target:
        image = convert_image_dtype(image, target)
    return image


def encode_png(image: Any, compression: int = -1, name: str | None = None) -> Any:
    """PNG bytes of a uint8/uint16 [height, width, channels] image (`tf.io.encode_png`). Our bytes
    differ from libpng's (no row filters), the pixels they decode to do not."""
    # TF's Python wrapper converts the image first, so its errors always carry ` name: `.
    tensor = image if isinstance(image, Tensor) else convert_to_tensor(image)
    return execute(ENCODE_PNG, (tensor,), {"compression": int(compression)})


def extract_jpeg_shape(contents: Any, output_type: Any = _dtypes.int32, name: str | None = None) -> Any:
    """[height, width, channels] of a JPEG, read from its frame header (`tf.io.extract_jpeg_shape`)."""
    return _run(EXTRACT_JPEG_SHAPE, contents, {"output_type": _dtypes.as_dtype(output_type).as_numpy_dtype})


def is_jpeg(contents: Any, name: str | None = None) -> Any:
    """Whether the bytes start with JPEG's magic number (`tf.io.is_jpeg`), as TF computes it."""
    from eagerflow._src.ops import math_ops, string_ops

    head = string_ops.substr(_contents(contents), 0, 3)
    return math_ops.equal(head, convert_to_tensor(b"\xff\xd8\xff", _dtypes.string))
