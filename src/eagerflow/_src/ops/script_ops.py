"""Python inside the op stream: `tf.py_function` and `tf.numpy_function`.

Eagerly both call the function directly. `py_function` hands it tensors, so tapes record the
ops it runs and gradients flow through it (TF's EagerPyFunc gradient); its results are
converted to `Tout`. `numpy_function` hands it NumPy arrays and is not differentiable.
While a graph is traced (tf.function, tf.data functions) each call is one stateful op
(`EagerPyFunc` / `PyFunc`) whose kernel calls the Python function when the graph runs; its
outputs have `Tout`'s dtypes and unknown shapes, as in TF.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import inside_function
from eagerflow._src.framework.op import Op
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


def _np_dtype(dtype: _dtypes.DType) -> Any:
    return np.dtype(object) if dtype == _dtypes.string else np.dtype(dtype.as_numpy_dtype)


def _unknown_shapes(inputs: Any, attrs: dict) -> list:
    return [(_np_dtype(d), None) for d in attrs["Tout"]]


def _host(value: Any, dtype: _dtypes.DType) -> Any:
    array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
    return array.astype(_np_dtype(dtype), copy=False)


def _eager_py_func(xp: Any, *arrays: Any, func: Callable, Tout: tuple, eager: bool) -> list:
    from eagerflow._src.data.structure import wrap

    args = [wrap(a) for a in arrays] if eager else [np.array(a) for a in arrays]
    result = func(*args)
    values = result if isinstance(result, (list, tuple)) else [result]
    return [_host(v, d) for v, d in zip(values, Tout)]


# The graph form: one stateful node; the Python function runs when the graph runs.
PY_FUNC = Op("EagerPyFunc", _eager_py_func, num_outputs=-1, shape_fn=_unknown_shapes, stateful=True)
NUMPY_FUNC = Op("PyFunc", _eager_py_func, num_outputs=-1, shape_fn=_unknown_shapes, stateful=True)


def _graph_call(func: Callable, inp: Any, Tout: Any, eager: bool) -> Any:
    if Tout is None:
        return None
    many = isinstance(Tout, (list, tuple))
    dtypes_ = tuple(_dtypes.as_dtype(d) for d in (Tout if many else [Tout]))
    inputs = [x if isinstance(x, Tensor) else conversion.tensor(x) for x in (inp or [])]
    outputs = execute(PY_FUNC if eager else NUMPY_FUNC, tuple(inputs), {"func": func, "Tout": dtypes_, "eager": eager})
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    return outputs if many else outputs[0]


def py_function(func: Callable = None, inp: Any = None, Tout: Any = None, name: str | None = None) -> Any:
    """`func(*inp)` with tensors in and `Tout`-typed tensors out (`tf.py_function`)."""
    if func is None:  # decorator form: @tf.py_function(Tout=...)
        return lambda f: (lambda *args: py_function(f, list(args), Tout))
    if inside_function():
        return _graph_call(func, inp, Tout, eager=True)
    inputs = [conversion.tensor(x) if not isinstance(x, Tensor) else x for x in (inp or [])]
    return _as_outputs(func(*inputs), Tout, _to_tout)


def numpy_function(func: Callable = None, inp: Any = None, Tout: Any = None, stateful: bool = True,
                   name: str | None = None) -> Any:
    """`func(*arrays)` with NumPy arrays in; the results become tensors (`tf.numpy_function`).
    Eagerly TF keeps the dtypes the function returned."""
    if func is None:
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout, stateful))
    if inside_function():
        return _graph_call(func, inp, Tout, eager=False)
    arrays = [np.asarray(conversion.tensor(x).numpy()) for x in (inp or [])]
    return _as_outputs(func(*arrays), Tout, lambda v, d: conversion.tensor(np.asarray(v)))
