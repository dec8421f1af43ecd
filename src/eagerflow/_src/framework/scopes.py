"""`device(...)` and `name_scope(...)`: the per-thread scopes ops and variables read."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from eagerflow._src.framework import context
from eagerflow._src.framework.device_spec import DeviceSpec

_thread = context.thread


@contextlib.contextmanager
def device(device_name: Any) -> Iterator[None]:
    """Places ops and new tensors and variables inside on `device_name` (`tf.device`).

    Nested scopes merge as TF merges them: the inner scope's fields override the outer ones
    (`CPU:1` then `/job:localhost` stays on CPU:1); `''` changes nothing and `None` clears
    every enclosing scope (back to the default device), as in TF's eager mode. Reads and
    updates of a variable still run on the variable's device. A device that does not exist
    is resolved when an op runs: the default device under soft placement, else TF's error.

    Raises:
      ValueError: `device_name` does not parse (e.g. "foo:0").
      RuntimeError: `device_name` is a function (graph-mode device functions).
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not support functions when eager execution is enabled.")
    outer = _thread.device_name
    if device_name is None:
        merged_name = None
    else:
        if isinstance(device_name, DeviceSpec):
            spec = device_name
        else:
            spec = DeviceSpec.from_string(device_name)
        merged = DeviceSpec.from_string(outer).make_merged_spec(spec) if outer else spec
        merged_name = merged.to_string() or None
    _thread.device_stack.append((outer, _thread.device))
    _thread.device_name = merged_name
    _thread.device = None  # resolved by the next op, which may raise TF's placement error
    context.add_scoped(1)
    try:
        yield
    finally:
        _thread.device_name, _thread.device = _thread.device_stack.pop()
        context.add_scoped(-1)


class name_scope:  # noqa: N801 - TF's name
    """Prefixes names of variables created inside with `name/` (`tf.name_scope`)."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string, got {name!r}")
        self._name = name
        self._saved: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        outer = _thread.name_scope
        self._saved.append(outer)
        if not self._name:
            scope = ""
        elif self._name.endswith("/"):
            scope = self._name
        else:
            scope = f"{outer}{self._name}/"
        _thread.name_scope = scope
        return scope

    def __exit__(self, *exc: Any) -> None:
        _thread.name_scope = self._saved.pop()
