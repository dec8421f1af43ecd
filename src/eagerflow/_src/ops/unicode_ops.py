"""Unicode ops (`tf.strings.unicode_*`): decode to code points, encode, split, transcode.

Encodings are TF's: UTF-8, UTF-16-BE and UTF-32-BE; `errors` is "replace" (with
`replacement_char`), "ignore" or "strict". Strings live on the host (see string_ops).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops.string_ops import STRING, invalid, is_ragged, map_strings, on_ragged, ragged_result, string_input

_ENCODINGS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}


def _codec(encoding: str) -> str:
    codec = _ENCODINGS.get(encoding.upper())
    if codec is None:
        raise invalid(f"Could not create converter for input encoding: {encoding}")
    return codec


def _decode_chars(s: bytes, codec: str, errors_mode: str, replacement: int) -> list[int]:
    if errors_mode == "strict":
        try:
            text = s.decode(codec)
        except UnicodeDecodeError:
            raise invalid(f"Invalid formatting on input string") from None
        return [ord(c) for c in text]
    text = s.decode(codec, errors="replace" if errors_mode == "replace" else "ignore")
    return [replacement if c == "\ufffd" else ord(c) for c in text]


def _unicode_decode(xp: Any, x: Any, input_encoding: str, errors: str = "replace", replacement_char: int = 65533,
                    replace_control_characters: bool = False) -> list:
    codec = _codec(input_encoding)
    rows = [_decode_chars(s, codec, errors, replacement_char) for s in x.ravel()]
    if replace_control_characters:
        rows = [[replacement_char if c < 32 or 127 <= c < 160 else c for c in r] for r in rows]
    values = np.asarray([c for r in rows for c in r], dtype=np.int32)
    return [values, np.concatenate([[0], np.cumsum([len(r) for r in rows], dtype=np.int64)])]


def _unicode_encode(xp: Any, values: Any, splits: Any, output_encoding: str, errors: str = "replace",
                    replacement_char: int = 65533) -> Any:
    codec = _codec(output_encoding)
    values, splits = (np.asarray(a.get() if hasattr(a, "get") else a) for a in (values, splits))
    out = np.empty(splits.shape[0] - 1, dtype=object)
    for i in range(out.shape[0]):
        chars = []
        for c in values[splits[i]:splits[i + 1]]:
            c = int(c)
            if not (0 <= c <= 0x10FFFF) or 0xD800 <= c <= 0xDFFF:
                if errors == "strict":
                    raise invalid(f"Invalid code point {c}")
                if errors == "ignore":
                    continue
                c = replacement_char
            chars.append(chr(c))
        out[i] = "".join(chars).encode(codec)
    return out


def _unicode_transcode(xp: Any, x: Any, input_encoding: str, output_encoding: str, errors: str = "replace",
                       replacement_char: int = 65533, replace_control_characters: bool = False) -> Any:
    src, dst = _codec(input_encoding), _codec(output_encoding)

    def convert(s: bytes) -> bytes:
        chars = _decode_chars(s, src, errors, replacement_char)
        if replace_control_characters:
            chars = [replacement_char if c < 32 or 127 <= c < 160 else c for c in chars]
        return "".join(chr(c) for c in chars).encode(dst)

    return map_strings(convert, x)


def _decode_shape(inputs: Any, attrs: dict) -> list:
    """Code points and row splits: sized by the strings' contents."""
    return [(np.dtype(np.int32), (None,)), (np.dtype(np.int64), (None,))]


def _chars(xp: Any, codes: Any, encoding: str) -> Any:
    codec = _codec(encoding)
    flat = np.asarray(codes.get() if hasattr(codes, "get") else codes)
    chars = np.empty(flat.shape, dtype=object)
    chars.reshape(-1)[:] = [chr(int(c)).encode(codec) for c in flat.reshape(-1)]
    return chars


UNICODE_DECODE = Op("UnicodeDecode", _unicode_decode, dtypes=STRING, num_outputs=2, shape_fn=_decode_shape)
# One string per code point (unicode_split's characters), a kernel so that it traces.
UNICODE_CHARS = Op("UnicodeCodepointsToChars", _chars,
                   shape_fn=lambda inputs, attrs: [(np.dtype(object), inputs[0]._array.shape)])
UNICODE_ENCODE = Op("UnicodeEncode", _unicode_encode)
UNICODE_TRANSCODE = Op("UnicodeTranscode", _unicode_transcode, dtypes=STRING)


