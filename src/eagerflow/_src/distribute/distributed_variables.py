"""Variables with one local copy per replica (`MirroredVariable`, `SyncOnReadVariable`) or
one copy on a parameter device (`AggregatingVariable`), as TF's distribution strategies make them.

Each is a `tf.Variable`: the op pipeline sees, through `_array`, `_device` and `_lock`, the
copy the current thread works on (its replica's in replica context, the one
`extended.update` is writing, else the primary). Strategy logic lives in the updates below,
which aggregate per the variable's `aggregation` and reach every copy.
"""
from __future__ import annotations

from typing import Any, Sequence

from eagerflow._src.distribute import context
from eagerflow._src.distribute.reduce_util import ReduceOp
from eagerflow._src.distribute.values import DistributedValues, PerReplica
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.variables import (
    UnreadVariable, Variable, VariableAggregation, VariableSynchronization,
)

_state = context.state
_UPDATES = ("assign", "assign_add", "assign_sub")


class DistributedVariable(Variable, DistributedValues):
    """A variable backed by several local variables (`values`), one per local replica.

    A `DistributedValues` as in TF (Keras checks `variable.value` by it); unlike per-replica
    values, `strategy.run` hands replicas the variable itself, not a copy.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Python calls __init__ again on what a variable creator returns: already built.
        pass

    @classmethod
    def _build(cls, extended: Any, components: Sequence[Variable]) -> "DistributedVariable":
        self = object.__new__(cls)
        primary = components[0]
        self._values = tuple(components)
        self._name = primary._name
        self._trainable = primary._trainable
        self._shape = primary._shape
        self._constraint = primary._constraint
        self._synchronization = primary._synchronization
        self._aggregation = primary._aggregation
        self._validate_shape = primary._validate_shape
        self._distribute = extended  # the strategy's `extended`: optimizers hand updates to it
        return self

    # --- the local copy the op pipeline sees --------------------------------------------------
    def _component(self) -> Variable:
        index = _state.local_index
        values = self._values
        if index is None or len(values) == 1:
            return values[0]
        return values[index]

    def _graph_resource(self) -> Variable:
        """The local copy a traced op on this variable binds (framework/graph.py)."""
        return self._component()

    @property
    def _array(self) -> Any:  # type: ignore[override]
        return self._component()._array

    @_array.setter
    def _array(self, value: Any) -> None:
        self._component()._array = value

    @property
    def _device(self) -> Any:  # type: ignore[override]
        return self._component()._device

    @property
    def _lock(self) -> Any:  # type: ignore[override]
        return self._component()._lock

    # --- TF's distributed-value surface -------------------------------------------------------
    @property
    def values(self) -> tuple:
        """The local variables, in replica order."""
        return self._values

    @property
    def _primary(self) -> Variable:
        return self._values[0]

    @property
    def distribute_strategy(self) -> Any:
        return self._distribute._container_strategy()

    def _get_on_device_or_primary(self) -> Variable:
        return self._component()

    def _in_own_replica(self) -> Any:
        """This thread's `ReplicaContext` when it belongs to this variable's strategy."""
        stack = _state.stack
        if stack and stack[-1][1] is not None and stack[-1][0].extended is self._distribute:
            return stack[-1][1]
        return None

    def _cross_replica(self) -> bool:
        return _state.local_index is None and self._in_own_replica() is None

    # --- updates ------------------------------------------------------------------------------
    def assign(self, value: Any, use_locking: bool = False, name: str | None = None,
               read_value: bool = True) -> Any:
        return self._update("assign", value, read_value)

    def assign_add(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        return self._update("assign_add", delta, read_value)

    def assign_sub(self, delta: Any, use_locking: bool = False, name: str | None = None,
                   read_value: bool = True) -> Any:
        return self._update("assign_sub", delta, read_value)

    def _update(self, method: str, value: Any, read_value: bool) -> Any:
        replica = self._in_own_replica()
        if replica is not None:
            self._update_replica(replica, method, value)
        elif _state.local_index is not None:  # inside extended.update: this copy only
            getattr(Variable, method)(self, value, read_value=False)
        else:
            self._update_cross_replica(method, value)
        return UnreadVariable(self) if read_value else None

    def _update_local(self, method: str, value: Any) -> None:
        getattr(Variable, method)(self, value, read_value=False)

    def _update_all(self, method: str, value: Any) -> None:
        """Applies the same update to every local copy, each on its own device."""
        if isinstance(value, PerReplica):
            raise ValueError("Cannot update a mirrored variable in cross-replica context with a "
                             "PerReplica value; reduce it first (strategy.reduce).")
        value = convert_to_tensor(value, dtype=self.dtype)
        for i in range(len(self._values)):
            with context.local_copy(i):
                getattr(Variable, method)(self, value, read_value=False)

    def _update_cross_replica(self, method: str, value: Any) -> None:
        self._update_all(method, value)

    def _update_replica(self, replica: Any, method: str, value: Any) -> None:
        aggregation = self._aggregation
        if aggregation is VariableAggregation.NONE:
            # TF 2.21 applies a NONE-aggregated update to the replica's own copy (checked).
            self._update_local(method, value)
            return
        # The value as given travels too: one every replica shares (a Python constant) is
        # reduced as TF reduces a non-distributed value (a SUM of it is refused).
        replica.merge_call(_merge_update, args=(self, method, convert_to_tensor(value, dtype=self.dtype), value))

    def __repr__(self) -> str:
        if not self._cross_replica():
            return repr(self._component())
        items = ",\n".join(f"  {i}: {v!r}" for i, v in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{items}\n}}"

    __str__ = __repr__


def _merge_update(strategy: Any, variable: DistributedVariable, method: str, value: Any,
                  given: Any = None) -> None:
    """Runs once, in cross-replica context, for an update every replica asked for."""
    aggregation = variable._aggregation
    if aggregation is VariableAggregation.ONLY_FIRST_REPLICA:
        if isinstance(value, PerReplica):
            value = value._values[0]
    else:
        reduce_to = strategy.extended.reduce_to
        op = ReduceOp.from_variable_aggregation(aggregation)
        if strategy.extended._plain_is_one_replicas(given):
            value = reduce_to(op, given, destinations=variable)
        else:
            value = reduce_to(op, value, destinations=variable)
    variable._update_all(method, value)


class MirroredVariable(DistributedVariable):
    """Holds a copy of one variable on every replica's device; updates keep them in sync."""


