"""`experimental_enable_numpy_behavior`: NumPy methods, promotion and indexing on `tf.Tensor`.

As in TF, enabling is process-wide and permanent: `tf.Tensor` gains `T`, `reshape`, `ravel`,
`astype`, `tolist`..., its arithmetic operators promote mixed dtypes with NumPy's rules
(int32 + float32 -> float64), and indexing takes integer and boolean arrays.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.numpy_api import np_array, np_dtypes, np_math
from eagerflow._src.ops import gather_scatter_ops, math_ops

_enabled = [False]


def _reshape_method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    shape = args[0] if len(args) == 1 else args
    return np_array.reshape(self, kwargs.get("newshape", shape), kwargs.get("order", "C"))


def _astype(self: Tensor, dtype: Any) -> Tensor:
    return math_ops.cast(self, np_dtypes.to_tf(np_dtypes.to_np(dtype)))


def _transpose_method(self: Tensor, *axes: Any) -> Tensor:
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (list, tuple))):
        axes = axes[0]
    return np_array.transpose(self, axes or None)


def _is_array_key(item: Any) -> bool:
    if isinstance(item, Tensor):
        return item.shape.rank != 0 or item.dtype.is_bool
    return isinstance(item, (list, np.ndarray))


def _numpy_getitem(original: Callable) -> Callable:
    def getitem(self: Tensor, key: Any) -> Tensor:
        if _is_array_key(key):
            index = np.asarray(key.numpy() if isinstance(key, Tensor) else key)
            if index.dtype == bool:
                flat = np_array.reshape(self, [-1] + self.shape.as_list()[index.ndim:])
                return gather_scatter_ops.gather(flat, constant(np.nonzero(index.reshape(-1))[0].astype(np.int64)))
            return gather_scatter_ops.gather(self, constant(index.astype(np.int64)))
        return original(self, key)
    return getitem


def _binary(fn: Callable, reflected: bool = False) -> Callable:
    if reflected:
        return lambda self, other: fn(other, self)
    return lambda self, other: fn(self, other)


def experimental_enable_numpy_behavior(prefer_float32: bool = False,
                                       dtype_conversion_mode: str = "legacy") -> None:
    """Enables NumPy behavior on tensors (methods, NumPy promotion in operators, indexing).

    Args:
      prefer_float32: infer float32 (not float64) for Python floats in tnp functions.
      dtype_conversion_mode: TF's promotion modes; 'legacy' (NumPy's rules) is what
        eagerflow implements, the others are accepted and treated alike.
    """
    np_dtypes.set_prefer_float32(prefer_float32)
    if _enabled[0]:
        return
    _enabled[0] = True
    cls = Tensor
    cls.T = property(lambda self: np_array.transpose(self))
    cls.ndim = property(lambda self: len(self.shape))
    cls.size = property(lambda self: np.int64(np.prod(self.shape.as_list())))
    cls.data = property(lambda self: self)
    cls.__pos__ = lambda self: self
    cls.tolist = lambda self: self.numpy().tolist()
    cls.transpose = _transpose_method
    cls.flatten = lambda self, order="C": np_array.flatten(self, order)
    cls.reshape = _reshape_method
    cls.ravel = lambda self: np_array.ravel(self)
    cls.clip = lambda self, a_min, a_max: np_math.clip(self, a_min, a_max)
    cls.astype = _astype
    cls.__round__ = lambda self, ndigits=0: np_math.around(self, ndigits or 0)
    cls.max = lambda self, axis=None, keepdims=False: np_math.amax(self, axis, keepdims=keepdims)
    cls.min = lambda self, axis=None, keepdims=False: np_math.amin(self, axis, keepdims=keepdims)
    cls.mean = lambda self, axis=None, keepdims=False: np_math.mean(self, axis, keepdims=keepdims)
    for name, fn in (("add", np_math.add), ("sub", np_math.subtract), ("mul", np_math.multiply),
                     ("truediv", np_math.true_divide), ("floordiv", np_math.floor_divide),
                     ("mod", np_math.mod), ("pow", np_math.power), ("matmul", np_math.matmul)):
        setattr(cls, f"__{name}__", _binary(fn))
        setattr(cls, f"__r{name}__", _binary(fn, reflected=True))
    for name, fn in (("lt", np_math.less), ("le", np_math.less_equal), ("gt", np_math.greater),
                     ("ge", np_math.greater_equal)):
        setattr(cls, f"__{name}__", _binary(fn))
    cls.__getitem__ = _numpy_getitem(cls.__getitem__)
