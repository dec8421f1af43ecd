"""`tf.audio.decode_wav` and `tf.audio.encode_wav` (TF's DecodeWav and EncodeWav): 16-bit PCM
WAV files, samples as float32 in [-1, 1) (int16 / 32768), host kernels."""
from __future__ import annotations

import struct
from collections import namedtuple
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _chunks(data: bytes) -> dict:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise _invalid("Header mismatch: Expected RIFF but found " + repr(data[:4].decode("latin-1")))
    found, offset = {}, 12
    while offset + 8 <= len(data):
        cid, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        found.setdefault(cid, data[offset + 8:offset + 8 + size])
        offset += 8 + size + (size & 1)
    return found


def _decode(xp: Any, contents: Any, desired_channels: int, desired_samples: int) -> list:
    if contents.ndim != 0:
        raise _invalid(f"contents must be scalar, got shape {list(contents.shape)}")
    data = contents.item() if hasattr(contents, "item") else contents
    chunks = _chunks(bytes(data))
    fmt = chunks.get(b"fmt ")
    if fmt is None or len(fmt) < 16:
        raise _invalid("Data chunk not found in WAV file")
    audio_format, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if audio_format != 1:
        raise _invalid(f"Bad audio format for WAV: Expected 1 (PCM), but got{audio_format}")
    if bits != 16:
        raise _invalid(f"Can only read 16-bit WAV files, but received {bits}")
    raw = chunks.get(b"data", b"")
    samples = np.frombuffer(raw[:len(raw) // (2 * channels) * 2 * channels], "<i2").reshape(-1, channels)
    out_channels = channels if desired_channels == -1 else desired_channels
    out_samples = samples.shape[0] if desired_samples == -1 else desired_samples
    audio = np.zeros((out_samples, out_channels), np.float32)
    n = min(out_samples, samples.shape[0])
    values = samples[:n].astype(np.float32) * np.float32(1.0 / 32768)
    for c in range(out_channels):  # more channels than the file's repeat its last one
        audio[:n, c] = values[:, min(c, channels - 1)]
    return [xp.asarray(audio), xp.asarray(np.int32(rate))]


def _decode_shapes(inputs: Any, attrs: dict) -> list:
    dims = tuple(None if attrs[k] == -1 else attrs[k] for k in ("desired_samples", "desired_channels"))
    return [(np.dtype(np.float32), dims), (np.dtype(np.int32), ())]


def _encode(xp: Any, audio: Any, sample_rate: Any) -> Any:
    audio = np.asarray(audio.get() if hasattr(audio, "get") else audio)
    if audio.ndim != 2:
        raise _invalid(f"audio must be 2-dimensional, got shape {list(audio.shape)}")
    rate = int(np.asarray(sample_rate.get() if hasattr(sample_rate, "get") else sample_rate))
    pcm = np.clip(np.round(audio.astype(np.float32) * np.float32(32768)), -32768, 32767).astype("<i2")
    channels = audio.shape[1]
    body = pcm.tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVE" + b"fmt " + struct.pack(
        "<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16) + b"data" + struct.pack("<I", len(body))
    out = np.empty((), dtype=object)
    out[()] = header + body
    return out


DECODE_WAV = Op("DecodeWav", _decode, num_outputs=2, dtypes=(_dtypes.string,), shape_fn=_decode_shapes)
ENCODE_WAV = Op("EncodeWav", _encode, dtypes=(_dtypes.float32,),
                shape_fn=lambda inputs, attrs: [(np.dtype(object), ())])


DecodeWav = namedtuple("DecodeWav", ["audio", "sample_rate"])


def decode_wav(contents: Any, desired_channels: int = -1, desired_samples: int = -1,
               name: str | None = None) -> tuple:
    """(audio [samples, channels] float32, sample_rate int32) of a 16-bit PCM WAV file."""
    audio, rate = execute(DECODE_WAV, (convert_to_tensor(contents, _dtypes.string),),
                          {"desired_channels": int(desired_channels), "desired_samples": int(desired_samples)})
    return DecodeWav(audio, rate)


def encode_wav(audio: Any, sample_rate: Any, name: str | None = None) -> Any:
    """A 16-bit PCM WAV file (a string scalar) of float32 `audio` [samples, channels]."""
    return execute(ENCODE_WAV, (convert_to_tensor(audio, _dtypes.float32),
                                convert_to_tensor(sample_rate, _dtypes.int32)))
