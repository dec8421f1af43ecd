"""Execution context: per-thread device scopes, name scopes and tapes; process-wide flags.

`flags.special` counts what forces `execute` off its fast path anywhere in the process (an
open device scope, a recording tape, placement logging). The fast path reads that one int.
"""
from __future__ import annotations

import threading
from typing import Any


class _Flags:
    __slots__ = ("special", "log_device_placement", "soft_device_placement", "default_device",
                 "run_functions_eagerly")

    def __init__(self) -> None:
        self.special = 0
        self.log_device_placement = False
        self.soft_device_placement = True
        self.default_device: Any = None  # set when devices are first used
        self.run_functions_eagerly = True


flags = _Flags()
# Device scope string -> resolved device (framework/execute); cleared by whatever changes
# the answer: soft placement and the device registry.
scope_cache: dict[str, Any] = {}
_special_lock = threading.Lock()


def add_special(delta: int) -> None:
    with _special_lock:
        flags.special += delta


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.device_stack: list[Any] = []  # DeviceSpec-like entries, innermost last
        self.device_name: str | None = None  # merged scope string, None outside scopes
        self.name_scope: str = ""
        self.tapes: list[Any] = []
        self.tape_paused = 0


thread = _ThreadState()
