"""Training with checkpoints written by the chief; `run DIR DIE_AT` trains STEPS steps
(rank 1 dies at step DIE_AT when >= 0), resuming from DIR's latest checkpoint if any.
Usage: mpiexec -disable-auto-cleanup -n 2 python mw_resume.py DIR DIE_AT"""
import os
import signal
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from eagerflow import errors  # noqa: E402
from eagerflow import distribute, train  # noqa: E402
from tests.distribute import training  # noqa: E402

STEPS = 8
directory, die_at = sys.argv[1], int(sys.argv[2])
strategy = distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id


with strategy.scope():
    w, b = training.make_variables()
    step_counter = tf.Variable(0, dtype=tf.int64, name="step")
checkpoint = train.Checkpoint(w=w, b=b, step=step_counter)
manager = train.CheckpointManager(checkpoint, directory, max_to_keep=3)
if manager.latest_checkpoint:
    checkpoint.restore(manager.latest_checkpoint)


def step(x, y):
    grads = training.gradients([w, b], x, y)
    strategy.extended.optimizer_apply(training.sgd, list(zip(grads, [w, b])))


try:
    while int(step_counter.numpy()) < STEPS:
        s = int(step_counter.numpy())
        if rank == 1 and s == die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        x, y = training.data(s)
        strategy.run(step, args=(training.split(strategy, x), training.split(strategy, y)))
        step_counter.assign_add(1)
        if strategy.extended.should_checkpoint:
            manager.save()
        strategy.extended.communicator.barrier()  # the checkpoint is on disk before going on
except errors.UnavailableError as e:
    training.report(rank, {"rank": rank, "lost": str(e), "step": int(step_counter.numpy())})
    sys.exit(0)
training.report(rank, {"rank": rank, "w": np.asarray(w.numpy()).tolist(),
                              "b": np.asarray(b.numpy()).tolist(), "step": int(step_counter.numpy())})
