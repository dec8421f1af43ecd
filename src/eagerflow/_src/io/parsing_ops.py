"""`tf.io.parse_example`, `parse_single_example`, `parse_sequence_example`,
`parse_single_sequence_example`: serialized protos -> dense, sparse and ragged tensors.

The bytes are decoded by `example_wire` (no protobuf objects); results follow TF's shapes,
dtypes, output order (sparse, then dense, then ragged keys) and error messages.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant
from eagerflow._src.io import composites, example_wire
from eagerflow._src.io.parsing_config import (
    FixedLenFeature, FixedLenSequenceFeature, RaggedFeature, SparseFeature, VarLenFeature,
)

_KIND_OF = {"float32": example_wire.FLOAT, "int64": example_wire.INT64, "string": example_wire.BYTES}
_NP = {"float32": np.float32, "int64": np.int64, "string": object}
_ALLOWED = "float, int64, string"


def _kind(dtype: Any, op: str) -> int:
    dt = _dtypes.as_dtype(dtype)
    kind = _KIND_OF.get(dt.name)
    if kind is None:
        raise errors.InvalidArgumentError(None, None, (
            f"Value for attr 'Tdense' of {dt.name} is not in the list of allowed values: "
            f"{_ALLOWED} [Op:{op}]"))
    return kind


def _serialized_list(serialized: Any, scalar: bool) -> list[bytes]:
    if hasattr(serialized, "numpy"):
        serialized = serialized.numpy()
    arr = np.asarray(serialized, dtype=object)
    if scalar:
        if arr.ndim != 0:
            raise ValueError(f"Input serialized must be a scalar, got shape {arr.shape}")
        return [bytes(arr.item())]
    if arr.ndim != 1:
        raise ValueError(f"Input serialized must be a vector, got shape {arr.shape}")
    return [bytes(v) if not isinstance(v, str) else v.encode() for v in arr.tolist()]


def _decode(blob: bytes, sequence: bool, op: str) -> Any:
    try:
        return example_wire.sequence_example(blob) if sequence else example_wire.example(blob)
    except (ValueError, UnicodeDecodeError):
        what = "SequenceExample" if sequence else "example"
        raise errors.InvalidArgumentError(None, None, (
            f"Could not parse {what} input, value: '{blob[:64]!r}' [Op:{op}]")) from None


def _values_of(feature: tuple, kind: int, key: str, op: str) -> Any:
    got, chunks = feature
    if got and got != kind:
        raise errors.InvalidArgumentError(None, None, (
            f"Key: {key}.  Data types don't match. Data type: {example_wire.KIND_NAMES[got]} "
            f"but expected type: {example_wire.KIND_NAMES[kind]} [Op:{op}]"))
    values = example_wire.feature_values(kind, chunks)
    if kind == example_wire.BYTES:
        out = np.empty(len(values), object)
        out[:] = values
        return out
    return values


def _shape_list(shape: Any) -> list[int]:
    from eagerflow._src.framework.tensor_shape import as_shape

    return as_shape(shape).as_list()


def _default(config: Any, shape: list[int], dtype_name: str) -> np.ndarray | None:
    if config.default_value is None:
        return None
    value = config.default_value
    if hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.array(value, dtype=_NP[dtype_name])
    if dtype_name == "string":
        arr = np.vectorize(lambda v: v.encode() if isinstance(v, str) else v, otypes=[object])(arr) if arr.size else arr
    return np.broadcast_to(arr, shape)


def _split_config(features: dict, op: str) -> tuple[list, list, list]:
    sparse, dense, ragged = [], [], []
    for key in sorted(features):
        config = features[key]
        if isinstance(config, VarLenFeature):
            sparse.append((key, config))
        elif isinstance(config, (FixedLenFeature, FixedLenSequenceFeature)):
            dense.append((key, config))
        elif isinstance(config, RaggedFeature):
            ragged.append((key, config))
        elif isinstance(config, SparseFeature):
            raise NotImplementedError("SparseFeature is not supported yet")
        else:
            raise TypeError(f"Unsupported feature type: {type(config).__name__}")
    return sparse, dense, ragged


def _missing(key: str, dtype_name: str, batched: bool, op: str) -> errors.OpError:
    tf_name = "float" if dtype_name == "float32" else dtype_name
    prefix = "Name: <unknown>, " if batched else ""
    return errors.InvalidArgumentError(None, None, (
        f"{prefix}Feature: {key} (data type: {tf_name}) is required but could not be found. [Op:{op}]"))


def _dense_one(found: tuple | None, key: str, config: Any, index: int, batched: bool, op: str) -> np.ndarray:
    """One example's value of a FixedLen(Sequence)Feature."""
    dt = _dtypes.as_dtype(config.dtype)
    kind = _kind(dt, op)
    shape = _shape_list(config.shape)
    if isinstance(config, FixedLenSequenceFeature):
        if found is None or not found[0] and not found[1]:
            if not config.allow_missing and found is None:
                raise _missing(key, dt.name, batched, op)
            return np.zeros([0] + shape, _NP[dt.name]) if dt.name != "string" else np.empty([0] + shape, object)
        values = _values_of(found, kind, key, op)
        step = int(np.prod(shape)) if shape else 1
        if step == 0 or values.shape[0] % step:
            raise errors.InvalidArgumentError(None, None, (
                f"Name: <unknown>, Key: {key}, Index: {index}.  Number of {example_wire.KIND_NAMES[kind]} "
                f"values is not a multiple of stride length. Saw {values.shape[0]} values but output "
                f"shape is: {_shape_text([-1] + shape)} [Op:{op}]"))
        return values.reshape([-1] + shape)
    if found is None:
        default = _default(config, shape, dt.name)
        if default is None:
            raise _missing(key, dt.name, batched, op)
        return default
    values = _values_of(found, kind, key, op)
    want = int(np.prod(shape)) if shape else 1
    if values.shape[0] != want:
        prefix = "Name: <unknown>, " if batched else ""
        raise errors.InvalidArgumentError(None, None, (
            f"{prefix}Key: {key}, Index: {index}.  Number of {example_wire.KIND_NAMES[kind]} values != "
            f"expected.  Values size: {values.shape[0]} but output shape: {_shape_text(shape)} [Op:{op}]"))
    return values.reshape(shape)


