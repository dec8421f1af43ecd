"""`tf.queue`: FIFOQueue, PaddingFIFOQueue, PriorityQueue, RandomShuffleQueue (TF's
`data_flow_ops` queues) over a host-side `QueueState`.

As lookup tables do (lookup/table_ops.py), a queue's contents live in a host object that every
queue op names in its `queue` attr; enqueue, dequeue, close, size and is_closed are stateful ops
(TF's `QueueEnqueueV2`, `QueueDequeueManyV2`, ...), so a traced `tf.function` runs them in order
at call time. Elements are tuples of host (NumPy) arrays. Blocking is TF's: a dequeue waits on
the queue's condition variable until enough elements arrive or the queue closes; an enqueue waits
for room. Partial progress is kept as TF's kernels keep it (a blocked `dequeue_many` holds the
elements it took and gives them back to the front when the queue closes under it).

RandomShuffleQueue draws its indices from TF's Philox stream (`PhiloxRandom(seed, seed2)`, one
32-bit sample per dequeued element, index = sample % size, the last element moved into the hole),
so a seeded queue dequeues in TF's order.
"""
from __future__ import annotations

import collections
import functools
import heapq
import itertools
import threading
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.context import thread as _thread
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import executing_eagerly
from eagerflow._src.framework.op import Op, cpp_name
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape, unknown_shape

_QUEUE_IDS = itertools.count()  # TF names an eager queue by a process-wide uid


def _host(array: Any) -> np.ndarray:
    return np.asarray(array.get() if hasattr(array, "get") else array)


def _to_device(xp: Any, array: np.ndarray) -> Any:
    return array if xp is np or array.dtype == object else xp.asarray(array)


def _shape_text(shape: Any) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


class _Philox32:
    """TF's `SingleSampleAdapter<PhiloxRandom>`: 32-bit samples, four per Philox block."""

    def __init__(self, seed: int, seed2: int) -> None:
        import os

        if seed == 0 and seed2 == 0:  # TF: both zero -> nondeterministic seeds
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        seed &= (1 << 64) - 1
        seed2 &= (1 << 64) - 1
        self._key = (seed & 0xFFFFFFFF, seed >> 32)
        self._counter = (0, 0, seed2 & 0xFFFFFFFF, seed2 >> 32)
        self._samples: list[int] = []

    def __call__(self) -> int:
        if not self._samples:
            from eagerflow._src.ops.random.philox import philox_blocks, skip_counter

            block = philox_blocks(self._key, self._counter, 16).reshape(-1)
            self._counter = skip_counter(self._counter, 16)
            self._samples = [int(x) for x in block[::-1]]
        return self._samples.pop()


