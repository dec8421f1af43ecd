"""`tf.train.CheckpointManager`: numbered checkpoints in a directory, old ones deleted."""
from __future__ import annotations

import collections
import glob
import os
import time
from typing import Any, Callable

from eagerflow._src.checkpoint import state as state_lib


def _evaluate(value: Any) -> int:
    return int(value.numpy()) if hasattr(value, "numpy") else int(value)


class CheckpointManager:
    """Manages multiple checkpoints by keeping some and deleting unneeded ones.

    Behaves as TF 2.21's manager: checkpoints are `directory/checkpoint_name-N`, the
    `checkpoint` state file records the kept ones with their timestamps, and a new
    manager in the same directory takes over that state.

    Args:
      checkpoint: the `tf.train.Checkpoint` to save and restore.
      directory: where to write checkpoints.
      max_to_keep: how many to keep (None keeps all).
      keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
      checkpoint_name: the file name prefix ("ckpt").
      step_counter: a variable (or number) read by `save` when `checkpoint_interval` is set.
      checkpoint_interval: minimum number of steps between checkpoints.
      init_fn: called by `restore_or_initialize` when there is no checkpoint.
      last_checkpoint_step: the step of the last checkpoint, if known.

    Raises:
      ValueError: max_to_keep <= 0, or checkpoint_interval without step_counter.
    """

    def __init__(self, checkpoint: Any, directory: str | os.PathLike, max_to_keep: int | None,
                 keep_checkpoint_every_n_hours: float | None = None, checkpoint_name: str = "ckpt",
                 step_counter: Any = None, checkpoint_interval: int | None = None,
                 init_fn: Callable[[], Any] | None = None, last_checkpoint_step: int | None = None) -> None:
        self._checkpoint = checkpoint
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}.")
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        directory = os.fspath(directory)
        self._directory = directory
        self._checkpoint_prefix = os.path.join(directory, checkpoint_name)
        self._init_fn = init_fn
        self._step_counter = step_counter
        self._last_checkpoint_step = None
        if checkpoint_interval is not None:
            if step_counter is None:
                raise ValueError("`step_counter` should be passed if `checkpoint_interval` is not None.")
            self._last_checkpoint_step = last_checkpoint_step
        self._checkpoint_interval = checkpoint_interval
        recovered = state_lib.get_checkpoint_state(directory)
        now = time.time()
        self._maybe_delete: collections.OrderedDict[str, float] = collections.OrderedDict()
        if recovered is None:
            self._latest_checkpoint = None
            self._last_preserved_timestamp = now - 1.0
        else:
            self._latest_checkpoint = recovered.model_checkpoint_path
            self._last_preserved_timestamp = min(recovered.last_preserved_timestamp, now)
            timestamps = recovered.all_model_checkpoint_timestamps
            paths = recovered.all_model_checkpoint_paths
            if not timestamps:
                timestamps = [self._last_preserved_timestamp] * len(paths)
            for filename, timestamp in zip(paths, timestamps):
                timestamp = min(timestamp, now)
                if timestamp > self._last_preserved_timestamp:
                    self._maybe_delete[filename] = timestamp

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint_interval(self) -> int | None:
        return self._checkpoint_interval

    @property
    def latest_checkpoint(self) -> str | None:
        """The prefix of the most recent checkpoint, or None."""
        return self._latest_checkpoint

    @property
    def checkpoints(self) -> list[str]:
        """Managed checkpoint prefixes, oldest first (those not yet preserved or deleted)."""
        return list(self._maybe_delete)

    @property
    def checkpoint(self) -> Any:
        return self._checkpoint

    def _sweep(self) -> None:
        """Deletes (or preserves, per keep_checkpoint_every_n_hours) checkpoints over max_to_keep."""
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            filename, timestamp = self._maybe_delete.popitem(last=False)
            if (self._keep_checkpoint_every_n_hours
                    and timestamp - self._keep_checkpoint_every_n_hours * 3600.0 >= self._last_preserved_timestamp):
                self._last_preserved_timestamp = timestamp
                continue
            for path in [filename + ".index"] + glob.glob(glob.escape(filename) + ".data-?????-of-?????"):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass

    def _record_state(self) -> None:
        state_lib.update_checkpoint_state(
            self._directory, self._latest_checkpoint, list(self._maybe_delete),
            all_model_checkpoint_timestamps=list(self._maybe_delete.values()),
            last_preserved_timestamp=self._last_preserved_timestamp, save_relative_paths=True)

    def save(self, checkpoint_number: Any = None, check_interval: bool = True, options: Any = None) -> str | None:
        """Saves a checkpoint, records it in the state file and deletes old ones.

        Args:
          checkpoint_number: number for the file name (default: `save_counter`, which is
            incremented in any case).
          check_interval: with `checkpoint_interval`, skip the save unless the step moved on
            by at least that much.

        Returns:
          The new checkpoint's prefix, or None when no checkpoint was saved.
        """
        if self._checkpoint_interval is not None:
            current_step = _evaluate(self._step_counter)
            if self._last_checkpoint_step is not None:
                if current_step == self._last_checkpoint_step:
                    return None
                if check_interval and current_step < self._last_checkpoint_step + self._checkpoint_interval:
                    return None
            self._last_checkpoint_step = current_step
        save_counter = self._checkpoint.save_counter
        save_counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = save_counter
        prefix = f"{self._checkpoint_prefix}-{_evaluate(checkpoint_number)}"
        save_path = self._checkpoint.write(prefix)
        timestamp = time.time()
        self._maybe_delete.pop(save_path, None)
        self._maybe_delete[save_path] = timestamp
        self._latest_checkpoint = save_path
        # TF records the state, sweeps, then records again: a crash mid-sweep still leaves
        # a state file naming the new checkpoint.
        self._record_state()
        self._sweep()
        self._record_state()
        return save_path

    def restore_or_initialize(self) -> str | None:
        """Restores the latest checkpoint if any (returns its path), else calls `init_fn`
        (returns None)."""
        if self._latest_checkpoint is not None:
            self._checkpoint.restore(self._latest_checkpoint)
            if self._checkpoint_interval is not None:
                self._last_checkpoint_step = _evaluate(self._step_counter)
            return self._latest_checkpoint
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self) -> None:
        """Nothing to wait for: saves are synchronous."""
