"""Running a function once per replica, each replica in its own thread, with `merge_call`.

As TF's MirroredStrategy does: the replica threads take turns (replica 0 up to its next
`merge_call` or its end, then replica 1, ...); when every replica waits in `merge_call`, the
calling thread runs the merge function once, in cross-replica context, on the replicas'
arguments regrouped into `PerReplica` values, hands each replica its part of the result, and
lets them go on. Taking turns is what makes lazily built state safe (a Keras optimizer built by
replica 0 is built when replica 1 gets there) and, inside a `tf.function` trace, gives the
graph the same op order on every trace and every worker, which collectives in it rely on.

Variables created in replica context are TF's shared ones: replica 0 creates the distributed
variable, each other replica gets the one replica 0 created under the same name (in order).
"""
from __future__ import annotations

import re
import threading
from typing import Any, Callable

from eagerflow._src.distribute import context
from eagerflow._src.distribute.values import regroup, select_replica
from eagerflow._src.framework import context as framework_context
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.variables import variable_creator_scope


class _Aborted(Exception):
    """Raised in a replica thread waiting in merge_call when another replica failed."""


class _ReplicaThread(threading.Thread):
    def __init__(self, coordinator: "_Coordinator", index: int, fn: Callable, args: tuple,
                 kwargs: dict) -> None:
        super().__init__(name=f"eagerflow-replica-{index}", daemon=True)
        self.coordinator = coordinator
        self.index = index
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.outputs: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.merge_request: tuple | None = None  # (merge_fn, args, kwargs) while waiting
        self.merge_result: Any = None
        self.graph = framework_context.thread.graph  # strategy.run inside a tf.function trace

    def run(self) -> None:
        framework_context.thread.graph = self.graph
        c = self.coordinator
        extended = c.strategy.extended
        replica = extended._replica_context(self.index)
        try:
            c.wait_turn(self.index)
            with context.enter(c.strategy, replica, self.index), \
                    device_scope(extended._local_devices[self.index]), \
                    variable_creator_scope(extended._creator):
                self.outputs = self.fn(*self.args, **self.kwargs)
        except _Aborted:
            pass
        except BaseException as e:  # handed to the calling thread, re-raised there
            self.error = e
        finally:
            with c.cond:
                self.done = True
                c.pass_turn(self.index)
                c.cond.notify_all()


class _Coordinator:
    def __init__(self, strategy: Any) -> None:
        self.strategy = strategy
        self.cond = threading.Condition()
        self.threads: list[_ReplicaThread] = []
        self.aborted = False
        # The index of the one replica thread allowed to run (None: none, the merge or the end).
        self.turn: int | None = 0
        # Variables replica 0 created, by canonical name, for the other replicas to take.
        self.shared_variables: dict[str, list] = {}
        self.variables_taken: list[dict[str, int]] = []

    def wait_turn(self, index: int) -> None:
        with self.cond:
            while self.turn != index and not self.aborted:
                self.cond.wait()
            if self.aborted:
                raise _Aborted()

    def pass_turn(self, index: int) -> None:
        """Called with `cond` held when replica `index` stops (merge_call, or done)."""
        self.turn = index + 1 if index + 1 < len(self.threads) else None

    def create_variable(self, index: int, create: Callable, name: Any) -> Any:
        """Replica `index`'s variable `name`: created by replica 0 (`create()`), shared with the
        others in creation order (TF's shared_variable_creator).

        Raises:
          RuntimeError: replica `index` asks for a variable replica 0 did not create.
        """
        key = _canonical_name(name)
        if index == 0:
            variable = create()
            self.shared_variables.setdefault(key, []).append(variable)
            return variable
        taken = self.variables_taken[index]
        position = taken.get(key, 0)
        created = self.shared_variables.get(key, [])
        if position >= len(created):
            raise RuntimeError(f"Tried to create variable {name} with mismatching name on device {index}")
        taken[key] = position + 1
        return created[position]

    def merge_call(self, index: int, merge_fn: Callable, args: tuple, kwargs: dict) -> Any:
        thread = self.threads[index]
        with self.cond:
            thread.merge_request = (merge_fn, args, kwargs)
            self.pass_turn(index)
            self.cond.notify_all()
            while thread.merge_request is not None and not self.aborted:
                self.cond.wait()
            if self.aborted:
                raise _Aborted()
            result = thread.merge_result
        self.wait_turn(index)
        return result

    def run(self) -> Any:
        for t in self.threads:
            t.start()
        try:
            while True:
                with self.cond:
                    while not all(t.done or t.merge_request is not None for t in self.threads):
                        self.cond.wait()
                failed = [t for t in self.threads if t.error is not None]
                if failed:
                    raise failed[0].error  # type: ignore[misc]
                if all(t.done for t in self.threads):
                    return regroup([t.outputs for t in self.threads])
                if any(t.done for t in self.threads):
                    raise RuntimeError("Some replicas made a different number of "
                                       "replica_context().merge_call() calls.")
                self._merge()
        except BaseException:
            with self.cond:
                self.aborted = True
                self.cond.notify_all()
            raise
        finally:
            for t in self.threads:
                t.join()

    def _merge(self) -> None:
        requests = [t.merge_request for t in self.threads]
        merge_fn = requests[0][0]  # type: ignore[index]
        args = regroup([r[1] for r in requests])  # type: ignore[index]
        kwargs = regroup([r[2] for r in requests])  # type: ignore[index]
        with self.strategy.scope():
            result = merge_fn(self.strategy, *args, **kwargs)
        with self.cond:
            for t in self.threads:
                t.merge_result = select_replica(t.index, result)
                t.merge_request = None
            self.turn = 0
            self.cond.notify_all()


def call_for_each_replica(strategy: Any, fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Runs `fn` in one thread per local replica; returns the regrouped outputs."""
    coordinator = _Coordinator(strategy)
    coordinator.threads = [
        _ReplicaThread(coordinator, i, fn, select_replica(i, args), select_replica(i, kwargs))
        for i in range(len(strategy.extended._local_devices))]
    coordinator.variables_taken = [{} for _ in coordinator.threads]
    strategy.extended._coordinator = coordinator
    try:
        return coordinator.run()
    finally:
        strategy.extended._coordinator = None


_UNIQUIFIED = re.compile(r"_\d/")
_UNIQUIFIED_AT_END = re.compile(r"_\d$")


def _canonical_name(name: Any) -> str:
    """A variable name without the `_<n>` suffixes uniquification adds (TF's rule), so that
    replicas asking for "v" and "v_1" share one variable."""
    if name is None:
        return "Variable"
    return _UNIQUIFIED_AT_END.sub("", _UNIQUIFIED.sub("/", str(name)))