class QueueState:
    """One queue: its kind ("FIFOQueue", ...), component dtypes and shapes, capacity and the
    elements (tuples of host arrays), guarded by one condition variable."""

    def __init__(self, kind: str, np_dtypes: list, shapes: list | None, capacity: int,
                 min_after_dequeue: int = 0, seed: int = 0, seed2: int = 0) -> None:
        self.kind = kind
        self.name = str(next(_QUEUE_IDS))
        self.np_dtypes = np_dtypes
        self.shapes = shapes  # list of tuples (None dims for PaddingFIFOQueue), or None
        self.capacity = capacity
        self.min_after_dequeue = min_after_dequeue
        self.elements: list = []
        self.closed = False
        self.cancelled = False
        self.cond = threading.Condition()
        self.enqueuers: collections.deque = collections.deque()
        self.dequeuers: collections.deque = collections.deque()
        self._order = itertools.count()  # PriorityQueue: FIFO among equal priorities
        self._random = _Philox32(seed, seed2) if kind == "RandomShuffleQueue" else None

    # --- element storage, under `cond` ---------------------------------------------------------
    def _full(self) -> bool:
        return 0 <= self.capacity <= len(self.elements)

    def _push(self, element: tuple) -> None:
        if self.kind == "PriorityQueue":
            heapq.heappush(self.elements, (int(element[0]), next(self._order), element))
        else:
            self.elements.append(element)

    def _pop(self) -> tuple:
        if self.kind == "PriorityQueue":
            return heapq.heappop(self.elements)[2]
        if self._random is not None:
            index = self._random() % len(self.elements)
            element = self.elements[index]
            self.elements[index] = self.elements[-1]
            self.elements.pop()
            return element
        return self.elements.pop(0)

    def _restore(self, taken: list) -> None:
        """Gives a failed dequeue's elements back (to the front, in order)."""
        if self.kind in ("FIFOQueue", "PaddingFIFOQueue"):
            self.elements[:0] = taken
        else:
            for element in taken:
                self._push(element)

    def _available(self) -> int:
        """How many elements a dequeue may take now (RandomShuffleQueue keeps min_after_dequeue
        while open)."""
        keep = 0 if self.closed else self.min_after_dequeue
        return max(0, len(self.elements) - keep)

    # --- the kernels' bodies -------------------------------------------------------------------
    def check_component(self, i: int, array: np.ndarray, batch: int | None = None) -> None:
        """TF's tuple validation: component `i` has the queue's shape for it (led by the batch
        size, that of component 0, for enqueue_many); PaddingFIFOQueue's None dims match any."""
        if self.shapes is None:
            return
        expected = tuple(self.shapes[i]) if batch is None else (batch,) + tuple(self.shapes[i])
        got = array.shape
        if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got)):
            raise errors.InvalidArgumentError(
                None, None, f"Shape mismatch in tuple component {i}. Expected {_shape_text(expected)}, "
                            f"got {_shape_text(got)}")

    def _turn(self, line: collections.deque) -> object:
        """Waits (holding `cond`) until this call heads `line`: TF serves a queue's enqueue
        attempts, and its dequeue attempts, in the order they arrive."""
        ticket = object()
        line.append(ticket)
        while line[0] is not ticket:
            self.cond.wait()
        return ticket

    def _done(self, line: collections.deque) -> None:
        line.popleft()
        self.cond.notify_all()

    def enqueue(self, elements: list) -> None:
        with self.cond:
            if self.closed:
                raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' is closed.")
            self._turn(self.enqueuers)
            try:
                for element in elements:
                    while self._full():
                        if self.cancelled:
                            raise errors.CancelledError(None, None, "Enqueue operation was cancelled")
                        self.cond.wait()
                    if self.closed:
                        raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' is closed.")
                    self._push(element)
                    self.cond.notify_all()
            finally:
                self._done(self.enqueuers)

    def dequeue(self, n: int, small_batch: bool) -> list:
        taken: list = []
        with self.cond:
            self._turn(self.dequeuers)
            try:
                while len(taken) < n:
                    size = len(self.elements)
                    if self.closed and size < n - len(taken):
                        requested = n - len(taken)
                        self._restore(taken)
                        if small_batch and self.elements:
                            return [self._pop() for _ in range(min(n, len(self.elements)))]
                        raise errors.OutOfRangeError(
                            None, None, f"{self.kind} '{self.name}' is closed and has insufficient "
                                        f"elements (requested {requested}, current size {size})")
                    if self._available():
                        taken.append(self._pop())
                        self.cond.notify_all()
                    else:
                        self.cond.wait()
            finally:
                self._done(self.dequeuers)
        return taken

    def close(self, cancel_pending_enqueues: bool) -> None:
        with self.cond:
            self.closed = True
            self.cancelled = self.cancelled or cancel_pending_enqueues
            self.cond.notify_all()


# --- kernels ------------------------------------------------------------------------------------
def _check_signature(queue: QueueState, arrays: tuple) -> None:
    have = [np.dtype(a.dtype) for a in arrays]
    if len(have) != len(queue.np_dtypes) or any(h != e for h, e in zip(have, queue.np_dtypes)):
        def names(ds: list) -> str:
            return "".join(f", {cpp_name(_dtypes.as_dtype(d) if d != object else _dtypes.string)}" for d in ds)
        raise errors.InvalidArgumentError(
            None, None, f"Signature mismatch, have: resource{names(have)}-> expected: resource"
                        f"{names(queue.np_dtypes)}->")


def _enqueue(xp: Any, *components: Any, queue: QueueState) -> None:
    arrays = tuple(_host(c) for c in components)
    _check_signature(queue, arrays)
    for i, a in enumerate(arrays):
        queue.check_component(i, a)
    queue.enqueue([tuple(np.array(a) for a in arrays)])


