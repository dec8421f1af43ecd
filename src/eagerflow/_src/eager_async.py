"""TF's asynchronous-eager controls. eagerflow runs every op synchronously, so an async scope
changes nothing: errors surface at the op that raised them, never later at a sync point."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

_strict_mode = [False]


@contextlib.contextmanager
def async_scope() -> Iterator[None]:
    """A scope in which TF runs ops asynchronously; eagerflow's ops stay synchronous."""
    yield


def async_clear_error() -> None:
    """Clears the pending error of an async scope (eagerflow never has one)."""


def enable_strict_mode() -> None:
    """TF's strict mode (deprecated endpoints raise); recorded only, eagerflow has none."""
    _strict_mode[0] = True


@contextlib.contextmanager
def function_executor_type(executor_type: Any) -> Iterator[None]:
    """The executor TF runs functions with inside the scope; eagerflow has a single one."""
    yield