class SyncOnReadVariable(DistributedVariable):
    """Per-replica copies updated locally, aggregated (SUM, MEAN, ...) when read across replicas."""

    def _update_replica(self, replica: Any, method: str, value: Any) -> None:
        self._update_local(method, value)

    def _update_cross_replica(self, method: str, value: Any) -> None:
        aggregation = self._aggregation
        if method == "assign":
            if aggregation is VariableAggregation.SUM:
                # TF spreads the value so that the sum over replicas reads back `value`.
                n = self._distribute._num_replicas_in_sync
                value = convert_to_tensor(value, dtype=self.dtype) / n
            self._update_all(method, value)
            return
        if aggregation is VariableAggregation.SUM:
            raise ValueError(f"SyncOnReadVariable does not support `{method}` in cross-replica "
                             "context when aggregation is set to `tf.VariableAggregation.SUM`.")
        self._update_all(method, value)

    def _aggregated(self) -> Any:
        aggregation = self._aggregation
        reads = [Variable.read_value(v) for v in self._values]
        if aggregation in (VariableAggregation.SUM, VariableAggregation.MEAN):
            return self._distribute.reduce_to(ReduceOp.from_variable_aggregation(aggregation),
                                              _per_replica(reads), destinations=self)
        return reads[0]

    def read_value(self) -> Any:
        if self._cross_replica():
            return self._aggregated()
        return Variable.read_value(self)

    def value(self) -> Any:
        return self.read_value()

    def _as_tensor(self, dtype: Any = None) -> Any:
        if self._cross_replica():
            return convert_to_tensor(self._aggregated(), dtype=dtype)
        return Variable._as_tensor(self, dtype)


class AggregatingVariable(DistributedVariable):
    """One variable on the parameter device; replica updates aggregate (CentralStorageStrategy)."""

    def _update_replica(self, replica: Any, method: str, value: Any) -> None:
        if self._aggregation is VariableAggregation.NONE:
            raise ValueError(
                "You must specify an aggregation method to update a variable in replica context "
                "under CentralStorageStrategy (tf.VariableAggregation.SUM, MEAN or "
                "ONLY_FIRST_REPLICA); or update it in cross-replica context.")
        super()._update_replica(replica, method, value)

    def __repr__(self) -> str:
        return repr(self._values[0])

    __str__ = __repr__


def _per_replica(values: list) -> Any:
    return PerReplica(values) if len(values) > 1 else values[0]


def check_synchronization(kwargs: dict) -> VariableSynchronization:
    """The variable's synchronization under a strategy: AUTO means ON_WRITE; NONE is refused."""
    synchronization = VariableSynchronization(kwargs.get("synchronization") or VariableSynchronization.AUTO)
    if synchronization is VariableSynchronization.NONE:
        raise ValueError("`NONE` variable synchronization mode is not supported with tf.distribute "
                         "strategy. Please change the `synchronization` for variable: "
                         f"{kwargs.get('name')}")
    if synchronization is VariableSynchronization.AUTO:
        synchronization = VariableSynchronization.ON_WRITE
    return synchronization
