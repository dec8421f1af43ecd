"""String ops (`tf.strings`, `tf.as_string`); the unicode ones are in unicode_ops.

String tensors hold NumPy object arrays of `bytes`, on the host only: these kernels use NumPy
directly (`np`, not `xp`), as TF runs its string kernels on the CPU. Ops whose output is ragged
(split, decode) return their values and row splits; the wrappers build the RaggedTensor.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import string_hash

STRING = (_dtypes.string,)


def invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def map_strings(fn: Callable[..., Any], *arrays: Any, otype: Any = object) -> np.ndarray:
    """`fn` on each element (broadcast), as an array of `otype`."""
    out = np.frompyfunc(fn, len(arrays), 1)(*arrays)
    return np.asarray(out, dtype=object).astype(otype) if otype is not object else np.asarray(out, dtype=object)


def string_input(value: Any, what: str = "input") -> Tensor:
    t = convert_to_tensor(value, _dtypes.string) if not isinstance(value, Tensor) else value
    if t.dtype != _dtypes.string:
        raise errors.InvalidArgumentError(None, None, f"cannot compute op as input #0(zero-based) was expected to "
                                          f"be a string tensor but is a {t.dtype.name} tensor")
    return t


# --- kernels ------------------------------------------------------------------------------------
def _join(xp: Any, *arrays: Any, separator: bytes = b"") -> Any:
    return map_strings(lambda *parts: separator.join(parts), *arrays)


def _length(xp: Any, x: Any, unit: str = "BYTE") -> Any:
    if unit == "UTF8_CHAR":
        return map_strings(lambda s: len(s.decode("utf-8", errors="replace")), x, otype=np.int32)
    return map_strings(len, x, otype=np.int32)


def _substr(xp: Any, x: Any, pos: Any, length: Any, unit: str = "BYTE") -> Any:
    chars = unit == "UTF8_CHAR"
    x, pos, length = np.broadcast_arrays(x, pos, length)
    out = np.empty(x.shape, dtype=object)
    for i, (s, p, n) in enumerate(zip(x.ravel(), pos.ravel(), length.ravel())):
        seq = s.decode("utf-8", errors="replace") if chars else s
        p, n = int(p), int(n)
        if p > len(seq) or p < -len(seq):
            raise invalid(f"pos {p} out of range for string {s!r} at index {i}")
        start = p if p >= 0 else len(seq) + p
        piece = seq[start:] if n < 0 else seq[start:start + n]  # TF: a negative len is size_t's npos
        out.ravel()[i] = piece.encode("utf-8") if chars else piece
    return out


def _rewrite(rewrite: bytes) -> bytes:
    """RE2's rewrite string in Python's syntax: \\0 is the whole match."""
    return re.sub(rb"\\0", rb"\\g<0>", rewrite)


def _regex_replace(xp: Any, x: Any, pattern: bytes, rewrite: bytes, replace_global: bool = True) -> Any:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise invalid(f"Invalid pattern: {pattern.decode(errors='replace')}, error: {e}") from None
    template = _rewrite(rewrite)
    return map_strings(lambda s: compiled.sub(template, s, count=0 if replace_global else 1), x)


def _regex_full_match(xp: Any, x: Any, pattern: bytes) -> Any:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise invalid(f"Invalid pattern: {pattern.decode(errors='replace')}, error: {e}") from None
    return map_strings(lambda s: compiled.fullmatch(s) is not None, x, otype=bool)


def _to_number(xp: Any, x: Any, out_type: Any = np.float32) -> Any:
    integer = np.dtype(out_type).kind == "i"

    def convert(s: bytes) -> Any:
        try:
            text = s.decode("ascii").strip()
            value = int(text) if integer else float(text)
        except (UnicodeDecodeError, ValueError):
            raise invalid(f"StringToNumberOp could not correctly convert string: {s.decode(errors='replace')}") \
                from None
        if integer:
            info = np.iinfo(out_type)
            if not info.min <= value <= info.max:
                raise invalid(f"StringToNumberOp could not correctly convert string: {s.decode()}")
        return value

    return map_strings(convert, x, otype=out_type)


def _as_string(xp: Any, x: Any, precision: int = -1, scientific: bool = False, shortest: bool = False,
               width: int = -1, fill: str = "") -> Any:
    kind = x.dtype.kind
    spec = "%" + fill + (str(width) if width > -1 else "")
    if kind == "b":
        return map_strings(lambda v: (spec + "s") % ("true" if v else "false") if width > -1 else
                    (b"true" if v else b"false"), x)
    if kind in "iu":
        fmt = spec + "d"
        return map_strings(lambda v: (fmt % int(v)).encode(), x)
    if kind == "f":
        fmt = spec + (f".{precision}" if precision > -1 else "") + ("e" if scientific else "g" if shortest else "f")
        return map_strings(lambda v: (fmt % float(v)).encode(), x)
    if kind == "c":
        fmt = (f"%.{precision}" if precision > -1 else "%") + ("e" if scientific else "g" if shortest else "f")
        return map_strings(lambda v: ("(" + fmt % v.real + "," + fmt % v.imag + ")").encode(), x)
    return map_strings(lambda v: ((spec + "s") % v.decode()).encode() if width > -1 else v, x)


def _lower(xp: Any, x: Any, encoding: str = "") -> Any:
    if encoding:
        return map_strings(lambda s: s.decode(encoding).lower().encode(encoding), x)
    return map_strings(lambda s: s.lower(), x)


def _upper(xp: Any, x: Any, encoding: str = "") -> Any:
    if encoding:
        return map_strings(lambda s: s.decode(encoding).upper().encode(encoding), x)
    return map_strings(lambda s: s.upper(), x)


def _strip(xp: Any, x: Any) -> Any:
    return map_strings(lambda s: s.strip(), x)


def _reduce_join(xp: Any, x: Any, axes: tuple, keepdims: bool, separator: bytes) -> Any:
    axes = tuple(a % x.ndim for a in axes) if x.ndim else ()
    rest = [d for d in range(x.ndim) if d not in axes]
    moved = np.transpose(x, rest + list(axes)) if x.ndim else x
    outer = [x.shape[d] for d in rest]
    flat = moved.reshape(outer + [-1]) if x.ndim else moved.reshape(1)
    out = np.empty(outer, dtype=object)
    for i in np.ndindex(*outer):
        out[i] = separator.join(flat[i])
    if keepdims:
        out = out.reshape([1 if d in axes else x.shape[d] for d in range(x.ndim)])
    return out


def _split(xp: Any, x: Any, sep: bytes | None, maxsplit: int) -> list:
    pieces = [s.split(sep, maxsplit) if sep is not None else s.split(None, maxsplit) for s in x.ravel()]
    values = np.empty(sum(len(p) for p in pieces), dtype=object)
    values[:] = [w for p in pieces for w in p]
    splits = np.concatenate([[0], np.cumsum([len(p) for p in pieces], dtype=np.int64)])
    return [values, splits]


def _bytes_split(xp: Any, x: Any) -> list:
    pieces = [[bytes([c]) for c in s] for s in x.ravel()]
    values = np.empty(sum(len(p) for p in pieces), dtype=object)
    values[:] = [w for p in pieces for w in p]
    return [values, np.concatenate([[0], np.cumsum([len(p) for p in pieces], dtype=np.int64)])]


def _hash_bucket(hash_fn: Callable[[bytes], int]) -> Callable[..., Any]:
    def kernel(xp: Any, x: Any, num_buckets: int) -> Any:
        return map_strings(lambda s: hash_fn(s) % num_buckets, x, otype=np.int64)

    return kernel


JOIN = Op("StringJoin", _join)
LENGTH = Op("StringLength", _length, dtypes=STRING)
SUBSTR = Op("Substr", _substr, dtypes=STRING)
REGEX_REPLACE = Op("StaticRegexReplace", _regex_replace, dtypes=STRING)
REGEX_FULL_MATCH = Op("StaticRegexFullMatch", _regex_full_match, dtypes=STRING)
TO_NUMBER = Op("StringToNumber", _to_number, dtypes=STRING)
AS_STRING = Op("AsString", _as_string)
LOWER = Op("StringLower", _lower, dtypes=STRING)
UPPER = Op("StringUpper", _upper, dtypes=STRING)
STRIP = Op("StringStrip", _strip, dtypes=STRING)
REDUCE_JOIN = Op("ReduceJoin", _reduce_join, dtypes=STRING)
def _split_shape(inputs: Any, attrs: dict) -> list:
    """Values and row splits of a split: both sized by the strings' contents (TF's static shapes)."""
    return [(inputs[0]._array.dtype, (None,)), (np.dtype(np.int64), (None,))]


SPLIT = Op("StringSplitV2", _split, dtypes=STRING, num_outputs=2, shape_fn=_split_shape)
BYTES_SPLIT = Op("StringBytesSplit", _bytes_split, dtypes=STRING, num_outputs=2, shape_fn=_split_shape)
HASH_BUCKET_FAST = Op("StringToHashBucketFast", _hash_bucket(string_hash.fingerprint64), dtypes=STRING)
HASH_BUCKET = Op("StringToHashBucket", _hash_bucket(string_hash.hash64), dtypes=STRING)


def _hash_bucket_strong(xp: Any, x: Any, num_buckets: int, key: tuple) -> Any:
    if len(key) != 2:
        raise invalid("Key must have 2 elements")
    k0, k1 = (int(k) & 0xFFFFFFFFFFFFFFFF for k in key)
    return map_strings(lambda s: string_hash.siphash24(k0, k1, s) % num_buckets, x, otype=np.int64)


def _unsorted_segment_join(xp: Any, x: Any, ids: Any, num_segments: int, separator: bytes) -> Any:
    ids = np.asarray(ids.get() if hasattr(ids, "get") else ids)
    if ids.shape != x.shape[:ids.ndim]:
        raise invalid(f"segment_ids.shape = {list(ids.shape)} does not match the prefix of data.shape = "
                      f"{list(x.shape)}")
    if ids.size and (ids.min() < 0 or ids.max() >= num_segments):
        raise invalid("segment_ids are not allowed to exceed num_segments or to have negative values.")
    rows = x.reshape((ids.size,) + x.shape[ids.ndim:])
    parts: list[list] = [[] for _ in range(num_segments)]
    for i, segment in enumerate(ids.ravel().tolist()):
        parts[segment].append(rows[i])
    out = np.empty((num_segments,) + x.shape[ids.ndim:], dtype=object)
    for segment, members in enumerate(parts):
        if members:
            out[segment] = map_strings(lambda *m: separator.join(m), *members) if out.ndim > 1 else \
                separator.join(members)
        else:
            out[segment] = b""
    return out


HASH_BUCKET_STRONG = Op("StringToHashBucketStrong", _hash_bucket_strong, dtypes=STRING)
UNSORTED_SEGMENT_JOIN = Op("UnsortedSegmentJoin", _unsorted_segment_join, dtypes=STRING)


# --- public functions -----------------------------------------------------------------------------
def _run(op: Op, inputs: tuple, attrs: dict) -> Any:
    """`execute`, kernel errors worded as TF's Python wrappers leave them (no ` name: `)."""
    try:
        return execute(op, inputs, attrs)
    except errors.OpError as e:
        raise errors.fallback_error(e) from None