def _enqueue_many(xp: Any, *components: Any, queue: QueueState) -> None:
    arrays = tuple(_host(c) for c in components)
    _check_signature(queue, arrays)
    if arrays[0].ndim == 0 or (queue.shapes is None and any(a.ndim == 0 for a in arrays)):
        raise errors.InvalidArgumentError(None, None, "Shape of a component must be at least a vector")
    batch = arrays[0].shape[0]
    for i, a in enumerate(arrays):
        if queue.shapes is not None:
            queue.check_component(i, a, batch)
        elif a.shape[0] != batch:
            raise errors.InvalidArgumentError(
                None, None, f"Expected batch size {batch} for component {i} but got {a.shape[0]}")
    queue.enqueue([tuple(np.array(a[j], dtype=a.dtype) for a in arrays) for j in range(batch)])


def _dequeue(xp: Any, queue: QueueState) -> list:
    (element,) = queue.dequeue(1, small_batch=False)
    return [_to_device(xp, a) for a in element]


def _stack(queue: QueueState, taken: list) -> list:
    out = []
    for i, dtype in enumerate(queue.np_dtypes):
        parts = [element[i] for element in taken]
        shape = tuple(queue.shapes[i])
        if None in shape:  # PaddingFIFOQueue: pad each dynamic dimension to the batch's largest
            shape = tuple(max((p.shape[k] for p in parts), default=0) if d is None else d
                          for k, d in enumerate(shape))
        batch = np.zeros((len(parts),) + shape, dtype=dtype) if dtype != object \
            else np.full((len(parts),) + shape, b"", dtype=object)
        for j, p in enumerate(parts):
            batch[(j,) + tuple(slice(0, s) for s in p.shape)] = p[()] if p.ndim == 0 else p
        out.append(batch)
    return out


def _dequeue_many(xp: Any, n: Any, queue: QueueState, small_batch: bool = False) -> list:
    count = int(_host(n))
    op = "DequeueUpToOp" if small_batch else "DequeueManyOp"
    if count < 0:
        raise errors.InvalidArgumentError(None, None, f"{op} requested {count} < 0 elements")
    if queue.shapes is None:
        raise errors.InvalidArgumentError(
            None, None, f"{queue.kind}'s DequeueMany and DequeueUpTo require the components to have "
                        f"specified shapes.")
    taken = queue.dequeue(count, small_batch)
    return [_to_device(xp, a) for a in _stack(queue, taken)]


def _close(xp: Any, queue: QueueState, cancel_pending_enqueues: bool) -> None:
    queue.close(cancel_pending_enqueues)


def _size(xp: Any, queue: QueueState) -> Any:
    with queue.cond:
        return _to_device(xp, np.asarray(len(queue.elements), np.int32))


def _is_closed(xp: Any, queue: QueueState) -> Any:
    return _to_device(xp, np.asarray(queue.closed))


def _dequeue_shapes(inputs: Any, attrs: dict) -> list:
    queue = attrs["queue"]
    shapes = queue.shapes or [None] * len(queue.np_dtypes)
    return [(np.dtype(d), None if s is None else tuple(s)) for d, s in zip(queue.np_dtypes, shapes)]


def _dequeue_many_shapes(inputs: Any, attrs: dict) -> list:
    queue = attrs["queue"]
    batch = None
    if not attrs.get("small_batch"):
        from eagerflow._src.framework.shape_inference import constant_value

        value = constant_value(inputs[0])
        batch = None if value is None else int(value)
    shapes = queue.shapes or [None] * len(queue.np_dtypes)
    return [(np.dtype(d), None if s is None else (batch,) + tuple(s)) for d, s in zip(queue.np_dtypes, shapes)]


ENQUEUE = Op("QueueEnqueueV2", _enqueue, num_outputs=0, stateful=True)
ENQUEUE_MANY = Op("QueueEnqueueManyV2", _enqueue_many, num_outputs=0, stateful=True)
DEQUEUE = Op("QueueDequeueV2", _dequeue, num_outputs=-1, stateful=True, shape_fn=_dequeue_shapes)
DEQUEUE_MANY = Op("QueueDequeueManyV2", _dequeue_many, num_outputs=-1, stateful=True,
                  shape_fn=_dequeue_many_shapes)
DEQUEUE_UP_TO = Op("QueueDequeueUpToV2", lambda xp, n, queue: _dequeue_many(xp, n, queue, small_batch=True),
                   num_outputs=-1, stateful=True,
                   shape_fn=lambda inputs, attrs: _dequeue_many_shapes(inputs, dict(attrs, small_batch=True)))
