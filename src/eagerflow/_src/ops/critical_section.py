"""`tf.CriticalSection`: runs functions one at a time under a mutex (TF's `MutexV2`).

Eagerly, `execute(fn)` holds the mutex while `fn` runs. While a `tf.function` traces, the
mutex is taken and given back by two stateful ops (TF's `MutexLock` and `ConsumeMutexLock`)
around `fn`'s ops, so each call of the traced function serialises at run time; the release op
takes `fn`'s outputs as inputs, so it runs after them. As TF, tracing refuses an `fn` that
executes the same critical section again (a certain deadlock), and an execution touching a
variable that an execution of another critical section in the same graph also touches, unless
both pass `exclusive_resource_access=False`.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework.context import thread as _thread
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import executing_eagerly
from eagerflow._src.framework.op import Op

_CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
_running = threading.local()  # this thread's stack of the critical sections it runs in


class _Mutex:
    """A lock that knows its holder, so a traced function whose run failed between its lock and
    release ops (leaving the lock taken by this thread) does not deadlock its next run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owner: int | None = None

    def acquire(self) -> None:
        me = threading.get_ident()
        if self.owner == me:
            return
        self._lock.acquire()
        self.owner = me

    def release(self) -> None:
        if self.owner == threading.get_ident():
            self.owner = None
            self._lock.release()


def _lock(xp: Any, mutex: _Mutex) -> None:
    mutex.acquire()


def _release(xp: Any, *outputs: Any, mutex: _Mutex) -> list:
    mutex.release()
    return list(outputs)


def _release_shapes(inputs: Any, attrs: dict) -> list:
    out = []
    for t in inputs:
        shape = t._array.shape
        out.append((np.dtype(t._array.dtype), None if shape is None else tuple(shape)))
    return out


MUTEX_LOCK = Op("MutexLock", _lock, num_outputs=0, stateful=True)
CONSUME_MUTEX_LOCK = Op("ConsumeMutexLock", _release, num_outputs=-1, stateful=True, shape_fn=_release_shapes)

# Graph -> [(critical section, resource variables, exclusive)] of its executions (TF's
# CRITICAL_SECTION_EXECUTIONS collection).
_EXECUTIONS: "weakref.WeakKeyDictionary[Any, list]" = weakref.WeakKeyDictionary()


def _describe(resource: Any) -> str:
    return f"<resource {getattr(resource, 'name', type(resource).__name__)}>"


class CriticalSection:
    """A critical section: `execute(fn)` runs `fn` while no other execution of this critical
    section runs (`tf.CriticalSection`)."""

    def __init__(self, name: str | None = None, shared_name: str | None = None,
                 critical_section_def: Any = None, import_scope: Any = None) -> None:
        if critical_section_def and name is not None:
            raise ValueError(f"Arguments critical_section_def={critical_section_def} and "
                             f"shared_name={shared_name} are mutually exclusive. Please only specify "
                             "one of them.")
        if critical_section_def:
            raise ValueError("Argument `critical_section_def` is not supported.")
        self._mutex = _Mutex()
        self._signature = ("", shared_name or id(self._mutex), _CPU)

    @property
    def name(self) -> str:
        # TF reads the mutex tensor's op, which eager tensors do not have.
        raise AttributeError("Tensor.op is undefined when eager execution is enabled.")

    def execute(self, fn: Callable[[], Any], exclusive_resource_access: bool = True,
                name: str | None = None) -> Any:
        """Runs `fn()` inside the critical section and returns its outputs (as tensors).

        Raises:
          ValueError: if `fn` executes this critical section again, or (while tracing) touches a
            variable another critical section's execution in the same graph touches, where either
            asks for exclusive resource access.
        """
        from eagerflow._src.util import nest

        stack = getattr(_running, "stack", None)
        if stack is None:
            stack = _running.stack = []
        if self._signature in stack:
            raise ValueError(f"Attempting to lock a CriticalSection (signature={self._signature}) in "
                             "which we are already running. This is illegal and may cause deadlocks.")
        stack.append(self._signature)
        try:
            if executing_eagerly():
                self._mutex.acquire()
                try:
                    result = fn()
                    return nest.map_structure(convert_to_tensor, result)
                finally:
                    self._mutex.release()
            graph = _thread.graph
            before = len(graph.get_operations())
            execute(MUTEX_LOCK, (), {"mutex": self._mutex})
            result = fn()
            created = graph.get_operations()[before:]
            self._check_resources(graph, created, exclusive_resource_access)
            flat = [convert_to_tensor(x) for x in nest.flatten(result)]
            released = execute(CONSUME_MUTEX_LOCK, tuple(flat), {"mutex": self._mutex})
            return nest.pack_sequence_as(result, list(released))
        finally:
            stack.pop()

    def _check_resources(self, graph: Any, created: list, exclusive: bool) -> None:
        resources = []
        for op in created:
            if op.op is not None and op.op.resource and op._inputs:
                variable = op._inputs[0]
                if all(variable is not r for r in resources):
                    resources.append(variable)
        executions = _EXECUTIONS.setdefault(graph, [])
        for other, other_resources, other_exclusive in executions:
            if other is self or not (exclusive or other_exclusive):
                continue
            shared = [r for r in resources if any(r is o for o in other_resources)]
            if shared:
                raise ValueError(
                    f"This execution would access resources: {[_describe(r) for r in shared]}. Either this lock "
                    f"(CriticalSection: {self!r}) or lock '{other!r}' (CriticalSection: {other!r}) "
                    "requested exclusive resource access of this resource. Did you mean to call "
                    "execute with keyword argument exclusive_resource_access=False?")
        executions.append((self, resources, exclusive))
