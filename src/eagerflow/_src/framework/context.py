"""Execution context: per-thread device scopes, name scopes and tapes; process-wide flags.

`flags.special` counts what forces `execute` off its fast path anywhere in the process
(placement logging). `flags.taping` counts recording tapes in any thread: ops still run on the
fast path and then offer themselves to this thread's tapes. `flags.scoped` counts open `device()` scopes in any
thread: while it is zero, the fast path runs on `flags.fast_device` (the default device when
its kernels need no CUDA device switch); otherwise on
`thread.device`, the device this thread's innermost scope names once an op has resolved it
(None until then, or when soft placement had to choose). Scoped ops thus stay on the fast
path, and unscoped code pays one extra int read.
"""
from __future__ import annotations

import threading
from typing import Any


class _Flags:
    __slots__ = ("special", "scoped", "taping", "log_device_placement", "soft_device_placement",
                 "default_device", "fast_device", "run_functions_eagerly")

    def __init__(self) -> None:
        self.special = 0
        self.scoped = 0
        self.taping = 0
        self.log_device_placement = False
        self.soft_device_placement = True
        self.default_device: Any = None  # set when devices are first used
        self.fast_device: Any = None  # set by the first op; stays None if it needs a switch
        self.run_functions_eagerly = False


flags = _Flags()
# Device scope string -> resolved device (framework/execute), and the scope strings that name
# an existing device exactly (not soft-placed). Cleared by what changes the answers: soft
# placement and the device registry.
scope_cache: dict[str, Any] = {}
exact_scopes: set[str] = set()
_special_lock = threading.Lock()
# While `tf.summary.trace_on(graph=True)` collects graphs: {id: concrete function} of the
# tf.functions run since (flags.special is raised meanwhile, so calls take the checked path).
function_trace: dict | None = None
# While `tf.profiler.experimental.start` ... `stop` runs: the profile recording ops (profiler/
# profiler.py; flags.special is raised meanwhile, so ops reach the timed general path).
profiler: Any = None


def add_special(delta: int) -> None:
    with _special_lock:
        flags.special += delta


def add_taping(delta: int) -> None:
    with _special_lock:
        flags.taping += delta


def add_scoped(delta: int) -> None:
    with _special_lock:
        flags.scoped += delta


def clear_scope_cache() -> None:
    scope_cache.clear()
    exact_scopes.clear()


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.device_stack: list[Any] = []  # (outer scope string, outer device), innermost last
        self.device_name: str | None = None  # merged scope string, None outside scopes
        self.device: Any = None  # where ops run on the fast path; None: resolve on next op
        self.name_scope: str = ""
        self.tapes: list[Any] = []
        # The graph ops are added to while a `tf.function` traces (framework/graph.py); None
        # when executing eagerly. While any graph is being built, `flags.special` is raised, so
        # `execute` takes its general path, which checks this first.
        self.graph: Any = None


thread = _ThreadState()
