"""`tf.io.encode_base64`, `decode_base64` and `decode_compressed` (TF's EncodeBase64,
DecodeBase64 and DecodeCompressed ops): string kernels on the host, element by element."""
from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor

_STRING = (_dtypes.string,)
_VALID = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def _each(fn: Any, x: Any) -> np.ndarray:
    out = np.empty(x.shape, dtype=object)
    for index, value in np.ndenumerate(x):
        out[index] = fn(value)
    return out


def _encode(xp: Any, x: Any, pad: bool) -> Any:
    def one(value: bytes) -> bytes:
        text = base64.urlsafe_b64encode(value)
        return text if pad else text.rstrip(b"=")
    return _each(one, x)


def _decode(xp: Any, x: Any) -> Any:
    def one(value: bytes) -> bytes:
        body = value.rstrip(b"=")
        if len(body) % 4 == 1:
            raise errors.InvalidArgumentError(None, None, "Base64 string length cannot be 1 modulo 4.")
        if not set(value) <= _VALID:
            raise errors.InvalidArgumentError(None, None, "Invalid character found in base64.")
        try:
            return base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
        except binascii.Error:
            raise errors.InvalidArgumentError(None, None, "Invalid character found in base64.") from None
    return _each(one, x)


def _decompress(xp: Any, x: Any, compression_type: str) -> Any:
    if compression_type == "":
        return x.copy()
    wbits = {"ZLIB": zlib.MAX_WBITS, "GZIP": 16 + zlib.MAX_WBITS}.get(compression_type)
    if wbits is None:
        raise errors.InvalidArgumentError(None, None, "Only ZLIB, ZSTD, GZIP or NONE are supported compressions")

    def one(value: bytes) -> bytes:
        try:
            return zlib.decompress(value, wbits)
        except zlib.error as e:
            detail = str(e).split("Error ", 1)[-1]  # "-3 while decompressing data: incorrect header check"
            number, _, text = detail.partition(" while decompressing data: ")
            raise errors.DataLossError(None, None, f"inflate() failed with error {number}: {text}") from None
    return _each(one, x)


ENCODE_BASE64 = Op("EncodeBase64", _encode, dtypes=_STRING)
DECODE_BASE64 = Op("DecodeBase64", _decode, dtypes=_STRING)
DECODE_COMPRESSED = Op("DecodeCompressed", _decompress, dtypes=_STRING)


def _run(op: Op, value: Any, attrs: dict) -> Any:
    tensor = value if isinstance(value, Tensor) else convert_to_tensor(value, _dtypes.string)
    try:
        return execute(op, (tensor,), attrs)
    except errors.OpError as e:
        # TF's generated wrapper words errors of non-tensor arguments without ` name: `.
        raise (e if isinstance(value, Tensor) else errors.fallback_error(e)) from None


def encode_base64(input: Any, pad: bool = False, name: str | None = None) -> Any:  # noqa: A002
    """Web-safe base64 (`-` and `_`) of each string; `=` padding only with `pad`."""
    return _run(ENCODE_BASE64, input, {"pad": bool(pad)})


def decode_base64(input: Any, name: str | None = None) -> Any:  # noqa: A002
    """Decodes web-safe base64 strings, padded or not."""
    return _run(DECODE_BASE64, input, {})


def decode_compressed(bytes: Any, compression_type: str = "", name: str | None = None) -> Any:  # noqa: A002
    """Decompresses each string: `compression_type` "" (none), "ZLIB" or "GZIP"."""
    return _run(DECODE_COMPRESSED, bytes, {"compression_type": compression_type})
