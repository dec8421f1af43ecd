"""A training step under MirroredStrategy and CentralStorageStrategy gives the variables the
same global batch gives without a strategy."""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import distribute
from eagerflow._src.distribute.distributed_variables import AggregatingVariable
from eagerflow._src.framework.transfers import reset_transfer_stats, transfer_stats
from tests.distribute import training


def _mirrored():
    return distribute.MirroredStrategy(["CPU:0", "CPU:1", "CPU:2"])


def _central():
    return distribute.experimental.CentralStorageStrategy(["CPU:0", "CPU:1", "CPU:2"], "CPU:0")


STRATEGIES = [pytest.param(_mirrored, id="mirrored"), pytest.param(_central, id="central_storage")]


def _train(strategy, step_fn):
    with strategy.scope():
        variables = training.make_variables()
    for step in range(training.STEPS):
        x, y = training.data(step)
        strategy.run(step_fn, args=(variables, training.split(strategy, x), training.split(strategy, y)))
    return variables


def _assert_same(variables, expected):
    for v, e in zip(variables, expected):
        for copy in distribute.get_strategy().experimental_local_results(v):
            np.testing.assert_allclose(copy.numpy(), e, rtol=1e-5, atol=1e-6)


def test_replica_all_reduce_then_local_update_matches_single_device(three_cpus):
    # TF 2.21 applies a replica-context update of a NONE-aggregated mirrored variable to the
    # replica's own copy: with all-reduced gradients the copies stay equal.
    def step(variables, x, y):
        grads = training.gradients(variables, x, y)
        grads = distribute.get_replica_context().all_reduce("SUM", grads)
        training.sgd(zip(grads, variables))

    _assert_same(_train(_mirrored(), step), training.reference())


@pytest.mark.parametrize("make", STRATEGIES)
def test_strategy_sums_gradients_for_update_fn(three_cpus, make):
    def step(variables, x, y):
        grads = training.gradients(variables, x, y)
        distribute.get_strategy().extended.optimizer_apply(training.sgd, list(zip(grads, variables)))

    _assert_same(_train(make(), step), training.reference())


@pytest.mark.parametrize("make", STRATEGIES)
def test_cross_replica_reduce_then_assign_matches_single_device(three_cpus, make):
    strategy = make()
    with strategy.scope():
        variables = training.make_variables()
    for step in range(training.STEPS):
        x, y = training.data(step)
        grads = strategy.run(training.gradients, args=(variables, training.split(strategy, x),
                                                       training.split(strategy, y)))
        for g, v in zip(grads, variables):
            v.assign_sub(training.LR * strategy.reduce("SUM", g, axis=None))
    _assert_same(variables, training.reference())


@pytest.mark.parametrize("make", STRATEGIES)
def test_optimizer_through_strategy_hook_matches_single_device(three_cpus, make):
    strategy = make()
    with strategy.scope():
        opt = tf.optimizers.SGD(training.LR, momentum=0.9)

    def step(variables, x, y):
        grads = training.gradients(variables, x, y)
        pairs = list(zip(grads, variables))
        opt.apply_gradients(pairs)

    variables = _train(strategy, step)
    _assert_same(variables, training.reference(tf.optimizers.SGD(training.LR, momentum=0.9)))
    assert [int(c.numpy()) for c in strategy.experimental_local_results(opt.iterations)] == \
        [training.STEPS] * len(strategy.experimental_local_results(opt.iterations))


def test_plain_optimizer_apply_gradients_in_replica_context(three_cpus):
    strategy = _mirrored()
    with strategy.scope():
        opt = tf.optimizers.SGD(training.LR)

    def step(variables, x, y):
        opt.apply_gradients(zip(training.gradients(variables, x, y), variables))

    _assert_same(_train(strategy, step), training.reference(tf.optimizers.SGD(training.LR)))


def test_central_storage_keeps_one_copy_and_counts_reads(three_cpus):
    strategy = _central()
    with strategy.scope():
        v = tf.Variable([1.0, 2.0], name="w")
    assert isinstance(v, AggregatingVariable)
    assert len(v.values) == 1 and v.device == three_cpus[0]
    reset_transfer_stats()
    strategy.run(lambda: v * 2.0)
    stats = transfer_stats()
    # Replicas 1 and 2 compute on their own device: the value read on CPU:0 is copied there.
    assert stats[(three_cpus[0], three_cpus[1])]["copies"] >= 1
    assert stats[(three_cpus[0], three_cpus[2])]["copies"] >= 1


def test_central_storage_replica_update_needs_aggregation(three_cpus):
    strategy = _central()
    with strategy.scope():
        v = tf.Variable(1.0)
        s = tf.Variable(1.0, aggregation=tf.VariableAggregation.SUM)
    with pytest.raises(ValueError, match="aggregation"):
        strategy.run(lambda: v.assign_add(1.0))
    with pytest.raises(ValueError, match="A non-DistributedValues value 1.0 cannot be reduced with the given "
                                         "reduce op ReduceOp.SUM."):
        strategy.run(lambda: s.assign_add(1.0))  # the same constant in every replica: TF refuses to sum it
    strategy.run(lambda: s.assign_add(tf.constant(1.0) * 1.0))  # each replica's own value
    assert float(s.numpy()) == 4.0


def test_mirrored_update_copies_are_counted(three_cpus):
    strategy = _mirrored()
    with strategy.scope():
        v = tf.Variable([1.0, 2.0])
    reset_transfer_stats()
    v.assign([3.0, 4.0])
    stats = transfer_stats()
    assert stats[(three_cpus[0], three_cpus[1])]["copies"] >= 1
