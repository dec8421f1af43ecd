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

from typing import Callable

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape

_thread = context.thread


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
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        shape = TensorShape(None) if element_shape is None else as_shape(element_shape)
        self._flow = None
        self._dense = None
        if flow is None and (_graph_active() or _symbolic(size)) and infer_shape \
                and (size is not None or self._dynamic_size):
            # In a graph, one dense tensor [size, *element_shape] holds the elements, written by
            # `TensorArrayDenseWrite` and read by gather, so gradients flow through loops over
            # it. Dimensions unknown here are learned from the first write (the kernel allocates
            # then), so Keras's RNN loops with an unknown batch size differentiate too.
            self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
            self._graph = _GraphState(shape)
            self._storage = None
            self._static_size = None if self._dynamic_size or size is None or _symbolic(size) else _index(size)
            self._dense = execute(TA_DENSE_RESERVE, [_int32(0 if size is None else size)],
                                  {"dtype": self._dtype, "element_shape": _dims(shape),
                                   "dynamic_size": self._dynamic_size})
            return
        if flow is not None or _graph_active() or _symbolic(size):
            # In a graph: the elements live in a variant "flow" value threaded through ops.
            self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
            self._graph = _GraphState(shape)
            if flow is None:
                if size is None:
                    size = 0 if self._dynamic_size else None
                if size is None:
                    raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
                flow = execute(TENSOR_ARRAY, [_int32(size)], {
                    "dtype": self._dtype, "element_shape": _dims(shape), "dynamic_size": self._dynamic_size,
                    "clear_after_read": self._clear_after_read, "infer_shape": bool(infer_shape)})
            self._flow = flow
            self._storage = None
            return
        self._graph = None
        self._dense = None
        if handle is not None:
            raise ValueError("TensorArray handles are not supported when eager execution is enabled.")
        if size is None:
            raise ValueError("Size must be declared for TensorArrays when eager execution is enabled.")
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._storage = _Storage([None] * _index(size), shape)

    @classmethod
    def _list_backed(cls, dtype: Any, size: int, infer_shape: bool = True) -> "TensorArray":
        """A TensorArray over a Python list even in a trace (unrolled loops: its stack is a
        differentiable Pack of the written tensors)."""
        self = object.__new__(cls)
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._dynamic_size = False
        self._infer_shape = infer_shape
        self._flow = None
        self._clear_after_read = True
        self._graph = None
        self._dense = None
        self._storage = _Storage([None] * size, TensorShape(None))
        return self

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
        if self._graph is not None:
            return self._graph.element_shape
        return self._storage.element_shape

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def handle(self) -> None:
        return None

    @property
    def flow(self) -> Tensor:
        if self._dense is not None:
            return self._dense
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
        if self._dense is not None:
            from eagerflow._src.ops.gather_scatter_ops import gather
            return self._shaped(gather(self._dense, _int32(index)), [])
        if self._graph is not None:
            return execute(TA_READ, [self._flow, _int32(index)], self._read_attrs())
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

        if self._dense is not None:
            from eagerflow._src.ops.array_ops import identity
            return self._shaped(identity(self._dense), [self._static_size])
        if self._graph is not None:
            return execute(TA_STACK, [self._flow], self._read_attrs())
        items = self._storage.items
        if not items:
            shape = self._storage.element_shape
            dims = shape.as_list() if shape.is_fully_defined() else []
            return constant(np.zeros([0] + dims, self._dtype.as_numpy_dtype), self._dtype)
        return stack([self._element(i) for i in range(len(items))])

    def gather(self, indices: Any, name: Any = None) -> Tensor:
        """The elements at `indices`, stacked."""
        if self._dense is not None:
            from eagerflow._src.ops.gather_scatter_ops import gather
            return self._shaped(gather(self._dense, _int32(indices)), [None])
        if self._graph is not None:
            return execute(TA_GATHER, [self._flow, _int32(indices)], self._read_attrs())
        from eagerflow._src.ops.join_split_ops import stack

        return stack([self._element(i) for i in _indices(indices)])

    def concat(self, name: Any = None) -> Tensor:
        """All elements concatenated along their first axis."""
        if self._dense is not None:
            from eagerflow._src.ops.array_ops import reshape
            dims = self._graph.element_shape.as_list()
            if not dims:
                raise errors.InvalidArgumentError(
                    None, None, "Concat saw a scalar shape at index 0 but requires at least vectors.")
            return reshape(self._dense, [-1, *dims[1:]])
        if self._graph is not None:
            return execute(TA_CONCAT, [self._flow], self._read_attrs())
        from eagerflow._src.ops.join_split_ops import concat

        items = [self._element(i) for i in range(len(self._storage.items))]
        for i, t in enumerate(items):
            if t.shape.rank == 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Concat saw a scalar shape at index {i} but requires at least vectors.")
        return concat(items, 0)

    def size(self, name: Any = None) -> Tensor:
        if self._dense is not None:
            from eagerflow._src.ops.array_ops import shape
            return shape(self._dense, out_type=_dtypes.int32)[0]
        if self._graph is not None:
            return execute(TA_SIZE, [self._flow], {})
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
        if self._dense is not None:
            value = self._graph_value(value)
            return self._with_dense(self._dense_put(_int32(index), value, False))
        if self._graph is not None:
            value = self._graph_value(value)
            return self._with_flow(execute(TA_WRITE, [self._flow, _int32(index), value], {}))
        self._write(_index(index), value)
        return self._sibling()

    def unstack(self, value: Any, name: Any = None) -> "TensorArray":
        """Replaces the elements with the slices of `value` along its first axis."""
        if self._graph is not None:
            value = _convert(value, self._dtype)
            self._check_dtype(value)
            if value.shape.rank:
                self._merge_shape(value.shape[1:])
            if not self._dynamic_size and value.shape.rank:
                # The whole array at once: it becomes the dense elements (differentiable reads).
                return self._with_dense(value)
            return self._with_flow(execute(TA_UNSTACK, [self._flow, value], {}))
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
        if self._dense is not None:
            value = _convert(value, self._dtype)
            self._check_dtype(value)
            if value.shape.rank:
                self._merge_shape(value.shape[1:])
            return self._with_dense(self._dense_put(_int32(indices), value, True))
        if self._graph is not None:
            value = _convert(value, self._dtype)
            self._check_dtype(value)
            if value.shape.rank:
                self._merge_shape(value.shape[1:])
            return self._with_flow(execute(TA_SCATTER, [self._flow, _int32(indices), value], {}))
        from eagerflow._src.ops.join_split_ops import unstack

        for index, element in zip(_indices(indices), unstack(_convert(value, self._dtype))):
            self._write(index, element)
        return self._sibling()

    def split(self, value: Any, lengths: Any, name: Any = None) -> "TensorArray":
        """Replaces the elements with pieces of `value` of the given `lengths` along axis 0."""
        if self._graph is not None:
            value = _convert(value, self._dtype)
            self._check_dtype(value)
            flow = self._flow
            if flow is None:  # dense elements: pieces of varying length need the list form
                flow = execute(TENSOR_ARRAY, [self.size()], {
                    "dtype": self._dtype, "element_shape": None, "dynamic_size": False,
                    "clear_after_read": self._clear_after_read, "infer_shape": False})
            other = self._with_flow(execute(TA_SPLIT, [flow, value, _int32(lengths)], {}))
            other._dense = None
            return other
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
        if self._storage is not None:
            del self._storage.items[:]

    # --- graph mode ---------------------------------------------------------------------------
    def _read_attrs(self) -> dict:
        return {"dtype": self._dtype, "element_shape": _dims(self._graph.element_shape)}

    def _check_dtype(self, value: Tensor) -> None:
        if value.dtype != self._dtype:
            raise errors.InvalidArgumentError(
                None, None, f"TensorArray dtype is {self._dtype.name} but Op is trying to write "
                f"dtype {value.dtype.name} ")

    def _merge_shape(self, shape: TensorShape) -> None:
        current = self._graph.element_shape
        if not current.is_compatible_with(shape):
            raise ValueError(f"Incompatible shape for value ({shape}), expected ({current})")
        if self._infer_shape:
            self._graph.element_shape = current.merge_with(shape)

    def _graph_value(self, value: Any) -> Tensor:
        value = _convert(value, self._dtype)
        self._check_dtype(value)
        self._merge_shape(value.shape)
        return value

    def _with_flow(self, flow: Tensor) -> "TensorArray":
        other = self._sibling()
        other._flow = flow
        other._graph = _GraphState(self._graph.element_shape)
        self._graph.element_shape = other._graph.element_shape
        return other

    def _dense_put(self, index: Tensor, value: Tensor, scatter: bool) -> Tensor:
        return execute(TA_DENSE_WRITE, [self._dense, index, value],
                       {"dynamic_size": self._dynamic_size, "scatter": scatter})[0]

    def _shaped(self, result: Tensor, prefix: list) -> Tensor:
        """`result` with the static shape the writes traced so far proved (TF infers it so)."""
        element = self._graph.element_shape
        if element.rank is not None and hasattr(result, "set_shape"):
            result.set_shape(TensorShape(prefix + element.as_list()))
        return result

    def _with_dense(self, dense: Tensor) -> "TensorArray":
        other = self._sibling()
        other._dense = dense
        other._flow = None
        other._graph = _GraphState(self._graph.element_shape)
        return other

    def _as_loop_value(self) -> Tensor:
        """The tensor a graph loop carries for this TensorArray (dense elements or flow)."""
        if self._graph is None:
            raise NotImplementedError("an eager TensorArray as a loop variable of a graph loop")
        return self._dense if self._dense is not None else self._flow

    def _from_loop_value(self, value: Tensor) -> "TensorArray":
        """A TensorArray like this one over `value` (a loop's placeholder or output)."""
        if self._dense is not None:
            return self._with_dense(value)
        other = self._sibling()
        other._flow = value
        other._graph = _GraphState(self._graph.element_shape)
        return other


