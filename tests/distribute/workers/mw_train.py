"""One MPI worker training under MultiWorkerMirroredStrategy; compares with the single-process
result of the same global batches. Usage: mpiexec -n 2 python mw_train.py"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from eagerflow import distribute  # noqa: E402
from tests.distribute import training  # noqa: E402

strategy = distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id


with strategy.scope():
    variables = training.make_variables()
    # Different initial values on each rank: creation must broadcast rank 0's.
    noise = tf.Variable(np.full(3, rank, np.float32))


def step(x, y):
    grads = training.gradients(variables, x, y)
    strategy.extended.optimizer_apply(training.sgd, list(zip(grads, variables)))


for s in range(training.STEPS):
    x, y = training.data(s)
    strategy.run(step, args=(training.split(strategy, x), training.split(strategy, y)))

expected = training.reference()
ok = all(np.allclose(v.numpy(), e, rtol=1e-5, atol=1e-6) for v, e in zip(variables, expected))
ids = strategy.run(lambda: distribute.get_replica_context().replica_id_in_sync_group)
total = strategy.reduce("SUM", tf.constant(float(rank + 1)), axis=None)
gathered = strategy.gather(tf.constant([float(rank)]), axis=0)
summary = {
    "rank": rank, "ok": bool(ok), "noise": noise.numpy().tolist(), "replicas": strategy.num_replicas_in_sync,
    "replica_id": int(ids), "sum": float(total), "gathered": gathered.numpy().tolist(),
    "chief": strategy.extended.should_checkpoint,
}
training.report(rank, summary)
