"""Collectives inside `tf.function`: `strategy.run(tf.function(step))` and
`tf.function(lambda: strategy.run(step))` for every strategy. All-reduce, merge_call and the
optimizer's gradient aggregation become graph nodes that run each time the function runs.
(The MPI strategy runs the same checks in test_multi_worker.py, workers/mw_function.py.)"""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow import distribute
from tests.distribute import training


def _default():
    return distribute.get_strategy()


def _one_device():
    return distribute.OneDeviceStrategy("CPU:0")


def _mirrored():
    return distribute.MirroredStrategy(["CPU:0", "CPU:1", "CPU:2"])


def _central():
    return distribute.experimental.CentralStorageStrategy(["CPU:0", "CPU:1", "CPU:2"], "CPU:0")


STRATEGIES = [pytest.param(_default, id="default"), pytest.param(_one_device, id="one_device"),
              pytest.param(_mirrored, id="mirrored"), pytest.param(_central, id="central_storage")]


def _per_replica(strategy, scale):
    """Replica i holds scale * (i + 1) * [1, 2]."""
    return strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.constant([1.0, 2.0]) * scale * tf.cast(ctx.replica_id_in_sync_group + 1, tf.float32))


def _replica_sum(strategy, scale):
    n = strategy.num_replicas_in_sync
    return np.array([1.0, 2.0]) * scale * n * (n + 1) / 2


def _all_reduce(x):
    return distribute.get_replica_context().all_reduce("SUM", x)


def _merge_sum(x):
    return distribute.get_replica_context().merge_call(
        lambda strategy, value: strategy.reduce("SUM", value, axis=None), args=(x,))


def _locals(strategy, value):
    return [v.numpy() for v in strategy.experimental_local_results(value)]


@pytest.mark.parametrize("make", STRATEGIES)
def test_run_of_a_traced_step_all_reduces_over_replicas(three_cpus, make):
    strategy = make()
    result = strategy.run(tf.function(_all_reduce), args=(_per_replica(strategy, 1.0),))
    for part in _locals(strategy, result):
        np.testing.assert_allclose(part, _replica_sum(strategy, 1.0))


@pytest.mark.parametrize("make", STRATEGIES)
def test_traced_all_reduce_runs_on_each_call_not_at_trace_time(three_cpus, make):
    strategy = make()
    step = tf.function(lambda x: strategy.run(_all_reduce, args=(x,)))
    for scale in (1.0, 3.0, -2.0):
        result = step(_per_replica(strategy, scale))
        for part in _locals(strategy, result):
            np.testing.assert_allclose(part, _replica_sum(strategy, scale))
    assert step.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("make", STRATEGIES)
def test_merge_call_inside_a_function_reduces_each_call(three_cpus, make):
    strategy = make()
    traced = tf.function(_merge_sum)
    for scale in (1.0, 5.0):
        direct = strategy.run(traced, args=(_per_replica(strategy, scale),))
        around = tf.function(lambda x: strategy.run(_merge_sum, args=(x,)))(_per_replica(strategy, scale))
        for value in (direct, around):
            for part in _locals(strategy, value):
                np.testing.assert_allclose(part, _replica_sum(strategy, scale))


@pytest.mark.parametrize("make", STRATEGIES)
def test_optimizer_aggregation_in_a_traced_step_sums_gradients_each_call(three_cpus, make):
    # The hook optimizers hand distributed variables to (Keras's goes through all_reduce and
    # merge_call, tested in tests/keras/test_distributed_fit.py).
    strategy = make()
    with strategy.scope():
        variables = training.make_variables()

    def replica_step(x, y):
        grads = training.gradients(variables, x, y)
        distribute.get_strategy().extended.optimizer_apply(training.sgd, list(zip(grads, variables)))

    step = tf.function(lambda x, y: strategy.run(replica_step, args=(x, y)))
    for s in range(training.STEPS):
        x, y = training.data(s)
        step(training.split(strategy, x), training.split(strategy, y))
    for v, expected in zip(variables, training.reference()):
        for copy in strategy.experimental_local_results(v):
            np.testing.assert_allclose(copy.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_replicas_trace_in_turn_so_every_trace_has_one_op_order(three_cpus):
    strategy = _mirrored()

    def step(x):
        y = tf.square(x) + 1.0
        z = distribute.get_replica_context().all_reduce("SUM", y)
        return tf.reduce_sum(z * x) - tf.reduce_max(x)

    def op_types():
        concrete = tf.function(lambda x: strategy.run(step, args=(x,))).get_concrete_function(
            _per_replica(strategy, 1.0))
        return [op.type for op in concrete.graph.get_operations()]

    first = op_types()
    assert all(op_types() == first for _ in range(5))


def test_mirrored_variables_in_a_trace_bind_each_replicas_copy(three_cpus):
    # As TF 2.21: a NONE-aggregated update in replica context changes the replica's own copy;
    # a MEAN-aggregated one is merged and reaches every copy.
    strategy = _mirrored()
    with strategy.scope():
        own = tf.Variable(0.0)
        mean = tf.Variable(0.0, aggregation=tf.VariableAggregation.MEAN)

    def add_replica_id():
        replica_id = tf.cast(distribute.get_replica_context().replica_id_in_sync_group, tf.float32)
        own.assign_add(replica_id)
        mean.assign_add(replica_id)
        return own.read_value(), mean.read_value()

    step = tf.function(lambda: strategy.run(add_replica_id))
    step()
    own_read, mean_read = step()
    assert [float(p) for p in _locals(strategy, own_read)] == [0.0, 2.0, 4.0]
    assert [float(p) for p in _locals(strategy, mean_read)] == [2.0, 2.0, 2.0]
    assert [float(c.numpy()) for c in strategy.experimental_local_results(mean)] == [2.0, 2.0, 2.0]
