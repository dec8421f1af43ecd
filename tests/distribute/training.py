"""A small regression step shared by the strategy tests: same global batch, same result."""
import json
import os

import numpy as np

import eagerflow as tf

GLOBAL_BATCH = 6
LR = 0.1
STEPS = 3


def data(step):
    rng = np.random.default_rng(step)
    return (rng.normal(size=(GLOBAL_BATCH, 4)).astype(np.float32),
            rng.normal(size=(GLOBAL_BATCH, 1)).astype(np.float32))


def make_variables():
    rng = np.random.default_rng(42)
    return [tf.Variable(rng.normal(size=(4, 1)).astype(np.float32), name="w"),
            tf.Variable(np.zeros(1, np.float32), name="b")]


def gradients(variables, x, y):
    """Gradients of this replica's share of the global mean squared error."""
    with tf.GradientTape() as tape:
        pred = tf.matmul(x, variables[0]) + variables[1]
        loss = tf.reduce_sum(tf.square(pred - y)) / GLOBAL_BATCH
    return tape.gradient(loss, variables)


def sgd(pairs):
    for g, v in pairs:
        v.assign_sub(LR * g)


def reference(optimizer=None):
    """The variables after STEPS steps on the whole global batch, without a strategy."""
    variables = make_variables()
    for step in range(STEPS):
        x, y = data(step)
        grads = gradients(variables, tf.constant(x), tf.constant(y))
        if optimizer is None:
            sgd(list(zip(grads, variables)))
        else:
            optimizer.apply_gradients(zip(grads, variables))
    return [v.numpy() for v in variables]


def split(strategy, array):
    """This process's replicas' slices of a global batch, as a PerReplica value."""
    return strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.constant(_shard(array, ctx)))


def _shard(array, ctx):
    per = GLOBAL_BATCH // ctx.num_replicas_in_sync
    i = ctx.replica_id_in_sync_group
    return array[i * per:(i + 1) * per]


def report(rank, result):
    """Writes a worker's result to $RESULT_DIR/rank<r>.json, then prints it.

    The file comes first and is renamed into place: once a peer is killed the launcher may
    close a survivor's stdout, and a reader never sees a half-written file.
    """
    text = json.dumps(result)
    directory = os.environ.get("RESULT_DIR")
    if directory:
        target = os.path.join(directory, f"rank{rank}.json")
        with open(target + ".tmp", "w") as f:
            f.write(text)
        os.replace(target + ".tmp", target)
    try:
        print("RESULT " + text, flush=True)
    except BrokenPipeError:
        pass
