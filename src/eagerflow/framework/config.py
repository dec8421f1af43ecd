"""Runtime switches behind `tf.config` and `tf.debugging`: placement logging, soft placement."""
from __future__ import annotations

from eagerflow.framework import context

_flags = context.flags


def set_log_device_placement(enabled: bool) -> None:
    """Prints `Executing op <Op> in device <device>` for every op when enabled."""
    enabled = bool(enabled)
    if enabled != _flags.log_device_placement:
        _flags.log_device_placement = enabled
        context.add_special(1 if enabled else -1)


def get_log_device_placement() -> bool:
    return _flags.log_device_placement


def set_soft_device_placement(enabled: bool) -> None:
    """When on (the default), ops asked to run on a missing device run on CPU instead."""
    _flags.soft_device_placement = bool(enabled)


def get_soft_device_placement() -> bool:
    return _flags.soft_device_placement
