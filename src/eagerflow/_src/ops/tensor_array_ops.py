"""`tf.TensorArray`: a list of same-dtype tensors written and read by index.

Eagerly a TensorArray is a Python list of tensors shared by the objects `write` returns
(TF's eager TensorArray): tapes see the ops that fill and stack it, so gradients flow with
nothing special. In a traced function the same class keeps its elements as a list while the
trace is straight-line code; inside a `while_loop` body the list is threaded through the
loop as a loop variable (see `graph_control_flow.py`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape


def _index(value: Any) -> int:
    if isinstance(value, Tensor):
        return int(value.numpy())
    return int(value)


def _indices(value: Any) -> list[int]:
    if isinstance(value, Tensor):
        value = value.numpy()
    return [int(i) for i in np.asarray(value).reshape(-1)]


class _Storage:
    """The elements one TensorArray and every TensorArray its updates return share."""

    __slots__ = ("items", "element_shape", "read_once")

    def __init__(self, items: list, element_shape: TensorShape) -> None:
        self.items = items
        self.element_shape = element_shape
        self.read_once: set = set()


class TensorArray:
    """Class wrapping dynamic-sized, per-time-step, write-once Tensor arrays (`tf.TensorArray`).

    Args:
      dtype: the dtype of every element.
      size: the number of elements (required eagerly); may grow with `dynamic_size=True`.
      dynamic_size: let writes past the end grow the array.
      clear_after_read: drop an element once read (reading it again raises TF's error).
      element_shape: the shape every element must have (merged from writes when `infer_shape`).
      infer_shape: whether writes fix the element shape for later writes.
    """

    def __init__(self, dtype: Any, size: Any = None, dynamic_size: Any = None,
                 clear_after_read: Any = None, tensor_array_name: Any = None, handle: Any = None,
                 flow: Any = None, infer_shape: bool = True, element_shape: Any = None,
                 colocate_with_first_write_call: bool = True, name: Any = None) -> None:
        if handle is not None:
            raise ValueError("TensorArray handles are not supported when eager execution is enabled.")
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        shape = TensorShape(None) if element_shape is None else as_shape(element_shape)
        self._storage = _Storage([None] * _index(size), shape)
        self._flow = None

    def _sibling(self) -> "TensorArray":
        # TF's eager updates return a new TensorArray over the same elements.
        other = object.__new__(TensorArray)
        other.__dict__.update(self.__dict__)
        return other

    # --- properties ---------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def element_shape(self) -> TensorShape:
        return self._storage.element_shape

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def handle(self) -> None:
        return None

    @property
    def flow(self) -> Tensor:
        if self._flow is None:
            self._flow = constant(0, _dtypes.int32)
        return self._flow

    def identity(self) -> "TensorArray":
        return self._sibling()

    def grad(self, source: Any, flow: Any = None, name: Any = None) -> Any:
        raise NotImplementedError(
            "TensorArray.grad is not supported when executing eagerly; eager's gradient "
            "implementation does not use/need this function to compute gradients of operations "
            "that use TensorArrays.")

    # --- reading ------------------------------------------------------------------------------
    def _element(self, index: int) -> Tensor:
        items = self._storage.items
        value = items[index]
        if value is None:
            from eagerflow._src.ops.array_ops import zeros

            shape = self._storage.element_shape
            if not shape.is_fully_defined():
                shape = TensorShape([])
            value = items[index] = zeros(shape.as_list(), self._dtype)
        return value

    def read(self, index: Any, name: Any = None) -> Tensor:
        """The element at `index` (zeros of the element shape if never written)."""
        index = _index(index)
        items = self._storage.items
        if index < 0:
            raise errors.OutOfRangeError(None, None, f"Reading from negative indices (index {index}) is not allowed.")
        if index >= len(items):
            raise errors.OutOfRangeError(
                None, None, f"Tried to read from index {index} but array size is: {len(items)} ")
        if items[index] is None and index in self._storage.read_once:
            raise errors.InvalidArgumentError(
                None, None, f"Could not read index {index} twice because it was cleared after a "
                "previous read (perhaps try setting clear_after_read = false?)")
        value = self._element(index)
        if self._clear_after_read:
            items[index] = None
            self._storage.read_once.add(index)
        return value

    def stack(self, name: Any = None) -> Tensor:
        """All elements stacked along a new first axis."""
        from eagerflow._src.ops.join_split_ops import stack

        items = self._storage.items
        if not items:
            shape = self._storage.element_shape
            dims = shape.as_list() if shape.is_fully_defined() else []
            return constant(np.zeros([0] + dims, self._dtype.as_numpy_dtype), self._dtype)
        return stack([self._element(i) for i in range(len(items))])

    def gather(self, indices: Any, name: Any = None) -> Tensor:
        """The elements at `indices`, stacked."""
        from eagerflow._src.ops.join_split_ops import stack

        return stack([self._element(i) for i in _indices(indices)])

    def concat(self, name: Any = None) -> Tensor:
        """All elements concatenated along their first axis."""
        from eagerflow._src.ops.join_split_ops import concat

        items = [self._element(i) for i in range(len(self._storage.items))]
        for i, t in enumerate(items):
            if t.shape.rank == 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Concat saw a scalar shape at index {i} but requires at least vectors.")
        return concat(items, 0)

    def size(self, name: Any = None) -> Tensor:
        return constant(len(self._storage.items), _dtypes.int32)

    # --- writing ------------------------------------------------------------------------------
    def _write(self, index: int, value: Any) -> None:
        items = self._storage.items
        if index < 0:
            raise errors.OutOfRangeError(None, None, f"Writing to negative indices (index {index}) is not allowed.")
        if index >= len(items):
            if not self._dynamic_size:
                raise errors.OutOfRangeError(
                    None, None, f"Tried to write to index {index} but array is not resizeable and "
                    f"size is: {len(items)} ")
            items.extend([None] * (index - len(items) + 1))
        if not isinstance(value, Tensor):
            value = _convert(value, self._dtype)
        if value.dtype != self._dtype:
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray dtype is {self._dtype.name} but Op is trying to write "
                f"dtype {value.dtype.name} ")
        shape = self._storage.element_shape
        if not shape.is_compatible_with(value.shape):
            raise ValueError(f"Incompatible shape for value ({value.shape}), expected ({shape})")
        if self._infer_shape:
            self._storage.element_shape = shape.merge_with(value.shape)
        items[index] = value

    def write(self, index: Any, value: Any, name: Any = None) -> "TensorArray":
        """Writes `value` at `index`; returns the updated TensorArray."""
        self._write(_index(index), value)
        return self._sibling()

    def unstack(self, value: Any, name: Any = None) -> "TensorArray":
        """Replaces the elements with the slices of `value` along its first axis."""
        from eagerflow._src.ops.join_split_ops import unstack

        tensors = unstack(_convert(value, self._dtype))
        if len(tensors) > len(self._storage.items) and not self._dynamic_size:
            raise ValueError(f"Cannot unstack {len(tensors)} tensors into a TensorArray of static "
                             f"size {len(self._storage.items)} ")
        self._storage.items[:] = tensors
        if tensors and self._infer_shape:
            self._storage.element_shape = self._storage.element_shape.merge_with(tensors[0].shape)
        return self._sibling()

    def scatter(self, indices: Any, value: Any, name: Any = None) -> "TensorArray":
        """Writes the slices of `value` at `indices`."""
        from eagerflow._src.ops.join_split_ops import unstack

        for index, element in zip(_indices(indices), unstack(_convert(value, self._dtype))):
            self._write(index, element)
        return self._sibling()

    def split(self, value: Any, lengths: Any, name: Any = None) -> "TensorArray":
        """Replaces the elements with pieces of `value` of the given `lengths` along axis 0."""
        from eagerflow._src.ops.join_split_ops import split

        value = _convert(value, self._dtype)
        if value.dtype != self._dtype:
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray dtype is {self._dtype.name} but Op is trying to write "
                f"dtype {value.dtype.name} ")
        lengths = convert_to_tensor(lengths)
        sizes = [int(n) for n in np.asarray(lengths.numpy()).reshape(-1)]
        if lengths.shape.rank != 1:
            raise errors.InvalidArgumentError(
                None, None, f"Expected lengths to be a vector, received shape: {lengths.shape.as_list()} ")
        if value.shape.rank == 0:
            raise errors.InvalidArgumentError(
                None, None, "Expected value to be at least a vector, but received shape: "
                f"{value.shape.as_list()} ")
        if sum(sizes) != value.shape[0]:
            raise errors.InvalidArgumentError(
                None, None, f"Expected sum of lengths to be equal to values.shape[0], but sum of "
                f"lengths is {sum(sizes)} and value's shape is: {value.shape.as_list()} ")
        if not self._dynamic_size and len(sizes) != len(self._storage.items):
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray's size is not equal to the size of lengths "
                f"({len(self._storage.items)} vs. {len(sizes)}), and the TensorArray is not "
                "marked as dynamically resizeable.")
        self._storage.items[:] = split(value, sizes)
        return self._sibling()

    def close(self, name: Any = None) -> None:
        del self._storage.items[:]


def _convert(value: Any, dtype: _dtypes.DType) -> Tensor:
    """TF converts written Python values with the array's dtype preferred."""
    if isinstance(value, Tensor):
        return value
    try:
        return convert_to_tensor(value, dtype)
    except (TypeError, ValueError):
        return convert_to_tensor(value)
