"""Python inside the op stream: `tf.py_function` and `tf.numpy_function`.

Eagerly both call the function directly. `py_function` hands it tensors, so tapes record the
ops it runs and gradients flow through it (TF's EagerPyFunc gradient); its results are
converted to `Tout`. `numpy_function` hands it NumPy arrays and is not differentiable.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops


def _as_outputs(result: Any, Tout: Any, convert: Callable) -> Any:
    if Tout is None:
        return None
    if isinstance(Tout, (list, tuple)):
        values = result if isinstance(result, (list, tuple)) else [result]
        if len(values) != len(Tout):
            raise ValueError(f"The function returned {len(values)} values, but {len(Tout)} were expected "
                             "by `Tout`.")
        return [convert(v, _dtypes.as_dtype(d)) for v, d in zip(values, Tout)]
    return convert(result, _dtypes.as_dtype(Tout))


def _to_tout(value: Any, dtype: _dtypes.DType) -> Tensor:
    t = conversion.tensor(value) if isinstance(value, Tensor) else conversion.tensor(value, dtype)
    return t if t.dtype == dtype else math_ops.cast(t, dtype)


def py_function(func: Callable = None, inp: Any = None, Tout: Any = None, name: str | None = None) -> Any:
    """`func(*inp)` with tensors in and `Tout`-typed tensors out (`tf.py_function`)."""
    if func is None:  # decorator form: @tf.py_function(Tout=...)
        return lambda f: (lambda *args: py_function(f, list(args), Tout))
    inputs = [conversion.tensor(x) if not isinstance(x, Tensor) else x for x in (inp or [])]
    return _as_outputs(func(*inputs), Tout, _to_tout)


def numpy_function(func: Callable = None, inp: Any = None, Tout: Any = None, stateful: bool = True,
                   name: str | None = None) -> Any:
    """`func(*arrays)` with NumPy arrays in; the results become tensors (`tf.numpy_function`).
    Eagerly TF keeps the dtypes the function returned."""
    if func is None:
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout, stateful))
    arrays = [np.asarray(conversion.tensor(x).numpy()) for x in (inp or [])]
    return _as_outputs(func(*arrays), Tout, lambda v, d: conversion.tensor(np.asarray(v)))
