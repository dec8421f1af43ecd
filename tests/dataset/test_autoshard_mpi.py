"""FILE auto-sharding under real `mpiexec -n 2` MultiWorkerMirroredStrategy jobs."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import eagerflow as tf

if importlib.util.find_spec("mpi4py") is None:
    pytest.skip("mpi4py is not installed (pip install eagerflow[mpi])", allow_module_level=True)

pytestmark = pytest.mark.mpi
WORKER = Path(__file__).parent / "mpi_autoshard_worker.py"


def _mpiexec():
    beside_python = Path(sys.executable).parent / "mpiexec"
    return str(beside_python) if beside_python.exists() else (shutil.which("mpiexec") or "mpiexec")


def test_two_workers_read_alternate_files_in_steps_of_half_the_global_batch(tmp_path):
    files = []
    for f in range(4):
        files.append(str(tmp_path / f"f{f}.tfrecord"))
        with tf.io.TFRecordWriter(files[-1]) as w:
            for r in range(4):
                w.write(f"f{f}r{r}".encode())
    results = tmp_path / "results"
    results.mkdir()
    proc = subprocess.run([_mpiexec(), "-n", "2", sys.executable, str(WORKER), *files], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, RESULT_DIR=str(results)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = {int(p.stem[4:]): json.loads(p.read_text()) for p in results.glob("rank*.json")}
    assert sorted(found) == [0, 1]
    everything = [f"f{f}r{r}" for f in range(4) for r in range(4)]
    for rank, result in found.items():
        mine = [f"f{f}r{r}" for f in range(rank, 4, 2) for r in range(4)]
        assert result["steps"] == [mine[k:k + 2] for k in range(0, len(mine), 2)]
        # DATA: this worker's half of every global batch of all the files
        assert result["data_steps"] == [everything[k + 2 * rank:k + 2 * rank + 2] for k in range(0, 16, 4)]
        assert "Found an unshardable source dataset" in result["range_error"]
