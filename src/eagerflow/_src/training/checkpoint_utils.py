"""`tf.train.load_variable`, `tf.train.checkpoints_iterator` and `tf.train.CheckpointOptions`."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator


def load_variable(ckpt_dir_or_file: str, name: str) -> Any:
    """The value (a NumPy array) of variable `name` in a checkpoint or the latest one of a directory."""
    from eagerflow._src.checkpoint.reader import load_checkpoint

    if name.endswith(":0"):  # TF accepts a tensor name
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def checkpoints_iterator(checkpoint_dir: str, min_interval_secs: float = 0, timeout: float | None = None,
                         timeout_fn: Callable[[], bool] | None = None) -> Iterator[str]:
    """Yields each new latest checkpoint of `checkpoint_dir` as it appears, waiting at least
    `min_interval_secs` between yields; after `timeout` seconds without one it stops, unless
    `timeout_fn` returns False (then it keeps waiting)."""
    from eagerflow._src.checkpoint.state import latest_checkpoint

    last = None
    while True:
        deadline = None if timeout is None else time.time() + timeout
        while True:
            current = latest_checkpoint(checkpoint_dir)
            if current is not None and current != last:
                break
            if deadline is not None and time.time() + 1 > deadline:
                current = None
                break
            time.sleep(1)
        if current is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        start = time.time()
        last = current
        yield current
        wait = start + min_interval_secs - time.time()
        if wait > 0:
            time.sleep(wait)


class CheckpointOptions:
    """Options for saving and restoring checkpoints (`tf.train.CheckpointOptions`); eagerflow
    records them, it writes synchronously on the host."""

    __slots__ = ("experimental_io_device", "experimental_enable_async_checkpoint",
                 "experimental_write_callbacks", "enable_async", "experimental_sharding_callback",
                 "experimental_skip_slot_variables")

    def __init__(self, experimental_io_device: str | None = None,
                 experimental_enable_async_checkpoint: bool = False,
                 experimental_write_callbacks: Any = None, enable_async: bool = False,
                 experimental_sharding_callback: Any = None,
                 experimental_skip_slot_variables: bool = False) -> None:
        self.experimental_io_device = experimental_io_device
        self.enable_async = experimental_enable_async_checkpoint or enable_async
        self.experimental_enable_async_checkpoint = self.enable_async
        self.experimental_write_callbacks = experimental_write_callbacks
        self.experimental_sharding_callback = experimental_sharding_callback
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
