"""`tf.distribute.Strategy`, its `extended` half, `ReplicaContext`, and the default strategy.

A strategy owns a list of local devices, one replica each. `scope()` makes it current in
cross-replica context and routes `tf.Variable(...)` through its variable creator; `run`
calls a function once per replica in replica context. Subclasses (mirrored.py,
central_storage.py, multi_worker.py) choose how variables are created and how values
reduce; this file holds what they share.
"""
from __future__ import annotations

import contextlib
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.distribute import context, cross_device_ops as cdo
from eagerflow._src.distribute.reduce_util import ReduceOp, as_reduce_op
from eagerflow._src.distribute.values import (
    DistributedValues, Mirrored, PerReplica, flatten, local_results, map_structure, regroup,
    select_replica,
)
from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.dtypes import int32
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import array_ops, math_ops, reduce_ops
from eagerflow._src.variables import variable_creator_scope


class ReplicaContext:
    """What a replica sees while `strategy.run` calls its function (`tf.distribute.ReplicaContext`)."""

    def __init__(self, strategy: Any, replica_id_in_sync_group: int, local_index: int = 0) -> None:
        self._strategy = strategy
        self._replica_id = replica_id_in_sync_group
        self._local_index = local_index

    @property
    def strategy(self) -> Any:
        return self._strategy

    @property
    def num_replicas_in_sync(self) -> int:
        return self._strategy.num_replicas_in_sync

    @property
    def replica_id_in_sync_group(self) -> Any:
        """This replica's index among all replicas (an int32 scalar tensor, as in TF)."""
        return constant(self._replica_id, dtype=int32)

    @property
    def devices(self) -> tuple:
        return (self._strategy.extended._local_devices[self._local_index],)

    def merge_call(self, merge_fn: Callable, args: tuple = (), kwargs: dict | None = None) -> Any:
        """Runs `merge_fn(strategy, *args, **kwargs)` once for all replicas, in cross-replica
        context; arguments differing between replicas arrive as `PerReplica` values.

        Returns:
          This replica's part of the result (its component of a distributed result).
        """
        kwargs = kwargs or {}
        coordinator = self._strategy.extended._coordinator
        if coordinator is not None:
            return coordinator.merge_call(self._local_index, merge_fn, args, kwargs)
        with context.enter(self._strategy, None, None):  # cross-replica context, as a merge is
            result = merge_fn(self._strategy, *args, **kwargs)
        return select_replica(0, result)

    def all_reduce(self, reduce_op: Any, value: Any, options: Any = None) -> Any:
        """Reduces `value` (a nested structure of tensors) over all replicas; every replica
        gets the result, on its own device."""
        op = as_reduce_op(reduce_op)
        leaves = flatten(value)

        def merge(strategy: Any, *per_replica: Any) -> Any:
            extended = strategy.extended
            if extended._num_replicas_in_sync == len(extended._local_devices) > 1 and not any(
                    isinstance(v, DistributedValues) for v in per_replica):
                # TF: when every value is the same object in all replicas (a tensor created
                # outside `run`), each counts as one replica's value: it comes back unreduced.
                return list(per_replica)
            return extended._all_reduce(op, list(per_replica))

        reduced = self.merge_call(merge, args=tuple(leaves))
        # Fresh tensors, as TF's (its all-reduce is a custom-gradient function): a value that came
        # back unreduced is still this replica's own result.
        reduced = [array_ops.identity(r) if r is leaf and isinstance(r, Tensor) else r
                   for r, leaf in zip(reduced, leaves)]
        it = iter(reduced)
        return map_structure(lambda _: next(it), value)

    def all_gather(self, value: Any, axis: int, options: Any = None) -> Any:
        """Concatenates every replica's `value` along `axis`; every replica gets the result."""
        leaves = flatten(value)

        def merge(strategy: Any, *per_replica: Any) -> Any:
            return [strategy.extended._broadcast_local(strategy.extended._gather(v, axis))
                    for v in per_replica]

        gathered = self.merge_call(merge, args=tuple(leaves))
        it = iter(gathered)
        return map_structure(lambda _: next(it), value)