def _dense_batch(parsed: list[dict], key: str, config: Any, op: str) -> np.ndarray:
    """A FixedLenFeature over a batch: [B]+shape. The per-config work is done once; an example
    whose value is not one chunk of the expected size takes `_dense_one` (defaults, errors)."""
    dt = _dtypes.as_dtype(config.dtype)
    kind = _kind(dt, op)
    shape = _shape_list(config.shape)
    want = int(np.prod(shape)) if shape else 1
    numeric = kind != example_wire.BYTES
    rows = []
    for i, p in enumerate(parsed):
        found = p.get(key)
        if found is not None and found[0] == kind and (
                len(found[1]) == want if not numeric else len(found[1]) == 1 and len(found[1][0]) == want):
            rows.append(found[1] if not numeric else found[1][0])
        else:
            rows.append(_dense_one(found, key, config, i, True, op).reshape(-1))
    if not rows:
        return np.zeros([0] + shape, _NP[dt.name])
    if numeric:
        return np.stack(rows).reshape([len(rows)] + shape)
    out = np.empty((len(rows), want), object)
    for i, r in enumerate(rows):
        out[i, :] = list(r)
    return out.reshape([len(rows)] + shape)


def _shape_text(shape: list[int]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _pad_stack(rows: list[np.ndarray], config: Any, dtype_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Stacks per-example [T_i]+shape arrays into [B, T_max]+shape, padded with the default."""
    t_max = max((r.shape[0] for r in rows), default=0)
    inner = list(rows[0].shape[1:]) if rows else _shape_list(config.shape)
    pad = config.default_value
    if dtype_name == "string":
        out = np.full([len(rows), t_max] + inner, b"" if pad is None else pad, dtype=object)
    else:
        out = np.full([len(rows), t_max] + inner, 0 if pad is None else pad, dtype=_NP[dtype_name])
    for i, r in enumerate(rows):
        out[i, :r.shape[0]] = r
    return out, np.array([r.shape[0] for r in rows], np.int64)


def _sparse_of(rows: list[np.ndarray], dtype_name: str, batched: bool) -> Any:
    lengths = [r.shape[0] for r in rows]
    n = sum(lengths)
    values = np.concatenate(rows) if rows and n else np.zeros(0, _NP[dtype_name])
    if dtype_name == "string" and values.dtype != object:
        values = values.astype(object)
    width = max(lengths, default=0)
    if not batched:
        return composites.sparse(np.arange(n, dtype=np.int64).reshape(n, 1), values, [width])
    indices = np.zeros((n, 2), np.int64)
    pos = 0
    for b, length in enumerate(lengths):
        indices[pos:pos + length, 0] = b
        indices[pos:pos + length, 1] = np.arange(length)
        pos += length
    return composites.sparse(indices, values, [len(rows), width])


def _splits(lengths: list[int], dtype: Any) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, _dtypes.as_dtype(dtype).as_numpy_dtype)
    np.cumsum(lengths, out=out[1:])
    return out


def _ragged_of(rows: list[np.ndarray], dtype_name: str, splits_dtype: Any) -> Any:
    values = np.concatenate(rows) if rows and sum(r.shape[0] for r in rows) else np.zeros(0, _NP[dtype_name])
    if dtype_name == "string" and values.dtype != object:
        values = values.astype(object)
    return composites.ragged(values, _splits([r.shape[0] for r in rows], splits_dtype))


def _varlen_one(found: tuple | None, key: str, config: Any, op: str) -> np.ndarray:
    dt = _dtypes.as_dtype(config.dtype)
    kind = _kind(dt, op)
    if found is None:
        return np.zeros(0, _NP[dt.name]) if dt.name != "string" else np.empty(0, object)
    return _values_of(found, kind, key, op)


def _parse_features(parsed: list[dict], features: dict, batched: bool, op: str) -> dict:
    sparse, dense, ragged = _split_config(features, op)
    out: dict = {}
    for key, config in sparse:
        rows = [_varlen_one(p.get(key), key, config, op) for p in parsed]
        out[key] = _sparse_of(rows, _dtypes.as_dtype(config.dtype).name, batched)
    for key, config in dense:
        dt_name = _dtypes.as_dtype(config.dtype).name
        if batched and type(config) is FixedLenFeature:
            out[key] = constant(_dense_batch(parsed, key, config, op))
            continue
        rows = [_dense_one(p.get(key), key, config, i, batched, op) for i, p in enumerate(parsed)]
        if not batched:
            out[key] = constant(np.array(rows[0]))
        elif isinstance(config, FixedLenSequenceFeature):
            out[key] = constant(_pad_stack(rows, config, dt_name)[0])
        else:
            shape = _shape_list(config.shape)
            stacked = np.stack(rows) if rows else np.zeros([0] + shape, _NP[dt_name])
            out[key] = constant(stacked)
    for key, config in ragged:
        vkey = config.value_key or key
        dt_name = _dtypes.as_dtype(config.dtype).name
        rows = [_varlen_one(p.get(vkey), vkey, config, op) for p in parsed]
        if not batched:
            out[key] = constant(rows[0])
        else:
            out[key] = _ragged_of(rows, dt_name, config.row_splits_dtype)
    return out


def _check_keys(features: dict) -> None:
    dense = sorted(k for k, c in features.items()
                   if isinstance(c, (FixedLenFeature, FixedLenSequenceFeature)))
    ragged = sorted(c.value_key or k for k, c in features.items() if isinstance(c, RaggedFeature))
    both = set(dense) & set(ragged)
    if both:  # TF raises with two arguments
        raise ValueError("Dense and ragged keys must not intersect; dense_keys: ",
                         f"{dense}, ragged_keys: {ragged}, intersection: {both}")


def parse_example(serialized: Any, features: dict, example_names: Any = None, name: Any = None) -> dict:
    """Parses a batch of serialized `Example` protos (`tf.io.parse_example`).

    Args:
      serialized: a 1-D string tensor (or list) of serialized `Example`s.
      features: {key: FixedLenFeature | VarLenFeature | RaggedFeature | FixedLenSequenceFeature}.

    Returns:
      {key: dense Tensor [B]+shape | SparseTensor [B, N] | RaggedTensor [B, None]}.

    Raises:
      InvalidArgumentError: malformed bytes, a missing required feature, a wrong count or type.
    """
    return _parse_examples(serialized, features, single=False)


def parse_single_example(serialized: Any, features: dict, example_names: Any = None,
                         name: Any = None) -> dict:
    """Parses one serialized `Example` (`tf.io.parse_single_example`); no batch dimension."""
    return _parse_examples(serialized, features, single=True)


def _parse_examples(serialized: Any, features: dict, single: bool) -> dict:
    if not features:
        raise ValueError("Missing: features was {}.")
    _check_keys(features)
    from eagerflow._src.framework.graph import inside_function

    if inside_function():  # tf.function / tf.data map: one graph node parses when the graph runs
        from eagerflow._src.io import parsing_graph

        if parsing_graph.supported(features):
            return parsing_graph.parse_in_graph(
                serialized, features, single, lambda s: _parse_examples(s, features, single))
    op = "ParseExampleV2"
    blobs = _serialized_list(serialized, single)
    if not single and len(blobs) >= _MIN_GROUP:
        out = _parse_batch_by_template(blobs, features, op)
        if out is not None:
            return out
    parsed = [_decode(b, False, op) for b in blobs]
    return _parse_features(parsed, features, not single, op)


_MIN_GROUP = 4  # records of one length decoded together by a template
_TEMPLATES: dict = {}  # record length -> the last template built for it (immutable; reused)


def _parse_batch_by_template(blobs: list[bytes], features: dict, op: str) -> dict | None:
    """`parse_example` over records that share a wire layout (see `example_template`).

    Records are grouped by length; each group of `_MIN_GROUP` or more is matched against a
    template built from its first record, and the matching rows are decoded together. When one
    template covers the whole batch the outputs are assembled with NumPy; otherwise each matched
    row gets the {name: (kind, chunks)} the generic decoder would give, the other rows are
    decoded generically, and `_parse_features` does the rest. None: no template applies (or the
    template record itself is not valid for `features`), so the caller decodes every record
    generically and raises its errors.
    """
    from eagerflow._src.io import example_template

    lengths = set(map(len, blobs))
    if len(lengths) == 1:
        by_length: dict = {lengths.pop(): list(range(len(blobs)))}
    else:
        by_length = {}
        for i, blob in enumerate(blobs):
            by_length.setdefault(len(blob), []).append(i)
    names = {c.value_key or k if isinstance(c, RaggedFeature) else k for k, c in features.items()}
    groups = []
    for length, rows in by_length.items():
        if len(rows) < _MIN_GROUP or length == 0:
            continue
        group = blobs if len(rows) == len(blobs) else [blobs[i] for i in rows]
        template = _TEMPLATES.get(length)  # the last layout of this length, if it still fits
        if template is not None:
            array = template.rows(group)
            ok = template.match(array)
        if template is None or not ok.all():
            template = example_template.build(group[0])
            if template is None:
                continue
            if len(_TEMPLATES) >= 64:
                _TEMPLATES.clear()
            _TEMPLATES[length] = template
            array = template.rows(group)
            ok = template.match(array)
        try:  # the template record must parse cleanly on the generic path
            reference = _parse_features([template.parsed], features, True, op)
        except Exception:  # noqa: BLE001 - the generic path raises it with its own wording
            return None
        if not ok.all():
            keep = np.flatnonzero(ok)
            rows = [rows[k] for k in keep.tolist()]
            group = [group[k] for k in keep.tolist()]
            array = array[keep]
        if rows:
            groups.append((template, rows, group, array, reference))
    if not groups:
        return None
    if len(groups) == 1 and len(groups[0][1]) == len(blobs):
        template, _, group, array, reference = groups[0]
        return _assemble(template, array, group, reference, features, op)
    parsed: list = [None] * len(blobs)
    for template, rows, group, array, _ in groups:
        columns = {}
        for name in names:
            entry = template.features.get(name)
            if entry is None:
                continue
            kind = entry[0]
            if template.count(name):
                values = template.values(name, array, group)
                columns[name] = (kind, [list(v) for v in values] if kind == example_wire.BYTES else
                                 [[v] for v in values])
            else:
                columns[name] = (kind, [[]] * len(rows))
        for k, row in enumerate(rows):
            parsed[row] = {name: (kind, chunks[k]) for name, (kind, chunks) in columns.items()}
    for i, p in enumerate(parsed):
        if p is None:
            parsed[i] = _decode(blobs[i], False, op)
    return _parse_features(parsed, features, True, op)


def _assemble(template: Any, array: np.ndarray, group: list, reference: dict, features: dict,
              op: str) -> dict:
    """The outputs for a batch whose every record matches `template`: `reference` holds the
    template record's own outputs (batch of one), which fix every shape; values come from the
    records' payload bytes, or are the reference's (defaults, empties) repeated."""
    b = array.shape[0]
    sparse, dense, ragged = _split_config(features, op)
    out: dict = {}

    def from_records(name: str) -> np.ndarray | None:
        if not template.count(name):
            return None
        return template.values(name, array, group)

    for key, config in sparse:
        values = from_records(key)
        if values is None:
            empty = np.zeros(0, _NP[_dtypes.as_dtype(config.dtype).name])
            out[key] = composites.sparse(np.zeros((0, 2), np.int64), empty, [b, 0])
            continue
        n = values.shape[1]
        indices = np.empty((b * n, 2), np.int64)
        indices[:, 0] = np.repeat(np.arange(b, dtype=np.int64), n)
        indices[:, 1] = np.tile(np.arange(n, dtype=np.int64), b)
        out[key] = composites.sparse(indices, values.reshape(-1), [b, n])
    for key, config in dense:
        values = from_records(key)
        ref = _host(reference[key])
        if values is None:
            out[key] = constant(np.repeat(ref, b, axis=0))
        else:
            out[key] = _wrap(values.reshape((b,) + ref.shape[1:]))
    for key, config in ragged:
        values = from_records(config.value_key or key)
        if values is None:
            n, flat = 0, np.zeros(0, _NP[_dtypes.as_dtype(config.dtype).name])
        else:
            n, flat = values.shape[1], values.reshape(-1)
        splits_dtype = _dtypes.as_dtype(config.row_splits_dtype).as_numpy_dtype
        out[key] = composites.ragged(flat, np.arange(b + 1, dtype=splits_dtype) * n)
    return out


def _wrap(array: np.ndarray) -> Any:
    """A tensor over an array this module built (bytes or numbers, owning its buffer)."""
    from eagerflow._src.framework.execute import creation_device
    from eagerflow._src.framework.tensor import EagerTensor

    device = creation_device(array.dtype)
    return EagerTensor(device.backend.from_host(array, device.backend_index), device)


def _host(t: Any) -> np.ndarray:
    return np.asarray(t.numpy())


def _sequence_rows(steps: list, key: str, config: Any, op: str) -> list[np.ndarray]:
    dt = _dtypes.as_dtype(config.dtype)
    kind = _kind(dt, op)
    return [_values_of(step, kind, key, op) for step in steps]


def _parse_sequences(lists: list[dict], sequence_features: dict, batched: bool, op: str) -> tuple[dict, dict]:
    sparse, dense, ragged = _split_config(sequence_features, op)
    out: dict = {}
    lengths: dict = {}
    for key, config in sparse:
        dt_name = _dtypes.as_dtype(config.dtype).name
        per_example = [_sequence_rows(fl.get(key, []), key, config, op) for fl in lists]
        out[key] = _sequence_sparse(per_example, dt_name, batched)
    for key, config in dense:
        dt = _dtypes.as_dtype(config.dtype)
        shape = _shape_list(config.shape)
        step = int(np.prod(shape)) if shape else 1
        rows = []
        for i, fl in enumerate(lists):
            if key not in fl:
                if not getattr(config, "allow_missing", False):
                    raise errors.InvalidArgumentError(None, None, (
                        f"Name: <unknown>, Feature list '{key}' is required but could not be found.  "
                        f"Did you mean to include it in feature_list_dense_missing_assumed_empty or "
                        f"feature_list_dense_defaults? [Op:{op}]"))
                rows.append(np.zeros([0] + shape, _NP[dt.name]))
                continue
            steps = _sequence_rows(fl[key], key, config, op)
            for t, v in enumerate(steps):
                if v.shape[0] != step:
                    raise errors.InvalidArgumentError(None, None, (
                        f"Name: <unknown>, Key: {key}, Index: {t}.  Number of "
                        f"{example_wire.KIND_NAMES[_kind(dt, op)]} values != expected.  values size: "
                        f"{v.shape[0]} but output shape: {_shape_text(shape)} [Op:{op}]"))
            rows.append(np.stack([v.reshape(shape) for v in steps]) if steps else np.zeros([0] + shape, _NP[dt.name]))
        if batched:
            padded, lens = _pad_stack(rows, config, dt.name)
            out[key] = constant(padded)
            lengths[key] = constant(lens)
        else:
            out[key] = constant(rows[0])
    for key, config in ragged:
        vkey = config.value_key or key
        dt_name = _dtypes.as_dtype(config.dtype).name
        per_example = [_sequence_rows(fl.get(vkey, []), vkey, config, op) for fl in lists]
        inner = [_ragged_of(steps, dt_name, config.row_splits_dtype) for steps in per_example]
        if not batched:
            out[key] = inner[0]
        else:
            flat = [v for steps in per_example for v in steps]
            out[key] = composites.ragged(
                _ragged_of(flat, dt_name, config.row_splits_dtype),
                _splits([len(steps) for steps in per_example], config.row_splits_dtype))
    return out, lengths


def _sequence_sparse(per_example: list[list[np.ndarray]], dtype_name: str, batched: bool) -> Any:
    idx, vals = [], []
    t_max = max((len(s) for s in per_example), default=0)
    width = max((v.shape[0] for s in per_example for v in s), default=0)
    for b, steps in enumerate(per_example):
        for t, v in enumerate(steps):
            for j in range(v.shape[0]):
                idx.append((b, t, j) if batched else (t, j))
            vals.append(v)
    values = np.concatenate(vals) if vals else np.zeros(0, _NP[dtype_name])
    if dtype_name == "string" and values.dtype != object:
        values = values.astype(object)
    rank = 3 if batched else 2
    indices = np.array(idx, np.int64).reshape(-1, rank)
    shape = [len(per_example), t_max, width] if batched else [t_max, width]
    return composites.sparse(indices, values, shape)


def parse_single_sequence_example(serialized: Any, context_features: dict | None = None,
                                  sequence_features: dict | None = None, example_name: Any = None,
                                  name: Any = None) -> tuple[dict, dict]:
    """Parses one serialized `SequenceExample`: returns `(context, feature_lists)`."""
    op = "ParseSequenceExampleV2"
    decoded = [_decode(b, True, op) for b in _serialized_list(serialized, True)]
    context = _parse_features([c for c, _ in decoded], context_features or {}, False, op)
    lists, _ = _parse_sequences([fl for _, fl in decoded], sequence_features or {}, False, op)
    return context, lists


def parse_sequence_example(serialized: Any, context_features: dict | None = None,
                           sequence_features: dict | None = None, example_names: Any = None,
                           name: Any = None) -> tuple[dict, dict, dict]:
    """Parses a batch of `SequenceExample`s: returns `(context, feature_lists, lengths)`."""
    op = "ParseSequenceExampleV2"
    decoded = [_decode(b, True, op) for b in _serialized_list(serialized, False)]
    context = _parse_features([c for c, _ in decoded], context_features or {}, True, op)
    lists, lengths = _parse_sequences([fl for _, fl in decoded], sequence_features or {}, True, op)
    return context, lists, lengths