CLOSE = Op("QueueCloseV2", _close, num_outputs=0, stateful=True)
SIZE = Op("QueueSizeV2", _size, stateful=True, shape_fn=lambda inputs, attrs: [(np.dtype(np.int32), ())])
IS_CLOSED = Op("QueueIsClosedV2", _is_closed, stateful=True,
               shape_fn=lambda inputs, attrs: [(np.dtype(np.bool_), ())])


# --- the public classes -------------------------------------------------------------------------
def _np_dtype(dtype: _dtypes.DType) -> np.dtype:
    return np.dtype(object) if dtype == _dtypes.string else np.dtype(dtype.as_numpy_dtype)


def _as_type_list(dtypes: Any) -> list:
    return list(dtypes) if isinstance(dtypes, (list, tuple)) else [dtypes]


def _as_shape_list(shapes: Any, unknown_dim_allowed: bool = False) -> list | None:
    from collections.abc import Sequence

    if unknown_dim_allowed and (not isinstance(shapes, Sequence) or not shapes
                                or any(s is None or isinstance(s, int) for s in shapes)):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("Shapes must be a TensorShape or a list or tuple of TensorShapes, "
                        f"got {type(shapes)} instead.")
    if all(s is None or isinstance(s, int) for s in shapes):  # one shape given as a list of dims
        shapes = [shapes]
    shapes = [as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {shapes}")
    if any(s.rank is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names: Any, dtypes: list) -> list | None:
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes, "
                         f"received len(names)={len(names)},len(dtypes)={len(dtypes)}")
    return list(names)


def _create(kind: str, dtypes: list, shapes: list | None, capacity: int, **extra: Any) -> QueueState:
    """The queue-creating op's checks (TF's FIFOQueueV2, ...): the component counts agree."""
    dtypes = [_dtypes.as_dtype(d) for d in dtypes]
    dims = None if shapes is None else [tuple(s.as_list()) for s in shapes]
    if dims is not None and kind != "PriorityQueue" and len(dims) != len(dtypes):
        shape_text = "".join(_shape_text(d) for d in dims)
        raise errors.InvalidArgumentError(
            None, None, f"{{{{function_node __wrapped__{kind}V2_device_/job:localhost/replica:0/task:0/device:CPU:0}}}} "
                        f"Different number of component types.  Types: "
                        f"{', '.join(cpp_name(d) for d in dtypes)}, Shapes: [{shape_text}] "
                        f"[Op:{kind}V2] name: {extra.pop('op_name')}")
    extra.pop("op_name", None)
    return QueueState(kind, [_np_dtype(d) for d in dtypes], dims, capacity, **extra)


def _shape_common(a: Any, b: Any) -> TensorShape:
    a, b = TensorShape(a), TensorShape(b)
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return unknown_shape()
    return TensorShape([x if x is not None and x == y else None for x, y in zip(a.as_list(), b.as_list())])


