"""Rank 1 dies mid-training (by SIGKILL or by an exception); rank 0 must raise
UnavailableError naming rank 1, also from a collective inside a traced step (`traced`).
Usage: mpiexec -disable-auto-cleanup -n 2 python mw_failure.py kill|raise [traced]"""
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from eagerflow import errors  # noqa: E402
from eagerflow import distribute  # noqa: E402
from tests.distribute import training  # noqa: E402

how = sys.argv[1]
traced = sys.argv[2:] == ["traced"]
strategy = distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id


with strategy.scope():
    variables = training.make_variables()


def step(x, y):
    grads = training.gradients(variables, x, y)
    strategy.extended.optimizer_apply(training.sgd, list(zip(grads, variables)))


run = tf.function(lambda x, y: strategy.run(step, args=(x, y))) if traced else \
    (lambda x, y: strategy.run(step, args=(x, y)))
started = time.monotonic()
try:
    for s in range(1000):
        if rank == 1 and s == 3:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("worker 1 failed on purpose")
        started = time.monotonic()  # rank 1 dies at the start of step 3, or just after step 2
        x, y = training.data(s % 7)
        run(training.split(strategy, x), training.split(strategy, y))
except errors.UnavailableError as e:
    training.report(rank, {"rank": rank, "error": str(e),
                                  "seconds": time.monotonic() - started})
    sys.exit(0)
training.report(rank, {"rank": rank, "error": None})
