"""Which strategy is current, and whether this thread is in replica or cross-replica context.

Per thread, a stack of (strategy, replica context or None): `strategy.scope()` pushes
(strategy, None), a cross-replica context; each replica of `strategy.run` pushes its
`ReplicaContext`; `merge_call` pushes (strategy, None) again. An empty stack means TF's
default strategy, whose default replica context is current.

`local_index` is what distributed variables read on every access: which of their local
copies this thread works on (its replica's, or the one `extended.update` is writing), None
for the primary copy. It is kept here, in one thread-local, so the lookup stays one read.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator


class _State(threading.local):
    def __init__(self) -> None:
        self.stack: list[tuple[Any, Any]] = []
        self.local_index: int | None = None


state = _State()
_default: list[Any] = []  # [default strategy], built on first use (strategy.py builds it)


def _default_strategy() -> Any:
    if not _default:
        from eagerflow._src.distribute.strategy import _DefaultDistributionStrategy

        _default.append(_DefaultDistributionStrategy())
    return _default[0]


@contextlib.contextmanager
def enter(strategy: Any, replica_context: Any, local_index: int | None) -> Iterator[None]:
    """Makes (`strategy`, `replica_context`) current in this thread until the block ends."""
    state.stack.append((strategy, replica_context))
    saved, state.local_index = state.local_index, local_index
    try:
        yield
    finally:
        state.stack.pop()
        state.local_index = saved


@contextlib.contextmanager
def local_copy(index: int | None) -> Iterator[None]:
    """Points distributed variables at their `index`-th local copy (`extended.update`)."""
    saved, state.local_index = state.local_index, index
    try:
        yield
    finally:
        state.local_index = saved


def get_strategy() -> Any:
    """The current `tf.distribute.Strategy` (the default strategy outside any scope)."""
    return state.stack[-1][0] if state.stack else _default_strategy()


def has_strategy() -> bool:
    """Whether a strategy other than the default one is current (`tf.distribute.has_strategy`)."""
    return bool(state.stack) and state.stack[-1][0] is not _default_strategy()


def in_cross_replica_context() -> bool:
    """True inside `strategy.scope()` or a `merge_call`, False in replica context and outside
    any scope (`tf.distribute.in_cross_replica_context`)."""
    return bool(state.stack) and state.stack[-1][1] is None


def get_replica_context() -> Any:
    """The current `ReplicaContext`, or None in cross-replica context.

    Outside any strategy this is the default strategy's replica context, as in TF.
    """
    if state.stack:
        return state.stack[-1][1]
    return _default_strategy().extended._default_replica_context


def get_cross_replica_context() -> Any:
    """The current strategy in cross-replica context, else None."""
    if state.stack and state.stack[-1][1] is None:
        return state.stack[-1][0]
    return None
