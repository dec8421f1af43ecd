"""One MPI worker iterating a distributed dataset under MultiWorkerMirroredStrategy: each worker
gets its replica's rows of every global batch, and training over the dataset matches one
process. Usage: mpiexec -n 2 python mw_dataset.py"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from tests.distribute import training  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id
data = tf.data.Dataset.from_tensor_slices(np.arange(16, dtype=np.float32)).batch(8)
rows = [strategy.experimental_local_results(b)[0].numpy().tolist()
        for b in strategy.experimental_distribute_dataset(data)]

with strategy.scope():
    w = tf.Variable(1.0)


def step(x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(x * w)
    strategy.extended.optimizer_apply(lambda pairs: [v.assign_sub(0.01 * g) for g, v in pairs],
                                      [(tape.gradient(loss, w), w)])


for batch in strategy.experimental_distribute_dataset(data):
    strategy.run(step, args=(batch,))
contexts = []
strategy.distribute_datasets_from_function(lambda ctx: contexts.append(
    (ctx.num_input_pipelines, ctx.input_pipeline_id)) or tf.data.Dataset.range(2))
training.report(rank, {"rank": rank, "rows": rows, "w": float(w.numpy()), "contexts": contexts})