class _GraphState:
    __slots__ = ("element_shape",)

    def __init__(self, element_shape: TensorShape) -> None:
        self.element_shape = element_shape


def _graph_active() -> bool:
    return getattr(_thread, "graph", None) is not None


def _symbolic(x: Any) -> bool:
    return isinstance(x, Tensor) and type(x).__name__ != "EagerTensor"


def _int32(value: Any) -> Tensor:
    if isinstance(value, Tensor):
        return value
    return convert_to_tensor(value, _dtypes.int32)


def _dims(shape: TensorShape) -> tuple | None:
    return None if shape.rank is None else tuple(shape.as_list())


# --- the graph kernels: a flow value is a 0-d object array holding a _Elements ---------------------
class _Elements:
    """A TensorArray's elements while a graph runs (what its flow value holds)."""

    __slots__ = ("items", "np_dtype", "element_shape", "dynamic_size", "clear_after_read", "read_once")

    def __init__(self, size: int, np_dtype: Any, element_shape: tuple | None, dynamic_size: bool,
                 clear_after_read: bool) -> None:
        self.items: list = [None] * size
        self.np_dtype = np_dtype
        self.element_shape = element_shape
        self.dynamic_size = dynamic_size
        self.clear_after_read = clear_after_read
        self.read_once: set = set()


