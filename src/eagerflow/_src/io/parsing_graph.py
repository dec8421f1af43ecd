"""`parse_example` / `parse_single_example` while a graph is traced (tf.function, tf.data map).

The graph gets one `ParseExampleV2` node whose kernel runs the eager parser on the serialized
records when the graph runs; its outputs are the flattened results (a dense tensor per
`FixedLenFeature`, indices/values/dense_shape per `VarLenFeature`), with the dtypes and static
shapes TF's shape function gives them, and are packed back into the features' dict.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.io.parsing_config import FixedLenFeature, VarLenFeature


def _np(dtype: Any) -> np.dtype:
    dt = _dtypes.as_dtype(dtype)
    return np.dtype(object) if dt == _dtypes.string else np.dtype(dt.as_numpy_dtype)


def _array(t: Any) -> np.ndarray:
    # Strings stay object arrays of bytes (np.asarray would make a scalar np.bytes_ array).
    return np.array(t.numpy(), dtype=object) if t.dtype == _dtypes.string else np.asarray(t.numpy())


def _flat(parsed: dict, keys: list) -> list:
    out = []
    for key in keys:
        value = parsed[key]
        if hasattr(value, "indices"):
            out += [_array(value.indices), _array(value.values), _array(value.dense_shape)]
        else:
            out.append(_array(value))
    return out


def _kernel(xp: Any, serialized: Any, parse: Callable, keys: tuple, out_specs: tuple) -> list:
    from eagerflow._src.data.structure import wrap
    from eagerflow._src.framework.graph import init_scope

    with init_scope():
        return _flat(parse(wrap(serialized)), list(keys))


PARSE_EXAMPLE = Op("ParseExampleV2", _kernel, num_outputs=-1, stateful=True,
                   shape_fn=lambda inputs, attrs: list(attrs["out_specs"]))


def supported(features: dict) -> bool:
    return all(type(c) in (FixedLenFeature, VarLenFeature) for c in features.values())


def parse_in_graph(serialized: Any, features: dict, single: bool, parse: Callable) -> dict:
    """`parse(serialized)` as one graph node; `serialized` a symbolic string tensor."""
    from eagerflow._src.ops import conversion
    from eagerflow._src.sparse.sparse_tensor import SparseTensor

    tensor = serialized if isinstance(serialized, Tensor) else conversion.tensor(serialized, _dtypes.string)
    batch = () if single else (tensor.shape.as_list()[0] if tensor.shape.rank else None,)
    keys = sorted(features)
    specs: list = []
    for key in keys:
        config = features[key]
        if type(config) is VarLenFeature:
            rank = len(batch) + 1
            specs += [(np.dtype(np.int64), (None, rank)), (_np(config.dtype), (None,)),
                      (np.dtype(np.int64), (rank,))]
        else:
            specs.append((_np(config.dtype), batch + tuple(config.shape)))
    outputs = execute(PARSE_EXAMPLE, (tensor,), {"parse": parse, "keys": tuple(keys),
                                                 "out_specs": tuple(specs)})
    outputs = list(outputs)
    result = {}
    for key in keys:
        if type(features[key]) is VarLenFeature:
            indices, values, dense_shape = outputs[:3]
            del outputs[:3]
            result[key] = SparseTensor(indices, values, dense_shape)
        else:
            result[key] = outputs.pop(0)
    return result
