"""OneDeviceStrategy and the default strategy."""
import pytest

import eagerflow as tf
from eagerflow import distribute


def test_one_device_variables_are_plain_on_its_device(three_cpus):
    strategy = distribute.OneDeviceStrategy("CPU:1")
    with strategy.scope():
        v = tf.Variable(1.0)
    assert type(v).__name__ == "ResourceVariable" and v.device == three_cpus[1]
    assert strategy.num_replicas_in_sync == 1


def test_one_device_run_and_reduce(three_cpus):
    strategy = distribute.OneDeviceStrategy("CPU:1")
    out = strategy.run(lambda: tf.constant([1.0, 2.0]) * 2.0)
    assert out.device == three_cpus[1]
    assert float(strategy.reduce("SUM", out, axis=0)) == 6.0
    assert float(strategy.reduce("MEAN", out, axis=0)) == 3.0
    assert int(strategy.run(lambda: distribute.get_replica_context().replica_id_in_sync_group)) == 0


def test_default_strategy_outside_scopes():
    strategy = distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert not distribute.has_strategy()
    ctx = distribute.get_replica_context()
    assert int(ctx.replica_id_in_sync_group) == 0
    assert float(ctx.all_reduce("SUM", tf.constant(2.0))) == 2.0


def test_reduce_op_accepts_strings():
    assert distribute.ReduceOp.SUM is distribute.ReduceOp("SUM")
    with pytest.raises(ValueError):
        distribute.get_strategy().reduce("MAX", 1.0, axis=None)