class ValueContext:
    """What `experimental_distribute_values_from_function` passes to its function."""

    def __init__(self, replica_id_in_sync_group: int = 0, num_replicas_in_sync: int = 1) -> None:
        self.replica_id_in_sync_group = replica_id_in_sync_group
        self.num_replicas_in_sync = num_replicas_in_sync


class StrategyExtended:
    """The part of a strategy for strategy-aware code (`strategy.extended`).

    Subclasses set `_local_devices` (device name strings) and implement `_create_variable`.
    """

    def __init__(self, container_strategy: Any, local_devices: list[str]) -> None:
        self._strategy = container_strategy
        self._local_devices = tuple(local_devices)
        self._coordinator: Any = None  # set while `run` has replica threads
        self._default_replica_context = ReplicaContext(container_strategy, 0, 0)

    def _container_strategy(self) -> Any:
        return self._strategy

    # --- what subclasses change -----------------------------------------------------------
    @property
    def _num_replicas_in_sync(self) -> int:
        return len(self._local_devices)

    def _replica_id(self, local_index: int) -> int:
        return local_index

    def _create_variable(self, next_creator: Callable, **kwargs: Any) -> Any:
        return next_creator(**kwargs)

    def _cross_worker(self, op: ReduceOp, tensors: list) -> list:
        """Reduces locally reduced tensors over workers (identity within one process)."""
        return tensors

    # --- variables ------------------------------------------------------------------------
    def _creator(self, next_creator: Callable, **kwargs: Any) -> Any:
        stack = context.state.stack
        replica = stack[-1][1] if stack else None
        coordinator = self._coordinator
        if replica is not None and coordinator is not None:
            # Created inside `run`: by replica 0, the other replicas sharing it (as TF).
            return coordinator.create_variable(
                replica._local_index, lambda: self._create_variable(next_creator, **kwargs), kwargs.get("name"))
        return self._create_variable(next_creator, **kwargs)

    @property
    def parameter_devices(self) -> tuple:
        return self._local_devices

    @property
    def worker_devices(self) -> tuple:
        return self._local_devices

    @property
    def should_checkpoint(self) -> bool:
        """Whether this worker should write checkpoints (only the chief, across workers)."""
        return True

    @property
    def should_save_summary(self) -> bool:
        return True

    def variable_created_in_scope(self, v: Any) -> bool:
        return getattr(v, "_distribute", None) is self

    def colocate_vars_with(self, colocate_with_variable: Any) -> Any:
        return contextlib.nullcontext()

    # --- updates --------------------------------------------------------------------------
    def update(self, var: Any, fn: Callable, args: tuple = (), kwargs: dict | None = None,
               group: bool = True) -> Any:
        """Calls `fn(var, *args, **kwargs)` once per local copy of `var`, in cross-replica
        context, with `var` and distributed arguments resolved to that copy's replica."""
        kwargs = kwargs or {}
        copies = local_results(var)
        outputs = []
        for i, copy in enumerate(copies):
            with context.local_copy(i), device_scope(copy.device):
                outputs.append(fn(var, *select_replica(i, args), **select_replica(i, kwargs)))
        return regroup(outputs, Mirrored) if not group or len(outputs) > 1 else outputs[0]

    def optimizer_apply(self, apply_fn: Callable, grads_and_vars: list) -> Any:
        """How an optimizer updates this strategy's variables (its `Variable._distribute` hook).

        In replica context: one `merge_call` for all replicas. In cross-replica context:
        gradients are summed over replicas (per-replica values; one packed collective across
        workers), then `apply_fn(pairs)` runs once per local copy, the variables (and the
        optimizer's own, created in scope) resolving to that copy.
        """
        stack = context.state.stack
        replica = stack[-1][1] if stack and stack[-1][0].extended is self else None
        if replica is not None:
            # apply_fn travels in the closure: each replica's bound method is a new object.
            return replica.merge_call(
                lambda strategy, pairs: strategy.extended.optimizer_apply(apply_fn, pairs),
                args=(list(grads_and_vars),))
        pairs = list(grads_and_vars)
        grads = self._sum_gradients([g for g, _ in pairs])
        variables = [v for _, v in pairs]
        copies = max(len(local_results(v)) for v in variables)
        result = None
        with self._strategy.scope():
            for i in range(copies):
                with context.local_copy(i):
                    result = apply_fn([(select_replica(i, g), v) for g, v in zip(grads, variables)])
        return result

    def _sum_gradients(self, grads: list) -> list:
        """Sums per-replica gradients; each result as a `Mirrored` value on the local devices."""
        return self._all_reduce(ReduceOp.SUM, grads, plain_is_reduced=True)

    # --- reductions -----------------------------------------------------------------------
    def reduce_to(self, reduce_op: Any, value: Any, destinations: Any = None, options: Any = None) -> Any:
        """Reduces a per-replica `value` to one tensor on `destinations`' (primary) device."""
        op = as_reduce_op(reduce_op)
        if self._plain_is_one_replicas(value):
            return _reduce_non_distributed(op, value)
        return self._reduce(op, [value], _destination(destinations, self))[0]

    def batch_reduce_to(self, reduce_op: Any, value_destination_pairs: list, options: Any = None) -> list:
        op = as_reduce_op(reduce_op)
        pairs = list(value_destination_pairs)
        if pairs and all(self._plain_is_one_replicas(v) for v, _ in pairs):
            # TF: values that are not distributed count as one replica's each: returned as they are.
            return [v for v, _ in pairs]
        return [self.reduce_to(op, v, d) for v, d in pairs]

    def _plain_is_one_replicas(self, value: Any) -> bool:
        """Whether `value` is not distributed while this worker has several replicas and is the
        only worker: TF then refuses to SUM it (summing identical copies is not defined)."""
        n = len(self._local_devices)
        return n > 1 and self._num_replicas_in_sync == n and not isinstance(value, DistributedValues)

    def _reduce(self, op: ReduceOp, values: list, destination: str | None = None,
                plain_is_reduced: bool = False) -> list:
        """Reduces each value over all replicas to one tensor on `destination` (default: the
        first local device). One cross-worker collective for all of them."""
        destination = destination or self._local_devices[0]
        n = self._num_replicas_in_sync
        local = []
        single = len(self._local_devices) == 1
        for v in values:
            if single and type(v) is EagerTensor and v._device.name == destination:
                local.append(v)  # one local replica, already in place: nothing to sum or copy
                continue
            if single and n == 1 and isinstance(v, IndexedSlices):
                local.append(v)  # one replica: sparse gradients stay sparse, as in TF
                continue
            parts = local_results(v) if isinstance(v, DistributedValues) else None
            if parts is None:
                t = convert_to_tensor(v)
                if plain_is_reduced or len(self._local_devices) == 1:
                    parts = (t,)
                else:  # a value outside any replica counts as every replica's (TF: Mirrored)
                    parts = (t,) * len(self._local_devices)
            local.append(cdo.sum_on_device(list(parts), destination))
        reduced = self._cross_worker(ReduceOp.SUM, local)
        if op is ReduceOp.MEAN:
            reduced = [t if n == 1 and isinstance(t, IndexedSlices) else cdo.divide(t, n, destination)
                       for t in reduced]
        return reduced

    def _all_reduce(self, op: ReduceOp, values: list, plain_is_reduced: bool = False) -> list:
        reduced = self._reduce(op, values, plain_is_reduced=plain_is_reduced)
        return [self._broadcast_local(t) for t in reduced]

    def _broadcast_local(self, tensor: Any) -> Any:
        """`tensor` on every local device (a `Mirrored` value; itself with one device)."""
        if len(self._local_devices) == 1:
            return tensor
        return Mirrored([cdo.copy_to(tensor, d) for d in self._local_devices])

    def _gather(self, value: Any, axis: int) -> Any:
        parts = list(local_results(value))
        return cdo.concat_on_device(parts, axis, self._local_devices[0])

    def _replica_context(self, local_index: int) -> ReplicaContext:
        return ReplicaContext(self._strategy, self._replica_id(local_index), local_index)


