"""TF's eager context object (`tensorflow.python.eager.context`), as libraries built on TF use it.

eagerflow runs every op synchronously and keeps no per-op kernel cache, so waiting for pending
ops and clearing that cache have nothing to do.
"""
from __future__ import annotations

from eagerflow._src.framework.graph import executing_eagerly


class Context:
    """The process's eager context (TF's `context.Context`)."""

    def executing_eagerly(self) -> bool:
        return executing_eagerly()

    def clear_kernel_cache(self) -> None:
        """Clears TF's cache of op kernels; eagerflow has none."""

    def async_wait(self) -> None:
        """Waits for pending asynchronous ops; eagerflow's ops finish before they return."""


_CONTEXT = Context()


def context() -> Context:
    return _CONTEXT


def async_wait() -> None:
    _CONTEXT.async_wait()


def reset_default_graph() -> None:
    """Clears the default graph stack (`tf.compat.v1.reset_default_graph`). Outside graph building
    eagerflow keeps no default graph, so there is nothing to clear; inside it TF refuses."""
    if not executing_eagerly():
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you need "
                             "a cleared graph, exit the nesting and create a new graph.")


def _reset_context() -> None:
    """Forgets the device configuration (TF's `context._reset_context`, which tests call before
    splitting a CPU into logical devices again). Tensors made before keep their old devices."""
    from eagerflow._src.framework import devices

    devices.registry.reset_for_tests()
