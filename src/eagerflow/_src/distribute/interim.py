"""`tf.__internal__.distribute.interim`: running an update in cross-replica context when the
strategy needs it (`merge_call`), or directly when it does not."""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.distribute import context


def strategy_supports_no_merge_call() -> bool:
    """Whether the current strategy can run cross-replica updates without `merge_call`."""
    if not context.has_strategy():
        return True
    use_merge_call = getattr(context.get_strategy().extended, "_use_merge_call", None)
    return use_merge_call is not None and not use_merge_call()


def maybe_merge_call(fn: Callable, strategy: Any, *args: Any, **kwargs: Any) -> Any:
    """`fn(strategy, *args, **kwargs)`, through the replica context's `merge_call` when inside a
    replica of a strategy that needs one."""
    if strategy_supports_no_merge_call() or context.in_cross_replica_context():
        return fn(strategy, *args, **kwargs)
    return context.get_replica_context().merge_call(fn, args=args, kwargs=kwargs)
