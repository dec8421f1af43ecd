"""`Variable`: persistent, mutable state — a handle to one buffer on one device.

Reads and updates are ops (`ReadVariableOp`, `AssignVariableOp`, ...), so placement logs and
tapes see them. A variable always owns fresh memory at creation, updates in place when nothing
else references its buffer, and never changes a tensor read from it earlier.
"""
from __future__ import annotations

import enum
import threading
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor, current_device
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.formatting import numpy_text
from eagerflow._src.framework.tensor import Reference, EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.framework import types_core
from eagerflow._src.ops import indexing_ops, operators, state_ops

_thread = context.thread
_flags = context.flags


# Python containers whose conversion makes a fresh array nobody else references.
_FRESH_SOURCES = frozenset((list, tuple))


class VariableSynchronization(enum.Enum):
    """When a distributed variable is aggregated (`tf.VariableSynchronization`)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's updates are combined (`tf.VariableAggregation`)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class Variable(types_core.Tensor):
    """A mutable tensor-valued state (`tf.Variable`).

    Args:
      initial_value: a tensor, or anything convertible, or a callable returning one.
      trainable: whether gradient tapes watch it (default True; False for ON_READ).
      validate_shape: when False, assignments may change the shape.
      name: the name (default "Variable"); duplicates are allowed. Prefixed by name scopes.
      dtype: converts the initial value to this dtype (TF's conversion rules).
      constraint: an optional projection applied by optimizers after updates.
      synchronization, aggregation: distribution behaviour.
      shape: the declared (possibly partially unknown) shape.
    """

    __slots__ = ("_array", "_device", "_lock", "_name", "_trainable", "_shape", "_constraint",
                 "_synchronization", "_aggregation", "_distribute", "_validate_shape", "__weakref__")
    __array_priority__ = 100

    def __new__(cls, *args: Any, **kwargs: Any) -> "Variable":
        # Inside `variable_creator_scope` (e.g. a distribution strategy's scope), creation is
        # handed to the creators, which may return another Variable type.
        if cls is Variable:
            if getattr(_creators, "stack", None):
                return _create_through_creators(args, kwargs)
            return object.__new__(ResourceVariable)  # TF: tf.Variable(...) is a ResourceVariable
        return object.__new__(cls)

    def __init__(self, initial_value: Any = None, trainable: bool | None = None,
                 validate_shape: bool = True, caching_device: Any = None, name: str | None = None,
                 variable_def: Any = None, dtype: Any = None, import_scope: Any = None,
                 constraint: Callable | None = None,
                 synchronization: VariableSynchronization = VariableSynchronization.AUTO,
                 aggregation: VariableAggregation = VariableAggregation.NONE,
                 shape: Any = None, experimental_enable_variable_lifting: bool = True,
                 **unused_kwargs: Any) -> None:
        # TF's variable metaclass ignores keyword arguments it does not know.
        if getattr(self, "_device", None) is not None:
            return  # built by a creator already; Python calls __init__ once more
        if initial_value is None:
            raise ValueError("The `initial_value` arg to `tf.Variable` must be specified except "
                             "when you are not providing a `variable_def`. You provided neither.")
        if constraint is not None and not callable(constraint):
            raise ValueError("Argument `constraint` must be None or a callable. a callable. Got a "
                             f"{type(constraint)}:  {constraint}")
        if type(synchronization) is not VariableSynchronization:
            synchronization = VariableSynchronization(synchronization)
        if type(aggregation) is not VariableAggregation:
            aggregation = VariableAggregation(aggregation)
        if trainable is None:
            trainable = synchronization is not VariableSynchronization.ON_READ
        if callable(initial_value):
            initial_value = initial_value()
        try:
            init = convert_to_tensor(initial_value, dtype=dtype)
        except ValueError as e:
            if isinstance(initial_value, (Tensor, Variable)):
                raise ValueError(f"initial_value: {e}") from None
            raise
        declared = TensorShape._from_tuple(init._array.shape)
        if shape is not None:
            wanted = as_shape(shape)
            if not wanted.is_compatible_with(declared):
                raise ValueError(
                    f"In this `tf.Variable` creation, the initial value's shape ({declared}) is not "
                    f"compatible with the explicitly supplied `shape` argument ({_list_text(wanted)}).")
            declared = wanted
        self._validate_shape = bool(validate_shape)
        scope = _thread.name_scope
        base = "Variable" if name is None else name
        self._name = f"{scope}{base}:0"
        self._trainable = bool(trainable)
        self._shape = declared
        self._constraint = constraint
        self._synchronization = synchronization
        self._aggregation = aggregation
        self._distribute = None
        self._lock = threading.Lock()
        self._device = current_device()
        self._array = None
        if _flags.special:  # VarHandleOp does nothing but appear in placement logs and traces
            execute(state_ops.VAR_HANDLE, (self,))
        value = init._array
        if init._device is not self._device:
            from eagerflow._src.framework.transfers import copy_array

            value = copy_array(value, init._device, self._device)
        elif type(initial_value) not in _FRESH_SOURCES:
            value = self._device.backend.copy(value, self._device.backend_index)
        # else: the array was just made from Python data; nothing else holds it, so it is ours
        execute(state_ops.ASSIGN, (self, EagerTensor(value, self._device)))

    # --- description --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> _dtypes.DType:
        return _dtypes.from_numpy(self._array.dtype)

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def device(self) -> str:
        return self._device.name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Callable | None:
        return self._constraint

    @property
    def synchronization(self) -> VariableSynchronization:
        return self._synchronization

    @property
    def aggregation(self) -> VariableAggregation:
        return self._aggregation

    @property
    def initial_value(self) -> Any:
        raise RuntimeError("This property is not supported when eager execution is enabled.")

    @property
    def handle(self) -> "Variable":
        return self

    @property
    def _shared_name(self) -> str:
        return self._name.rsplit(":", 1)[0]

    @property
    def _unique_id(self) -> str:
        """A key unique among live variables (TF's `{name}_{uid}`; libraries such as Keras's
        optimizers key per-variable state by it)."""
        return f"{self._shared_name}_{id(self)}"

    def _serialize_to_tensors(self) -> dict[str, Any]:
        """What a checkpoint saves of this variable: its value (TF's trackable protocol;
        Keras's variable delegates here)."""
        return {"VARIABLE_VALUE": self}

    def _restore_from_tensors(self, restored_tensors: dict[str, Any]) -> Any:
        value = convert_to_tensor(restored_tensors["VARIABLE_VALUE"], dtype=self.dtype)
        if not self._shape.is_compatible_with(value.shape):
            # TF's ResourceVariable._restore_from_tensors message.
            raise ValueError(f"Received incompatible tensor with shape {value.shape} when attempting to "
                             f"restore variable with shape {self._shape} and name {self.name}.")
        return self.assign(value, read_value=False)

    # --- reads --------------------------------------------------------------------------------
    def read_value(self) -> Tensor:
        """The current value as a tensor; later updates never change it."""
        return execute(state_ops.READ, (self,))

    def value(self) -> Tensor:
        return execute(state_ops.READ, (self,))

    def _as_tensor(self, dtype: _dtypes.DType | None = None) -> Tensor:
        if dtype is not None and dtype._np != self._array.dtype:
            raise ValueError(
                f"Incompatible type conversion requested to type {dtype.name} for `tf.Variable of "
                f"type {self.dtype.name}. (Variable: {self!r})")
        return execute(state_ops.READ, (self,))

    def numpy(self) -> Any:
        """A copy of the value as NumPy; later assigns never change it."""
        return self.read_value().numpy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.read_value().__array__(dtype, copy)

    def sparse_read(self, indices: Any, name: str | None = None) -> Tensor:
        """Gathers rows of the variable (`ResourceGather`)."""
        from eagerflow._src.framework.dtypes import int32

        idx = convert_to_tensor(indices, dtype_hint=int32)
        return execute(state_ops.GATHER, (self, idx))

    # --- updates ------------------------------------------------------------------------------
    def _converted(self, value: Any) -> Tensor:
        if type(value) is EagerTensor and value._array.dtype == self._array.dtype:
            return value  # the common case, kept off the general conversion path
        return convert_to_tensor(value, dtype=_dtypes.from_numpy(self._array.dtype))

    def _check_shape(self, value: Tensor) -> None:
        # TF checks against the declared shape even with validate_shape=False.
        dims = self._shape._dims
        if dims is not None and dims != value._array.shape and not self._shape.is_compatible_with(value.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self._name}': Shape mismatch.The variable "
                f"shape {self._shape}, and the assigned value shape {value.shape} are incompatible.")

    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Any:
        """Writes `value` (same shape and dtype) into the variable; returns it (TF's UnreadVariable)."""
        value = self._converted(value)
        self._check_shape(value)
        execute(state_ops.ASSIGN, (self, value))
        return UnreadVariable(self) if read_value else None

    def assign_add(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        """Adds `delta` in place; returns the variable (TF's UnreadVariable)."""
        execute(state_ops.ASSIGN_ADD, (self, self._converted(delta)))
        return UnreadVariable(self) if read_value else None

    def assign_sub(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        """Subtracts `delta` in place; returns the variable (TF's UnreadVariable)."""
        execute(state_ops.ASSIGN_SUB, (self, self._converted(delta)))
        return UnreadVariable(self) if read_value else None

    def _scatter_nd(self, op: Any, indices: Any, updates: Any) -> "UnreadVariable":
        from eagerflow._src.framework.dtypes import int32

        idx = convert_to_tensor(indices, dtype_hint=int32)
        execute(op, (self, idx, self._converted(updates)))
        return UnreadVariable(self)

    def scatter_nd_update(self, indices: Any, updates: Any, name: str | None = None) -> "UnreadVariable":
        """Writes `updates` at `indices` (`ResourceScatterNdUpdate`)."""
        return self._scatter_nd(state_ops.SCATTER_ND_UPDATE, indices, updates)

    def scatter_nd_add(self, indices: Any, updates: Any, name: str | None = None) -> "UnreadVariable":
        return self._scatter_nd(state_ops.SCATTER_ND_ADD, indices, updates)

    def scatter_nd_sub(self, indices: Any, updates: Any, name: str | None = None) -> "UnreadVariable":
        return self._scatter_nd(state_ops.SCATTER_ND_SUB, indices, updates)

    def scatter_nd_max(self, indices: Any, updates: Any, name: str | None = None) -> "UnreadVariable":
        return self._scatter_nd(state_ops.SCATTER_ND_MAX, indices, updates)

    def scatter_nd_min(self, indices: Any, updates: Any, name: str | None = None) -> "UnreadVariable":
        return self._scatter_nd(state_ops.SCATTER_ND_MIN, indices, updates)

    def _scatter(self, op: Any, sparse_delta: Any) -> "UnreadVariable":
        """`sparse_delta` (an IndexedSlices) applied at its rows (TF's ResourceScatter* ops, as
        the ScatterNd op on indices of depth one)."""
        from eagerflow._src.framework.dtypes import int32
        from eagerflow._src.framework.indexed_slices import IndexedSlices
        from eagerflow._src.ops import array_ops

        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received arg: {sparse_delta}")
        idx = array_ops.expand_dims(convert_to_tensor(sparse_delta.indices, dtype_hint=int32), -1)
        execute(op, (self, idx, self._converted(sparse_delta.values)))
        return UnreadVariable(self)

    def scatter_update(self, sparse_delta: Any, use_locking: bool = False, name: str | None = None) -> "UnreadVariable":
        return self._scatter(state_ops.SCATTER_ND_UPDATE, sparse_delta)

    def scatter_add(self, sparse_delta: Any, use_locking: bool = False, name: str | None = None) -> "UnreadVariable":
        return self._scatter(state_ops.SCATTER_ND_ADD, sparse_delta)

    def scatter_sub(self, sparse_delta: Any, use_locking: bool = False, name: str | None = None) -> "UnreadVariable":
        return self._scatter(state_ops.SCATTER_ND_SUB, sparse_delta)

    def scatter_max(self, sparse_delta: Any, use_locking: bool = False, name: str | None = None) -> "UnreadVariable":
        return self._scatter(state_ops.SCATTER_ND_MAX, sparse_delta)

    def scatter_min(self, sparse_delta: Any, use_locking: bool = False, name: str | None = None) -> "UnreadVariable":
        return self._scatter(state_ops.SCATTER_ND_MIN, sparse_delta)

    def _assign_slice(self, index: Any, value: Any) -> "UnreadVariable":
        value = self._converted(value)
        execute(state_ops.STRIDED_SLICE_ASSIGN, (self, value), {"index": index})
        return UnreadVariable(self)

    def __setitem__(self, key: Any, value: Any) -> None:
        # TF's message names its class; `v[key].assign(value)` is the way to write a slice.
        raise TypeError("'ResourceVariable' object does not support item assignment")

    def __iadd__(self, other: Any) -> Any:
        raise RuntimeError(_IN_PLACE_MESSAGE.format(op="+=", method="assign_add", sym="+"))

    def __isub__(self, other: Any) -> Any:
        raise RuntimeError(_IN_PLACE_MESSAGE.format(op="-=", method="assign_sub", sym="-"))

    # --- identity -----------------------------------------------------------------------------
    def __hash__(self) -> int:
        raise TypeError(f"Variable is unhashable. Instead, use variable.ref() as the key. (Variable: {self!r})")

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    def __bool__(self) -> bool:
        return bool(self.read_value())

    def __float__(self) -> float:
        return float(self.read_value())

    def __int__(self) -> int:
        return int(self.read_value())

    def __index__(self) -> int:
        return self.read_value().__index__()

    def __iter__(self) -> Any:
        return iter(self.read_value())

    def __repr__(self) -> str:
        return _variable_repr(self._name, self)

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> "Variable":
        copied = Variable(self.read_value(), trainable=self._trainable, name=self._name[:-2],
                          constraint=self._constraint, synchronization=self._synchronization,
                          aggregation=self._aggregation, shape=self._shape)
        memo[id(self)] = copied
        return copied

    def __reduce__(self):
        raise TypeError("Variables cannot be pickled; save them with tf.train.Checkpoint.")


_IN_PLACE_MESSAGE = ("`variable {op} value` with `tf.Variable`s is not supported. Use "
                     "`variable.{method}(value)` to modify the variable, or `out = variable {sym} value` "
                     "if you need to get a new output Tensor.")


class ResourceVariable(Variable):
    """The concrete class of `tf.Variable(...)` (TF's name: `type(v).__name__` is ResourceVariable)."""

    __slots__ = ()


def _list_text(shape: TensorShape) -> str:
    return "None" if shape.dims is None else str(shape.as_list())


def _variable_repr(name: str, variable: Variable) -> str:
    value = variable.read_value()
    return (f"<tf.Variable '{name}' shape={variable.shape} dtype={value.dtype.name}, "
            f"numpy={numpy_text(value._host(), True)}>")


class UnreadVariable:
    """What `assign*` returns in TF: the same variable, named 'UnreadVariable' in its repr."""

    __slots__ = ("_variable",)
    __array_priority__ = 100

    def __init__(self, variable: Variable) -> None:
        self._variable = variable

    def __getattr__(self, name: str) -> Any:
        return getattr(self._variable, name)

    def __repr__(self) -> str:
        return _variable_repr("UnreadVariable", self._variable)

    __str__ = __repr__

    def __hash__(self) -> int:
        return self._variable.__hash__()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._variable.__array__(dtype, copy)

    def __bool__(self) -> bool:
        return bool(self._variable)

    def __float__(self) -> float:
        return float(self._variable)

    def __int__(self) -> int:
        return int(self._variable)

    def __iter__(self) -> Any:
        return iter(self._variable)

    def __iadd__(self, other: Any) -> Any:
        return self._variable.__iadd__(other)

    def __isub__(self, other: Any) -> Any:
        return self._variable.__isub__(other)


class VariableSlice(EagerTensor):
    """`v[...]`: the slice's value as a tensor that can also `assign` into the variable."""

    __slots__ = ("_variable", "_index", "_value")

    def __init__(self, value: Tensor, variable: Variable, index: tuple) -> None:
        super().__init__(value._array, value._device)
        self._variable = variable
        self._index = index
        self._value = value  # the op's own output: the one gradient tapes recorded

    def _as_tensor(self, dtype: _dtypes.DType | None = None) -> Tensor:
        return convert_to_tensor(self._value, dtype=dtype)

    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Any:
        """Writes `value` into this slice of the variable (`ResourceStridedSliceAssign`)."""
        result = self._variable._assign_slice(self._index, value)
        return result if read_value else None


def _variable_getitem(variable: Any, key: Any) -> VariableSlice:
    var = variable._variable if isinstance(variable, UnreadVariable) else variable
    index = indexing_ops.normalize_index(key)
    value = execute(indexing_ops.STRIDED_SLICE, (var.read_value(),), {"index": index})
    return VariableSlice(value, var, index)


Variable.__getitem__ = _variable_getitem
UnreadVariable.__getitem__ = _variable_getitem
operators.install(Variable)
operators.install(UnreadVariable)


_creators = threading.local()
_INIT_PARAMETERS = ("initial_value", "trainable", "validate_shape", "caching_device", "name",
                    "variable_def", "dtype", "import_scope", "constraint", "synchronization",
                    "aggregation", "shape", "experimental_enable_variable_lifting")


def _default_creator(**kwargs: Any) -> Variable:
    variable = object.__new__(ResourceVariable)
    variable.__init__(**kwargs)
    return variable


def _create_through_creators(args: tuple, kwargs: dict) -> Any:
    kwargs = dict(zip(_INIT_PARAMETERS, args), **kwargs)
    stack = list(_creators.stack)
    creator = _default_creator
    for scope_creator in stack:  # the innermost scope runs first, as in TF
        creator = _chain(scope_creator, creator)
    return creator(**kwargs)


def _chain(scope_creator: Callable, next_creator: Callable) -> Callable:
    def creator(**kwargs: Any) -> Any:
        return scope_creator(next_creator, **kwargs)

    return creator


class variable_creator_scope:  # noqa: N801 - TF's name
    """Routes `tf.Variable(...)` through `creator(next_creator, **kwargs)` (`tf.variable_creator_scope`)."""

    def __init__(self, variable_creator: Callable) -> None:
        self._creator = variable_creator

    def __enter__(self) -> None:
        if getattr(_creators, "stack", None) is None:
            _creators.stack = []
        _creators.stack.append(self._creator)

    def __exit__(self, *exc: Any) -> None:
        _creators.stack.pop()