class QueueBase:
    """Base class for queue implementations (`tf.queue.QueueBase`).

    Each element is a tuple of one or more tensors with static dtypes (and optional static
    shapes); `enqueue`/`dequeue` move one element, `enqueue_many`/`dequeue_many` a batch.
    """

    def __init__(self, dtypes: Any, shapes: Any, names: Any, queue_ref: Any) -> None:
        self._dtypes = dtypes
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes, "
                                 f"received len(shapes)={len(shapes)}, len(dtypes)={len(dtypes)}")
            self._shapes = [TensorShape(s) for s in shapes]
        else:
            self._shapes = [unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError("Queue names must have the same length as dtypes,"
                                 f"received len(names)={len(names)},len {len(dtypes)}")
            self._names = names
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = _thread.name_scope or "Empty"

    @staticmethod
    def from_list(index: Any, queues: list) -> "QueueBase":
        """The queue `queues[index]` as a QueueBase whose shapes are the queues' common ones."""
        if not queues or not isinstance(queues, list) or not all(isinstance(q, QueueBase) for q in queues):
            raise TypeError("A list of queues expected")
        dtypes = queues[0].dtypes
        if not all(dtypes == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        shapes = [functools.reduce(_shape_common, s) for s in zip(*[q.shapes for q in queues])]
        chosen = queues[int(index.numpy() if hasattr(index, "numpy") else index)]
        return QueueBase(dtypes=dtypes, shapes=shapes, names=names, queue_ref=chosen.queue_ref)

    @property
    def queue_ref(self) -> QueueState:
        """The underlying queue (TF: a resource tensor; here the host-side state it names)."""
        return self._queue_ref

    @property
    def name(self) -> str:
        """The name of the underlying queue: the name scope it was made in, else "Empty"."""
        return self._name

    @property
    def dtypes(self) -> list:
        """The list of dtypes for each component of a queue element."""
        return self._dtypes

    @property
    def shapes(self) -> list:
        """The list of shapes for each component of a queue element."""
        return self._shapes

    @property
    def names(self) -> list | None:
        """The list of names for each component of a queue element."""
        return self._names

    # --- helpers ---
    def _check_enqueue_dtypes(self, vals: Any) -> list:
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError("Keys in dictionary to enqueue do not match names of Queue.  "
                                 f"Dictionary: {sorted(vals.keys())},Queue: {sorted(self._names)}")
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        tensors = []
        for i, (v, d) in enumerate(zip(vals, self._dtypes)):
            try:
                tensors.append(convert_to_tensor(v, dtype=d, name=f"component_{i}"))
            except ValueError as e:  # TF prefixes a conversion error with the argument's name
                raise ValueError(f"component_{i}: {e}") from None
        return tensors

    def _run(self, op: Op, inputs: tuple, attrs: dict, node: str, attr_text: str) -> Any:
        """`execute`, an eager error decorated as TF's (the op's attrs and node name)."""
        from eagerflow._src.framework.devices import cpu0
        from eagerflow._src.framework.scopes import device as device_scope

        try:
            with device_scope(cpu0().name):  # TF keeps queues, and runs their ops, on the host
                return execute(op, inputs, dict(attrs, queue=self._queue_ref))
        except errors.OpError as e:
            if not executing_eagerly():
                raise
            message = e.message.replace(f"__wrapped__{op.name}_device_",
                                        f"__wrapped__{op.name}_{attr_text}_device_", 1)
            if message.endswith(" name: "):
                message += node
            raise type(e)(e.node_def, e.op, message) from None

    def _result(self, tensors: list) -> Any:
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        return tensors[0] if len(tensors) == 1 else tensors

    # --- ops ---
    def enqueue(self, vals: Any, name: str | None = None) -> None:
        """Enqueues one element; blocks while the queue is full.

        Raises CancelledError if the queue is closed (or, blocked, when it is closed with
        `cancel_pending_enqueues=True`)."""
        tensors = self._check_enqueue_dtypes(vals)
        for t, shape in zip(tensors, self._shapes):
            t.shape.assert_is_compatible_with(shape)
        return self._run(ENQUEUE, tuple(tensors), {}, "", f"Tcomponents_{len(tensors)}")

    def enqueue_many(self, vals: Any, name: str | None = None) -> None:
        """Enqueues the slices of `vals` along their first dimension, blocking while full."""
        tensors = self._check_enqueue_dtypes(vals)
        batch = tensors[0].shape.with_rank_at_least(1)[0]
        for t, shape in zip(tensors, self._shapes):
            dim = t.shape.with_rank_at_least(1)[0]
            if batch is not None and dim is not None and batch != dim:
                raise ValueError(f"Dimensions {batch} and {dim} are not compatible")
            batch = batch if batch is not None else dim
            TensorShape(t.shape[1:]).assert_is_compatible_with(shape)
        return self._run(ENQUEUE_MANY, tuple(tensors), {}, "", f"Tcomponents_{len(tensors)}")

    def dequeue(self, name: str | None = None) -> Any:
        """Dequeues one element; blocks while the queue is empty and open; OutOfRangeError when
        it is closed and empty."""
        node = name or f"{self._name}_Dequeue"
        out = self._run(DEQUEUE, (), {}, node, f"component_types_{len(self._dtypes)}")
        return self._result(out)

    def dequeue_many(self, n: Any, name: str | None = None) -> Any:
        """Dequeues `n` elements, concatenated along a new first dimension; blocks until there
        are `n`; OutOfRangeError when the queue is closed with fewer."""
        node = name or f"{self._name}_DequeueMany"
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        out = self._run(DEQUEUE_MANY, (n,), {}, node, f"component_types_{len(self._dtypes)}")
        return self._result(out)

    def dequeue_up_to(self, n: Any, name: str | None = None) -> Any:
        """As `dequeue_many`, but a closed queue with fewer than `n` (and more than 0) elements
        returns them."""
        node = name or f"{self._name}_DequeueUpTo"
        n = convert_to_tensor(n, dtype=_dtypes.int32)
        out = self._run(DEQUEUE_UP_TO, (n,), {}, node, f"component_types_{len(self._dtypes)}")
        return self._result(out)

    def close(self, cancel_pending_enqueues: bool = False, name: str | None = None) -> None:
        """Closes the queue: later enqueues fail; dequeues drain what is left, then fail.
        `cancel_pending_enqueues=True` also cancels blocked enqueues."""
        return self._run(CLOSE, (), {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
                         name or f"{self._name}_Close", "")

    def is_closed(self, name: str | None = None) -> Any:
        """A scalar bool tensor: whether the queue is closed."""
        return self._run(IS_CLOSED, (), {}, name or f"{self._name}_Is_Closed", "")

    def size(self, name: str | None = None) -> Any:
        """A scalar int32 tensor: the number of elements in the queue."""
        return self._run(SIZE, (), {}, name or f"{self._name}_Size", "")


class FIFOQueue(QueueBase):
    """A queue that dequeues elements in first-in first-out order (`tf.queue.FIFOQueue`)."""

    def __init__(self, capacity: int, dtypes: Any, shapes: Any = None, names: Any = None,
                 shared_name: str | None = None, name: str = "fifo_queue") -> None:
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        ref = _create("FIFOQueue", dtypes, shapes, capacity, op_name=name)
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A FIFOQueue whose components may have unknown dimensions; `dequeue_many` pads them with
    zeros to the batch's largest (`tf.queue.PaddingFIFOQueue`)."""

    def __init__(self, capacity: int, dtypes: Any, shapes: Any, names: Any = None,
                 shared_name: str | None = None, name: str = "padding_fifo_queue") -> None:
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError("Shapes must be provided for all components, "
                             f"but received {len(dtypes)} dtypes and {len(shapes)} shapes.")
        ref = _create("PaddingFIFOQueue", dtypes, shapes, capacity, op_name=name)
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """A queue that dequeues elements lowest priority first (`tf.queue.PriorityQueue`); each
    element starts with its int64 priority (equal priorities leave in insertion order)."""

    def __init__(self, capacity: int, types: Any, shapes: Any = None, names: Any = None,
                 shared_name: str | None = None, name: str = "priority_queue") -> None:
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes)
        if not shapes:  # TF's kernel compares the priority's [] with the requested shapes
            uid = next(_QUEUE_IDS)
            raise errors.InvalidArgumentError(
                None, None, "{{function_node __wrapped__PriorityQueueV2_device_/job:localhost/replica:0/"
                            f"task:0/device:CPU:0}}}} Shared queue '{uid}' has component shapes [] but "
                            f"requested component shapes were [[]] [Op:PriorityQueueV2] name: {name}")
        all_types = [_dtypes.int64] + types
        all_shapes = [TensorShape([])] + shapes
        ref = _create("PriorityQueue", all_types, all_shapes, capacity, op_name=name)
        super().__init__(all_types, all_shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """A queue that dequeues elements in a random order, keeping at least `min_after_dequeue`
    while open (`tf.queue.RandomShuffleQueue`); a seed gives TF's order."""

    def __init__(self, capacity: int, min_after_dequeue: int, dtypes: Any, shapes: Any = None,
                 names: Any = None, seed: int | None = None, shared_name: str | None = None,
                 name: str = "random_shuffle_queue") -> None:
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        from eagerflow._src.ops.random.seeds import kernel_streams

        seed1, seed2 = kernel_streams().get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            import hashlib

            digest = hashlib.md5((str(seed1) + shared_name).encode("utf-8")).hexdigest()
            seed2 = int(digest[:8], 16) & 0x7FFFFFFF
        if min_after_dequeue >= capacity >= 0:
            raise errors.InvalidArgumentError(
                None, None, "{{function_node __wrapped__RandomShuffleQueueV2_device_/job:localhost/"
                            f"replica:0/task:0/device:CPU:0}}}} min_after_dequeue {min_after_dequeue} must "
                            f"be < capacity {capacity} [Op:RandomShuffleQueueV2] name: {name}")
        ref = _create("RandomShuffleQueue", dtypes, shapes, capacity, op_name=name,
                      min_after_dequeue=min_after_dequeue, seed=seed1, seed2=seed2)
        super().__init__(dtypes, shapes, names, ref)
