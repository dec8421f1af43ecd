"""A progress bar for long checkpoint saves and restores.

Shown only when the transfer is at least `THRESHOLD` bytes and stderr is a terminal;
`tqdm` is an optional dependency, imported only then (without it nothing is shown).
"""
from __future__ import annotations

import sys
from typing import Any

THRESHOLD = 1 << 30  # bytes


class ProgressBar:
    """A `progress(done, total)` callback for `write_bundle` / `BundleReader`.

    Decides on the first call: below `THRESHOLD` bytes, off a terminal, or without tqdm,
    every call is a no-op. Use as a context manager so the bar is closed.
    """

    def __init__(self, description: str, threshold: int = THRESHOLD, stream: Any = None) -> None:
        self._description = description
        self._threshold = threshold
        self._stream = stream if stream is not None else sys.stderr
        self._bar: Any = None
        self._decided = False
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self._decided:
            self._decided = True
            self._bar = self._open(total)
        if self._bar is not None:
            self._bar.update(max(0, done - self._done))
            self._done = done

    def _open(self, total: int) -> Any:
        if total < self._threshold or not _isatty(self._stream):
            return None
        try:
            from tqdm import tqdm
        except ImportError:
            return None
        return tqdm(total=total, desc=self._description, unit="B", unit_scale=True, unit_divisor=1024,
                    file=self._stream, leave=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
