"""`SymbolicTensor`: an output of an op recorded in a graph while a `tf.function` traces.

It has a dtype and a `TensorShape` whose dimensions (or rank) may be unknown, but no value.
Wrappers written against eager tensors read `x._array.dtype` / `x._array.shape`; a symbolic
tensor's `_array` is an `AbstractArray` that answers those (shape dims may be None), so most
wrappers need no change. Its `_device` is `GRAPH_DEVICE`, a device no op runs on, so `execute`'s
fast path always sends it to the general path, which adds a node to the graph being built.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.shape_inference import NOT_FOLDED, AbstractArrayLike
from eagerflow._src.framework.tensor import Reference, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape


class AbstractArray(AbstractArrayLike):
    """What a traced tensor knows of its array: NumPy dtype and shape (None dims: unknown;
    `shape` None: unknown rank). Mirrors the few ndarray attributes wrappers read."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype: Any, shape: tuple | None) -> None:
        self.dtype = np.dtype(dtype) if not isinstance(dtype, np.dtype) else dtype
        self.shape = shape

    @property
    def ndim(self) -> Any:
        return None if self.shape is None else len(self.shape)

    @property
    def size(self) -> Any:
        if self.shape is None or None in self.shape:
            return None
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __repr__(self) -> str:
        return f"AbstractArray({self.dtype}, {self.shape})"


class _GraphDevice:
    """The `_device` of symbolic tensors: never a device ops run on (see module docstring)."""

    name = ""
    xp = None
    checks_dtypes = False
    needs_switch = False

    def supports(self, np_dtype: Any) -> bool:
        return True

    def __repr__(self) -> str:
        return "<graph>"


GRAPH_DEVICE = _GraphDevice()

_BOOL_MESSAGE = (
    "Using a symbolic `tf.Tensor` as a Python `bool` is not allowed. You can attempt the following "
    "resolutions to the problem: If you are running in Graph mode, use Eager execution mode or "
    "decorate this function with @tf.function. If you are using AutoGraph, you can try decorating "
    "this function with @tf.function. If that does not work, then you may be using an unsupported "
    "feature or your source code may not be visible to AutoGraph. See "
    "https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/"
    "reference/limitations.md#access-to-source-code for more information.")
_ITER_MESSAGE = (
    "Iterating over a symbolic `tf.Tensor` is not allowed. You can attempt the following "
    "resolutions to the problem: If you are running in Graph mode, use Eager execution mode or "
    "decorate this function with @tf.function. If you are using AutoGraph, you can try decorating "
    "this function with @tf.function. If that does not work, then you may be using an unsupported "
    "feature or your source code may not be visible to AutoGraph. See "
    "https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/"
    "reference/limitations.md#access-to-source-code for more information.")


class SymbolicTensor(Tensor):
    """A tensor of a graph (TF's `SymbolicTensor`): `op.outputs[value_index]`.

    It has no `numpy()` (TF's AttributeError), and `bool()`/iteration raise TF's
    OperatorNotAllowedInGraphError.
    """

    __module__ = "tensorflow.python.framework.ops"  # TF's, as for eager tensors
    __slots__ = ("_array", "_device", "_op", "_value_index", "_folded", "__dict__")
    __array_priority__ = 100

    def __init__(self, op: Any, value_index: int, dtype: Any, shape: tuple | None) -> None:
        self._array = AbstractArray(dtype, shape)
        self._device = GRAPH_DEVICE
        self._op = op
        self._value_index = value_index
        self._folded: Any = NOT_FOLDED  # shape_inference.constant_value's memo

    # --- description -------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.from_numpy(self._array.dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._array.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape (TF's `set_shape`): merges with what is known."""
        merged = self.shape.merge_with(shape)
        self._array.shape = None if merged.rank is None else tuple(merged.dims)

    @property
    def ndim(self) -> Any:
        return self._array.ndim

    @property
    def op(self) -> Any:
        return self._op

    @property
    def graph(self) -> Any:
        return self._op.graph

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def name(self) -> str:
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self) -> str:
        return self._op.device

    def consumers(self) -> list:
        return [op for op in self._op.graph.get_operations() if any(t is self for t in op.inputs)]

    def _as_tensor(self, dtype: Any = None) -> "SymbolicTensor":
        if dtype is not None and dtype._np != self._array.dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                             f"{self.dtype.name}: {self!r}")
        return self

    # --- what a graph tensor cannot do -----------------------------------------------------------
    def __bool__(self) -> bool:
        raise errors.OperatorNotAllowedInGraphError(_BOOL_MESSAGE)

    def __iter__(self) -> Any:
        raise errors.OperatorNotAllowedInGraphError(_ITER_MESSAGE)

    def __len__(self) -> int:
        # TF's graph tensors have no __len__ of their own: len() asks __len__ -> TypeError.
        raise TypeError(f"len is not well defined for a symbolic Tensor ({self.name}). Please call "
                        f"`x.shape` rather than `len(x)` for shape information.")

    def __index__(self) -> int:
        raise TypeError(f"Using a symbolic `tf.Tensor` as an index is not allowed ({self.name}).")

    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise NotImplementedError(
            f"Cannot convert a symbolic tf.Tensor ({self.name}) to a numpy array. This error may "
            f"indicate that you're trying to pass a Tensor to a NumPy call, which is not supported.")

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("'SymbolicTensor' object does not support item assignment")

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def eval(self, feed_dict: Any = None, session: Any = None) -> Any:
        raise NotImplementedError("eagerflow has no Session: graph tensors cannot be evaluated.")

    def __copy__(self) -> "SymbolicTensor":
        return self

    def __deepcopy__(self, memo: dict) -> "SymbolicTensor":
        return self

    def __str__(self) -> str:
        if self._array.shape is None:  # TF leaves out an unknown shape
            return f'Tensor("{self.name}", dtype={self.dtype.name})'
        return f'Tensor("{self.name}", shape={self.shape}, dtype={self.dtype.name})'

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
