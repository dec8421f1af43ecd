"""The glibc malloc thresholds set when the CPU backend loads (backends/host_memory.py), and the ways out of them."""
import ctypes
import os
import subprocess
import sys

import pytest

from eagerflow._src.backends import host_memory

GLIBC = hasattr(ctypes.CDLL(None), "gnu_get_libc_version")
PROBE = ("import eagerflow\neagerflow.constant(1.0)  # the CPU backend loads with the first device\n"
         "from eagerflow._src.backends import host_memory\nprint(host_memory.tuned)")


def _tuned_in_subprocess(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items()
             if k not in host_memory._USER_SETTINGS and k != "EAGERFLOW_MALLOC_TUNING"}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                         env={**clean, **env})
    return run.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_import_sets_the_thresholds_on_glibc():
    assert _tuned_in_subprocess() == "True"


@pytest.mark.parametrize("env", [{"EAGERFLOW_MALLOC_TUNING": "0"}, {"MALLOC_MMAP_THRESHOLD_": "131072"},
                                 {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"}])
def test_opt_out_and_user_settings_win(env):
    assert _tuned_in_subprocess(**env) == "False"
