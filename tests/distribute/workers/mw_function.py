"""One MPI worker running collectives inside tf.function under MultiWorkerMirroredStrategy:
tracing must not call the communicator; each call runs the traced collectives once.
Usage: mpiexec -n 2 python mw_function.py"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from eagerflow import distribute  # noqa: E402
from tests.distribute import training  # noqa: E402

strategy = distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id
communicator = strategy.extended.communicator


def value(scale):
    return tf.constant([1.0, 2.0]) * scale * (rank + 1)


def all_reduce(x):
    return distribute.get_replica_context().all_reduce("SUM", x)


def merge_sum(x):
    return distribute.get_replica_context().merge_call(
        lambda s, v: s.reduce("SUM", v, axis=None), args=(x,))


around = tf.function(lambda x: strategy.run(all_reduce, args=(x,)))
before = communicator._seq
around.get_concrete_function(value(1.0))
collectives_while_tracing = communicator._seq - before
sums = []
before = communicator._seq
for scale in (1.0, 3.0, -2.0):
    sums.append(around(value(scale)).numpy().tolist())
collectives_per_call = (communicator._seq - before) / 3
direct = strategy.run(tf.function(all_reduce), args=(value(2.0),)).numpy().tolist()
merged = strategy.run(tf.function(merge_sum), args=(value(4.0),)).numpy().tolist()
gathered = tf.function(lambda x: strategy.gather(x, axis=0))(tf.constant([float(rank)] * (rank + 1)))

with strategy.scope():
    variables = training.make_variables()


def replica_step(x, y):
    grads = training.gradients(variables, x, y)
    distribute.get_strategy().extended.optimizer_apply(training.sgd, list(zip(grads, variables)))


step = tf.function(lambda x, y: strategy.run(replica_step, args=(x, y)))
for s in range(training.STEPS):
    x, y = training.data(s)
    step(training.split(strategy, x), training.split(strategy, y))
trained = all(np.allclose(v.numpy(), e, rtol=1e-5, atol=1e-6) for v, e in zip(variables, training.reference()))
training.report(rank, {
    "rank": rank, "while_tracing": collectives_while_tracing, "per_call": collectives_per_call,
    "sums": sums, "direct": direct, "merged": merged, "gathered": gathered.numpy().tolist(),
    "trained": bool(trained), "traces": around.experimental_get_tracing_count(),
})
