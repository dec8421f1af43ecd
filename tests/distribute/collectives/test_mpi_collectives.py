"""MpiCommunicator under a real `mpiexec -n 2` job: results, and failures that never hang."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

if importlib.util.find_spec("mpi4py") is None:
    pytest.skip("mpi4py is not installed (pip install eagerflow[mpi])", allow_module_level=True)

pytestmark = pytest.mark.mpi

WORKERS = Path(__file__).parent / "workers"
# The guard that turns a hang into a failure: every job here ends in seconds when healthy.
JOB_TIMEOUT_S = 90
DETECTION_LIMIT_S = 10.0


def _mpiexec() -> str:
    beside_python = Path(sys.executable).parent / "mpiexec"
    return str(beside_python) if beside_python.exists() else (shutil.which("mpiexec") or "mpiexec")


def _run(script, *args, ranks=2, launcher_flags=("-disable-auto-cleanup",), env=None):
    cmd = [_mpiexec(), *launcher_flags, "-n", str(ranks), sys.executable, str(WORKERS / script),
           *map(str, args)]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=JOB_TIMEOUT_S,
                          env=env)
    return proc, time.monotonic() - start


def _results(proc):
    # mpiexec forwards both ranks' output through one pipe: another rank's text can land on
    # the same line after the JSON object, so decode the object and ignore what follows it.
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(line[line.index("RESULT ") + len("RESULT "):])[0]
            for line in proc.stdout.splitlines() if "RESULT {" in line]


def _rank0_result(proc):
    results = [r for r in _results(proc) if "rank 1 of" in r["error"]]
    assert results, f"rank 0 reported nothing\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return results[0]


def test_collectives_match_numpy_on_many_shapes_and_dtypes():
    proc, _ = _run("correctness.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS rank 0" in proc.stdout and "PASS rank 1" in proc.stdout


def test_collectives_match_numpy_on_three_ranks():
    proc, _ = _run("correctness.py", ranks=3)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(f"PASS rank {r}" in proc.stdout for r in range(3))


@pytest.mark.parametrize("mode, cause", [
    ("kill", "killed by a signal"),
    ("raise", "raised RuntimeError: injected failure on rank 1"),
    ("exit", "exited (sys.exit or end of script) after 50 collectives"),
])
def test_lost_worker_raises_unavailable_naming_it(tmp_path, mode, cause):
    proc, wall = _run("failure.py", mode, tmp_path / "stamp")
    for _ in range(2):
        if _results(proc) and "BROKEN-OK" in proc.stdout:
            break
        # Rarely (more often on a loaded machine) MPICH ends the survivor itself shortly after
        # the launcher reports the lost peer (the job still ends, never hangs): run it again.
        proc, wall = _run("failure.py", mode, tmp_path / "stamp")
    result = _rank0_result(proc)
    assert result["type"] == "UnavailableError"
    assert result["error"].startswith("Worker rank 1 of 2 is unavailable: ")
    assert cause in result["error"]
    assert result["detect_s"] < DETECTION_LIMIT_S, result
    assert "BROKEN-OK" in proc.stdout  # the broken communicator fails fast afterwards
    assert proc.returncode != 0  # the job as a whole reports the failure
    print(f"{mode}: detected in {result['detect_s'] * 1e3:.1f} ms, job ended in {wall:.1f} s")


def test_exception_is_reported_under_the_default_launch_line(tmp_path):
    proc, _ = _run("failure.py", "raise", tmp_path / "stamp", launcher_flags=())
    result = _rank0_result(proc)
    assert "raised RuntimeError" in result["error"]
    assert result["detect_s"] < DETECTION_LIMIT_S


def test_stuck_worker_trips_the_watchdog(tmp_path):
    env = {**os.environ, "EAGERFLOW_COLLECTIVE_TIMEOUT": "2"}
    proc, _ = _run("failure.py", "stuck", tmp_path / "stamp", env=env)
    result = _rank0_result(proc)
    assert "is alive but has not joined all_reduce" in result["error"]
    # Rank 0's wait (which the watchdog times) can start a moment before rank 1 stamps the
    # time it got stuck, so the delay seen from the stamp may fall just short of 2 s.
    assert 1.9 <= result["detect_s"] < DETECTION_LIMIT_S
