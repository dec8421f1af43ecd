"""Host allocator settings that keep array memory warm between training steps.

glibc's malloc hands big blocks back to the kernel eagerly: blocks over its (adaptive) mmap
threshold are unmapped on free, and a heap top over the trim threshold is released. A training
step frees and re-allocates the same few hundred-kilobyte arrays every iteration, so with the
defaults every step page-faults its activations and gradients back in (measured: the 3-layer MLP
step of bench/bench_training.py took 3.5 ms instead of 2.4 ms, with raw NumPy at 1.9 ms).

`tune()` runs when the CPU backend loads (the first device use) and fixes both thresholds: arrays under 32 MB come from the heap, and up to 64 MB of
free heap is kept before memory goes back to the kernel. It does nothing off glibc, when the user
set malloc's own environment variables (theirs win), or with `EAGERFLOW_MALLOC_TUNING=0`.
"""
from __future__ import annotations

import os

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 64 << 20
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")

tuned = False


def tune() -> bool:
    """Applies the thresholds above; returns whether they are in force."""
    global tuned
    if tuned:
        return True
    if os.environ.get("EAGERFLOW_MALLOC_TUNING", "1") == "0" or any(k in os.environ for k in _USER_SETTINGS):
        return False
    try:
        import ctypes  # NumPy has imported it already: free here

        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return False  # musl, macOS: other allocators, other rules
        tuned = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
            bool(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    except (OSError, AttributeError):
        return False
    return tuned