_OBJECT = np.dtype(object)


def _flow(xp: Any, elements: _Elements) -> Any:
    out = np.empty((), _OBJECT)
    out[()] = elements
    return out


def _elements(flow: Any) -> _Elements:
    return flow[()] if isinstance(flow, np.ndarray) else flow


def _np_dtype(dtype: _dtypes.DType) -> Any:
    return dtype._np if dtype._np is not None else _OBJECT


def _create(xp: Any, size: Any, dtype: Any, element_shape: Any, dynamic_size: bool, clear_after_read: bool,
            infer_shape: bool) -> Any:
    return _flow(xp, _Elements(int(size), _np_dtype(dtype), element_shape, dynamic_size, clear_after_read))


def _zeros(xp: Any, e: _Elements) -> Any:
    shape = e.element_shape if e.element_shape is not None and None not in e.element_shape else ()
    return xp.zeros(shape, e.np_dtype)


def _get(xp: Any, e: _Elements, index: int) -> Any:
    if index < 0:
        raise errors.OutOfRangeError(None, None, f"Reading from negative indices (index {index}) is not allowed.")
    if index >= len(e.items):
        raise errors.OutOfRangeError(None, None, f"Tried to read from index {index} but array size is: {len(e.items)} ")
    value = e.items[index]
    if value is None:
        if index in e.read_once:
            raise errors.InvalidArgumentError(
                None, None, f"Could not read index {index} twice because it was cleared after a previous "
                "read (perhaps try setting clear_after_read = false?)")
        value = _zeros(xp, e)
    return value


