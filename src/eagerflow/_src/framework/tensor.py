"""The eager `Tensor`: an immutable array on one device.

A tensor owns its array and never writes it; nothing hands out a writable reference to it
while the tensor can still be read (`numpy()` copies, unless the tensor dies with the call and
nothing else reaches its array; `__array__` gives a read-only view). That is what lets a
variable alias a tensor's buffer and copy only when it later updates in place.
Operators (`+`, `@`, `[]`, ...) are installed by `eagerflow._src.ops.operators`, since ops sit
in the layer above this one.
"""
from __future__ import annotations

import sys
from typing import Any, Iterator
from weakref import getweakrefcount as _weakrefs

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.formatting import numpy_text
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.framework import types_core


class Tensor(types_core.Tensor):
    """`tf.Tensor`: the base of eager tensors and of the symbolic tensors of traced graphs.

    `isinstance(x, tf.Tensor)` holds for both; operators are installed here.
    """

    # TF's module names: Keras's data adapters tell TF tensors by "tensorflow.python." in them.
    __module__ = "tensorflow.python.framework.tensor"
    __slots__ = ("__weakref__",)


class EagerTensor(Tensor):
    """An immutable multidimensional array with a dtype, a shape and a device (TF's EagerTensor)."""

    __module__ = "tensorflow.python.framework.ops"

    # `__dict__`: like TF's EagerTensor, an eager tensor takes arbitrary Python attributes
    # (Keras sets `_keras_mask` and `_keras_logits` on op results).
    __slots__ = ("_array", "_device", "__dict__")
    # Makes NumPy defer to our reflected operators (`ndarray + Tensor` -> Tensor).
    __array_priority__ = 100

    def __init__(self, array: Any, device: Any) -> None:
        self._array = array
        self._device = device

    # --- description -------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.from_numpy(self._array.dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape._from_tuple(self._array.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape: Any) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied shape {TensorShape(shape)}.")

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def device(self) -> str:
        return self._device.name

    @property
    def backing_device(self) -> str:
        return self._device.name

    @property
    def name(self) -> str:
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def is_packed(self) -> bool:
        return False

    # --- values --------------------------------------------------------------------------------
    def _host(self) -> Any:
        """The value on the host as NumPy (scalars as NumPy scalars). Shared: do not write."""
        array = self._device.backend.to_host(self._array)
        if array.ndim == 0 and isinstance(array, np.ndarray):
            return array[()]
        return array

    def numpy(self) -> Any:
        """A copy of the value as a NumPy array (a NumPy scalar for rank 0).

        A tensor that dies with this call (`tf.tanh(x).numpy()`) hands over its array instead,
        when nothing else can reach it (see `_handed_over_count`): the caller gets the only
        reference to a buffer no tensor will read again, which is all a copy would give."""
        array = self._array
        if type(array) is np.ndarray:
            if array.ndim == 0:
                return array[()]
            # (the array's 3: this tensor's slot, the local `array`, getrefcount's argument)
            if _getrefcount(self) == _TEMPORARY and _getrefcount(array) == 3 and array.base is None \
                    and not _weakrefs(self) and _flags_allow_handover(array.flags):
                return array
            return host_threads.copy(array)
        value = self._host()  # another backend's array: to_host made fresh host memory
        if isinstance(value, np.ndarray) and (value is array or not value.flags.c_contiguous):
            return value.copy()
        return value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = np.asarray(self._device.backend.to_host(self._array))
        if dtype is not None and array.dtype != dtype:
            return array.astype(dtype)
        if copy:
            return array.copy()
        view = array.view()
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._array.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self._array.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        from eagerflow._src.ops import join_split_ops  # an op per element, as TF's unstack

        return iter(join_split_ops.unstack(self))

    def _scalar(self, what: str) -> Any:
        if self._array.ndim != 0 and self._array.size != 1:
            raise errors.InvalidArgumentError(None, None, f"Input of {what} must be a scalar or have one element; got shape {self.shape}")
        return self._host().reshape(()) if isinstance(self._host(), np.ndarray) else self._host()

    def __bool__(self) -> bool:
        if self._array.ndim != 0 and self._array.size != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
        return bool(self._host())

    def __float__(self) -> float:
        return float(self._host())

    def __int__(self) -> int:
        return int(self._host())

    def __complex__(self) -> complex:
        return complex(self._host())

    def __index__(self) -> int:
        return self._host().__index__()  # TF defers to NumPy, errors included

    def __hash__(self) -> int:
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __setitem__(self, key: Any, value: Any) -> None:
        # TF's message names its eager tensor class; tensors are immutable there too.
        raise TypeError("'tensorflow.python.framework.ops.EagerTensor' object does not support item assignment")

    def ref(self) -> "Reference":
        return Reference(self)

    experimental_ref = ref

    def __copy__(self) -> "Tensor":
        return self  # immutable

    def __deepcopy__(self, memo: dict) -> "Tensor":
        return self

    def __reduce__(self):
        return _rebuild_tensor, (self.numpy(),)

    def __str__(self) -> str:
        return f"tf.Tensor({numpy_text(self._host())}, shape={self.shape}, dtype={self.dtype.name})"

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={numpy_text(self._host(), True)}>"

    def __format__(self, spec: str) -> str:
        # TF formats the NumPy value: f"{t}" is "[1 2]", not str(t).
        return format(self._host(), spec)


_getrefcount = sys.getrefcount


def _flags_allow_handover(flags: Any) -> bool:
    return flags.owndata and flags.writeable and flags.c_contiguous  # what a fresh copy would be


class _Probe:
    __slots__ = ("__weakref__",)

    def count(self) -> int:
        return _getrefcount(self)


def _handed_over_count() -> int:
    """`sys.getrefcount(self)` inside a method called on a temporary (`f().numpy()`), the one
    case where `numpy()` may hand its array over; -1 (never) unless this interpreter counts a
    reference for a named object that a temporary lacks (CPython with its GIL does; a build
    that borrows references from the frame or runs without the GIL gets the copy every time)."""
    if sys.implementation.name != "cpython" or not getattr(sys, "_is_gil_enabled", lambda: True)():
        return -1
    temporary = _Probe().count()
    named = _Probe()
    return temporary if named.count() > temporary else -1


_TEMPORARY = _handed_over_count()


def _rebuild_tensor(value: np.ndarray) -> EagerTensor:
    from eagerflow._src.framework.convert import constant  # unpickling only

    return constant(value)


class Reference:
    """A hashable reference to a tensor or variable (`x.ref()`); `deref()` gives it back."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def deref(self) -> Any:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"
