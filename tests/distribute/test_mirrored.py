"""MirroredStrategy on three logical CPUs: variables, aggregation, contexts, values, training."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow import distribute
from eagerflow._src.distribute.distributed_variables import MirroredVariable, SyncOnReadVariable
from eagerflow._src.distribute.values import PerReplica

ON_READ = tf.VariableSynchronization.ON_READ
AGG = tf.VariableAggregation


@pytest.fixture
def strategy(three_cpus):
    return distribute.MirroredStrategy(["CPU:0", "CPU:1", "CPU:2"])


def _replica_id():
    return tf.cast(distribute.get_replica_context().replica_id_in_sync_group, tf.float32)


def _copies(v):
    return [float(c.numpy()) for c in v.values]


def test_variable_in_scope_is_mirrored_with_tf_names(strategy, three_cpus):
    with strategy.scope():
        v = tf.Variable(1.0, name="v")
    assert isinstance(v, MirroredVariable) and isinstance(v, tf.Variable)
    assert [c.name for c in v.values] == ["v:0", "v/replica_1:0", "v/replica_2:0"]
    assert [c.device for c in v.values] == three_cpus
    assert v.name == "v:0" and v.device == three_cpus[0]


def test_name_scope_prefixes_every_copy(strategy):
    with strategy.scope(), tf.name_scope("dense"):
        v = tf.Variable(1.0, name="kernel")
    assert [c.name for c in v.values] == ["dense/kernel:0", "dense/kernel/replica_1:0",
                                          "dense/kernel/replica_2:0"]


def test_cross_replica_assign_reaches_every_copy(strategy):
    with strategy.scope():
        v = tf.Variable([1.0, 2.0])
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    assert all(np.array_equal(c.numpy(), [4.0, 5.0]) for c in v.values)


@pytest.mark.parametrize("aggregation, expected", [
    (AGG.SUM, 7.0),  # 1 + (1 + 2 + 3)
    (AGG.MEAN, 3.0),  # 1 + mean(1, 2, 3)
    (AGG.ONLY_FIRST_REPLICA, 2.0),  # 1 + replica 0's delta
])
def test_replica_assign_add_aggregates(strategy, aggregation, expected):
    with strategy.scope():
        v = tf.Variable(1.0, aggregation=aggregation)
    strategy.run(lambda: v.assign_add(_replica_id() + 1.0))
    assert _copies(v) == [expected] * 3


def test_replica_assign_mean(strategy):
    with strategy.scope():
        v = tf.Variable(1.0, aggregation=AGG.MEAN)
    strategy.run(lambda: v.assign(_replica_id() * 10.0))
    assert _copies(v) == [10.0] * 3


def test_replica_assign_without_aggregation_updates_own_copy(strategy):
    with strategy.scope():
        v = tf.Variable(1.0)
    strategy.run(lambda: v.assign(_replica_id()))
    assert _copies(v) == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("aggregation, read", [(AGG.SUM, 6.0), (AGG.MEAN, 2.0),
                                                (AGG.ONLY_FIRST_REPLICA, 1.0)])
def test_on_read_variable_aggregates_when_read(strategy, aggregation, read):
    with strategy.scope():
        v = tf.Variable(0.0, synchronization=ON_READ, aggregation=aggregation)
    assert isinstance(v, SyncOnReadVariable) and not v.trainable
    strategy.run(lambda: v.assign_add(_replica_id() + 1.0))
    assert _copies(v) == [1.0, 2.0, 3.0]
    assert float(v.numpy()) == read
    assert float(v + 0.0) == read


def test_on_read_replica_reads_are_local(strategy):
    with strategy.scope():
        v = tf.Variable(0.0, synchronization=ON_READ, aggregation=AGG.SUM)
    strategy.run(lambda: v.assign_add(_replica_id() + 1.0))
    out = strategy.run(lambda: v.read_value())
    assert [float(t) for t in strategy.experimental_local_results(out)] == [1.0, 2.0, 3.0]


def test_on_read_cross_replica_assign_divides_sum(strategy):
    with strategy.scope():
        s = tf.Variable(0.0, synchronization=ON_READ, aggregation=AGG.SUM)
        m = tf.Variable(0.0, synchronization=ON_READ, aggregation=AGG.MEAN)
    s.assign(6.0)
    m.assign(6.0)
    assert _copies(s) == [2.0] * 3 and float(s.numpy()) == 6.0
    assert _copies(m) == [6.0] * 3


def test_on_read_sum_refuses_cross_replica_assign_add(strategy):
    with strategy.scope():
        s = tf.Variable(0.0, synchronization=ON_READ, aggregation=AGG.SUM)
    with pytest.raises(ValueError, match="assign_add"):
        s.assign_add(1.0)


def test_synchronization_none_is_refused(strategy):
    with strategy.scope(), pytest.raises(ValueError, match="NONE"):
        tf.Variable(0.0, synchronization=tf.VariableSynchronization.NONE)


def test_run_returns_per_replica_and_reduce(strategy):
    out = strategy.run(_replica_id)
    assert isinstance(out, PerReplica)
    assert float(strategy.reduce(distribute.ReduceOp.SUM, out, axis=None)) == 3.0
    assert float(strategy.reduce("MEAN", out, axis=None)) == 1.0


def test_values_from_function_reduce_over_axis_and_gather(strategy, three_cpus):
    pr = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.fill([2], float(ctx.replica_id_in_sync_group)))
    assert [t.device for t in pr.values] == three_cpus
    assert float(strategy.reduce("SUM", pr, axis=0)) == 6.0
    assert float(strategy.reduce("MEAN", pr, axis=0)) == 1.0
    np.testing.assert_array_equal(strategy.gather(pr, axis=0).numpy(), [0, 0, 1, 1, 2, 2])


def test_run_passes_each_replica_its_component(strategy):
    pr = strategy.experimental_distribute_values_from_function(
        lambda ctx: tf.constant(float(ctx.replica_id_in_sync_group)))
    out = strategy.run(lambda x: x * 2.0, args=(pr,))
    assert [float(t) for t in out.values] == [0.0, 2.0, 4.0]


def test_replica_runs_on_its_device(strategy, three_cpus):
    out = strategy.run(lambda: tf.constant(1.0) + 1.0)
    assert [t.device for t in out.values] == three_cpus


def test_contexts(strategy):
    assert not distribute.has_strategy() and not distribute.in_cross_replica_context()
    assert distribute.get_replica_context() is not None
    with strategy.scope():
        assert distribute.has_strategy() and distribute.in_cross_replica_context()
        assert distribute.get_replica_context() is None
        assert distribute.get_strategy() is strategy
    seen = strategy.run(lambda: (distribute.in_cross_replica_context(),
                                 distribute.get_strategy() is strategy))
    assert seen == (False, True)


def test_replica_all_reduce(strategy, three_cpus):
    out = strategy.run(lambda: distribute.get_replica_context().all_reduce("SUM", _replica_id() + 1.0))
    assert [float(t) for t in out.values] == [6.0] * 3
    assert [t.device for t in out.values] == three_cpus


def test_merge_call_runs_once_in_cross_replica_context(strategy):
    calls = []

    def merge(s, x):
        calls.append(distribute.in_cross_replica_context())
        return s.reduce("SUM", x, axis=None)

    out = strategy.run(lambda: distribute.get_replica_context().merge_call(merge, args=(_replica_id(),)))
    assert calls == [True] and float(out) == 3.0


def test_replica_error_is_raised_and_others_released(strategy):
    def fn():
        if int(distribute.get_replica_context().replica_id_in_sync_group) == 1:
            raise KeyError("boom")
        return distribute.get_replica_context().all_reduce("SUM", 1.0)

    with pytest.raises(KeyError, match="boom"):
        strategy.run(fn)


def test_mixing_strategies_is_refused(strategy):
    other = distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    with strategy.scope(), pytest.raises(RuntimeError, match="Mixing"):
        with other.scope():
            pass
