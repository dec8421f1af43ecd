"""Runtime switches behind `tf.config` and `tf.debugging`: placement logging, soft placement.

Neither initializes the runtime, so both may be set before or after devices are configured.
"""
from __future__ import annotations

from eagerflow._src.framework import context

_flags = context.flags


def set_log_device_placement(enabled: bool) -> None:
    """Logs `Executing op <Op> in device <full device name>` to stderr for every op.

    Covers every op, variable ops included (VarHandleOp, AssignVariableOp, ReadVariableOp).
    TF writes the same line through its C++ INFO log (stderr, prefixed with a timestamp and
    hidden by TF_CPP_MIN_LOG_LEVEL>=1); eagerflow writes the bare line, whatever the level.
    """
    enabled = bool(enabled)
    if enabled != _flags.log_device_placement:
        _flags.log_device_placement = enabled
        context.add_special(1 if enabled else -1)


def get_log_device_placement() -> bool:
    """Whether placement logging is on (`tf.debugging.get_log_device_placement`)."""
    return _flags.log_device_placement


def set_soft_device_placement(enabled: bool) -> None:
    """When on (the default), an op asked to run on a device that does not exist runs on the
    default device instead; when off, it raises TF's InvalidArgumentError."""
    _flags.soft_device_placement = bool(enabled)
    context.clear_scope_cache()


def get_soft_device_placement() -> bool:
    return _flags.soft_device_placement


def set_intra_op_parallelism_threads(num_threads: int) -> None:
    """Threads one large op may use (`tf.config.threading`; 0: the machine's default).

    `EAGERFLOW_NUM_THREADS`, when set, takes precedence.
    """
    from eagerflow._src.backends import host_threads

    host_threads.set_num_threads(num_threads)


def get_intra_op_parallelism_threads() -> int:
    """The value set by `set_intra_op_parallelism_threads` (0 when unset, as in TF)."""
    from eagerflow._src.backends import host_threads

    return host_threads.get_num_threads_setting()


_inter_op_threads = 0


def set_inter_op_parallelism_threads(num_threads: int) -> None:
    """Recorded for TF parity: eagerflow runs independent ops one after another."""
    global _inter_op_threads
    _inter_op_threads = int(num_threads)


def get_inter_op_parallelism_threads() -> int:
    return _inter_op_threads
