"""A process killed while saving leaves the previous checkpoint restorable."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np

from helpers import ef

train = ef.train

SAVER = textwrap.dedent("""
    import sys
    import numpy as np
    from eagerflow import train
    import eagerflow as tf
    v = tf.Variable(np.zeros(8 << 20, np.float32))  # 32 MiB
    manager = train.CheckpointManager(train.Checkpoint(v=v), sys.argv[1], max_to_keep=2)
    step = 0
    while True:
        step += 1
        v.assign(np.full(8 << 20, step, np.float32))
        manager.save()
        print(step, flush=True)
""")


def test_kill_during_save_keeps_previous_checkpoint(tmp_path):
    directory = str(tmp_path / "ckpts")
    proc = subprocess.Popen([sys.executable, "-c", SAVER, directory], stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(2):  # wait for two complete saves
            assert proc.stdout.readline()
        time.sleep(0.05 + np.random.default_rng().random() * 0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    latest = train.latest_checkpoint(directory)
    assert latest is not None
    v = ef.Variable(np.zeros(8 << 20, np.float32))
    train.Checkpoint(v=v).restore(latest).assert_existing_objects_matched()
    values = v.numpy()
    assert values[0] >= 2 and np.all(values == values[0])
    assert int(latest.rsplit("-", 1)[1]) == int(values[0])
    leftovers = [name for name in os.listdir(directory) if "tempstate" in name or ".tmp" in name]
    # Temporary files of the killed save may remain; they never carry a final name.
    assert all(not name.endswith((".index", "checkpoint")) for name in leftovers)