def unicode_decode(input: Any, input_encoding: str, errors: str = "replace", replacement_char: int = 65533,
                   replace_control_characters: bool = False, name: str | None = None) -> Any:  # noqa: A002
    """Each string as its Unicode code points (int32), a RaggedTensor one rank up (`tf.strings.unicode_decode`)."""
    if is_ragged(input):
        return on_ragged(unicode_decode, input, input_encoding, errors, replacement_char, replace_control_characters)
    return ragged_result(UNICODE_DECODE, string_input(input), {
        "input_encoding": input_encoding, "errors": errors, "replacement_char": int(replacement_char),
        "replace_control_characters": bool(replace_control_characters)})


def unicode_split(input: Any, input_encoding: str, errors: str = "replace", replacement_char: int = 65533,
                  name: str | None = None) -> Any:  # noqa: A002
    """Each string split into its characters (`tf.strings.unicode_split`)."""
    codes = unicode_decode(input, input_encoding, errors, replacement_char)
    _codec(input_encoding)
    if is_ragged(codes):
        return codes.with_flat_values(execute(UNICODE_CHARS, (codes.flat_values,), {"encoding": input_encoding}))
    return execute(UNICODE_CHARS, (codes,), {"encoding": input_encoding})


def unicode_encode(input: Any, output_encoding: str, errors: str = "replace", replacement_char: int = 65533,
                   name: str | None = None) -> Tensor:  # noqa: A002
    """Code points (the innermost dim, ragged or dense) encoded as strings (`tf.strings.unicode_encode`)."""
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    attrs = {"output_encoding": output_encoding, "errors": errors, "replacement_char": int(replacement_char)}
    if isinstance(input, RaggedTensor):
        if isinstance(input.values, RaggedTensor):
            return input.with_values(unicode_encode(input.values, output_encoding, errors, replacement_char))
        return execute(UNICODE_ENCODE, (input.values, input.row_splits), attrs)
    t = convert_to_tensor(input, _dtypes.int32)
    if t.shape.rank == 0:
        raise ValueError("Rank of input must be at least 1")
    if t.shape.rank == 1:
        return unicode_encode(RaggedTensor.from_tensor(t[None]), output_encoding, errors, replacement_char)[0]
    outer = t.shape.as_list()[:-1]
    from eagerflow._src.ops import array_ops

    flat = RaggedTensor.from_tensor(array_ops.reshape(t, [-1, t.shape[-1]]))
    return array_ops.reshape(unicode_encode(flat, output_encoding, errors, replacement_char), outer)


def unicode_transcode(input: Any, input_encoding: str, output_encoding: str, errors: str = "replace",
                      replacement_char: int = 65533, replace_control_characters: bool = False,
                      name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(unicode_transcode, input, input_encoding, output_encoding, errors, replacement_char,
                          replace_control_characters)
    return execute(UNICODE_TRANSCODE, (string_input(input),), {
        "input_encoding": input_encoding, "output_encoding": output_encoding, "errors": errors,
        "replacement_char": int(replacement_char), "replace_control_characters": bool(replace_control_characters)})


def _char_offsets(s: bytes, codec: str) -> list[int]:
    """The byte offset where each decoded character starts."""
    offsets, at = [], 0
    for char in s.decode(codec, errors="replace"):
        offsets.append(at)
        at += len(char.encode(codec)) if char != "\ufffd" or s[at:at + 3] == "\ufffd".encode(codec) else 1
    return offsets


def _with_offsets(codes: Any, input: Any, input_encoding: str) -> Any:  # noqa: A002
    """Offsets shaped as `codes` (a RaggedTensor or a 1-D tensor for a scalar input)."""
    codec = _codec(input_encoding)
    strings = input.flat_values.numpy() if is_ragged(input) else string_input(input).numpy()
    flat = np.asarray([o for s in np.asarray(strings, dtype=object).ravel() for o in _char_offsets(s, codec)],
                      dtype=np.int64)
    return codes.with_flat_values(constant(flat)) if is_ragged(codes) else constant(flat)


def unicode_decode_with_offsets(input: Any, input_encoding: str, errors: str = "replace",
                                replacement_char: int = 65533, replace_control_characters: bool = False,
                                name: str | None = None) -> tuple:  # noqa: A002
    """`unicode_decode` and the byte offset of each character (`tf.strings.unicode_decode_with_offsets`)."""
    codes = unicode_decode(input, input_encoding, errors, replacement_char, replace_control_characters)
    return codes, _with_offsets(codes, input, input_encoding)


def unicode_split_with_offsets(input: Any, input_encoding: str, errors: str = "replace",
                               replacement_char: int = 65533, name: str | None = None) -> tuple:  # noqa: A002
    """`unicode_split` and the byte offset of each character (`tf.strings.unicode_split_with_offsets`)."""
    chars = unicode_split(input, input_encoding, errors, replacement_char)
    return chars, _with_offsets(chars, input, input_encoding)