def _ragged(values: Tensor, splits: Tensor, outer_shape: list) -> Any:
    """Rows split from elements of shape `outer_shape`: a RaggedTensor with the outer dims uniform."""
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    from eagerflow._src.ragged.ragged_tensor import _uniform_splits
    from eagerflow._src.framework import dtypes as _dtypes_mod

    rt = RaggedTensor._from_splits(values, splits)
    for d in reversed(outer_shape[1:]):
        rt = RaggedTensor._from_splits(rt, _uniform_splits(rt, d, _dtypes_mod.int64))
    return rt


def ragged_result(op: Op, t: Tensor, attrs: dict) -> Any:
    values, splits = execute(op, (t,), attrs)
    if t.shape.rank == 0:
        return values
    return _ragged(values, splits, t.shape.as_list())


def on_ragged(fn: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> Any:
    """`fn` on a RaggedTensor's flat values: its result's rows nest inside the ragged rows."""
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    result = fn(value.flat_values, *args, **kwargs)
    if isinstance(result, RaggedTensor):
        return value.with_flat_values(result)
    return value.with_flat_values(result)


def is_ragged(value: Any) -> bool:
    from eagerflow._src.framework.composite_tensor import CompositeTensor

    return isinstance(value, CompositeTensor) and hasattr(value, "flat_values")


def split(input: Any, sep: Any = None, maxsplit: int = -1, name: str | None = None) -> Any:  # noqa: A002
    """Each string split at `sep` (whitespace runs when None): a RaggedTensor one rank up (`tf.strings.split`)."""
    if is_ragged(input):
        return on_ragged(split, input, sep, maxsplit)
    t = string_input(input)
    sep_bytes = None if sep is None else (sep.encode() if isinstance(sep, str) else bytes(np.asarray(
        sep.numpy() if isinstance(sep, Tensor) else sep).item()))
    if sep_bytes == b"":
        sep_bytes = None
    return ragged_result(SPLIT, t, {"sep": sep_bytes, "maxsplit": int(maxsplit)})


def bytes_split(input: Any, name: str | None = None) -> Any:  # noqa: A002
    """Each string as its bytes, one per element (`tf.strings.bytes_split`)."""
    if is_ragged(input):
        return on_ragged(bytes_split, input)
    return ragged_result(BYTES_SPLIT, string_input(input), {})


def join(inputs: Any, separator: str = "", name: str | None = None) -> Tensor:
    """The strings of `inputs` joined elementwise with `separator` (`tf.strings.join`)."""
    tensors = [string_input(v) for v in inputs]
    return execute(JOIN, tensors, {"separator": separator.encode() if isinstance(separator, str) else separator})


def length(input: Any, unit: str = "BYTE", name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(length, input, unit)
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be one of BYTE, UTF8_CHAR; got {unit!r}")
    return execute(LENGTH, (string_input(input),), {"unit": unit})


def substr(input: Any, pos: Any, len: Any, unit: str = "BYTE", name: str | None = None) -> Any:  # noqa: A002
    """Substrings from `pos` (negative: from the end) of `len` bytes or characters (`tf.strings.substr`)."""
    if is_ragged(input):
        return on_ragged(substr, input, pos, len, unit)
    pos_t = convert_to_tensor(pos)
    len_t = convert_to_tensor(len, pos_t.dtype)
    return _run(SUBSTR, (string_input(input), pos_t, len_t), {"unit": unit})


def regex_replace(input: Any, pattern: Any, rewrite: Any, replace_global: bool = True, name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(regex_replace, input, pattern, rewrite, replace_global)
    return execute(REGEX_REPLACE, (string_input(input),), {"pattern": _bytes(pattern), "rewrite": _bytes(rewrite),
                                                       "replace_global": bool(replace_global)})


def regex_full_match(input: Any, pattern: Any, name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(regex_full_match, input, pattern)
    return execute(REGEX_FULL_MATCH, (string_input(input),), {"pattern": _bytes(pattern)})


def _bytes(value: Any) -> bytes:
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.item()
    return value.encode() if isinstance(value, str) else bytes(value)


_NUMBER_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)


def to_number(input: Any, out_type: Any = _dtypes.float32, name: str | None = None) -> Any:  # noqa: A002
    """Strings parsed as numbers of `out_type` (`tf.strings.to_number`)."""
    if is_ragged(input):
        return on_ragged(to_number, input, out_type)
    dtype = _dtypes.as_dtype(out_type)
    if dtype not in _NUMBER_TYPES:
        raise TypeError(f"Value for attr 'out_type' of {dtype.name} is not in the list of allowed values: "
                        "float, double, int32, int64")
    return _run(TO_NUMBER, (string_input(input),), {"out_type": dtype.as_numpy_dtype})


def as_string(input: Any, precision: int = -1, scientific: bool = False, shortest: bool = False, width: int = -1,
              fill: str = "", name: str | None = None) -> Any:  # noqa: A002
    """Numbers and bools formatted as strings, printf-style (`tf.strings.as_string`)."""
    if is_ragged(input):
        return on_ragged(as_string, input, precision, scientific, shortest, width, fill)
    t = convert_to_tensor(input)
    if len(fill) > 1:
        raise invalid(f"Fill string must be one or fewer characters: {fill}")
    if scientific and shortest:
        raise invalid("Cannot select both scientific and shortest notation")
    if t.dtype.is_integer and (precision > -1 or scientific or shortest):
        raise invalid("precision, scientific and shortest are not supported for integer types")
    return execute(AS_STRING, (t,), {"precision": int(precision), "scientific": bool(scientific),
                                     "shortest": bool(shortest), "width": int(width), "fill": fill})


def lower(input: Any, encoding: str = "", name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(lower, input, encoding)
    return execute(LOWER, (string_input(input),), {"encoding": encoding})


def upper(input: Any, encoding: str = "", name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(upper, input, encoding)
    return execute(UPPER, (string_input(input),), {"encoding": encoding})


def strip(input: Any, name: str | None = None) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(strip, input)
    return execute(STRIP, (string_input(input),))


def reduce_join(inputs: Any, axis: Any = None, keepdims: bool = False, separator: str = "",
                name: str | None = None) -> Tensor:
    """Strings joined across `axis` (all when None) (`tf.strings.reduce_join`)."""
    if is_ragged(inputs):
        if axis is None or (isinstance(axis, int) and axis % inputs.shape.rank == inputs.shape.rank - 1):
            rows = _ragged_rows_join(inputs, separator)
            return rows if axis is not None else reduce_join(rows, None, keepdims, separator)
        raise NotImplementedError("reduce_join of a RaggedTensor supports its innermost axis")
    t = string_input(inputs)
    rank = t.shape.rank
    axes = tuple(range(rank)) if axis is None else tuple(int(a) for a in np.atleast_1d(
        axis.numpy() if isinstance(axis, Tensor) else axis))
    for a in axes:
        if not -rank <= a < rank:
            raise invalid(f"Invalid reduction dimension {a} for input with {rank} dimensions.")
    return execute(REDUCE_JOIN, (t,), {"axes": axes, "keepdims": bool(keepdims), "separator": _bytes(separator)})


def _ragged_rows_join(rt: Any, separator: str) -> Any:
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    if isinstance(rt.values, RaggedTensor):
        return rt.with_values(_ragged_rows_join(rt.values, separator))
    return execute(RAGGED_ROWS_JOIN, (rt.values, rt.row_splits), {"separator": _bytes(separator)})


def _rows_join(xp: Any, values: Any, splits: Any, separator: bytes) -> Any:
    values, s = np.asarray(values), np.asarray(splits).astype(np.int64)
    out = np.empty(s.shape[0] - 1, dtype=object)
    out[:] = [separator.join(values[s[i]:s[i + 1]]) for i in range(s.shape[0] - 1)]
    return out


def _rows_join_shape(inputs: Any, attrs: dict) -> list:
    splits = inputs[1]._array.shape
    return [(np.dtype(object), (None if splits is None or splits[0] is None else splits[0] - 1,))]


# The rows of a ragged string tensor joined (reduce_join over its ragged axis).
RAGGED_ROWS_JOIN = Op("RaggedReduceJoin", _rows_join, dtypes=STRING, shape_fn=_rows_join_shape)


def format(template: str, inputs: Any, placeholder: str = "{}", summarize: int = 3,
           name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """`template` with each `placeholder` replaced by an input's summary (`tf.strings.format`)."""
    if isinstance(inputs, (Tensor, str, int, float)) or is_ragged(inputs):
        inputs = [inputs]
    inputs = list(inputs)
    parts = template.split(placeholder)
    if len(parts) - 1 != len(inputs):
        raise ValueError(f"The template expects {len(parts) - 1} tensors, but the inputs only has "
                         f"{len(inputs)}. Template: {template}, inputs: {inputs}")
    texts = [summarize_value(convert_to_tensor(v).numpy() if not is_ragged(v) else v, summarize) for v in inputs]
    out = parts[0]
    for text, part in zip(texts, parts[1:]):
        out += text + part
    return constant(out.encode())


def _scalar_text(v: Any) -> str:
    if isinstance(v, bytes):
        return '"' + v.decode(errors="replace") + '"'  # TF's SummarizeValue quotes strings
    if isinstance(v, (np.floating, float)):
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        # TF's FloatToBuffer: FLT_DIG/DBL_DIG digits when they read back exactly, else 3 or 2 more.
        kind = np.float64 if np.asarray(v).dtype.itemsize == 8 else np.float32
        short, full = (15, 17) if kind is np.float64 else (6, 9)
        text = f"{float(v):.{short}g}"
        return text if kind(text) == kind(v) else f"{float(v):.{full}g}"
    if isinstance(v, (np.bool_, bool)):
        return "1" if v else "0"
    return str(v)


def summarize_value(value: Any, summarize: int = 3) -> str:
    """A tensor's value as TF's `SummarizeValue` prints it (first and last `summarize` per dim)."""
    if is_ragged(value):
        return str(value.to_list())
    array = np.asarray(value)
    if array.ndim == 0:
        return _scalar_text(array[()])

    def walk(a: np.ndarray, depth: int) -> str:
        n = a.shape[0]
        idx = list(range(n)) if summarize < 0 or n <= 2 * summarize else \
            list(range(summarize)) + [None] + list(range(n - summarize, n))
        if a.ndim == 1:
            return "[" + " ".join("..." if i is None else _scalar_text(a[i]) for i in idx) + "]"
        sep = "\n" * (a.ndim - 1) + " " * (depth + 1)
        return "[" + sep.join("..." if i is None else walk(a[i], depth + 1) for i in idx) + "]"

    return walk(array, 0)


def _row_ngrams(row: list, widths: list[int], separator: bytes, pads: tuple, padding_width: int | None,
                preserve_short: bool) -> list:
    out = []
    for width in widths:
        pad = (width - 1) if padding_width is None or padding_width < 0 else padding_width
        padded = [pads[0]] * pad + list(row) + [pads[1]] * pad if pads != (None, None) else list(row)
        grams = [separator.join(padded[i:i + width]) for i in range(len(padded) - width + 1)]
        if not grams and preserve_short and row:
            grams = [separator.join(padded)]
        out.extend(grams)
    return out


def ngrams(data: Any, ngram_width: Any, separator: str = " ", pad_values: Any = None, padding_width: Any = None,
           preserve_short_sequences: bool = False, name: str | None = None) -> Any:
    """The n-grams of each innermost row of strings, joined with `separator` (`tf.strings.ngrams`)."""
    from eagerflow._src.ragged.ragged_tensor import RaggedTensor

    widths = [int(ngram_width)] if isinstance(ngram_width, (int, np.integer)) else [int(w) for w in ngram_width]
    if any(w <= 0 for w in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {ngram_width}")
    if pad_values is None:
        pads = (None, None)
    elif isinstance(pad_values, (tuple, list)):
        if len(pad_values) != 2:
            raise ValueError("pad_values must be a string, tuple or list.")
        pads = (_bytes(pad_values[0]), _bytes(pad_values[1]))
    else:
        pads = (_bytes(pad_values), _bytes(pad_values))
    if pad_values is not None and padding_width is not None and padding_width == 0:
        pads = (None, None)
    attrs = {"separator": _bytes(separator), "widths": tuple(widths), "pads": pads, "padding_width": padding_width,
             "preserve_short": bool(preserve_short_sequences)}
    if isinstance(data, RaggedTensor):
        if isinstance(data.values, RaggedTensor):
            return data.with_values(ngrams(data.values, ngram_width, separator, pad_values, padding_width,
                                           preserve_short_sequences))
        grams, splits = execute(NGRAMS, (data.values, data.row_splits), attrs)
        return RaggedTensor._from_splits(grams, splits)
    t = string_input(data)
    if t.shape.rank == 0:
        raise ValueError("Data must have rank>0")
    from eagerflow._src.ops import array_ops, join_split_ops

    dims = t.shape.as_list()
    rows = array_ops.reshape(t, [-1, dims[-1] if dims[-1] is not None else array_ops.shape(t)[-1]])
    rt = RaggedTensor.from_tensor(rows)
    grams, splits = execute(NGRAMS, (rt.values, rt.row_splits), attrs)
    dense = RaggedTensor._from_splits(grams, splits).to_tensor()
    if None not in dims[:-1]:
        return array_ops.reshape(dense, dims[:-1] + [-1])
    lead = array_ops.shape(t)[:-1]
    return array_ops.reshape(dense, join_split_ops.concat([lead, constant(np.asarray([-1], np.int32))], axis=0))


def _ngrams_kernel(xp: Any, values: Any, splits: Any, separator: bytes, widths: tuple, pads: tuple,
                   padding_width: Any, preserve_short: bool) -> list:
    values, s = np.asarray(values), np.asarray(splits).astype(np.int64)
    rows = [_row_ngrams(values[s[i]:s[i + 1]], list(widths), separator, pads, padding_width, preserve_short)
            for i in range(s.shape[0] - 1)]
    flat = np.empty(sum(len(r) for r in rows), dtype=object)
    flat[:] = [g for r in rows for g in r]
    out_splits = np.concatenate([[0], np.cumsum([len(r) for r in rows], dtype=np.int64)]).astype(s.dtype)
    return [flat, out_splits.astype(np.asarray(splits).dtype)]


def _ngrams_shape(inputs: Any, attrs: dict) -> list:
    return [(np.dtype(object), (None,)), (inputs[1]._array.dtype, inputs[1]._array.shape)]


NGRAMS = Op("StringNGrams", _ngrams_kernel, dtypes=STRING, num_outputs=2, shape_fn=_ngrams_shape)


def _to_hash_bucket(op: Op, input: Any, num_buckets: Any) -> Any:  # noqa: A002
    if is_ragged(input):
        return on_ragged(lambda v: _to_hash_bucket(op, v, num_buckets), input)
    n = int(num_buckets)
    if n < 1:
        raise errors.op_error(errors.InvalidArgumentError,
                              f"Value for attr 'num_buckets' of {n} must be at least minimum 1\n\t; NodeDef: "
                              f"{{{{node {op.name}}}}}; Op<name={op.name}; signature=input:string -> output:int64; "
                              "attr=num_buckets:int,min=1>", op.name, True)
    return execute(op, (string_input(input),), {"num_buckets": n})


def to_hash_bucket_fast(input: Any, num_buckets: Any, name: str | None = None) -> Any:  # noqa: A002
    """Each string's farmhash Fingerprint64 modulo `num_buckets` (`tf.strings.to_hash_bucket_fast`)."""
    return _to_hash_bucket(HASH_BUCKET_FAST, input, num_buckets)


def to_hash_bucket(input: Any, num_buckets: Any, name: str | None = None) -> Any:  # noqa: A002
    """Each string's TF Hash64 modulo `num_buckets` (`tf.strings.to_hash_bucket`, the legacy hash)."""
    return _to_hash_bucket(HASH_BUCKET, input, num_buckets)


def to_hash_bucket_strong(input: Any, num_buckets: Any, key: Any, name: str | None = None) -> Any:  # noqa: A002
    """Each string's SipHash-2-4 under `key` (two ints) modulo `num_buckets` (`tf.strings.to_hash_bucket_strong`)."""
    if is_ragged(input):
        return on_ragged(to_hash_bucket_strong, input, num_buckets, key)
    return _run(HASH_BUCKET_STRONG, (string_input(input),), {"num_buckets": int(num_buckets), "key": tuple(key)})


def unsorted_segment_join(inputs: Any, segment_ids: Any, num_segments: Any, separator: str = "",
                          name: str | None = None) -> Tensor:
    """The strings of each segment joined in order (`tf.strings.unsorted_segment_join`); empty
    segments give b''."""
    ids = convert_to_tensor(segment_ids)
    return _run(UNSORTED_SEGMENT_JOIN, (string_input(inputs), ids),
                {"num_segments": int(convert_to_tensor(num_segments).numpy()), "separator": _bytes(separator)})