def _reduce_non_distributed(op: ReduceOp, value: Any) -> Any:
    """TF's reduction of a value that is the same in every replica: zeros (not a tensor) stay
    zeros, a MEAN is the value itself, a SUM is refused."""
    if not isinstance(value, (Tensor, IndexedSlices, DistributedValues)) and np.all(value == 0):
        return np.zeros(value.shape, dtype=value.dtype)
    if op is ReduceOp.MEAN:
        return value
    raise ValueError("A non-DistributedValues value %s cannot be reduced with the given reduce op %s." % (value, op))


def _destination(destinations: Any, extended: StrategyExtended) -> str | None:
    if destinations is None:
        return None
    if isinstance(destinations, str):
        return destinations
    return local_results(destinations)[0].device


class Strategy:
    """A way to distribute computation over devices and workers (`tf.distribute.Strategy`)."""

    def __init__(self, extended: StrategyExtended) -> None:
        self._extended = extended

    @property
    def extended(self) -> StrategyExtended:
        return self._extended

    @property
    def num_replicas_in_sync(self) -> int:
        """How many replicas take part in each step, over all workers."""
        return self._extended._num_replicas_in_sync

    @contextlib.contextmanager
    def scope(self) -> Iterator["Strategy"]:
        """Makes this strategy current (cross-replica context): variables created inside are
        distributed by it.

        Entering the scope of the strategy already current in cross-replica context again
        changes nothing (as TF counts re-entries): variables are still distributed once.

        Raises:
          RuntimeError: another (non-default) strategy's scope is open, or this strategy is in
            replica context (inside `run`).
        """
        stack = context.state.stack
        if stack and not isinstance(stack[-1][0], _DefaultDistributionStrategy):
            current, replica = stack[-1]
            if current is not self:
                raise RuntimeError(f"Mixing different tf.distribute.Strategy objects: {current!r} is not {self!r}")
            if replica is not None:
                raise RuntimeError("Method requires being in cross-replica context, use "
                                   "get_replica_context().merge_call()")
            yield self
            return
        with context.enter(self, None, None), variable_creator_scope(self._extended._creator):
            yield self

    def run(self, fn: Callable, args: tuple = (), kwargs: dict | None = None, options: Any = None) -> Any:
        """Calls `fn(*args, **kwargs)` once per replica, in replica context.

        Distributed arguments are replaced by each replica's component. Returns the outputs
        regrouped: a `PerReplica` where replicas differ, the value itself where they agree.
        """
        kwargs = kwargs or {}
        extended = self._extended
        replicated = self._replicated_function(fn)
        if replicated is not None:
            return replicated(args, kwargs)
        if len(extended._local_devices) > 1:
            from eagerflow._src.distribute.mirrored_run import call_for_each_replica

            with self.scope():
                return call_for_each_replica(self, fn, args, kwargs)
        replica = extended._replica_context(0)
        with self.scope(), context.enter(self, replica, 0), device_scope(extended._local_devices[0]):
            return self._wrap_single(fn(*select_replica(0, args), **select_replica(0, kwargs)))

    def _replicated_function(self, fn: Callable) -> Any:
        """For `run(tf.function(f))` called eagerly: `tf.function(lambda: run(f))` (as TF does), so
        every replica is traced into one graph and the collectives between them are nodes of it,
        run each call; None for anything else."""
        from eagerflow._src.framework.graph import executing_eagerly
        from eagerflow._src.function.polymorphic_function import Function

        if not isinstance(fn, Function) or not executing_eagerly():
            return None
        cache = self.__dict__.get("_replicated")
        if cache is None:
            cache = self._replicated = weakref.WeakKeyDictionary()
        replicated = cache.get(fn)
        if replicated is None:
            python_function = fn.python_function
            replicated = cache[fn] = Function(
                lambda args, kwargs: self.run(python_function, args, kwargs), name=fn.__name__,
                autograph=fn._autograph, reduce_retracing=fn._reduce_retracing)
        return replicated

    def _wrap_single(self, outputs: Any) -> Any:
        return outputs

    def reduce(self, reduce_op: Any, value: Any, axis: int | None) -> Any:
        """Reduces a per-replica `value` over replicas (and over `axis` within each first).

        With MEAN and an axis, the mean over all elements of all replicas along `axis`.
        """
        op = as_reduce_op(reduce_op)
        extended = self._extended
        if axis is None:  # a nested structure reduces leaf by leaf, in one collective (as TF)
            leaves = flatten(value)
            plain = {i: _reduce_non_distributed(op, v) for i, v in enumerate(leaves)
                     if extended._plain_is_one_replicas(v)}
            reduced = iter(extended._reduce(op, [v for i, v in enumerate(leaves) if i not in plain]))
            results = iter([plain[i] if i in plain else next(reduced) for i in range(len(leaves))])
            return map_structure(lambda _: next(results), value)
        parts = local_results(value)
        if extended._plain_is_one_replicas(value):  # TF reduces it along `axis` in every replica
            parts = (value,) * len(extended._local_devices)
        sums, counts = [], []
        for part in parts:
            t = convert_to_tensor(part)
            with device_scope(t.device):
                sums.append(reduce_ops.reduce_sum(t, axis=axis))
                counts.append(array_ops.shape(t)[axis])
        total = extended._reduce(ReduceOp.SUM, [_maybe_per_replica(sums)], plain_is_reduced=True)[0]
        if op is ReduceOp.SUM:
            return total
        count = extended._reduce(ReduceOp.SUM, [_maybe_per_replica(counts)], plain_is_reduced=True)[0]
        with device_scope(total.device):
            count = math_ops.cast(count, total.dtype)
            if total.dtype.is_floating or total.dtype.is_complex:
                return math_ops.truediv(total, count)
            return math_ops.truncatediv(total, count)

    def gather(self, value: Any, axis: int) -> Any:
        """Concatenates the replicas' components of `value` along `axis` (over all workers)."""
        return self._extended._gather(value, axis)

    def experimental_local_results(self, value: Any) -> tuple:
        """The components of `value` on this worker's replicas, in order."""
        return local_results(value)

    def experimental_distribute_values_from_function(self, value_fn: Callable) -> Any:
        """`PerReplica` of `value_fn(ValueContext)` run once per local replica on its device."""
        extended = self._extended
        n = self.num_replicas_in_sync
        parts = []
        for i, d in enumerate(extended._local_devices):
            with device_scope(d):
                parts.append(value_fn(ValueContext(extended._replica_id(i), n)))
        return PerReplica(parts) if len(parts) > 1 or self._always_per_replica else parts[0]

    _always_per_replica = False

    def experimental_distribute_dataset(self, dataset: Any, options: Any = None) -> Any:
        """A `DistributedDataset`: each global batch of `dataset` split along axis 0 over the
        replicas (this worker's part, one `PerReplica` component per local replica)."""
        from eagerflow._src.distribute.input_lib import DistributedDataset

        return DistributedDataset(self, dataset, options)

    def distribute_datasets_from_function(self, dataset_fn: Callable, options: Any = None) -> Any:
        """`dataset_fn(InputContext)` once per worker; each step, one batch per local replica."""
        from eagerflow._src.distribute.input_lib import DistributedDatasetsFromFunction

        return DistributedDatasetsFromFunction(self, dataset_fn, options)

    experimental_distribute_datasets_from_function = distribute_datasets_from_function

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"


def _maybe_per_replica(values: list) -> Any:
    return PerReplica(values) if len(values) > 1 else values[0]


class _DefaultDistributionStrategy(Strategy):
    """The strategy in effect outside any scope: one replica, on the current device."""

    def __init__(self) -> None:
        super().__init__(_DefaultExtended(self))

    def scope(self) -> Any:  # type: ignore[override]
        return contextlib.nullcontext(self)


class _DefaultExtended(StrategyExtended):
    def __init__(self, strategy: Strategy) -> None:
        super().__init__(strategy, [""])

    def optimizer_apply(self, apply_fn: Callable, grads_and_vars: list) -> Any:
        return apply_fn(list(grads_and_vars))


def default_device_name() -> str:
    """The default device ("GPU:0" when present, else "CPU:0")."""
    d = devices_lib.default_device()
    return d.short_name
