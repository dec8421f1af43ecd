"""Copies between devices, each one counted (bytes and number per source/destination pair).

Every copy makes a new buffer on the destination, even between logical CPUs that share the
host's memory: placement then costs what it would cost between real devices, and a tensor
never aliases one on another device.
"""
from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_stats: dict[tuple[str, str], list[int]] = {}


def copy_array(array: Any, source: Any, destination: Any) -> Any:
    """`array` (living on device `source`) as a fresh array on device `destination`, counted."""
    if source.backend is destination.backend:
        out = destination.backend.copy(array, destination.backend_index)
    else:
        # Through the host: to_host of a GPU array and from_host onto a GPU each make a new
        # buffer, so only a host-to-host hop could alias, and that takes the branch above.
        out = destination.backend.from_host(source.backend.to_host(array),
                                            destination.backend_index)
    nbytes = int(getattr(array, "nbytes", 0))
    key = (source.name, destination.name)
    with _lock:
        entry = _stats.get(key)
        if entry is None:
            _stats[key] = [1, nbytes]
        else:
            entry[0] += 1
            entry[1] += nbytes
    return out


def transfer_stats(reset: bool = False) -> dict[tuple[str, str], dict[str, int]]:
    """Copies made between devices so far (`eagerflow.debugging.transfer_stats`).

    Args:
      reset: when True, clears the counts after reading them.

    Returns:
      {(source device name, destination device name): {"copies": n, "bytes": b}}.
    """
    with _lock:
        result = {key: {"copies": c, "bytes": b} for key, (c, b) in _stats.items()}
        if reset:
            _stats.clear()
    return result


def reset_transfer_stats() -> None:
    """Clears the copy counts (`eagerflow.debugging.reset_transfer_stats`)."""
    with _lock:
        _stats.clear()