def _read(xp: Any, flow: Any, index: Any, dtype: Any = None, element_shape: Any = None) -> Any:
    e = _elements(flow)
    index = int(index)
    value = _get(xp, e, index)
    if e.clear_after_read:
        e.items[index] = None
        e.read_once.add(index)
    return value


def _put(e: _Elements, index: int, value: Any) -> None:
    if index < 0:
        raise errors.OutOfRangeError(None, None, f"Writing to negative indices (index {index}) is not allowed.")
    if index >= len(e.items):
        if not e.dynamic_size:
            raise errors.OutOfRangeError(
                None, None, f"Tried to write to index {index} but array is not resizeable and size is: "
                f"{len(e.items)} ")
        e.items.extend([None] * (index - len(e.items) + 1))
    e.items[index] = value


def _write_kernel(xp: Any, flow: Any, index: Any, value: Any) -> Any:
    _put(_elements(flow), int(index), value)
    return flow


def _stack(xp: Any, flow: Any, dtype: Any = None, element_shape: Any = None) -> Any:
    e = _elements(flow)
    if not e.items:
        dims = e.element_shape if e.element_shape is not None and None not in e.element_shape else ()
        return xp.zeros((0, *dims), e.np_dtype)
    return xp.stack([_get(xp, e, i) for i in range(len(e.items))])


def _gather(xp: Any, flow: Any, indices: Any, dtype: Any = None, element_shape: Any = None) -> Any:
    e = _elements(flow)
    return xp.stack([_get(xp, e, int(i)) for i in np.asarray(indices).reshape(-1)])


def _concat_kernel(xp: Any, flow: Any, dtype: Any = None, element_shape: Any = None) -> Any:
    e = _elements(flow)
    parts = [_get(xp, e, i) for i in range(len(e.items))]
    for i, p in enumerate(parts):
        if p.ndim == 0:
            raise errors.InvalidArgumentError(
                None, None, f"Concat saw a scalar shape at index {i} but requires at least vectors.")
    return xp.concatenate(parts, 0) if parts else xp.zeros((0,), e.np_dtype)


def _unstack_kernel(xp: Any, flow: Any, value: Any) -> Any:
    e = _elements(flow)
    n = value.shape[0]
    if n > len(e.items) and not e.dynamic_size:
        raise ValueError(f"Cannot unstack {n} tensors into a TensorArray of static size {len(e.items)} ")
    e.items[:] = [value[i] for i in range(n)]
    return flow


def _scatter_kernel(xp: Any, flow: Any, indices: Any, value: Any) -> Any:
    e = _elements(flow)
    for k, i in enumerate(np.asarray(indices).reshape(-1)):
        _put(e, int(i), value[k])
    return flow


