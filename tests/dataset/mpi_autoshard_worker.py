"""One MPI worker iterating a FILE auto-sharded dataset under MultiWorkerMirroredStrategy.
Usage: mpiexec -n 2 python mpi_autoshard_worker.py FILE... (writes RESULT_DIR/rank<r>.json)"""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import eagerflow as tf  # noqa: E402

strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id
files = sys.argv[1:]
result = {"rank": rank}
data = tf.data.TFRecordDataset(files).batch(4)  # AUTO policy: FILE, as the records come from files
result["steps"] = [[r.decode() for r in strategy.experimental_local_results(b)[0].numpy().tolist()]
                   for b in strategy.experimental_distribute_dataset(data)]
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
by_data = tf.data.TFRecordDataset(files).batch(4).with_options(options)
result["data_steps"] = [[r.decode() for r in strategy.experimental_local_results(b)[0].numpy().tolist()]
                        for b in strategy.experimental_distribute_dataset(by_data)]
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.FILE
try:
    strategy.experimental_distribute_dataset(tf.data.Dataset.range(4).batch(2).with_options(options))
    result["range_error"] = None
except tf.errors.NotFoundError as exc:
    result["range_error"] = str(exc)
with open(os.path.join(os.environ["RESULT_DIR"], f"rank{rank}.json"), "w") as f:
    json.dump(result, f)