def _split_kernel(xp: Any, flow: Any, value: Any, lengths: Any) -> Any:
    e = _elements(flow)
    sizes = [int(n) for n in np.asarray(lengths).reshape(-1)]
    if sum(sizes) != value.shape[0]:
        raise errors.InvalidArgumentError(
            None, None, f"Expected sum of lengths to be equal to values.shape[0], but sum of lengths is "
            f"{sum(sizes)} and value's shape is: {list(value.shape)} ")
    if not e.dynamic_size and len(sizes) != len(e.items):
        raise errors.InvalidArgumentError(
            None, None, f"TensorArray's size is not equal to the size of lengths ({len(e.items)} vs. "
            f"{len(sizes)}), and the TensorArray is not marked as dynamically resizeable.")
    bounds = np.cumsum([0] + sizes)
    e.items[:] = [value[bounds[i]:bounds[i + 1]] for i in range(len(sizes))]
    return flow


def _size_kernel(xp: Any, flow: Any) -> Any:
    return xp.asarray(len(_elements(flow).items), np.int32)


def _flow_shape(inputs: Any, attrs: dict) -> list:
    return [(_OBJECT, ())]


def _element_shape_fn(prefix: tuple) -> Callable:
    def rule(inputs: Any, attrs: dict) -> list:
        dims = attrs.get("element_shape")
        dtype = _np_dtype(attrs["dtype"])
        if prefix == ("concat",):
            return [(dtype, None if dims is None else (None, *dims[1:]))]
        return [(dtype, None if dims is None else (*prefix, *dims))]
    return rule


def _gather_shape(inputs: Any, attrs: dict) -> list:
    dims = attrs.get("element_shape")
    dtype = _np_dtype(attrs["dtype"])
    indices = inputs[1]._array.shape
    n = indices[0] if indices else None
    return [(dtype, None if dims is None else (n, *dims))]


# --- dense elements (graphs): one tensor [size, *element_shape], rewritten by each write ----------
def _reserve_kernel(xp: Any, size: Any, dtype: Any = None, element_shape: Any = None,
                    dynamic_size: bool = False) -> Any:
    # Unknown dimensions are 0 until the first write: a zero-size array holds nothing written.
    dims = (0,) if element_shape is None else tuple(0 if d is None else d for d in element_shape)
    return xp.zeros((int(size), *dims), _np_dtype(dtype))


def _reserve_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import constant_value

    dims = attrs.get("element_shape")
    size = None if attrs.get("dynamic_size") else constant_value(inputs[0])
    size = None if size is None else int(size)
    return [(_np_dtype(attrs["dtype"]), None if dims is None else (size, *dims))]


def _dense_write_kernel(xp: Any, dense: Any, index: Any, value: Any, dynamic_size: bool = False,
                        scatter: bool = False) -> list:
    where = [int(i) for i in np.asarray(index).reshape(-1)] if scatter else [int(index)]
    element = tuple(value.shape[1:]) if scatter else tuple(value.shape)
    n = dense.shape[0]
    for i in where:
        if i < 0:
            raise errors.OutOfRangeError(None, None, f"Writing to negative indices (index {i}) is not allowed.")
        if i >= n and not dynamic_size:
            raise errors.OutOfRangeError(
                None, None, f"Tried to write to index {i} but array is not resizeable and size is: {n} ")
    empty = dense.size == 0
    if not empty and tuple(dense.shape[1:]) != element:
        raise errors.InvalidArgumentError(
            None, None, f"Incompatible shape for value ({list(element)}), expected ({list(dense.shape[1:])})")
    top = max(where, default=-1) + 1
    if empty or top > n:
        out = xp.zeros((max(n, top), *element), dense.dtype)
        if not empty:
            out[:n] = dense
    else:
        out = dense.copy()
    if scatter:
        out[where] = value
    else:
        out[where[0]] = value
    return [out, np.asarray(dense.shape, np.int64)]


def _dense_write_shape(inputs: Any, attrs: dict) -> list:
    dense, value = inputs[0]._array, inputs[2]._array
    element = value.shape
    if attrs.get("scatter") and element is not None:
        element = element[1:]
    known = None if dense.shape is None else dense.shape[1:]
    if element is not None and known is not None and len(known) == len(element):
        element = tuple(e if e is not None else k for e, k in zip(element, known))
    first = None if attrs.get("dynamic_size") or dense.shape is None else dense.shape[0]
    return [(dense.dtype, None if element is None else (first, *element)), (np.dtype(np.int64), (None,))]


def _dense_write_grad_kernel(xp: Any, dy: Any, shape_in: Any, index: Any, scatter: bool = False) -> Any:
    shape_in = tuple(int(d) for d in np.asarray(shape_in).reshape(-1))
    if 0 in shape_in or tuple(dy.shape[1:]) != shape_in[1:]:
        return xp.zeros(shape_in, dy.dtype)  # nothing was written before: no gradient to pass on
    out = dy[:shape_in[0]].copy()
    where = [int(i) for i in np.asarray(index).reshape(-1)]
    out[[i for i in where if i < shape_in[0]]] = 0
    return out


def _dense_write_grad(ctx: Any, dys: Any) -> tuple:
    from eagerflow._src.ops.gather_scatter_ops import gather

    dense, index, value = ctx.inputs
    dy = dys[0]
    d_dense = execute(TA_DENSE_WRITE_GRAD, [dy, ctx.output[1], index],
                      {"scatter": ctx.attrs.get("scatter", False)}) if ctx.needs[0] else None
    d_value = gather(dy, index) if ctx.needs[2] else None
    return d_dense, None, d_value


TA_DENSE_RESERVE = Op("TensorArrayDenseReserve", _reserve_kernel, shape_fn=_reserve_shape)
TA_DENSE_WRITE = Op("TensorArrayDenseWrite", _dense_write_kernel, grad=_dense_write_grad, num_outputs=2,
                    shape_fn=_dense_write_shape)
TA_DENSE_WRITE_GRAD = Op("TensorArrayDenseWriteGrad", _dense_write_grad_kernel,
                         shape_fn=lambda inputs, attrs: [(inputs[0]._array.dtype, None)])


# Stateful: their kernels update the flow's elements in place, so they must never run at trace
# time (shape inference) or be folded.
TENSOR_ARRAY = Op("TensorArrayV3", _create, shape_fn=_flow_shape, stateful=True)
TA_WRITE = Op("TensorArrayWriteV3", _write_kernel, shape_fn=_flow_shape, stateful=True)
TA_READ = Op("TensorArrayReadV3", _read, shape_fn=_element_shape_fn(()), stateful=True)
TA_STACK = Op("TensorArrayStackV3", _stack, shape_fn=_element_shape_fn((None,)), stateful=True)
TA_GATHER = Op("TensorArrayGatherV3", _gather, shape_fn=_gather_shape, stateful=True)
TA_CONCAT = Op("TensorArrayConcatV3", _concat_kernel, shape_fn=_element_shape_fn(("concat",)), stateful=True)
TA_UNSTACK = Op("TensorArrayUnstackV3", _unstack_kernel, shape_fn=_flow_shape, stateful=True)
TA_SCATTER = Op("TensorArrayScatterV3", _scatter_kernel, shape_fn=_flow_shape, stateful=True)
TA_SPLIT = Op("TensorArraySplitV3", _split_kernel, shape_fn=_flow_shape, stateful=True)
TA_SIZE = Op("TensorArraySizeV3", _size_kernel, shape_fn=lambda inputs, attrs: [(np.dtype(np.int32), ())],
             stateful=True)


def _convert(value: Any, dtype: _dtypes.DType) -> Tensor:
    """TF converts written Python values with the array's dtype preferred."""
    if isinstance(value, Tensor):
        return value
    try:
        return convert_to_tensor(value, dtype)
    except (TypeError, ValueError):
        return convert_to_tensor(value)
